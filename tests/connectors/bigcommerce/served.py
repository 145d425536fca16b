"""The fake BigCommerce served over real HTTP on 127.0.0.1, for the hub's own clients.

Proves the ``api_base_url`` setting (tests and sandboxes only) works through a real
``httpx`` client built by ``connectors.http.build_client``, with no ``MockTransport`` in
between. Each request is handed to :meth:`FakeBigCommerce.handle` unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from tests.connectors.bigcommerce.fake import FakeBigCommerce


def _handler(fake: FakeBigCommerce, base: str) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = httpx.Request(
                self.command,
                f"{base}{self.path}",
                headers=dict(self.headers.items()),
                content=self.rfile.read(length) if length else b"",
            )
            with lock:
                answer = fake.handle(request)
            body = answer.read()
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _serve  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read the fake's request log instead."""

    return Handler


@contextmanager
def served(fake: FakeBigCommerce) -> Iterator[str]:
    """The fake on a free loopback port; yields the base URL for ``api_base_url``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = _handler(fake, base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
