"""The background prefetch used while importing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from app.bulk import prefetch


def _running() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "prefetch")


def test_prefetch_yields_everything_in_order() -> None:
    assert list(prefetch(iter(range(50)), depth=2)) == list(range(50))


def test_prefetch_raises_the_producers_error() -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("kapot bestand")

    with pytest.raises(ValueError, match="kapot bestand"):
        list(prefetch(broken()))


def test_closing_early_stops_the_producer_at_once() -> None:
    before = _running()
    chunks = prefetch(iter(range(2)), depth=1)
    assert next(chunks) == 0
    time.sleep(0.2)  # the producer has queued 1 and now waits to say it is done
    started = time.perf_counter()
    chunks.close()
    assert time.perf_counter() - started < 1.0
    assert _running() == before
