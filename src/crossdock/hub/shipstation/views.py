"""The Custom Store endpoint ShipStation calls: one URL for every integration.

The credentials decide the integration (and so the account). Every answer is short plain
text or XML, never an HTML page and never a 500: anything unexpected is logged (without
the query string, which can carry ``SS-Password``) and answered ``503`` so ShipStation
retries. Answers:

=====================================  ======
exported page                          200 XML, ``Cache-Control: no-store``
notice recorded, or already recorded   200
no or wrong credentials, revoked       401 with ``WWW-Authenticate``
too many failed sign-ins               429 with ``Retry-After``
unknown action, bad date or page       400 naming the parameter
notice malformed, unsafe or too long   400
notice body over the cap               413
order of a notice not found            404
=====================================  ======
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from crossdock.customstore.export import render_orders
from crossdock.customstore.notice import (
    NOTICE_MAX_BYTES,
    MalformedNoticeError,
    NoticeTooLargeError,
    UnsafeNoticeError,
)
from crossdock.customstore.query import (
    Action,
    QueryError,
    parse_action,
    parse_export_query,
    parse_shipnotify_query,
)
from crossdock.hub.fulfillment.errors import FulfillmentValidationError
from crossdock.hub.orders.errors import OrderNotFound
from crossdock.hub.shipstation import services
from crossdock.hub.shipstation.errors import (
    AuthenticationFailed,
    ClientLocked,
    NoticeOrderAmbiguous,
    NoticeOrderNotFound,
)
from crossdock.hub.shipstation.export import ExportPage, export_page
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.hub.shipstation.shipnotify import receive_ship_notice

logger = logging.getLogger(__name__)

REALM = 'Basic realm="Crossdock ShipStation", charset="UTF-8"'


def plain(status: int, text: str, **headers: str) -> HttpResponse:
    """A short plain-text answer (ShipStation shows its first part to the merchant)."""
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def credentials(request: HttpRequest) -> tuple[str, str] | None:
    """Username and password from one place: Basic auth, else the ``SS-*`` query, else headers."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        username, separator, password = decoded.partition(":")
        if separator and username and password:
            return username, password
    for source in (request.GET, request.headers):
        username = source.get("SS-UserName") or ""
        password = source.get("SS-Password") or ""
        if username and password:
            return username, password
    return None


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _unauthorized(text: str) -> HttpResponse:
    return plain(401, text, WWW_Authenticate=REALM)


def _authenticate(request: HttpRequest) -> ShipStationIntegration | HttpResponse:
    pair = credentials(request)
    if pair is None:
        return _unauthorized(
            "Authentication required: use the username and password Crossdock gave."
        )
    try:
        return services.authenticate(pair[0], pair[1], _client_address(request))
    except ClientLocked as error:
        return plain(
            429,
            "Too many failed sign-ins from this client; try again later.",
            Retry_After=str(error.retry_after),
        )
    except AuthenticationFailed:
        return _unauthorized("Wrong username or password, or the integration was revoked.")


def _stream(page: ExportPage, integration_id: int) -> Iterator[bytes]:
    try:
        yield from render_orders(page.orders(), page.pages, units=page.units)
    except Exception:
        # The status line is gone; a cut document makes ShipStation report and retry.
        logger.exception("shipstation integration %s: export stream failed", integration_id)
        raise


def _export(request: HttpRequest, integration: ShipStationIntegration) -> HttpResponseBase:
    if request.method not in ("GET", "HEAD"):
        return plain(405, "Use GET for action=export.", Allow="GET, HEAD")
    try:
        query = parse_export_query(request.GET)
    except QueryError as error:
        return plain(400, f"Bad {error.parameter}: {error.message}")
    page = export_page(integration, query)
    response = StreamingHttpResponse(
        _stream(page, integration.pk), content_type="application/xml; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    logger.info(
        "shipstation integration %s: export page %s of %s", integration.pk, query.page, page.pages
    )
    return response


def _read_body(request: HttpRequest) -> bytes | None:
    """The body, or ``None`` when it is over the cap (read no further than the cap).

    Django reads no further than ``Content-Length``, so a chunked body (no length; the
    server, gunicorn, decodes the chunks) would read as empty and silently become "the
    whole order": it is read from the WSGI input itself.
    """
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > NOTICE_MAX_BYTES:
        return None
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    stream = request.META["wsgi.input"] if chunked and not declared else request
    body = bytes(stream.read(NOTICE_MAX_BYTES + 1))
    return None if len(body) > NOTICE_MAX_BYTES else body


def _shipnotify(request: HttpRequest, integration: ShipStationIntegration) -> HttpResponse:
    if request.method != "POST":
        return plain(405, "Use POST for action=shipnotify.", Allow="POST")
    body = _read_body(request)
    if body is None:
        return plain(413, f"Ship notice is larger than {NOTICE_MAX_BYTES} bytes.")
    query = parse_shipnotify_query(request.GET)
    try:
        outcome = receive_ship_notice(integration, query, body)
    except NoticeTooLargeError:
        return plain(413, f"Ship notice is larger than {NOTICE_MAX_BYTES} bytes.")
    except UnsafeNoticeError as error:
        return plain(400, f"Refused ship notice: {error}")
    except MalformedNoticeError as error:
        return plain(400, f"Malformed ship notice: {error}"[:300])
    except NoticeOrderNotFound as error:
        return plain(404, f"Unknown order: {error}")
    except NoticeOrderAmbiguous as error:
        return plain(400, f"Ambiguous order: {error}")
    except FulfillmentValidationError as error:
        # A value the shipment cannot hold (a tracking number over 100 characters …).
        return plain(400, f"Refused ship notice: {error}"[:300])
    except OrderNotFound as error:
        # The order was deleted between finding it and recording the shipment.
        return plain(404, f"Unknown order: {error}")
    logger.info("shipstation integration %s: %s", integration.pk, outcome.message)
    return plain(200, "OK: " + outcome.message)


def _dispatch(request: HttpRequest) -> HttpResponseBase:
    integration = _authenticate(request)
    if isinstance(integration, HttpResponse):
        return integration
    try:
        action = parse_action(request.GET)
    except QueryError as error:
        return plain(400, f"Bad {error.parameter}: {error.message}")
    if action == Action.EXPORT:
        return _export(request, integration)
    return _shipnotify(request, integration)


@csrf_exempt
def custom_store(request: HttpRequest) -> HttpResponseBase:
    """``/shipstation/custom-store``: export and ship notify, for every integration."""
    try:
        return _dispatch(request)
    except Exception:
        # Never a 500 or an HTML page; the path only, never the query (SS-Password).
        logger.exception("custom store %s %s failed", request.method, request.path)
        return plain(
            503, "Crossdock could not answer just now; please try again.", Retry_After="30"
        )
