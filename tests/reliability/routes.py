"""Every route of the hub and the desk, found the way Django and django-ninja find them.

The UI routes come from the URL resolver, the API routes from each API's OpenAPI schema,
so a route added on any branch is part of the isolation, CSRF and fuzz suites the moment
it is merged; a route whose path holds a parameter no table here knows fails those suites
until it is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from crossdock.api.app import api
from crossdock.desk.api.app import desk_api

#: Prefixes that are not the merchant's or the packer's own pages, by design:
GLOBAL_PREFIXES = (
    # Django's admin: staff only, every account's rows on purpose.
    "admin/",
    # The REST APIs: enumerated from their OpenAPI schemas instead (``api_operations``).
    "api/",
    "desk/api/",
    # The sandbox marketplace: a separate simulated product with shops, no merchant account.
    "sandbox/",
    # The Custom Store endpoint: Basic auth per integration, checked by its own tests here.
    "shipstation/",
    # Channel webhooks: no session; each delivery is verified by the channel's signing secret
    # (tests/hub/channels/test_webhooks.py and each connector's webhook tests).
    "webhooks/",
    # Static redirects and the image proxy: no account data, no ids.
    "favicon.ico",
    "media-proxy/",
    "desk/media-proxy/",
)

#: Pages that sign in or out: reachable without a session, no account data.
SIGN_IN_PAGES = ("login/", "logout/", "desk/login/", "desk/logout/")


@dataclass(frozen=True)
class UiRoute:
    """One UI path pattern, as ``orders/<int:order_id>/hold``."""

    pattern: str

    @property
    def is_desk(self) -> bool:
        return self.pattern.startswith("desk/")

    @property
    def params(self) -> list[tuple[str, str]]:
        """``(converter, name)`` of each parameter, in order."""
        return re.findall(r"<(?:(\w+):)?(\w+)>", self.pattern)

    def path(self, values: dict[str, Any]) -> str:
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), self.pattern
        )


def _walk(patterns: list[Any], prefix: str) -> list[str]:
    found: list[str] = []
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append(prefix + route)
    return found


def ui_routes() -> list[UiRoute]:
    """Every hub and desk page, global and sign-in pages left out."""
    every = _walk(get_resolver().url_patterns, "")
    return [
        UiRoute(pattern)
        for pattern in dict.fromkeys(every)
        if not pattern.startswith(GLOBAL_PREFIXES) and pattern not in SIGN_IN_PAGES
    ]


@dataclass(frozen=True)
class ApiOperation:
    """One operation of an OpenAPI schema: ``PATCH /api/v1/orders/{order_id}``."""

    method: str
    path: str
    has_body: bool
    #: False when the body may be left out (then ``null`` is the same as no body).
    body_required: bool

    @property
    def is_desk(self) -> bool:
        return self.path.startswith("/desk/")

    @property
    def params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    def url(self, values: dict[str, Any]) -> str:
        return re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), self.path)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def api_operations() -> list[ApiOperation]:
    """Every operation of the hub's and the desk's REST APIs."""
    found = []
    for ninja in (api, desk_api):
        schema = ninja.get_openapi_schema()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                body = operation.get("requestBody")
                found.append(
                    ApiOperation(
                        method, path, body is not None, bool(body and body.get("required"))
                    )
                )
    return found
