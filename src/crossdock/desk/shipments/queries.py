"""Desk shipment reads, always scoped by desk account."""

from __future__ import annotations

from django.db.models import QuerySet

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.shipments.models import Shipment


def shipments(account: DeskAccount, *, order_id: int | None = None) -> QuerySet[Shipment]:
    found = (
        Shipment.objects.filter(account=account)
        .select_related("order", "order__store", "notice", "email")
        .prefetch_related("lines__line")
    )
    return found.filter(order_id=order_id) if order_id is not None else found


def shipment(account: DeskAccount, shipment_id: int) -> Shipment | None:
    return shipments(account).filter(pk=shipment_id).first()
