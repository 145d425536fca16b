"""The README claims only channels that exist."""

from __future__ import annotations

from pathlib import Path

from crossdock.connectors.registry import registry

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
#: Marketplaces people expect; the README may name only those that have a connector.
MARKETPLACES = ("Shopify", "Amazon", "eBay", "WooCommerce", "Walmart", "Etsy", "BigCommerce")


def test_the_readme_names_no_marketplace_without_a_connector() -> None:
    shipped = {spec.display_name for spec in registry().all()}

    assert [name for name in MARKETPLACES if name in README and name not in shipped] == []


def test_the_readme_names_the_channels_that_ship() -> None:
    marketplaces = [spec for spec in registry().all() if spec.slug not in ("manual", "sandbox")]

    assert "**hand-entered orders**" in README
    assert "**sandbox marketplace**" in README
    assert [spec.slug for spec in marketplaces if f"**{spec.display_name}**" not in README] == []
