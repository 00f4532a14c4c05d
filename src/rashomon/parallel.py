"""Run the per-document stages on every core, or on a Dask cluster.

Per-document work (read, clean, parse, entities, dates, amounts, events, claims) is a pure
function of one file, so batches of files go to workers that each load the spaCy model once and
parse with `nlp.pipe`. Results come back in input order, whatever the executor, so the
story-level stages that follow on one node see the same input and give the same output as a
single-process run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from rashomon.model import FileError

BATCH_FILES = 16  # files per task: enough for nlp.pipe to batch, small enough to balance load


@dataclass
class BatchResult:
    """What a worker sends back for one batch of files."""

    layers: list = field(default_factory=list)  # list[pipeline.DocumentLayers]
    errors: list[FileError] = field(default_factory=list)
    files: int = 0


def process_batch(paths: Sequence[str]) -> BatchResult:
    """Read, clean and analyse one batch of files (runs inside a worker)."""
    from rashomon import nlp
    from rashomon.pipeline import analyse_document, clean_sources

    errors: list[FileError] = []
    documents = clean_sources([Path(p) for p in paths], errors)
    layers = [analyse_document(doc, parsed) for doc, parsed in zip(documents, nlp.parse_many(d.text for d in documents))]
    return BatchResult(layers=layers, errors=errors, files=len(paths))


def batches(files: Sequence[Path], size: int | None = None) -> list[list[str]]:
    size = size or BATCH_FILES
    return [[str(f) for f in files[i:i + size]] for i in range(0, len(files), size)]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


Executor = Callable[[list[list[str]]], Iterator[BatchResult]]


def run_in_process(work: list[list[str]]) -> Iterator[BatchResult]:
    for batch in work:
        yield process_batch(batch)


def run_local_pool(workers: int) -> Executor:
    """A process pool on this machine; results are yielded in input order as they complete."""

    def run(work: list[list[str]]) -> Iterator[BatchResult]:
        # spawn, not fork: the parent may hold threads (progress display) and a loaded model
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            yield from pool.map(process_batch, work)

    return run


def run_dask(scheduler: str | None, workers: int) -> Executor:
    """Send batches to a Dask cluster: an existing one at `scheduler`, or a LocalCluster."""

    def run(work: list[list[str]]) -> Iterator[BatchResult]:
        from dask.distributed import Client, LocalCluster

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        try:
            futures = client.map(process_batch, work, pure=False)
            for future in futures:  # in input order
                yield future.result()
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

    def run(work: list[list[str]]) -> Iterator[BatchResult]:
        # one batch gains nothing from a pool but pays for starting it
        return run_in_process(work) if len(work) <= 1 else pool(work)

    return run
