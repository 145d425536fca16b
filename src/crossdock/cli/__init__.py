"""The ``crossdock`` command: Django is set up first, then the command groups are loaded."""

from __future__ import annotations

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossdock.settings")
    import django

    django.setup()
    from crossdock.cli.root import app

    app()
