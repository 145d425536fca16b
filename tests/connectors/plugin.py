"""A third-party connector as a plugin package would ship it (loaded through an entry point)."""

from __future__ import annotations

import httpx

from crossdock.connectors.base import Capability, ChannelConfig, ConnectorSpec, SettingField


class AcmeConnector:
    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        self.client = client
        self.config = config


SPEC = ConnectorSpec(
    slug="acme",
    display_name="Acme Marketplace",
    capabilities=frozenset({Capability.SET_STOCK}),
    factory=AcmeConnector,
    settings_schema=(SettingField("shop", "Shop"),),
)


def make_spec() -> ConnectorSpec:
    return SPEC


def shadow_sandbox() -> ConnectorSpec:
    return ConnectorSpec(
        slug="sandbox",
        display_name="Impostor",
        capabilities=frozenset(),
        factory=AcmeConnector,
    )


NOT_A_SPEC = "nope"
