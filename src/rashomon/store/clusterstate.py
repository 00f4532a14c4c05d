"""The streaming clusterer's state in the store: written row by row, read only where a batch can reach.

Writing. `StoryClusterer.to_dict()` is the whole state; written whole after every batch it would
make the cost of a batch grow with the size of the store. `TrackedClusterer` notes which stories
and which index keys each `add` changed, and `save` writes only those rows, in the batch's
transaction, so the stored state always matches the stored documents.

Reading. Read whole, the state grows without end with the store (a 100,000-article store's
clusterer took 2.9 GB before a 200-article ingest could start). `StoredClusterer` reads instead
what an article can reach, when the clusterer first asks for it:

* a posting list (`cluster_postings` row) when one of the batch's index keys looks it up or
  indexes into it. Rows are read whole: a row holds at most `posting_cap` ids;
* a story's date (`cluster_stories.last`, through the covering index `cluster_stories_last
  (id, last)`, without the row's JSON) for every story of those lists: the clusterer drops
  stories quiet for more than `horizon_days` before ranking candidates (`_last_of`);
* a story's JSON only when it ranks among an article's candidates within the horizon (a story
  with no dated member and an article with no publish date are never past it);
* a document's story when the clusterer checks whether it has seen the document before.

Nothing outside these reads can change a decision, so an ingest decides exactly what a clusterer
holding the whole state would (tests/test_store_bounded.py). `prepare` reads a batch's posting
rows in one query per 500 keys, before the batch is clustered; the reads above are the fallback
that makes the equality hold whatever `prepare` was told. Between batches, once the store holds
everything in memory (after COMMIT), `trim` forgets all of it when it outgrows its caps, so the
memory of an ingest follows the stories its articles can reach, not the size of the store.

A story row is `cluster._story_dict`: its sparse sums and, since lead embeddings joined the
decision, the float64 sum of its members' embeddings as a JSON list (exact round trip, so an
incremental ingest decides exactly as a batch run). Rows written before that load with no
embedding sum; the story's next member starts one. The row's `last` column (schema 3) repeats
the JSON's `last`, written together by `save`.

Second thoughts (merges and splits, `cluster.StoryClusterer`). The clusterer reports every
story and index key a change touches through `_changed`, and a story a merge folded away through
`_gone`: `save` writes the first and deletes the second's row. A split check needs the items of
all the story's members, stored in earlier batches and runs too: each document's item (without
text and embedding, recomputed from the text) is in its layers blob (`codec.encode_layers`), and
`_member_items` reads the ones this process does not hold, so a clusterer that forgot them
(`trim`) and one holding the whole state read the same items and decide the same. The ingest
replays the moves on the documents' rows (`incremental.py`).

It hooks `_changed`, `_gone`, `_member_items`, `_merge`, `_split` (bulk reads first), `_last_of`
and `add`, and reads `_stories`/`_postings`/`_assignment`/`_items`. A pluggable
state backend on the clusterer would remove that coupling (asked for in the store's reports).
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from rashomon.cluster import (
    KEY_SPACES,
    ClusterItem,
    ClusterParams,
    StoryClusterer,
    _Story,
    _story_dict,
    _story_from_dict,
    default_params,
    tfidf,
)
from rashomon.store.codec import decode_cluster_item

CHUNK = 500  # ids per IN (...) query: well under SQLite's variable limit
MAX_STORIES = 4096  # stories kept between batches (a batch of 32 reaches at most 32 x 12)
MAX_KEYS = 65536  # posting lists kept between batches (a batch of 32 looks up about 32 x 24)
MAX_ITEMS = 4096  # members' items kept for split checks between batches (with text: a few KB each)
# A story's date without its JSON: SQLite would pick the primary key's index and read the row
# (and the JSON's overflow pages before the column added after it); the covering index does not.
LAST_OF = "SELECT last FROM cluster_stories INDEXED BY cluster_stories_last WHERE id = ?"


class TrackedClusterer(StoryClusterer):
    """A StoryClusterer that remembers which stories and index keys changed, and which stories a
    merge folded away, since `clean()`; and reads the members' items a split check needs from
    the store when it does not hold them (`_member_items`)."""

    def __init__(self, params: ClusterParams | None = None, conn: sqlite3.Connection | None = None) -> None:
        super().__init__(params)
        self._conn = conn
        self.dirty_stories: set[str] = set()
        self.dirty_keys: set[str] = set()
        self.gone_stories: set[str] = set()
        self.reads = {"postings": 0, "stories": 0, "lasts": 0, "items": 0}  # rows read, for tests and benchmarks

    def _changed(self, story_ids: Iterable[str], keys: Iterable[str]) -> None:
        self.dirty_stories.update(story_ids)
        self.dirty_keys.update(keys)

    def _gone(self, story_id: str) -> None:
        self.dirty_stories.discard(story_id)
        self.gone_stories.add(story_id)

    def _member_items(self, docs: list[str]) -> dict[str, ClusterItem] | None:
        """The members' items: held in memory (every article that joined a story that may still be
        checked, this batch's included), else read from the store (one query per chunk). None when one is nowhere (a document stored before items were
        kept): the check is skipped. What is known is the same whatever this process forgot
        (`trim`), so a clusterer reading the store in parts decides as one holding all of it."""
        missing = [d for d in docs if d not in self._items]
        found = read_items(self._conn, missing) if missing and self._conn is not None else {}
        self.reads["items"] += len(found)
        out = {}
        for d in docs:
            item = self._items.get(d) or found.get(d)
            if item is None:
                return None
            out[d] = item
        if self.params.split_tau is not None:
            self._items.update(found)  # a story checked again reads them from memory
        return out

    def clean(self) -> None:
        self.dirty_stories.clear()
        self.dirty_keys.clear()
        self.gone_stories.clear()


def read_items(conn: sqlite3.Connection, docs: Sequence[str]) -> dict[str, ClusterItem]:
    """Stored documents' cluster items (rows written before items were kept have none)."""
    out: dict[str, ClusterItem] = {}
    for chunk in _chunks(docs):
        rows = conn.execute(
            f"""SELECT d.id, d.text, l.data FROM documents d JOIN layers l ON l.document_rowid = d.rowid
                WHERE d.id IN ({_marks(chunk)})""",
            chunk,
        )
        for doc_id, text, blob in rows:
            item = decode_cluster_item(text, blob)
            if item is not None:
                out[doc_id] = item
    return out


class _Postings(dict):
    """Posting lists, each read from the store the first time it is looked up or indexed into."""

    def __init__(self, owner: StoredClusterer) -> None:
        super().__init__()
        self._owner = owner
        self.absent: set[str] = set()  # keys known to have no stored row

    def _ensure(self, key: str) -> None:
        if not dict.__contains__(self, key) and key not in self.absent:
            self._owner.fetch_postings([key])

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self._ensure(key)
        return dict.get(self, key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self._ensure(key)
        return dict.setdefault(self, key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._ensure(key)
        return dict.__contains__(self, key)

    def __getitem__(self, key: str) -> Any:
        self._ensure(key)
        return dict.__getitem__(self, key)


class _Stories(dict):
    """Stories in memory; a missing one is read from the store when the clusterer asks for it.

    The clusterer ranks candidates by their dates alone (`StoredClusterer._last_of`, through the
    index), so only stories within the horizon that rank are ever read whole."""

    def __init__(self, owner: StoredClusterer) -> None:
        super().__init__()
        self._owner = owner

    def __missing__(self, story_id: str) -> _Story:
        story = self._owner.fetch_story(story_id)
        if story is None:
            raise KeyError(story_id)
        return story

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return default


class StoredClusterer(TrackedClusterer):
    """A TrackedClusterer over the store's rows, holding only what its articles can reach.

    Decides exactly as `load_all(conn)` would (see the module docstring). `stories()`,
    `to_dict()` and `retire` see only what is in memory; the store's rows are the whole state."""

    _conn: sqlite3.Connection

    def __init__(self, conn: sqlite3.Connection, params: ClusterParams, next_id: int = 0) -> None:
        super().__init__(params, conn)
        self._next = next_id
        self._stories = _Stories(self)
        self._postings = _Postings(self)
        self._lasts: dict[str, str | None] = {}  # stored `last` of stories asked about (small)

    # -- what a batch can reach -------------------------------------------------------------

    def prepare(self, items: Iterable[ClusterItem]) -> None:
        """Read the posting lists of a batch's articles in bulk, before the batch is clustered
        (the keys depend on the article alone: its most specific entities and lemmas)."""
        floor = self.params.idf_floor
        keys: set[str] = set()
        for item in items:
            keys.update(self._keys({"ent": tfidf(item.entities, floor), "lem": tfidf(item.lemmas, floor)}))
        self.fetch_postings(sorted(keys))

    # -- reads ----------------------------------------------------------------------------------

    def fetch_postings(self, keys: Sequence[str]) -> None:
        postings = self._postings
        wanted = [k for k in keys if not dict.__contains__(postings, k) and k not in postings.absent]
        for chunk in _chunks(wanted):
            found = dict(
                self._conn.execute(f"SELECT key, ids FROM cluster_postings WHERE key IN ({_marks(chunk)})", chunk).fetchall()
            )
            for key in chunk:
                if key in found:
                    dict.__setitem__(postings, key, OrderedDict.fromkeys(json.loads(found[key])))
                    self.reads["postings"] += 1
                else:
                    postings.absent.add(key)

    def last_of(self, story_id: str) -> str | None:
        if story_id not in self._lasts:
            row = self._conn.execute(LAST_OF, (story_id,)).fetchone()
            if row is None:
                raise KeyError(story_id)
            self._lasts[story_id] = row[0]
            self.reads["lasts"] += 1
        return self._lasts[story_id]

    def fetch_story(self, story_id: str) -> _Story | None:
        if story_id in self.gone_stories:  # merged away in this batch: its row goes at the save
            return None
        row = self._conn.execute("SELECT data FROM cluster_stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        story = _story_from_dict(json.loads(row[0]))
        dict.__setitem__(self._stories, story_id, story)
        self._lasts[story_id] = story.last
        for doc in story.docs:
            self._assignment[doc] = story_id
        self.reads["stories"] += 1
        return story

    # -- hooks ----------------------------------------------------------------------------------

    def add(self, item: ClusterItem) -> str:
        if item.doc_id not in self._assignment:  # stored before? (its story may not be in memory)
            row = self._conn.execute(
                "SELECT story_id FROM documents WHERE id = ? AND story_id IS NOT NULL", (item.doc_id,)
            ).fetchone()
            if row is not None and self._stories.get(row[0]) is not None:
                self._assignment[item.doc_id] = row[0]
        return super().add(item)

    def _last_of(self, story_id: str) -> str | None:
        if dict.__contains__(self._stories, story_id):
            return dict.__getitem__(self._stories, story_id).last
        return self.last_of(story_id)

    def _gone(self, story_id: str) -> None:
        super()._gone(story_id)
        self._lasts.pop(story_id, None)

    def _merge(self, a: _Story, b: _Story) -> _Story:
        """Read the posting lists the folded story may be in (its entity and lemma terms) in
        bulk first, instead of one query per term."""
        small = a if len(a.docs) <= len(b.docs) else b
        self.fetch_postings(sorted({f"{space}:{t}" for space in KEY_SPACES for t in small.sums.get(space, ())}))
        return super()._merge(a, b)

    def _split(self, story: _Story, kept: list[str], leaving: list[str], items: dict[str, ClusterItem]) -> _Story:
        """Read the members' posting lists in bulk first (a split re-indexes every member)."""
        self.prepare(items[d] for d in story.docs)
        return super()._split(story, kept, leaving, items)

    # -- memory -----------------------------------------------------------------------------------

    def held(self) -> tuple[int, int]:
        """(stories, posting lists) in memory."""
        return len(self._stories), len(self._postings)

    def trim(self, max_stories: int = MAX_STORIES, max_keys: int = MAX_KEYS, max_items: int = MAX_ITEMS) -> bool:
        """Forget everything read from the store if it outgrew the caps; True if it did.

        Only call when the store holds the in-memory state (after the batch's COMMIT): what is
        forgotten is read again when an article reaches it."""
        if self.dirty_stories or self.dirty_keys or self.gone_stories:
            raise RuntimeError("trim before save: the clusterer holds changes the store does not")
        if len(self._items) > max_items:  # members' items for split checks: the store has them too
            self._items = {}
            self._pairs = {}
        if len(self._stories) <= max_stories and len(self._postings) + len(self._postings.absent) <= max_keys:
            return False
        self._stories = _Stories(self)
        self._postings = _Postings(self)
        self._assignment = {}
        self._lasts = {}
        self._items = {}
        self._pairs = {}
        return True


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _marks(chunk: Sequence[str]) -> str:
    return ",".join("?" * len(chunk))


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM cluster_meta")}


def load(conn: sqlite3.Connection) -> StoredClusterer:
    """The clusterer as the store last committed it, reading rows only as articles reach them
    (a fresh one with the shipped parameters if the store has none)."""
    meta = _meta(conn)
    if "params" not in meta:
        return StoredClusterer(conn, default_params())
    return StoredClusterer(conn, ClusterParams.from_dict(json.loads(meta["params"])), int(meta["next"]))


def load_all(conn: sqlite3.Connection) -> TrackedClusterer:
    """The whole committed state in memory (what `load` read before schema 3): for tests that
    check `load` decides the same, and for tools that need every story."""
    meta = _meta(conn)
    if "params" not in meta:
        return TrackedClusterer(default_params(), conn)
    data: dict[str, Any] = {
        "params": json.loads(meta["params"]),
        "next": int(meta["next"]),
        "stories": [json.loads(row[0]) for row in conn.execute("SELECT data FROM cluster_stories ORDER BY rowid")],
        "postings": {key: json.loads(ids) for key, ids in conn.execute("SELECT key, ids FROM cluster_postings")},
    }
    clusterer = TrackedClusterer.from_dict(data)
    assert isinstance(clusterer, TrackedClusterer)
    clusterer._conn = conn  # members' items for split checks are read from the documents' layers
    return clusterer


def save(conn: sqlite3.Connection, clusterer: TrackedClusterer) -> None:
    """Write the rows changed since the last save (call inside the batch's transaction)."""
    conn.execute(
        "INSERT OR REPLACE INTO cluster_meta(key, value) VALUES ('params', ?), ('next', ?)",
        (json.dumps(clusterer.params.to_dict()), str(clusterer._next)),
    )
    stories = clusterer._stories
    changed = [dict.__getitem__(stories, sid) for sid in sorted(clusterer.dirty_stories - clusterer.gone_stories)]
    conn.executemany(
        """INSERT INTO cluster_stories(id, data, last) VALUES (?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET data = excluded.data, last = excluded.last""",
        [(story.id, json.dumps(_story_dict(story), separators=(",", ":")), story.last) for story in changed],
    )
    conn.executemany("DELETE FROM cluster_stories WHERE id = ?", [(sid,) for sid in sorted(clusterer.gone_stories)])
    rows = []
    dropped = []
    postings = clusterer._postings
    for key in sorted(clusterer.dirty_keys):
        posting = dict.get(postings, key)
        if posting:
            rows.append((key, json.dumps(list(posting))))
        else:
            dropped.append((key,))
    conn.executemany("INSERT INTO cluster_postings(key, ids) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET ids = excluded.ids", rows)
    conn.executemany("DELETE FROM cluster_postings WHERE key = ?", dropped)
    if isinstance(clusterer, StoredClusterer):
        # a key that had no row and now has one (or the reverse) is known again from memory
        postings.absent.difference_update(k for k, _ in rows)
        postings.absent.update(k for (k,) in dropped)
    clusterer.clean()
