"""One redaction for everything said about an outbound call: no query, no secret, bounded."""

from __future__ import annotations

import pytest

from crossdock.core.redaction import redact, redact_url

PASSWORD = "Zq8-vault/Pw93+"


def fragments(secret: str, size: int = 4) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://shop.example/feed?store=main&SS-UserName=u&SS-Password=Zq8",
            "https://shop.example/feed",
        ),
        ("http://user:pw@shop.example:8080/x/y#top", "http://shop.example:8080/x/y"),
        ("http://[::1]:9000/feed?token=abc", "http://[::1]:9000/feed"),
        ("/accounts/login/?next=/%3FSS-Password%3DZq8", "/accounts/login/"),
        ("http://shop.example:99999999/", "***"),
    ],
)
def test_a_url_keeps_scheme_host_port_and_path_only(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_every_url_in_a_text_loses_its_query_and_userinfo() -> None:
    # given an error page echoing the URL the desk called, cut off in the middle
    text = (
        "Moved to https://a:b@shop.example/feed?action=export&SS-UserName=shipper&SS-Pass"
        " or see http://shop.example/help?x=1."
    )

    assert redact(text) == "Moved to https://shop.example/feed or see http://shop.example/help"


def test_credential_pairs_and_authorization_values_are_masked_in_prose() -> None:
    text = (
        "SS-Password=abc123 ss-username: shipper token=T0K3N api_key=k "
        "Authorization: Basic c2hpcHBlcjpzZWNyZXQ= next=/%3FSS-Password%3Ds3cr"
    )

    assert redact(text) == (
        "SS-Password=*** ss-username: *** token=*** api_key=*** "
        "Authorization: Basic *** next=/%3FSS-Password%3D***"
    )


def test_a_known_secret_and_every_fragment_of_it_are_masked() -> None:
    # given texts carrying the password whole, cut, and URL-encoded
    texts = [
        f"bad login for {PASSWORD}",
        f"bad login for {PASSWORD[:6]}",
        f"we saw ...{PASSWORD[5:]}",
        "encoded Zq8-vault%2FPw93%2B here",
        "plus form Zq8-vault%2FPw93%2B",
    ]

    for text in texts:
        shown = redact(text, secrets=(PASSWORD,))
        assert "***" in shown
        assert not any(fragment in shown for fragment in fragments(PASSWORD))
        assert "%2FPw9" not in shown


def test_text_without_secrets_is_kept_as_is() -> None:
    text = "The store answered HTTP 500 (text/plain). It said: 'database is down'"

    assert redact(text, secrets=(PASSWORD,)) == text


def test_the_text_is_bounded_and_control_characters_become_spaces() -> None:
    shown = redact("a\x00b" + "x" * 1000, limit=20)

    assert shown == "a b" + "x" * 16 + "…"
    assert len(shown) == 20
