"""The ``NinjaAPI`` instance: routers, auth and error handlers."""

from __future__ import annotations

from crossdock.api import (
    carrier_mappings,
    channels,
    custom_statuses,
    integrations,
    inventory_sources,
    listings,
    orders,
    products,
    stock,
    write_backs,
)
from crossdock.api.auth import TokenAuth
from crossdock.platform.api_errors import rest_api

api = rest_api(
    "Crossdock hub API",
    "Orders, channels and fulfillment integrations of one merchant account. "
    "Authenticate with `Authorization: Bearer <token>` (create one with `crossdock token create`).",
    TokenAuth(),
    "api",
)
api.add_router("/orders", orders.router)
api.add_router("/custom-statuses", custom_statuses.router)
api.add_router("/integrations", integrations.router)
api.add_router("/channels", channels.router)
api.add_router("/write-backs", write_backs.router)
api.add_router("/carrier-mappings", carrier_mappings.router)
api.add_router("/products", products.router)
api.add_router("/stock", stock.router)
api.add_router("/listings", listings.router)
api.add_router("/inventory-sources", inventory_sources.router)
