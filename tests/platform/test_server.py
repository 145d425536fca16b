"""``crossdock serve`` as an operator runs it: gunicorn on 127.0.0.1, a real socket.

Checks what only shows on a real server: an answer refusing a large body closes its
connection openly (gunicorn would otherwise drop the next request on it), a wrong Host
header writes one log line, and development e-mail is said to go to the console.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.serving import CROSSDOCK, crossdock_serve, migrated_data_folder

BIG_BODY = b"<ShipNotice>" + b"x" * 300_000 + b"</ShipNotice>"


@dataclass(frozen=True)
class Served:
    port: int
    credentials: str
    log: Path


def _run(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(  # noqa: S603 - runs our own console script with fixed arguments
        [CROSSDOCK, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = migrated_data_folder(tmp_path_factory.mktemp("served") / "data")
    # A server of its own on SQLite in its own folder, whatever database the suite runs on.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CROSSDOCK_") and key != "DATABASE_URL"
    }
    env |= {"CROSSDOCK_DATA_DIR": str(data), "CROSSDOCK_LOG_LEVEL": "WARNING"}
    _run(
        env,
        "account",
        "create",
        "--name",
        "Shop",
        "--email",
        "o@shop.test",
        "--password-stdin",
        stdin="shop-owner-pass\n",
    )
    issued = json.loads(_run(env, "shipstation", "create", "--account", "Shop", "--json"))
    log = data / "serve.log"
    with crossdock_serve(env, log) as port:
        yield Served(port, f"{issued['username']}:{issued['password']}", log)


def _read_answer(connection: socket.socket) -> tuple[str, bytes]:
    """The head and body of one answer (the body by its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [
        int(line.split(":", 1)[1])
        for line in head.decode().split("\r\n")
        if line.lower().startswith("content-length:")
    ]
    if not lengths:  # no length: the body runs to the end of the connection
        while chunk := connection.recv(65536):
            body += chunk
        return head.decode(), body
    while len(body) < lengths[0]:
        body += connection.recv(65536)
    return head.decode(), body[: lengths[0]]


def _post_big_notice(served: Served, authorization: str) -> tuple[str, bytes, bytes]:
    """Send a too-large ship notice; return the answer and what the socket holds after it."""
    connection = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    with connection:
        connection.sendall(
            (
                "POST /shipstation/custom-store?action=shipnotify&order_number=1&carrier=USPS"
                " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\n"
                f"{authorization}Content-Length: {len(BIG_BODY)}\r\n\r\n"
            ).encode()
            + BIG_BODY
        )
        head, body = _read_answer(connection)
        after = connection.recv(65536)
    return head, body, after


def test_a_413_says_connection_close_and_closes_instead_of_dropping_the_next_request(
    served: Served,
) -> None:
    basic = base64.b64encode(served.credentials.encode()).decode()

    head, body, after = _post_big_notice(served, f"Authorization: Basic {basic}\r\n")

    assert head.startswith("HTTP/1.1 413 ")
    assert "\r\nConnection: close" in head
    assert body == b"Ship notice is larger than 256000 bytes.\n"
    assert after == b""  # closed cleanly, after the whole answer


def test_a_refused_sign_in_with_a_large_body_also_closes_openly(served: Served) -> None:
    head, _, after = _post_big_notice(served, "")

    assert head.startswith("HTTP/1.1 401 ")
    assert "\r\nConnection: close" in head
    assert after == b""


def test_a_small_request_keeps_its_connection_alive(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as connection:
        request = b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        connection.sendall(request)
        first, _ = _read_answer(connection)
        connection.sendall(request)
        second, _ = _read_answer(connection)

    assert first.startswith("HTTP/1.1 200 ")
    assert "\r\nConnection: keep-alive" in first
    assert second.startswith("HTTP/1.1 200 ")


def test_a_wrong_host_header_writes_one_log_line(served: Served) -> None:
    before = served.log.read_text().splitlines()
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        head, _ = _read_answer(connection)
    time.sleep(0.5)  # let the server flush its log line (not a timed assertion)

    new_lines = served.log.read_text().splitlines()[len(before) :]

    assert head.startswith("HTTP/1.1 400 ")
    assert len(new_lines) == 1
    assert "Invalid HTTP_HOST header: 'evil.example'" in new_lines[0]


def test_serve_says_where_development_email_goes(served: Served) -> None:
    lines = served.log.read_text().splitlines()

    assert (
        "E-mails are printed here, not sent: set CROSSDOCK_EMAIL_BACKEND and "
        "CROSSDOCK_EMAIL_HOST (see docs/configuration.md) to send them over SMTP."
    ) in " ".join(" ".join(lines).split())
