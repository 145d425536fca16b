"""Merchant UI views: thin, they read through queries and write through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crossdock.hub.accounts.queries import account_for_user
from crossdock.hub.orders import queries as order_queries


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    account = account_for_user(request.user)
    if account is None:
        return render(request, "web/no_account.html", status=403)
    recent = order_queries.orders(account)[:20]
    return render(request, "web/dashboard.html", {"account": account, "orders": recent})
