"""BigCommerce webhooks: a fast path to pull one order, authenticated by a secret header.

BigCommerce signs nothing. A webhook is registered with custom ``headers`` and sends them
back with every delivery, so the merchant registers the channel's webhook secret (made by
the hub) in :data:`SECRET_HEADER`, and each delivery's copy is compared in constant time.
A delivery names the order (``data.id``) and carries a ``hash`` that is the same on every
retry of one event: the key for de-duplication. Polling stays the source of truth; a
webhook only hurries a pull.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping

from crossdock.connectors.base import WebhookEvent, WebhookRejected

SECRET_HEADER = "x-crossdock-webhook-secret"  # noqa: S105 - a header name, not a secret
#: The order events Crossdock registers for.
ORDER_SCOPES = ("store/order/created", "store/order/updated", "store/order/statusUpdated")


class BigCommerceWebhooks:
    """Verifies and reads BigCommerce order webhooks (pure: no I/O)."""

    signature_header = SECRET_HEADER

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        """Whether the delivery carries the channel's secret (constant time)."""
        sent = next((value for name, value in headers.items() if name.lower() == SECRET_HEADER), "")
        if not secret or not sent:
            return False
        return hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8"))

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """The event of a verified delivery; a scope without an order names none."""
        try:
            document = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
            raise WebhookRejected("webhook body is not JSON") from error
        if not isinstance(document, Mapping):
            raise WebhookRejected("webhook body is not a JSON object")
        scope = document.get("scope")
        if not isinstance(scope, str) or not scope:
            raise WebhookRejected("webhook scope is missing")
        delivery = document.get("hash")
        if not isinstance(delivery, str) or not delivery:
            raise WebhookRejected("webhook hash (the delivery id) is missing")
        if scope not in ORDER_SCOPES:
            return WebhookEvent(topic=scope, order_external_id="", delivery_id=delivery)
        data = document.get("data")
        order_id = data.get("id") if isinstance(data, Mapping) else None
        if isinstance(order_id, bool) or not isinstance(order_id, int | str) or not str(order_id):
            raise WebhookRejected("webhook data.id (the order id) is missing")
        return WebhookEvent(topic=scope, order_external_id=str(order_id), delivery_id=delivery)


WEBHOOKS = BigCommerceWebhooks()
