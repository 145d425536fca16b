"""``/healthz``, ``/readyz`` and ``/metrics``, answered before the rest of the stack runs.

A probe from a load balancer or an orchestrator reaches a process by its address, often
over plain HTTP and with a Host header no ``ALLOWED_HOSTS`` lists; it must not be redirected
to HTTPS, refused as a bad host, given a session or a page policy, or slowed by any of it.
So this middleware sits near the top of ``settings.MIDDLEWARE`` and answers those three
paths itself; every other request passes through and is counted for ``/metrics``.

- ``/healthz``: the process is alive. 200 ``{"status": "ok"}``; touches no database.
- ``/readyz``: :func:`crossdock.ops.readiness.readiness`; 200 when ready, 503 naming the
  failing checks.
- ``/metrics``: the Prometheus text format. With ``CROSSDOCK_METRICS_TOKEN`` set, only a
  request with ``Authorization: Bearer <token>`` gets it; unset, only a loopback client that
  came through no proxy (no ``X-Forwarded-For`` or ``Forwarded`` header).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from crossdock.ops.exposition import CONTENT_TYPE, render_exposition
from crossdock.ops.metrics import database_families, request_family, requests
from crossdock.ops.readiness import readiness

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
_READ_METHODS = ("GET", "HEAD")


def _loopback_direct(request: HttpRequest) -> bool:
    """Whether the client is this machine itself and no proxy forwarded the request."""
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        return ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", ""))).is_loopback
    except ValueError:
        return False


def metrics_refusal(request: HttpRequest) -> HttpResponse | None:
    """The answer refusing a scrape, or ``None`` when this client may scrape."""
    token: str = settings.METRICS_TOKEN
    if not token:
        if _loopback_direct(request):
            return None
        return _text(
            403,
            "Metrics are served only to this machine: set CROSSDOCK_METRICS_TOKEN to scrape "
            "from elsewhere.\n",
        )
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return None
    response = _text(401, "A bearer token is needed for metrics.\n")
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def _text(status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    add_never_cache_headers(response)
    return response


def _json(status: int, payload: dict[str, object]) -> HttpResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


def health() -> HttpResponse:
    return _json(200, {"status": "ok"})


def ready() -> HttpResponse:
    result = readiness(timezone.now())
    checks = {check.name: check.detail for check in result.checks}
    if result.ready:
        return _json(200, {"status": "ready", "checks": checks})
    return _json(503, {"status": "unavailable", "failing": list(result.failing), "checks": checks})


def metrics(request: HttpRequest) -> HttpResponse:
    refusal = metrics_refusal(request)
    if refusal is not None:
        return refusal
    families = [*database_families(timezone.now()), request_family(requests)]
    return _text(200, render_exposition(families), CONTENT_TYPE)


def answer(request: HttpRequest) -> HttpResponse | None:
    """The answer for an operations path, or ``None`` for any other path."""
    path = request.path_info
    if path not in (HEALTH_PATH, READY_PATH, METRICS_PATH):
        return None
    if request.method not in _READ_METHODS:
        response = _text(405, "Only GET and HEAD.\n")
        response["Allow"] = ", ".join(_READ_METHODS)
        return response
    if path == HEALTH_PATH:
        return health()
    if path == READY_PATH:
        return ready()
    return metrics(request)


class OperationsMiddleware:
    """Answer the probes and the metrics; count every other answer for ``/metrics``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = answer(request)
        if response is None:
            response = self.get_response(request)
            requests.count(str(request.method), response.status_code)
        return response
