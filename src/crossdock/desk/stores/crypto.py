"""Store passwords at rest: Fernet under a key derived from ``settings.ENCRYPTION_KEY``.

The desk keeps the password a store generated because it must send it on every call; it is
encrypted in the database and never shown again after it is entered.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_CONTEXT = b"crossdock-desk-store-password:"


class SecretUnreadable(Exception):
    """A stored secret that does not decrypt under the current key (the key changed)."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(_CONTEXT + settings.ENCRYPTION_KEY.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(plain: str) -> str:
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise SecretUnreadable("the stored password cannot be decrypted; re-enter it") from error
