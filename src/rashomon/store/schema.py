"""The store's SQLite schema, as an ordered list of migrations numbered by `PRAGMA user_version`.

Why migrations and not `CREATE TABLE IF NOT EXISTS`: a store is kept for months and read by newer
versions of rashomon. Each migration runs once, in its own transaction, and bumps the version;
a store written by a *newer* rashomon is refused instead of being silently misread.

Layout (one row per thing a user asks about, plus the data needed to rebuild a story):

* `documents` — one row per stored article: raw-bytes hash and URL (the two identities ingest
  checks), origin, clean text and metadata, its story; `layers` holds its per-document analysis
  (mentions, dates, quantities, events, claims) as compressed JSON so a story can be rebuilt
  without parsing again;
* `stories`, `story_documents` — stories and their membership; `stories.data` is the story as
  the JSON contract describes it (what `show` prints);
* `entities`/`aliases`, `facts`/`fact_spans`, `events`, `quantities` — the story layers, flat,
  for listing, filtering and export; rewritten whenever their story is rebuilt;
* `dirty_stories` — stories that got new members and wait for their rebuild (see
  `incremental.py`); a crashed run leaves them here and the next run rebuilds them;
* `cluster_meta`, `cluster_stories`, `cluster_postings` — the streaming clusterer's state, row by
  row, so a batch writes only what it touched and reads only what its articles can reach
  (`cluster_stories.last`, migration 3, lets the horizon test skip a story's JSON);
* `files`, `ingest_runs`, `ingest_log` — what was read, when, and what became of it;
* `entity_index`, `entity_stories` — the entity summary across stories, maintained by every story
  write in its transaction (see `entityindex.py`; migration 2 backfills it);
* `story_redirects` — where the id of a story a merge folded away leads now (migration 4): the
  story that absorbed it, always a stored story (chains are flattened as they form, so a lookup
  is one indexed read);
* `documents_fts`, `facts_fts` — FTS5 indexes over documents (title, text) and facts, kept in
  sync by triggers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from rashomon.store import entityindex

Migration = str | Callable[[sqlite3.Connection], None]


def _entity_summary(conn: sqlite3.Connection) -> None:
    """2: the entity summary (`entityindex`), backfilled from the stories already stored."""
    for statement in statements(entityindex.SCHEMA):
        conn.execute(statement)
    entityindex.rebuild(conn)


def _story_dates(conn: sqlite3.Connection) -> None:
    """3: each clusterer story's latest publish date beside its JSON, so an ingest reads only the
    stories its articles can reach (see clusterstate.py); the index on (id, last) answers the
    horizon test without reading the JSON. Filled in place from the JSON of an older store; a
    store whose version was set back (tests do) keeps the column it has."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(cluster_stories)")}
    if "last" not in columns:
        conn.execute("ALTER TABLE cluster_stories ADD COLUMN last TEXT")
    conn.execute("UPDATE cluster_stories SET last = json_extract(data, '$.last')")
    conn.execute("CREATE INDEX IF NOT EXISTS cluster_stories_last ON cluster_stories(id, last)")


def _story_redirects(conn: sqlite3.Connection) -> None:
    """4: old id -> absorbing story for every story a merge folds away from now on, so a bookmark
    or a citation of a story id never dies (see `write.redirect_stories`). Nothing to backfill: a
    store of version 3 kept no trace of the stories its merges deleted. `IF NOT EXISTS`: a store
    whose version was set back (tests do) keeps the rows it has."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS story_redirects (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL) WITHOUT ROWID"
    )
    # a later merge of the target rewrites every row that points at it: found by this index
    conn.execute("CREATE INDEX IF NOT EXISTS story_redirects_new ON story_redirects(new_id)")


MIGRATIONS: list[Migration] = [
    # 1: the first schema
    """
    CREATE TABLE documents (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        raw_hash TEXT NOT NULL UNIQUE,
        url TEXT,
        origin TEXT,
        path TEXT,
        kind TEXT,
        outlet TEXT,
        title TEXT,
        published TEXT,
        author TEXT,
        dateline TEXT,
        language TEXT,
        text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]',
        copy_of TEXT,
        shares_text_with TEXT NOT NULL DEFAULT '[]',
        story_id TEXT,
        run_id INTEGER,
        added TEXT NOT NULL
    );
    CREATE UNIQUE INDEX documents_url ON documents(url) WHERE url IS NOT NULL;
    CREATE INDEX documents_story ON documents(story_id);

    CREATE TABLE layers (
        document_rowid INTEGER PRIMARY KEY REFERENCES documents(rowid),
        data BLOB NOT NULL
    );

    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        headline TEXT,
        event_date TEXT,
        first_published TEXT,
        last_published TEXT,
        n_documents INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        n_facts INTEGER NOT NULL,
        n_corroborated INTEGER NOT NULL,
        n_disputed INTEGER NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        data BLOB NOT NULL
    );
    CREATE INDEX stories_date ON stories(event_date);

    CREATE TABLE story_documents (
        story_id TEXT NOT NULL,
        document_id TEXT NOT NULL UNIQUE,
        PRIMARY KEY (story_id, document_id)
    );

    CREATE TABLE entities (
        rowid INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT,
        country TEXT,
        roles TEXT NOT NULL DEFAULT '[]',
        n_documents INTEGER NOT NULL
    );
    CREATE INDEX entities_story ON entities(story_id);
    CREATE INDEX entities_name ON entities(name COLLATE NOCASE);

    CREATE TABLE aliases (
        entity_rowid INTEGER NOT NULL REFERENCES entities(rowid),
        alias TEXT NOT NULL
    );
    CREATE INDEX aliases_entity ON aliases(entity_rowid);
    CREATE INDEX aliases_alias ON aliases(alias COLLATE NOCASE);

    CREATE TABLE facts (
        rowid INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        sources INTEGER NOT NULL,
        conflicts TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX facts_story ON facts(story_id);

    CREATE TABLE fact_spans (
        fact_rowid INTEGER NOT NULL REFERENCES facts(rowid),
        document_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        quote TEXT
    );
    CREATE INDEX fact_spans_fact ON fact_spans(fact_rowid);

    CREATE TABLE events (
        rowid INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        date TEXT,
        source_actor TEXT,
        action TEXT NOT NULL,
        target_actor TEXT,
        mode TEXT,
        negated INTEGER NOT NULL,
        location TEXT,
        status TEXT,
        document_id TEXT,
        start INTEGER,
        "end" INTEGER,
        data TEXT NOT NULL
    );
    CREATE INDEX events_story ON events(story_id);

    CREATE TABLE quantities (
        rowid INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        document_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT,
        value REAL,
        unit TEXT,
        qualifier TEXT,
        value_max REAL
    );
    CREATE INDEX quantities_story ON quantities(story_id);

    CREATE TABLE dirty_stories (
        story_id TEXT PRIMARY KEY,
        first_batch INTEGER NOT NULL,
        last_batch INTEGER NOT NULL
    );

    CREATE TABLE cluster_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE cluster_stories (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE cluster_postings (key TEXT PRIMARY KEY, ids TEXT NOT NULL);

    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        sources INTEGER NOT NULL,
        run_id INTEGER,
        read TEXT NOT NULL
    );

    CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        paths TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        stories_touched INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE ingest_log (
        run_id INTEGER NOT NULL,
        origin TEXT NOT NULL,
        raw_hash TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX ingest_log_run ON ingest_log(run_id);
    CREATE INDEX ingest_log_hash ON ingest_log(raw_hash, status);

    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;

    CREATE VIRTUAL TABLE facts_fts USING fts5(
        text, content='facts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER facts_ai AFTER INSERT ON facts BEGIN
        INSERT INTO facts_fts(rowid, text) VALUES (new.rowid, new.text);
    END;
    CREATE TRIGGER facts_ad AFTER DELETE ON facts BEGIN
        INSERT INTO facts_fts(facts_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    END;
    """,
    # 2: the entity summary, kept by every story write (see entityindex.py)
    _entity_summary,
    # 3: each clusterer story's latest publish date beside its JSON (see `_story_dates`)
    _story_dates,
    # 4: where the id of a story folded away by a merge leads (see `_story_redirects`)
    _story_redirects,
]

VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """The file is not a store this version of rashomon can use."""


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies keep their inner semicolons)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement: {current.strip()[:60]}")
    return out


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store up to `VERSION`, one migration per transaction; returns the final version.

    The connection must be in autocommit mode (`isolation_level=None`). The version is read again
    under the write lock, so two processes opening a new store at once migrate it once.
    """
    current = version(conn)
    if current > VERSION:
        raise SchemaError(
            f"store schema version {current} is newer than this rashomon understands ({VERSION}); upgrade rashomon"
        )
    while current < VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = version(conn)
            if current < VERSION:
                step = MIGRATIONS[current]
                if callable(step):
                    step(conn)
                else:
                    for statement in statements(step):
                        conn.execute(statement)
                current += 1
                conn.execute(f"PRAGMA user_version = {current}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current
