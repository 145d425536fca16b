"""Channel secrets at rest: Fernet encryption under a key derived from ``ENCRYPTION_KEY``.

The operator's key (``CROSSDOCK_ENCRYPTION_KEY``, or the one generated into the data folder
on first run) is stretched with HKDF into a Fernet key for this one purpose, so the same
key material is never used directly for two things.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretsUnreadable(Exception):
    """Stored secrets cannot be decrypted (the encryption key changed or the data is damaged)."""


def _fernet() -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"crossdock",
        info=b"channel-secrets-v1",
    ).derive(str(settings.ENCRYPTION_KEY).encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_secrets(values: Mapping[str, str]) -> str:
    """A Fernet token of ``values``; an empty mapping stores as ``""``."""
    if not values:
        return ""
    plain = json.dumps(dict(values), sort_keys=True).encode("utf-8")
    return _fernet().encrypt(plain).decode("ascii")


def decrypt_secrets(token: str) -> dict[str, str]:
    """The secrets stored as ``token``."""
    if not token:
        return {}
    try:
        plain = _fernet().decrypt(token.encode("ascii"))
    except InvalidToken as error:
        raise SecretsUnreadable(
            "channel secrets cannot be decrypted: was CROSSDOCK_ENCRYPTION_KEY changed?"
        ) from error
    values = json.loads(plain)
    return {str(key): str(value) for key, value in values.items()}
