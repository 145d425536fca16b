"""Hostile API bodies: every operation that takes a body, on the caller's own rows.

A body that is not a JSON object (an array, a string, a number, ``null``, ``true``), or is
not JSON at all, is a 4xx naming the body and changes nothing; it is never a silent 200.
Table-driven over both OpenAPI schemas, so a new operation is covered when it is merged.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.reliability.routes import ApiOperation, api_operations
from tests.reliability.world import DeskSide, HubSide, desk_ids, hub_ids, snapshot

WITH_BODY = [op for op in api_operations() if op.has_body]

#: Not a JSON object, or not JSON at all.
NOT_OBJECTS = ["[]", "[{}]", '"text"', "0", "-1", "null", "true", "{", "\x00", '{"a": 1}{}']


#: Every operation with every such body; ``null`` only where a body is required (where it
#: may be left out, ``null`` means "no body" and the call is a valid one).
CASES = [
    pytest.param(operation, body, id=f"{operation}-{body!r}")
    for operation in WITH_BODY
    for body in NOT_OBJECTS
    if body != "null" or operation.body_required
]


@pytest.mark.parametrize(("operation", "body"), CASES)
def test_a_body_that_is_not_a_json_object_is_a_4xx_and_changes_nothing(
    alpha: HubSide, alpha_desk: DeskSide, operation: ApiOperation, body: str
) -> None:
    # given the caller's own rows in the path
    if operation.is_desk:
        bearer, ids = alpha_desk.bearer, desk_ids(alpha_desk)
    else:
        bearer, ids = alpha.bearer, hub_ids(alpha)
    values: dict[str, Any] = {name: ids[name] for name in operation.params}
    client = Client(headers={"Authorization": f"Bearer {bearer}"})
    before = snapshot()

    # when
    answer = client.generic(
        operation.method.upper(), operation.url(values), body, content_type="application/json"
    )

    # then
    assert 400 <= answer.status_code < 500, answer.content
    assert snapshot() == before
