"""The same-origin image proxy: signed, signed-in, http(s) only, capped, images only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from urllib.parse import urlencode

import httpx
import pytest
from django.template import Context, Template
from django.test import Client

from crossdock import media_proxy
from crossdock.core.image_urls import DESK_PROXY_PATH, image_signature, proxied_image_url
from crossdock.desk.accounts.services import create_account
from crossdock.media_proxy import (
    FetchedImage,
    ImageFetchFailed,
    ImageHostRefused,
    build_image_client,
    fetch_image,
    proxy_key,
)
from tests.fixtures.desk import desk_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler) -> httpx.Client:
    return build_image_client(httpx.MockTransport(handler))


def _png(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "image/png"}, content=PNG)


def test_a_picture_is_fetched_without_cookies_or_referrer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            headers={"Content-Type": "image/png; charset=binary", "Set-Cookie": "track=1"},
            content=PNG,
        )

    with _client(handler) as client:
        first = fetch_image(client, "https://img.example/tee.png")
        fetch_image(client, "https://img.example/tee.png")

    assert first == FetchedImage(PNG, "image/png")
    assert [str(request.url) for request in seen] == ["https://img.example/tee.png"] * 2
    assert "cookie" not in seen[1].headers
    assert "referer" not in seen[0].headers
    assert seen[0].headers["accept"] == "image/*"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.Response(404), "the image host answered HTTP 404"),
        (
            httpx.Response(200, headers={"Content-Type": "image/svg+xml"}, content=b"<svg/>"),
            "not a raster image: image/svg+xml",
        ),
        (
            httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<p>"),
            "not a raster image: text/html",
        ),
        (httpx.Response(200, content=b"GIF89a"), "not a raster image: no content type"),
        (
            httpx.Response(200, headers={"Content-Type": "image/png"}, content=b"x" * 1025),
            "larger than 1024 bytes",
        ),
    ],
)
def test_what_is_not_a_small_raster_image_is_refused(answer: httpx.Response, reason: str) -> None:
    with _client(lambda request: answer) as client, pytest.raises(ImageFetchFailed) as raised:
        fetch_image(client, "https://img.example/tee.png", max_bytes=1024)
    assert str(raised.value) == reason


def test_a_body_longer_than_the_cap_is_cut_off_even_without_a_length() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        chunks = iter([b"x" * 600, b"x" * 600, b"x" * 600])
        return httpx.Response(
            200, headers={"Content-Type": "image/png"}, stream=httpx.ByteStream(b"".join(chunks))
        )

    with _client(handler) as client, pytest.raises(ImageFetchFailed, match="larger than 1024"):
        fetch_image(client, "https://img.example/tee.png", max_bytes=1024)


def test_a_slow_host_is_given_up_on_at_the_deadline() -> None:
    ticks = count(0.0, 5.0)  # a clock moving 5 s per look: the body is read after the deadline

    class Drip(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"x" * 10
            yield b"x" * 10

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "image/png"}, stream=Drip())

    with _client(handler) as client, pytest.raises(ImageFetchFailed) as raised:
        fetch_image(
            client, "https://img.example/tee.png", deadline_seconds=8.0, clock=lambda: next(ticks)
        )
    assert str(raised.value) == "the image host was too slow"


def test_redirects_are_followed_a_few_times_and_only_to_http() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old.png":
            return httpx.Response(301, headers={"Location": "/new.png"})
        if request.url.path == "/sneaky.png":
            return httpx.Response(302, headers={"Location": "file:///etc/passwd"})
        if request.url.path == "/loop.png":
            return httpx.Response(302, headers={"Location": "/loop.png"})
        return _png(request)

    with _client(handler) as client:
        assert fetch_image(client, "https://img.example/old.png").content == PNG
        with pytest.raises(ImageHostRefused):
            fetch_image(client, "https://img.example/sneaky.png")
        with pytest.raises(ImageFetchFailed, match="more than 3 redirects"):
            fetch_image(client, "https://img.example/loop.png")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/tee.png", "http://localhost:9/tee.png", "http://[::1]:9/x.png"]
)
def test_the_real_transport_refuses_hosts_on_the_servers_own_network(url: str) -> None:
    # the check runs before any connection: nothing listens on port 9 and nothing is sent
    with build_image_client() as client, pytest.raises(ImageHostRefused, match="not a public"):
        fetch_image(client, url)


@pytest.fixture
def signed_in(db: None) -> Client:
    create_account("Parcel Pals", "packer@parcelpals.test", "packing-pass-1")
    return desk_client("packer@parcelpals.test", "packing-pass-1")


@pytest.fixture
def image_host(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    fetched: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return _png(request)

    monkeypatch.setattr(media_proxy, "make_client", lambda: _client(handler))
    return fetched


def test_a_signed_address_answers_the_picture_with_caching_headers(
    signed_in: Client, image_host: list[str]
) -> None:
    response = signed_in.get(
        proxied_image_url("https://img.example/tee.png", proxy_key(), proxy_path=DESK_PROXY_PATH)
    )

    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert image_host == ["https://img.example/tee.png"]


def test_the_proxy_is_not_open(signed_in: Client, image_host: list[str]) -> None:
    url = "https://img.example/tee.png"
    forged = signed_in.get("/desk/media-proxy/?" + urlencode({"u": url, "s": "0" * 64}))
    other_key = signed_in.get(
        "/desk/media-proxy/?" + urlencode({"u": url, "s": image_signature(url, b"guess")})
    )
    unsigned = signed_in.get("/desk/media-proxy/?" + urlencode({"u": url}))
    script = "javascript:alert(1)"
    signed_script = signed_in.get(
        "/desk/media-proxy/?" + urlencode({"u": script, "s": image_signature(script, proxy_key())})
    )
    anonymous = Client().get(proxied_image_url(url, proxy_key(), proxy_path=DESK_PROXY_PATH))

    assert [r.status_code for r in (forged, other_key, unsigned, signed_script, anonymous)] == [
        403,
        403,
        403,
        403,
        403,
    ]
    assert forged.content == b"this image address is not signed by this server"
    assert signed_script.content == b"only http and https image URLs are fetched"
    assert anonymous.content == b"sign in to see item images"
    assert image_host == []


def test_a_picture_that_cannot_be_fetched_is_a_502_not_a_500(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    monkeypatch.setattr(media_proxy, "make_client", lambda: _client(handler))
    response = signed_in.get(
        proxied_image_url("https://img.example/tee.png", proxy_key(), proxy_path=DESK_PROXY_PATH)
    )

    assert response.status_code == 502
    assert (
        response.content
        == b"the image could not be fetched: the image host could not be reached: ConnectError"
    )
    assert response["Cache-Control"] == "private, max-age=300"


def test_desk_pages_point_at_the_desks_own_proxy_address_where_its_session_is_sent() -> None:
    # the desk's session cookie is scoped to /desk/: a desk-only viewer is unknown at /media-proxy/
    template = Template(
        '{% load media_proxy %}{{ url|proxied_image:"desk" }}|{{ url|proxied_image }}'
    )

    desk, hub = template.render(Context({"url": "https://img.example/tee.png"})).split("|")

    assert desk.startswith("/desk/media-proxy/?u=https%3A%2F%2Fimg.example%2Ftee.png&amp;s=")
    assert hub.startswith("/media-proxy/?u=https%3A%2F%2Fimg.example%2Ftee.png&amp;s=")


def test_a_desk_only_viewer_is_refused_at_the_hubs_address_and_served_at_the_desks(
    signed_in: Client, image_host: list[str]
) -> None:
    url = "https://img.example/tee.png"

    at_hub = signed_in.get(proxied_image_url(url, proxy_key()))
    at_desk = signed_in.get(proxied_image_url(url, proxy_key(), proxy_path=DESK_PROXY_PATH))

    assert at_hub.status_code == 403
    assert at_desk.status_code == 200
