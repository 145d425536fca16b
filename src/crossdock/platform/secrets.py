"""The secret box: secrets at rest for both products, under one key-derivation scheme.

What the hub keeps for a channel (API tokens) and what the desk keeps for a store (its
Custom Store password) must be sent again later, so they are encrypted, not hashed. One
scheme serves both: the operator's key (``settings.ENCRYPTION_KEY``, from
``CROSSDOCK_ENCRYPTION_KEY`` or generated into the data folder on first run) is stretched
with HKDF-SHA256 (salt ``crossdock``) into a Fernet key per *purpose*, so the same key
material is never used directly for two things and a ciphertext of one purpose never opens
under another.

Ciphertexts made before the box existed still open: the hub's channel secrets were already
made with this scheme (purpose ``channel-secrets-v1``); the desk's store passwords were made
with a SHA-256 of a context string and the key (:func:`_legacy_desk_key`), which the desk's
box still reads. :meth:`SecretBox.is_current` tells a caller that a ciphertext deserves
re-encryption (the desk's migration ``0009_store_passwords_in_the_secret_box`` re-encrypts
every store password once; a value written later is always current).

Nothing here logs or echoes a secret: an unreadable one raises :class:`SecretUnreadable`,
whose message names the purpose, never the value.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from crossdock.core.errors import Unavailable

SALT = b"crossdock"

#: Derives a Fernet key from the operator's key material.
KeyScheme = Callable[[bytes], bytes]


class SecretUnreadable(Unavailable):
    """A stored secret that does not decrypt under the current key (the key changed, or the
    data is damaged): re-enter it, or restore the key."""


def derive_key(purpose: str, key_material: bytes) -> bytes:
    """The Fernet key (URL-safe base64 of 32 bytes) for ``purpose`` under ``key_material``."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=SALT, info=purpose.encode("ascii")
    ).derive(key_material)
    return base64.urlsafe_b64encode(derived)


def _legacy_desk_key(key_material: bytes) -> bytes:
    """The desk's scheme before the secret box: SHA-256 of a context and the key (read only)."""
    digest = hashlib.sha256(b"crossdock-desk-store-password:" + key_material).digest()
    return base64.urlsafe_b64encode(digest)


class SecretBox:
    """Encrypts text for one ``purpose``; reads ciphertexts of ``legacy`` schemes too."""

    def __init__(self, purpose: str, unreadable: str, legacy: tuple[KeyScheme, ...] = ()) -> None:
        self.purpose = purpose
        self.unreadable = unreadable
        self.legacy = legacy

    def _key_material(self) -> bytes:
        return str(settings.ENCRYPTION_KEY).encode("utf-8")

    def _current(self) -> Fernet:
        return Fernet(derive_key(self.purpose, self._key_material()))

    def encrypt(self, plain: str) -> str:
        """A Fernet token of ``plain`` under the current scheme."""
        return self._current().encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text stored as ``token`` (current or legacy scheme)."""
        material = self._key_material()
        keys = [self._current(), *(Fernet(scheme(material)) for scheme in self.legacy)]
        for fernet in keys:
            try:
                return fernet.decrypt(token.encode("ascii")).decode("utf-8")
            except InvalidToken:
                continue
        raise SecretUnreadable(self.unreadable)

    def is_current(self, token: str) -> bool:
        """Whether ``token`` opens under the current scheme (``False``: re-encrypt it)."""
        try:
            self._current().decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True


#: The hub's channel secrets (a JSON object of the connector's secret settings).
CHANNEL_SECRETS = SecretBox(
    "channel-secrets-v1",
    "channel secrets cannot be decrypted: was CROSSDOCK_ENCRYPTION_KEY changed?",
)

#: The desk's store passwords.
STORE_PASSWORDS = SecretBox(
    "desk-store-password-v1",
    "the stored password cannot be decrypted; re-enter it",
    legacy=(_legacy_desk_key,),
)
