"""Fault injection: which failure (if any) one request of a shop meets. Pure and seeded.

The draw for request number *n* of a shop comes from ``Random(f"{seed}:{n}")``, so the
same settings and the same sequence of requests fail the same way in every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class FaultKind(StrEnum):
    NONE = "none"
    TIMEOUT = "timeout"
    #: The write is stored, then the answer hangs: the client times out not knowing it worked.
    TIMEOUT_AFTER_WRITE = "timeout_after_write"
    RATE_LIMITED = "rate_limited"
    #: 503 before anything is done.
    ERROR = "error"
    #: The write is stored, then the answer is a 503: the client cannot tell it worked.
    ERROR_AFTER_WRITE = "error_after_write"


@dataclass(frozen=True, slots=True)
class FaultSettings:
    error_rate: Decimal = Decimal("0")
    rate_limit_rate: Decimal = Decimal("0")
    timeout_rate: Decimal = Decimal("0")
    seed: int = 0


def draw_fault(settings: FaultSettings, request_number: int, *, is_write: bool) -> FaultKind:
    """The fault request ``request_number`` meets; rates are tried timeout, 429, error.

    On a write, half the timeouts and half the errors come after the write is stored.
    """
    rng = random.Random(f"{settings.seed}:{request_number}")  # noqa: S311 - simulation, not crypto
    roll = Decimal(str(rng.random()))
    threshold = settings.timeout_rate
    if roll < threshold:
        if is_write and rng.random() < 0.5:
            return FaultKind.TIMEOUT_AFTER_WRITE
        return FaultKind.TIMEOUT
    threshold += settings.rate_limit_rate
    if roll < threshold:
        return FaultKind.RATE_LIMITED
    threshold += settings.error_rate
    if roll < threshold:
        if is_write and rng.random() < 0.5:
            return FaultKind.ERROR_AFTER_WRITE
        return FaultKind.ERROR
    return FaultKind.NONE
