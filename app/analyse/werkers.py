"""Where the tasks of a run execute: in this process, on a local Dask cluster, or on an
existing one (`--scheduler tcp://HOST:8786`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from app.errors import DomainError

# map(task, shared, items, *extra) → the task's results, in the order they finish.
Mapper = Callable[..., Iterator[Any]]


class SchedulerUnavailable(DomainError):
    """The Dask scheduler given cannot be reached."""

    status_code = 503


def default_werkers() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _in_process(task: Callable[..., Any], shared: Any, items: Sequence[Any],
                *extra: Any) -> Iterator[Any]:
    for item in items:
        yield task(shared, item, *extra)


async def _warm_up() -> None:
    # A coroutine: Dask runs only those without waiting for them (client.run(wait=False)).
    import app.analyse.partities  # noqa: F401


@contextmanager
def uitvoerder(werkers: int, scheduler: str | None) -> Iterator[Mapper]:
    """A mapper running tasks on `werkers` local processes (0: here, one by one) or, given a
    scheduler address, on that Dask cluster."""
    if scheduler is None and werkers <= 0:
        yield _in_process
        return
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler is not None:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=werkers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise SchedulerUnavailable(
            f"De Dask-scheduler op {scheduler} is niet bereikbaar ({exc}). Start hem met "
            "'dask scheduler' en de werkers met 'dask worker tcp://HOST:8786', of laat "
            "--scheduler weg om op deze machine te rekenen.") from exc

    # Workers import the engine while this process plans the run, not on their first task.
    client.run(_warm_up, wait=False)

    def mapper(task: Callable[..., Any], shared: Any, items: Sequence[Any],
               *extra: Any) -> Iterator[Any]:
        if not items:
            return
        sent = client.scatter(shared, broadcast=True)
        futures = client.map(task, [sent] * len(items), list(items),
                             *[[e] * len(items) for e in extra], pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)

    try:
        yield mapper
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
