"""The entity summary: one row per entity name across the store, kept exact by every story write.

Why: the entity list ("who is most widely reported?") aggregates every resolved entity of every
story. Computed on demand that is a GROUP BY over the whole `entities` table (hundreds of
milliseconds on a 10,000-article store, seconds at 100,000). Instead each story write applies the
*difference* its rebuild makes, in the same transaction, so the list is an indexed read.

Two tables (schema migration 2):

* `entity_stories` — one row per (entity key, story): what that story says about the name (its
  document count, spellings, aliases, roles, countries, the story's day). A story's rebuild
  replaces its rows; the old rows are exactly what must be taken away from the totals.
* `entity_index` — one row per key (name without ASCII case, as `COLLATE NOCASE` compares, and
  type): number of stories and documents, and per-value counts of spellings, aliases, roles and
  countries, from which the shown name (the spelling most stories use), the country (the largest,
  as `MAX(country)` would), the aliases and the roles are derived. `last_date` is the latest day
  (event date, else last publication) of its stories, read from an index.

A count per value, not a set, is what makes removal exact: an alias disappears from the summary
when the last story that gave it is rebuilt without it. `aggregate_from_scratch` recomputes the
same numbers from the story tables; the migration uses it to backfill an existing store and the
tests compare the two after incremental ingests.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rashomon.model import Entity

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

SCHEMA = """
CREATE TABLE entity_index (
    id INTEGER PRIMARY KEY,
    name_key TEXT NOT NULL,
    type_key TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT,
    country TEXT,
    n_stories INTEGER NOT NULL,
    n_documents INTEGER NOT NULL,
    last_date TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    roles TEXT NOT NULL DEFAULT '[]',
    counts TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX entity_index_key ON entity_index(name_key, type_key);
CREATE INDEX entity_index_rank ON entity_index(n_stories DESC, n_documents DESC, name);
CREATE INDEX entity_index_type ON entity_index(type_key, n_stories DESC, n_documents DESC, name);

CREATE TABLE entity_stories (
    entity_id INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    n_documents INTEGER NOT NULL,
    day TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (entity_id, story_id)
) WITHOUT ROWID;
CREATE INDEX entity_stories_story ON entity_stories(story_id);
CREATE INDEX entity_stories_day ON entity_stories(entity_id, day);
"""

_FACETS = ("names", "aliases", "roles", "countries")


def name_key(name: str) -> str:
    """The name as SQLite's NOCASE collation compares it (ASCII letters folded, nothing else)."""
    return name.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class EntityRow:
    """What the store keeps of one resolved entity of one story (a row of `entities` + its aliases)."""

    name: str
    type: str | None
    country: str | None
    roles: tuple[str, ...]
    n_documents: int
    aliases: tuple[str, ...]

    @classmethod
    def of(cls, entity: Entity) -> EntityRow:
        return cls(entity.name, entity.type, entity.country, tuple(entity.roles), len(entity.documents),
                   tuple(stored_aliases(entity)))  # fmt: skip


def stored_aliases(entity: Entity) -> list[str]:
    """The aliases written to the `aliases` table: distinct, non-empty, other than the name."""
    return sorted({a for a in entity.aliases if a and a != entity.name})


@dataclass
class Share:
    """One story's contribution to one key."""

    n_documents: int = 0
    facets: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in _FACETS})

    def add(self, row: EntityRow) -> None:
        self.n_documents += row.n_documents
        self.facets["names"].add(row.name)
        self.facets["aliases"].update(row.aliases)
        self.facets["roles"].update(row.roles)
        if row.country:
            self.facets["countries"].add(row.country)

    def data(self) -> str:
        return json.dumps({f: sorted(v) for f, v in self.facets.items()}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def load(cls, n_documents: int, data: str) -> Share:
        raw = json.loads(data)
        return cls(n_documents, {f: set(raw.get(f, ())) for f in _FACETS})


Key = tuple[str, str]  # (name_key, type or "")


def shares(rows: Iterable[EntityRow]) -> dict[Key, Share]:
    """A story's contribution per key (two entities of one story with one name count once)."""
    out: dict[Key, Share] = {}
    for row in rows:
        out.setdefault((name_key(row.name), row.type or ""), Share()).add(row)
    return out


@dataclass
class Totals:
    """The running sums behind one `entity_index` row."""

    type: str | None
    n_stories: int = 0
    n_documents: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {f: {} for f in _FACETS})

    def apply(self, share: Share, sign: int) -> None:
        self.n_stories += sign
        self.n_documents += sign * share.n_documents
        for facet, values in share.facets.items():
            bucket = self.counts[facet]
            for value in values:
                left = bucket.get(value, 0) + sign
                if left > 0:
                    bucket[value] = left
                else:
                    bucket.pop(value, None)

    def name(self, fallback: str) -> str:
        """The spelling most stories use (ties: the smallest)."""
        names = self.counts["names"]
        return min(names, key=lambda n: (-names[n], n)) if names else fallback

    def row(self, fallback_name: str) -> tuple:
        countries = self.counts["countries"]
        return (
            self.name(fallback_name), self.type, max(countries) if countries else None, self.n_stories, self.n_documents,
            json.dumps(sorted(self.counts["aliases"]), ensure_ascii=False), json.dumps(sorted(self.counts["roles"]), ensure_ascii=False),
            json.dumps(self.counts, ensure_ascii=False, sort_keys=True),
        )  # fmt: skip


def replace_story(conn: sqlite3.Connection, story_id: str, day: str | None, rows: Sequence[EntityRow]) -> None:
    """Make the summary reflect `rows` as the story's entities (none: the story is gone).
    The caller owns the transaction: it runs inside the story's write."""
    old = {
        (r[0], r[1]): (r[2], Share.load(r[3], r[4]))
        for r in conn.execute(
            """SELECT i.name_key, i.type_key, es.entity_id, es.n_documents, es.data
               FROM entity_stories es JOIN entity_index i ON i.id = es.entity_id WHERE es.story_id = ?""",
            (story_id,),
        )
    }
    new = shares(rows)
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        entity_id = before[0] if before else None
        if before and after and before[1].facets == after.facets and before[1].n_documents == after.n_documents:
            conn.execute("UPDATE entity_stories SET day = ? WHERE entity_id = ? AND story_id = ?", (day, entity_id, story_id))
            _refresh_date(conn, entity_id)
            continue
        row = conn.execute(
            "SELECT id, name, type, n_stories, n_documents, counts FROM entity_index WHERE name_key = ? AND type_key = ?", key
        ).fetchone()
        if row is None:
            assert after is not None  # an old share always has its index row
            totals = Totals(type=next(r.type for r in rows if (name_key(r.name), r.type or "") == key))
            fallback = min(after.facets["names"])
        else:
            entity_id = row[0]
            totals = Totals(row[2], row[3], row[4], json.loads(row[5]))
            fallback = row[1]
        if before:
            totals.apply(before[1], -1)
            conn.execute("DELETE FROM entity_stories WHERE entity_id = ? AND story_id = ?", (entity_id, story_id))
        if after:
            totals.apply(after, +1)
        if totals.n_stories <= 0:
            conn.execute("DELETE FROM entity_index WHERE id = ?", (entity_id,))
            continue
        if entity_id is None:
            cur = conn.execute(
                """INSERT INTO entity_index(name_key, type_key, name, type, country, n_stories, n_documents, aliases, roles, counts)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (*key, *totals.row(fallback)),
            )
            entity_id = cur.lastrowid
        else:
            conn.execute(
                """UPDATE entity_index SET name = ?, type = ?, country = ?, n_stories = ?, n_documents = ?, aliases = ?,
                       roles = ?, counts = ? WHERE id = ?""",
                (*totals.row(fallback), entity_id),
            )
        if after:
            conn.execute(
                "INSERT INTO entity_stories(entity_id, story_id, n_documents, day, data) VALUES (?, ?, ?, ?, ?)",
                (entity_id, story_id, after.n_documents, day, after.data()),
            )
        _refresh_date(conn, entity_id)


def _refresh_date(conn: sqlite3.Connection, entity_id: int | None) -> None:
    conn.execute(
        "UPDATE entity_index SET last_date = (SELECT MAX(day) FROM entity_stories WHERE entity_id = ?1) WHERE id = ?1",
        (entity_id,),
    )


def story_rows(conn: sqlite3.Connection, story_id: str | None = None) -> Iterable[tuple[str, str | None, EntityRow]]:
    """(story id, story day, entity row) from the story tables, by story; one story or all."""
    where = "WHERE e.story_id = ?" if story_id is not None else ""
    cursor = conn.execute(
        f"""SELECT e.story_id, COALESCE(s.event_date, s.last_published), e.name, e.type, e.country, e.roles, e.n_documents,
                   (SELECT json_group_array(alias) FROM aliases WHERE entity_rowid = e.rowid)
            FROM entities e LEFT JOIN stories s ON s.id = e.story_id {where} ORDER BY e.story_id, e.rowid""",
        (story_id,) if story_id is not None else (),
    )
    for sid, day, name, type_, country, roles, n_docs, aliases in cursor:
        yield sid, day, EntityRow(name, type_, country, tuple(json.loads(roles)), n_docs, tuple(json.loads(aliases)))


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute the whole summary from the story tables (the migration's backfill; also used
    after bulk copies that bypass `write_story`). The caller owns the transaction."""
    conn.execute("DELETE FROM entity_stories")
    conn.execute("DELETE FROM entity_index")
    totals: dict[Key, Totals] = {}
    names: dict[Key, str] = {}
    ids: dict[Key, int] = {}
    pending: list[tuple] = []  # (key, story id, share, day)

    def flush_story(sid: str, day: str | None, rows: list[EntityRow]) -> None:
        for key, share in shares(rows).items():
            if key not in totals:
                totals[key] = Totals(type=next(r.type for r in rows if (name_key(r.name), r.type or "") == key))
                names[key] = min(share.facets["names"])
                ids[key] = len(ids) + 1
            totals[key].apply(share, +1)
            pending.append((ids[key], sid, share.n_documents, day, share.data()))

    current: tuple[str, str | None] | None = None
    rows: list[EntityRow] = []
    for sid, day, row in story_rows(conn):
        if current is not None and sid != current[0]:
            flush_story(*current, rows)
            rows = []
        current = (sid, day)
        rows.append(row)
        if len(pending) > 20_000:
            conn.executemany("INSERT INTO entity_stories(entity_id, story_id, n_documents, day, data) VALUES (?, ?, ?, ?, ?)", pending)
            pending.clear()
    if current is not None:
        flush_story(*current, rows)
    conn.executemany("INSERT INTO entity_stories(entity_id, story_id, n_documents, day, data) VALUES (?, ?, ?, ?, ?)", pending)
    conn.executemany(
        """INSERT INTO entity_index(id, name_key, type_key, name, type, country, n_stories, n_documents, aliases, roles, counts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(ids[key], *key, *t.row(names[key])) for key, t in totals.items()],
    )
    conn.execute("UPDATE entity_index SET last_date = (SELECT MAX(day) FROM entity_stories WHERE entity_id = entity_index.id)")


def aggregate_from_scratch(conn: sqlite3.Connection) -> dict[Key, dict]:
    """The summary computed directly from the story tables with SQL (GROUP BY over `entities`),
    independent of the incremental code: what `entity_index` must always equal."""
    out: dict[Key, dict] = {}
    rows = conn.execute(
        """SELECT e.name COLLATE NOCASE, IFNULL(e.type, ''), MAX(e.country), COUNT(DISTINCT e.story_id), SUM(e.n_documents),
                  json_group_array(DISTINCT e.story_id), MAX(COALESCE(s.event_date, s.last_published)),
                  json_group_array(e.rowid)
           FROM entities e LEFT JOIN stories s ON s.id = e.story_id
           GROUP BY e.name COLLATE NOCASE, IFNULL(e.type, '')"""
    ).fetchall()
    for name, type_key, country, n_stories, n_docs, story_ids, last, rowids in rows:
        ids = json.loads(rowids)
        marks = ",".join("?" * len(ids))
        aliases = sorted({r[0] for r in conn.execute(f"SELECT alias FROM aliases WHERE entity_rowid IN ({marks})", ids)})
        roles = sorted({x for (r,) in conn.execute(f"SELECT roles FROM entities WHERE rowid IN ({marks})", ids) for x in json.loads(r)})
        out[(name_key(name), type_key)] = {
            "country": country, "stories": n_stories, "documents": n_docs, "story_ids": sorted(json.loads(story_ids)),
            "last_date": last, "aliases": aliases, "roles": roles,
        }  # fmt: skip
    return out
