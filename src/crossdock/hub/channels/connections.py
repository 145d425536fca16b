"""From a stored channel to a live connector: spec lookup, decrypted config, HTTP client.

The hub is the only place that builds ``httpx.Client`` objects for connectors (with the
explicit timeouts of :mod:`crossdock.connectors.http`); tests pass their own client.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from crossdock.connectors.base import ChannelConfig, ConnectorSpec
from crossdock.connectors.http import build_client
from crossdock.connectors.registry import UnknownConnector, registry
from crossdock.hub.channels.crypto import decrypt_secrets
from crossdock.hub.channels.models import Channel
from crossdock.platform.secrets import SecretUnreadable


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
    http = build_client() if client is None else client
    try:
        yield spec.build(http, config_of(channel))
    finally:
        if owned:
            http.close()
