"""The conformance checker against the hub's own Custom Store endpoint, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytest_django.live_server_helper import LiveServer

from crossdock.core.statuses import OrderStatus
from crossdock.customstore.check.report import Verdict
from crossdock.desk.stores.diagnose import CheckOptions, run_check
from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.shipstation.services import IntegrationOptions, create_integration

ENDPOINT = "/shipstation/custom-store"

READ_CHECKS = [
    "auth.basic",
    "export.content_type",
    "auth.query",
    "auth.wrong",
    "export.xml",
    "export.escaping",
    "export.schema",
    "export.orders_readable",
    "dates.format",
    "dates.window",
    "dates.edges",
    "paging.pages",
    "paging.reachable",
    "paging.duplicates",
    "paging.lost",
    "orders.statuses",
    "orders.items",
]


def test_the_hub_passes_every_check_across_pages_and_notices(
    live_server: LiveServer,
    transactional_db: None,
    account: Account,
    make_order: Callable[..., Order],
) -> None:
    # given a hub integration serving two orders a page, five orders, one on hold
    issued = create_integration(account, "Checked store", IntegrationOptions(page_size=2))
    for number in ("C-1", "C-2", "C-3", "C-4"):
        make_order(number)
    make_order("C-5", status=OrderStatus.ON_HOLD)
    options = CheckOptions(
        url=f"{live_server.url}{ENDPOINT}",
        username=issued.integration.username,
        password=issued.password,
        write_order="C-2",
    )

    # when the checker runs, notices included (its window ends after the orders were made)
    report = run_check(options, now=datetime.now(UTC) + timedelta(minutes=2))

    # then every check passes, the walk read three pages, and one shipment was recorded
    assert [(c.name, c.verdict) for c in report.checks] == [
        *((name, Verdict.PASS) for name in READ_CHECKS),
        ("notify.accepted", Verdict.PASS),
        ("notify.repeat", Verdict.PASS),
        ("notify.malformed", Verdict.PASS),
        ("timing.pages", Verdict.PASS),
    ], [c for c in report.checks if c.verdict != Verdict.PASS]
    assert report.exit_code(strict=True) == 0
    assert {(t.window, t.page) for t in report.timings} >= {(report.timings[0].window, 3)}
    assert Fulfillment.objects.filter(order__number="C-2").count() == 1
    assert issued.password not in str(report.to_json())


def test_the_hub_is_never_written_to_without_write_order(
    live_server: LiveServer,
    transactional_db: None,
    account: Account,
    make_order: Callable[..., Order],
) -> None:
    # given a hub with one order
    issued = create_integration(account, "Checked store", IntegrationOptions())
    make_order("R-1")
    options = CheckOptions(
        url=f"{live_server.url}{ENDPOINT}",
        username=issued.integration.username,
        password=issued.password,
    )

    # when the checker runs without --write-order
    report = run_check(options, now=datetime.now(UTC) + timedelta(minutes=2))

    # then no notice check ran and nothing was recorded
    assert [c.name for c in report.checks if c.name.startswith("notify.")] == []
    assert report.wrote is False
    assert Fulfillment.objects.count() == 0
    assert report.failed_names() == ()
