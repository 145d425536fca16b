"""Generated credentials: random secrets and keyed hashes for storing them.

Generated secrets carry 128+ bits of randomness, so a fast keyed hash (HMAC-SHA256) is the
right way to store them: a slow password hasher would add its cost to every API request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def generate_secret(nbytes: int = 24) -> str:
    """A URL-safe random secret of ``nbytes`` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)


def keyed_hash(key: str, secret: str) -> str:
    """HMAC-SHA256 of ``secret`` under ``key``, hex encoded."""
    return hmac.new(key.encode("utf-8"), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def secret_matches(key: str, secret: str, stored_hash: str) -> bool:
    """Constant-time check of ``secret`` against a stored keyed hash."""
    return hmac.compare_digest(keyed_hash(key, secret), stored_hash)
