"""Export the store as JSON Lines, CSV or Parquet, one table at a time.

JSON Lines of `stories` gives each story exactly as the JSON contract describes it (plus nothing);
every other combination gives flat rows, one per document / story / fact / event / entity /
quantity / redirect (the id of a story a merge folded away and the story that absorbed it), with
the columns below. Parquet needs pyarrow (`pip install 'rashomon[parquet]'`).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from rashomon.store.codec import unpack

TABLES: dict[str, str] = {
    "documents": """SELECT id, story_id, raw_hash, url, origin, outlet, title, published, author, dateline, language,
                           kind, copy_of, text, added FROM documents ORDER BY rowid""",
    "stories": """SELECT id, headline, event_date, first_published, last_published, n_documents AS documents,
                         n_sources AS sources, n_facts AS facts, n_corroborated AS corroborated,
                         n_disputed AS disputed, created, updated FROM stories ORDER BY id""",
    "facts": """SELECT f.story_id, f.position, f.status, f.sources, f.text,
                       (SELECT json_group_array(json_object('document', document_id, 'start', start, 'end', "end"))
                        FROM fact_spans WHERE fact_rowid = f.rowid) AS support, f.conflicts
                FROM facts f ORDER BY f.story_id, f.position""",
    "events": """SELECT story_id, date, source_actor, action, target_actor, mode, negated, location, status,
                        document_id, start, "end" FROM events ORDER BY story_id, rowid""",
    "entities": """SELECT e.story_id, e.entity_id, e.name, e.type, e.country, e.roles, e.n_documents AS documents,
                          (SELECT json_group_array(alias) FROM aliases WHERE entity_rowid = e.rowid) AS aliases
                   FROM entities e ORDER BY e.story_id, e.rowid""",
    "quantities": """SELECT story_id, document_id, start, "end", text, value, unit, qualifier, value_max
                     FROM quantities ORDER BY story_id, rowid""",
    # ids of stories merged into another -> the story that holds them now: maps ids in older exports
    "redirects": "SELECT old_id, new_id FROM story_redirects ORDER BY old_id",
}
FORMATS = ("jsonl", "csv", "parquet")


class ExportError(RuntimeError):
    pass


def rows(conn: sqlite3.Connection, table: str) -> Iterator[dict[str, Any]]:
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    cur = conn.execute(TABLES[table])
    names = [c[0] for c in cur.description]
    for row in cur:
        yield dict(zip(names, row))


def story_dicts(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for (data,) in conn.execute("SELECT data FROM stories ORDER BY id"):
        yield unpack(data)


def export(conn: sqlite3.Connection, format: str, table: str = "stories", out: str | Path | TextIO | None = None) -> int:
    """Write `table` in `format` to `out` (a path, an open text stream, or None for a string
    returned via the stream's getvalue — use a path or stream in practice); returns the row count."""
    if format not in FORMATS:
        raise ExportError(f"unknown format {format!r}; choose jsonl, csv or parquet")
    if format == "parquet":
        if out is None or not isinstance(out, (str, Path)):
            raise ExportError("parquet is binary: give a file with --out")
        return _parquet(conn, table, Path(out))
    stream, close = _open(out)
    try:
        if format == "jsonl":
            records = story_dicts(conn) if table == "stories" else rows(conn, table)
            n = 0
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
            return n
        writer: csv.DictWriter | None = None
        n = 0
        for record in rows(conn, table):
            if writer is None:
                writer = csv.DictWriter(stream, fieldnames=list(record))
                writer.writeheader()
            writer.writerow(record)
            n += 1
        return n
    finally:
        if close:
            stream.close()


def _open(out: str | Path | TextIO | None) -> tuple[TextIO, bool]:
    if out is None:
        return io.StringIO(), False
    if isinstance(out, (str, Path)):
        return open(out, "w", encoding="utf-8", newline=""), True
    return out, False


def _parquet(conn: sqlite3.Connection, table: str, path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # optional dependency
        raise ExportError(
            "Parquet export needs pyarrow, which is not installed: pip install 'rashomon[parquet]' "
            "(or use --format jsonl / csv)"
        ) from exc
    records = list(rows(conn, table))
    if records:
        pa_table = pa.Table.from_pylist(records)
    else:
        cur = conn.execute(TABLES[table] + " LIMIT 0")
        pa_table = pa.table({c[0]: pa.array([], pa.string()) for c in cur.description})
    pq.write_table(pa_table, path)
    return len(records)
