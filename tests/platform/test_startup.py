"""A process settles its garbage collector once its code is loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from crossdock.platform.startup import GC_THRESHOLDS, settle_after_start_up, settled_for_a_while


@pytest.fixture
def collector() -> Iterator[None]:
    """The test process's collector as it was, whatever the test did to it."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_what_start_up_left_is_frozen_and_the_thresholds_raised(collector: None) -> None:
    # given a process whose collector still scans everything it holds
    held = [{"kept": index} for index in range(1_000)]
    assert gc.get_freeze_count() == 0
    # when it settles after start-up
    settle_after_start_up()
    # then what it holds is in the permanent generation and young collections are rarer
    assert gc.get_freeze_count() >= len(held)
    assert all(not any(item is young for young in gc.get_objects(2)) for item in held[:3])
    assert gc.get_threshold() == GC_THRESHOLDS == (10_000, 10, 10)


def test_a_block_settled_for_a_while_gives_the_collector_back(collector: None) -> None:
    # given a process with its own thresholds and nothing frozen
    gc.set_threshold(500, 5, 5)
    # when a block runs settled
    with settled_for_a_while():
        inside = (gc.get_freeze_count() > 0, gc.get_threshold())
    # then it was settled inside and is as before after it
    assert inside == (True, GC_THRESHOLDS)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (500, 5, 5)
