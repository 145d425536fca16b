"""The secret box: one key-derivation scheme for channel secrets and store passwords, still
reading what the code before it wrote (the ciphertexts below were made by that code)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from pytest_django.fixtures import Settings

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.stores.models import DeskStore
from crossdock.hub.channels.crypto import decrypt_secrets, encrypt_secrets
from crossdock.platform.secrets import CHANNEL_SECRETS, STORE_PASSWORDS, SecretUnreadable

KEY = "old-scheme-test-key"
#: ``desk/stores/crypto.encrypt_secret("p@ss wörd/+1")`` before the box, under :data:`KEY`.
OLD_DESK_PASSWORD = (
    "gAAAAABrDIfJ_T_LKgx4vc0xi1nY2EOUwPXD4bgjtqkY5gpokTd7-JPd3KtAdWF8RcKpURxWgXByJGBoHnE6VLtO"
    "p9PITkT-KQ=="
)
#: ``hub/channels/crypto.encrypt_secrets({"api_token": "tok-123", "secret": "s3"})`` before it.
OLD_CHANNEL_SECRETS = (
    "gAAAAABrDIfJ0mjMPpxDPAwsTZvd_dNzpBbJmWm-9XWwfqLMlcFQwdY064BAkDpluz-6Q5mdByf3ykPO5LvqEb25"
    "iqhHBoxyh7ECJMbSKriB4gQF8Upx3HxdyOkC2RXDs935Zojeax4V"
)


@pytest.fixture(autouse=True)
def old_key(settings: Settings) -> None:
    settings.ENCRYPTION_KEY = KEY


def test_a_store_password_written_by_the_old_desk_scheme_still_opens_and_asks_to_be_renewed() -> (
    None
):
    assert STORE_PASSWORDS.decrypt(OLD_DESK_PASSWORD) == "p@ss wörd/+1"
    assert STORE_PASSWORDS.is_current(OLD_DESK_PASSWORD) is False


def test_channel_secrets_written_by_the_old_hub_code_open_and_are_already_current() -> None:
    assert decrypt_secrets(OLD_CHANNEL_SECRETS) == {"api_token": "tok-123", "secret": "s3"}
    assert CHANNEL_SECRETS.is_current(OLD_CHANNEL_SECRETS) is True


def test_what_the_box_writes_opens_again_and_is_current() -> None:
    token = STORE_PASSWORDS.encrypt("shop-pass")

    assert (STORE_PASSWORDS.decrypt(token), STORE_PASSWORDS.is_current(token)) == (
        "shop-pass",
        True,
    )
    assert decrypt_secrets(encrypt_secrets({"api_token": "t"})) == {"api_token": "t"}


def test_a_ciphertext_of_one_purpose_does_not_open_under_another() -> None:
    token = STORE_PASSWORDS.encrypt("shop-pass")

    with pytest.raises(SecretUnreadable) as raised:
        CHANNEL_SECRETS.decrypt(token)

    assert str(raised.value) == (
        "channel secrets cannot be decrypted: was CROSSDOCK_ENCRYPTION_KEY changed?"
    )


def test_a_changed_key_is_reported_without_echoing_anything_of_the_secret(
    settings: Settings,
) -> None:
    token = STORE_PASSWORDS.encrypt("shop-pass")
    settings.ENCRYPTION_KEY = "another-key"

    with pytest.raises(SecretUnreadable) as raised:
        STORE_PASSWORDS.decrypt(token)

    assert str(raised.value) == "the stored password cannot be decrypted; re-enter it"


@pytest.mark.django_db
def test_the_migration_moves_old_store_passwords_into_the_box_and_skips_unreadable_ones(
    desk_account: DeskAccount, settings: Settings
) -> None:
    # given a store saved by the old desk, and one whose password no key opens
    def store(name: str, encrypted: str) -> DeskStore:
        return DeskStore.objects.create(
            account=desk_account,
            kind=DeskStore.Kind.CUSTOM,
            name=name,
            url=f"http://127.0.0.1:9/{name}",
            username="shipper",
            password_encrypted=encrypted,
        )

    old = store("old", OLD_DESK_PASSWORD)
    settings.ENCRYPTION_KEY = "another-key"
    lost_token = STORE_PASSWORDS.encrypt("lost")
    settings.ENCRYPTION_KEY = KEY
    lost = store("lost", lost_token)
    migration = importlib.import_module(
        "crossdock.desk.stores.migrations.0009_store_passwords_in_the_secret_box"
    )

    # when the data migration runs
    migration.to_the_box(apps, None)

    # then the old password is current and still reads the same; the lost one is untouched
    renewed = DeskStore.objects.get(pk=old.pk).password_encrypted
    assert (STORE_PASSWORDS.is_current(renewed), STORE_PASSWORDS.decrypt(renewed)) == (
        True,
        "p@ss wörd/+1",
    )
    assert DeskStore.objects.get(pk=lost.pk).password_encrypted == lost_token
