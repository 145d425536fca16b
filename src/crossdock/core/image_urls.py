"""Item image URLs: which ones are stored, and the signed same-origin address that shows them.

Pure. Merchant and marketplace image URLs point anywhere: loaded straight into a staff
browser they are tracking pixels (the image host learns who looked at which order, when, from
where). The hub and the desk therefore show them through their own image proxy, at
``/media-proxy/?u=<url>&s=<signature>``. The signature (HMAC-SHA256 under a server key) is
what keeps the proxy from being an open one: it fetches only URLs the server itself put in a
page. Only ``http``/``https`` URLs are ever stored or signed.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode, urlsplit

#: Where the image proxy answers: the hub's, and the desk's under its own session path.
PROXY_PATH = "/media-proxy/"
DESK_PROXY_PATH = "/desk/media-proxy/"
#: The longest image URL kept (the hub's column is 500 characters).
MAX_IMAGE_URL_LENGTH = 500
#: Image types shown; SVG is left out on purpose: it can carry script.
SAFE_IMAGE_TYPES = frozenset(
    {
        "image/avif",
        "image/bmp",
        "image/gif",
        "image/jpeg",
        "image/pjpeg",
        "image/png",
        "image/webp",
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
)


def clean_image_url(value: str) -> str:
    """``value`` trimmed when it is an absolute ``http(s)`` URL with a host, else ``""``.

    ``javascript:``, ``data:``, ``file:``, relative and protocol-relative URLs, URLs with
    control characters or credentials, and URLs over :data:`MAX_IMAGE_URL_LENGTH` are all
    blanked: an item without its picture is better than a stored script or a leaked login.
    """
    url = value.strip()
    if not url or len(url) > MAX_IMAGE_URL_LENGTH:
        return ""
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in url):
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    if parts.username is not None or parts.password is not None:
        return ""
    if port == 0:
        return ""
    return url


def image_signature(url: str, key: bytes) -> str:
    """The hex HMAC-SHA256 of ``url`` under ``key``: proof the server chose to show it."""
    return hmac.new(key, url.encode("utf-8"), hashlib.sha256).hexdigest()


def signature_matches(url: str, signature: str, key: bytes) -> bool:
    """Constant-time check of a proxy request's signature."""
    return hmac.compare_digest(image_signature(url, key), signature)


def own_static_path(url: str, own_hosts: frozenset[str], static_prefix: str) -> str:
    """The path of ``url`` when it names one of this server's own static files, else ``""``.

    Demo and sandbox pictures are this server's static files, stored as absolute URLs because
    the Custom Store export needs them so. Shown through the proxy they would be refused (a
    loopback host, SVG); shown by path they are same-origin and tell no third party anything.
    ``own_hosts`` are the host names this server answers to (lower case).
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if host not in own_hosts or not parts.path.startswith(static_prefix):
        return ""
    if ".." in parts.path.split("/"):
        return ""
    return parts.path


def proxied_image_url(
    url: str,
    key: bytes,
    own_hosts: frozenset[str] = frozenset(),
    static_prefix: str = "/static/",
    proxy_path: str = PROXY_PATH,
) -> str:
    """The same-origin address showing ``url``, or ``""`` when ``url`` is not a storable one.

    This server's own static files are shown by their path; everything else goes through the
    signed proxy at ``proxy_path`` (the desk's pages use :data:`DESK_PROXY_PATH`, where the
    browser sends the desk's session cookie).
    """
    cleaned = clean_image_url(url)
    if not cleaned:
        return ""
    own = own_static_path(cleaned, own_hosts, static_prefix)
    if own:
        return own
    return f"{proxy_path}?{urlencode({'u': cleaned, 's': image_signature(cleaned, key)})}"


def is_safe_image_type(content_type: str) -> bool:
    """A ``Content-Type`` header naming a raster image type (parameters ignored; never SVG)."""
    return content_type.split(";", 1)[0].strip().lower() in SAFE_IMAGE_TYPES
