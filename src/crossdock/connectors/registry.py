"""Which connectors exist: the built-ins, registered explicitly, and third-party packages.

A third-party package declares an entry point in the ``crossdock.connectors`` group whose
object is a :class:`ConnectorSpec` (or a zero-argument callable returning one)::

    [project.entry-points."crossdock.connectors"]
    acme = "acme_crossdock.connector:SPEC"

A plugin cannot replace a built-in, and a plugin that fails to load is logged and skipped so
one broken package never takes the hub down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from crossdock.connectors.base import ConnectorSpec
from crossdock.connectors.bigcommerce.connector import SPEC as BIGCOMMERCE
from crossdock.connectors.manual.connector import SPEC as MANUAL
from crossdock.connectors.sandbox.connector import SPEC as SANDBOX
from crossdock.connectors.shopify.connector import SPEC as SHOPIFY
from crossdock.connectors.woocommerce.connector import SPEC as WOOCOMMERCE

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "crossdock.connectors"
BUILT_IN: tuple[ConnectorSpec, ...] = (MANUAL, SANDBOX, SHOPIFY, WOOCOMMERCE, BIGCOMMERCE)


class UnknownConnector(LookupError):
    """No connector is registered under a slug."""


class Registry:
    """The connectors known to this process, by slug."""

    def __init__(self, specs: Iterable[ConnectorSpec]) -> None:
        self._specs: dict[str, ConnectorSpec] = {}
        for spec in specs:
            self._specs.setdefault(spec.slug, spec)

    def get(self, slug: str) -> ConnectorSpec:
        try:
            return self._specs[slug]
        except KeyError:
            raise UnknownConnector(f"no connector named {slug!r}") from None

    def __contains__(self, slug: object) -> bool:
        return slug in self._specs

    def all(self) -> list[ConnectorSpec]:
        return sorted(self._specs.values(), key=lambda spec: spec.slug)


def _load(entry_point: EntryPoint) -> ConnectorSpec | None:
    try:
        loaded = entry_point.load()
        spec = loaded() if callable(loaded) and not isinstance(loaded, ConnectorSpec) else loaded
    except Exception:
        logger.exception("connector entry point %r failed to load; skipped", entry_point.name)
        return None
    if not isinstance(spec, ConnectorSpec):
        logger.error("connector entry point %r is not a ConnectorSpec; skipped", entry_point.name)
        return None
    return spec


def build_registry(plugins: Iterable[EntryPoint] | None = None) -> Registry:
    """Built-ins first, then each plugin whose slug is not taken yet."""
    found = entry_points(group=ENTRY_POINT_GROUP) if plugins is None else plugins
    specs = list(BUILT_IN)
    for entry_point in found:
        spec = _load(entry_point)
        if spec is None:
            continue
        if any(existing.slug == spec.slug for existing in specs):
            logger.warning(
                "connector %r from %r is already registered; skipped", spec.slug, entry_point.value
            )
            continue
        specs.append(spec)
    return Registry(specs)


@cache
def registry() -> Registry:
    """The process-wide registry (entry points are read once)."""
    return build_registry()
