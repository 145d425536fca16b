"""Where the demo's own server is reached: the public URL, else the serving address."""

from __future__ import annotations

import os

from django.conf import settings


def serving_url() -> str:
    """Base URL (scheme, host, port) of this Crossdock as ``make run`` serves it."""
    return (
        settings.PUBLIC_URL
        or "http://{}:{}".format(
            os.environ.get("CROSSDOCK_HOST", "127.0.0.1"), os.environ.get("CROSSDOCK_PORT", "8000")
        )
    ).rstrip("/")
