"""Channel writes: connect (checked), add, change, delete, and "sync now".

Settings are checked against the connector's schema; secret fields are encrypted into
``secrets_ciphertext`` and never stored in ``settings``. "Sync now" enqueues the pull inside
the transaction that asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.db import IntegrityError, transaction
from django.utils import timezone

from crossdock.connectors.base import (
    Capability,
    ConnectorError,
    ConnectorSpec,
    FieldKind,
    ProblemKind,
)
from crossdock.connectors.registry import UnknownConnector, registry
from crossdock.core.display import plural
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.connections import (
    check_values,
    connected,
    location_field,
    location_problems,
)
from crossdock.hub.channels.crypto import decrypt_secrets, encrypt_secrets
from crossdock.hub.channels.errors import (
    ChannelCheckFailed,
    ChannelConflict,
    ChannelNotFound,
    ChannelValidationError,
)
from crossdock.hub.channels.models import MANUAL_KIND, Channel
from crossdock.platform.secrets import SecretUnreadable

MIN_SYNC_INTERVAL = 60
MAX_SYNC_INTERVAL = 7 * 24 * 3600


def ensure_manual_channel(account: Account) -> Channel:
    """The account's built-in ``manual`` channel, created on first use."""
    channel, _ = Channel.objects.get_or_create(
        account=account, name="Manual", defaults={"kind": MANUAL_KIND}
    )
    return channel


def _spec(kind: str) -> ConnectorSpec:
    try:
        return registry().get(kind)
    except UnknownConnector as error:
        raise ChannelValidationError("kind", f"no connector named {kind!r}") from error


def _checked_value(spec: ConnectorSpec, name: str, raw: str) -> str:
    field = spec.field(name)
    if field is None:
        raise ChannelValidationError(f"settings.{name}", f"{spec.slug} has no setting {name!r}")
    value = raw.strip()
    if not value:
        return ""
    if field.kind == FieldKind.URL:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ChannelValidationError(f"settings.{name}", "must be an http(s) URL")
    elif field.kind == FieldKind.INTEGER and not value.lstrip("-").isdigit():
        raise ChannelValidationError(f"settings.{name}", "must be an integer")
    elif field.kind == FieldKind.BOOLEAN and value.lower() not in ("true", "false"):
        raise ChannelValidationError(f"settings.{name}", "must be true or false")
    return value


def _merged_settings(
    spec: ConnectorSpec,
    values: Mapping[str, str],
    settings: Mapping[str, str],
    secrets: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """The new ``(settings, secrets)``: given values replace, empty ones clear."""
    new_settings = dict(settings)
    new_secrets = dict(secrets)
    for name, raw in values.items():
        value = _checked_value(spec, name, raw)
        field = spec.field(name)
        target = new_secrets if field is not None and field.secret else new_settings
        if value:
            target[name] = value
        else:
            target.pop(name, None)
    for field in spec.settings_schema:
        held = new_secrets if field.secret else new_settings
        if field.required and not held.get(field.name):
            if field.default:
                held[field.name] = field.default
            else:
                raise ChannelValidationError(f"settings.{field.name}", "is required")
    return new_settings, new_secrets


def _check_interval(sync_interval: int) -> int:
    if not MIN_SYNC_INTERVAL <= sync_interval <= MAX_SYNC_INTERVAL:
        raise ChannelValidationError(
            "sync_interval", f"must be between {MIN_SYNC_INTERVAL} and {MAX_SYNC_INTERVAL} seconds"
        )
    return sync_interval


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ChannelValidationError("name", "must not be empty")
    if len(name) > 100:
        raise ChannelValidationError("name", "must be at most 100 characters")
    return name


def add_channel(
    account: Account,
    kind: str,
    name: str,
    values: Mapping[str, str],
    *,
    sync_interval: int | None = None,
    is_active: bool = True,
) -> Channel:
    """Connect a channel of ``kind``; a channel that pulls orders syncs at the next tick."""
    spec = _spec(kind)
    if kind == MANUAL_KIND:
        raise ChannelValidationError("kind", "the manual channel is built in")
    settings, secrets = _merged_settings(spec, values, {}, {})
    channel = Channel(
        account=account,
        kind=kind,
        name=_check_name(name),
        settings=settings,
        secrets_ciphertext=encrypt_secrets(secrets),
        is_active=is_active,
        next_sync_at=timezone.now() if spec.can(Capability.PULL_ORDERS) and is_active else None,
    )
    if sync_interval is not None:
        channel.sync_interval = _check_interval(sync_interval)
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError as error:
        raise ChannelConflict(f"a channel named {channel.name!r} already exists") from error
    return channel


@dataclass(frozen=True, slots=True)
class Connected:
    """A channel just connected; ``warnings`` say why its connection could not be tested."""

    channel: Channel
    warnings: tuple[str, ...] = ()


def connect_channel(
    account: Account,
    kind: str,
    name: str,
    values: Mapping[str, str],
    *,
    sync_interval: int | None = None,
    is_active: bool = True,
    client: httpx.Client | None = None,
) -> Connected:
    """Connect a channel once its connection check passes: what every entry point runs.

    The settings are checked against the schema first (no call is made with a missing or
    malformed one), then the connector's check makes one real call with them. Problems the
    merchant can fix (bad address, token, scope, location, closed store) refuse the channel
    with :class:`ChannelCheckFailed`; a channel that cannot be reached right now is saved
    all the same, with a warning, and its first sync tells.
    """
    spec = _spec(kind)
    if kind == MANUAL_KIND:
        raise ChannelValidationError("kind", "the manual channel is built in")
    _check_name(name)
    if sync_interval is not None:
        _check_interval(sync_interval)
    settings, secrets = _merged_settings(spec, values, {}, {})
    problems = check_values(spec, {**settings, **secrets}, client)
    refused = [problem for problem in problems if problem.kind != ProblemKind.UNREACHABLE]
    if refused:
        raise ChannelCheckFailed(refused)
    channel = add_channel(
        account, kind, name, values, sync_interval=sync_interval, is_active=is_active
    )
    return Connected(
        channel,
        tuple(
            f"Could not reach the channel to test it: {problem.message}"
            for problem in problems
            if problem.kind == ProblemKind.UNREACHABLE
        ),
    )


def _stored_secrets(channel: Channel) -> dict[str, str]:
    """The channel's secrets; none when they cannot be decrypted, so they can be re-entered."""
    try:
        return decrypt_secrets(channel.secrets_ciphertext)
    except SecretUnreadable:
        return {}


def _locked(account: Account, channel_id: int) -> Channel:
    channel = Channel.objects.select_for_update().filter(account=account, pk=channel_id).first()
    if channel is None:
        raise ChannelNotFound(f"no channel {channel_id}")
    return channel


def check_location_change(
    account: Account,
    channel_id: int,
    values: Mapping[str, str],
    client: httpx.Client | None = None,
) -> None:
    """A location setting about to be changed must be one the channel lists (one real call
    with the stored credentials); a channel that cannot answer now is not held against it.
    Raises :class:`ChannelCheckFailed` naming the setting."""
    channel = Channel.objects.filter(account=account, pk=channel_id).first()
    if channel is None:
        raise ChannelNotFound(f"no channel {channel_id}")
    spec = _spec(channel.kind)
    name = location_field(spec)
    if not name or not values.get(name, "").strip():
        return
    try:
        with connected(channel, client) as connector:
            problems = location_problems(spec, values[name], connector)
    except (ConnectorError, SecretUnreadable):
        return
    if problems:
        raise ChannelCheckFailed(problems)


def update_channel(
    account: Account,
    channel_id: int,
    *,
    name: str | None = None,
    values: Mapping[str, str] | None = None,
    sync_interval: int | None = None,
    is_active: bool | None = None,
) -> Channel:
    """Change a channel; settings not named stay, a secret sent empty is removed."""
    try:
        with transaction.atomic():
            channel = _locked(account, channel_id)
            spec = _spec(channel.kind)
            if name is not None:
                channel.name = _check_name(name)
            if values is not None:
                settings, secrets = _merged_settings(
                    spec, values, channel.settings, _stored_secrets(channel)
                )
                channel.settings = settings
                channel.secrets_ciphertext = encrypt_secrets(secrets)
            if sync_interval is not None:
                channel.sync_interval = _check_interval(sync_interval)
            if is_active is not None:
                channel.is_active = is_active
                pulls = spec.can(Capability.PULL_ORDERS)
                channel.next_sync_at = timezone.now() if is_active and pulls else None
            channel.save()
            return channel
    except IntegrityError as error:
        raise ChannelConflict(f"a channel named {name!r} already exists") from error


def delete_channel(account: Account, channel_id: int) -> None:
    """Delete a channel that holds no orders (one with orders can be deactivated)."""
    with transaction.atomic():
        channel = _locked(account, channel_id)
        if channel.kind == MANUAL_KIND:
            raise ChannelConflict("the manual channel is built in and cannot be deleted")
        held = channel.orders.count()
        if held:
            raise ChannelConflict(
                f"{channel.name} holds {plural(held, 'order')}; "
                "deactivate it instead of deleting it"
            )
        channel.delete()


def lock_pullable(account: Account, channel_id: int) -> Channel:
    """The channel, locked for the caller's transaction, if "sync now" may pull it."""
    channel = _locked(account, channel_id)
    if not _spec(channel.kind).can(Capability.PULL_ORDERS):
        raise ChannelConflict(f"{channel.kind} channels do not pull orders")
    if not channel.is_active:
        raise ChannelConflict(f"{channel.name} is not active")
    return channel
