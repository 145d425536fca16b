"""ShipStation integration writes: create, change options, rotate, revoke, and sign-ins.

The password ShipStation signs in with is generated here, returned once and stored only as
a keyed hash (HMAC-SHA256 under ``settings.HASH_KEY``): it carries 192 random bits, so a
slow password hasher would only add its cost to every call ShipStation makes. After a
rotation the previous password keeps working for :data:`PASSWORD_OVERLAP`, so a live
connection keeps running until the new password is pasted into ShipStation.

Failed sign-ins follow :mod:`crossdock.core.lockout`, counted in the database (every web
process sees the same counts): a known username is locked after :data:`USERNAME_LIMIT`
failures from one address; an address is counted only for usernames that do not exist,
and its lock never refuses valid credentials of a username that is not locked.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crossdock.core.ids import storable_id
from crossdock.core.lockout import (
    Counter,
    LockoutPolicy,
    counter_for_failure,
    limit_of,
    refusal,
)
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
    KitLines,
    ShipStationIntegration,
    WeightUnitsChoice,
)
from crossdock.platform.throttle import (
    FAILURE_WINDOW,
    LOCKOUT,
    FailureLimit,
    clear,
    count_failure,
    failure_count,
    throttle_key,
)

#: Wrong passwords allowed for one existing username from one address.
USERNAME_LIMIT = 10
#: Unknown usernames allowed from one address (they never lock an existing username).
ADDRESS_LIMIT = 50
LOCKOUT_POLICY = LockoutPolicy(
    identity_limit=USERNAME_LIMIT,
    address_limit=ADDRESS_LIMIT,
    window=FAILURE_WINDOW,
    lockout=LOCKOUT,
)
#: How long the password before a rotation keeps working.
PASSWORD_OVERLAP = timedelta(hours=24)

DEFAULT_NAME = "ShipStation"

# Compared against when the username is unknown, so both paths cost one HMAC.
_NO_SUCH_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class IntegrationOptions:
    """What the merchant chooses; the defaults are what a new integration gets."""

    channel_ids: tuple[int, ...] = ()
    exclude_external_fulfillment: bool = True
    send_internal_notes: bool = True
    send_full_quantities: bool = False
    kit_lines: str = KitLines.PARENT.value
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
    send_full_quantities: bool | None = None
    kit_lines: str | None = None
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


def _check_kit_lines(value: str) -> str:
    if value not in KitLines.values:
        raise IntegrationValidationError(
            "options.kit_lines", f"{value!r} is not one of {', '.join(KitLines.values)}"
        )
    return value


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
    _check_kit_lines(options.kit_lines)
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
            send_full_quantities=options.send_full_quantities,
            kit_lines=options.kit_lines,
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
    """Change the name or options; the credentials stay as they are. A revoked integration
    is archived: read-only."""
    with transaction.atomic():
        integration = _locked(account, integration_id)
        if not integration.is_active:
            raise IntegrationValidationError("id", "the integration is revoked (read-only)")
        if changes.name is not None:
            integration.name = _check_name(changes.name)
        if changes.exclude_external_fulfillment is not None:
            integration.exclude_external_fulfillment = changes.exclude_external_fulfillment
        if changes.send_internal_notes is not None:
            integration.send_internal_notes = changes.send_internal_notes
        if changes.send_full_quantities is not None:
            integration.send_full_quantities = changes.send_full_quantities
        if changes.kit_lines is not None:
            integration.kit_lines = _check_kit_lines(changes.kit_lines)
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


def rotate_password(
    account: Account, integration_id: int, overlap: timedelta = PASSWORD_OVERLAP
) -> IssuedCredentials:
    """Issue a new password; the current one keeps working for ``overlap`` (zero ends it
    at once), any older one stops now. Revoked stays revoked."""
    password = generate_secret(24)
    with transaction.atomic():
        integration = _locked(account, integration_id)
        if not integration.is_active:
            raise IntegrationValidationError("id", "the integration is revoked")
        now = timezone.now()
        keeps_working = overlap > timedelta(0)
        integration.previous_password_hash = integration.password_hash if keeps_working else ""
        integration.previous_password_expires_at = now + overlap if keeps_working else None
        integration.password_hash = keyed_hash(settings.HASH_KEY, password)
        integration.password_changed_at = now
        integration.save(
            update_fields=[
                "password_hash",
                "password_changed_at",
                "previous_password_hash",
                "previous_password_expires_at",
            ]
        )
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


def _password_matches(integration: ShipStationIntegration | None, password: str) -> bool:
    """The current password, or the previous one within its overlap; both always checked."""
    current = integration.password_hash if integration is not None else _NO_SUCH_HASH
    previous = _NO_SUCH_HASH
    if (
        integration is not None
        and integration.previous_password_hash
        and integration.previous_password_expires_at is not None
        and integration.previous_password_expires_at > timezone.now()
    ):
        previous = integration.previous_password_hash
    matches_current = secret_matches(settings.HASH_KEY, password, current)
    matches_previous = secret_matches(settings.HASH_KEY, password, previous)
    return integration is not None and (matches_current or matches_previous)


#: The integration's columns, read with one plain statement (``raw``) on every call
#: ShipStation makes: Django's ``filter`` built it again each time (about 1,800 Python
#: calls of the ~12,400 a notice took). Every column, as the export reads the options.
_SIGN_IN_SQL = (
    "SELECT "  # noqa: S608 - names from the model
    + ", ".join(str(field.column) for field in ShipStationIntegration._meta.concrete_fields)
    + f" FROM {ShipStationIntegration._meta.db_table} WHERE username = %s AND revoked_at IS NULL"
)


def authenticate(username: str, password: str, address: str) -> ShipStationIntegration:
    """The active integration these credentials open, or raise.

    Raises :class:`ClientLocked` without looking at the password while the username (as
    used from this address) is locked, or, for a username that does not exist, while the
    address is; and :class:`AuthenticationFailed` (counting the failure) when the
    username is unknown, the password wrong or the integration revoked. The password is
    checked in constant time and never leaves this function.

    Only the count that decides is read (the username's from this address when it exists,
    else the address's), and a success writes nothing unless that count had failures to
    clear or ``last_request_at`` is over a minute old.
    """
    now = timezone.now()
    # A NUL (``%00``) cannot be in a generated username, and PostgreSQL refuses it in a query.
    integration = (
        next(iter(ShipStationIntegration.objects.raw(_SIGN_IN_SQL, [username])), None)
        if "\x00" not in username
        else None
    )
    exists = integration is not None
    counter = counter_for_failure(identity_exists=exists)
    key = (
        throttle_key("shipstation-pair", address, username)
        if counter == Counter.IDENTITY
        else throttle_key("shipstation-address", address)
    )
    count = failure_count(key)
    wait = refusal(
        identity_exists=exists,
        identity=count if exists else None,
        address=None if exists else count,
        now=now,
    )
    if wait is not None:
        raise ClientLocked(max(1, math.ceil(wait.total_seconds())))
    # Checked for unknown usernames too, so both paths cost the same two HMACs.
    matches = _password_matches(integration, password)
    if integration is None or not matches:
        count_failure((FailureLimit(key, limit_of(LOCKOUT_POLICY, counter)),), now)
        raise AuthenticationFailed("unknown username or wrong password")
    if count is not None:
        clear(key)
    if integration.last_request_at is None or now - integration.last_request_at > timedelta(
        minutes=1
    ):
        ShipStationIntegration.objects.filter(pk=integration.pk).update(last_request_at=now)
        integration.last_request_at = now
    return integration
