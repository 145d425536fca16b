"""One request budget per channel, shared by every worker and process: a bucket in a row.

Every request a connector sends through a client the hub hands it first takes a token
from the channel's :class:`ChannelRateLimit` row (under a row lock, so workers on
PostgreSQL and threads on SQLite agree). The connector spec's ``rate_limit`` is the budget.
What the channel says about its quota (``Retry-After``, BigCommerce's
``X-Rate-Limit-*``, Shopify's GraphQL throttle status) arrives as a
:class:`~crossdock.connectors.http.QuotaSignal` and holds every worker back until then.

A wait longer than ``MAX_WAIT`` is not slept: the request fails as retryable, with the
wait as its ``retry_after``, and the job is retried later.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import IntegrityError, transaction
from django.utils import timezone

from crossdock.connectors.base import RateLimit, RetryableError
from crossdock.connectors.http import QuotaSignal, attach_quota_sink
from crossdock.hub.channels.models import ChannelRateLimit

#: The longest a request waits for its turn before it fails as retryable instead.
MAX_WAIT = 30.0

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


def _row(channel_id: int, limit: RateLimit, now: datetime) -> ChannelRateLimit:
    """The channel's bucket, locked; made full on first use."""
    found = ChannelRateLimit.objects.select_for_update().filter(channel_id=channel_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            ChannelRateLimit.objects.create(
                channel_id=channel_id, tokens=float(limit.burst), updated_at=now
            )
    except IntegrityError:
        pass  # another worker made it first
    return ChannelRateLimit.objects.select_for_update().get(channel_id=channel_id)


def take(channel_id: int, limit: RateLimit, now: datetime) -> float:
    """Take one token if there is one: ``0.0``; else the seconds until there will be."""
    with transaction.atomic():
        row = _row(channel_id, limit, now)
        if row.blocked_until is not None and row.blocked_until > now:
            return (row.blocked_until - now).total_seconds()
        elapsed = max((now - row.updated_at).total_seconds(), 0.0)
        tokens = min(float(limit.burst), row.tokens + elapsed * limit.per_second)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / limit.per_second
        ChannelRateLimit.objects.filter(pk=row.pk).update(tokens=tokens, updated_at=now)
        return wait


def hold_back(channel_id: int, limit: RateLimit, signal: QuotaSignal, now: datetime) -> None:
    """Apply what the channel said about its quota to the shared bucket."""
    seconds = signal.retry_after
    if signal.remaining is not None and signal.remaining < 1 and signal.reset_after is not None:
        seconds = max(seconds or 0.0, signal.reset_after)
    with transaction.atomic():
        row = _row(channel_id, limit, now)
        updates: dict[str, object] = {}
        if seconds:
            until = now + timedelta(seconds=seconds)
            if row.blocked_until is None or until > row.blocked_until:
                updates["blocked_until"] = until
        if signal.remaining is not None and signal.remaining < row.tokens:
            updates["tokens"] = max(float(signal.remaining), 0.0)
        if updates:
            ChannelRateLimit.objects.filter(pk=row.pk).update(**updates)


@dataclass
class Limiter:
    """The limiter of one channel, hooked onto the client the hub hands a connector."""

    channel_id: int
    limit: RateLimit
    clock: Clock = timezone.now
    sleep: Sleep = time.sleep
    max_wait: float = MAX_WAIT

    def before_request(self, request: httpx.Request) -> None:
        waited = 0.0
        while True:
            wait = take(self.channel_id, self.limit, self.clock())
            if wait <= 0:
                return
            if waited + wait > self.max_wait:
                raise RetryableError(
                    f"the channel's request budget is spent; next request in {wait:.0f} s",
                    retry_after=wait,
                )
            self.sleep(wait)
            waited += wait

    def quota(self, signal: QuotaSignal) -> None:
        hold_back(self.channel_id, self.limit, signal, self.clock())

    def attach(self, client: httpx.Client) -> None:
        client.event_hooks["request"] = [*client.event_hooks["request"], self.before_request]
        attach_quota_sink(client, self.quota)

    def detach(self, client: httpx.Client) -> None:
        client.event_hooks["request"] = [
            hook for hook in client.event_hooks["request"] if hook != self.before_request
        ]
