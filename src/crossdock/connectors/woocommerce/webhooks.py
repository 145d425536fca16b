"""WooCommerce webhook deliveries: verified by ``X-WC-Webhook-Signature``, read as events.

WooCommerce signs each delivery with the webhook's secret: the base64 HMAC-SHA256 of the
raw body. ``X-WC-Webhook-Topic`` names the topic (``order.created``, ``order.updated``,
``order.deleted``), ``X-WC-Webhook-Delivery-ID`` the delivery, the body is the order.
Saving a webhook sends a ping (``webhook_id=<id>`` as a form body, no topic header).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from crossdock.connectors.base import WebhookEvent, WebhookRejected, hmac_sha256_base64_matches

TOPICS = frozenset({"order.created", "order.updated", "order.deleted", "order.restored"})


class WooWebhooks:
    signature_header = "x-wc-webhook-signature"

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        return hmac_sha256_base64_matches(body, secret, headers.get(self.signature_header, ""))

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        delivery = headers.get("x-wc-webhook-delivery-id", "").strip()
        topic = headers.get("x-wc-webhook-topic", "").strip()
        if not topic and body.startswith(b"webhook_id="):
            return WebhookEvent("ping", "", delivery or body.decode("ascii", "replace")[:100])
        if not delivery:
            raise WebhookRejected("the delivery has no X-WC-Webhook-Delivery-ID")
        if topic not in TOPICS:
            raise WebhookRejected(f"topic {topic[:60]!r} is not an order topic")
        try:
            document = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
            raise WebhookRejected("the delivery body is not JSON") from error
        order_id = document.get("id") if isinstance(document, dict) else None
        if isinstance(order_id, bool) or not isinstance(order_id, int | str) or not str(order_id):
            raise WebhookRejected("the delivery names no order id")
        return WebhookEvent(topic, str(order_id), delivery[:200])
