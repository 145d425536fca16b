"""Stock rules as pure functions: kits, per-channel rules, the ledger's replay, listing states.

Nothing here touches a database: the catalog app (``hub.catalog``) loads rows, calls these
functions and stores what they answer, so every number the hub pushes can be recomputed
and explained from plain values.

- :func:`kit_available`: a kit's quantity, the minimum over its components of
  ``floor(available / quantity per kit)``.
- :func:`explode`: a (possibly nested) kit as the leaf products and quantities it moves.
- :func:`find_cycle`: a kit containing itself, directly or through another kit.
- :func:`apply_rule`: a channel's rule (percentage, maximum, buffer, fixed) applied to an
  available quantity, always rounded down and never negative, with the steps that explain it.
- :func:`replay`: current levels rebuilt from ledger movements.
- :func:`transition`: the listing status state machine.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

#: The largest quantity a movement, level or rule may carry: anything above is a typo
#: (or an attack), not stock. Fits a 32-bit column with room for sums.
MAX_QUANTITY = 10_000_000


# ---------------------------------------------------------------------------------------------
# Kits


def kit_available(recipe: Mapping[K, int], available: Mapping[K, int]) -> int:
    """How many kits the components make: ``min(floor(available / per kit))``, never negative.

    A component missing from ``available`` counts as zero; an empty recipe makes no kit.
    """
    if not recipe:
        return 0
    counts = []
    for component, per_kit in recipe.items():
        if per_kit <= 0:
            raise ValueError(f"component {component!r} needs a positive quantity per kit")
        counts.append(max(available.get(component, 0), 0) // per_kit)
    return min(counts)


def explode(recipes: Mapping[K, Mapping[K, int]], product: K, quantity: int) -> dict[K, int]:
    """The leaf products (and quantities) that ``quantity`` of ``product`` moves.

    A product without a recipe is a leaf and moves itself; a kit moves its components,
    recursively. Raises ``ValueError`` on a cycle (check with :func:`find_cycle` first).
    """
    leaves: dict[K, int] = {}

    def walk(item: K, count: int, path: tuple[K, ...]) -> None:
        if item in path:
            raise ValueError(f"kit {item!r} contains itself")
        recipe = recipes.get(item)
        if not recipe:
            leaves[item] = leaves.get(item, 0) + count
            return
        for component, per_kit in recipe.items():
            walk(component, count * per_kit, (*path, item))

    walk(product, quantity, ())
    return leaves


def find_cycle(recipes: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A kit path that returns to where it started (``[a, b, a]``), or ``None``.

    ``recipes`` maps each kit to its components; a component without a recipe is a leaf.
    """
    done: set[K] = set()
    for start in recipes:
        if start in done:
            continue
        # Iterative depth-first search: deep recipe chains never hit the recursion limit.
        path: list[K] = [start]
        on_path = {start}
        stack = [iter(list(recipes.get(start, ())))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
                continue
            if child in on_path:
                return [*path[path.index(child) :], child]
            if child in done:
                continue
            path.append(child)
            on_path.add(child)
            stack.append(iter(list(recipes.get(child, ()))))
    return None


# ---------------------------------------------------------------------------------------------
# Channel rules


@dataclass(frozen=True, slots=True)
class Rule:
    """What a channel (or one listing) shows of the available quantity.

    Applied in this order, each optional: ``fixed`` replaces everything; otherwise a
    ``buffer`` shows zero while available is under it; ``percent`` (0–100) keeps that share,
    rounded down; ``maximum`` caps what is shown. No field set: show all that is available.
    """

    percent: int | None = None
    maximum: int | None = None
    buffer: int | None = None
    fixed: int | None = None

    def problems(self) -> list[tuple[str, str]]:
        """``(field, message)`` for each value out of range; empty when the rule is sound."""
        found = []
        if self.percent is not None and not 0 <= self.percent <= 100:
            found.append(("percent", "must be between 0 and 100"))
        for name in ("maximum", "buffer", "fixed"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_QUANTITY:
                found.append((name, f"must be between 0 and {MAX_QUANTITY}"))
        return found

    def describe(self) -> str:
        """The rule in words, e.g. "80% of available, at most 50"."""
        if self.fixed is not None:
            return f"always {self.fixed}"
        parts = []
        if self.buffer is not None:
            parts.append(f"0 while under {self.buffer}")
        if self.percent is not None:
            parts.append(f"{self.percent}% of available")
        if self.maximum is not None:
            parts.append(f"at most {self.maximum}")
        return ", ".join(parts) or "all available"


ALL_AVAILABLE = Rule()


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a listing shows ``result``: the inputs, the rule and each step, for the listing page."""

    on_hand: int
    reserved: int
    available: int
    rule: str
    steps: tuple[str, ...]
    result: int


def apply_rule(available: int, rule: Rule) -> tuple[int, tuple[str, ...]]:
    """The quantity ``rule`` shows for ``available``, rounded down, never negative; and why."""
    base = max(available, 0)
    steps = [f"available {base}" if available >= 0 else f"available {available}, counted as 0"]
    if rule.fixed is not None:
        result = max(rule.fixed, 0)
        steps.append(f"fixed quantity {result}")
        return result, tuple(steps)
    result = base
    if rule.buffer is not None and base < rule.buffer:
        result = 0
        steps.append(f"under the buffer of {rule.buffer}: 0")
    if rule.percent is not None:
        shown = result * rule.percent // 100
        steps.append(f"{rule.percent}% of {result} rounded down: {shown}")
        result = shown
    if rule.maximum is not None and result > rule.maximum:
        result = max(rule.maximum, 0)
        steps.append(f"capped at the maximum of {result}")
    return result, tuple(steps)


def explain(
    on_hand: int, reserved: int, rule: Rule, *, available: int | None = None
) -> Explanation:
    """The full computation for one listing; ``available`` overrides ``on_hand − reserved``
    (a kit's available quantity comes from its components)."""
    base = on_hand - reserved if available is None else available
    result, steps = apply_rule(base, rule)
    return Explanation(on_hand, reserved, base, rule.describe(), steps, result)


# ---------------------------------------------------------------------------------------------
# The ledger


@dataclass(frozen=True, slots=True)
class Delta:
    """One ledger movement as numbers: what it changed on one product at one source."""

    product: Hashable
    source: Hashable
    on_hand: int
    reserved: int


@dataclass(frozen=True, slots=True)
class Level:
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def replay(movements: Iterable[Delta]) -> dict[tuple[Hashable, Hashable], Level]:
    """Levels rebuilt from the ledger: the sum of every movement's deltas per product and source."""
    totals: dict[tuple[Hashable, Hashable], tuple[int, int]] = {}
    for movement in movements:
        key = (movement.product, movement.source)
        on_hand, reserved = totals.get(key, (0, 0))
        totals[key] = (on_hand + movement.on_hand, reserved + movement.reserved)
    return {key: Level(on_hand, reserved) for key, (on_hand, reserved) in totals.items()}


# ---------------------------------------------------------------------------------------------
# Listing states


class ListingStatus(StrEnum):
    """Where a listing's quantity stands on its channel."""

    PENDING = "pending"  # linked, nothing confirmed yet (or waiting for the merchant's choice)
    IN_SYNC = "in_sync"  # the channel shows what the hub computed
    OUT_OF_STOCK = "out_of_stock"  # in sync at zero
    PAUSED = "paused"  # the merchant stopped pushes for this listing
    ERROR = "error"  # the last push was refused; the reason is stored beside


class ListingEvent(StrEnum):
    PUSHED = "pushed"  # the channel accepted a quantity
    MATCHED = "matched"  # a read found the channel already showing the target
    FAILED = "failed"  # the channel refused, or retrying gave up
    PAUSE = "pause"
    RESUME = "resume"
    UNLINK = "unlink"


class IllegalTransition(ValueError):
    """The event cannot happen in the listing's status."""


def transition(current: ListingStatus, event: ListingEvent, quantity: int = 0) -> ListingStatus:
    """The status after ``event``; ``quantity`` is what the channel now shows (for PUSHED/MATCHED).

    ::

        pending / in_sync / out_of_stock / error ──pushed, matched──▶ in_sync (0: out_of_stock)
        pending / in_sync / out_of_stock / error ──failed──▶ error
        any but paused ──pause──▶ paused ──resume──▶ pending
        any ──unlink──▶ pending

    A paused listing ignores pushes and reads (stays paused); resuming a listing that is not
    paused, or pausing one twice, is an :class:`IllegalTransition`.
    """
    if event == ListingEvent.UNLINK:
        return ListingStatus.PENDING
    if event == ListingEvent.PAUSE:
        if current == ListingStatus.PAUSED:
            raise IllegalTransition("the listing is already paused")
        return ListingStatus.PAUSED
    if event == ListingEvent.RESUME:
        if current != ListingStatus.PAUSED:
            raise IllegalTransition("only a paused listing resumes")
        return ListingStatus.PENDING
    if current == ListingStatus.PAUSED:
        return current
    if event == ListingEvent.FAILED:
        return ListingStatus.ERROR
    return ListingStatus.OUT_OF_STOCK if quantity <= 0 else ListingStatus.IN_SYNC
