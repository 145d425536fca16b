"""Merchant UI routes."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from crossdock.web.access import HubSignInForm
from crossdock.web.views import (
    catalog_import,
    channels,
    custom_statuses,
    dashboard,
    integrations,
    listings,
    order_actions,
    orders,
    products,
    settings,
    shipments,
    stock_sources,
    webhooks,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            authentication_form=HubSignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/hold", order_actions.order_hold, name="order_hold"),
    path("orders/<int:order_id>/release", order_actions.order_release, name="order_release"),
    path("orders/<int:order_id>/cancel", order_actions.order_cancel, name="order_cancel"),
    path(
        "orders/<int:order_id>/custom-status",
        order_actions.order_custom_status,
        name="order_custom_status",
    ),
    path("orders/<int:order_id>/notes", order_actions.order_notes, name="order_notes"),
    path("orders/<int:order_id>/address", order_actions.order_address, name="order_address"),
    path("orders/<int:order_id>/shipments", shipments.order_shipment, name="order_shipment"),
    path("custom-statuses/", custom_statuses.custom_status_list, name="custom_statuses"),
    path(
        "custom-statuses/<int:custom_status_id>",
        custom_statuses.custom_status_update,
        name="custom_status_update",
    ),
    path("channels/", channels.channel_list, name="channels"),
    path("channels/connect/<slug:kind>", channels.channel_connect, name="channel_connect"),
    path("channels/<int:channel_id>/", channels.channel_detail, name="channel_detail"),
    path("channels/<int:channel_id>/sync", channels.channel_sync, name="channel_sync"),
    path("channels/<int:channel_id>/webhook", channels.channel_webhook, name="channel_webhook"),
    path("webhooks/<str:token>", webhooks.receive, name="webhook_receive"),
    path("channels/write-backs/", channels.write_back_list, name="write_backs"),
    path(
        "channels/write-backs/<int:write_back_id>/replay",
        channels.write_back_replay,
        name="write_back_replay",
    ),
    path("channels/carriers/", channels.carrier_mappings, name="carrier_mappings"),
    path(
        "channels/carriers/<int:mapping_id>/delete",
        channels.carrier_mapping_delete,
        name="carrier_mapping_delete",
    ),
    path(
        "integrations/fulfillment/",
        integrations.fulfillment_integrations,
        name="fulfillment_integrations",
    ),
    path(
        "integrations/fulfillment/archived/",
        integrations.fulfillment_integrations_archived,
        name="fulfillment_integrations_archived",
    ),
    path(
        "integrations/fulfillment/shipstation/new",
        integrations.shipstation_new,
        name="shipstation_new",
    ),
    path(
        "integrations/fulfillment/shipstation/<int:integration_id>/",
        integrations.shipstation_detail,
        name="shipstation_detail",
    ),
    path(
        "integrations/fulfillment/shipstation/<int:integration_id>/rotate",
        integrations.shipstation_rotate,
        name="shipstation_rotate",
    ),
    path(
        "integrations/fulfillment/shipstation/<int:integration_id>/revoke",
        integrations.shipstation_revoke,
        name="shipstation_revoke",
    ),
    path("products/", products.product_list, name="products"),
    path("products/<int:product_id>/", products.product_detail, name="product_detail"),
    path("products/<int:product_id>/stock", products.product_stock, name="product_stock"),
    path("products/<int:product_id>/transfer", products.product_transfer, name="product_transfer"),
    path("products/<int:product_id>/settings", products.product_settings, name="product_settings"),
    path("products/import/", catalog_import.catalog_import, name="catalog_import"),
    path(
        "products/import/<str:token>/",
        catalog_import.catalog_import_report,
        name="catalog_import_report",
    ),
    path("products/export", catalog_import.catalog_export, name="catalog_export"),
    path("listings/", listings.listing_list, name="listings"),
    path("listings/drift/", listings.drift_report, name="drift_report"),
    path("listings/<int:listing_id>/", listings.listing_detail, name="listing_detail"),
    path("listings/<int:listing_id>/link", listings.listing_link, name="listing_link"),
    path("listings/<int:listing_id>/unlink", listings.listing_unlink, name="listing_unlink"),
    path("listings/<int:listing_id>/pause", listings.listing_pause, name="listing_pause"),
    path(
        "listings/<int:listing_id>/product",
        listings.listing_create_product,
        name="listing_create_product",
    ),
    path("inventory-sources/", stock_sources.inventory_sources, name="inventory_sources"),
    path("channels/<int:channel_id>/stock/", stock_sources.channel_stock, name="channel_stock"),
    path(
        "channels/<int:channel_id>/stock/sources",
        stock_sources.channel_stock_sources,
        name="channel_stock_sources",
    ),
    path(
        "channels/<int:channel_id>/stock/rule",
        stock_sources.channel_stock_rule,
        name="channel_stock_rule",
    ),
    path(
        "channels/<int:channel_id>/stock/decide",
        stock_sources.channel_stock_decide,
        name="channel_stock_decide",
    ),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/users", settings.add_user, name="settings_add_user"),
    path("settings/password", settings.change_password, name="settings_password"),
    path("settings/tokens", settings.create_token, name="settings_create_token"),
    path(
        "settings/tokens/<int:token_id>/revoke", settings.revoke_token, name="settings_revoke_token"
    ),
]
