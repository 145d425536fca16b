"""The connector conformance kit: every connector that pulls orders, against its own fake.

Parametrised over :data:`tests.connectors.conformance.fakes.FAKES`; what a fake must
provide is documented in :mod:`tests.connectors.conformance.platform`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from crossdock.connectors.base import (
    Capability,
    CheckConnection,
    ConnectorError,
    ProblemKind,
    PulledOrder,
    PullListings,
    PullOrders,
    PushShipment,
    RetryableError,
    SetStock,
    ShipmentData,
    ShippedLine,
    StockLevel,
    TerminalError,
)
from crossdock.core.dto import OrderData
from crossdock.core.statuses import OrderStatus
from tests.connectors.conformance.fakes import FAKES
from tests.connectors.conformance.features import FEATURES
from tests.connectors.conformance.harness import TIMEOUT, Fault, Harness, pull_all
from tests.connectors.conformance.platform import FakePlatform

pytestmark = pytest.mark.django_db

LOOKBACK = timedelta(days=7)


@pytest.fixture(params=sorted(FAKES))
def fake(request: pytest.FixtureRequest) -> FakePlatform:
    factory: Callable[[], FakePlatform] = FAKES[request.param]
    return factory()


def _since() -> datetime:
    return datetime.now(UTC) - LOOKBACK


def _puller(harness: Harness) -> PullOrders:
    connector = harness.connector()
    assert isinstance(connector, PullOrders)
    return connector


def _latest(pulled: list[PulledOrder]) -> dict[str, OrderData]:
    """The newest version of each order read, by external id."""
    newest: dict[str, PulledOrder] = {}
    for order in pulled:
        if (
            order.external_id not in newest
            or order.updated_at >= newest[order.external_id].updated_at
        ):
            newest[order.external_id] = order
    readable = {key: order.data for key, order in newest.items() if order.data is not None}
    assert len(readable) == len(newest), [o.problem for o in newest.values() if o.data is None]
    return readable


def _secrets_absent(fake: FakePlatform, *texts: str) -> None:
    for secret in fake.good_config().secrets.values():
        for text in texts:
            assert secret not in text


def test_the_spec_declares_what_the_connector_implements(fake: FakePlatform) -> None:
    connector = Harness(fake).connector()

    declared = {
        Capability.PULL_ORDERS: isinstance(connector, PullOrders),
        Capability.PUSH_SHIPMENT: isinstance(connector, PushShipment),
        Capability.SET_STOCK: isinstance(connector, SetStock),
        Capability.PULL_LISTINGS: isinstance(connector, PullListings),
    }

    assert {cap for cap, has in declared.items() if has} == {
        cap for cap in declared if fake.spec.can(cap)
    }
    assert isinstance(connector, CheckConnection)


def test_a_good_connection_has_no_problems_and_each_bad_one_is_named(
    fake: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    harness = Harness(fake)
    good = harness.connector()
    assert isinstance(good, CheckConnection)

    assert list(good.check_connection()) == []
    assert ProblemKind.BAD_TOKEN in fake.bad_configs()
    for kind, config in fake.bad_configs().items():
        connector = harness.connector(config)
        assert isinstance(connector, CheckConnection)
        problems = list(connector.check_connection())
        assert [problem.kind for problem in problems] == [kind], problems
        assert problems[0].message
        assert problems[0].field in {item.name for item in fake.spec.settings_schema}
        _secrets_absent(fake, str(problems), caplog.text)


def test_a_pull_pages_through_every_order_and_a_change_during_paging_is_not_lost(
    fake: FakePlatform,
) -> None:
    ids = fake.seed_orders(2 * fake.page_size + 1)
    harness = Harness(fake)
    changed_at: list[datetime] = []

    def change_once_between_pages(_: object) -> None:
        if len(harness.requests) == 2 and not changed_at:
            changed_at.append(datetime.now(UTC) - timedelta(seconds=1))
            fake.change_order(ids[1])

    harness.before.append(change_once_between_pages)
    connector = _puller(harness)

    first = pull_all(connector, _since())
    cursor = max(order.updated_at for order in first)
    second = pull_all(connector, cursor - fake.spec.settle_time)

    assert changed_at, "the pull never asked for a second page"
    counts = Counter(order.external_id for order in first)
    assert [key for key, count in counts.items() if count > 1] in ([], [ids[1]])
    assert set(counts) | {order.external_id for order in second} == set(ids)
    newest = max(
        (order for order in first + second if order.external_id == ids[1]),
        key=lambda order: order.updated_at,
    )
    assert newest.updated_at >= changed_at[0]
    assert len(_latest(first + second)) == len(ids)


def test_every_order_feature_of_the_platform_is_mapped(fake: FakePlatform) -> None:
    fake.seed_orders(3)

    orders = _latest(pull_all(_puller(Harness(fake)), _since())).values()

    missing = [
        name
        for name, shows in FEATURES.items()
        if name not in fake.absent_features and not any(shows(order) for order in orders)
    ]
    assert missing == []


def test_cancellations_and_refunds_are_seen(fake: FakePlatform) -> None:
    ids = fake.seed_orders(2)
    fake.cancel_order(ids[1])
    if "refunds" not in fake.absent_features:
        fake.refund_order(ids[0], Decimal("5.00"))

    orders = _latest(pull_all(_puller(Harness(fake)), _since()))

    assert orders[ids[1]].status == OrderStatus.CANCELLED
    if "refunds" not in fake.absent_features:
        assert [refund.amount for refund in orders[ids[0]].refunds] == [Decimal("5.00")]
        assert orders[ids[0]].status != OrderStatus.CANCELLED


FAULTS: dict[str, tuple[Fault, type[ConnectorError], float | None]] = {
    "429 with Retry-After": ((429, "Too many requests, slow down", 7), RetryableError, 7.0),
    "500": ((500, "Internal error on the platform", None), RetryableError, None),
    "503": ((503, "Down for maintenance", None), RetryableError, None),
    "timeout": (TIMEOUT, RetryableError, None),
    "400": ((400, "Invalid parameter: the page is out of range", None), TerminalError, None),
    "404": ((404, "No route was found matching the URL", None), TerminalError, None),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_faults_are_classified_and_never_show_a_secret(
    fake: FakePlatform, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fault, expected, retry_after = FAULTS[name]
    harness = Harness(fake)
    harness.faults.append(fault)

    with pytest.raises(ConnectorError) as raised:
        _puller(harness).fetch_orders(_since(), None)

    assert type(raised.value) is expected or isinstance(raised.value, expected)
    if isinstance(raised.value, RetryableError):
        assert raised.value.retry_after == retry_after
    if not isinstance(fault, str) and expected is TerminalError:
        assert fault[1] in str(raised.value)
    _secrets_absent(fake, str(raised.value), repr(raised.value), caplog.text)


def _shipment(
    fake: FakePlatform, order: OrderData, lines: list[ShippedLine], tracking: str
) -> ShipmentData:
    """A shipment by a carrier the channel does not know: its spec's fallback travels."""
    return ShipmentData(
        order_external_id=order.external_id,
        carrier=fake.spec.carrier_fallback,
        service="",
        tracking_number=tracking,
        ship_date=None,
        lines=tuple(lines),
        carrier_name="Kit Express",
        tracking_url=f"https://track.example/{tracking}",
    )


def test_shipments_are_idempotent_partial_and_a_second_one_lands(fake: FakePlatform) -> None:
    if not fake.spec.can(Capability.PUSH_SHIPMENT):
        pytest.skip(f"{fake.spec.slug} does not push shipments (declared)")
    ids = fake.seed_orders(1)
    harness = Harness(fake)
    order = _latest(pull_all(_puller(harness), _since()))[ids[0]]
    connector = harness.connector()
    assert isinstance(connector, PushShipment)
    lines = [ShippedLine(line.external_id, line.sku, line.quantity) for line in order.lines]
    assert len(lines) >= 2
    first = _shipment(fake, order, lines[:1], "KIT-TRACK-1")

    pushed = connector.push_shipment(first, "kit-key-1")
    again = connector.push_shipment(first, "kit-key-1")

    assert again == pushed
    assert connector.find_shipment(order.external_id, "kit-key-1") == pushed
    assert [s.tracking_number for s in fake.shipments(order.external_id)] == ["KIT-TRACK-1"]
    assert fake.shipments(order.external_id)[0].lines == {
        lines[0].external_line_id: lines[0].quantity
    }

    connector.push_shipment(_shipment(fake, order, lines[1:], "KIT-TRACK-2"), "kit-key-2")

    received = fake.shipments(order.external_id)
    assert [s.tracking_number for s in received] == ["KIT-TRACK-1", "KIT-TRACK-2"]
    assert received[1].lines == {line.external_line_id: line.quantity for line in lines[1:]}


def test_stock_is_set_one_result_per_level(fake: FakePlatform) -> None:
    if not fake.spec.can(Capability.SET_STOCK):
        pytest.skip(f"{fake.spec.slug} does not set stock (declared)")
    connector = Harness(fake).connector()
    assert isinstance(connector, SetStock)
    listings = _listings(fake)
    skus = sorted(fake.stock())[:2]
    levels = [
        StockLevel(sku, quantity, external_id=listings.get(sku, ""))
        for sku, quantity in zip(skus, (7, 0), strict=True)
    ]
    assert len(levels) <= fake.spec.stock_batch_size

    results = connector.set_stock(levels)

    assert [(r.sku, r.ok) for r in results] == [(sku, True) for sku in skus]
    assert {sku: fake.stock()[sku] for sku in skus} == dict(zip(skus, (7, 0), strict=True))


def _listings(fake: FakePlatform) -> dict[str, str]:
    if not fake.spec.can(Capability.PULL_LISTINGS):
        return {}
    connector = Harness(fake).connector()
    assert isinstance(connector, PullListings)
    return {listing.sku: listing.external_id for listing in connector.fetch_listings()}


def test_listings_carry_every_sku_and_its_quantity(fake: FakePlatform) -> None:
    if not fake.spec.can(Capability.PULL_LISTINGS):
        pytest.skip(f"{fake.spec.slug} does not pull listings (declared)")
    connector = Harness(fake).connector()
    assert isinstance(connector, PullListings)

    listings = connector.fetch_listings()

    assert {listing.sku: listing.quantity for listing in listings} == dict(fake.stock())
    assert all(listing.external_id and listing.title for listing in listings)
