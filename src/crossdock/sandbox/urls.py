"""URLs of the sandbox marketplace, mounted at ``/sandbox/``."""

from __future__ import annotations

from django.urls import path

from crossdock.sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("", views.index, name="index"),
    path("api/v1/orders", views.orders, name="orders"),
    path("api/v1/orders/<str:order_id>", views.order, name="order"),
    path("api/v1/orders/<str:order_id>/shipments", views.order_shipments, name="shipments"),
    path("api/v1/stock", views.stock, name="stock"),
    path("api/v1/listings", views.listings, name="listings"),
    path("api/v1/received/shipments", views.received_shipments, name="received-shipments"),
    path("api/v1/received/stock", views.received_stock, name="received-stock"),
    path("api/v1/simulate/orders", views.simulate_orders, name="simulate-orders"),
    path(
        "api/v1/simulate/orders/<str:order_id>/change",
        views.simulate_change,
        name="simulate-change",
    ),
    path(
        "api/v1/simulate/orders/<str:order_id>/cancel",
        views.simulate_cancel,
        name="simulate-cancel",
    ),
    path("api/v1/faults", views.fault_settings, name="faults"),
]
