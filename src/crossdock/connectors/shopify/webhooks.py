"""Shopify webhooks as a fast path: verify a delivery, name its order. Pure functions.

Shopify signs each delivery with ``X-Shopify-Hmac-Sha256``: the base64 HMAC-SHA256 of the
raw body keyed with the app's client secret. ``X-Shopify-Webhook-Id`` is the same on every
retry of one delivery (the de-duplication key); ``X-Shopify-Topic`` says what happened.
Polling stays the source of truth: a webhook only asks for one order to be pulled sooner.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from crossdock.connectors.base import WebhookEvent, WebhookRejected, hmac_sha256_base64_matches

#: Topics that mean "this order changed": the ones to subscribe to.
ORDER_TOPICS = ("orders/create", "orders/updated", "orders/cancelled")


class ShopifyWebhooks:
    """Shopify's signing and payloads (headers arrive lower-cased)."""

    signature_header = "x-shopify-hmac-sha256"

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        return hmac_sha256_base64_matches(body, secret, headers.get(self.signature_header, ""))

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """The order a verified delivery is about; a topic naming no order gives ``""``."""
        topic = headers.get("x-shopify-topic", "").strip()
        delivery_id = (
            headers.get("x-shopify-webhook-id", "").strip()
            or headers.get("x-shopify-event-id", "").strip()
        )
        if not delivery_id:
            raise WebhookRejected("X-Shopify-Webhook-Id is missing")
        if topic not in ORDER_TOPICS:
            return WebhookEvent(topic=topic, order_external_id="", delivery_id=delivery_id)
        try:
            document = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
            raise WebhookRejected("the webhook body is not JSON") from error
        if not isinstance(document, Mapping):
            raise WebhookRejected("the webhook body is not a JSON object")
        gid = document.get("admin_graphql_api_id")
        raw_id = document.get("id")
        if isinstance(gid, str) and gid.startswith("gid://shopify/Order/"):
            order_id = gid
        elif isinstance(raw_id, int) and not isinstance(raw_id, bool) and raw_id > 0:
            order_id = f"gid://shopify/Order/{raw_id}"
        else:
            raise WebhookRejected(f"the {topic} webhook body has no order id")
        return WebhookEvent(topic=topic, order_external_id=order_id, delivery_id=delivery_id)


WEBHOOKS = ShopifyWebhooks()
