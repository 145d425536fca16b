"""A form fuzzer over every hub and desk form: hostile values, never a 5xx, nothing half-done.

For every UI route (from the URL resolver, so a new page is covered when merged), the
fields of the forms that post to it are read from the route's own page and the pages
above it; then each hostile value is posted in every field at once: huge strings, a NUL,
invalid UTF-8 where a lone surrogate would be, negative and enormous numbers, wrong types,
markup. The answer is never a 5xx, and an answer that rejects the post (the form again
with its errors, or a 4xx) leaves every stored row as it was.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django.test import Client

from tests.reliability.routes import UiRoute, ui_routes
from tests.reliability.world import DeskSide, HubSide, owner_at, snapshot

#: Raw (already UTF-8 or deliberately invalid) values posted in every field at once.
HOSTILE: list[bytes] = [
    b"x" * 100_000,
    b"a\x00b",
    # A lone UTF-16 surrogate as UTF-8 would spell it: invalid UTF-8.
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"-1",
    b"-99999999999999999999999999",
    b"1e309",
    b"NaN",
    b"[]",
    b"<script>alert(1)</script>",
    b"",
]


class _Forms(HTMLParser):
    """The post forms of a page: action → field names."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, set[str]] = {}
        self._current: set[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "form" and (given.get("method") or "get").lower() == "post":
            action = urlsplit(urljoin(self.page_path, given.get("action") or "")).path
            self._current = self.forms.setdefault(action, set())
        elif tag in {"input", "select", "textarea", "button"} and self._current is not None:
            name = given.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current.add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _fields(browser: Client, path: str) -> set[str]:
    """Field names of the forms posting to ``path``, on its page and the two above it."""
    names: set[str] = set()
    page = path
    for _ in range(3):
        answer = browser.get(page)
        if answer.status_code == 200 and "html" in answer.get("Content-Type", ""):
            parser = _Forms(page)
            parser.feed(answer.content.decode(errors="replace"))
            names |= parser.forms.get(path, set())
        page = page.rstrip("/").rsplit("/", 1)[0] + "/"
    return names


def _body(fields: set[str], value: bytes) -> str:
    return "&".join(
        f"{quote_from_bytes(name.encode())}={quote_from_bytes(value)}" for name in sorted(fields)
    )


#: Forms whose success is a page (200), not a redirect: they reveal a one-time secret once,
#: so a post they accept answers 200 and changes rows on purpose.
REVEAL_ONCE = {
    "settings/tokens",
    "desk/tokens/",
    "integrations/fulfillment/shipstation/new",
    "integrations/fulfillment/shipstation/<int:integration_id>/rotate",
}


@pytest.mark.parametrize("route", ui_routes(), ids=lambda route: route.pattern)
def test_hostile_values_in_every_field_never_answer_5xx_nor_half_change(
    alpha: HubSide, alpha_desk: DeskSide, route: UiRoute
) -> None:
    # given A signed in, A's own rows in the path, and the fields the route's forms post
    browser, path = owner_at(route, alpha, alpha_desk)
    fields = _fields(browser, path) or {"name"}

    for value in HOSTILE:
        before = snapshot()

        # when every field carries the hostile value
        answer = browser.post(
            path, _body(fields, value), content_type="application/x-www-form-urlencoded"
        )

        # then
        assert answer.status_code < 500, (path, value[:20])
        rejected = answer.status_code == 200 and route.pattern not in REVEAL_ONCE
        if rejected or 400 <= answer.status_code < 500:
            assert snapshot() == before, (path, sorted(fields), value[:20])
