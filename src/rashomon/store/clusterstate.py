"""The streaming clusterer's state in the store, written row by row as batches touch it.

`StoryClusterer.to_dict()` is the whole state; written whole after every batch it would make the
cost of a batch grow with the size of the store. `TrackedClusterer` notes which stories and which
index keys each `add` changed, and `save` writes only those rows, in the batch's transaction, so
the stored state always matches the stored documents.

A story row is `cluster._story_dict`: its sparse sums and, since lead embeddings joined the
decision, the float64 sum of its members' embeddings as a JSON list (exact round trip, so an
incremental ingest decides exactly as a batch run). Rows written before that load with no
embedding sum; the story's next member starts one.

It hooks `StoryClusterer._index` (the one place a story and its index keys change) and reads
`_stories`/`_postings`. A public "changed since" API on the clusterer would remove that coupling
(asked for in the store's report).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from rashomon.cluster import ClusterParams, StoryClusterer, _story_dict, default_params


class TrackedClusterer(StoryClusterer):
    """A StoryClusterer that remembers which stories and index keys changed since `clean()`."""

    def __init__(self, params: ClusterParams | None = None) -> None:
        super().__init__(params)
        self.dirty_stories: set[str] = set()
        self.dirty_keys: set[str] = set()

    def _index(self, story_id: str, vecs: dict[str, Any]) -> None:
        self.dirty_stories.add(story_id)
        self.dirty_keys.update(self._keys(vecs))
        super()._index(story_id, vecs)

    def clean(self) -> None:
        self.dirty_stories.clear()
        self.dirty_keys.clear()


def load(conn: sqlite3.Connection) -> TrackedClusterer:
    """The clusterer as the store last committed it (a fresh one with the shipped parameters if none)."""
    meta = dict(conn.execute("SELECT key, value FROM cluster_meta"))
    if "params" not in meta:
        return TrackedClusterer(default_params())
    data: dict[str, Any] = {
        "params": json.loads(meta["params"]),
        "next": int(meta["next"]),
        "stories": [json.loads(row[0]) for row in conn.execute("SELECT data FROM cluster_stories ORDER BY rowid")],
        "postings": {key: json.loads(ids) for key, ids in conn.execute("SELECT key, ids FROM cluster_postings")},
    }
    clusterer = TrackedClusterer.from_dict(data)
    assert isinstance(clusterer, TrackedClusterer)
    return clusterer


def save(conn: sqlite3.Connection, clusterer: TrackedClusterer) -> None:
    """Write the rows changed since the last save (call inside the batch's transaction)."""
    conn.execute(
        "INSERT OR REPLACE INTO cluster_meta(key, value) VALUES ('params', ?), ('next', ?)",
        (json.dumps(clusterer.params.to_dict()), str(clusterer._next)),
    )
    conn.executemany(
        "INSERT INTO cluster_stories(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
        [(sid, json.dumps(_story_dict(clusterer._stories[sid]), separators=(",", ":"))) for sid in sorted(clusterer.dirty_stories)],
    )
    rows = []
    dropped = []
    for key in sorted(clusterer.dirty_keys):
        posting = clusterer._postings.get(key)
        if posting:
            rows.append((key, json.dumps(list(posting))))
        else:
            dropped.append((key,))
    conn.executemany("INSERT INTO cluster_postings(key, ids) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET ids = excluded.ids", rows)
    conn.executemany("DELETE FROM cluster_postings WHERE key = ?", dropped)
    clusterer.clean()
