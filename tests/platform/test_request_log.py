"""Request ids, JSON log lines and redaction, through the project's own logging settings."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from gunicorn.config import Config
from gunicorn.glogging import Logger

from crossdock.cli.server import GUNICORN_ACCESS_LOG_FORMAT

SHIPSTATION_QUERY = "/shipstation/custom-store?action=export&SS-UserName=u&SS-Password=secret-pw-42"


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """Each test reconfigures logging; put back the loggers it touched as they were."""
    names = ["", *settings.LOGGING["loggers"]]
    saved = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level)
        for name in names
    }
    yield
    for name, (handlers, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)


def _configure(log_format: str) -> io.StringIO:
    """The settings' logging in ``log_format`` (CROSSDOCK_LOG_FORMAT), its console in a buffer."""
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    for handler in config["handlers"].values():
        handler["formatter"] = log_format
        handler["stream"] = stream
    logging.config.dictConfig(config)
    return stream


@pytest.fixture
def json_lines() -> Callable[[], list[dict[str, Any]]]:
    """Log in JSON; the fixture reads back the lines written so far, one object each."""
    stream = _configure("json")

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    return read


@pytest.mark.django_db
def test_a_request_writes_a_json_access_line_with_the_callers_request_id(json_lines: Any) -> None:
    response = Client().get("/login/", headers={"X-Request-ID": "lb-7f3a.19"})

    lines = json_lines()
    assert response["X-Request-ID"] == "lb-7f3a.19"
    access = [line for line in lines if line["logger"] == "crossdock.access"]
    assert len(access) == 1
    assert set(access[0]) == {"time", "level", "logger", "message", "request_id"}
    assert access[0]["level"] == "INFO"
    assert access[0]["request_id"] == "lb-7f3a.19"
    assert re.fullmatch(r"GET /login/ 200 \d+ms", access[0]["message"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming", [None, "", "has space", "x" * 65, "<script>", "-leading-dash", "ü-nicode"]
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(incoming: str | None) -> None:
    headers = {} if incoming is None else {"X-Request-ID": incoming}

    response = Client().get("/login/", headers=headers)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_each_request_gets_its_own_id() -> None:
    client = Client()

    first, second = client.get("/login/"), client.get("/login/")

    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_access_line_of_a_custom_store_call_never_holds_the_password(json_lines: Any) -> None:
    response = Client().get(SHIPSTATION_QUERY)

    lines = json_lines()
    access = [line for line in lines if line["logger"] == "crossdock.access"]
    assert response.status_code == 401
    assert len(access) == 1
    assert re.fullmatch(r"GET /shipstation/custom-store 401 \d+ms", access[0]["message"])
    assert all("secret-pw-42" not in json.dumps(line) for line in lines)


def test_a_message_with_a_credential_url_is_logged_redacted_with_its_traceback(
    json_lines: Any,
) -> None:
    url = "https://store.test/feed?SS-UserName=u&SS-Password=hunter2-secret"
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError:
        logging.getLogger("crossdock.desk").exception("import failed: %s", url)

    (line,) = json_lines()
    assert line["message"] == "import failed: https://store.test/feed"
    assert line["request_id"] is None
    assert line["exception"].startswith("Traceback (most recent call last):\n")
    assert line["exception"].endswith("ConnectionError: cannot reach https://store.test/feed")
    assert "hunter2" not in json.dumps(line)


def test_plain_lines_are_redacted_too() -> None:
    stream = _configure("plain")

    logging.getLogger("crossdock.hub").warning("push failed: token=abcd-efgh-1234")

    assert stream.getvalue().endswith(" WARNING crossdock.hub: push failed: token=***\n")


def test_gunicorns_access_format_names_the_path_without_the_query() -> None:
    # Given gunicorn's own access logger with the format `crossdock serve` configures
    config = Config()
    config.set("access_log_format", GUNICORN_ACCESS_LOG_FORMAT)
    path, _, query = SHIPSTATION_QUERY.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": SHIPSTATION_QUERY,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(
        status="401 Unauthorized", sent=12, headers=[("X-Request-ID", "abc123")]
    )
    request = SimpleNamespace(headers=[("USER-AGENT", "ShipStation")])

    # When it formats the line for a Custom Store call
    atoms = Logger(config).atoms(response, request, environ, timedelta(milliseconds=3))
    line = config.access_log_format % atoms

    # Then the path is there, the query is not
    assert line == '127.0.0.1 "GET /shipstation/custom-store HTTP/1.1" 401 12 abc123'
