"""Reaching the sandbox marketplace from tests without a socket, and making shops.

``sandbox_http`` gives an ``httpx.Client`` whose transport hands each request to Django's
test client, so a connector talks to the real sandbox views and database in-process.
A ``before`` hook runs ahead of each request (to change the marketplace mid-pull).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from django.test import Client

from crossdock.connectors.http import build_client
from crossdock.sandbox import services
from crossdock.sandbox.models import SandboxShop

BASE_URL = "http://testserver/sandbox/api/v1"
_HOP_HEADERS = {"host", "content-length", "connection", "accept-encoding", "user-agent"}


def django_transport(
    before: Callable[[httpx.Request], None] | None = None,
    log: list[httpx.Request] | None = None,
) -> httpx.MockTransport:
    django = Client()

    def handle(request: httpx.Request) -> httpx.Response:
        if before is not None:
            before(request)
        if log is not None:
            log.append(request)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        content_type = headers.pop("content-type", "application/octet-stream")
        answer = django.generic(
            request.method,
            request.url.raw_path.decode("ascii"),
            data=request.content,
            content_type=content_type,
            headers=headers,
        )
        return httpx.Response(
            answer.status_code, headers=dict(answer.items()), content=answer.content
        )

    return httpx.MockTransport(handle)


def sandbox_http(
    before: Callable[[httpx.Request], None] | None = None,
    log: list[httpx.Request] | None = None,
) -> httpx.Client:
    return build_client(transport=django_transport(before, log))


def make_shop(
    name: str = "Nordic Crafts", code: str = "NC", **faults: Any
) -> tuple[SandboxShop, str]:
    """A sandbox shop and its token; fault settings applied when given."""
    created = services.create_shop(name, code)
    shop = created.shop
    if faults:
        shop = services.configure_faults(shop, faults)
    return shop, created.token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
