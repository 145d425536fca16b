"""The ``manual`` connector: orders entered through the API or UI, nothing to call.

Write-back is a no-op recorded as accepted: there is no marketplace to tell.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from crossdock.connectors.base import (
    Capability,
    ChannelConfig,
    ConnectorSpec,
    PushResult,
    ShipmentData,
)


class ManualConnector:
    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        # Nothing to reach: the client and config are accepted for a uniform factory.
        del client, config

    def push_shipment(self, shipment: ShipmentData, idempotency_key: str) -> PushResult:
        return PushResult(external_id="")

    def find_shipment(self, order_external_id: str, idempotency_key: str) -> PushResult | None:
        return None


SPEC = ConnectorSpec(
    slug="manual",
    display_name="Manual orders",
    description="Orders entered by hand or through the REST API.",
    capabilities=frozenset({Capability.PUSH_SHIPMENT}),
    factory=ManualConnector,
    settle_time=timedelta(0),
    carrier_fallback="",
)
