"""Run the per-document stages on every core, or on a Dask cluster.

Per-document work (read, clean, parse, entities, dates, amounts, events, claims) is a pure
function of one file, so batches of files go to workers that each load the spaCy model once and
parse with `nlp.pipe`. Results come back in input order, whatever the executor, so the
story-level stages that follow on one node see the same input and give the same output as a
single-process run.

Only a bounded window of batches is in flight at any time (`WINDOW_PER_WORKER` per worker):
workers never wait for work, and results never pile up in memory when the single node that
assembles stories is slower than the workers, so a stream of any length runs in bounded memory.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from rashomon.model import FileError

BATCH_FILES = 16  # files per task: enough for nlp.pipe to batch, small enough to balance load
WINDOW_PER_WORKER = 2  # batches in flight per worker: one running, one queued
# A LocalCluster's workers run one CPU-bound task at a time: the statistical profiler (a stack
# sample every 10 ms), the 20 ms event-loop tick and frequent monitors only take the GIL and the
# core from it (~5-10% of a batch's time measured on 2 cores); thread caps as Dask sets them.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@dataclass
class BatchResult:
    """What a worker sends back for one batch of files."""

    layers: list = field(default_factory=list)  # list[pipeline.DocumentLayers]
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage in the worker
    pid: int = 0  # the worker, and its peak memory so far: where the time and memory went
    peak_rss_mb: float = 0.0


def process_batch(paths: Sequence[str]) -> BatchResult:
    """Read, clean and analyse one batch of files (runs inside a worker)."""
    from rashomon import nlp
    from rashomon.pipeline import analyse_within_limit, clean_sources

    errors: list[FileError] = []
    t0 = time.perf_counter()
    documents = clean_sources([Path(p) for p in paths], errors)
    t1 = time.perf_counter()
    parsed = list(nlp.parse_many(d.text for d in documents))
    t2 = time.perf_counter()
    layers = [layer for doc, p in zip(documents, parsed) if (layer := analyse_within_limit(doc, p, errors))]
    t3 = time.perf_counter()
    seconds = {"read_clean": t1 - t0, "nlp": t2 - t1, "document_layers": t3 - t2}
    return BatchResult(layers=layers, errors=errors, files=len(paths), seconds=seconds, pid=os.getpid(),
                       peak_rss_mb=peak_rss_mb())


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KiB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def warm_up() -> None:
    """Load the model and the gazetteers once when a worker starts, not inside the first batch."""
    from rashomon import geo, nlp

    nlp.load()
    geo.country_code("Moscow")


def batches(files: Iterable[Path | str], size: int | None = None) -> Iterator[list[str]]:
    """Consecutive batches of file paths (lazily: a stream of files never sits in memory twice)."""
    size = size or BATCH_FILES
    it = iter(files)
    while batch := [str(f) for f in islice(it, size)]:
        yield batch


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


Executor = Callable[[Iterable[list[str]]], Iterator[BatchResult]]


def in_order(submit: Callable[[list[str]], Any], work: Iterable[list[str]], window: int) -> Iterator[BatchResult]:
    """Results of `submit(batch)` futures in input order, with at most `window` in flight."""
    it = iter(work)
    pending = deque(submit(batch) for batch in islice(it, max(1, window)))
    while pending:
        head = pending.popleft()
        following = next(it, None)
        if following is not None:
            pending.append(submit(following))  # before waiting: the workers stay busy
        yield head.result()


def run_in_process(work: Iterable[list[str]]) -> Iterator[BatchResult]:
    for batch in work:
        yield process_batch(batch)


def run_local_pool(workers: int) -> Executor:
    """A process pool on this machine; results are yielded in input order."""

    def run(work: Iterable[list[str]]) -> Iterator[BatchResult]:
        # spawn, not fork: the parent may hold threads (progress display) and a loaded model
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=warm_up) as pool:
            yield from in_order(lambda batch: pool.submit(process_batch, batch), work, WINDOW_PER_WORKER * workers)

    return run


def run_dask(scheduler: str | None, workers: int) -> Executor:
    """Send batches to a Dask cluster: an existing one at `scheduler`, or a LocalCluster."""

    def run(work: Iterable[list[str]]) -> Iterator[BatchResult]:
        import dask
        from dask.distributed import Client, LocalCluster

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        try:
            client.run(warm_up)
            width = sum(client.nthreads().values()) or workers  # the cluster's size, not ours
            yield from in_order(lambda batch: client.submit(process_batch, batch, pure=False), work,
                                WINDOW_PER_WORKER * width)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return run


def executor(workers: int | None = None, scheduler: str | None = None, dask_local: bool = False) -> Executor:
    """Choose how per-document work runs: Dask (remote or local cluster), a local pool, or in-process."""
    n = workers or default_workers()
    if scheduler or dask_local:
        return run_dask(scheduler, n)
    if n <= 1:
        return run_in_process
    pool = run_local_pool(n)

    def run(work: Iterable[list[str]]) -> Iterator[BatchResult]:
        # one batch gains nothing from a pool but pays for starting it
        work = iter(work)
        first = list(islice(work, 2))
        if len(first) <= 1:
            return run_in_process(first)
        return pool(_chain(first, work))

    return run


def _chain(head: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from head
    yield from rest
