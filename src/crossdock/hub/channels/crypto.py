"""Channel secrets at rest: a JSON object of the connector's secret settings, sealed in the
platform's secret box (:data:`crossdock.platform.secrets.CHANNEL_SECRETS`)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from crossdock.platform.secrets import CHANNEL_SECRETS


def encrypt_secrets(values: Mapping[str, str]) -> str:
    """A Fernet token of ``values``; an empty mapping stores as ``""``."""
    if not values:
        return ""
    return CHANNEL_SECRETS.encrypt(json.dumps(dict(values), sort_keys=True))


def decrypt_secrets(token: str) -> dict[str, str]:
    """The secrets stored as ``token``; :class:`SecretUnreadable` when the key changed."""
    if not token:
        return {}
    values = json.loads(CHANNEL_SECRETS.decrypt(token))
    return {str(key): str(value) for key, value in values.items()}
