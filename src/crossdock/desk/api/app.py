"""The desk's ``NinjaAPI`` instance (namespace ``desk_api``), mounted at ``/desk/api/v1/``."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from crossdock.desk.api import orders, shipments, stores, tokens
from crossdock.desk.api.auth import DeskTokenAuth
from crossdock.platform.api_errors import install_error_handlers

desk_api = NinjaAPI(
    title="Crossdock shipping desk API",
    version="1",
    description="Stores connected over the ShipStation Custom Store protocol, their imported "
    "orders and shipments. Authenticate with `Authorization: Bearer <token>` "
    "(create one on the desk's API tokens page or with `crossdock desk token create`).",
    auth=DeskTokenAuth(),
    docs_url="/docs",
    # Swagger UI from the files django-ninja ships (``ninja`` is an installed app), not a CDN;
    # no validator badge, which would fetch an image from swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="desk_api",
)
install_error_handlers(desk_api)
desk_api.add_router("/stores", stores.router)
desk_api.add_router("/orders", orders.router)
desk_api.add_router("/shipments", shipments.router)
desk_api.add_router("/tokens", tokens.router)
