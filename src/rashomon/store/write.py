"""Rows in, for one document or one story. Callers own the transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rashomon.model import Document, Story, to_dict
from rashomon.store import entityindex
from rashomon.store.codec import encode_layers, pack

if TYPE_CHECKING:
    from rashomon.pipeline import DocumentLayers

DOCUMENT_COLUMNS = (
    "id", "raw_hash", "url", "origin", "path", "kind", "outlet", "title", "published", "author", "dateline",
    "language", "text", "removed", "copy_of", "shares_text_with", "story_id", "run_id", "added",
)  # fmt: skip


def insert_document(
    conn: sqlite3.Connection, layers: DocumentLayers, raw_hash: str, origin: str, story_id: str, run_id: int, now: str
) -> None:
    d = layers.document
    values = (
        d.id, raw_hash, d.url, origin, d.path, d.kind, d.outlet, d.title, d.published, d.author, d.dateline,
        d.language, d.text, json.dumps(d.removed, ensure_ascii=False), d.copy_of, json.dumps(d.shares_text_with),
        story_id, run_id, now,
    )  # fmt: skip
    cur = conn.execute(
        f"INSERT INTO documents({', '.join(DOCUMENT_COLUMNS)}) VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))})",
        values,
    )
    conn.execute("INSERT INTO layers(document_rowid, data) VALUES (?, ?)", (cur.lastrowid, encode_layers(layers)))
    conn.execute("INSERT INTO story_documents(story_id, document_id) VALUES (?, ?)", (story_id, d.id))


def move_documents(conn: sqlite3.Connection, story_of: Mapping[str, str]) -> None:
    """Stored documents that changed story (a split or a merge of the clusterer): their row and
    their membership follow. The stories on both sides are rebuilt by the caller."""
    rows = [(story_id, doc_id) for doc_id, story_id in sorted(story_of.items())]
    conn.executemany("UPDATE documents SET story_id = ? WHERE id = ?", rows)
    conn.executemany("UPDATE story_documents SET story_id = ? WHERE document_id = ?", rows)


def delete_story(conn: sqlite3.Connection, story_id: str) -> None:
    """Everything stored about a story a merge folded away: its row, its layers, its share of
    the entity summary and its dirty mark. Its members must have moved first (a story is never
    deleted with documents in it: that would lose them)."""
    left = conn.execute("SELECT COUNT(*) FROM story_documents WHERE story_id = ?", (story_id,)).fetchone()[0]
    if left:
        raise RuntimeError(f"story {story_id} still has {left} member(s): move them before deleting it")
    delete_story_layers(conn, story_id)
    entityindex.replace_story(conn, story_id, None, [])
    conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
    conn.execute("DELETE FROM dirty_stories WHERE story_id = ?", (story_id,))


def redirect_stories(conn: sqlite3.Connection, merged_into: Mapping[str, str]) -> None:
    """Stories folded away -> the stored story that absorbed each: their ids keep leading
    somewhere (a bookmark, a citation, a link in an export).

    Why the rows are rewritten here and not followed at read time: a lookup stays one indexed
    read however long the chain of merges grew (a -> b, then b -> c: the row of a is rewritten to
    c when b goes). `merged_into` must map every story folded away to its final target (a target
    folded away in the same batch already followed, see `incremental._Regroup`); a target that is
    not a stored story is refused, since a redirect to nothing would be a dead link again."""
    if not merged_into:
        return
    targets = sorted(set(merged_into.values()))
    bad = [t for t in targets if t in merged_into or conn.execute("SELECT 1 FROM stories WHERE id = ?", (t,)).fetchone() is None]
    if bad:
        raise RuntimeError(f"a redirect must lead to a stored story, not to {bad[0]}")
    for old_id, new_id in sorted(merged_into.items()):
        conn.execute("UPDATE story_redirects SET new_id = ? WHERE new_id = ?", (new_id, old_id))
        conn.execute("INSERT OR REPLACE INTO story_redirects(old_id, new_id) VALUES (?, ?)", (old_id, new_id))


def document_from_row(row: sqlite3.Row) -> Document:
    return Document(
        id=row["id"], path=row["path"], text=row["text"], outlet=row["outlet"], title=row["title"],
        published=row["published"], author=row["author"], dateline=row["dateline"], language=row["language"],
        kind=row["kind"], url=row["url"], removed=json.loads(row["removed"]), copy_of=row["copy_of"],
        shares_text_with=json.loads(row["shares_text_with"]),
    )  # fmt: skip


def update_copy_links(conn: sqlite3.Connection, documents: Sequence[Document]) -> None:
    conn.executemany(
        "UPDATE documents SET copy_of = ?, shares_text_with = ? WHERE id = ?",
        [(d.copy_of, json.dumps(d.shares_text_with), d.id) for d in documents],
    )


def write_story(conn: sqlite3.Connection, story: Story, documents: Sequence[Document], now: str) -> bool:
    """Replace everything stored about `story` with its new layers; True if the story is new."""
    existing = conn.execute("SELECT created FROM stories WHERE id = ?", (story.id,)).fetchone()
    delete_story_layers(conn, story.id)
    published = sorted(d.published for d in documents if d.published)
    status = [f.status for f in story.facts]
    conn.execute(
        """INSERT OR REPLACE INTO stories(id, headline, event_date, first_published, last_published, n_documents,
               n_sources, n_facts, n_corroborated, n_disputed, created, updated, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            story.id, story.headline, story.event_date, published[0] if published else None,
            published[-1] if published else None, len(story.documents), len(story.sources), len(story.facts),
            status.count("corroborated"), status.count("disputed"), existing[0] if existing else now, now,
            pack(to_dict(story)),
        ),
    )  # fmt: skip
    day = story.event_date if story.event_date is not None else (published[-1] if published else None)  # sort key
    entityindex.replace_story(conn, story.id, day, [entityindex.EntityRow.of(e) for e in story.entities])
    for entity in story.entities:
        cur = conn.execute(
            "INSERT INTO entities(story_id, entity_id, name, type, country, roles, n_documents) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (story.id, entity.id, entity.name, entity.type, entity.country, json.dumps(entity.roles), len(entity.documents)),
        )
        aliases = entityindex.stored_aliases(entity)
        conn.executemany("INSERT INTO aliases(entity_rowid, alias) VALUES (?, ?)", [(cur.lastrowid, a) for a in aliases])
    for position, fact in enumerate(story.facts):
        cur = conn.execute(
            "INSERT INTO facts(story_id, position, text, status, sources, conflicts) VALUES (?, ?, ?, ?, ?, ?)",
            (story.id, position, fact.text, fact.status, fact.sources, json.dumps(to_dict(fact.conflicts), ensure_ascii=False)),
        )
        conn.executemany(
            'INSERT INTO fact_spans(fact_rowid, document_id, start, "end", quote) VALUES (?, ?, ?, ?, ?)',
            [(cur.lastrowid, e.document, e.start, e.end, e.quote) for e in fact.support],
        )
    conn.executemany(
        """INSERT INTO events(story_id, date, source_actor, action, target_actor, mode, negated, location, status,
               document_id, start, "end", data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (story.id, e.date, e.source_actor, e.action, e.target_actor, e.mode, int(e.negated), e.location, e.status,
             e.document, e.start, e.end, json.dumps(to_dict(e), ensure_ascii=False))
            for e in story.events
        ],
    )  # fmt: skip
    conn.executemany(
        """INSERT INTO quantities(story_id, document_id, start, "end", text, value, unit, qualifier, value_max)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(story.id, q.document, q.start, q.end, q.text, q.value, q.unit, q.qualifier, q.value_max) for q in story.quantities],
    )
    return existing is None


def delete_story_layers(conn: sqlite3.Connection, story_id: str) -> None:
    conn.execute("DELETE FROM aliases WHERE entity_rowid IN (SELECT rowid FROM entities WHERE story_id = ?)", (story_id,))
    conn.execute("DELETE FROM entities WHERE story_id = ?", (story_id,))
    conn.execute("DELETE FROM fact_spans WHERE fact_rowid IN (SELECT rowid FROM facts WHERE story_id = ?)", (story_id,))
    conn.execute("DELETE FROM facts WHERE story_id = ?", (story_id,))
    conn.execute("DELETE FROM events WHERE story_id = ?", (story_id,))
    conn.execute("DELETE FROM quantities WHERE story_id = ?", (story_id,))
