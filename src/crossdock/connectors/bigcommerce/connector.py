"""The ``bigcommerce`` connector: one BigCommerce store reached through its REST API.

Orders are pulled from ``GET /v2/orders`` sorted by modification time. Its pages are
numbered, and an order changed while we page moves to the end and shifts the others, so
each next page restarts at the last modification time seen (the page token holds it and
the ids already returned at that second): nothing is skipped and nothing returned twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import httpx

from crossdock.connectors.base import (
    Capability,
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
    SettingField,
    ShipmentData,
    StockLevel,
    StockResult,
    TerminalError,
    ValidationError,
)
from crossdock.connectors.bigcommerce import connection, inventory, orders, shipments, wire
from crossdock.connectors.bigcommerce.client import (
    LOCATIONS_SCOPE,
    ORDERS_SCOPE,
    PRODUCTS_SCOPE,
    STORE_SCOPE,
    BigCommerceClient,
    SettingProblem,
    store_base,
)
from crossdock.connectors.bigcommerce.webhooks import WEBHOOKS
from crossdock.connectors.bigcommerce.wire import Document

logger = logging.getLogger(__name__)

PAGE_SIZE = 250
#: The most pages one collection is read to (a store answering full pages for ever stops).
MAX_PAGES = 400
#: Where a pushed shipment's idempotency key is kept: a private order metafield.
METAFIELD_NAMESPACE = "crossdock"


def _encode_page(since: str, page: int, seen: Sequence[str]) -> str:
    return f"{since}|{page}|{','.join(seen)}"


def _decode_page(token: str) -> tuple[str, int, frozenset[str]]:
    try:
        since, page, seen = token.split("|", 2)
        number = int(page)
    except ValueError as error:
        raise ValidationError(
            f"page token {token[:40]!r} is not one this connector made"
        ) from error
    return since, number, frozenset(item for item in seen.split(",") if item)


class BigCommerceConnector:
    """Pulls orders, pushes shipments, sets stock and reads listings of one store."""

    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        self._config = config
        self._setting_problem: SettingProblem | None = None
        try:
            self._base = store_base(config.value("store_hash"), config.value("api_base_url"))
        except SettingProblem as problem:
            # Building never fails: the check names the setting, every call refuses.
            self._setting_problem = problem
            self._base = ""
        self._api = BigCommerceClient(client, self._base, config.value("access_token"))
        self._weight_unit: str | None = None

    def __repr__(self) -> str:
        return f"BigCommerceConnector({self._base!r})"

    @property
    def api(self) -> BigCommerceClient:
        if self._setting_problem is not None:
            raise ValidationError(f"{self._setting_problem.field}: {self._setting_problem}")
        return self._api

    # -- connecting ------------------------------------------------------------------------

    def check_connection(self) -> Sequence[ConnectionProblem]:
        problem = self._setting_problem
        if problem is not None:
            return [ConnectionProblem(ProblemKind.BAD_DOMAIN, str(problem), problem.field)]
        try:
            location = self.location_id()
        except ValidationError as error:
            return [ConnectionProblem(ProblemKind.BAD_DOMAIN, str(error), "location_id")]
        return connection.check_connection(
            self._api, self._config.value("store_hash").strip(), location
        )

    def list_locations(self) -> Sequence[Location]:
        return [
            Location(external_id=str(location.id), name=location.label or location.code)
            for location in self.fetch_locations()
            if location.enabled
        ]

    # -- reading ---------------------------------------------------------------------------

    def _pages(self, path: str, scope: str, params: dict[str, Any]) -> list[Document]:
        """Every item of a paged V2 collection (pages end short, or with 204)."""
        found: list[Document] = []
        for page in range(1, MAX_PAGES + 1):
            batch = self.api.call_list(
                "GET", path, scope, params={**params, "page": page, "limit": PAGE_SIZE}
            )
            found.extend(batch)
            if len(batch) < PAGE_SIZE:
                return found
        raise ValidationError(f"GET {path}: more than {MAX_PAGES} pages; stopped")

    def _v3_pages(self, path: str, scope: str, params: dict[str, Any]) -> list[Document]:
        """Every item of a paged V3 collection (``meta.pagination.total_pages``)."""
        found: list[Document] = []
        for page in range(1, MAX_PAGES + 1):
            document = self.api.call(
                "GET", path, scope, params={**params, "page": page, "limit": PAGE_SIZE}
            )
            found.extend(wire.collection(document, path))
            if page >= wire.total_pages(document):
                return found
        raise ValidationError(f"GET {path}: more than {MAX_PAGES} pages; stopped")

    def weight_unit(self) -> str:
        if self._weight_unit is None:
            store = self.api.call("GET", "/v2/store", STORE_SCOPE)
            if not isinstance(store, dict):
                raise ValidationError("GET /v2/store: answer is not a JSON object")
            self._weight_unit = orders.weight_unit(store)
        return self._weight_unit

    def _images(self, products: Sequence[Document]) -> dict[int, str]:
        """Variant images of order lines (a catalog call per 250 variants).

        Images are a nicety: a store whose API account may not read the catalog still
        ships its orders, so a refusal leaves the lines without images.
        """
        ids = sorted(
            {
                variant
                for raw in products
                if isinstance(variant := raw.get("variant_id"), int) and variant > 0
            }
        )
        images: dict[int, str] = {}
        for start in range(0, len(ids), PAGE_SIZE):
            chunk = ids[start : start + PAGE_SIZE]
            try:
                document = self.api.call(
                    "GET",
                    "/v3/catalog/variants",
                    PRODUCTS_SCOPE,
                    params={
                        "id:in": ",".join(map(str, chunk)),
                        "include_fields": "image_url",
                        "limit": PAGE_SIZE,
                    },
                )
                variants = wire.collection(document, "/v3/catalog/variants")
            except TerminalError as error:
                logger.warning("variant images unavailable: %s", error)
                return images
            for raw in variants:
                variant_id = raw.get("id")
                url = raw.get("image_url")
                if isinstance(variant_id, int) and isinstance(url, str) and url:
                    images[variant_id] = url
        return images

    def _parts(self, order: Document) -> orders.OrderParts:
        """An order's products, shipping addresses and coupons (images come per page)."""
        order_id = wire.integer(order, "id")
        products = self._pages(f"/v2/orders/{order_id}/products", ORDERS_SCOPE, {})
        addresses: list[Document] = []
        if order.get("shipping_address_count", 1) not in (0, 0.0):
            addresses = self._pages(f"/v2/orders/{order_id}/shipping_addresses", ORDERS_SCOPE, {})
        coupons: list[Document] = []
        if "coupon_discount" not in order or wire.amount(order, "coupon_discount"):
            coupons = self._pages(f"/v2/orders/{order_id}/coupons", ORDERS_SCOPE, {})
        return orders.OrderParts(
            order=order,
            products=products,
            shipping_addresses=addresses,
            coupons=coupons,
            weight_unit=self.weight_unit(),
            refunds=self._refunds(order_id) if wire.amount(order, "refunded_amount") else None,
        )

    def _refunds(self, order_id: int) -> Sequence[Document] | None:
        """The order's refunds one by one (V3 payment actions), ``None`` if refused.

        Stores whose refunds predate the payment actions API, or API accounts that may not
        read them, fall back to the order's refunded total.
        """
        try:
            document = self.api.call(
                "GET", f"/v3/orders/{order_id}/payment_actions/refunds", ORDERS_SCOPE
            )
            return wire.collection(document, "refunds") if document is not None else None
        except TerminalError as error:
            logger.warning("refunds of order %s unavailable: %s", order_id, error)
            return None

    def _pull(self, raw_orders: Sequence[tuple[int, Document]]) -> list[PulledOrder]:
        """Read each order's parts, then map it; one unreadable order is only a problem."""
        read: list[tuple[str, datetime, orders.OrderParts | str]] = []
        for index, raw in raw_orders:
            external_id = str(wire.integer(raw, "id", f"orders[{index}]."))
            updated_at = wire.parse_date(raw.get("date_modified"), f"orders[{index}].date_modified")
            try:
                read.append((external_id, updated_at, self._parts(raw)))
            except ValidationError as error:
                read.append((external_id, updated_at, str(error)))
        images = self._images(
            [
                product
                for *_, parts in read
                if not isinstance(parts, str)
                for product in parts.products
            ]
        )
        pulled: list[PulledOrder] = []
        for external_id, updated_at, parts in read:
            if isinstance(parts, str):
                pulled.append(PulledOrder(external_id, updated_at, problem=parts))
                continue
            try:
                data = orders.parse_order(replace(parts, images=images))
            except ValidationError as error:
                pulled.append(PulledOrder(external_id, updated_at, problem=str(error)))
                continue
            pulled.append(PulledOrder(external_id, updated_at, data=data))
        return pulled

    def fetch_orders(self, since: datetime | None, page: str | None) -> OrderBatch:
        if page:
            start, number, seen = _decode_page(page)
        else:
            start, number, seen = (wire.format_date(since) if since else ""), 1, frozenset()
        params: dict[str, Any] = {"sort": "date_modified:asc", "limit": PAGE_SIZE, "page": number}
        if start:
            params["min_date_modified"] = start
        raw_orders = self.api.call_list("GET", "/v2/orders", ORDERS_SCOPE, params=params)
        wanted: list[tuple[int, Document]] = []
        stamps: list[tuple[str, str]] = []
        for index, raw in enumerate(raw_orders):
            external_id = str(wire.integer(raw, "id", f"orders[{index}]."))
            stamp = wire.format_date(
                wire.parse_date(raw.get("date_modified"), f"orders[{index}].date_modified")
            )
            stamps.append((stamp, external_id))
            if stamp == start and external_id in seen:
                continue
            wanted.append((index, raw))
        return OrderBatch(
            orders=tuple(self._pull(wanted)), next_page=self._next_page(start, number, seen, stamps)
        )

    @staticmethod
    def _next_page(
        start: str, number: int, seen: frozenset[str], stamps: Sequence[tuple[str, str]]
    ) -> str | None:
        if len(stamps) < PAGE_SIZE:
            return None
        last = max(stamp for stamp, _ in stamps)
        at_last = sorted({external_id for stamp, external_id in stamps if stamp == last})
        if last != start:
            return _encode_page(last, 1, at_last)
        # A whole page changed within one second: page on within that second.
        return _encode_page(start, number + 1, sorted(seen | set(at_last)))

    def fetch_order(self, external_id: str) -> PulledOrder | None:
        """One order by id (the webhook fast path); ``None`` when the store has no such order."""
        order_id = _order_id(external_id)
        try:
            raw = self.api.call("GET", f"/v2/orders/{order_id}", ORDERS_SCOPE)
        except ValidationError as error:
            if error.status == 404:
                return None
            raise
        if not isinstance(raw, dict):
            raise ValidationError(f"GET /v2/orders/{order_id}: answer is not a JSON object")
        return self._pull([(0, raw)])[0]

    # -- shipments -------------------------------------------------------------------------

    def _recorded(self, order_id: int, key: str) -> PushResult | None:
        """The shipment ids recorded under ``key`` on the order, if any."""
        document = self.api.call(
            "GET",
            f"/v3/orders/{order_id}/metafields",
            ORDERS_SCOPE,
            params={"namespace": METAFIELD_NAMESPACE, "key": key},
        )
        for raw in wire.collection(document, "metafields") if document is not None else ():
            if raw.get("key") == key and isinstance(value := raw.get("value"), str) and value:
                return PushResult(value)
        return None

    def _record(self, order_id: int, key: str, result: PushResult) -> None:
        """Keep ``key`` on the order; a key recorded meanwhile (409) is already kept."""
        try:
            self.api.call(
                "POST",
                f"/v3/orders/{order_id}/metafields",
                ORDERS_SCOPE,
                json={
                    "permission_set": "app_only",
                    "namespace": METAFIELD_NAMESPACE,
                    "key": key,
                    "value": result.external_id,
                    "description": "Shipments Crossdock recorded for one fulfillment",
                },
            )
        except ValidationError as error:
            if error.status != 409:
                raise

    def push_shipment(self, shipment: ShipmentData, idempotency_key: str) -> PushResult:
        order_id = _order_id(shipment.order_external_id)
        recorded = self._recorded(order_id, idempotency_key)
        if recorded is not None:
            return recorded
        result = self._push(order_id, shipment)
        self._record(order_id, idempotency_key, result)
        return result

    def _push(self, order_id: int, shipment: ShipmentData) -> PushResult:
        """Create the shipment on each order address it covers, unless it is there already.

        A push that died before recording its key is recognised by address and tracking
        number; an order BigCommerce already shipped whole is answered with its shipments.
        """
        path = f"/v2/orders/{order_id}/shipments"
        existing = shipments.parse_shipments(self._pages(path, ORDERS_SCOPE, {}))
        lines = shipments.parse_order_lines(
            self._pages(f"/v2/orders/{order_id}/products", ORDERS_SCOPE, {})
        )
        items = shipments.shipped_items(shipment, lines)
        if existing and all(lines[line_id].remaining == 0 for line_id in items):
            bodies = shipments.render_shipments(shipment, lines) if items else {}
            matching = [
                found.id
                for body in bodies.values()
                for found in existing
                if shipments.same_shipment(found, body)
            ]
            return PushResult(",".join(map(str, matching or [existing[-1].id])))
        ids: list[int] = []
        for body in shipments.render_shipments(shipment, lines).values():
            match = next(
                (found for found in existing if shipments.same_shipment(found, body)), None
            )
            if match is not None:
                ids.append(match.id)
                continue
            ids.append(
                shipments.parse_created(self.api.call("POST", path, ORDERS_SCOPE, json=body))
            )
        return PushResult(",".join(map(str, ids)))

    def find_shipment(self, order_external_id: str, idempotency_key: str) -> PushResult | None:
        return self._recorded(_order_id(order_external_id), idempotency_key)

    # -- stock and listings ----------------------------------------------------------------

    def location_id(self) -> int:
        raw = self._config.value("location_id", "1").strip() or "1"
        if not raw.isdigit():
            raise ValidationError(f"location_id {raw!r} is not a BigCommerce location id")
        return int(raw)

    def set_stock(self, levels: Sequence[StockLevel]) -> Sequence[StockResult]:
        location = self.location_id()
        results: dict[int, StockResult] = {}
        sendable: list[tuple[int, StockLevel]] = []
        for index, level in enumerate(levels):
            problem = inventory.level_problem(level)
            if problem:
                results[index] = StockResult(
                    level.sku, level.external_id, ok=False, problem=problem
                )
            else:
                sendable.append((index, level))
        self._adjust(sendable, location, results)
        return [results[index] for index in range(len(levels))]

    def _adjust(
        self,
        batch: Sequence[tuple[int, StockLevel]],
        location: int,
        results: dict[int, StockResult],
    ) -> None:
        """Send one absolute adjustment; on a refusal, halve it to find the refused levels.

        BigCommerce refuses a whole adjustment for one bad item (422), so halving finds
        each refused level in a few calls and sets every other one.
        """
        if not batch:
            return
        for start in range(0, len(batch), inventory.ADJUSTMENT_LIMIT):
            chunk = batch[start : start + inventory.ADJUSTMENT_LIMIT]
            body = inventory.render_adjustment([level for _, level in chunk], location)
            try:
                self.api.call(
                    "PUT", "/v3/inventory/adjustments/absolute", PRODUCTS_SCOPE, json=body
                )
            except ValidationError as error:
                if len(chunk) == 1:
                    index, level = chunk[0]
                    results[index] = StockResult(
                        level.sku, level.external_id, ok=False, problem=str(error)
                    )
                    continue
                middle = len(chunk) // 2
                self._adjust(chunk[:middle], location, results)
                self._adjust(chunk[middle:], location, results)
                continue
            for index, level in chunk:
                results[index] = StockResult(
                    level.sku, level.external_id, ok=True, quantity=level.quantity
                )

    def fetch_listings(self) -> Sequence[ListingData]:
        products = self._v3_pages("/v3/catalog/products", PRODUCTS_SCOPE, {"include": "variants"})
        items = self._v3_pages(
            f"/v3/inventory/locations/{self.location_id()}/items", PRODUCTS_SCOPE, {}
        )
        return inventory.parse_listings(products, inventory.parse_location_quantities(items))

    def fetch_locations(self) -> tuple[inventory.Location, ...]:
        """The store's inventory locations, for the channel's location choice."""
        return inventory.parse_locations(
            self._v3_pages("/v3/inventory/locations", LOCATIONS_SCOPE, {})
        )


def _order_id(external_id: str) -> int:
    text = external_id.strip()
    if not text.isdigit():
        raise ValidationError(f"{external_id!r} is not a BigCommerce order id")
    return int(text)


SPEC = ConnectorSpec(
    slug="bigcommerce",
    display_name="BigCommerce",
    description="A BigCommerce store, through a store-level API account (V2 orders, V3 inventory).",
    capabilities=frozenset(
        {
            Capability.PULL_ORDERS,
            Capability.PUSH_SHIPMENT,
            Capability.SET_STOCK,
            Capability.PULL_LISTINGS,
            Capability.FETCH_ORDER,
        }
    ),
    factory=BigCommerceConnector,
    webhooks=WEBHOOKS,
    settings_schema=(
        SettingField(
            "store_hash",
            "Store hash",
            help="From the API path of the API account: https://api.bigcommerce.com/stores/<hash>/v3/",
        ),
        SettingField(
            "access_token",
            "Access token",
            kind=FieldKind.SECRET,
            secret=True,
            help="The API account's access token (shown once when the account is created).",
        ),
        SettingField(
            "location_id",
            "Inventory location",
            kind=FieldKind.LOCATION,
            required=False,
            help="The location whose stock Crossdock sets and reads (empty: the default, 1).",
        ),
        SettingField(
            "api_base_url",
            "API base URL",
            kind=FieldKind.URL,
            required=False,
            help="Leave empty. Only for tests and sandboxes: replaces https://api.bigcommerce.com.",
        ),
    ),
    settle_time=timedelta(minutes=5),
    carrier_fallback=shipments.NO_PROVIDER,
    carrier_mappings=shipments.CARRIER_MAPPINGS,
    stock_batch_size=inventory.ADJUSTMENT_LIMIT,
    # Standard plans allow 150 requests per 30 seconds; the quota headers say the rest.
    rate_limit=RateLimit(per_second=5.0, burst=150),
)
