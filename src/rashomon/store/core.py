"""`Store`: the embedded SQLite store and its Python API, one method per CLI command.

One file holds everything (WAL mode: readers never wait for an ingest, and a killed writer
loses at most its open batch). Only one ingest runs at a time per store, enforced with an
advisory lock on `<db>.lock` that the OS releases if the process dies.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rashomon.model import Analysis, Event
from rashomon.store import export as export_mod
from rashomon.store import faults
from rashomon.store import queries, schema
from rashomon.store.faults import StoreBusy, StoreError, StoreReadOnly, translate
from rashomon.store.records import EntitySummary, IngestReport, SearchHit, StoreStats, StorySummary

DEFAULT_PATH = "rashomon.db"
DEFAULT_BATCH = 32  # articles per transaction: a crash loses at most this much work
# How long a write waits for another program's write lock before failing with `StoreLocked`.
DEFAULT_BUSY_TIMEOUT = 60.0

if TYPE_CHECKING:  # the ingest path imports spaCy; the read-only commands must not pay for that
    from rashomon.store.incremental import ProgressCallback


class TimelineUnavailable(RuntimeError):
    """`rashomon.timeline` is not installed in this version."""


def _timeline():
    try:
        from rashomon import timeline
    except ImportError as exc:
        raise TimelineUnavailable("timelines need rashomon.timeline, which this installation does not have") from exc
    return timeline


class Store:
    """An analysed news collection in one SQLite file.

    >>> store = Store("news.db")
    >>> report = store.ingest(["inbox/"])          # only unseen articles are analysed
    >>> for s in store.stories(entity="Kayani"):   # newest first
    ...     print(s.id, s.event_date, s.headline)
    >>> print(store.brief(s.id, "markdown"))
    """

    def __init__(self, path: str | Path = DEFAULT_PATH, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        """Open (or create) the store. A file that cannot be opened or written raises a
        `faults.StoreError` saying why (read-only, disk full, locked by another program)."""
        self.path = str(path)
        self.busy_timeout = busy_timeout
        if Path(self.path).is_dir():
            raise IsADirectoryError(f"{self.path} is a directory; give a file name for the store")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise self._fault(exc, "opening the store") from exc
        self.conn.row_factory = sqlite3.Row
        try:
            mode = self.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            fault = translate(exc, self.path, "opening the store", busy_timeout)
            if fault is not None and not isinstance(fault, faults.StoreCorrupt):
                raise fault from exc
            raise schema.SchemaError(f"{self.path} is not a rashomon store (not an SQLite database)") from exc
        if mode.lower() != "wal":
            self.conn.close()
            if not os.access(self.path, os.W_OK) or not os.access(os.path.dirname(os.path.abspath(self.path)), os.W_OK):
                raise StoreReadOnly(f"{self.path}: the store is read-only; it needs write access to the file and its directory")
            raise schema.SchemaError(f"could not switch {self.path} to WAL mode (got {mode})")
        try:
            self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
            self.conn.execute("PRAGMA foreign_keys=OFF")
            self.conn.execute("PRAGMA temp_store=MEMORY")
            self.conn.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
            schema.migrate(self.conn)
        except sqlite3.Error as exc:
            self.conn.close()
            raise self._fault(exc, "opening the store") from exc

    def _fault(self, exc: sqlite3.Error, doing: str) -> BaseException:
        """The clear `StoreError` for a failure of the file, or the SQLite error itself (a bug)."""
        return translate(exc, self.path, doing, self.busy_timeout) or exc

    # -- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the commands -------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        batch_size: int = DEFAULT_BATCH,
        progress: ProgressCallback | None = None,
        force: bool = False,
        workers: int = 1,
    ) -> IngestReport:
        """Add the articles under `paths` that the store has not seen (by raw-bytes hash and URL).

        Idempotent: a second run over the same inputs adds nothing. `force=True` re-reads files
        whose bytes were ingested before (articles already stored are still skipped).
        `workers` > 1 cleans, parses and analyses new articles in that many processes (0: one per
        core); story assignment and writing stay in this process, one transaction per batch.
        """
        from rashomon.store.incremental import Ingester

        with self._ingest_lock():
            if workers <= 0:
                workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            try:
                return Ingester(self.conn, batch_size=batch_size, progress=progress, force=force, workers=workers).run(paths)
            except sqlite3.Error as exc:
                # Disk full, read-only, locked: the open batch was rolled back; say so plainly.
                raise self._fault(exc, "ingesting") from exc

    def stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        text: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[StorySummary]:
        """Stories, newest first; see `queries.stories` for the filters. `offset` skips that many
        (paging: `stories(offset=50, limit=50)` is the second page of 50)."""
        return queries.stories(self.conn, since, until, entity, text, limit, offset)

    def story(self, story_id: str) -> Analysis:
        """A story and its documents (raises `queries.NotFound`)."""
        return queries.story(self.conn, story_id)

    def locate(self, story_id: str) -> queries.Located:
        """Which stored story an id names: itself, the story a merge folded it into, or a
        document's story (raises `queries.NotFound`)."""
        return queries.locate(self.conn, story_id)

    def brief(self, story_id: str, format: str = "markdown") -> str:
        """The story's brief as `markdown`, `html` or `json` (what `rashomon show` prints)."""
        from rashomon import brief

        return brief.render(self.story(story_id), format)

    def search(self, text: str, *, limit: int = 20, kind: str = "all", raw: bool = False) -> list[SearchHit]:
        """Full-text search over documents and facts."""
        return queries.search(self.conn, text, limit, kind, raw)

    def entities(self, *, name: str | None = None, type: str | None = None, limit: int | None = 100) -> list[EntitySummary]:
        return queries.entities(self.conn, name, type, limit)

    def events(self) -> list[Event]:
        return queries.events(self.conn)

    def timeline(self, a: str, b: str) -> list[Event]:
        """Events between actors `a` and `b` across all stories (`rashomon.timeline.dyad`)."""
        return _timeline().dyad(self.events(), a, b)

    def plot_timeline(self, a: str, b: str, path: str | Path) -> list[Event]:
        """Draw the dyad's timeline to `path` (SVG or PNG by suffix); returns its events."""
        timeline = _timeline()
        found = timeline.dyad(self.events(), a, b)
        timeline.plot(found, a, b, path)
        return found

    def export(self, out: str | Path | TextIO, format: str = "jsonl", table: str = "stories") -> int:
        """Write one table (`stories`, `documents`, `facts`, `events`, `entities`, `quantities`)
        as jsonl, csv or parquet; returns the number of rows written."""
        return export_mod.export(self.conn, format, table, out)

    def stats(self) -> StoreStats:
        return queries.stats(self.conn, self.path)

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    # -- internals ----------------------------------------------------------------------------

    def _ingest_lock(self) -> _Lock:
        return _Lock(self.path + ".lock")


class _Lock:
    """An exclusive advisory lock on a side file; released by the OS if the process dies."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _Lock:
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError as exc:
            raise StoreReadOnly(f"{self.path}: cannot create the ingest lock file ({exc.strerror}); the store's "
                                "directory must be writable to ingest") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the ingest lock file ({exc.strerror})") from exc
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self.fd)
            raise StoreBusy(f"another ingest is running on this store ({self.path} is locked)") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
