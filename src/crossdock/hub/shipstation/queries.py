"""ShipStation integration reads, always scoped by account, and what the merchant pastes.

:func:`describe` gathers what the API, the CLI and the UI show for an integration: the
endpoint URL, the username, the options, and the five status-mapping strings for
ShipStation's store settings (the standard status strings plus the account's custom
statuses under each; ``partially_shipped`` still awaits shipment, so it is a Paid string).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from crossdock.core.statuses import MAPPABLE_STATUSES, OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import CustomStatus
from crossdock.hub.shipstation.errors import IntegrationNotFound
from crossdock.hub.shipstation.models import ExportSkip, ShipStationIntegration

#: Host name suffixes that never resolve on the internet (RFC 6761, 6762, 8375 and habit).
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test", ".invalid")


@dataclass(frozen=True, slots=True)
class StatusMapping:
    """The comma-separated strings for ShipStation's five status fields."""

    unpaid: str
    paid: str
    shipped: str
    cancelled: str
    on_hold: str


@dataclass(frozen=True, slots=True)
class OptionsView:
    channels: list[int]
    exclude_external_fulfillment: bool
    send_internal_notes: bool
    send_full_quantities: bool
    kit_lines: str
    page_size: int
    weight_units: str
    custom_field1: str
    custom_field2: str
    custom_field3: str
    write_back: bool


@dataclass(frozen=True, slots=True)
class IntegrationView:
    """Everything shown about an integration; never the password (only its hash exists)."""

    id: int
    name: str
    endpoint_url: str
    #: Why real ShipStation could not reach ``endpoint_url`` (``""`` when it can).
    endpoint_warning: str
    username: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    #: Until when the password before the last rotation still works (``None``: it does not).
    previous_password_valid_until: datetime | None
    revoked_at: datetime | None
    last_request_at: datetime | None
    status_mapping: StatusMapping
    options: OptionsView


def integrations(account: Account) -> QuerySet[ShipStationIntegration]:
    return ShipStationIntegration.objects.filter(account=account).prefetch_related("channels")


def active_integrations(account: Account) -> QuerySet[ShipStationIntegration]:
    return integrations(account).filter(revoked_at__isnull=True)


def archived_integrations(account: Account) -> QuerySet[ShipStationIntegration]:
    """Revoked integrations, most recently revoked first (kept read-only for the record)."""
    return integrations(account).filter(revoked_at__isnull=False).order_by("-revoked_at", "-id")


def previous_password_valid_until(integration: ShipStationIntegration) -> datetime | None:
    """When the password before the last rotation stops working, if it still works."""
    until = integration.previous_password_expires_at
    if not integration.is_active or not integration.previous_password_hash or until is None:
        return None
    return until if until > timezone.now() else None


def get_integration(account: Account, integration_id: int) -> ShipStationIntegration:
    found = integrations(account).filter(pk=integration_id).first()
    if found is None:
        raise IntegrationNotFound(f"no ShipStation integration {integration_id}")
    return found


def skipped_orders(account: Account, integration_id: int) -> QuerySet[ExportSkip]:
    """Orders left out of this integration's exports, newest first, with the reason."""
    integration = get_integration(account, integration_id)
    return (
        ExportSkip.objects.filter(integration=integration)
        .select_related("order")
        .order_by("-skipped_at", "-id")
    )


def status_mapping(account: Account) -> StatusMapping:
    """The strings to paste into ShipStation's Unpaid, Paid, Shipped, Cancelled, On-Hold."""
    strings: dict[str, list[str]] = {status.value: [status.value] for status in MAPPABLE_STATUSES}
    strings[OrderStatus.PAID.value].append(OrderStatus.PARTIALLY_SHIPPED.value)
    for custom in CustomStatus.objects.filter(account=account).order_by("name", "id"):
        strings[custom.status].append(custom.name)
    return StatusMapping(
        unpaid=",".join(strings[OrderStatus.UNPAID.value]),
        paid=",".join(strings[OrderStatus.PAID.value]),
        shipped=",".join(strings[OrderStatus.SHIPPED.value]),
        cancelled=",".join(strings[OrderStatus.CANCELLED.value]),
        on_hold=",".join(strings[OrderStatus.ON_HOLD.value]),
    )


def endpoint_url(base_url: str) -> str:
    """The URL to paste into ShipStation, under ``base_url`` (scheme, host, port)."""
    return base_url.rstrip("/") + reverse("shipstation-custom-store")


def _is_local_host(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # A name with no dot (localhost, a container name) or a reserved local suffix.
        return "." not in host or host.endswith(LOCAL_SUFFIXES)
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
    )


def unreachable_reason(url: str) -> str:
    """Why ShipStation, calling from the internet, could not use ``url``; ``""`` if it can.

    ShipStation needs a public host name or address, over HTTPS. A local or private host
    is reachable only from this machine or network (the Crossdock desk, not ShipStation).
    """
    parts = urlsplit(url)
    reasons = []
    if _is_local_host(parts.hostname or ""):
        reasons.append(f"{parts.hostname or 'its host'} is a local or private address")
    if parts.scheme != "https":
        reasons.append("it is plain http, not https")
    if not reasons:
        return ""
    return (
        "Real ShipStation cannot reach this URL: "
        + " and ".join(reasons)
        + ". Set CROSSDOCK_PUBLIC_URL to this hub's public https address (docs/shipstation.md)."
        " The Crossdock shipping desk on this machine can still use it."
    )


def describe(
    integration: ShipStationIntegration, base_url: str, mapping: StatusMapping | None = None
) -> IntegrationView:
    """The view of one integration (pass ``mapping`` when describing several)."""
    return IntegrationView(
        id=integration.pk,
        name=integration.name,
        endpoint_url=endpoint_url(base_url),
        endpoint_warning=unreachable_reason(endpoint_url(base_url)),
        username=integration.username,
        active=integration.is_active,
        created_at=integration.created_at,
        password_changed_at=integration.password_changed_at,
        previous_password_valid_until=previous_password_valid_until(integration),
        revoked_at=integration.revoked_at,
        last_request_at=integration.last_request_at,
        status_mapping=mapping or status_mapping(integration.account),
        options=OptionsView(
            channels=sorted(channel.pk for channel in integration.channels.all()),
            exclude_external_fulfillment=integration.exclude_external_fulfillment,
            send_internal_notes=integration.send_internal_notes,
            send_full_quantities=integration.send_full_quantities,
            kit_lines=integration.kit_lines,
            page_size=integration.page_size,
            weight_units=integration.weight_units,
            custom_field1=integration.custom_field1,
            custom_field2=integration.custom_field2,
            custom_field3=integration.custom_field3,
            write_back=integration.write_back,
        ),
    )
