"""The warning that real ShipStation cannot reach the endpoint URL (local host or plain http)."""

from __future__ import annotations

import pytest

from crossdock.hub.shipstation.queries import unreachable_reason


@pytest.mark.parametrize(
    "url",
    [
        "https://hub.example.com/shipstation/custom-store",
        "https://93.184.216.34:8443/shipstation/custom-store",
    ],
)
def test_a_public_https_url_has_no_warning(url: str) -> None:
    assert unreachable_reason(url) == ""


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (
            "http://127.0.0.1:8000/s",
            "127.0.0.1 is a local or private address and it is plain http, not https",
        ),
        ("https://localhost/s", "localhost is a local or private address"),
        ("https://[::1]/s", "::1 is a local or private address"),
        ("https://192.168.1.20/s", "192.168.1.20 is a local or private address"),
        ("https://hub.local/s", "hub.local is a local or private address"),
        ("http://hub.example.com/s", "it is plain http, not https"),
    ],
)
def test_a_local_or_plain_http_url_is_warned_about(url: str, why: str) -> None:
    reason = unreachable_reason(url)

    assert reason == (
        f"Real ShipStation cannot reach this URL: {why}. Set CROSSDOCK_PUBLIC_URL to this "
        "hub's public https address (docs/shipstation.md). The Crossdock shipping desk on this "
        "machine can still use it."
    )
