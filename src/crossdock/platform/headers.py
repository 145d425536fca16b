"""Security headers on every answer: a Content-Security-Policy and no caching of signed-in pages.

Django's ``SecurityMiddleware`` already sends ``X-Content-Type-Options``, ``Referrer-Policy``
and (over HTTPS, when configured) HSTS; ``XFrameOptionsMiddleware`` sends ``X-Frame-Options``.
This adds what Django 5.2 lacks: a policy that lets a page load scripts, styles, fonts and
requests only from its own origin (plus a per-request nonce for the rare inline block,
available to templates as ``request.csp_nonce``) and forbids framing, and
``Cache-Control: no-store`` on every page served to a signed-in user (unless the view set its
own ``Cache-Control``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CSP_HEADER = "Content-Security-Policy"


def content_security_policy(nonce: str) -> str:
    """The policy for an HTML page whose inline blocks carry ``nonce``.

    Images may also come from ``https:`` because a store's logo (packing slips) is an
    address the merchant types.
    """
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data: https:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _is_html(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")


class SecurityHeadersMiddleware:
    """Add the policy to HTML answers and ``no-store`` to answers for signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]  # read by templates
        response = self.get_response(request)
        if _is_html(response) and CSP_HEADER not in response:
            response[CSP_HEADER] = content_security_policy(nonce)
        user = getattr(request, "user", None)
        # A view that chose its own caching (the image proxy's pictures) keeps it.
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
