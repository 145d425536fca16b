"""The kit's side of a fake platform: fault injection, hooks between requests, full pulls."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from crossdock.connectors.base import ChannelConfig, OrderBatch, PulledOrder, PullOrders
from crossdock.connectors.http import build_client
from tests.connectors.conformance.platform import FakePlatform

TIMEOUT = "timeout"
#: A fault: ``(status, message, retry_after)``, or :data:`TIMEOUT`.
Fault = tuple[int, str, int | None] | str


@dataclass
class Harness:
    """A fake platform behind a transport the kit controls (faults, hooks, a request log)."""

    fake: FakePlatform
    faults: deque[Fault] = field(default_factory=deque)
    before: list[Callable[[httpx.Request], None]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._inner = self.fake.transport()

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for hook in list(self.before):
            hook(request)
        if self.faults:
            fault = self.faults.popleft()
            if fault == TIMEOUT:
                raise httpx.ReadTimeout("the platform did not answer", request=request)
            assert not isinstance(fault, str)
            status, message, retry_after = fault
            return self.fake.error_response(request, status, message, retry_after)
        request.read()
        return self._inner.handle_request(request)

    def client(self) -> httpx.Client:
        return build_client(transport=httpx.MockTransport(self._handle))

    def connector(self, config: ChannelConfig | None = None) -> object:
        return self.fake.spec.build(self.client(), config or self.fake.good_config())


def pull_all(connector: PullOrders, since: datetime | None, limit: int = 1000) -> list[PulledOrder]:
    """Every page of one pull, in the order served."""
    pulled: list[PulledOrder] = []
    page: str | None = None
    for _ in range(limit):
        batch: OrderBatch = connector.fetch_orders(since, page)
        pulled.extend(batch.orders)
        if batch.next_page is None:
            return pulled
        page = batch.next_page
    raise AssertionError(f"more than {limit} pages")
