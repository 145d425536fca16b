"""The ``shopify`` connector: one shop's orders, fulfilments and stock over Admin GraphQL.

Stock is compare-and-set: a level with ``expected`` sends it as ``compareQuantity``; when
Shopify's quantity moved meanwhile (``COMPARE_QUANTITY_STALE``) nothing is overwritten, the
level is re-read and reported as a retryable refusal carrying the fresh quantity, so the
hub decides again from what Shopify really shows (a blind retry could undo a sale).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from crossdock.connectors.base import (
    AuthenticationError,
    Capability,
    CarrierMapping,
    ChannelConfig,
    ConnectionProblem,
    ConnectorError,
    ConnectorSpec,
    FieldKind,
    ListingData,
    Location,
    OrderBatch,
    ProblemKind,
    PulledOrder,
    PushResult,
    RateLimit,
    RetryableError,
    SettingField,
    ShipmentData,
    StockLevel,
    StockResult,
    ValidationError,
    WebhookSecretSource,
)
from crossdock.connectors.shopify import mapping, queries
from crossdock.connectors.shopify.client import ShopifyClient
from crossdock.connectors.shopify.webhooks import WEBHOOKS

#: The Admin API scopes the connector needs, and what each is for (docs and connect check).
REQUIRED_SCOPES: dict[str, str] = {
    "read_orders": "read orders and their refunds",
    "write_orders": "remember on the order which shipment Crossdock sent (a metafield)",
    "read_merchant_managed_fulfillment_orders": "see which lines wait to ship, and where",
    "write_merchant_managed_fulfillment_orders": "record shipments with tracking",
    "read_inventory": "read stock levels",
    "write_inventory": "set stock levels",
    "read_products": "list variants and their SKUs",
    "read_locations": "offer the shop's locations and set stock at one",
}

logger = logging.getLogger(__name__)

#: ``write_*`` scopes imply their ``read_*`` twin on Shopify.
_IMPLIED = {
    scope.replace("write_", "read_", 1): scope
    for scope in REQUIRED_SCOPES
    if scope.startswith("write_")
}

#: The most quantities one ``inventorySetQuantities`` call takes.
STOCK_BATCH_SIZE = 250


def missing_scopes(granted: Sequence[str]) -> list[str]:
    """The required scopes a token lacks, in :data:`REQUIRED_SCOPES` order."""
    have = set(granted)
    return [
        scope
        for scope in REQUIRED_SCOPES
        if scope not in have and _IMPLIED.get(scope, "") not in have
    ]


class ShopifyConnector:
    """Pulls orders, pushes fulfilments, sets stock and reads variants of one Shopify shop."""

    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        self._api = ShopifyClient(client, config.value("shop_domain"), config.value("access_token"))
        self._location = config.value("location_id")

    def __repr__(self) -> str:
        return f"ShopifyConnector({self._api.shop!r})"

    # -- connect -------------------------------------------------------------------------------

    def check_connection(self) -> Sequence[ConnectionProblem]:
        """One read-only call naming what is wrong: domain, token, each missing scope, a
        closed shop, a location that is not the shop's."""
        if self._api.domain_problem:
            return [
                ConnectionProblem(ProblemKind.BAD_DOMAIN, self._api.domain_problem, "shop_domain")
            ]
        try:
            data = self._api.execute(queries.CONNECTION)
        except AuthenticationError as error:
            if error.status == 401:
                return [
                    ConnectionProblem(
                        ProblemKind.BAD_TOKEN,
                        f"Shopify refused the Admin API access token of {self._api.shop}: "
                        "copy it again from the custom app (API credentials), or reinstall the app",
                        "access_token",
                    )
                ]
            return [ConnectionProblem(ProblemKind.MISSING_SCOPE, str(error), "access_token")]
        except RetryableError as error:
            return [ConnectionProblem(ProblemKind.UNREACHABLE, str(error), "shop_domain")]
        except ValidationError as error:
            if error.status in (402, 423):
                return [ConnectionProblem(ProblemKind.STORE_CLOSED, str(error), "shop_domain")]
            return [ConnectionProblem(ProblemKind.BAD_DOMAIN, str(error), "shop_domain")]
        installation = data.get("currentAppInstallation") or {}
        granted = [
            str(scope.get("handle"))
            for scope in installation.get("accessScopes") or ()
            if isinstance(scope, Mapping)
        ]
        problems = [
            ConnectionProblem(
                ProblemKind.MISSING_SCOPE,
                f"the custom app lacks the Admin API scope {scope} "
                f"(needed to {REQUIRED_SCOPES[scope]}): add it and reinstall the app",
                "access_token",
                scope=scope,
            )
            for scope in missing_scopes(granted)
        ]
        if not self._location or "read_locations" in missing_scopes(granted):
            return problems
        if self._location not in self._locations(self._api.execute(queries.LOCATIONS)):
            problems.append(
                ConnectionProblem(
                    ProblemKind.BAD_DOMAIN,
                    f"{self._location} is not an active location of {self._api.shop}",
                    "location_id",
                )
            )
        return problems

    def list_locations(self) -> Sequence[Location]:
        """The shop's active locations, for the location setting."""
        found = self._locations(self._api.execute(queries.LOCATIONS))
        return [Location(external_id=key, name=name) for key, name in found.items()]

    @staticmethod
    def _locations(data: Mapping[str, Any]) -> dict[str, str]:
        nodes = (data.get("locations") or {}).get("nodes") or ()
        return {
            str(node["id"]): str(node.get("name") or node["id"])
            for node in nodes
            if isinstance(node, Mapping) and node.get("id") and node.get("isActive") is not False
        }

    # -- orders --------------------------------------------------------------------------------

    def fetch_orders(self, since: datetime | None, page: str | None) -> OrderBatch:
        """One page of the change list, each order then read whole on its own.

        An order Shopify cannot answer for (gone meanwhile, refused) is a problem order;
        throttling, network and credential failures stop the page (retried whole).
        """
        data = self._api.execute(
            queries.ORDERS,
            {
                "first": queries.ORDER_PAGE_SIZE,
                "after": page,
                "query": mapping.orders_search(since),
            },
        )
        changed, next_page = mapping.parse_changed_orders(data)
        orders = []
        for item in changed:
            try:
                pulled = self.fetch_order(item.external_id)
            except ValidationError as error:
                pulled = PulledOrder(item.external_id, item.updated_at, problem=str(error))
            if pulled is None:
                pulled = PulledOrder(
                    item.external_id, item.updated_at, problem="Shopify no longer has this order"
                )
            orders.append(pulled)
        return OrderBatch(orders=tuple(orders), next_page=next_page)

    def fetch_order(self, external_id: str) -> PulledOrder | None:
        """One order by its id (the webhook fast path), or ``None`` when Shopify has none."""
        data = self._api.execute(queries.ORDER, {"id": _order_gid(external_id)})
        order = data.get("order")
        if not isinstance(order, Mapping):
            return None
        return mapping.pulled_order(order, "order")

    # -- shipments -----------------------------------------------------------------------------

    def _fulfilments(self, order_external_id: str) -> mapping.OrderFulfilments:
        order_id = _order_gid(order_external_id)
        data = self._api.execute(queries.FULFILLMENT_ORDERS, {"id": order_id})
        return mapping.parse_fulfillment_orders(data, order_id)

    def push_shipment(self, shipment: ShipmentData, idempotency_key: str) -> PushResult:
        """Fulfil the shipped lines on their fulfilment orders, once per tracking number.

        A fulfilment already carrying the tracking number is this shipment sent before
        (success). Lines spread over several locations take one fulfilment per location.
        The result is remembered on the order under the idempotency key (:meth:`find_shipment`).
        """
        state = self._fulfilments(shipment.order_external_id)
        if shipment.tracking_number and shipment.tracking_number in state.tracked:
            return PushResult(external_id=state.tracked[shipment.tracking_number])
        plan = mapping.allocate(shipment.lines, state.open_orders)
        if not plan:
            if state.tracked or state.fully_fulfilled:
                # Shopify holds these lines as fulfilled already: nothing is left to send.
                return PushResult(external_id=next(iter(state.tracked.values()), ""))
            raise ValidationError(
                f"order {shipment.order_external_id} has nothing open to fulfil on Shopify"
            )
        created = [
            mapping.parse_fulfillment_created(
                self._api.execute(
                    queries.FULFILLMENT_CREATE,
                    {"fulfillment": mapping.render_fulfillment(shipment, groups)},
                )
            )
            for groups in plan.values()
        ]
        result = PushResult(external_id=",".join(created))
        self._remember(state.order_id, idempotency_key, result)
        return result

    def _remember(self, order_id: str, idempotency_key: str, result: PushResult) -> None:
        """Note the shipment on the order; a failure here is logged, never a failed push
        (a retried push finds the fulfilment by its tracking number anyway)."""
        try:
            data = self._api.execute(
                queries.SHIPMENT_REMEMBER,
                {"metafields": [mapping.shipment_metafield(order_id, idempotency_key, result)]},
            )
            problem = mapping.user_errors(data.get("metafieldsSet") or {})
        except ConnectorError as error:
            problem = str(error)
        if problem:
            logger.warning(
                "shipment %s not remembered on %s: %s", result.external_id, order_id, problem
            )

    def find_shipment(self, order_external_id: str, idempotency_key: str) -> PushResult | None:
        data = self._api.execute(
            queries.SHIPMENT_RECORD,
            {
                "id": _order_gid(order_external_id),
                "key": mapping.shipment_key(idempotency_key),
            },
        )
        return mapping.parse_shipment_record(data)

    # -- stock and listings --------------------------------------------------------------------

    def fetch_listings(self) -> Sequence[ListingData]:
        listings: list[ListingData] = []
        cursor: str | None = None
        while True:
            data = self._api.execute(
                queries.VARIANTS, {"first": queries.VARIANT_PAGE_SIZE, "after": cursor}
            )
            page, cursor = mapping.parse_variant_page(data)
            listings.extend(page)
            if cursor is None:
                return listings

    def _stock_location(self) -> str:
        """The chosen location, else the shop's primary one (asked once); ``""``: none."""
        if not self._location:
            found = self._api.execute(queries.PRIMARY_LOCATION).get("location")
            if isinstance(found, Mapping) and found.get("isActive") is not False:
                self._location = str(found.get("id") or "")
        return self._location

    def set_stock(self, levels: Sequence[StockLevel]) -> Sequence[StockResult]:
        results: dict[int, StockResult] = {}
        sendable: list[int] = []
        location = self._stock_location() if levels else ""
        for index, level in enumerate(levels):
            problem = self._stock_problem(level, location)
            if problem:
                results[index] = StockResult(
                    level.sku, level.external_id, ok=False, problem=problem
                )
            else:
                sendable.append(index)
        compared = [i for i in sendable if levels[i].expected is not None]
        blind = [i for i in sendable if levels[i].expected is None]
        for group, ignore in ((compared, False), (blind, True)):
            if group:
                results.update(self._set_group(levels, group, ignore_compare=ignore))
        return [results[index] for index in range(len(levels))]

    def _stock_problem(self, level: StockLevel, location: str) -> str:
        if not location:
            return (
                "Shopify names no active primary location: choose the location "
                "(setting location_id)"
            )
        if not level.external_id.startswith("gid://shopify/InventoryItem/"):
            return f"{level.sku}: no Shopify inventory item id (pull listings first)"
        if level.quantity < 0:
            return f"{level.sku}: a quantity cannot be negative on Shopify"
        return ""

    def _set_group(
        self, levels: Sequence[StockLevel], group: list[int], *, ignore_compare: bool
    ) -> dict[int, StockResult]:
        """One ``inventorySetQuantities`` call; a refused batch is retried without the refused.

        Shopify applies a batch whole or not at all, so levels it did not object to are sent
        again on their own (once); those it did are answered with its message.
        """
        errors = self._send_stock(levels, group, ignore_compare)
        if not errors:
            return {i: self._ok(levels[i]) for i in group}
        refused = {
            group[position]: error for position, error in errors.items() if position < len(group)
        }
        if not refused:
            # Errors that name no quantity: the whole batch is refused with them.
            message = "; ".join(error[1] for error in errors.values())
            return {
                i: StockResult(levels[i].sku, levels[i].external_id, ok=False, problem=message)
                for i in group
            }
        rest = [i for i in group if i not in refused]
        results = self._refusals(levels, refused)
        if rest:
            again = self._send_stock(levels, rest, ignore_compare)
            for position, index in enumerate(rest):
                if not again:
                    results[index] = self._ok(levels[index])
                elif position in again or -1 in again:
                    results.update(
                        self._refusals(levels, {index: again.get(position) or again[-1]})
                    )
                else:
                    # Shopify applies a batch whole or not at all: this one waits for the next.
                    results[index] = StockResult(
                        levels[index].sku,
                        levels[index].external_id,
                        ok=False,
                        problem=f"{levels[index].sku}: not set, Shopify refused its batch",
                        retryable=True,
                    )
        return results

    @staticmethod
    def _ok(level: StockLevel) -> StockResult:
        return StockResult(level.sku, level.external_id, ok=True, quantity=level.quantity)

    def _send_stock(
        self, levels: Sequence[StockLevel], group: list[int], ignore_compare: bool
    ) -> dict[int, tuple[str, str]]:
        """Send one batch; Shopify's refusals by position in ``group`` (-1: the whole batch)."""
        quantities = []
        for index in group:
            level = levels[index]
            quantity: dict[str, Any] = {
                "inventoryItemId": level.external_id,
                "locationId": self._location,
                "quantity": level.quantity,
            }
            if not ignore_compare:
                quantity["compareQuantity"] = level.expected
            quantities.append(quantity)
        payload: dict[str, Any] = {
            "name": "available",
            "reason": "correction",
            "quantities": quantities,
        }
        if ignore_compare:
            payload["ignoreCompareQuantity"] = True
        data = self._api.execute(queries.INVENTORY_SET, {"input": payload})
        answer = data.get("inventorySetQuantities") or {}
        refusals: dict[int, tuple[str, str]] = {}
        for error in answer.get("userErrors") or ():
            if not isinstance(error, Mapping):
                continue
            field = [str(part) for part in error.get("field") or ()]
            position = int(field[2]) if len(field) > 2 and field[2].isdigit() else -1
            refusals[position] = (str(error.get("code") or ""), str(error.get("message") or ""))
        return refusals

    def _refusals(
        self, levels: Sequence[StockLevel], refused: Mapping[int, tuple[str, str]]
    ) -> dict[int, StockResult]:
        stale = [i for i, (code, _) in refused.items() if code == "COMPARE_QUANTITY_STALE"]
        fresh = self._available([levels[i].external_id for i in stale]) if stale else {}
        results = {}
        for index, (code, message) in refused.items():
            level = levels[index]
            if code == "COMPARE_QUANTITY_STALE":
                now = fresh.get(level.external_id)
                results[index] = StockResult(
                    level.sku,
                    level.external_id,
                    ok=False,
                    quantity=now,
                    problem=f"{level.sku}: changed on Shopify since it was read "
                    f"(expected {level.expected}, Shopify shows {now}); not overwritten",
                    retryable=True,
                )
            else:
                results[index] = StockResult(
                    level.sku, level.external_id, ok=False, problem=f"{level.sku}: {message}"
                )
        return results

    def _available(self, item_ids: list[str]) -> dict[str, int]:
        data = self._api.execute(
            queries.INVENTORY_LEVELS, {"ids": item_ids, "locationId": self._location}
        )
        return mapping.parse_available(data)


def _order_gid(external_id: str) -> str:
    """An order's GraphQL id from what we hold (a gid, or the numeric id of a webhook)."""
    text = external_id.strip()
    return f"gid://shopify/Order/{text}" if text.isdigit() else text


SPEC = ConnectorSpec(
    slug="shopify",
    display_name="Shopify",
    description="A Shopify shop, through a custom app's Admin API access token (GraphQL).",
    capabilities=frozenset(
        {
            Capability.PULL_ORDERS,
            Capability.PUSH_SHIPMENT,
            Capability.SET_STOCK,
            Capability.PULL_LISTINGS,
            Capability.FETCH_ORDER,
        }
    ),
    factory=ShopifyConnector,
    webhooks=WEBHOOKS,
    # Shopify signs every delivery with a key of its own; the merchant enters it here.
    webhook_secret_source=WebhookSecretSource.PLATFORM,
    webhook_secret_help=(  # noqa: S106 - where to find a secret, not a secret
        "The custom app's client secret (API secret key): Settings → Apps and "
        "sales channels → Develop apps → the app → API credentials. For webhooks made under "
        "Settings → Notifications → Webhooks, the key shown at the bottom of that page."
    ),
    settings_schema=(
        SettingField(
            "shop_domain",
            "Shop domain",
            help="The shop's permanent domain, <name>.myshopify.com.",
        ),
        SettingField(
            "access_token",
            "Admin API access token",
            kind=FieldKind.SECRET,
            secret=True,
            help="From the custom app's API credentials (starts with shpat_); shown once there.",
        ),
        SettingField(
            "location_id",
            "Location",
            kind=FieldKind.LOCATION,
            required=False,
            help="The Shopify location whose stock Crossdock sets; "
            "empty: the shop's primary location.",
        ),
    ),
    settle_time=timedelta(minutes=5),
    carrier_fallback=mapping.OTHER_CARRIER,
    carrier_mappings=(
        CarrierMapping("USPS", "USPS"),
        CarrierMapping("UPS", "UPS"),
        CarrierMapping("FedEx", "FedEx"),
        CarrierMapping("DHL", "DHL Express"),
        CarrierMapping("UPSMI", "UPS"),
        CarrierMapping("FedExInternationalMailService", "FedEx"),
        CarrierMapping("DHLGlobalMail", "DHL eCommerce"),
        # Canonical codes (crossdock.core.carriers) of carriers Shopify names itself.
        CarrierMapping("canada_post", "Canada Post"),
        CarrierMapping("royal_mail", "Royal Mail"),
        CarrierMapping("australia_post", "Australia Post"),
        CarrierMapping("ontrac", "OnTrac"),
        CarrierMapping("purolator", "Purolator"),
        CarrierMapping("amazon_shipping", "Amazon Logistics US"),
    ),
    stock_batch_size=STOCK_BATCH_SIZE,
    # Calls, not cost points: Shopify's bucket (100 points/s on standard plans) is paced by
    # the cost each answer reports; this only caps bursts before the first answer.
    rate_limit=RateLimit(per_second=2.0, burst=10),
)
