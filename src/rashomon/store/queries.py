"""Read-only questions to the store: stories, one story, search, entities, events, stats."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from rashomon.model import Analysis, Event, Story
from rashomon.store import schema
from rashomon.store.codec import decode, unpack
from rashomon.store.records import EntitySummary, SearchHit, StoreStats, StorySummary
from rashomon.store.write import document_from_row

_TOKEN = re.compile(r"\w+", re.UNICODE)


class NotFound(KeyError):
    """No story (or document) with that id."""

    def __str__(self) -> str:
        return str(self.args[0])


def fts_query(text: str, raw: bool = False) -> str:
    """User text as an FTS5 query: every word must occur (each quoted, so punctuation and FTS
    keywords in the text cannot break the query). `raw=True` passes FTS5 syntax through
    (`"exact phrase"`, `OR`, `NEAR(a b)`, `prefix*`)."""
    if raw:
        return text
    words = _TOKEN.findall(text)
    return " ".join(f'"{w}"' for w in words)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def stories(
    conn: sqlite3.Connection,
    since: str | None = None,
    until: str | None = None,
    entity: str | None = None,
    text: str | None = None,
    limit: int | None = 50,
) -> list[StorySummary]:
    """Stories, newest first (by event date, else latest publish date); filters combine with AND.

    `since`/`until` are ISO dates (inclusive, prefixes like `2013-08` work); `entity` matches a
    resolved entity's name or alias (case-insensitive substring); `text` is a full-text query over
    the story's documents and facts."""
    where, args = [], []
    day = "COALESCE(s.event_date, s.last_published)"
    if since:
        where.append(f"{day} >= ?")
        args.append(since)
    if until:
        where.append(f"substr({day}, 1, ?) <= ?")
        args.extend([len(until), until])
    if entity:
        where.append(
            """s.id IN (SELECT story_id FROM entities WHERE name LIKE ? ESCAPE '\\'
                        UNION SELECT e.story_id FROM aliases a JOIN entities e ON e.rowid = a.entity_rowid
                        WHERE a.alias LIKE ? ESCAPE '\\')"""
        )
        args.extend([_like(entity), _like(entity)])
    if text:
        query = fts_query(text)
        if not query:
            return []
        where.append(
            """s.id IN (SELECT d.story_id FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid
                        WHERE documents_fts MATCH ?
                        UNION SELECT f.story_id FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid
                        WHERE facts_fts MATCH ?)"""
        )
        args.extend([query, query])
    sql = f"""SELECT id, headline, event_date, n_documents, n_sources, n_facts, n_corroborated, n_disputed,
                     first_published, last_published, updated
              FROM stories s {'WHERE ' + ' AND '.join(where) if where else ''}
              ORDER BY {day} IS NULL, {day} DESC, s.updated DESC, s.id
              {'LIMIT ?' if limit else ''}"""
    if limit:
        args.append(limit)
    return [StorySummary(*row) for row in conn.execute(sql, args)]


def story(conn: sqlite3.Connection, story_id: str) -> Analysis:
    """One story with its documents, as an `Analysis` (what the brief renderers take).
    A document id is accepted too and gives that document's story."""
    row = conn.execute("SELECT id, data FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        owner = conn.execute("SELECT story_id FROM documents WHERE id = ?", (story_id,)).fetchone()
        if owner is None or owner[0] is None:
            raise NotFound(f"no story or document {story_id!r} in the store")
        row = conn.execute("SELECT id, data FROM stories WHERE id = ?", (owner[0],)).fetchone()
    found = decode(Story, unpack(row["data"]))
    docs = {
        r["id"]: document_from_row(r)
        for r in conn.execute("SELECT * FROM documents WHERE story_id = ?", (row["id"],))
    }
    return Analysis(documents=[docs[d] for d in found.documents if d in docs], stories=[found])


def search(conn: sqlite3.Connection, text: str, limit: int = 20, kind: str = "all", raw: bool = False) -> list[SearchHit]:
    """Best-matching documents and facts (BM25; a title match weighs 5x a body match).
    Each kind returns at most `limit` hits; the lists are merged by score.

    Two steps per index: rank on the FTS index alone, then build snippets and join rows for the
    top hits only — a snippet reads the document's text, and making one for every match of a
    common word would cost a read of most of the store."""
    query = fts_query(text, raw)
    if not query.strip():
        return []
    hits: list[SearchHit] = []
    if kind in ("all", "documents"):
        top = _top(conn, "documents_fts", "bm25(documents_fts, 5.0, 1.0)", query, limit)
        if top:
            marks = ",".join("?" * len(top))
            rows = conn.execute(
                f"""SELECT d.rowid AS rid, d.id, d.story_id, d.title, snippet(documents_fts, 1, '[', ']', '…', 16) AS snip
                    FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid
                    WHERE documents_fts MATCH ? AND documents_fts.rowid IN ({marks})""",
                (query, *top),
            )
            hits.extend(SearchHit("document", r["story_id"], r["id"], r["title"], r["snip"], -top[r["rid"]]) for r in rows)
    if kind in ("all", "facts"):
        top = _top(conn, "facts_fts", "bm25(facts_fts)", query, limit)
        if top:
            marks = ",".join("?" * len(top))
            rows = conn.execute(
                f"""SELECT f.rowid AS rid, f.story_id, f.status, s.headline, snippet(facts_fts, 0, '[', ']', '…', 24) AS snip,
                           (SELECT document_id FROM fact_spans WHERE fact_rowid = f.rowid LIMIT 1) AS doc
                    FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid JOIN stories s ON s.id = f.story_id
                    WHERE facts_fts MATCH ? AND facts_fts.rowid IN ({marks})""",
                (query, *top),
            )
            hits.extend(
                SearchHit("fact", r["story_id"], r["doc"], r["headline"], r["snip"], -top[r["rid"]], r["status"]) for r in rows
            )
    hits.sort(key=lambda h: -h.score)
    return hits


def _top(conn: sqlite3.Connection, table: str, score: str, query: str, limit: int) -> dict[int, float]:
    """rowid -> BM25 score (lower is better) of the `limit` best matches, from the index alone."""
    rows = conn.execute(f"SELECT rowid, {score} AS score FROM {table} WHERE {table} MATCH ? ORDER BY score LIMIT ?", (query, limit))
    return {r[0]: r[1] for r in rows}


def entities(
    conn: sqlite3.Connection, name: str | None = None, type: str | None = None, limit: int | None = 100
) -> list[EntitySummary]:
    """Entities by name and type across stories, most widely reported first."""
    where, args = [], []
    if name:
        where.append(
            "(e.name LIKE ? ESCAPE '\\' OR e.rowid IN (SELECT entity_rowid FROM aliases WHERE alias LIKE ? ESCAPE '\\'))"
        )
        args.extend([_like(name), _like(name)])
    if type:
        where.append("e.type = ?")
        args.append(type.upper())
    sql = f"""SELECT e.name AS name, e.type AS type, MAX(e.country) AS country, COUNT(DISTINCT e.story_id) AS n_stories,
                     SUM(e.n_documents) AS n_docs, json_group_array(e.rowid) AS rowids,
                     json_group_array(DISTINCT e.story_id) AS story_ids
              FROM entities e {'WHERE ' + ' AND '.join(where) if where else ''}
              GROUP BY e.name COLLATE NOCASE, e.type
              ORDER BY n_stories DESC, n_docs DESC, e.name
              {'LIMIT ?' if limit else ''}"""
    if limit:
        args.append(limit)
    out = []
    for row in conn.execute(sql, args).fetchall():
        rowids = json.loads(row["rowids"])
        aliases = _aliases(conn, rowids)
        roles: list[str] = []
        for (r,) in conn.execute(f"SELECT roles FROM entities WHERE rowid IN ({','.join('?' * len(rowids))})", rowids):
            roles.extend(x for x in json.loads(r) if x not in roles)
        out.append(
            EntitySummary(row["name"], row["type"], row["country"], row["n_stories"], row["n_docs"],
                          aliases, roles, sorted(json.loads(row["story_ids"])))
        )  # fmt: skip
    return out


def _aliases(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[str]:
    rows = conn.execute(
        f"SELECT DISTINCT alias FROM aliases WHERE entity_rowid IN ({','.join('?' * len(rowids))}) ORDER BY alias", list(rowids)
    )
    return [r[0] for r in rows]


def events(conn: sqlite3.Connection) -> list[Event]:
    """Every stored story event, oldest first (undated last)."""
    rows = conn.execute("SELECT data FROM events ORDER BY date IS NULL, date, rowid")
    return [decode(Event, json.loads(r[0])) for r in rows]


def stats(conn: sqlite3.Connection, path: str) -> StoreStats:
    def one(sql: str) -> int:
        return conn.execute(sql).fetchone()[0] or 0

    status = dict(conn.execute("SELECT status, COUNT(*) FROM facts GROUP BY status").fetchall())
    size = sum(Path(p).stat().st_size for p in (path, path + "-wal") if Path(p).exists())
    return StoreStats(
        path=path,
        schema_version=schema.version(conn),
        size_bytes=size,
        documents=one("SELECT COUNT(*) FROM documents"),
        stories=one("SELECT COUNT(*) FROM stories"),
        facts=sum(status.values()),
        corroborated=status.get("corroborated", 0),
        disputed=status.get("disputed", 0),
        single_source=status.get("single-source", 0),
        entities=one("SELECT COUNT(*) FROM entities"),
        events=one("SELECT COUNT(*) FROM events"),
        quantities=one("SELECT COUNT(*) FROM quantities"),
        ingest_runs=one("SELECT COUNT(*) FROM ingest_runs"),
        last_ingest=conn.execute("SELECT MAX(finished) FROM ingest_runs").fetchone()[0],
    )
