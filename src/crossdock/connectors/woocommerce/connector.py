"""The ``woocommerce`` connector: a WooCommerce store over its REST API (``wc/v3``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
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
    TerminalError,
    ValidationError,
)
from crossdock.connectors.payload import objects, text
from crossdock.connectors.woocommerce import mapping
from crossdock.connectors.woocommerce.client import PER_PAGE, WooClient, insecure_site_problem
from crossdock.connectors.woocommerce.webhooks import WooWebhooks
from crossdock.core.weights import Weight

ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class _Page:
    """Where the next page starts: after a change time, skipping what that second served.

    WooCommerce pages by offset; an order changed while we page would shift every later one
    by a place and one would never be read. So each page restarts from the last change time
    seen (``modified_after`` is exclusive, times are whole seconds, hence a second earlier)
    and skips the ``(id, change time)`` pairs already served. Only a page whose orders all
    changed in one second moves on by page number.
    """

    after: datetime | None
    page: int
    seen: frozenset[str]

    def encode(self) -> str:
        return json.dumps(
            {
                "after": self.after.isoformat() if self.after else None,
                "page": self.page,
                "seen": sorted(self.seen),
            }
        )

    @classmethod
    def decode(cls, token: str) -> _Page:
        try:
            raw = json.loads(token)
            after = datetime.fromisoformat(raw["after"]) if raw["after"] else None
            return cls(after, int(raw["page"]), frozenset(str(item) for item in raw["seen"]))
        except (ValueError, KeyError, TypeError) as error:
            raise ValidationError("the page token is not one this connector issued") from error


def _seen(external_id: str, updated_at: datetime) -> str:
    return f"{external_id}@{int(updated_at.timestamp())}"


class WooCommerceConnector:
    """Pulls orders, writes shipments back, sets stock and reads listings of one store."""

    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        self._api = WooClient(
            client,
            config.value("site_url"),
            config.value("consumer_key"),
            config.value("consumer_secret"),
        )
        self._location = config.value("location")
        self._unit: str | None = None

    # -- connection ----------------------------------------------------------------------

    def check_connection(self) -> Sequence[ConnectionProblem]:
        insecure = insecure_site_problem(self._api.site)
        if insecure:
            return [ConnectionProblem(ProblemKind.BAD_DOMAIN, insecure, "site_url")]
        problem = self._check_site() or self._check_key()
        return [problem] if problem else []

    def _check_site(self) -> ConnectionProblem | None:
        try:
            index = self._api.index()
        except RetryableError as error:
            return ConnectionProblem(ProblemKind.UNREACHABLE, str(error), "site_url")
        except TerminalError as error:
            if error.status in (401, 403) or "rest_disabled" in str(error):
                return ConnectionProblem(
                    ProblemKind.API_DISABLED,
                    "the WordPress REST API is switched off on this site (a security plugin "
                    "or setting blocks /wp-json/); allow it for WooCommerce",
                    "site_url",
                )
            return ConnectionProblem(
                ProblemKind.BAD_DOMAIN,
                "this address is not a WordPress site (no REST API at /wp-json/)",
                "site_url",
            )
        namespaces = index.get("namespaces")
        if not isinstance(namespaces, list) or "wc/v3" not in namespaces:
            return ConnectionProblem(
                ProblemKind.BAD_DOMAIN,
                "this WordPress site has no WooCommerce REST API (wc/v3): is WooCommerce active?",
                "site_url",
            )
        return None

    def _check_key(self) -> ConnectionProblem | None:
        try:
            self._api.orders_page({"per_page": 1})
            self._api.write_probe()
        except RetryableError as error:
            return ConnectionProblem(ProblemKind.UNREACHABLE, str(error), "site_url")
        except AuthenticationError as error:
            return _key_problem(str(error))
        except TerminalError as error:
            return ConnectionProblem(
                ProblemKind.BAD_DOMAIN, f"the store refused the check: {error}", "site_url"
            )
        return None

    def list_locations(self) -> Sequence[Location]:
        # WooCommerce keeps one stock level per product: the store itself is the location.
        return [Location("store", self._location or "Store")]

    # -- orders --------------------------------------------------------------------------

    def fetch_orders(self, since: datetime | None, page: str | None) -> OrderBatch:
        state = (
            _Page.decode(page)
            if page
            else _Page(since - ONE_SECOND if since else None, 1, frozenset())
        )
        params: dict[str, str | int] = {
            "orderby": "modified",
            "order": "asc",
            "per_page": PER_PAGE,
            "page": state.page,
            "dates_are_gmt": "true",
        }
        if state.after is not None:
            params["modified_after"] = mapping.format_gmt(state.after)
        raw_orders, pages = self._api.orders_page(params)
        stamps = [mapping.order_updated_at(raw, index) for index, raw in enumerate(raw_orders)]
        fresh = [
            (raw, external_id, updated_at)
            for raw, (external_id, updated_at) in zip(raw_orders, stamps, strict=True)
            if _seen(external_id, updated_at) not in state.seen
        ]
        weights = self._weights([raw for raw, _, _ in fresh])
        orders = tuple(self._pulled(raw, index, weights) for index, (raw, _, _) in enumerate(fresh))
        return OrderBatch(
            orders=orders, next_page=_next_page(state, stamps, len(raw_orders), pages)
        )

    def _pulled(
        self, raw: Mapping[str, Any], index: int, weights: Mapping[str, Weight]
    ) -> PulledOrder:
        refunds = None
        if raw.get("refunds"):
            refunds = self._api.refunds(quote(text(raw, "id"), safe=""))
        return mapping.pulled(raw, index, refunds=refunds, weights=weights, location=self._location)

    def fetch_order(self, external_id: str) -> PulledOrder | None:
        try:
            raw = self._api.order(quote(external_id, safe=""))
        except ValidationError as error:
            if error.status == 404:
                return None
            raise
        return self._pulled(raw, 0, self._weights([raw]))

    def _weights(self, orders: Sequence[Mapping[str, Any]]) -> dict[str, Weight]:
        """Weights of the products on these orders (WooCommerce orders carry none)."""
        ids = sorted(
            {
                text(line, "product_id")
                for order in orders
                for line in objects(order, "line_items")
                if text(line, "product_id") not in ("", "0")
            }
        )
        if not ids:
            return {}
        if self._unit is None:
            try:
                self._unit = self._api.weight_unit()
            except TerminalError:
                self._unit = ""  # no settings access: orders arrive without weights
        if not self._unit:
            return {}
        unit = mapping.weight_unit(self._unit)
        weights: dict[str, Weight] = {}
        for start in range(0, len(ids), PER_PAGE):
            chunk = ids[start : start + PER_PAGE]
            products, _ = self._api.products({"include": ",".join(chunk), "per_page": PER_PAGE})
            weights.update(mapping.parse_weights(products, unit))
        return weights

    # -- shipments -----------------------------------------------------------------------

    def push_shipment(self, shipment: ShipmentData, idempotency_key: str) -> PushResult:
        order_id = quote(shipment.order_external_id, safe="")
        order = self._api.order(order_id)
        recorded = mapping.recorded_shipments(order)
        earlier = _recorded(recorded, idempotency_key)
        if earlier is not None:
            return earlier
        tracking_id = self._tracking(order_id, shipment)
        self._api.add_note(order_id, mapping.render_note(shipment, mapping.line_titles(order)))
        self._api.update_order(
            order_id,
            mapping.render_order_update(
                recorded,
                mapping.shipment_entry(shipment, idempotency_key, tracking_id),
                mapping.ordered_quantities(order),
                text(order, "status"),
            ),
        )
        return PushResult(external_id=tracking_id or idempotency_key)

    def _tracking(self, order_id: str, shipment: ShipmentData) -> str:
        """The Shipment Tracking item's id (an existing one for this number is reused);
        ``""`` when the store has no Shipment Tracking extension (the note carries it)."""
        items = self._api.trackings(order_id)
        if items is None:
            return ""
        for item in items:
            if text(item, "tracking_number") == shipment.tracking_number:
                return text(item, "tracking_id")
        return text(
            self._api.add_tracking(order_id, mapping.render_tracking(shipment)), "tracking_id"
        )

    def find_shipment(self, order_external_id: str, idempotency_key: str) -> PushResult | None:
        order = self._api.order(quote(order_external_id, safe=""))
        return _recorded(mapping.recorded_shipments(order), idempotency_key)

    # -- stock and listings --------------------------------------------------------------

    def set_stock(self, levels: Sequence[StockLevel]) -> Sequence[StockResult]:
        results: dict[int, StockResult] = {}
        known: dict[str, str] | None = None
        groups: dict[str, list[tuple[int, tuple[int, StockLevel]]]] = {}
        for position, level in enumerate(levels):
            ref = level.external_id
            if not ref:
                if known is None:
                    known = {listing.sku: listing.external_id for listing in self.fetch_listings()}
                ref = known.get(level.sku, "")
            parent, _, variation = ref.partition("/")
            target = variation or parent
            if not target.isdigit() or (variation and not parent.isdigit()):
                results[position] = StockResult(
                    level.sku,
                    level.external_id,
                    ok=False,
                    problem="no product or variation has this SKU",
                )
                continue
            groups.setdefault(parent if variation else "", []).append(
                (position, (int(target), level))
            )
        for parent, members in groups.items():
            batch = [member for _, member in members]
            answer = self._api.stock_batch(mapping.render_stock_batch(batch), parent)
            for (position, _), result in zip(
                members, mapping.parse_stock_batch(answer, batch), strict=True
            ):
                results[position] = result
        return [results[position] for position in range(len(levels))]

    def fetch_listings(self) -> Sequence[ListingData]:
        listings: list[ListingData] = []
        for product in self._all_products():
            if text(product, "type") == "variable":
                for variation in self._all_products(text(product, "id")):
                    found = mapping.parse_listing(variation, parent=product)
                    if found is not None:
                        listings.append(found)
                continue
            found = mapping.parse_listing(product)
            if found is not None:
                listings.append(found)
        return listings

    def _all_products(self, parent: str = "") -> list[Mapping[str, Any]]:
        found: list[Mapping[str, Any]] = []
        page = 1
        while True:
            products, pages = self._api.products({"per_page": PER_PAGE, "page": page}, parent)
            found.extend(products)
            if page >= pages or len(products) < PER_PAGE:
                return found
            page += 1


def _recorded(recorded: Sequence[Mapping[str, Any]], key: str) -> PushResult | None:
    for entry in recorded:
        if entry.get("key") == key:
            tracking_id = entry.get("tracking_id")
            return PushResult(external_id=str(tracking_id or key))
    return None


def _next_page(
    state: _Page, stamps: Sequence[tuple[str, datetime]], served: int, pages: int
) -> str | None:
    if served < PER_PAGE or state.page >= pages:
        return None
    last = max(updated_at for _, updated_at in stamps)
    after = last - ONE_SECOND
    if state.after is not None and after <= state.after:
        # The whole page changed within one second: only the page number can move on.
        seen = state.seen | {_seen(key, when) for key, when in stamps}
        return _Page(state.after, state.page + 1, seen).encode()
    return _Page(
        after, 1, frozenset(_seen(key, when) for key, when in stamps if when > after)
    ).encode()


def _key_problem(message: str) -> ConnectionProblem:
    lowered = message.lower()
    for scope in ("write", "read"):
        if f"{scope} permission" in lowered:
            return ConnectionProblem(
                ProblemKind.MISSING_SCOPE,
                f"the API key has no {scope} permission: give it Read/Write under "
                "WooCommerce → Settings → Advanced → REST API",
                "consumer_key",
                scope=scope,
            )
    field = "consumer_secret" if "secret" in lowered or "signature" in lowered else "consumer_key"
    what = "consumer secret" if field == "consumer_secret" else "consumer key"
    return ConnectionProblem(ProblemKind.BAD_TOKEN, f"the store does not accept this {what}", field)


SPEC = ConnectorSpec(
    slug="woocommerce",
    display_name="WooCommerce",
    description="A WooCommerce store (WordPress), through its REST API with an API key.",
    capabilities=frozenset(
        {
            Capability.PULL_ORDERS,
            Capability.PUSH_SHIPMENT,
            Capability.SET_STOCK,
            Capability.PULL_LISTINGS,
            Capability.FETCH_ORDER,
        }
    ),
    factory=WooCommerceConnector,
    settings_schema=(
        SettingField(
            "site_url",
            "Store address",
            kind=FieldKind.URL,
            help="The WordPress site, e.g. https://shop.example.com (https is required).",
        ),
        SettingField(
            "consumer_key",
            "Consumer key",
            kind=FieldKind.SECRET,
            secret=True,
            help="WooCommerce → Settings → Advanced → REST API → Add key (Read/Write); ck_…",
        ),
        SettingField(
            "consumer_secret",
            "Consumer secret",
            kind=FieldKind.SECRET,
            secret=True,
            help="Shown once next to the consumer key; cs_…",
        ),
        SettingField(
            "location",
            "Location label",
            required=False,
            help="Where these orders ship from, shown on each line (e.g. Main warehouse).",
        ),
    ),
    marketplace_link="site_url",
    settle_time=timedelta(minutes=5),
    # An unmapped carrier travels as a Shipment Tracking custom provider (its name and link).
    carrier_fallback="",
    carrier_mappings=(
        CarrierMapping("USPS", "USPS"),
        CarrierMapping("UPS", "UPS"),
        CarrierMapping("FedEx", "Fedex"),
        CarrierMapping("DHL", "DHL US"),
    ),
    stock_batch_size=100,
    rate_limit=RateLimit(per_second=5, burst=10),
    webhooks=WooWebhooks(),
)
