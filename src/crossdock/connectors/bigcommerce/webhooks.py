"""BigCommerce webhooks: a fast path to pull one order, authenticated by a secret header.

BigCommerce signs nothing. A webhook is registered with custom ``headers`` and sends them
back with every delivery, so Crossdock registers a random secret in
:data:`SECRET_HEADER` and compares it in constant time. A delivery names the order
(``data.id``) and carries a ``hash`` that is the same on every retry of one event: the key
for de-duplication. Polling stays the source of truth; a webhook only hurries a pull.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

from crossdock.connectors.base import ValidationError

SECRET_HEADER = "X-Crossdock-Webhook-Secret"  # noqa: S105 - a header name, not a secret
#: The order events Crossdock registers for.
ORDER_SCOPES = ("store/order/created", "store/order/updated", "store/order/statusUpdated")


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One delivery: which event, which order, and its de-duplication key."""

    scope: str
    order_external_id: str
    delivery_id: str


def verify_secret(headers: Mapping[str, str], secret: str) -> bool:
    """Whether a delivery carries the channel's webhook secret (constant time)."""
    if not secret:
        return False
    sent = next(
        (value for name, value in headers.items() if name.lower() == SECRET_HEADER.lower()), ""
    )
    return hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8"))


def parse_event(body: bytes) -> OrderEvent | None:
    """The order event of a delivery, ``None`` for a scope Crossdock does not act on."""
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ValidationError("webhook body is not JSON") from error
    if not isinstance(document, Mapping):
        raise ValidationError("webhook body is not a JSON object")
    scope = document.get("scope")
    if not isinstance(scope, str):
        raise ValidationError("webhook scope is missing")
    if scope not in ORDER_SCOPES:
        return None
    data = document.get("data")
    order_id = data.get("id") if isinstance(data, Mapping) else None
    if isinstance(order_id, bool) or not isinstance(order_id, int | str) or not str(order_id):
        raise ValidationError("webhook data.id (the order id) is missing")
    delivery = document.get("hash")
    if not isinstance(delivery, str) or not delivery:
        raise ValidationError("webhook hash (the delivery id) is missing")
    return OrderEvent(scope=scope, order_external_id=str(order_id), delivery_id=delivery)
