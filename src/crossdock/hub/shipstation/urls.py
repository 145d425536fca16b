"""URLs of the ShipStation endpoint (mounted under ``/shipstation/``)."""

from __future__ import annotations

from django.urls import path

from crossdock.hub.shipstation.views import custom_store

urlpatterns = [
    path("custom-store", custom_store, name="shipstation-custom-store"),
    # Merchants paste URLs with and without the slash; both answer the same.
    path("custom-store/", custom_store),
]
