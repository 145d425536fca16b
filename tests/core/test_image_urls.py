"""Item image URLs: what is stored, how the proxy address is signed and checked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from crossdock.core.image_urls import (
    clean_image_url,
    image_signature,
    is_safe_image_type,
    own_static_path,
    proxied_image_url,
    signature_matches,
)

KEY = b"k" * 32


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://img.example/tee.jpg", "https://img.example/tee.jpg"),
        ("  http://img.example/a b.png ", ""),  # a space inside is no URL
        (" http://img.example/mug.png\n", "http://img.example/mug.png"),
        ("HTTPS://IMG.EXAMPLE/X.JPG", "HTTPS://IMG.EXAMPLE/X.JPG"),
        ("javascript:alert(1)", ""),
        ("data:image/png;base64,AAAA", ""),
        ("file:///etc/passwd", ""),
        ("//img.example/tee.jpg", ""),
        ("/media/tee.jpg", ""),
        ("ftp://img.example/tee.jpg", ""),
        ("https://user:pass@img.example/tee.jpg", ""),
        ("https:///tee.jpg", ""),
        ("https://img.example:99999/tee.jpg", ""),
        ("https://img.example/" + "a" * 500, ""),
        ("", ""),
    ],
)
def test_only_absolute_http_urls_with_a_host_are_kept(given: str, kept: str) -> None:
    assert clean_image_url(given) == kept


def test_the_proxy_address_carries_the_url_and_its_signature() -> None:
    address = proxied_image_url("https://img.example/tee.jpg?size=large&v=2", KEY)

    parts = urlsplit(address)
    query = parse_qs(parts.query)
    assert parts.path == "/media-proxy/"
    assert query["u"] == ["https://img.example/tee.jpg?size=large&v=2"]
    assert query["s"] == [image_signature("https://img.example/tee.jpg?size=large&v=2", KEY)]
    assert signature_matches(query["u"][0], query["s"][0], KEY)


def test_a_signature_holds_only_for_its_url_and_key() -> None:
    signature = image_signature("https://img.example/tee.jpg", KEY)

    assert not signature_matches("https://img.example/mug.jpg", signature, KEY)
    assert not signature_matches("https://img.example/tee.jpg", signature, b"other")
    assert not signature_matches("https://img.example/tee.jpg", "", KEY)


def test_no_proxy_address_for_a_url_that_is_not_kept() -> None:
    assert proxied_image_url("javascript:alert(1)", KEY) == ""
    assert proxied_image_url("", KEY) == ""


@pytest.mark.parametrize(
    ("content_type", "safe"),
    [
        ("image/png", True),
        ("image/JPEG; charset=binary", True),
        ("image/webp", True),
        ("image/svg+xml", False),
        ("text/html", False),
        ("", False),
        ("application/octet-stream", False),
    ],
)
def test_only_raster_image_types_are_shown(content_type: str, safe: bool) -> None:
    assert is_safe_image_type(content_type) is safe


OWN = frozenset({"127.0.0.1", "localhost", "hub.example"})


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("http://127.0.0.1:8000/static/demo/products/mug.svg", "/static/demo/products/mug.svg"),
        ("https://hub.example/static/sandbox/products/tee.svg", "/static/sandbox/products/tee.svg"),
        ("http://127.0.0.1:8000/media/mug.svg", ""),  # ours, but not a static file
        ("https://img.example/static/mug.svg", ""),  # a static path on someone else's host
        ("http://localhost/static/../admin/", ""),
    ],
)
def test_this_servers_own_static_pictures_are_shown_by_path(url: str, path: str) -> None:
    assert own_static_path(url, OWN, "/static/") == path


def test_own_static_pictures_skip_the_proxy_and_others_go_through_it() -> None:
    own = proxied_image_url("http://localhost:8000/static/demo/products/mug.svg", KEY, OWN)
    other = proxied_image_url("https://img.example/static/mug.png", KEY, OWN)

    assert own == "/static/demo/products/mug.svg"
    assert other.startswith("/media-proxy/?u=https%3A%2F%2Fimg.example%2Fstatic%2Fmug.png&s=")
