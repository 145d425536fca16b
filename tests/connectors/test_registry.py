"""The connector registry: built-ins, and third-party connectors from the entry point group."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import httpx
import pytest

from crossdock.connectors.base import (
    ChannelConfig,
    PullListings,
    PullOrders,
    PushShipment,
    SetStock,
)
from crossdock.connectors.registry import (
    ENTRY_POINT_GROUP,
    UnknownConnector,
    build_registry,
    registry,
)


def _entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_the_built_ins_are_registered_with_the_capabilities_they_implement() -> None:
    found = build_registry([])
    sandbox = found.get("sandbox").build(httpx.Client(), ChannelConfig({}, {}))
    manual = found.get("manual").build(httpx.Client(), ChannelConfig({}, {}))

    assert [spec.slug for spec in found.all()] == [
        "bigcommerce",
        "manual",
        "sandbox",
        "shopify",
        "woocommerce",
    ]
    assert all(isinstance(sandbox, p) for p in (PullOrders, PushShipment, SetStock, PullListings))
    assert isinstance(manual, PushShipment)
    assert not isinstance(manual, PullOrders)
    assert "sandbox" in registry()


def test_a_plugin_is_found_through_its_entry_point() -> None:
    found = build_registry(
        [
            _entry("acme", "tests.connectors.plugin:SPEC"),
            _entry("acme2", "tests.connectors.plugin:make_spec"),
        ]
    )

    assert [spec.slug for spec in found.all()] == [
        "acme",
        "bigcommerce",
        "manual",
        "sandbox",
        "shopify",
        "woocommerce",
    ]
    assert found.get("acme").display_name == "Acme Marketplace"


def test_broken_or_impostor_plugins_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    found = build_registry(
        [
            _entry("missing", "tests.connectors.no_such_module:SPEC"),
            _entry("wrong", "tests.connectors.plugin:NOT_A_SPEC"),
            _entry("impostor", "tests.connectors.plugin:shadow_sandbox"),
        ]
    )

    assert [spec.slug for spec in found.all()] == [
        "bigcommerce",
        "manual",
        "sandbox",
        "shopify",
        "woocommerce",
    ]
    assert found.get("sandbox").display_name == "Sandbox marketplace"
    assert "'missing' failed to load" in caplog.text
    assert "'wrong' is not a ConnectorSpec" in caplog.text
    assert (
        "'sandbox' from 'tests.connectors.plugin:shadow_sandbox' is already registered"
        in caplog.text
    )


def test_an_unknown_slug_is_an_error() -> None:
    with pytest.raises(UnknownConnector, match="no connector named 'nope'"):
        build_registry([]).get("nope")


def test_a_channel_config_never_shows_its_secrets() -> None:
    config = ChannelConfig({"base_url": "https://x"}, {"api_token": "sbx_hidden"})

    assert "sbx_hidden" not in repr(config)
    assert config.value("api_token") == "sbx_hidden"
    assert config.value("base_url") == "https://x"
