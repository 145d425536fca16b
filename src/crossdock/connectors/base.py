"""What a connector is: capability protocols, the typed spec, the values they exchange, errors.

A *connector* is the code for one kind of channel; a *channel* is a merchant's connected
account of that kind. Each connector declares what it can do in one :class:`ConnectorSpec`
(capabilities, settings schema, settle time, carrier fallback) and implements the matching
capability protocols. Capabilities a channel lacks are declared, never faked.

Connectors receive an ``httpx.Client`` and a :class:`ChannelConfig`; they never build their
own client and never read Django settings. Nothing here imports Django.

Errors are a small tree; retryable versus terminal is a type, not a string::

    ConnectorError                  anything a connector reports
    ├── RetryableError              try again later: network, timeout, 429, 5xx
    │                               (``retry_after`` in seconds when the channel said so)
    └── TerminalError               retrying cannot help: show the reason to the merchant
        ├── AuthenticationError     401 / 403: the credentials are wrong or revoked
        └── ValidationError         4xx: the channel refused what we sent
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable

import httpx

from crossdock.core.dto import OrderData

# ---------------------------------------------------------------------------------------------
# Errors


class ConnectorError(Exception):
    """A connector could not do what was asked."""


class RetryableError(ConnectorError):
    """A transient failure (network, timeout, 429, 5xx); ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TerminalError(ConnectorError):
    """A failure retrying cannot fix (authentication, validation).

    ``status`` is the HTTP status the channel answered, when the failure was an answer.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthenticationError(TerminalError):
    """The channel refused the credentials."""


class ValidationError(TerminalError):
    """The channel refused the request's content, or answered something we cannot read."""


# ---------------------------------------------------------------------------------------------
# The spec


class Capability(StrEnum):
    PULL_ORDERS = "pull_orders"
    PUSH_SHIPMENT = "push_shipment"
    SET_STOCK = "set_stock"
    PULL_LISTINGS = "pull_listings"
    #: Read one order by its id (:class:`FetchOrder`): the webhook fast path.
    FETCH_ORDER = "fetch_order"


class FieldKind(StrEnum):
    TEXT = "text"
    URL = "url"
    SECRET = "secret"  # noqa: S105 - a form field kind, not a secret
    INTEGER = "integer"
    BOOLEAN = "boolean"
    #: A :class:`Location` id, chosen in a select filled by ``list_locations()`` once the
    #: channel's credentials work (empty: the channel's default location).
    LOCATION = "location"


@dataclass(frozen=True, slots=True)
class SettingField:
    """One setting a channel of this kind needs; ``secret`` ones are stored encrypted."""

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    secret: bool = False
    help: str = ""
    default: str = ""


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """The settings and decrypted secrets of one channel, as the connector receives them."""

    settings: Mapping[str, str]
    secrets: Mapping[str, str]

    def value(self, name: str, default: str = "") -> str:
        if name in self.secrets:
            return self.secrets[name]
        return self.settings.get(name, default)

    def __repr__(self) -> str:
        # Secrets never show in a repr (logs, tracebacks, debuggers).
        return f"ChannelConfig(settings={dict(self.settings)!r}, secrets=<{len(self.secrets)}>)"


@dataclass(frozen=True, slots=True)
class CarrierMapping:
    """A built-in translation of one ShipStation carrier (and service) into the channel's words.

    An empty ``service`` matches any service of the carrier; an empty ``channel_carrier``
    means "use the spec's ``carrier_fallback``" (the carrier then travels as its name).
    """

    carrier: str
    channel_carrier: str
    service: str = ""
    channel_service: str = ""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A channel's request budget: ``burst`` calls at once, refilled at ``per_second``."""

    per_second: float
    burst: int


class WebhookSecretSource(StrEnum):
    """Where the secret a channel's webhook deliveries are verified with comes from."""

    #: The hub makes it and shows it once; the merchant gives it to the platform (pasted
    #: into the webhook, or registered as a header the platform sends back).
    HUB = "hub"
    #: The platform signs with a secret of its own that nobody can choose (an app's client
    #: secret); the merchant copies it from the platform into the channel page.
    PLATFORM = "platform"


ConnectorFactory = Callable[[httpx.Client, ChannelConfig], object]


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    """Everything the hub needs to know about one kind of channel.

    ``settle_time`` is the overlap subtracted from the order cursor: orders a channel
    settles late (Amazon: 30 minutes or more) still come back on the next pull.
    ``carrier_fallback`` is what the channel gets when no carrier mapping exists; the
    carrier as reported then travels as ``carrier_name``.
    """

    slug: str
    display_name: str
    capabilities: frozenset[Capability]
    factory: ConnectorFactory
    settings_schema: tuple[SettingField, ...] = ()
    settle_time: timedelta = timedelta(minutes=5)
    carrier_fallback: str = "Other"
    description: str = ""
    #: The setting holding the URL of the channel's own page on the marketplace (a URL
    #: field); the hub links to it as "Open in marketplace". Empty: no such page.
    marketplace_link: str = ""
    #: The channel's carrier vocabulary for ShipStation's carriers (stored rows override).
    carrier_mappings: tuple[CarrierMapping, ...] = ()
    #: The most stock levels one ``set_stock`` call takes (the channel's batch call size).
    stock_batch_size: int = 1
    #: The channel's documented request budget, shared by every worker of the hub.
    rate_limit: RateLimit | None = None
    #: How the channel's webhook deliveries are verified and read (``None``: no webhooks).
    webhooks: WebhookReceiver | None = None
    #: Who issues the webhook secret; for :attr:`WebhookSecretSource.PLATFORM`,
    #: ``webhook_secret_help`` tells the merchant where the platform shows it.
    webhook_secret_source: WebhookSecretSource = WebhookSecretSource.HUB
    webhook_secret_help: str = ""

    def marketplace_url(self, settings: Mapping[str, str]) -> str:
        """The channel's page on the marketplace, from its settings, or ``""``."""
        url = settings.get(self.marketplace_link, "") if self.marketplace_link else ""
        return url if url.lower().startswith(("http://", "https://")) else ""

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def field(self, name: str) -> SettingField | None:
        return next((item for item in self.settings_schema if item.name == name), None)

    def build(self, client: httpx.Client, config: ChannelConfig) -> object:
        """A connector instance talking through ``client`` with ``config``."""
        return self.factory(client, config)


# ---------------------------------------------------------------------------------------------
# Connection checks and locations


class ProblemKind(StrEnum):
    """What is wrong with a channel's connection, in words the connect form can act on."""

    BAD_DOMAIN = "bad_domain"  # the address is not a store of this platform
    API_DISABLED = "api_disabled"  # the store is there, its API is switched off
    BAD_TOKEN = "bad_token"  # noqa: S105 - a problem kind, not a secret
    MISSING_SCOPE = "missing_scope"  # the credentials lack a permission (``scope`` names it)
    STORE_CLOSED = "store_closed"  # the store is closed, paused or unpaid
    UNREACHABLE = "unreachable"  # network failure, timeout, 5xx: try again later


@dataclass(frozen=True, slots=True)
class ConnectionProblem:
    """One thing wrong with a connection: its kind, the setting at fault, a message to show.

    ``field`` is the name of the setting to correct (empty when none is at fault);
    ``scope`` the platform's name of a missing permission. Messages never hold a secret.
    """

    kind: ProblemKind
    message: str
    field: str = ""
    scope: str = ""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True, slots=True)
class Location:
    """A stock location or warehouse of the channel account (the connect form's choice)."""

    external_id: str
    name: str


@runtime_checkable
class CheckConnection(Protocol):
    def check_connection(self) -> Sequence[ConnectionProblem]:
        """Make one real, read-only call; every problem found (empty: the connection works).

        Never raises for a refusal the merchant can fix: a bad token is a problem, not an
        error. Problems are named precisely (bad domain, bad token, missing scope with the
        scope's name, store closed).
        """
        ...


@runtime_checkable
class ListLocations(Protocol):
    def list_locations(self) -> Sequence[Location]:
        """The account's locations or warehouses, for the channel's location setting."""
        ...


# ---------------------------------------------------------------------------------------------
# Webhooks


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One verified webhook delivery: what happened, to which order, and its delivery id.

    ``delivery_id`` is the platform's id of the delivery (the hub's de-duplication key);
    ``order_external_id`` is empty for a topic that names no order (a ping).
    """

    topic: str
    order_external_id: str
    delivery_id: str


class WebhookRejected(ConnectorError):
    """A delivery that is not signed with the channel's secret, or that cannot be read."""


class WebhookReceiver(Protocol):
    """How one platform signs and shapes its webhook deliveries (pure: no I/O).

    ``verify`` compares in constant time (:func:`hmac.compare_digest`); ``parse`` runs only
    on a verified delivery and raises :class:`WebhookRejected` for one it cannot read.
    Header names arrive lower-cased.
    """

    #: The request header carrying the signature (lower-case), shown in the docs.
    signature_header: str

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool: ...

    def parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent: ...


def hmac_sha256_base64_matches(body: bytes, secret: str, signature: str) -> bool:
    """Whether ``signature`` is the base64 HMAC-SHA256 of ``body`` keyed by ``secret``.

    Shopify and WooCommerce both sign this way. Compared in constant time; an empty
    secret or signature never matches.
    """
    if not secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))


# ---------------------------------------------------------------------------------------------
# Values exchanged with connectors


@dataclass(frozen=True, slots=True)
class PulledOrder:
    """One order read from a channel, or why it could not be read (``problem``).

    A problem order is recorded and skipped by the sync engine, never blocking the others.
    ``updated_at`` is the channel's own modification time (it drives the cursor).
    """

    external_id: str
    updated_at: datetime
    data: OrderData | None = None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class OrderBatch:
    """One page of changed orders; ``next_page`` is an opaque token, ``None`` at the end."""

    orders: tuple[PulledOrder, ...]
    next_page: str | None = None


@dataclass(frozen=True, slots=True)
class ShippedLine:
    external_line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class ShipmentData:
    """A shipment to write back, already in the channel's carrier vocabulary.

    ``carrier`` is the channel's carrier code (the spec's fallback when unmapped);
    ``carrier_name`` carries the carrier as reported when the fallback is used.
    """

    order_external_id: str
    carrier: str
    service: str
    tracking_number: str
    ship_date: date | None
    lines: tuple[ShippedLine, ...]
    carrier_name: str = ""
    tracking_url: str = ""
    note_to_buyer: str = ""
    notify_buyer: bool = True


@dataclass(frozen=True, slots=True)
class PushResult:
    """The channel accepted a shipment; ``external_id`` is its id there (may be empty)."""

    external_id: str


@dataclass(frozen=True, slots=True)
class StockLevel:
    """The quantity one listing should show on its channel.

    ``external_id`` is the channel's id of the listing's stock record (a variant, an
    inventory item, a product), as :class:`ListingData` reported it; connectors that address
    stock by SKU may ignore it. ``expected`` is the quantity last read on the channel, for
    channels that compare and set (``None``: set unconditionally).
    """

    sku: str
    quantity: int
    external_id: str = ""
    expected: int | None = None


@dataclass(frozen=True, slots=True)
class StockResult:
    """What became of one :class:`StockLevel`: set, or refused with the channel's reason.

    ``quantity`` is what the channel shows now when it said so (after a compare-and-set
    conflict, the value re-read there); ``retryable`` tells a passing refusal (a conflict, a
    lock) from one that needs the merchant (an unknown SKU, a deleted listing).
    """

    sku: str
    external_id: str
    ok: bool
    quantity: int | None = None
    problem: str = ""
    retryable: bool = False


@dataclass(frozen=True, slots=True)
class ListingData:
    """One listing as the channel reports it (for a product with variants: one variant)."""

    external_id: str
    sku: str
    title: str
    quantity: int
    extra: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Capabilities


@runtime_checkable
class PullOrders(Protocol):
    def fetch_orders(self, since: datetime | None, page: str | None) -> OrderBatch:
        """One page of orders changed at or after ``since``, oldest change first."""
        ...


@runtime_checkable
class FetchOrder(Protocol):
    def fetch_order(self, external_id: str) -> PulledOrder | None:
        """One order by the channel's id (``None``: the channel has no such order)."""
        ...


@runtime_checkable
class PushShipment(Protocol):
    def push_shipment(self, shipment: ShipmentData, idempotency_key: str) -> PushResult:
        """Record a shipment on the channel; the same key never records it twice."""
        ...

    def find_shipment(self, order_external_id: str, idempotency_key: str) -> PushResult | None:
        """The shipment sent earlier with ``idempotency_key``, if the channel holds it."""
        ...


@runtime_checkable
class SetStock(Protocol):
    def set_stock(self, levels: Sequence[StockLevel]) -> Sequence[StockResult]:
        """Set the available quantity of each listing: one result per level, in order.

        At most ``spec.stock_batch_size`` levels are passed at once. A failure of the whole
        call (network, 429, credentials) raises a :class:`ConnectorError`; a refusal of one
        listing is a result with ``ok=False`` and never stops the others.
        """
        ...


@runtime_checkable
class PullListings(Protocol):
    def fetch_listings(self) -> Sequence[ListingData]:
        """Every listing of the channel account."""
        ...
