"""The checks of logins, the export document, dates, paging, content and timing.

Each takes answers already fetched (:mod:`.answers`) and returns one :class:`Check`. They
never raise for anything a store sends: a broken answer is a failing check whose evidence
names the page, the order and the element. Evidence never quotes a secret (it passes
through :func:`crossdock.core.redaction.redact`). Ship notices are judged in :mod:`.notices`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from lxml import etree

from crossdock.core.display import plural
from crossdock.core.redaction import redact
from crossdock.customstore.check.answers import (
    NAMED,
    Exchange,
    Walk,
    is_xml_type,
    looks_like_html,
    names,
    parse_page,
    parse_walk,
    served_orders,
)
from crossdock.customstore.check.report import Check, PageTiming, Verdict
from crossdock.customstore.dates import DateError, format_wire_datetime, parse_wire_datetime
from crossdock.customstore.reader import ReadOrder
from crossdock.customstore.schema import orders_schema

#: Elements newer than the 2016 schema that every current store may write.
NEWER_ELEMENTS = ("CurrencyCode", "UPC")
#: The one date shape the protocol writes.
CANONICAL_DATE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
#: A page slower than this share of the timeout is a warning: ShipStation may give up.
SLOW_SHARE = Decimal("0.5")


# --- authentication -------------------------------------------------------------------


def check_basic_auth(first: Exchange) -> Check:
    """The right credentials sent as HTTP Basic are let in: a 2xx that is no HTML page.

    Whether the page is a good ``<Orders>`` document is the export checks' business.
    """
    if first.status in (401, 403):
        return Check(
            "auth.basic",
            Verdict.FAIL,
            f"The right username and password as HTTP Basic were answered {first.described()}.",
        )
    if not first.ok or looks_like_html(first):
        return Check(
            "auth.basic",
            Verdict.FAIL,
            f"An export with HTTP Basic was answered {first.described()}: no Custom Store "
            "endpoint at this URL, or it is down.",
        )
    return Check(
        "auth.basic", Verdict.PASS, f"An export with HTTP Basic answered {first.described()}."
    )


def check_query_auth(answer: Exchange) -> Check:
    """The ``SS-UserName``/``SS-Password`` query alone (no Basic) also works."""
    parsed = parse_page(1, answer)
    if parsed.orders is not None:
        return Check(
            "auth.query",
            Verdict.PASS,
            f"An export with only SS-UserName/SS-Password answered {answer.described()}.",
        )
    return Check(
        "auth.query",
        Verdict.WARN,
        f"An export with only SS-UserName/SS-Password {parsed.problem}: the store reads only "
        "HTTP Basic (ShipStation sends it, so imports work; tools using the query form fail).",
    )


def check_wrong_credentials(answer: Exchange) -> Check:
    """Wrong credentials are answered 401, never 200 with an error page or with orders."""
    if answer.status == 401:
        return Check("auth.wrong", Verdict.PASS, "Wrong credentials were answered HTTP 401.")
    if answer.status == 403:
        return Check(
            "auth.wrong",
            Verdict.WARN,
            "Wrong credentials were answered HTTP 403; the protocol asks for 401.",
        )
    if answer.ok:
        parsed = parse_page(1, answer)
        if parsed.orders is not None:
            served = plural(len(parsed.orders.orders), "order")
            return Check(
                "auth.wrong",
                Verdict.FAIL,
                f"Wrong credentials were answered {answer.described()} with an <Orders> "
                f"page ({served}): the store does not check the password.",
            )
        kind = "an HTML error page" if looks_like_html(answer) else "an error page"
        return Check(
            "auth.wrong",
            Verdict.FAIL,
            f"Wrong credentials were answered {answer.described()} with {kind}: a 200 reads "
            "as success, so ShipStation reports a broken page instead of a bad password; "
            "answer 401.",
        )
    return Check(
        "auth.wrong",
        Verdict.FAIL,
        f"Wrong credentials were answered {answer.described()}; the protocol asks for 401.",
    )


def check_content_type(first: Exchange) -> Check:
    if is_xml_type(first.content_type):
        return Check("export.content_type", Verdict.PASS, f"Answered {first.described()}.")
    return Check(
        "export.content_type",
        Verdict.FAIL,
        f"Answered {first.described()}: an export is application/xml (or text/xml).",
    )


# --- the export document --------------------------------------------------------------


def check_well_formed(walk: Walk) -> Check:
    """Every page parses as XML and is an ``<Orders>`` document."""
    parsed = parse_walk(walk)
    broken = [f"page {page.number} {page.problem}" for page in parsed if page.problem]
    if broken:
        return Check("export.xml", Verdict.FAIL, "; ".join(broken[:NAMED]) + ".")
    return Check(
        "export.xml",
        Verdict.PASS,
        f"{plural(len(parsed), 'page')} parsed as <Orders> documents.",
    )


def _order_label(root: etree._Element, path: str) -> str:
    match = re.match(r"^/Orders/Order(?:\[(\d+)\])?", path)
    if match is None:
        return ""
    position = int(match.group(1) or 1)
    orders = [child for child in root if child.tag == "Order"]
    if position > len(orders):
        return ""
    number = (orders[position - 1].findtext("OrderNumber") or "").strip()
    return f"order {number[:40]}" if number else f"order #{position}"


def _element_name(path: str) -> str:
    steps = [re.sub(r"\[\d+\]$", "", step) for step in path.split("/") if step]
    return "/".join(steps[2:]) if len(steps) > 2 else "/".join(steps)


def _short_reason(message: str) -> str:
    text = re.sub(r"^Element '[^']*'(?:, attribute '[^']*')?: ", "", message)
    text = text.replace("[facet 'pattern'] ", "").replace("[facet 'maxLength'] ", "")
    # lxml lists every element the schema would have taken instead: too long to be evidence.
    text = text.split(" Expected is ", 1)[0]
    return redact(text, limit=160)


def schema_problems(root: etree._Element) -> list[tuple[str, str]]:
    """Each element that breaks the 2016 schema, as (order, problem); newer elements aside."""
    copy = etree.fromstring(etree.tostring(root))
    for name in NEWER_ELEMENTS:
        for node in copy.iter(name):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    schema = orders_schema()
    if schema.validate(copy):
        return []
    problems = []
    # The stubs type the log as opaque; at run time it iterates over _LogEntry values.
    entries: Iterable[etree._LogEntry] = schema.error_log  # type: ignore[assignment]
    for entry in entries:
        path = entry.path or ""
        problem = f"<{_element_name(path)}> {_short_reason(entry.message)}"
        problems.append((_order_label(copy, path) or "the document", problem))
    return problems


def check_schema(walk: Walk) -> Check:
    """Every page validates; each breaking element is named once, with the orders it is in."""
    found: dict[str, list[str]] = {}
    for page in parse_walk(walk):
        if page.root is not None:
            for where, problem in schema_problems(page.root):
                found.setdefault(problem, []).append(f"page {page.number} {where}")
    if found:
        named = [f"{problem} ({names(where)})" for problem, where in found.items()]
        return Check(
            "export.schema",
            Verdict.FAIL,
            f"{plural(len(found), 'element')} {'breaks' if len(found) == 1 else 'break'} "
            f"the XSD: {'; '.join(named[:NAMED])}.",
        )
    return Check("export.schema", Verdict.PASS, "Every page validates against the XSD.")


def check_readable(walk: Walk) -> Check:
    """No order is left out by a reader (a missing ShipTo, a quantity that is no number …)."""
    skipped = [
        f"{item.order_number or 'an order without a number'} ({item.reason})"
        for page in parse_walk(walk)
        if page.orders
        for item in page.orders.skipped
    ]
    if skipped:
        return Check(
            "export.orders_readable",
            Verdict.FAIL,
            f"{plural(len(skipped), 'order')} cannot be imported: {names(skipped)}.",
        )
    count = len(served_orders(parse_walk(walk)))
    return Check("export.orders_readable", Verdict.PASS, f"{plural(count, 'order')} read whole.")


def check_date_format(walk: Walk) -> Check:
    """``OrderDate`` and ``LastModified`` are written ``MM/dd/yyyy HH:mm``."""
    other: list[str] = []
    broken: list[str] = []
    for page in parse_walk(walk):
        if page.root is None:
            continue
        for order in page.root.iter("Order"):
            number = (order.findtext("OrderNumber") or "?").strip()[:40]
            for name in ("OrderDate", "LastModified"):
                text = (order.findtext(name) or "").strip()
                if not text or CANONICAL_DATE.match(text):
                    continue
                try:
                    parse_wire_datetime(text)
                except DateError:
                    broken.append(f'order {number} {name} "{text[:30]}"')
                else:
                    other.append(f'order {number} {name} "{text[:30]}"')
    if broken:
        return Check("dates.format", Verdict.FAIL, f"Dates that are no date: {names(broken)}.")
    if other:
        return Check(
            "dates.format",
            Verdict.WARN,
            f"Dates not in MM/dd/yyyy HH:mm (readable, but not the protocol's form): "
            f"{names(other)}.",
        )
    return Check("dates.format", Verdict.PASS, "Every date is MM/dd/yyyy HH:mm.")


def _offset_hint(moment: datetime, start: datetime, end: datetime) -> str:
    gap = moment - end if moment >= end else start - moment
    hours = round(gap.total_seconds() / 3600)
    if hours and abs(gap - timedelta(hours=hours)) <= timedelta(minutes=1) and hours <= 14:
        return " (a whole number of hours off: dates look like local time, not UTC)"
    return ""


def check_window(walk: Walk) -> Check:
    """Every order served has its ``LastModified`` inside the window asked for (UTC)."""
    start, end = walk.start, walk.end + timedelta(minutes=1)
    outside = []
    for order in served_orders(parse_walk(walk)):
        if not start <= order.last_modified < end:
            hint = _offset_hint(order.last_modified, start, end)
            outside.append(
                f"order {order.order_number} modified {format_wire_datetime(order.last_modified)}"
                f"{hint}"
            )
    if outside:
        return Check(
            "dates.window",
            Verdict.FAIL,
            f"Orders outside the window {walk.label} UTC: {names(outside)}.",
        )
    return Check("dates.window", Verdict.PASS, f"Every LastModified lies inside {walk.label} UTC.")


def _keys(walk: Walk) -> list[str]:
    return [order.key for order in served_orders(parse_walk(walk))]


def check_window_edge(order: ReadOrder, modified: datetime, before: Walk, after: Walk) -> Check:
    """An order modified at minute ``m`` is in exactly one of ``[.., m-1]`` and ``[m, ..]``."""
    in_before = order.key in _keys(before)
    in_after = order.key in _keys(after)
    number = order.order_number
    edge = format_wire_datetime(modified)
    name = "dates.edges"
    if in_after and not in_before:
        return Check(
            name,
            Verdict.PASS,
            f"Order {number} (modified {edge}) is in the window starting {edge} only.",
        )
    if in_before and in_after:
        return Check(
            name,
            Verdict.WARN,
            f"Order {number} (modified {edge}) is in both adjacent windows, ending "
            f"{format_wire_datetime(before.end)} and starting {edge} (harmless: ShipStation "
            "recognises it again).",
        )
    if in_before:
        return Check(
            name,
            Verdict.FAIL,
            f"Order {number} (modified {edge}) is in the window ending "
            f"{format_wire_datetime(before.end)}, not in the one starting {edge}: the store "
            "does not window on the UTC LastModified it writes.",
        )
    return Check(
        name,
        Verdict.FAIL,
        f"Order {number} (modified {edge}) is in neither the window ending "
        f"{format_wire_datetime(before.end)} nor the one starting {edge}: an import that "
        "moves its window past it loses it (dates local time, or a window on OrderDate?).",
    )


# --- paging ---------------------------------------------------------------------------


def check_pages_attribute(walk: Walk) -> Check:
    """``pages`` is a whole number, the same on every page, and matches what is served."""
    parsed = parse_walk(walk)
    usable = [page for page in parsed if page.orders is not None and page.root is not None]
    if not usable:
        return Check("paging.pages", Verdict.FAIL, "No page could be read.")
    problems: list[str] = []
    announced: Counter[str] = Counter()
    for page in usable:
        value = page.root.get("pages") if page.root is not None else None
        announced[value or "(none)"] += 1
        if page.orders is not None and page.orders.pages_problem:
            problems.append(f"page {page.number}: {page.orders.pages_problem}")
    if len(announced) > 1:
        problems.append(f"pages differs from page to page ({', '.join(sorted(announced))})")
    total = usable[0].orders.pages if usable[0].orders else 1
    if total > 1 and len(parsed) == total and not served_orders([parsed[-1]]):
        problems.append(f"page {total} of {total} is empty")
    if problems:
        return Check("paging.pages", Verdict.FAIL, "; ".join(problems) + ".")
    if "(none)" in announced:
        return Check(
            "paging.pages",
            Verdict.WARN,
            "The <Orders> element carries no pages attribute: ShipStation reads one page.",
        )
    return Check("paging.pages", Verdict.PASS, f"pages={total}, the same on every page.")


def check_pages_reachable(walk: Walk) -> Check:
    parsed = parse_walk(walk)
    unreachable = [f"page {page.number} {page.problem}" for page in parsed if page.problem]
    if unreachable:
        return Check("paging.reachable", Verdict.FAIL, "; ".join(unreachable[:NAMED]) + ".")
    if walk.stopped:
        return Check(
            "paging.reachable",
            Verdict.WARN,
            f"Not every page was read: {walk.stopped} (raise --max-pages to check them all).",
        )
    return Check(
        "paging.reachable", Verdict.PASS, f"Every page answered ({plural(len(parsed), 'page')})."
    )


def check_no_duplicates(walk: Walk) -> Check:
    """No order is served on two pages of one walk."""
    seen: dict[str, int] = {}
    repeated: list[str] = []
    for page in parse_walk(walk):
        for order in page.orders.orders if page.orders else ():
            if order.key in seen:
                repeated.append(
                    f"order {order.order_number} on pages {seen[order.key]} and {page.number}"
                )
            seen.setdefault(order.key, page.number)
    if repeated:
        return Check(
            "paging.duplicates",
            Verdict.WARN,
            f"Served twice in one walk: {names(repeated)} (orders edited while paging "
            "move; harmless alone, a sign of offset paging when orders also go missing).",
        )
    return Check("paging.duplicates", Verdict.PASS, "No order is served on two pages.")


def check_no_lost_orders(first: Walk, second: Walk) -> Check:
    """Walking the same window twice finds no order the first walk missed.

    The window ends before the check began, so a second walk can only hold more orders if
    the first one skipped some: offset paging over rows that moved while it paged.
    """
    missed = sorted(set(_keys(second)) - set(_keys(first)))
    if missed:
        return Check(
            "paging.lost",
            Verdict.FAIL,
            f"A walk of pages 1…{len(first.pages)} missed {plural(len(missed), 'order')} "
            f"that a second walk of the same window served: {names(missed)} — offset "
            "paging loses orders edited while ShipStation pages; page by (LastModified, id).",
        )
    return Check(
        "paging.lost",
        Verdict.PASS,
        f"Two walks of the window served the same {plural(len(set(_keys(first))), 'order')}.",
    )


# --- content ----------------------------------------------------------------------------


def check_statuses(walk: Walk) -> Check:
    counts = Counter(order.order_status for order in served_orders(parse_walk(walk)))
    if not counts:
        return Check(
            "orders.statuses",
            Verdict.WARN,
            "No order in the window, so nothing about orders was checked: widen --days.",
        )
    listed = ", ".join(f"{status} ({count})" for status, count in sorted(counts.items()))
    return Check(
        "orders.statuses",
        Verdict.PASS,
        f"Statuses to map in ShipStation's store settings: {listed}.",
    )


def check_items(walk: Walk) -> Check:
    """Every item has a SKU and a quantity above zero; goods, tax and shipping make the total."""
    problems: list[str] = []
    orders = served_orders(parse_walk(walk))
    for order in orders:
        items = [item for item in order.items if not item.adjustment]
        if not items:
            problems.append(f"order {order.order_number} has no items")
        for position, item in enumerate(items, start=1):
            if not item.sku:
                problems.append(f"order {order.order_number} item {position} has no SKU")
            if item.quantity < 1:
                problems.append(
                    f"order {order.order_number} item {position} has quantity {item.quantity}"
                )
        goods = sum((item.unit_price * item.quantity for item in order.items), Decimal("0.00"))
        expected = goods + order.tax_amount + order.shipping_amount
        if expected != order.order_total:
            problems.append(
                f"order {order.order_number}: items {goods} + tax {order.tax_amount} + shipping "
                f"{order.shipping_amount} = {expected}, OrderTotal is {order.order_total}"
            )
    if problems:
        return Check("orders.items", Verdict.FAIL, f"{names(problems)}.")
    if not orders:
        return Check("orders.items", Verdict.WARN, "No order in the window to check.")
    return Check(
        "orders.items",
        Verdict.PASS,
        f"{plural(len(orders), 'order')}: every item has a SKU and a quantity, and items, "
        "tax and shipping add up to OrderTotal.",
    )


_HOSTILE = ("&", "<", ">")


def check_escaping(walk: Walk) -> Check:
    """Values holding ``&``, ``<`` or ``>`` came through intact (so the store escapes them)."""
    parsed = parse_walk(walk)
    unescaped = [page for page in parsed if "unescaped" in page.problem]
    if unescaped:
        return Check(
            "export.escaping",
            Verdict.FAIL,
            "; ".join(f"page {page.number} {page.problem}" for page in unescaped[:NAMED]) + ".",
        )
    count = 0
    for page in parsed:
        if page.root is None:
            continue
        for node in page.root.iter():
            if isinstance(node.tag, str) and node.text and any(c in node.text for c in _HOSTILE):
                count += 1
    if count:
        return Check(
            "export.escaping",
            Verdict.PASS,
            f"{plural(count, 'value')} holding &, < or > came through escaped.",
        )
    return Check(
        "export.escaping",
        Verdict.WARN,
        "No value in the window holds &, < or >, so escaping was not put to the test "
        "(add an order whose company is “A & B”).",
    )


def check_timing(timings: tuple[PageTiming, ...], timeout_seconds: float) -> Check:
    if not timings:
        return Check("timing.pages", Verdict.WARN, "No page was timed.")
    slowest = max(timings, key=lambda timing: timing.elapsed_ms)
    evidence = (
        f"{plural(len(timings), 'page')}, slowest page {slowest.page} of {slowest.window} "
        f"in {slowest.elapsed_ms} ms."
    )
    if Decimal(slowest.elapsed_ms) > Decimal(str(timeout_seconds)) * 1000 * SLOW_SHARE:
        return Check(
            "timing.pages",
            Verdict.WARN,
            f"{evidence} That is over half the {timeout_seconds:g}-second timeout.",
        )
    return Check("timing.pages", Verdict.PASS, evidence)
