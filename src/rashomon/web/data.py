"""Read helpers the web app needs beyond the `Store` API: one document, headlines by id, and a
dyad's events prefiltered in SQL.

They use the store's own connection and tables read-only. Each is a single indexed query, so a
page stays fast on a large store (the Store API would load a whole story for one document, or
every event for one pair of actors).
"""

from __future__ import annotations

import json
import sqlite3

from rashomon.model import Document, Event
from rashomon.store.codec import decode
from rashomon.store.queries import NotFound
from rashomon.store.write import document_from_row


def document(conn: sqlite3.Connection, doc_id: str) -> tuple[Document, str | None]:
    """The document and the id of its story (raises `NotFound`)."""
    row = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise NotFound(f"no document {doc_id!r} in the store")
    return document_from_row(row), row["story_id"]


def headlines(conn: sqlite3.Connection, story_ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Story id -> (headline, event date) for the ids that exist."""
    if not story_ids:
        return {}
    marks = ",".join("?" * len(story_ids))
    rows = conn.execute(f"SELECT id, headline, event_date FROM stories WHERE id IN ({marks})", story_ids)
    return {r[0]: (r[1], r[2]) for r in rows}


def dyad_candidates(conn: sqlite3.Connection, a: str, b: str) -> list[Event]:
    """Events whose actors may be the pair (either direction); `timeline.dyad` makes the exact
    choice. The prefilter keeps a page on a large store from decoding every stored event."""
    def cond(col: str) -> str:
        return f"({col} = ? COLLATE NOCASE OR {col} LIKE ?)"

    sql = f"""SELECT data FROM events
              WHERE ({cond('source_actor')} AND {cond('target_actor')}) OR ({cond('source_actor')} AND {cond('target_actor')})"""
    args = [a, a + " %", b, b + " %", b, b + " %", a, a + " %"]
    return [decode(Event, json.loads(r[0])) for r in conn.execute(sql, args)]
