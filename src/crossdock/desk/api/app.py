"""The desk's ``NinjaAPI`` instance (namespace ``desk_api``), mounted at ``/desk/api/v1/``."""

from __future__ import annotations

from crossdock.desk.api import orders, shipments, stores, tokens
from crossdock.desk.api.auth import DeskTokenAuth
from crossdock.platform.api_errors import rest_api

desk_api = rest_api(
    "Crossdock shipping desk API",
    "Stores connected over the ShipStation Custom Store protocol, their imported "
    "orders and shipments. Authenticate with `Authorization: Bearer <token>` "
    "(create one on the desk's API tokens page or with `crossdock desk token create`).",
    DeskTokenAuth(),
    "desk_api",
)
desk_api.add_router("/stores", stores.router)
desk_api.add_router("/orders", orders.router)
desk_api.add_router("/shipments", shipments.router)
desk_api.add_router("/tokens", tokens.router)
