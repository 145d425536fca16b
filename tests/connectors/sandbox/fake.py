"""The sandbox connector's fake platform for the conformance kit: the real sandbox app.

Requests go through Django's test client to the sandbox views and database
(:func:`tests.fixtures.sandbox.django_transport`), so the kit exercises the very API the
sandbox serves. Needs the database (the kit marks every test with it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

import httpx
from django.utils import timezone

from crossdock.connectors.base import ChannelConfig, ConnectorSpec, ProblemKind
from crossdock.connectors.sandbox.connector import SPEC
from crossdock.sandbox import services
from crossdock.sandbox.models import SandboxListing, SandboxShipment, SandboxShop
from tests.connectors.conformance.platform import SEED_SPACING, FakeShipment
from tests.fixtures.sandbox import BASE_URL, django_transport, make_shop


class SandboxFake:
    """One sandbox shop, reached in-process."""

    spec: ConnectorSpec = SPEC
    page_size = 100
    # The sandbox marketplace has no refunds, and a line's location is its bin.
    absent_features = frozenset({"refunds"})

    def __init__(self) -> None:
        self.shop, self.token = make_shop()

    def good_config(self) -> ChannelConfig:
        return ChannelConfig({"base_url": BASE_URL}, {"api_token": self.token})

    def bad_configs(self) -> Mapping[ProblemKind, ChannelConfig]:
        return {
            ProblemKind.BAD_TOKEN: ChannelConfig(
                {"base_url": BASE_URL}, {"api_token": "sbx_not-a-token"}
            ),
            ProblemKind.BAD_DOMAIN: ChannelConfig(
                {"base_url": "http://testserver/not-the-sandbox"}, {"api_token": self.token}
            ),
        }

    def transport(self) -> httpx.BaseTransport:
        return django_transport()

    def seed_orders(self, count: int) -> list[str]:
        start = timezone.now() - timedelta(hours=1) - SEED_SPACING * count
        placed = [services.place_showcase_order(self.shop, now=start)]
        for index in range(1, count):
            placed += services.generate_orders(self.shop, 1, now=start + SEED_SPACING * index)
        return [order.public_id for order in placed]

    def change_order(self, external_id: str) -> None:
        services.change_order(self.shop, external_id, {"buyer_note": "Please ring twice."})

    def cancel_order(self, external_id: str) -> None:
        services.cancel_order(self.shop, external_id)

    def refund_order(self, external_id: str, amount: Decimal) -> None:
        raise NotImplementedError("the sandbox marketplace has no refunds (absent_features)")

    def error_response(
        self, request: httpx.Request, status: int, message: str, retry_after: int | None
    ) -> httpx.Response:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return httpx.Response(status, json={"error": message}, headers=headers, request=request)

    def shipments(self, external_id: str) -> list[FakeShipment]:
        return [
            FakeShipment(
                tracking_number=shipment.tracking_number,
                lines={line["line_id"]: int(line["quantity"]) for line in shipment.lines},
                carrier=shipment.carrier,
            )
            for shipment in SandboxShipment.objects.filter(
                shop=self.shop, order__public_id=external_id
            )
        ]

    def stock(self) -> Mapping[str, int]:
        shop = SandboxShop.objects.get(pk=self.shop.pk)
        return dict(SandboxListing.objects.filter(shop=shop).values_list("sku", "quantity"))
