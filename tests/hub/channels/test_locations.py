"""A channel's location: set through the API or the CLI (checked against the channel's
``list_locations()``), and chosen on the channel page, for each of the three connectors."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from typer.testing import CliRunner, Result

from crossdock.cli.root import app
from crossdock.connectors.base import (
    Capability,
    ChannelConfig,
    ConnectionProblem,
    ConnectorSpec,
    FieldKind,
    Location,
    ProblemKind,
    SettingField,
)
from crossdock.connectors.http import build_client
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import connections
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from tests.connectors.bigcommerce.fake import FakeBigCommerce
from tests.connectors.shopify.fake import LOCATION, SECOND_LOCATION, FakeShopify
from tests.connectors.woocommerce.fake import WooFake
from tests.fixtures.api import ApiClient

pytestmark = pytest.mark.django_db
runner = CliRunner()
UNKNOWN = "gid://shopify/Location/99"


def _serve(monkeypatch: pytest.MonkeyPatch, transport: httpx.BaseTransport) -> None:
    monkeypatch.setattr(connections, "build_client", lambda: build_client(transport=transport))


def _values(config: ChannelConfig, **settings: str) -> dict[str, str]:
    return {**config.settings, **config.secrets, **settings}


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> FakeShopify:
    fake = FakeShopify()
    _serve(monkeypatch, fake.transport())
    return fake


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeBigCommerce:
    fake = FakeBigCommerce()
    _serve(monkeypatch, fake.transport())
    return fake


@pytest.fixture
def web(account: Account) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="acme@example.com"))
    return client


def test_the_api_creates_a_shopify_channel_at_a_location_the_shop_lists(
    api: ApiClient, shop: FakeShopify
) -> None:
    body = {"kind": "shopify", "name": "Nordic"}

    chosen = api.post(
        "/channels", {**body, "settings": _values(shop.config(location_id=SECOND_LOCATION))}
    )
    unknown = api.post(
        "/channels",
        {**body, "name": "Other", "settings": _values(shop.config(location_id=UNKNOWN))},
    )

    assert chosen.status_code == 201, chosen.content
    assert chosen.json()["settings"]["location_id"] == SECOND_LOCATION
    assert unknown.status_code == 422
    assert [item["loc"] for item in unknown.json()["detail"]] == [
        ["body", "body", "settings", "location_id"]
    ]
    assert list(Channel.objects.filter(kind="shopify").values_list("name", flat=True)) == ["Nordic"]


def test_the_api_changes_a_location_only_to_one_the_channel_lists(
    api: ApiClient, account: Account, shop: FakeShopify
) -> None:
    channel = add_channel(account, "shopify", "Nordic", _values(shop.good_config()))

    unknown = api.patch(f"/channels/{channel.pk}", {"settings": {"location_id": UNKNOWN}})
    moved = api.patch(f"/channels/{channel.pk}", {"settings": {"location_id": SECOND_LOCATION}})

    assert unknown.status_code == 422
    assert unknown.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "body", "settings", "location_id"],
            "msg": f"'{UNKNOWN}' is not one of the channel's locations; choose one of "
            f"{LOCATION} (Main warehouse), {SECOND_LOCATION} (Shop floor)",
        }
    ]
    assert moved.status_code == 200, moved.content
    assert Channel.objects.get(pk=channel.pk).settings["location_id"] == SECOND_LOCATION


def test_the_cli_creates_a_bigcommerce_channel_at_a_listed_location_and_refuses_another(
    account: Account, store: FakeBigCommerce
) -> None:
    def add(name: str, location: str) -> Result:
        values = _values(store.good_config(), location_id=location)
        settings = [
            part for key, value in values.items() for part in ("--setting", f"{key}={value}")
        ]
        command = ["channels", "add", "--account", account.name, "--kind", "bigcommerce"]
        return runner.invoke(app, [*command, "--name", name, *settings])

    chosen = add("East", "2")
    unknown = add("Nowhere", "9")

    assert chosen.exit_code == 0, chosen.output
    assert Channel.objects.get(name="East").settings["location_id"] == "2"
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith(
        "error: settings.location_id: the store has no inventory location 9"
    )
    assert not Channel.objects.filter(name="Nowhere").exists()


class _Lister:
    """A connector whose own check looks at no location: the hub checks it."""

    def __init__(self, client: httpx.Client, config: ChannelConfig) -> None:
        pass

    def check_connection(self) -> Sequence[ConnectionProblem]:
        return []

    def list_locations(self) -> Sequence[Location]:
        return [Location("north", "North"), Location("south", "South")]


def test_any_connectors_location_is_checked_against_its_list() -> None:
    spec = ConnectorSpec(
        slug="lister",
        display_name="Lister",
        capabilities=frozenset({Capability.PULL_ORDERS}),
        factory=_Lister,
        settings_schema=(SettingField("where", "Where", kind=FieldKind.LOCATION, required=False),),
    )
    client = build_client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))

    listed = connections.check_values(spec, {"where": "south"}, client)
    unlisted = connections.check_values(spec, {"where": "east"}, client)

    assert listed == []
    assert unlisted == [
        ConnectionProblem(
            ProblemKind.BAD_DOMAIN,
            "'east' is not one of the channel's locations; "
            "choose one of north (North), south (South)",
            "where",
        )
    ]


def _save(web: Client, channel: Channel, **settings: str) -> str:
    form = {"name": channel.name, "sync_minutes": "5"}
    form.update({f"setting_{key}": value for key, value in settings.items()})
    saved = web.post(f"/channels/{channel.pk}/", form)
    assert saved.status_code == 302, saved.content.decode()
    return str(web.get(f"/channels/{channel.pk}/").content.decode())


def test_the_shopify_page_offers_the_shops_locations_and_saves_the_choice(
    web: Client, account: Account, shop: FakeShopify
) -> None:
    channel = add_channel(account, "shopify", "Nordic", _values(shop.config(location_id="")))

    page = _save(web, channel, shop_domain=shop.shop, location_id=SECOND_LOCATION)

    assert Channel.objects.get(pk=channel.pk).settings["location_id"] == SECOND_LOCATION
    assert f'<option value="{SECOND_LOCATION}" selected>Shop floor</option>' in page
    assert f'<option value="{LOCATION}">Main warehouse</option>' in page


def test_the_bigcommerce_page_offers_the_stores_locations_and_saves_the_choice(
    web: Client, account: Account, store: FakeBigCommerce
) -> None:
    channel = add_channel(account, "bigcommerce", "Nordic", _values(store.good_config()))

    page = _save(web, channel, store_hash=store.store_hash, location_id="2")

    assert Channel.objects.get(pk=channel.pk).settings["location_id"] == "2"
    assert '<option value="2" selected>East warehouse</option>' in page
    assert '<option value="1">Default location</option>' in page


def test_a_location_the_page_does_not_offer_is_refused_and_nothing_changes(
    web: Client, account: Account, store: FakeBigCommerce
) -> None:
    channel = add_channel(account, "bigcommerce", "Nordic", _values(store.good_config()))

    refused = web.post(
        f"/channels/{channel.pk}/",
        {"name": "Nordic", "sync_minutes": "5", "setting_store_hash": store.store_hash}
        | {"setting_location_id": "9"},
    )

    assert refused.status_code == 400
    assert "setting_location_id" in refused.context["form"].errors
    assert Channel.objects.get(pk=channel.pk).settings["location_id"] == "1"


def test_the_woocommerce_page_keeps_a_location_label_the_store_has_one_stock_level(
    web: Client, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = WooFake()
    _serve(monkeypatch, fake.transport())
    channel = add_channel(account, "woocommerce", "Woo", _values(fake.good_config()))

    page = _save(web, channel, site_url="https://shop.example.com", location="Back room")

    assert Channel.objects.get(pk=channel.pk).settings["location"] == "Back room"
    assert 'name="setting_location" value="Back room"' in page
