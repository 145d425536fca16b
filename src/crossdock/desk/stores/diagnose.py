"""Run the Custom Store conformance checks against a URL: fetch, then judge.

The fetching goes through the desk's store client (Basic auth up front, byte cap, deadline,
no redirects, private-address policy, redaction); the judging is
:mod:`crossdock.customstore.check.checks`, pure. Every request stays within the operator's
bounds: ``max_pages`` per walk of a window and ``timeout`` per call. The store is written to
only when ``write_order`` names an order: then one ship notice for it is posted twice, and
two malformed notices are posted that a conforming store refuses.

Requests made, at most (P = ``max_pages``): 3 probes of page 1 (Basic, query form, wrong
password), 2 walks of the whole window (2P), 2 narrow windows around each of at most
:data:`EDGE_ORDERS` orders (4P), and with ``write_order`` 4 notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from crossdock.core.redaction import redact, redact_url
from crossdock.customstore.check import checks, notices
from crossdock.customstore.check.answers import (
    Exchange,
    Walk,
    parse_page,
    parse_walk,
    served_orders,
)
from crossdock.customstore.check.report import Check, PageTiming, Report, Verdict
from crossdock.customstore.dates import format_ship_date, format_wire_datetime
from crossdock.customstore.notice import ShipNotice, render_ship_notice
from crossdock.desk.stores.client import (
    RawAnswer,
    StoreConnection,
    StoreError,
    fetch_export_answer,
    make_client,
    post_notice_body,
)
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import connection_of

#: Orders whose LastModified minute is used to test adjacent windows.
EDGE_ORDERS = 2
#: Minutes on either side of an edge: narrow windows keep those walks to a page.
EDGE_SPAN = timedelta(minutes=30)
MAX_PAGES_LIMIT = 500
DEFAULT_MAX_PAGES = 20
DEFAULT_TIMEOUT = 30.0
#: The tracking number of the checker's notice: recognisable in the store's records.
CHECK_TRACKING = "CROSSDOCK-CHECK-1"


@dataclass(frozen=True, slots=True)
class CheckOptions:
    url: str
    username: str
    password: str
    days: int = 7
    write_order: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:  # the password never reaches a log line or traceback
        return f"CheckOptions(url={redact_url(self.url)!r}, username={self.username!r})"


def options_problem(options: CheckOptions) -> str:
    """What is wrong with the options, naming the option ("" when they are usable)."""
    try:
        parsed = httpx.URL(options.url)
    except httpx.InvalidURL:
        return "URL is not a valid URL"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "URL must be an http:// or https:// address"
    if not options.username:
        return "--username is empty"
    if not options.password:
        return "--password is empty"
    if not 1 <= options.days <= 366:
        return "--days must be between 1 and 366"
    if not 1 <= options.max_pages <= MAX_PAGES_LIMIT:
        return f"--max-pages must be between 1 and {MAX_PAGES_LIMIT}"
    if not 1 <= options.timeout <= 300:
        return "--timeout must be between 1 and 300 seconds"
    if options.write_order is not None and not options.write_order.strip():
        return "--write-order is empty"
    return ""


def _exchange(answer: RawAnswer) -> Exchange:
    return Exchange(answer.status, answer.content_type, answer.body, answer.elapsed_ms)


class _Runner:
    def __init__(self, options: CheckOptions, client: httpx.Client, now: datetime) -> None:
        self.options = options
        self.client = client
        self.connection = StoreConnection(options.url, options.username, options.password)
        self.secrets = (options.password,)
        # The window ends a minute before now, so no order can enter it while the checker
        # walks it: a second walk can only find more if the first lost some.
        self.end = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
        self.start = self.end - timedelta(days=options.days)
        self.timings: list[PageTiming] = []
        self.results: list[Check] = []

    def page(
        self, connection: StoreConnection, start: datetime, end: datetime, number: int
    ) -> Exchange:
        exchange = _exchange(fetch_export_answer(self.client, connection, start, end, number))
        window = f"{format_wire_datetime(start)} to {format_wire_datetime(end)}"
        self.timings.append(PageTiming(window, number, exchange.elapsed_ms))
        return exchange

    def walk(self, start: datetime, end: datetime) -> Walk:
        """Pages 1…P of a window, at most ``max_pages``; stops at a page that is no page."""
        pages: list[Exchange] = []
        total = 1
        number = 1
        while number <= total:
            if number > self.options.max_pages:
                stopped = f"stopped after {self.options.max_pages} of {total} pages, at --max-pages"
                return Walk(start, end, tuple(pages), stopped)
            exchange = self.page(self.connection, start, end, number)
            pages.append(exchange)
            parsed = parse_page(number, exchange)
            if parsed.orders is None:
                break
            if number == 1:
                total = parsed.orders.pages
            number += 1
        return Walk(start, end, tuple(pages))

    def run(self) -> None:
        """Fetch and judge, appending to ``results`` as it goes (so a call that fails
        midway leaves the verdicts reached so far)."""
        results = self.results
        first = self.page(self.connection, self.start, self.end, 1)
        results += [checks.check_basic_auth(first), checks.check_content_type(first)]
        query_only = StoreConnection(
            self.options.url,
            self.options.username,
            self.options.password,
            credentials_in_query=True,
            credentials_in_header=False,
        )
        results.append(checks.check_query_auth(self.page(query_only, self.start, self.end, 1)))
        wrong = StoreConnection(
            self.options.url, self.options.username, self.options.password + "-not-it"
        )
        results.append(checks.check_wrong_credentials(self.page(wrong, self.start, self.end, 1)))
        if results[0].verdict == Verdict.FAIL:
            return
        walk = self.walk(self.start, self.end)
        results += [
            checks.check_well_formed(walk),
            checks.check_escaping(walk),
            checks.check_schema(walk),
            checks.check_readable(walk),
            checks.check_date_format(walk),
            checks.check_window(walk),
        ]
        results += self.edges(walk)
        again = self.walk(self.start, self.end)
        results += [
            checks.check_pages_attribute(walk),
            checks.check_pages_reachable(walk),
            checks.check_no_duplicates(walk),
            checks.check_no_lost_orders(walk, again),
            checks.check_statuses(walk),
            checks.check_items(walk),
        ]
        if self.options.write_order is not None:
            results += self.ship_notices(self.options.write_order.strip())

    def edges(self, walk: Walk) -> list[Check]:
        orders = sorted(served_orders(parse_walk(walk)), key=lambda o: o.last_modified)
        if not orders:
            return [
                Check("dates.edges", Verdict.WARN, "No order in the window to test its edges with.")
            ]
        chosen = [orders[0]] if len(orders) == 1 else [orders[0], orders[-1]]
        results = []
        for order in chosen[:EDGE_ORDERS]:
            minute = order.last_modified.replace(second=0, microsecond=0)
            before = self.walk(minute - EDGE_SPAN, minute - timedelta(minutes=1))
            after = self.walk(minute, minute + EDGE_SPAN)
            results.append(checks.check_window_edge(order, minute, before, after))
        worst = [check for check in results if check.verdict != Verdict.PASS]
        return worst[:1] or results[:1]

    def ship_notices(self, order_number: str) -> list[Check]:
        notice = ShipNotice(
            order_id="",
            order_number=order_number,
            customer_code="",
            notes_to_customer="",
            # The buyer hears nothing of a check.
            notify_customer=False,
            label_create_date=self.end,
            ship_date=self.end.date(),
            carrier="Other",
            service="Crossdock conformance check",
            tracking_number=CHECK_TRACKING,
            shipping_cost=None,
            custom_fields=("", "", ""),
            items=(),
        )
        body = render_ship_notice(notice)
        first = _exchange(post_notice_body(self.client, self.connection, order_number, body))
        results = [notices.check_notice_accepted(first, order_number, self.secrets)]
        if not first.ok:
            return results
        repeat = _exchange(post_notice_body(self.client, self.connection, order_number, body))
        results.append(notices.check_notice_repeat(first, repeat, self.secrets))
        bad_date = (
            f"<ShipNotice><OrderNumber>{order_number}</OrderNumber>"
            f"<ShipDate>{format_ship_date(self.end.date())}x</ShipDate>"
            "<Carrier>Other</Carrier><TrackingNumber>CROSSDOCK-CHECK-BAD</TrackingNumber>"
            "</ShipNotice>"
        )
        malformed = {
            "a body that is not XML": b"this is not a ship notice",
            "a ShipDate that is no date": bad_date.encode(),
        }
        answers = {
            kind: _exchange(post_notice_body(self.client, self.connection, order_number, body))
            for kind, body in malformed.items()
        }
        results.append(notices.check_malformed_notices(answers))
        return results


def diagnose_store(store: DeskStore, *, max_pages: int, timeout: float) -> Report:
    """Check a connected store with its stored credentials, read-only."""
    connection = connection_of(store)
    options = CheckOptions(
        url=connection.url,
        username=connection.username,
        password=connection.password,
        max_pages=max_pages,
        timeout=timeout,
    )
    return run_check(options)


def run_check(
    options: CheckOptions,
    *,
    transport: httpx.BaseTransport | None = None,
    now: datetime | None = None,
) -> Report:
    """Check the store at ``options.url`` and report; a call that cannot be made or read
    ends the run with a failing ``connection`` check after the verdicts reached, never an
    exception."""
    moment = now or datetime.now(UTC)
    timeout = httpx.Timeout(options.timeout, connect=min(options.timeout, 10.0))
    with make_client(transport, timeout=timeout) as client:
        runner = _Runner(options, client, moment)
        try:
            runner.run()
        except StoreError as error:
            # Unreachable, timed out, too large: the verdicts so far stand, this one ends it.
            reason = redact(error.message, secrets=runner.secrets, limit=300)
            runner.results.append(Check("connection", Verdict.FAIL, reason))
    window = f"{format_wire_datetime(runner.start)} to {format_wire_datetime(runner.end)} UTC"
    timings = tuple(runner.timings)
    results = runner.results
    if results and results[0].name != "connection":
        results.append(checks.check_timing(timings, options.timeout))
    return Report(
        url=redact_url(options.url),
        checked_at=moment,
        window=window,
        checks=tuple(results),
        timings=timings,
        wrote=options.write_order is not None,
    )
