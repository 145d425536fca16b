"""Generated credentials: random secrets and keyed hashes for storing them.

Generated secrets carry 128+ bits of randomness, so a fast keyed hash (HMAC-SHA256) is the
right way to store them: a slow password hasher would add its cost to every API request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime


def generate_secret(nbytes: int = 24) -> str:
    """A URL-safe random secret of ``nbytes`` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)


def keyed_hash(key: str, secret: str) -> str:
    """HMAC-SHA256 of ``secret`` under ``key``, hex encoded."""
    return hmac.new(key.encode("utf-8"), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def secret_matches(key: str, secret: str, stored_hash: str) -> bool:
    """Constant-time check of ``secret`` against a stored keyed hash."""
    return hmac.compare_digest(keyed_hash(key, secret), stored_hash)


#: Bearer tokens are ``<scheme>_<prefix>_<secret>``: the prefix finds the row, the secret
#: is checked against its keyed hash.
TOKEN_PREFIX_BYTES = 6


@dataclass(frozen=True, slots=True)
class NewToken:
    """A freshly issued bearer token: store ``prefix`` and ``secret_hash``, show ``bearer`` once."""

    prefix: str
    secret_hash: str
    bearer: str


def issue_token(scheme: str, key: str) -> NewToken:
    """A new bearer token of ``scheme`` whose secret is hashed under ``key``."""
    prefix = secrets.token_hex(TOKEN_PREFIX_BYTES)
    secret = generate_secret(24)
    return NewToken(prefix, keyed_hash(key, secret), f"{scheme}_{prefix}_{secret}")


def split_token(scheme: str, bearer: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a bearer value of ``scheme``, or ``None`` when malformed."""
    found_scheme, _, rest = bearer.partition("_")
    prefix, _, secret = rest.partition("_")
    if found_scheme != scheme or not prefix or not secret:
        return None
    return prefix, secret


def usage_is_stale(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a token's last-used time is worth a write (at most once a minute under load)."""
    return last_used_at is None or (now - last_used_at).total_seconds() > 60
