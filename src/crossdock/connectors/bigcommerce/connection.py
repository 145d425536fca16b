"""Checking a BigCommerce connection: real, read-only calls that say exactly what is wrong.

One call per family of scopes, in the order a merchant fixes them: the store itself
(``GET /v2/store``: a 404 means the store hash names no store, a 401 the token is wrong),
then orders, then the catalog, then the inventory locations (the chosen location must be
one of them). A store that is not live (closed, in maintenance) is named with its status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

from crossdock.connectors.base import (
    ConnectionProblem,
    ProblemKind,
    RetryableError,
    ValidationError,
)
from crossdock.connectors.bigcommerce import inventory, wire
from crossdock.connectors.bigcommerce.client import (
    LOCATIONS_SCOPE,
    ORDERS_SCOPE,
    PRODUCTS_SCOPE,
    STORE_SCOPE,
    BigCommerceClient,
    platform_message,
    raise_for_answer,
)
from crossdock.connectors.http import json_body

#: Store statuses that take orders (``prelaunch`` is a store being built: its API works).
OPEN_STATUSES = frozenset({"live", "prelaunch"})


def _refusal(response: httpx.Response, scope: str) -> ConnectionProblem | None:
    if response.status_code == 401:
        return ConnectionProblem(
            ProblemKind.BAD_TOKEN,
            "BigCommerce refused the access token: copy it again from the API account",
            "access_token",
        )
    if response.status_code == 403:
        return ConnectionProblem(
            ProblemKind.MISSING_SCOPE,
            f"the API account lacks the {scope} scope ({platform_message(response)}): "
            "edit the account's OAuth scopes and enter its new token",
            "access_token",
            scope=scope,
        )
    raise_for_answer(response, scope)
    return None


def _store_problem(api: BigCommerceClient, store_hash: str) -> ConnectionProblem | None:
    response = api.answer("GET", "/v2/store")
    if response.status_code == 404:
        return ConnectionProblem(
            ProblemKind.BAD_DOMAIN,
            f"no BigCommerce store has the hash {store_hash!r}",
            "store_hash",
        )
    refused = _refusal(response, STORE_SCOPE)
    if refused is not None:
        return refused
    store = json_body(response)
    if not isinstance(store, Mapping):
        raise ValidationError("GET /v2/store: answer is not a JSON object")
    status = wire.text(store, "status").strip().lower()
    if status and status not in OPEN_STATUSES:
        return ConnectionProblem(
            ProblemKind.STORE_CLOSED,
            f"the store is {status}, not live: it takes no orders until it reopens",
            "store_hash",
        )
    return None


def _location_problem(api: BigCommerceClient, wanted: int) -> ConnectionProblem | None:
    response = api.answer("GET", "/v3/inventory/locations", params={"limit": 250})
    refused = _refusal(response, LOCATIONS_SCOPE)
    if refused is not None:
        return refused
    locations = inventory.parse_locations(
        wire.collection(json_body(response), "/v3/inventory/locations")
    )
    if wanted in {location.id for location in locations}:
        return None
    choices = ", ".join(f"{location.id} ({location.label})" for location in locations)
    return ConnectionProblem(
        ProblemKind.BAD_DOMAIN,
        f"the store has no inventory location {wanted}; choose one of {choices}",
        "location_id",
    )


def check_connection(
    api: BigCommerceClient, store_hash: str, location_id: int
) -> Sequence[ConnectionProblem]:
    """The first problem found (it hides the ones behind it); empty when all is well."""
    try:
        problem = _store_problem(api, store_hash)
        if problem is not None:
            return [problem]
        for path, scope in (("/v2/orders", ORDERS_SCOPE), ("/v3/catalog/products", PRODUCTS_SCOPE)):
            refused = _refusal(api.answer("GET", path, params={"limit": 1}), scope)
            if refused is not None:
                return [refused]
        problem = _location_problem(api, location_id)
    except RetryableError as error:
        return [ConnectionProblem(ProblemKind.UNREACHABLE, str(error), "store_hash")]
    return [problem] if problem is not None else []
