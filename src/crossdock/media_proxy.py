"""The same-origin image proxy of the hub and the desk: item thumbnails without tracking pixels.

Pages never point a staff browser at a merchant's image host; they point at
``/media-proxy/?u=<url>&s=<signature>`` (see :mod:`crossdock.core.image_urls`), and this
module fetches the picture server-side, under rules that keep it from being an open proxy or
a way in:

- the signature must match (only URLs the server put in a page are fetched), and the
  viewer must be signed in;
- only ``http``/``https``; only hosts whose every address is public (never loopback, private,
  link-local …), checked again on each redirect (at most :data:`MAX_REDIRECTS`);
- a byte cap (:data:`MAX_IMAGE_BYTES`), per-phase timeouts and an overall deadline;
- the answer must be a raster ``image/*`` type (never SVG, which can carry script);
- nothing of the viewer's request is forwarded: no cookies, no referrer, no headers.

Errors (one tree)::

    ImageFetchFailed          the picture cannot be shown (answered 502, briefly cached)
     └─ ImageHostRefused      the URL or one of its addresses is not a public http(s) host

The template filter ``proxied_image`` (``{% load media_proxy %}``) writes the signed URL.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import httpx
from django import template
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from crossdock.core.image_urls import (
    DESK_PROXY_PATH,
    PROXY_PATH,
    clean_image_url,
    is_safe_image_type,
    proxied_image_url,
    signature_matches,
)

#: The largest picture passed on; thumbnails are far smaller.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Seconds one whole fetch (redirects, headers and body) may take.
DEADLINE_SECONDS = 8.0
MAX_REDIRECTS = 3
TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)
USER_AGENT = "Crossdock image proxy"
#: How long a browser keeps a picture, and a failure.
CACHE_SECONDS = 86_400
FAILURE_CACHE_SECONDS = 300


class ImageFetchFailed(Exception):
    """The picture cannot be shown; the message says why (for logs, never secrets)."""


class ImageHostRefused(ImageFetchFailed):
    """The URL is not a public http(s) host: fetching it could reach the server's own network."""


@dataclass(frozen=True, slots=True)
class FetchedImage:
    content: bytes
    content_type: str


def proxy_key() -> bytes:
    """The proxy's signing key, derived from the site's secret key for this one purpose."""
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"crossdock.media-proxy", hashlib.sha256
    ).digest()


def _public_addresses_only(host: str, port: int) -> None:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ImageHostRefused(f"{host} does not resolve") from error
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if not ip.is_global:
            raise ImageHostRefused(f"{host} is not a public host")


class PublicHostTransport(httpx.HTTPTransport):
    """The real transport, refusing any host with a non-public address before connecting.

    A host could still change its answer between this check and the connection (DNS
    rebinding); the answer must then also be an image under the cap, which limits the harm.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        _public_addresses_only(url.host, url.port or (443 if url.scheme == "https" else 80))
        return super().handle_request(request)


def build_image_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A fresh client per fetch: explicit timeouts, a cookie jar that keeps nothing (an image
    host's cookie never rides along to the next hop), no redirects followed by itself, no
    proxies from the environment; ``transport`` is the test seam."""
    return httpx.Client(
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        timeout=TIMEOUT,
        transport=transport or PublicHostTransport(),
        headers={"User-Agent": USER_AGENT, "Accept": "image/*"},
        follow_redirects=False,
        trust_env=False,
    )


def fetch_image(
    client: httpx.Client,
    url: str,
    *,
    max_bytes: int = MAX_IMAGE_BYTES,
    deadline_seconds: float = DEADLINE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> FetchedImage:
    """Fetch one picture under the rules of this module; raises :class:`ImageFetchFailed`."""
    give_up_at = clock() + deadline_seconds
    for _ in range(MAX_REDIRECTS + 1):
        if not clean_image_url(url):
            raise ImageHostRefused("only http and https image URLs are fetched")
        try:
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    url = urljoin(url, location)
                    continue
                return _read_image(response, max_bytes, give_up_at, clock)
        except httpx.HTTPError as error:
            reason = f"the image host could not be reached: {type(error).__name__}"
            raise ImageFetchFailed(reason) from error
    raise ImageFetchFailed(f"more than {MAX_REDIRECTS} redirects")


def _read_image(
    response: httpx.Response, max_bytes: int, give_up_at: float, clock: Callable[[], float]
) -> FetchedImage:
    if response.status_code != 200:
        raise ImageFetchFailed(f"the image host answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "")
    if not is_safe_image_type(content_type):
        raise ImageFetchFailed(f"not a raster image: {content_type[:100] or 'no content type'}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ImageFetchFailed(f"larger than {max_bytes} bytes")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise ImageFetchFailed(f"larger than {max_bytes} bytes")
        if clock() > give_up_at:
            raise ImageFetchFailed("the image host was too slow")
    return FetchedImage(bytes(body), content_type.split(";", 1)[0].strip().lower())


#: Builds the client of one fetch; tests swap it for one over ``httpx.MockTransport``.
make_client: Callable[[], httpx.Client] = build_image_client


def _failure(status: int, reason: str) -> HttpResponse:
    response = HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = f"private, max-age={FAILURE_CACHE_SECONDS}"
    return response


@require_GET
def media_proxy(request: HttpRequest) -> HttpResponse:
    """``GET /media-proxy/?u=&s=``: the picture, same-origin, for a signed-in viewer."""
    if not request.user.is_authenticated:
        return _failure(403, "sign in to see item images")
    url = request.GET.get("u", "")
    signature = request.GET.get("s", "")
    if not url or not signature or not signature_matches(url, signature, proxy_key()):
        return _failure(403, "this image address is not signed by this server")
    if clean_image_url(url) != url or not urlsplit(url).hostname:
        return _failure(403, "only http and https image URLs are fetched")
    try:
        with make_client() as client:
            image = fetch_image(client, url)
    except ImageFetchFailed as error:
        return _failure(502, f"the image could not be fetched: {error}")
    response = HttpResponse(image.content, content_type=image.content_type)
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    return response


register = template.Library()


@register.filter
def proxied_image(url: str, face: str = "hub") -> str:
    """``{{ line.image_url|proxied_image }}``: the signed same-origin address, or ``""``.

    Desk pages write ``|proxied_image:"desk"``: the desk's session cookie is sent only under
    ``/desk/``, so its viewers fetch through the desk's own address of the proxy.
    """
    proxy_path = DESK_PROXY_PATH if face == "desk" else PROXY_PATH
    return proxied_image_url(
        str(url or ""), proxy_key(), own_host_names(), own_static_prefix(), proxy_path
    )


def own_host_names() -> frozenset[str]:
    """Host names this server answers to: ``ALLOWED_HOSTS`` and ``CROSSDOCK_PUBLIC_URL``'s."""
    names = {host.strip("[]").lower() for host in settings.ALLOWED_HOSTS if host != "*"}
    public_host = urlsplit(settings.PUBLIC_URL).hostname
    if public_host:
        names.add(public_host.lower())
    return frozenset(name for name in names if name and not name.startswith("."))


def own_static_prefix() -> str:
    """The path prefix of static files, e.g. ``/static/``."""
    prefix = str(settings.STATIC_URL)
    return prefix if prefix.startswith("/") else f"/{prefix}"
