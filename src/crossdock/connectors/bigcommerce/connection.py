"""Checking a BigCommerce connection: real calls that say exactly what is wrong.

One call per family of scopes, in the order a merchant fixes them: the store itself
(``GET /v2/store``: a 404 means the store hash is wrong, a 401 the token), then orders,
then the catalog, then the inventory locations (the chosen location must be one of them).
A store that is not live (closed, in maintenance) is named with its status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from crossdock.connectors.base import ValidationError
from crossdock.connectors.bigcommerce import inventory, wire
from crossdock.connectors.bigcommerce.client import (
    BigCommerceClient,
    SettingProblem,
    platform_message,
    raise_for_answer,
)
from crossdock.connectors.bigcommerce.connector import (
    LOCATIONS_SCOPE,
    ORDERS_SCOPE,
    PRODUCTS_SCOPE,
    STORE_SCOPE,
    BigCommerceConnector,
)
from crossdock.connectors.http import json_body

#: Store statuses that take orders (``prelaunch`` is a store being built: its API works).
OPEN_STATUSES = frozenset({"live", "prelaunch"})


@dataclass(frozen=True, slots=True)
class ConnectionProblem:
    """What is wrong, and the setting the merchant should look at."""

    field: str
    message: str


def _refusal(response: httpx.Response, scope: str) -> ConnectionProblem | None:
    if response.status_code == 401:
        return ConnectionProblem(
            "access_token", "BigCommerce refused the access token: check it was copied whole"
        )
    if response.status_code == 403:
        return ConnectionProblem(
            "access_token",
            f"the API account lacks the {scope} scope ({platform_message(response)}): "
            "edit the account's OAuth scopes",
        )
    raise_for_answer(response, scope)
    return None


def _store_problem(api: BigCommerceClient, store_hash: str) -> ConnectionProblem | None:
    response = api.answer("GET", "/v2/store")
    if response.status_code == 404:
        return ConnectionProblem("store_hash", f"no BigCommerce store has the hash {store_hash!r}")
    refused = _refusal(response, STORE_SCOPE)
    if refused is not None:
        return refused
    store = json_body(response)
    if not isinstance(store, Mapping):
        raise ValidationError("GET /v2/store: answer is not a JSON object")
    status = wire.text(store, "status").strip().lower()
    if status and status not in OPEN_STATUSES:
        return ConnectionProblem(
            "store_hash", f"the store is {status}, not live: it takes no orders until it reopens"
        )
    return None


def check_connection(
    connector: BigCommerceConnector, config_store_hash: str
) -> tuple[ConnectionProblem, ...]:
    """Every problem found, first the one that hides the others; empty when all is well."""
    api = connector.api
    problem = _store_problem(api, config_store_hash)
    if problem is not None:
        return (problem,)
    for path, scope in (
        ("/v2/orders", ORDERS_SCOPE),
        ("/v3/catalog/products", PRODUCTS_SCOPE),
    ):
        refused = _refusal(api.answer("GET", path, params={"limit": 1}), scope)
        if refused is not None:
            return (refused,)
    response = api.answer("GET", "/v3/inventory/locations", params={"limit": 250})
    refused = _refusal(response, LOCATIONS_SCOPE)
    if refused is not None:
        return (refused,)
    locations = inventory.parse_locations(
        wire.collection(json_body(response), "/v3/inventory/locations")
    )
    try:
        wanted = connector.location_id()
    except ValidationError as error:
        return (ConnectionProblem("location_id", str(error)),)
    if wanted not in {location.id for location in locations}:
        choices = ", ".join(f"{location.id} ({location.label})" for location in locations)
        return (
            ConnectionProblem(
                "location_id",
                f"the store has no inventory location {wanted}; choose one of {choices}",
            ),
        )
    return ()


def settings_problem(error: SettingProblem) -> ConnectionProblem:
    return ConnectionProblem(error.field, str(error))
