"""Hostile ship notices and export queries the Custom Store endpoint's own tests lack.

``tests/hub/shipstation/test_shipnotify.py`` covers a DOCTYPE with an external entity, a
huge body and malformed dates; here: an entity bomb, deep nesting, invalid UTF-8, character
references to a surrogate or a NUL, wrong content types, and malformed pages and actions.
Each is a 4xx and records nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.reliability.world import HubSide, basic_auth, snapshot

ENDPOINT = "/shipstation/custom-store"

BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b"]><ShipNotice><OrderNumber>&lol9;</OrderNumber></ShipNotice>"
)
DEEP = b"<ShipNotice>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</ShipNotice>"

NOTICES = [
    pytest.param(BOMB, "application/xml", id="entity-bomb"),
    pytest.param(DEEP, "application/xml", id="deep-nesting"),
    pytest.param(
        b"<ShipNotice><OrderNumber>Alpha-1\xff\xfe</OrderNumber></ShipNotice>",
        "application/xml",
        id="invalid-utf8",
    ),
    pytest.param(
        b"<ShipNotice><OrderNumber>Alpha-1</OrderNumber><Carrier>&#xD800;</Carrier>"
        b"<TrackingNumber>1Z</TrackingNumber></ShipNotice>",
        "application/xml",
        id="surrogate-reference",
    ),
    pytest.param(
        b"<ShipNotice><OrderNumber>Alpha-1</OrderNumber><Carrier>UPS&#0;</Carrier>"
        b"<TrackingNumber>1Z</TrackingNumber></ShipNotice>",
        "application/xml",
        id="nul-reference",
    ),
    pytest.param(b'{"OrderNumber": "Alpha-1"}', "application/json", id="json-body"),
    pytest.param(b"OrderNumber=Alpha-1", "application/x-www-form-urlencoded", id="form-body"),
]


@pytest.mark.parametrize(("body", "content_type"), NOTICES)
def test_a_hostile_ship_notice_is_a_4xx_and_records_nothing(
    alpha: HubSide, body: bytes, content_type: str
) -> None:
    # given
    client = Client(headers=basic_auth(alpha))
    before = snapshot()

    # when
    answer = client.post(f"{ENDPOINT}?action=shipnotify", body, content_type=content_type)

    # then
    assert 400 <= answer.status_code < 500, answer.content[:300]
    assert snapshot() == before


WINDOW = {"start_date": "01/01/2026 00:00", "end_date": "01/02/2026 00:00"}
QUERIES = [
    pytest.param({"action": "export", "start_date": "13/45/2026 99:99"}, id="bad-date"),
    pytest.param({"action": "export", "start_date": "01/01/2026 00:00"}, id="no-end"),
    *[
        pytest.param({"action": "export", **WINDOW, "page": page}, id=f"page-{page!r}")
        for page in ("0", "-1", "abc", "1e9", "99999999999999999999", "\x00")
    ],
    *[
        pytest.param({"action": action}, id=f"action-{action[:20]!r}")
        for action in ("", "EXPORT;drop", "shipnotify\x00", "x" * 10_000)
    ],
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_malformed_export_query_is_a_4xx(alpha: HubSide, query: dict[str, str]) -> None:
    # given
    client = Client(headers=basic_auth(alpha))

    # when
    answer = client.get(ENDPOINT, query)

    # then
    assert 400 <= answer.status_code < 500, answer.content[:300]
