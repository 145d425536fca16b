"""Run every benchmark module in ``bench/`` that defines ``run() -> None`` and print figures."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossdock.settings")
    import django

    django.setup()
    import bench

    names = sorted(
        info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )
    if not names:
        print("no benchmarks found")
        sys.exit(0)
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.run()


if __name__ == "__main__":
    main()
