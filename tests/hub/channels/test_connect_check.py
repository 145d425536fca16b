"""The connection check on every entry point: the REST API and the CLI test a new channel
the way the connect form does, each connector's fake platform at the HTTP seam."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.connectors.base import ChannelConfig
from crossdock.connectors.http import build_client
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import connections
from crossdock.hub.channels.models import Channel
from tests.connectors.bigcommerce.fake import NO_ORDERS_TOKEN, FakeBigCommerce
from tests.connectors.conformance.fakes import FAKES
from tests.connectors.conformance.platform import FakePlatform
from tests.connectors.shopify.fake import LIMITED_TOKEN, FakeShopify
from tests.fixtures.api import ApiClient

pytestmark = pytest.mark.django_db
runner = CliRunner()
KINDS = sorted(FAKES)


def _serve(monkeypatch: pytest.MonkeyPatch, transport: httpx.BaseTransport) -> None:
    """The hub's client for the connection check reaches ``transport``, not the network."""
    monkeypatch.setattr(connections, "build_client", lambda: build_client(transport=transport))


@pytest.fixture(params=KINDS)
def fake(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FakePlatform:
    platform = FAKES[request.param]()
    _serve(monkeypatch, platform.transport())
    return platform


def _values(config: ChannelConfig) -> dict[str, str]:
    return {**config.settings, **config.secrets}


def _expected(fake: FakePlatform, config: ChannelConfig) -> list[tuple[str, str]]:
    """What the connector's own check names for ``config``, as (setting, message) pairs."""
    problems = connections.check_values(
        fake.spec, _values(config), build_client(transport=fake.transport())
    )
    return [(problem.field, problem.message) for problem in problems]


def _cli_add(account: Account, kind: str, values: dict[str, str], *flags: str) -> Any:
    settings = [part for name, value in values.items() for part in ("--setting", f"{name}={value}")]
    arguments = ["channels", "add", "--account", account.name, "--kind", kind, "--name", "New"]
    return runner.invoke(app, [*arguments, *settings, *flags])


def _secrets_absent(config: ChannelConfig, text: str) -> None:
    for secret in config.secrets.values():
        assert secret not in text


def test_the_api_connects_a_channel_whose_check_passes(api: ApiClient, fake: FakePlatform) -> None:
    config = fake.good_config()

    created = api.post(
        "/channels", {"kind": fake.spec.slug, "name": "New", "settings": _values(config)}
    )

    assert created.status_code == 201, created.content
    assert created.json()["warnings"] == []
    assert Channel.objects.get(name="New").kind == fake.spec.slug
    _secrets_absent(config, created.content.decode())


def test_the_api_refuses_each_problem_with_422_naming_its_setting_and_stores_nothing(
    api: ApiClient, fake: FakePlatform
) -> None:
    for kind, config in fake.bad_configs().items():
        expected = _expected(fake, config)

        refused = api.post(
            "/channels", {"kind": fake.spec.slug, "name": "New", "settings": _values(config)}
        )

        assert refused.status_code == 422, (kind, refused.content)
        assert [(item["loc"], item["msg"]) for item in refused.json()["detail"]] == [
            (["body", "body", "settings", field], message) for field, message in expected
        ]
        assert all(field for field, _ in expected), kind
        _secrets_absent(config, refused.content.decode())
    assert not Channel.objects.filter(name="New").exists()


def test_the_cli_connects_a_channel_whose_check_passes(
    account: Account, fake: FakePlatform
) -> None:
    config = fake.good_config()

    added = _cli_add(account, fake.spec.slug, _values(config), "--json")

    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["warnings"] == []
    assert Channel.objects.get(name="New").kind == fake.spec.slug
    _secrets_absent(config, added.output)


def test_the_cli_prints_one_line_per_problem_exits_1_and_stores_nothing(
    account: Account, fake: FakePlatform
) -> None:
    for kind, config in fake.bad_configs().items():
        expected = _expected(fake, config)

        refused = _cli_add(account, fake.spec.slug, _values(config))

        assert refused.exit_code == 1, (kind, refused.output)
        assert refused.stderr.splitlines() == [
            f"error: settings.{field}: {message}" for field, message in expected
        ]
        _secrets_absent(config, refused.output)
    assert not Channel.objects.filter(name="New").exists()


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def test_an_unreachable_store_is_saved_with_a_warning_through_the_api_and_the_cli(
    api: ApiClient, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve(monkeypatch, httpx.MockTransport(_unreachable))
    config = FakeShopify().good_config()

    created = api.post("/channels", {"kind": "shopify", "name": "Api", "settings": _values(config)})
    added = _cli_add(account, "shopify", _values(config))

    assert created.status_code == 201, created.content
    [warning] = created.json()["warnings"]
    assert warning.startswith("Could not reach the channel to test it: ")
    assert added.exit_code == 0, added.output
    assert added.stderr.startswith("warning: Could not reach the channel to test it: ")
    assert sorted(Channel.objects.filter(kind="shopify").values_list("name", flat=True)) == [
        "Api",
        "New",
    ]
    _secrets_absent(config, created.content.decode() + added.output)


def test_a_missing_shopify_scope_is_named_on_the_access_token(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = FakeShopify()
    _serve(monkeypatch, shop.transport())
    limited = _values(shop.config())
    limited["access_token"] = LIMITED_TOKEN

    refused = api.post("/channels", {"kind": "shopify", "name": "New", "settings": limited})

    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "body", "settings", "access_token"],
            "msg": "the custom app lacks the Admin API scope write_inventory (needed to set "
            "stock levels): add it and reinstall the app",
        }
    ]


def test_a_bigcommerce_token_without_orders_is_named_by_the_cli(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FakeBigCommerce()
    _serve(monkeypatch, store.transport())

    refused = _cli_add(account, "bigcommerce", _values(store.config(token=NO_ORDERS_TOKEN)))

    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "error: settings.access_token: the API account lacks the Orders: modify scope (You "
        "don't have a required scope to access the endpoint): edit the account's OAuth scopes "
        "and enter its new token"
    ]
