"""The benchmark's ShipStation: pages through an export window, posts ship notices.

A walk can keep the pages it read, so the export scenario can assert that the hub and its
baseline serve the same documents, byte for byte.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from crossdock.bench.dataset import Store

_PAGES = re.compile(rb'<Orders pages="(\d+)"')


@dataclass(slots=True)
class Walk:
    """One walk of a window: what was read and how long each page took."""

    #: Orders read.
    orders: int = 0
    #: The pages' bodies, when the walk keeps them.
    bodies: list[bytes] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0


def walk(
    client: httpx.Client,
    url: str,
    store: Store,
    window: tuple[str, str],
    keep: bool = False,
    on_page: Callable[[int], None] | None = None,
) -> Walk:
    """Every page of the window, as ShipStation asks for them (page 1 first, then on)."""
    found = Walk()
    page, pages = 1, 1
    began = time.perf_counter()
    while page <= pages:
        started = time.perf_counter()
        answer = client.get(
            url,
            params={
                "action": "export",
                "start_date": window[0],
                "end_date": window[1],
                "page": str(page),
            },
            auth=(store.username, store.password),
        )
        body = answer.read()
        found.page_seconds.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"page {page}: {answer.status_code} {body[:200]!r}")
        # The client only counts: parsing would take the server's CPU.
        head = _PAGES.search(body[:200])
        pages = int(head.group(1)) if head else 0
        found.orders += body.count(b"<Order>")
        if keep:
            found.bodies.append(body)
        if on_page is not None:
            on_page(page)
        page += 1
    found.seconds = time.perf_counter() - began
    return found


def concurrently(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs on one thread each; their answers in order (an error is raised here)."""
    answers: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            answers[index] = jobs[index]()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return answers


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
