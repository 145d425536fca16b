"""Pure stock rules: kits, channel rules with their explanation, ledger replay, kit cycles,
listing states. Properties over generated values, plus the cases a merchant reads."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossdock.core.stock import (
    Delta,
    IllegalTransition,
    Level,
    ListingEvent,
    ListingStatus,
    Rule,
    apply_rule,
    explain,
    explode,
    find_cycle,
    kit_available,
    replay,
    transition,
)

quantities = st.integers(min_value=-1000, max_value=100_000)
recipes = st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 12), min_size=1)
stocks = st.dictionaries(st.sampled_from("abcdefg"), quantities)
rules = st.builds(
    Rule,
    percent=st.none() | st.integers(0, 100),
    maximum=st.none() | st.integers(0, 10_000),
    buffer=st.none() | st.integers(0, 10_000),
    fixed=st.none() | st.integers(0, 10_000),
)


@given(recipes, stocks)
def test_a_kit_count_is_the_most_kits_every_component_covers(
    recipe: dict[str, int], available: dict[str, int]
) -> None:
    # when
    kits = kit_available(recipe, available)

    # then
    assert kits >= 0
    assert all(kits * per <= max(available.get(part, 0), 0) for part, per in recipe.items())
    assert any((kits + 1) * per > available.get(part, 0) for part, per in recipe.items())


def test_a_kit_count_rounds_down_per_component() -> None:
    assert kit_available({"mug": 2, "spoon": 1}, {"mug": 7, "spoon": 10}) == 3


@given(quantities, rules)
def test_a_rule_never_shows_a_negative_or_more_than_available_unless_fixed(
    available: int, rule: Rule
) -> None:
    # when
    shown, steps = apply_rule(available, rule)

    # then
    assert shown >= 0
    assert steps
    if rule.fixed is not None:
        assert shown == rule.fixed
        return
    assert shown <= max(available, 0)
    if rule.maximum is not None:
        assert shown <= rule.maximum
    if rule.buffer is not None and available < rule.buffer:
        assert shown == 0


@given(st.integers(0, 100_000), st.integers(0, 100))
def test_a_percentage_is_always_rounded_down(available: int, percent: int) -> None:
    shown, _ = apply_rule(available, Rule(percent=percent))
    assert shown * 100 <= available * percent < (shown + 1) * 100


def test_the_explanation_shows_on_hand_reserved_rule_and_each_step() -> None:
    # when
    explained = explain(30, 5, Rule(percent=80, maximum=15))

    # then
    assert explained.available == 25
    assert explained.rule == "80% of available, at most 15"
    assert explained.steps == (
        "available 25",
        "80% of 25 rounded down: 20",
        "capped at the maximum of 15",
    )
    assert explained.result == 15


def test_a_buffer_shows_zero_under_its_threshold_and_everything_from_it() -> None:
    assert apply_rule(4, Rule(buffer=5))[0] == 0
    assert apply_rule(5, Rule(buffer=5))[0] == 5


def test_more_reserved_than_on_hand_shows_zero() -> None:
    explained = explain(2, 5, Rule())
    assert (explained.available, explained.result) == (-3, 0)
    assert explained.steps == ("available -3, counted as 0",)


movements = st.lists(
    st.builds(
        Delta,
        product=st.sampled_from("pq"),
        source=st.sampled_from("xy"),
        on_hand=st.integers(-50, 50),
        reserved=st.integers(-50, 50),
    ),
    max_size=40,
)


@given(movements, st.randoms(use_true_random=False))
def test_replaying_the_ledger_matches_applying_it_step_by_step_in_any_order(
    ledger: list[Delta], rng: random.Random
) -> None:
    # given: the levels as services update them, one movement at a time
    stepwise: dict[tuple[object, object], Level] = {}
    for move in ledger:
        before = stepwise.get((move.product, move.source), Level(0, 0))
        stepwise[(move.product, move.source)] = Level(
            before.on_hand + move.on_hand, before.reserved + move.reserved
        )
    shuffled = list(ledger)
    rng.shuffle(shuffled)

    # when / then
    assert replay(ledger) == stepwise
    assert replay(shuffled) == stepwise


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30))
def test_a_recipe_graph_without_back_edges_has_no_cycle(edges: list[tuple[int, int]]) -> None:
    # given: components always have a lower number than their kit (a DAG)
    graph: dict[int, list[int]] = {}
    for kit, part in edges:
        if kit > part:
            graph.setdefault(kit, []).append(part)

    # then
    assert find_cycle(graph) is None


@given(st.integers(2, 8), st.integers(0, 7))
def test_a_chain_closed_back_on_itself_is_found_as_a_path(length: int, start: int) -> None:
    # given: k0 → k1 → … → k(n-1) → k(start)
    closing = start % length
    graph = {index: [index + 1] for index in range(length - 1)}
    graph[length - 1] = [closing]

    # when
    cycle = find_cycle(graph)

    # then
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert all(after in graph[before] for before, after in itertools.pairwise(cycle))
    assert sorted(cycle[:-1]) == list(range(closing, length))


def test_a_kit_containing_itself_directly_is_a_cycle() -> None:
    assert find_cycle({"gift": ["mug", "gift"]}) == ["gift", "gift"]


def test_a_nested_kit_explodes_into_its_leaf_products() -> None:
    recipes = {"hamper": {"gift": 2, "tea": 1}, "gift": {"mug": 2, "spoon": 1}}
    assert explode(recipes, "hamper", 3) == {"mug": 12, "spoon": 6, "tea": 3}


def test_exploding_a_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="contains itself"):
        explode({"a": {"b": 1}, "b": {"a": 1}}, "a", 1)


@given(st.sampled_from(list(ListingStatus)), st.integers(0, 50))
def test_a_push_puts_any_listing_but_a_paused_one_in_sync_or_out_of_stock(
    status: ListingStatus, quantity: int
) -> None:
    # when
    after = transition(status, ListingEvent.PUSHED, quantity)

    # then
    if status == ListingStatus.PAUSED:
        assert after == ListingStatus.PAUSED
    else:
        assert after == (ListingStatus.IN_SYNC if quantity else ListingStatus.OUT_OF_STOCK)


def test_listing_states_follow_the_machine() -> None:
    assert transition(ListingStatus.IN_SYNC, ListingEvent.FAILED) == ListingStatus.ERROR
    assert transition(ListingStatus.ERROR, ListingEvent.PAUSE) == ListingStatus.PAUSED
    assert transition(ListingStatus.PAUSED, ListingEvent.FAILED) == ListingStatus.PAUSED
    assert transition(ListingStatus.PAUSED, ListingEvent.RESUME) == ListingStatus.PENDING
    assert transition(ListingStatus.IN_SYNC, ListingEvent.UNLINK) == ListingStatus.PENDING
    with pytest.raises(IllegalTransition):
        transition(ListingStatus.IN_SYNC, ListingEvent.RESUME)
    with pytest.raises(IllegalTransition):
        transition(ListingStatus.PAUSED, ListingEvent.PAUSE)
