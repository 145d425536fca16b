"""Every call to a store is bounded: bytes, wall clock, pages, addresses, words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders import importing
from crossdock.desk.orders.importing import OVERLAP, run_import
from crossdock.desk.stores import client as store_client
from crossdock.desk.stores.client import (
    StoreAddressRefused,
    StoreAnswerTooLarge,
    StoreConnection,
    StoreTimedOut,
    check_destination,
    fetch_export_page,
    make_client,
)
from crossdock.desk.stores.errors import StoreConnectionFailed, StoreInvalid
from crossdock.desk.stores.mapping import CUSTOM_DEFAULT
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import add_unverified_store, check_connection
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import connect_corner_shop, desk_client
from tests.fixtures.independent_store import (
    MAPPING,
    IndependentStore,
    StoreItem,
    StoreOrder,
    render_order,
)

WINDOW = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
SHOP = StoreConnection("http://shop.test/feed", "shipper", "s3cret-pass")


def _order(number: str, modified: datetime, status: str = "Processing") -> StoreOrder:
    return StoreOrder(number, status, modified, [StoreItem("MUG", "Mug", 1, "9.00")])


class Counted:
    """A response body that counts how many chunks the desk pulled from it."""

    def __init__(self, chunk: bytes, chunks: int, clock: FakeClock | None = None) -> None:
        self.chunk = chunk
        self.chunks = chunks
        self.pulled = 0
        self.clock = clock

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += 1
            if self.clock is not None:
                self.clock.now += 1.0
            yield self.chunk


class FakeClock:
    """Stands in for the client's ``time`` module: a second passes per chunk sent."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


def _serving(body: Counted, headers: dict[str, str] | None = None) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers or {"Content-Type": "text/xml"}, content=body)

    return make_client(httpx.MockTransport(handle))


def test_an_oversized_answer_is_abandoned_as_soon_as_it_passes_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a cap of 1,000 bytes and a store sending 100 chunks of 100 bytes
    monkeypatch.setattr(store_client, "MAX_ANSWER_BYTES", 1_000)
    body = Counted(b"<" * 100, 100)

    # when a page is fetched
    with pytest.raises(StoreAnswerTooLarge) as raised:
        fetch_export_page(_serving(body), SHOP, *WINDOW, 1)

    # then reading stopped at the chunk that passed the cap
    assert body.pulled == 11
    assert raised.value.message == (
        "The store's answer (HTTP 200 (text/xml)) is larger than 1,000 bytes; the desk stopped "
        "reading it. A smaller page size on the store fixes this."
    )


def test_an_answer_declaring_more_than_the_cap_is_not_read_at_all() -> None:
    body = Counted(b"<" * 100, 100)
    declared = {"Content-Type": "text/xml", "Content-Length": "300000000"}

    with pytest.raises(StoreAnswerTooLarge):
        fetch_export_page(_serving(body, declared), SHOP, *WINDOW, 1)

    assert body.pulled == 0


def test_a_slow_drip_answer_is_cut_at_the_wall_clock_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a store sending one byte a second (each read well within the read timeout)
    clock = FakeClock()
    monkeypatch.setattr(store_client, "time", clock)
    body = Counted(b"<", 1000, clock)

    # when a page is fetched
    with pytest.raises(StoreTimedOut) as raised:
        fetch_export_page(_serving(body), SHOP, *WINDOW, 1)

    # then the call ended at the 60-second deadline, not when the store stopped sending
    assert body.pulled == 61
    assert raised.value.message == (
        "The store at shop.test took longer than 60 seconds to answer; the desk stopped reading."
    )


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_every_way_of_not_connecting_reads_the_same(failure: httpx.HTTPError) -> None:
    # given a host that cannot be reached, whichever the reason
    def handle(request: httpx.Request) -> httpx.Response:
        raise failure

    # when the connection is tested
    with pytest.raises(StoreConnectionFailed) as raised:
        check_connection(SHOP, CUSTOM_DEFAULT, make_client(httpx.MockTransport(handle)))

    # then one message says so: the form tells no open port from a closed one
    assert raised.value.field == "url"
    assert raised.value.message == (
        "Could not connect to host shop.test: check the URL, and that the store is online."
    )


@pytest.mark.parametrize("url", ["ftp://shop.test/feed", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https_are_called(url: str) -> None:
    with pytest.raises(StoreAddressRefused) as raised:
        check_destination(url)

    assert raised.value.message == "The desk only calls http:// and https:// URLs."


def test_a_store_claiming_32767_pages_is_read_a_capped_number_at_a_time(
    monkeypatch: pytest.MonkeyPatch, desk_account: DeskAccount
) -> None:
    # given a store announcing 32,767 pages, one order each, in LastModified order
    monkeypatch.setattr(importing, "MAX_PAGES_PER_IMPORT", 5)
    first = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=1)
    requested: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        requested.append(page)
        order = render_order(_order(f"N{page}", first + timedelta(minutes=10 * page)))
        return httpx.Response(200, text=f'<Orders pages="32767">{order}</Orders>')

    store = add_unverified_store(
        desk_account,
        kind="custom",
        name="Endless",
        url="http://shop.test/feed",
        username="shipper",
        password="s3cret-pass",
        status_mapping=MAPPING,
    )

    # when it is imported
    summary = run_import(store.pk, "manual", client=make_client(httpx.MockTransport(handle)))

    # then five pages were read, kept, and the mark moved to the last order read
    assert requested == [1, 2, 3, 4, 5]
    last = first + timedelta(minutes=50)
    assert summary.succeeded is True
    assert summary.created == 5
    assert summary.note == (
        "stopped after 5 of 32767 pages, at the limit of 5 pages; the next import "
        f"continues from {last:%m/%d/%Y %H:%M} UTC"
    )
    run = ImportRun.objects.get(pk=summary.run_id)
    assert (run.pages_fetched, run.pages_total, run.note) == (5, 32767, summary.note)
    fresh = DeskStore.objects.get(pk=store.pk)
    assert fresh.import_mark == last
    # and the next import is due at once
    assert fresh.next_import_at == run.finished_at


def test_an_import_stops_at_its_wall_clock_deadline_and_continues_later(
    monkeypatch: pytest.MonkeyPatch, desk_account: DeskAccount
) -> None:
    # given a store whose every page takes 30 seconds, and imports limited to 100 seconds
    clock = FakeClock()
    monkeypatch.setattr(store_client, "time", clock)
    monkeypatch.setattr(importing, "IMPORT_DEADLINE", 100.0)
    first = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=1)

    def handle(request: httpx.Request) -> httpx.Response:
        clock.now += 30.0
        page = int(request.url.params["page"])
        order = render_order(_order(f"N{page}", first + timedelta(minutes=10 * page)))
        return httpx.Response(200, text=f'<Orders pages="50">{order}</Orders>')

    store = add_unverified_store(
        desk_account,
        kind="custom",
        name="Slow",
        url="http://shop.test/feed",
        username="shipper",
        password="s3cret-pass",
        status_mapping=MAPPING,
    )

    # when it is imported
    summary = run_import(store.pk, "manual", client=make_client(httpx.MockTransport(handle)))

    # then it stopped after four pages (120 s) and continues from the last order read
    last = first + timedelta(minutes=40)
    assert summary.created == 4
    assert summary.note == (
        "stopped after 4 of 50 pages, at the limit of 100 seconds; the next import "
        f"continues from {last:%m/%d/%Y %H:%M} UTC"
    )
    assert DeskStore.objects.get(pk=store.pk).import_mark == last


def test_imports_cut_by_the_page_cap_lose_no_order(
    monkeypatch: pytest.MonkeyPatch,
    desk_account: DeskAccount,
    independent_store: IndependentStore,
) -> None:
    # given twelve orders, ten minutes apart, served one per page, and a cap of five pages
    monkeypatch.setattr(importing, "MAX_PAGES_PER_IMPORT", 5)
    first = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    independent_store.orders = [
        _order(f"A{n:02}", first + timedelta(minutes=10 * n)) for n in range(12)
    ]
    independent_store.page_size = 1
    store = add_unverified_store(
        desk_account,
        kind="custom",
        name="Corner Shop",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
        status_mapping=MAPPING,
    )

    # when imports run until one reads its whole window
    summaries = [run_import(store.pk, "schedule")]
    while summaries[-1].note:
        summaries.append(run_import(store.pk, "schedule"))

    # then three imports got every order, each continuing from the last one read
    assert [s.note != "" for s in summaries] == [True, True, False]
    assert all(s.succeeded for s in summaries)
    assert sorted(store.orders.values_list("order_number", flat=True)) == [
        f"A{n:02}" for n in range(12)
    ]
    runs = list(ImportRun.objects.filter(store=store).order_by("id"))
    assert runs[1].window_start == first + timedelta(minutes=40) - OVERLAP
    assert runs[2].window_start == first + timedelta(minutes=80) - OVERLAP


def test_pages_out_of_order_cut_by_the_cap_keep_the_mark(
    monkeypatch: pytest.MonkeyPatch, desk_account: DeskAccount
) -> None:
    # given a store paging newest first (against the protocol), more pages than the cap
    monkeypatch.setattr(importing, "MAX_PAGES_PER_IMPORT", 3)
    newest = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)

    def handle(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        order = render_order(_order(f"N{page}", newest - timedelta(minutes=10 * page)))
        return httpx.Response(200, text=f'<Orders pages="9">{order}</Orders>')

    store = add_unverified_store(
        desk_account,
        kind="custom",
        name="Backwards",
        url="http://shop.test/feed",
        username="shipper",
        password="s3cret-pass",
        status_mapping=MAPPING,
    )

    # when it is imported
    summary = run_import(store.pk, "manual", client=make_client(httpx.MockTransport(handle)))

    # then the mark stays (no order of pages 4-9 is skipped for good) and the merchant is told
    assert summary.succeeded is False
    assert summary.error == (
        "stopped after 3 of 9 pages, at the limit of 3 pages; the store's pages are not "
        "in LastModified order (or one minute holds them all), so the desk cannot continue "
        "from where it stopped — a larger page size on the store fixes this"
    )
    assert DeskStore.objects.get(pk=store.pk).import_mark is None


def test_an_import_keeps_a_bounded_list_of_skipped_orders(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given 250 orders in a status no mapping covers
    modified = datetime.now(UTC) - timedelta(hours=1)
    independent_store.orders = [_order(f"W{n:03}", modified, status="Weird") for n in range(250)]
    store = add_unverified_store(
        desk_account,
        kind="custom",
        name="Corner Shop",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
        status_mapping=MAPPING,
    )

    # when it is imported
    summary = run_import(store.pk, "manual")

    # then 200 are listed with their reason, and one line counts the rest
    run = ImportRun.objects.get(pk=summary.run_id)
    assert summary.fetched == 250
    assert len(run.skipped) == 201
    assert run.skipped[0]["reason"] == 'status "Weird" is not mapped to a desk status'
    assert run.skipped[-1] == {
        "order_number": "…",
        "reason": "and 50 more skipped orders not listed",
    }
    assert len(summary.skipped) == 201


@pytest.fixture
def deny_private(settings: Any) -> None:
    settings.CROSSDOCK_DESK_BLOCK_PRIVATE_ADDRESSES = True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/feed",
        "http://10.1.2.3/feed",
        "http://192.168.0.10/feed",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://[fe80::1]/feed",
        "http://localhost/feed",
        "http://100.64.0.1/feed",
    ],
)
def test_the_deny_list_refuses_private_addresses(deny_private: None, url: str) -> None:
    with pytest.raises(StoreAddressRefused) as raised:
        check_destination(url)

    assert raised.value.message.endswith(
        "resolves to a private, loopback or link-local address, which this desk is set not to call."
    )


def test_private_addresses_are_called_when_the_deny_list_is_off() -> None:
    check_destination("http://127.0.0.1:8000/feed")
    check_destination("http://10.1.2.3/feed")


def test_the_deny_list_lets_a_public_address_through(deny_private: None) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text='<Orders pages="1"/>')

    public = StoreConnection("http://93.184.216.34/feed", "shipper", "s3cret-pass")
    report = check_connection(public, CUSTOM_DEFAULT, make_client(httpx.MockTransport(handle)))

    assert (report.status, report.orders) == (200, 0)


def test_the_deny_list_refuses_at_connect_and_at_each_import(
    settings: Any,
    desk_account: DeskAccount,
    desk_api: DeskApiClient,
    independent_store: IndependentStore,
) -> None:
    # given a store on 127.0.0.1 connected while the deny-list was off
    store = connect_corner_shop(desk_account, independent_store)
    calls = len(independent_store.exports)

    # when the operator turns it on
    settings.CROSSDOCK_DESK_BLOCK_PRIVATE_ADDRESSES = True
    connected = desk_api.post(
        "/stores",
        {
            "kind": "custom",
            "name": "Second",
            "url": independent_store.url,
            "username": independent_store.username,
            "password": independent_store.password,
        },
    )
    summary = run_import(store.pk, "manual")

    # then connecting is refused naming the URL, the import fails, and no call went out
    where = independent_store.url.split("/")[2]
    message = (
        f"The store at {where} resolves to a private, loopback or link-local address, which "
        "this desk is set not to call."
    )
    assert connected.status_code == 422
    assert connected.json()["detail"] == [
        {"type": "value_error", "loc": ["body", "body", "url"], "msg": message}
    ]
    assert summary.succeeded is False
    assert summary.error == f"page 1 of 1: {message}"
    assert len(independent_store.exports) == calls
    with pytest.raises(StoreInvalid) as raised:
        add_unverified_store(
            desk_account,
            kind="custom",
            name="Third",
            url=independent_store.url,
            username="shipper",
            password="pw",
        )
    assert raised.value.errors == {"url": message}


def test_the_connection_test_counts_the_orders_of_every_page(
    desk_api: DeskApiClient, independent_store: IndependentStore
) -> None:
    # given five orders over three pages, the last one in a status no mapping covers
    modified = datetime.now(UTC) - timedelta(hours=2)
    independent_store.orders = [
        _order(f"P{n}", modified + timedelta(minutes=n)) for n in range(4)
    ] + [_order("P4", modified + timedelta(minutes=9), status="Weird")]
    independent_store.page_size = 2

    # when the store is connected
    answer = desk_api.post(
        "/stores",
        {
            "kind": "custom",
            "name": "Corner Shop",
            "url": independent_store.url,
            "username": independent_store.username,
            "password": independent_store.password,
            "status_mapping": MAPPING,
        },
    )

    # then the test read every page and counted every order
    assert answer.status_code == 201
    test = answer.json()["test"]
    assert (test["pages"], test["pages_read"], test["orders"]) == (3, 3, 5)
    assert test["unmapped_statuses"] == ["Weird"]
    assert test["stopped"] == ""
    assert [query["page"] for query in independent_store.exports] == ["1", "2", "3"]


def test_a_second_store_on_the_same_endpoint_is_warned_about(
    desk_api: DeskApiClient, independent_store: IndependentStore, desk_account: DeskAccount
) -> None:
    def connect(name: str, url: str) -> Any:
        return desk_api.post(
            "/stores",
            {
                "kind": "custom",
                "name": name,
                "url": url,
                "username": independent_store.username,
                "password": independent_store.password,
            },
        )

    # given a store connected once
    first = connect("Corner Shop", independent_store.url)
    assert first.json()["test"]["warnings"] == []

    # when the same endpoint is connected again (spelt with a trailing slash in the path)
    second = connect("Corner Shop again", independent_store.url.replace(".php?", ".php/?"))

    # then the answer warns that orders would come in twice
    assert second.status_code == 201
    test = second.json()["test"]
    assert test["same_endpoint"] == ["Corner Shop"]
    assert test["warnings"] == [
        "“Corner Shop” already imports from this URL with this username: every order would "
        "come in twice."
    ]
    # and so does each store's settings page
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")
    for store_id, other in (
        (first.json()["store"]["id"], "Corner Shop again"),
        (second.json()["store"]["id"], "Corner Shop"),
    ):
        page = browser.get(f"/desk/stores/{store_id}/settings/").content.decode()
        assert (
            "<strong>Orders would come in twice:</strong> “" + other + "” already imports" in page
        )


def test_the_connect_form_shows_the_same_endpoint_warning(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    connect_corner_shop(desk_account, independent_store, status_mapping=None)
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")

    page = browser.post(
        "/desk/stores/connect/custom/",
        {
            "name": "Corner Shop twice",
            "url": independent_store.url,
            "username": independent_store.username,
            "password": independent_store.password,
            "auth_mode": "basic",
        },
        follow=True,
    ).content.decode()

    assert (
        "“Corner Shop” already imports from this URL with this username: every order would "
        "come in twice." in page
    )
