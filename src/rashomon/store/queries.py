"""Read-only questions to the store: stories, one story, search, entities, events, stats."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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
    offset: int = 0,
) -> list[StorySummary]:
    """Stories, newest first (by event date, else latest publish date); filters combine with AND.
    `offset` skips that many stories of the ordered list (paging: `limit` stories from there).

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
              LIMIT ? OFFSET ?"""
    args.extend([limit if limit else -1, max(0, offset)])
    return [StorySummary(*row) for row in conn.execute(sql, args)]


@dataclass(frozen=True)
class Located:
    """Which stored story an id asked for leads to, and how: `story` (it is that story's id),
    `merged` (a merge folded that story into `story_id`: bookmarks and citations of the old id
    lead here) or `document` (a document id: its story)."""

    asked: str
    story_id: str
    via: Literal["story", "merged", "document"]

    @property
    def merged_into(self) -> str | None:
        """The absorbing story's id when `asked` is the id of a story folded away, else None."""
        return self.story_id if self.via == "merged" else None


def locate(conn: sqlite3.Connection, story_id: str) -> Located:
    """The stored story `story_id` names (raises `NotFound`): one indexed read for a live
    story's id; see `_elsewhere` for the others."""
    if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None:
        return Located(story_id, story_id, "story")
    return _elsewhere(conn, story_id)


def _elsewhere(conn: sqlite3.Connection, story_id: str) -> Located:
    """Where an id that is no stored story leads: one more indexed read in the redirect table
    (whose rows always name a stored story, chains already followed), then one for a document."""
    moved = conn.execute("SELECT new_id FROM story_redirects WHERE old_id = ?", (story_id,)).fetchone()
    if moved is not None:
        return Located(story_id, moved[0], "merged")
    owner = conn.execute("SELECT story_id FROM documents WHERE id = ?", (story_id,)).fetchone()
    if owner is None or owner[0] is None:
        raise NotFound(f"no story or document {story_id!r} in the store")
    return Located(story_id, owner[0], "document")


def story(conn: sqlite3.Connection, story_id: str) -> Analysis:
    """One story with its documents, as an `Analysis` (what the brief renderers take).
    A document id is accepted too and gives that document's story; the id of a story a merge
    folded away gives the story that absorbed it (`locate` says which happened). A live story's
    id costs the one read it always did."""
    row = conn.execute("SELECT id, data FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        found_id = _elsewhere(conn, story_id).story_id
        row = conn.execute("SELECT id, data FROM stories WHERE id = ?", (found_id,)).fetchone()
        if row is None:  # a document whose new story the running ingest has not built yet
            raise NotFound(f"story {found_id!r} of {story_id!r} is not built yet; try again once the ingest has finished")
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
    common word would cost a read of most of the store. (The snippet query bounds the rowids by a
    range too: FTS5 uses a rowid range, while an IN list alone is checked after walking every match.)"""
    query = fts_query(text, raw)
    if not query.strip():
        return []
    ranking = query if raw else ranking_query(text)
    hits: list[SearchHit] = []
    if kind in ("all", "documents"):
        top = _ranked(conn, "documents_fts", "bm25(documents_fts, 5.0, 1.0)", query, ranking, limit)
        if top:
            marks = ",".join("?" * len(top))
            rows = conn.execute(
                f"""SELECT d.rowid AS rid, d.id, d.story_id, d.title, snippet(documents_fts, 1, '[', ']', '…', 16) AS snip
                    FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid
                    WHERE documents_fts MATCH ? AND documents_fts.rowid BETWEEN ? AND ? AND documents_fts.rowid IN ({marks})""",
                (query, min(top), max(top), *top),
            )
            hits.extend(SearchHit("document", r["story_id"], r["id"], r["title"], r["snip"], -top[r["rid"]]) for r in rows)
    if kind in ("all", "facts"):
        top = _ranked(conn, "facts_fts", "bm25(facts_fts)", query, ranking, limit)
        if top:
            marks = ",".join("?" * len(top))
            rows = conn.execute(
                f"""SELECT f.rowid AS rid, f.story_id, f.status, s.headline, snippet(facts_fts, 0, '[', ']', '…', 24) AS snip,
                           (SELECT document_id FROM fact_spans WHERE fact_rowid = f.rowid LIMIT 1) AS doc
                    FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid JOIN stories s ON s.id = f.story_id
                    WHERE facts_fts MATCH ? AND facts_fts.rowid BETWEEN ? AND ? AND facts_fts.rowid IN ({marks})""",
                (query, min(top), max(top), *top),
            )
            hits.extend(
                SearchHit("fact", r["story_id"], r["doc"], r["headline"], r["snip"], -top[r["rid"]], r["status"]) for r in rows
            )
    hits.sort(key=lambda h: -h.score)
    return hits


# Function words: in a multi-word query they must still occur, but they are not used to rank.
STOPWORDS = frozenset(
    "a an and are as at be by for from had has have he her his in is it its of on or she that the their they "
    "this to was were which with".split()
)


def ranking_query(text: str) -> str:
    """The FTS5 query that ranks `text`: its words without function words, when it has others.

    Why: BM25 gives a word found in most rows (almost) no weight — FTS5 clamps an IDF at or
    below zero to 1e-6 — yet computing that IDF counts every row holding the word: ~25 ms for
    "the" over 1.7 million facts. Ranking by the content words and checking the function words
    on the candidates keeps the AND semantics at a fraction of the cost."""
    words = _TOKEN.findall(text)
    content = [w for w in words if w.casefold() not in STOPWORDS]
    return fts_query(" ".join(content)) if content and len(content) < len(words) else fts_query(text)


def _ranked(conn: sqlite3.Connection, table: str, score: str, query: str, ranking: str, limit: int) -> dict[int, float]:
    """rowid -> score of the best `limit` rows matching `query`, ranked by `ranking` (the same
    query without its function words, see `ranking_query`)."""
    if ranking == query:
        return _top(conn, table, score, query, limit)
    pool = limit * 5
    candidates = _top(conn, table, score, ranking, pool)
    if not candidates:
        return {}
    # FTS5 takes a rowid range but not an IN list: walk the query's matches between the candidates.
    holding = {r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?",
                                          (query, min(candidates), max(candidates)))} & candidates.keys()  # fmt: skip
    best = sorted(((rid, s) for rid, s in candidates.items() if rid in holding), key=lambda r: r[1])[:limit]
    if len(best) < limit and len(candidates) == pool:
        return _top(conn, table, score, query, limit)  # the function words are rare among the candidates: rank it all
    return dict(best)


# At most this many matches of one index are scored per query. Scoring reads each match's
# positions and column sizes, so a word found in most of a 100,000-article store would cost
# ~100 ms to rank in full; below the cap (any word that is not very common) ranking is exact.
RANK_CAP = 4000


def _top(conn: sqlite3.Connection, table: str, score: str, query: str, limit: int) -> dict[int, float]:
    """rowid -> BM25 score (lower is better) of the `limit` best matches, from the index alone.

    The plan depends on how many rows match. A probe walks the matches newest first (rowid
    order, native to FTS5, no scoring) up to `RANK_CAP` + 1. If the query matches at most
    `RANK_CAP` rows, all of them are ranked: the exact BM25 top `limit`. If it matches more — every
    word very common, like "said" — only the `RANK_CAP` most recently stored matches are ranked
    (a rowid range the FTS index seeks to), by the same BM25 with the same whole-index IDF: the
    best matches among the newest ones, at a bounded cost."""
    probe = conn.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?", (query, RANK_CAP + 1)
    ).fetchall()
    if len(probe) <= RANK_CAP:
        rows = conn.execute(f"SELECT rowid, {score} AS score FROM {table} WHERE {table} MATCH ? ORDER BY score LIMIT ?", (query, limit))
    else:
        floor = probe[RANK_CAP - 1][0]
        rows = conn.execute(
            f"SELECT rowid, {score} AS score FROM {table} WHERE {table} MATCH ? AND rowid >= ? ORDER BY score LIMIT ?",
            (query, floor, limit),
        )
    return {r[0]: r[1] for r in rows}


def entities(
    conn: sqlite3.Connection, name: str | None = None, type: str | None = None, limit: int | None = 100
) -> list[EntitySummary]:
    """Entities by name and type across stories, most widely reported first.

    An indexed read of the entity summary (`entityindex`), which every story write keeps exact;
    `name` matches the name or an alias (case-insensitive substring), `type` the entity type."""
    where, args = [], []
    if name:
        where.append(
            "(i.name LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(i.aliases) WHERE json_each.value LIKE ? ESCAPE '\\'))"
        )
        args.extend([_like(name), _like(name)])
    if type:
        where.append("i.type_key = ?")
        args.append(type.upper())
    sql = f"""SELECT i.id, i.name, i.type, i.country, i.n_stories, i.n_documents, i.aliases, i.roles, i.last_date
              FROM entity_index i {'WHERE ' + ' AND '.join(where) if where else ''}
              ORDER BY i.n_stories DESC, i.n_documents DESC, i.name
              {'LIMIT ?' if limit else ''}"""
    if limit:
        args.append(limit)
    out = []
    for row in conn.execute(sql, args).fetchall():
        story_ids = [r[0] for r in conn.execute("SELECT story_id FROM entity_stories WHERE entity_id = ? ORDER BY story_id", (row[0],))]
        out.append(
            EntitySummary(row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), json.loads(row[7]), story_ids, row[8])
        )
    return out


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
