"""The dashboard: what needs the merchant's attention today, low stock included."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import queries as catalog_queries
from crossdock.hub.channels import queries as channel_queries
from crossdock.hub.fulfillment import queries as fulfillment_queries
from crossdock.hub.orders import queries as order_queries
from crossdock.web.access import account_view
from crossdock.web.forms.orders import TO_SHIP
from crossdock.web.views.channels import failed_write_backs

#: Over-shipments stay under "Needs attention" this long (the order page keeps the flag).
OVER_SHIPPED_SHOWN = timedelta(days=30)


@account_view
def dashboard(request: HttpRequest, account: Account) -> HttpResponse:
    counts = order_queries.status_counts(account)
    failing = failed_write_backs(account)
    low = catalog_queries.low_stock(account)
    context = {
        "section": "dashboard",
        "account": account,
        "to_ship_count": sum(counts.get(status, 0) for status in order_queries.TO_SHIP_STATUSES),
        "to_ship_filter": TO_SHIP,
        "partially_shipped_count": counts.get(OrderStatus.PARTIALLY_SHIPPED.value, 0),
        "on_hold_count": counts.get(OrderStatus.ON_HOLD.value, 0),
        "unpaid_count": counts.get(OrderStatus.UNPAID.value, 0),
        "to_ship": order_queries.orders_to_ship(account)[:8],
        "failed_write_back_count": failing.count(),
        "low_stock_count": len(low),
        "low_stock": low[:10],
        "failed_write_backs": list(failing[:5]),
        "over_shipments": list(
            fulfillment_queries.over_shipments(account, since=timezone.now() - OVER_SHIPPED_SHOWN)[
                :10
            ]
        ),
        "channels_in_error": [
            channel
            for channel in channel_queries.channels(account).order_by("name")
            if channel.is_active and channel.last_error
        ],
    }
    return render(request, "web/dashboard.html", context)
