"""From a stored channel to a live connector: spec lookup, decrypted config, HTTP client.

The hub is the only place that builds ``httpx.Client`` objects for connectors (with the
explicit timeouts of :mod:`crossdock.connectors.http`); tests pass their own client.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx
from django.conf import settings

from crossdock.connectors.base import (
    ChannelConfig,
    CheckConnection,
    ConnectionProblem,
    ConnectorError,
    ConnectorSpec,
    FieldKind,
    ListLocations,
    Location,
    ProblemKind,
)
from crossdock.connectors.http import DEFAULT_TIMEOUTS, Timeouts, build_client
from crossdock.connectors.registry import UnknownConnector, registry
from crossdock.hub.channels.crypto import decrypt_secrets
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.ratelimit import Limiter
from crossdock.platform.secrets import SecretUnreadable


def channel_timeouts() -> Timeouts:
    """The timeouts of every call to a channel: ``CHANNEL_TIMEOUT`` to send and to answer."""
    seconds = float(settings.CHANNEL_TIMEOUT)
    return Timeouts(
        connect=min(DEFAULT_TIMEOUTS.connect, seconds),
        read=seconds,
        write=seconds,
        pool=min(DEFAULT_TIMEOUTS.pool, seconds),
    )


def channel_client() -> httpx.Client:
    """A client for calls to a channel (:func:`build_client`), with :func:`channel_timeouts`."""
    client = build_client()
    client.timeout = channel_timeouts().to_httpx()
    return client


def spec_of(channel: Channel) -> ConnectorSpec | None:
    """The connector of a channel's kind, or ``None`` when no such connector is installed."""
    try:
        return registry().get(channel.kind)
    except UnknownConnector:
        return None


def config_of(channel: Channel) -> ChannelConfig:
    """The channel's settings and decrypted secrets, for its connector only."""
    settings = {str(key): str(value) for key, value in (channel.settings or {}).items()}
    return ChannelConfig(settings=settings, secrets=decrypt_secrets(channel.secrets_ciphertext))


def secret_names(channel: Channel) -> list[str]:
    """The names of the secrets a channel holds (never their values), for API and CLI.

    Secrets that cannot be decrypted (the encryption key changed) count as not set: the
    channel shows none, so the merchant enters them again.
    """
    try:
        return sorted(decrypt_secrets(channel.secrets_ciphertext))
    except SecretUnreadable:
        return []


@contextmanager
def connected(channel: Channel, client: httpx.Client | None = None) -> Iterator[object]:
    """A connector for ``channel``; a client built here is closed on exit, a given one is not."""
    spec = spec_of(channel)
    if spec is None:
        raise UnknownConnector(f"no connector named {channel.kind!r} is installed")
    owned = client is None
    http = channel_client() if client is None else client
    # Every request through this client takes its turn in the channel's shared budget.
    limiter = Limiter(channel.pk, spec.rate_limit) if spec.rate_limit else None
    if limiter is not None:
        limiter.attach(http)
    try:
        yield spec.build(http, config_of(channel))
    finally:
        if limiter is not None:
            limiter.detach(http)
        if owned:
            http.close()


def check_values(
    spec: ConnectorSpec, values: Mapping[str, str], client: httpx.Client | None = None
) -> list[ConnectionProblem]:
    """ "Test connection": one real call with the settings a merchant entered, every problem
    named (bad domain, bad token, missing scope, store closed, a location the channel does
    not list); ``[]`` when it works or the connector cannot check. Nothing is stored."""
    secret_names = {field.name for field in spec.settings_schema if field.secret}
    config = ChannelConfig(
        settings={k: v for k, v in values.items() if k not in secret_names},
        secrets={k: v for k, v in values.items() if k in secret_names and v},
    )
    http = channel_client() if client is None else client
    try:
        connector = spec.build(http, config)
        if not isinstance(connector, CheckConnection):
            return []
        problems = list(connector.check_connection())
        chosen = config.value(location_field(spec)) if location_field(spec) else ""
        return problems or location_problems(spec, chosen, connector)
    except ConnectorError as error:
        return [ConnectionProblem(ProblemKind.UNREACHABLE, str(error))]
    finally:
        if client is None:
            http.close()


def location_field(spec: ConnectorSpec) -> str:
    """The name of the spec's location setting, or ``""``."""
    return next((f.name for f in spec.settings_schema if f.kind == FieldKind.LOCATION), "")


def location_problems(
    spec: ConnectorSpec, chosen: str, connector: object
) -> list[ConnectionProblem]:
    """A chosen location the channel's ``list_locations()`` does not hold, named on its
    setting with the ones it does (whatever the connector's own check looked at)."""
    name = location_field(spec)
    chosen = chosen.strip()
    if not name or not chosen or not isinstance(connector, ListLocations):
        return []
    locations = list(connector.list_locations())
    if any(location.external_id == chosen for location in locations):
        return []
    offered = ", ".join(f"{location.external_id} ({location.name})" for location in locations)
    return [
        ConnectionProblem(
            ProblemKind.BAD_DOMAIN,
            f"{chosen[:100]!r} is not one of the channel's locations"
            + (f"; choose one of {offered}" if offered else ""),
            name,
        )
    ]


def locations_of(channel: Channel, client: httpx.Client | None = None) -> list[Location]:
    """The channel's locations for its location select; ``[]`` when they cannot be read."""
    try:
        with connected(channel, client) as connector:
            if not isinstance(connector, ListLocations):
                return []
            return list(connector.list_locations())
    except (ConnectorError, UnknownConnector, SecretUnreadable):
        return []
