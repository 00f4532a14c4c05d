"""Incremental, idempotent, crash-safe ingest into the store.

For each input file:

1. a file whose exact bytes were ingested before is skipped without decoding (re-ingest is fast);
2. otherwise its articles are read, and an article is new only if neither its raw-bytes hash nor
   its URL is in the store (nor earlier in this run);
3. new articles are cleaned, parsed and analysed one document at a time (`pipeline.analyse_document`,
   outside any transaction) and collected into batches;
4. each batch is assigned to stories by the persisted streaming clusterer, which reads from the
   store only the posting lists of the batch's articles and the stories those can reach within
   the clusterer's horizon (`clusterstate.StoredClusterer`: memory follows the open stories, not
   the size of the store); the stories it touched are marked *dirty*. With the clusterer's
   second thoughts on, a batch may also split a stored story (some members move to a new one)
   or merge two (the absorbed story disappears): stored members' rows follow their story, both
   sides are marked dirty, and a story folded away is deleted with its layers and its share of
   the entity summary, in the batch's transaction (`_Regroup`); its id is redirected to the
   story that absorbed it (`write.redirect_stories`), which is built in that batch if it never was;
5. documents, layers, dirty marks, the clusterer's changed rows, the ingest log and the markers
   of completed files are written in **one transaction per batch**, together with the rebuild of
   every dirty story that has *settled*: not touched for `settle` batches, or dirty for
   `max_age` batches, and all of them when the run ends. A rebuild reads the members' stored
   per-document layers (old members are never parsed again), detects copies within the story
   and runs `pipeline.build_story`.

Why settle: a story's facts are compared across all its members, so a rebuild costs more than
linear in its size. A story that is still receiving articles in this run would be rebuilt after
every batch for nothing; waiting until it goes quiet (or the run ends) rebuilds each touched
story about once per run — and only touched stories are ever rebuilt.

A process killed at any point leaves the store as of the last committed batch, with the clusterer
state and the dirty marks matching it; the next run skips what was committed, redoes the rest,
and rebuilds the stories left dirty. Copies are detected among the members of a story (copies of
one report land in one story).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from rashomon import ingest, limits
from rashomon.errors import InputError
from rashomon.model import Source
from rashomon.readers import read_path
from rashomon.store import write
from rashomon.store.codec import decode_layers
from rashomon.store.records import FailedInput, IngestProgress, IngestReport
from rashomon.store.work import Analysed, analyse_sources

if TYPE_CHECKING:  # spaCy and the analysis stages load only when there is something new to analyse
    from rashomon.cluster import ClusterItem, StoryMove
    from rashomon.pipeline import DocumentLayers
    from rashomon.store.clusterstate import StoredClusterer

ProgressCallback = Callable[[IngestProgress], None]


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class _Pending:
    source: Source
    file_key: str | None


@dataclass
class _New:
    """An analysed article waiting for its batch's transaction."""

    layers: DocumentLayers
    source: Source
    story_id: str = ""


@dataclass
class _Regroup:
    """What a batch's second thoughts did to stories that were stored already (see `_assign`)."""

    moves: list[StoryMove] = field(default_factory=list)  # as the clusterer reported them
    moved: dict[str, str] = field(default_factory=dict)  # stored document -> its story now
    gone: set[str] = field(default_factory=set)  # stories folded into another: deleted
    merged_into: dict[str, str] = field(default_factory=dict)  # each of `gone` -> the story holding it now
    touched: set[str] = field(default_factory=set)  # stories that lost or gained members: rebuilt
    splits: int = 0
    merges: int = 0

    @classmethod
    def of(cls, moves: Sequence[StoryMove], story_of: Callable[[str], str], new: set[str]) -> _Regroup:
        """Replay the clusterer's moves (in order: a document may move twice, and a split's new
        story may be folded away later in the batch). Documents of this batch are written with
        their final story; the others' rows are moved."""
        out = cls(moves=list(moves))
        for move in moves:
            out.touched.update((move.source, move.target))
            if move.kind == "merge":
                out.gone.add(move.source)
                out.merges += 1
                # a target folded away later in the batch passes what it absorbed on (a -> b, b -> c: a -> c)
                out.merged_into.update({old: move.target for old, new in out.merged_into.items() if new == move.source})
                out.merged_into[move.source] = move.target
            else:
                out.splits += 1
            out.moved.update((d, "") for d in move.docs if d not in new)
        out.moved = {d: story_of(d) for d in out.moved}
        out.touched -= out.gone
        return out


@dataclass
class Ingester:
    """One ingest run over one connection (the caller holds the store's ingest lock)."""

    conn: sqlite3.Connection
    batch_size: int = 32
    progress: ProgressCallback | None = None
    force: bool = False
    workers: int = 1  # processes that clean, parse and analyse (1: in this process)
    settle: int = 4  # rebuild a dirty story once no batch has touched it for this many batches
    max_age: int = 32  # ... or once it has been dirty for this many batches, touched or not
    report: IngestReport = field(init=False)
    _clusterer: StoredClusterer | None = field(default=None, init=False)
    _batch_no: int = field(default=0, init=False)
    _seen_hashes: set[str] = field(default_factory=set, init=False)
    _seen_urls: set[str] = field(default_factory=set, init=False)
    _log: list[tuple] = field(default_factory=list, init=False)
    _files_read: list[tuple[str, str, int]] = field(default_factory=list, init=False)
    _open_files: dict[str, int] = field(default_factory=dict, init=False)  # file key -> articles not yet committed
    _failed_files: set[str] = field(default_factory=set, init=False)  # an article failed: read the file again next run
    _files_done: int = field(default=0, init=False)
    _files_total: int = field(default=0, init=False)
    _in_flight: deque = field(default_factory=deque, init=False)  # (batch, Future[list[Analysed]]) in order

    def run(self, paths: Iterable[str | Path]) -> IngestReport:
        start = time.perf_counter()
        paths = [str(p) for p in paths]
        cur = self.conn.execute(
            "INSERT INTO ingest_runs(started, paths) VALUES (?, json(?))", (now_iso(), _json_list(paths))
        )
        self.report = IngestReport(run_id=int(cur.lastrowid or 0))
        # Stories a killed run left dirty are due at once.
        self.conn.execute("UPDATE dirty_stories SET first_batch = -1000000, last_batch = -1000000")
        files, expand_errors = ingest.expand(paths)
        self._files_total = len(files)
        for error in expand_errors:
            self._fail(error.path, error.reason)
        pending: list[_Pending] = []
        with self._analyser() as submit:
            for path in files:
                pending.extend(self._read_file(path))
                self._files_done += 1
                while len(pending) >= self.batch_size:
                    self._in_flight.append((pending[: self.batch_size], submit(pending[: self.batch_size])))
                    pending = pending[self.batch_size :]
                    self._drain(self.workers)
                self._tick()
            if pending:
                self._in_flight.append((pending, submit(pending)))
            self._drain(0)
        self._flush([], [], final=True)
        self.report.seconds = time.perf_counter() - start
        r = self.report
        self.conn.execute(
            """UPDATE ingest_runs SET finished = ?, read = ?, added = ?, skipped = ?, failed = ?, stories_touched = ?
               WHERE id = ?""",
            (now_iso(), r.read, r.added, r.skipped, r.failed, r.stories_touched, r.run_id),
        )
        return self.report

    # -- reading ------------------------------------------------------------------------------

    def _read_file(self, path: Path) -> list[_Pending]:
        """The file's articles that are not in the store yet (none if the file was ingested before)."""
        try:
            # Refuse an oversized file before hashing it: that would read all of it into memory.
            limits.check_file_size(path.stat().st_size, str(path))
            file_key = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            self._fail(str(path), exc.strerror or str(exc))
            return []
        except InputError as exc:
            self._fail(exc.path, exc.reason)
            return []
        if not self.force:
            row = self.conn.execute("SELECT sources FROM files WHERE sha256 = ?", (file_key,)).fetchone()
            if row is not None:
                self.report.read += row[0]
                self.report.skipped += row[0]
                return []
        sources, bad = read_path(path)
        for error in bad:
            self._fail(error.path, error.reason)
        if not sources and bad:
            return []  # the whole file is unusable: not marked as read, so a fixed file is retried
        out = []
        for source in sources:
            self.report.read += 1
            url = source.meta.get("url")
            if self._known(source.raw_hash, url):
                self.report.skipped += 1
                continue
            self._remember(source.raw_hash, url)
            out.append(_Pending(source, file_key))
        self._files_read.append((file_key, str(path), len(sources)))
        self._open_files[file_key] = len(out)
        return out

    def _known(self, raw_hash: str, url: str | None) -> bool:
        if raw_hash in self._seen_hashes or (url and url in self._seen_urls):
            return True
        if self.conn.execute("SELECT 1 FROM documents WHERE raw_hash = ?", (raw_hash,)).fetchone():
            return True
        # Skipped before because, once cleaned, its URL was already stored: no need to clean it again.
        if self.conn.execute("SELECT 1 FROM ingest_log WHERE raw_hash = ? AND status = 'skipped'", (raw_hash,)).fetchone():
            return True
        return bool(url and self.conn.execute("SELECT 1 FROM documents WHERE url = ?", (url,)).fetchone())

    def _remember(self, raw_hash: str, url: str | None) -> None:
        self._seen_hashes.add(raw_hash)
        if url:
            self._seen_urls.add(url)

    def _fail(self, path: str, reason: str, raw_hash: str | None = None, file_key: str | None = None) -> None:
        if file_key is not None:
            self._failed_files.add(file_key)
        self.report.failed += 1
        self.report.errors.append(FailedInput(path, reason))
        self._log.append((path, raw_hash, "failed", reason))

    def _tick(self) -> None:
        if self.progress:
            r = self.report
            self.progress(IngestProgress(self._files_done, self._files_total, r.read, r.added, r.skipped, r.failed))

    # -- one batch ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _analyser(self) -> Iterator[Callable[[Sequence[_Pending]], Future]]:
        """A function that starts the analysis of a batch and returns its future.

        With one worker the analysis runs here, at once. With more, batches go to a process pool
        (spawned: the parent holds a database connection and maybe threads) while this process
        assigns stories and commits the batches that came back, in order."""
        if self.workers <= 1:

            def here(batch: Sequence[_Pending]) -> Future:
                future: Future = Future()
                future.set_result(analyse_sources([p.source for p in batch]))
                return future

            yield here
            return
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn")) as pool:
            try:
                yield lambda batch: pool.submit(analyse_sources, [p.source for p in batch])
            except BaseException:
                for _, future in self._in_flight:
                    future.cancel()
                raise

    def _drain(self, keep: int) -> None:
        """Commit analysed batches, oldest first, until at most `keep` are still in flight."""
        while len(self._in_flight) > keep:
            batch, future = self._in_flight.popleft()
            self._flush(batch, future.result())

    def _flush(self, batch: Sequence[_Pending], analysed: Sequence[Analysed], final: bool = False) -> None:
        self._batch_no += 1
        new = self._accept(batch, analysed)
        for item in batch:
            if item.file_key is not None:
                self._open_files[item.file_key] -= 1
        try:
            regroup = self._assign(new) if new else _Regroup()
            self._commit(new, regroup, final)
        except BaseException:
            self._clusterer = None  # its in-memory state ran ahead of the store: reload next time
            raise
        if self._clusterer is not None:
            self._clusterer.trim()  # committed: what it forgets is read again when an article reaches it
        self._tick()

    def _accept(self, batch: Sequence[_Pending], analysed: Sequence[Analysed]) -> list[_New]:
        """The analysed articles to store; failures are recorded, and an article whose cleaned URL
        is already stored is skipped."""
        file_of = {p.source.raw_hash: p.file_key for p in batch}
        out: list[_New] = []
        for result in analysed:
            source = result.source
            file_key = file_of.get(source.raw_hash)
            if result.layers is None:
                self._fail(result.failed_path or source.origin or source.path, result.reason or "failed",
                           source.raw_hash, file_key)  # fmt: skip
                continue
            doc = result.layers.document
            if doc.url and doc.url != source.meta.get("url"):
                if self._known("", doc.url):
                    self.report.skipped += 1
                    self._log.append((source.origin or source.path, source.raw_hash, "skipped", f"URL already stored: {doc.url}"))
                    continue
                self._seen_urls.add(doc.url)
            out.append(_New(result.layers, source))
        return out

    @property
    def clusterer(self) -> StoredClusterer:
        from rashomon.store import clusterstate

        if self._clusterer is None:
            self._clusterer = clusterstate.load(self.conn)
        return self._clusterer

    def _assign(self, new: list[_New]) -> _Regroup:
        """Stream the batch into the clusterer in publish-date order (undated last), as
        `cluster_items` does. An article's story is the one it ends the batch in: a later article
        of the batch may split its story or merge it into another; so may it with stored stories."""
        order = sorted(new, key=lambda n: (n.layers.document.published is None, n.layers.document.published or ""))
        items: list[ClusterItem] = []
        for item in order:
            assert item.layers.cluster_item is not None
            items.append(item.layers.cluster_item)
        clusterer = self.clusterer
        clusterer.prepare(items)  # the batch's posting lists, in one read
        for cluster_item in items:
            clusterer.add(cluster_item)
        for item in order:
            item.story_id = clusterer.story_of(item.layers.document.id)
        return _Regroup.of(clusterer.drain_moves(), clusterer.story_of, {item.layers.document.id for item in new})

    def _commit(self, new: list[_New], regroup: _Regroup, final: bool) -> None:
        now = now_iso()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for item in new:
                origin = item.source.origin or item.source.path
                write.insert_document(conn, item.layers, item.source.raw_hash, origin, item.story_id, self.report.run_id, now)
                self._log.append((origin, item.source.raw_hash, "added", None))
            # Splits and merges: stored members follow their story; a story folded away goes.
            write.move_documents(conn, regroup.moved)
            for story_id in sorted(regroup.gone):
                write.delete_story(conn, story_id)
            touched = sorted({item.story_id for item in new} | regroup.touched)
            batch = self._batch_no
            conn.executemany(
                """INSERT INTO dirty_stories(story_id, first_batch, last_batch) VALUES (?, ?, ?)
                   ON CONFLICT(story_id) DO UPDATE SET last_batch = excluded.last_batch""",
                [(sid, batch, batch) for sid in touched],
            )
            due = [
                row[0]
                for row in conn.execute(
                    "SELECT story_id FROM dirty_stories WHERE ? OR last_batch <= ? OR first_batch <= ? ORDER BY story_id",
                    (final, batch - self.settle, batch - self.max_age),
                )
            ]
            # A story that absorbed one folded away is built now if it never was (a story this batch
            # made): the old id's redirect must lead to a stored story from this commit on.
            due = sorted(set(due) | {t for t in set(regroup.merged_into.values())
                                     if conn.execute("SELECT 1 FROM stories WHERE id = ?", (t,)).fetchone() is None})  # fmt: skip
            fresh = {item.layers.document.id: item.layers for item in new}
            created = sum(self._rebuild(story_id, fresh, now) for story_id in due)
            conn.executemany("DELETE FROM dirty_stories WHERE story_id = ?", [(sid,) for sid in due])
            write.redirect_stories(conn, regroup.merged_into)  # old ids lead to the absorbing story
            if new:  # the clusterer (and spaCy behind it) is imported only when there is something new
                from rashomon.store import clusterstate

                clusterstate.save(conn, self.clusterer)
            conn.executemany(
                "INSERT INTO ingest_log(run_id, origin, raw_hash, status, reason, at) VALUES (?, ?, ?, ?, ?, ?)",
                [(self.report.run_id, *row, now) for row in self._log],
            )
            # A file is marked read once all its articles are committed, unless one of them failed
            # to clean or analyse: then the next run reads it again (its stored articles are skipped).
            done = [f for f in self._files_read if self._open_files.get(f[0], 0) <= 0]
            marked = [f for f in done if f[0] not in self._failed_files]
            conn.executemany(
                "INSERT OR REPLACE INTO files(sha256, path, sources, run_id, read) VALUES (?, ?, ?, ?, ?)",
                [(key, path, n, self.report.run_id, now) for key, path, n in marked],
            )
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk or an I/O error ends the transaction):
            # a second ROLLBACK would fail and hide the error that matters.
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        self._log.clear()
        finished = set(done)  # a set: this runs after every batch over every file read so far
        self._files_read = [f for f in self._files_read if f not in finished]
        self.report.added += len(new)
        self.report.stories_touched += len(due)
        self.report.stories_new += created
        self.report.stories_split += regroup.splits
        self.report.stories_merged += regroup.merges

    def _rebuild(self, story_id: str, fresh: dict[str, DocumentLayers], now: str) -> bool:
        """Rebuild one story from its members' layers (new ones in memory, the rest from the store)."""
        from rashomon import dedup
        from rashomon.pipeline import build_story

        members = [row[0] for row in self.conn.execute("SELECT document_id FROM story_documents WHERE story_id = ?", (story_id,))]
        if not members:  # not left so by a batch (a merged-away story goes with its moves): nothing to show
            write.delete_story(self.conn, story_id)
            return False
        layers = [fresh[d] for d in members if d in fresh]
        stored = [d for d in members if d not in fresh]
        if stored:
            layers.extend(load_layers(self.conn, stored))
        documents = [l.document for l in layers]
        copies = dedup.detect_copies(documents)
        dedup.apply(documents, copies)
        write.update_copy_links(self.conn, documents)
        story = build_story(layers, copies.groups)
        story.id = story_id
        return write.write_story(self.conn, story, documents, now)


def load_layers(conn: sqlite3.Connection, document_ids: Sequence[str]) -> list[DocumentLayers]:
    """Stored documents with their per-document layers, without parsing anything again."""
    out = []
    for chunk in range(0, len(document_ids), 500):
        ids = document_ids[chunk : chunk + 500]
        rows = conn.execute(
            f"""SELECT d.*, l.data AS layers FROM documents d JOIN layers l ON l.document_rowid = d.rowid
                WHERE d.id IN ({','.join('?' * len(ids))})""",
            ids,
        )
        out.extend(decode_layers(write.document_from_row(row), row["layers"]) for row in rows)
    return out


def _json_list(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False)
