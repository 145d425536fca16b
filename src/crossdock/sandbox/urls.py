"""URLs of the sandbox marketplace, mounted at ``/sandbox/``."""

from __future__ import annotations

from django.urls import path

from crossdock.sandbox import pages, views

app_name = "sandbox"
urlpatterns = [
    path("", pages.shops, name="shops"),
    path("shops/new/", pages.new_shop, name="new-shop"),
    path("shops/<int:shop_id>/", pages.shop_page, name="shop"),
    path("shops/<int:shop_id>/created/", pages.shop_created, name="shop-created"),
    path("shops/<int:shop_id>/simulate/", pages.simulate, name="simulate"),
    path("shops/<int:shop_id>/received/", pages.received, name="received"),
    path("shops/<int:shop_id>/faults/", pages.faults, name="faults"),
    path("api/v1/", views.index, name="index"),
    path("api/v1/shops", views.open_shop, name="open-shop"),
    path("api/v1/orders", views.orders, name="orders"),
    path("api/v1/orders/<str:order_id>", views.order, name="order"),
    path("api/v1/orders/<str:order_id>/shipments", views.order_shipments, name="shipments"),
    path("api/v1/stock", views.stock, name="stock"),
    path("api/v1/listings", views.listings, name="listings"),
    path("api/v1/received/shipments", views.received_shipments, name="received-shipments"),
    path("api/v1/received/stock", views.received_stock, name="received-stock"),
    path("api/v1/received/faults", views.received_faults, name="received-faults"),
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
