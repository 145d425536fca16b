"""Who made a change: recorded on every order event."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    USER = "user"
    API_TOKEN = "api_token"  # noqa: S105 - an actor kind, not a secret
    SHIPSTATION = "shipstation"
    CHANNEL = "channel"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    label: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}"


SYSTEM = Actor(ActorKind.SYSTEM, "crossdock")
