"""What a connector's fake platform provides to join the conformance kit.

Every connector that declares ``PULL_ORDERS`` passes one parametrised suite
(``test_conformance.py``), each against its own fake server: an ``httpx.MockTransport``
serving payloads shaped exactly like the platform's documented answers. To join the kit a
connector's tests provide ``tests/connectors/<slug>/fake.py`` with a class satisfying
:class:`FakePlatform` and add its factory to ``FAKES`` in ``tests/connectors/conformance/fakes.py``.

What the fake must do (see the protocol below for the exact signatures):

- ``spec``: the connector's :class:`ConnectorSpec` (the kit builds connectors through it).
- ``page_size``: how many orders the connector asks for per page (the kit seeds more than
  two pages' worth, so paging is exercised).
- ``absent_features``: names from :data:`tests.connectors.conformance.features.FEATURES`
  the platform does not have (Woo has no gift flag, the sandbox no refunds): the kit skips
  exactly those checks, everything else must be mapped.
- ``good_config()`` / ``bad_configs()``: a working :class:`ChannelConfig`, and one config per
  connect problem the fake can produce, keyed by the expected :class:`ProblemKind` (at least
  ``BAD_TOKEN``). Used only when the connector implements ``CheckConnection``.
- ``transport()``: the fake server. Fresh state per fake instance; the kit wraps it to inject
  faults, so it must not cache clients.
- ``seed_orders(count)``: place ``count`` orders changed in the past, oldest first, one every
  :data:`SEED_SPACING` ending at least an hour ago (so a missed order cannot hide in the
  next pull's overlap), returning their external ids. Together they cover every feature the platform
  has (phones, requested shipping, payment method, discount codes, notes, line images,
  variant options, weights, tax, ...), and the FIRST order has at least two lines.
- ``change_order(external_id)``: the buyer changes the order now (its change time moves to now).
- ``cancel_order(external_id)`` / ``refund_order(external_id, amount)``: the platform cancels
  or refunds (part of) an order now. ``refund_order`` is called only without "refunds" in
  ``absent_features``.
- ``error_response(request, status, message, retry_after)``: the platform's own error answer
  for ``status`` (its JSON shape, its headers, ``Retry-After`` when given) whose text the
  connector must pass on in its error.
- ``shipments(external_id)``: the shipments the fake received for an order, each as
  :class:`FakeShipment` (tracking number and ``{line id: quantity}``).
- ``stock()``: ``{sku: quantity}`` of every listing the fake holds (its listings' SKUs).
  Used only when the spec declares ``SET_STOCK`` / ``PULL_LISTINGS``.

Secrets: every value in ``good_config().secrets`` must never appear in a log record or an
error's text, whatever fault the fake serves; the kit checks that for every fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Protocol

import httpx

from crossdock.connectors.base import ChannelConfig, ConnectorSpec, ProblemKind

#: The time between two seeded orders' changes (longer than any connector's settle time).
SEED_SPACING = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class FakeShipment:
    """A shipment as the fake platform recorded it."""

    tracking_number: str
    lines: Mapping[str, int] = field(default_factory=dict)
    carrier: str = ""


class FakePlatform(Protocol):
    spec: ConnectorSpec
    page_size: int
    absent_features: frozenset[str]

    def good_config(self) -> ChannelConfig: ...

    def bad_configs(self) -> Mapping[ProblemKind, ChannelConfig]: ...

    def transport(self) -> httpx.BaseTransport: ...

    def seed_orders(self, count: int) -> list[str]: ...

    def change_order(self, external_id: str) -> None: ...

    def cancel_order(self, external_id: str) -> None: ...

    def refund_order(self, external_id: str, amount: Decimal) -> None: ...

    def error_response(
        self, request: httpx.Request, status: int, message: str, retry_after: int | None
    ) -> httpx.Response: ...

    def shipments(self, external_id: str) -> list[FakeShipment]: ...

    def stock(self) -> Mapping[str, int]: ...
