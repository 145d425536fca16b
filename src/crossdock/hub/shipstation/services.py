"""ShipStation integration writes: create, change options, rotate, revoke, and sign-ins.

The password ShipStation signs in with is generated here, returned once and stored only as
a keyed hash (HMAC-SHA256 under ``settings.HASH_KEY``): it carries 192 random bits, so a
slow password hasher would only add its cost to every call ShipStation makes. Failed
sign-ins are counted per client in the database (every web process sees the same counts)
and a client that keeps failing is locked out for a while.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crossdock.core.ids import storable_id
from crossdock.core.secrets import generate_secret, keyed_hash, secret_matches
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.shipstation.errors import (
    AuthenticationFailed,
    ClientLocked,
    IntegrationNotFound,
    IntegrationValidationError,
)
from crossdock.hub.shipstation.models import (
    MAX_PAGE_SIZE,
    CustomFieldSource,
    ShipStationIntegration,
    WeightUnitsChoice,
)
from crossdock.platform.throttle import (
    FailureLimit,
    clear,
    count_failure,
    seconds_locked,
    throttle_key,
)

#: Failures allowed (within ``platform.throttle.FAILURE_WINDOW``) for one username from one
#: address, and for one address overall.
PAIR_LIMIT = 10
ADDRESS_LIMIT = 50

DEFAULT_NAME = "ShipStation"

# Compared against when the username is unknown, so both paths cost one HMAC.
_NO_SUCH_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class IntegrationOptions:
    """What the merchant chooses; the defaults are what a new integration gets."""

    channel_ids: tuple[int, ...] = ()
    exclude_external_fulfillment: bool = True
    send_internal_notes: bool = True
    page_size: int = 100
    weight_units: str = WeightUnitsChoice.AS_RECORDED.value
    custom_fields: tuple[str, str, str] = (
        CustomFieldSource.NOTHING.value,
        CustomFieldSource.NOTHING.value,
        CustomFieldSource.NOTHING.value,
    )
    write_back: bool = True


@dataclass(frozen=True, slots=True)
class OptionChanges:
    """Changes to an integration; ``None`` leaves a value as it is."""

    name: str | None = None
    channel_ids: tuple[int, ...] | None = None
    exclude_external_fulfillment: bool | None = None
    send_internal_notes: bool | None = None
    page_size: int | None = None
    weight_units: str | None = None
    #: Per field: ``None`` keeps that field's source as it is.
    custom_fields: tuple[str | None, str | None, str | None] | None = None
    write_back: bool | None = None


@dataclass(frozen=True, slots=True)
class IssuedCredentials:
    """An integration with its password in clear: shown once, never stored."""

    integration: ShipStationIntegration
    password: str


def _new_username() -> str:
    return f"crossdock-{secrets.token_hex(8)}"


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise IntegrationValidationError("name", "must not be empty")
    if len(name) > 100:
        raise IntegrationValidationError("name", "must be at most 100 characters")
    return name


def _check_page_size(page_size: int) -> int:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise IntegrationValidationError(
            "options.page_size", f"must be between 1 and {MAX_PAGE_SIZE}"
        )
    return page_size


def _check_weight_units(value: str) -> str:
    if value not in WeightUnitsChoice.values:
        raise IntegrationValidationError(
            "options.weight_units", f"{value!r} is not one of {', '.join(WeightUnitsChoice.values)}"
        )
    return value


def _check_custom_fields(values: tuple[str, str, str]) -> tuple[str, str, str]:
    for number, value in enumerate(values, start=1):
        if value not in CustomFieldSource.values:
            raise IntegrationValidationError(
                f"options.custom_field{number}",
                f"{value!r} is not one of {', '.join(CustomFieldSource.values)}",
            )
    return values


def _custom_fields_of(integration: ShipStationIntegration) -> tuple[str, str, str]:
    return (integration.custom_field1, integration.custom_field2, integration.custom_field3)


def _channels(account: Account, channel_ids: tuple[int, ...]) -> list[Channel]:
    wanted = set(channel_ids)
    storable = [pk for pk in wanted if storable_id(pk)]
    found = list(Channel.objects.filter(account=account, pk__in=storable))
    missing = wanted - {channel.pk for channel in found}
    if missing:
        raise IntegrationValidationError(
            "options.channels", f"no channel {', '.join(map(str, sorted(missing)))} in this account"
        )
    return found


def _locked(account: Account, integration_id: int) -> ShipStationIntegration:
    integration = (
        ShipStationIntegration.objects.select_for_update()
        .filter(account=account, pk=integration_id)
        .first()
    )
    if integration is None:
        raise IntegrationNotFound(f"no ShipStation integration {integration_id}")
    return integration


def create_integration(
    account: Account, name: str = DEFAULT_NAME, options: IntegrationOptions | None = None
) -> IssuedCredentials:
    """Create an integration with a generated username and password (returned once)."""
    options = options or IntegrationOptions()
    name = _check_name(name)
    _check_page_size(options.page_size)
    _check_weight_units(options.weight_units)
    _check_custom_fields(options.custom_fields)
    password = generate_secret(24)
    with transaction.atomic():
        channels = _channels(account, options.channel_ids)
        integration = ShipStationIntegration.objects.create(
            account=account,
            name=name,
            username=_new_username(),
            password_hash=keyed_hash(settings.HASH_KEY, password),
            exclude_external_fulfillment=options.exclude_external_fulfillment,
            send_internal_notes=options.send_internal_notes,
            page_size=options.page_size,
            weight_units=options.weight_units,
            custom_field1=options.custom_fields[0],
            custom_field2=options.custom_fields[1],
            custom_field3=options.custom_fields[2],
            write_back=options.write_back,
            password_changed_at=timezone.now(),
        )
        integration.channels.set(channels)
    return IssuedCredentials(integration=integration, password=password)


def update_integration(
    account: Account, integration_id: int, changes: OptionChanges
) -> ShipStationIntegration:
    """Change the name or options; the credentials stay as they are."""
    with transaction.atomic():
        integration = _locked(account, integration_id)
        if changes.name is not None:
            integration.name = _check_name(changes.name)
        if changes.exclude_external_fulfillment is not None:
            integration.exclude_external_fulfillment = changes.exclude_external_fulfillment
        if changes.send_internal_notes is not None:
            integration.send_internal_notes = changes.send_internal_notes
        if changes.page_size is not None:
            integration.page_size = _check_page_size(changes.page_size)
        if changes.weight_units is not None:
            integration.weight_units = _check_weight_units(changes.weight_units)
        if changes.custom_fields is not None:
            wanted, kept = changes.custom_fields, _custom_fields_of(integration)
            fields = _check_custom_fields(
                (wanted[0] or kept[0], wanted[1] or kept[1], wanted[2] or kept[2])
            )
            integration.custom_field1, integration.custom_field2, integration.custom_field3 = fields
        if changes.write_back is not None:
            integration.write_back = changes.write_back
        integration.save()
        if changes.channel_ids is not None:
            integration.channels.set(_channels(account, changes.channel_ids))
        return integration


def rotate_password(account: Account, integration_id: int) -> IssuedCredentials:
    """Issue a new password; the old one stops working at once. Revoked stays revoked."""
    password = generate_secret(24)
    with transaction.atomic():
        integration = _locked(account, integration_id)
        if not integration.is_active:
            raise IntegrationValidationError("id", "the integration is revoked")
        integration.password_hash = keyed_hash(settings.HASH_KEY, password)
        integration.password_changed_at = timezone.now()
        integration.save(update_fields=["password_hash", "password_changed_at"])
    return IssuedCredentials(integration=integration, password=password)


def revoke_integration(account: Account, integration_id: int) -> ShipStationIntegration:
    """Stop the integration: its credentials never work again. Revoking twice is a no-op."""
    with transaction.atomic():
        integration = _locked(account, integration_id)
        if integration.revoked_at is None:
            integration.revoked_at = timezone.now()
            integration.save(update_fields=["revoked_at"])
        return integration


# --- sign-in ---------------------------------------------------------------------------


def _throttle_limits(address: str, username: str) -> tuple[FailureLimit, FailureLimit]:
    """The address alone and the address with this username, each with its limit."""
    return (
        FailureLimit(throttle_key("shipstation-address", address), ADDRESS_LIMIT),
        FailureLimit(throttle_key("shipstation-pair", address, username), PAIR_LIMIT),
    )


def authenticate(username: str, password: str, address: str) -> ShipStationIntegration:
    """The active integration these credentials open, or raise.

    Raises :class:`ClientLocked` without looking at the credentials while the client is
    locked out, and :class:`AuthenticationFailed` (counting the failure) when the
    username is unknown, the password wrong or the integration revoked. The password is
    checked in constant time and never leaves this function.
    """
    now = timezone.now()
    limits = _throttle_limits(address, username)
    retry_after = seconds_locked(tuple(limit.key for limit in limits), now)
    if retry_after:
        raise ClientLocked(retry_after)
    # A NUL (``%00``) cannot be in a generated username, and PostgreSQL refuses it in a query.
    integration = (
        ShipStationIntegration.objects.select_related("account")
        .filter(username=username, revoked_at__isnull=True)
        .first()
        if "\x00" not in username
        else None
    )
    stored = integration.password_hash if integration is not None else _NO_SUCH_HASH
    if not secret_matches(settings.HASH_KEY, password, stored) or integration is None:
        count_failure(limits, now)
        raise AuthenticationFailed("unknown username or wrong password")
    clear(limits[1].key)
    if integration.last_request_at is None or now - integration.last_request_at > timedelta(
        minutes=1
    ):
        ShipStationIntegration.objects.filter(pk=integration.pk).update(last_request_at=now)
        integration.last_request_at = now
    return integration
