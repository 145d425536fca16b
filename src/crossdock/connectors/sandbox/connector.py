"""The ``sandbox`` connector: Crossdock's own simulated marketplace, reached over HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import quote

import httpx

from crossdock.connectors.base import (
    AuthenticationError,
    Capability,
    CarrierMapping,
    ChannelConfig,
    ConnectionProblem,
    ConnectorSpec,
    FieldKind,
    ListingData,
    OrderBatch,
    ProblemKind,
    PulledOrder,
    PushResult,
    RetryableError,
    SettingField,
    ShipmentData,
    StockLevel,
    StockResult,
    ValidationError,
)
from crossdock.connectors.sandbox import mapping
from crossdock.connectors.sandbox.client import SandboxClient


class SandboxConnector:
    """Pulls orders, pushes shipments, sets stock and reads listings of one sandbox shop."""

    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        self._api = SandboxClient(client, config.value("base_url"), config.value("api_token"))

    def fetch_orders(self, since: datetime | None, page: str | None) -> OrderBatch:
        return mapping.parse_order_page(self._api.fetch_orders_page(since, page))

    def check_connection(self) -> Sequence[ConnectionProblem]:
        try:
            self._api.fetch_orders_page(None, None, limit=1)
        except AuthenticationError:
            return [
                ConnectionProblem(
                    ProblemKind.BAD_TOKEN, "the sandbox does not know this token", "api_token"
                )
            ]
        except RetryableError as error:
            return [ConnectionProblem(ProblemKind.UNREACHABLE, str(error), "base_url")]
        except ValidationError:
            return [
                ConnectionProblem(
                    ProblemKind.BAD_DOMAIN,
                    "this address does not answer as a sandbox marketplace API "
                    "(it ends in /sandbox/api/v1)",
                    "base_url",
                )
            ]
        return []

    def fetch_order(self, external_id: str) -> PulledOrder | None:
        try:
            answer = self._api.fetch_order(quote(external_id, safe=""))
        except ValidationError as error:
            if error.status == 404:
                return None
            raise
        return mapping.parse_order_page({"orders": [answer]}).orders[0]

    def push_shipment(self, shipment: ShipmentData, idempotency_key: str) -> PushResult:
        answer = self._api.push_shipment(
            quote(shipment.order_external_id, safe=""),
            mapping.render_shipment(shipment),
            idempotency_key,
        )
        return mapping.parse_shipment(answer)

    def find_shipment(self, order_external_id: str, idempotency_key: str) -> PushResult | None:
        found = mapping.parse_shipment_list(
            self._api.find_shipments(quote(order_external_id, safe=""), idempotency_key)
        )
        return found[0] if found else None

    def set_stock(self, levels: Sequence[StockLevel]) -> Sequence[StockResult]:
        self._api.set_stock(mapping.render_stock(levels))
        # The sandbox sets a batch whole or refuses it whole (a refusal raises).
        return [
            StockResult(
                sku=level.sku, external_id=level.external_id, ok=True, quantity=level.quantity
            )
            for level in levels
        ]

    def fetch_listings(self) -> Sequence[ListingData]:
        return mapping.parse_listings(self._api.fetch_listings())


#: ShipStation's carriers and services in the sandbox's own codes (stored rows override).
CARRIER_MAPPINGS = (
    CarrierMapping("USPS", "usps"),
    CarrierMapping("USPS", "usps", "Priority Mail", "priority"),
    CarrierMapping("USPS", "usps", "usps_priority_mail", "priority"),
    CarrierMapping("USPS", "usps", "First Class Mail", "first_class"),
    CarrierMapping("USPS", "usps", "usps_first_class_mail", "first_class"),
    CarrierMapping("UPS", "ups"),
    CarrierMapping("UPS", "ups", "UPS® Ground", "ground"),
    CarrierMapping("UPS", "ups", "ups_ground", "ground"),
    CarrierMapping("UPSMI", "ups", "", "mail_innovations"),
    CarrierMapping("FedEx", "fedex"),
    CarrierMapping("FedEx", "fedex", "FedEx Ground®", "ground"),
    CarrierMapping("FedEx", "fedex", "fedex_ground", "ground"),
    CarrierMapping("FedExInternationalMailService", "fedex", "", "international_mail"),
    CarrierMapping("DHL", "dhl_express"),
    CarrierMapping("DHLGlobalMail", "dhl_ecommerce"),
)

SPEC = ConnectorSpec(
    slug="sandbox",
    display_name="Sandbox marketplace",
    description="A simulated marketplace served by Crossdock itself under /sandbox/.",
    capabilities=frozenset(
        {
            Capability.PULL_ORDERS,
            Capability.PUSH_SHIPMENT,
            Capability.SET_STOCK,
            Capability.PULL_LISTINGS,
            Capability.FETCH_ORDER,
        }
    ),
    factory=SandboxConnector,
    stock_batch_size=100,
    carrier_mappings=CARRIER_MAPPINGS,
    settings_schema=(
        SettingField(
            "base_url",
            "API base URL",
            kind=FieldKind.URL,
            help="e.g. http://127.0.0.1:8000/sandbox/api/v1",
        ),
        SettingField(
            "api_token", "API token", kind=FieldKind.SECRET, secret=True, help="The shop's token."
        ),
        SettingField(
            "shop_url",
            "Shop page",
            kind=FieldKind.URL,
            required=False,
            help="The shop's page on the sandbox, e.g. http://127.0.0.1:8000/sandbox/shops/1/",
        ),
    ),
    marketplace_link="shop_url",
    settle_time=timedelta(minutes=2),
    carrier_fallback=mapping.OTHER_CARRIER,
)
