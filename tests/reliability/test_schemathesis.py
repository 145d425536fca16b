"""Schemathesis against both OpenAPI specs, in process: whatever it sends, never a 5xx.

The schemas are the ones the APIs serve (``get_openapi_schema``), so every operation of the
hub's ``/api/v1`` and the desk's ``/desk/api/v1`` is exercised, new ones included. Each case
goes through Django's test client with a valid bearer token of an account that has one row
of every kind (the ids schemathesis picks mostly miss them; those that hit exercise the
real paths). Bounded: a few examples per operation, no deadline. When the module ends it
prints its ``soak:`` line: the generated requests sent (the hostile input it injected),
the operations they reached, and the answers that were a 5xx.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from crossdock.api.app import api
from crossdock.desk.api.app import desk_api
from tests.reliability.served import soak_line
from tests.reliability.world import make_desk_side, make_hub_side

#: Examples per operation: a minute or two for both APIs together (``make soak``: more).
EXAMPLES = int(os.environ.get("CROSSDOCK_SOAK_EXAMPLES", "8"))
#: Random generation only: schemathesis's "coverage" phase sends every boundary case the
#: schema defines, unbounded by ``max_examples``, which takes far longer than this budget.
FUZZING_ONLY = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}}
)

hub_schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=FUZZING_ONLY)
desk_schema = schemathesis.openapi.from_dict(desk_api.get_openapi_schema(), config=FUZZING_ONLY)

BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


#: Every generated request sent in this module, per operation, and the 5xx answers.
SENT: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _soak_figures() -> Iterator[None]:
    started = time.monotonic()
    yield
    soak_line(
        "schemathesis",
        faults=SENT.total(),
        operations=len(SENT),
        lost=0,
        duplicated=0,
        seconds=time.monotonic() - started,
        examples_per_operation=EXAMPLES,
        server_errors=SERVER_ERRORS.total(),
    )


def _send(case: Any, bearer: str) -> Any:
    """One generated case through Django's test client, with the bearer token."""
    headers = {
        str(name): str(value)
        for name, value in (case.headers or {}).items()
        if str(name).lower() not in {"authorization", "content-length", "host"}
    }
    headers["Authorization"] = f"Bearer {bearer}"
    client = Client(headers=headers)
    body = b""
    content_type = "application/json"
    if isinstance(case.body, bytes):
        body = case.body
    elif case.body is not None and not isinstance(case.body, schemathesis.core.NotSet):
        body = json.dumps(case.body).encode()
    query = "&".join(f"{key}={value}" for key, value in (case.query or {}).items())
    path = case.formatted_path + (f"?{query}" if query else "")
    answer = client.generic(case.method.upper(), path, body, content_type=content_type)
    operation = f"{case.method.upper()} {case.path}"
    SENT[operation] += 1
    if answer.status_code >= 500:
        SERVER_ERRORS[operation] += 1
    return answer


@pytest.fixture
def hub_bearer(db: None) -> str:
    return make_hub_side("Alpha").bearer


@pytest.fixture
def desk_bearer(db: None) -> str:
    return make_desk_side("Alpha").bearer


@hub_schema.parametrize()
@BOUNDED
def test_the_hub_api_never_answers_5xx(case: Any, hub_bearer: str) -> None:
    # when
    answer = _send(case, hub_bearer)

    # then
    assert answer.status_code < 500, (case.method, case.formatted_path, case.body, answer.content)


@desk_schema.parametrize()
@BOUNDED
def test_the_desk_api_never_answers_5xx(case: Any, desk_bearer: str) -> None:
    # when
    answer = _send(case, desk_bearer)

    # then
    assert answer.status_code < 500, (case.method, case.formatted_path, case.body, answer.content)
