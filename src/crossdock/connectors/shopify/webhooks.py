"""Shopify webhooks as a fast path: verify a delivery, name its order. Pure functions.

Shopify signs each delivery with ``X-Shopify-Hmac-Sha256``: the base64 HMAC-SHA256 of the
raw body keyed with the app's client secret. ``X-Shopify-Webhook-Id`` is the same on every
retry of one delivery (de-duplication); ``X-Shopify-Topic`` says what happened. Polling
stays the source of truth: a webhook only asks for one order to be pulled sooner.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

from crossdock.connectors.base import AuthenticationError, ValidationError

#: Topics that mean "this order changed": subscribe to these.
ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """A verified delivery: its de-duplication id, topic and the order it is about."""

    delivery_id: str
    topic: str
    order_external_id: str


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "").strip()


def signature_matches(body: bytes, signature: str, secret: str) -> bool:
    """Whether ``signature`` is the base64 HMAC-SHA256 of ``body`` under ``secret``.

    Compared in constant time; an undecodable signature never matches.
    """
    if not secret or not signature:
        return False
    try:
        given = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(given, expected)


def sign(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify sends with ``body`` (tests, fakes)."""
    return base64.b64encode(
        hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    ).decode()


def parse_delivery(headers: Mapping[str, str], body: bytes, secret: str) -> WebhookDelivery | None:
    """The order a verified order webhook is about; ``None`` for a topic we do not use.

    A missing or wrong signature raises :class:`AuthenticationError` (before the body is
    read); an unreadable body or one without an order id raises :class:`ValidationError`.
    """
    if not signature_matches(body, _header(headers, "X-Shopify-Hmac-Sha256"), secret):
        raise AuthenticationError("X-Shopify-Hmac-Sha256 does not match the body")
    topic = _header(headers, "X-Shopify-Topic")
    if topic not in ORDER_TOPICS:
        return None
    delivery_id = _header(headers, "X-Shopify-Webhook-Id") or _header(headers, "X-Shopify-Event-Id")
    if not delivery_id:
        raise ValidationError("X-Shopify-Webhook-Id is missing")
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ValidationError("the webhook body is not JSON") from error
    if not isinstance(document, Mapping):
        raise ValidationError("the webhook body is not a JSON object")
    gid = document.get("admin_graphql_api_id")
    raw_id = document.get("id")
    if isinstance(gid, str) and gid.startswith("gid://shopify/Order/"):
        order_id = gid
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool) and raw_id > 0:
        order_id = f"gid://shopify/Order/{raw_id}"
    else:
        raise ValidationError("the webhook body has no order id")
    return WebhookDelivery(delivery_id=delivery_id, topic=topic, order_external_id=order_id)
