"""Desk UI routes under ``/desk/``."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from crossdock.desk.web.access import DeskSignInForm
from crossdock.desk.web.views import account, diagnose, orders, stores, team, tokens

urlpatterns = [
    path("", orders.order_grid, name="desk_orders"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="desk/login.html",
            authentication_form=DeskSignInForm,
            redirect_authenticated_user=True,
            next_page="/desk/",
        ),
        name="desk_login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="/desk/login/"), name="desk_logout"),
    path("orders/<int:order_id>/", orders.order_page, name="desk_order"),
    path("orders/<int:order_id>/ship/", orders.ship, name="desk_ship"),
    path("orders/<int:order_id>/packing-slip/", orders.packing_slip, name="desk_packing_slip"),
    path(
        "orders/<int:order_id>/packing-slip.pdf",
        orders.packing_slip_pdf,
        name="desk_packing_slip_pdf",
    ),
    path("shipments/", orders.shipment_list, name="desk_shipments"),
    path("shipments/<int:shipment_id>/resend/", orders.resend_notice, name="desk_resend"),
    path("shipments/<int:shipment_id>/void/", orders.void, name="desk_void"),
    path("stores/", stores.store_list, name="desk_stores"),
    path("stores/connect/", stores.connect_tiles, name="desk_connect"),
    path("stores/diagnose/", diagnose.diagnose_any, name="desk_diagnose"),
    path("stores/<int:store_id>/diagnose/", diagnose.store_diagnose, name="desk_store_diagnose"),
    path("stores/connect/<str:kind>/", stores.connect, name="desk_connect_kind"),
    path("stores/<int:store_id>/settings/", stores.store_settings, name="desk_store_settings"),
    path("stores/<int:store_id>/connection/", stores.reconnect, name="desk_reconnect"),
    path("stores/<int:store_id>/import/", stores.import_now, name="desk_import_now"),
    path("stores/<int:store_id>/imports/", stores.import_history, name="desk_store_imports"),
    path("password/", account.change_password, name="desk_password"),
    path("team/", team.team, name="desk_team"),
    path("team/<int:seat_id>/remove/", team.remove, name="desk_team_remove"),
    path("tokens/", tokens.tokens, name="desk_tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.revoke, name="desk_token_revoke"),
]
