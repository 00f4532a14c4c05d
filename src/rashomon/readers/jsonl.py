"""JSON Lines article dumps: one JSON object per line, with `text` or `html` and optional metadata.

Recognised fields: `html` (kind "html") or `text` (kind "text"); `url`, `title`, `published`,
`author`, `outlet`, `language`, which go into `Source.meta` and override whatever the cleaner
finds in the article itself. A bad line yields an `InputError` naming the line; the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rashomon import limits
from rashomon.errors import InputError
from rashomon.ingest import reader, sha256
from rashomon.model import Source
from rashomon.readers.common import (
    Item, check_markup_size, decode_bytes, has_visible_text, iso_date, looks_binary, maybe_gunzip, sanitize, text_field,
)

META_FIELDS = ("url", "title", "author", "outlet", "language")


def record_meta(obj: dict[str, Any]) -> dict[str, Any]:
    """The metadata fields present in a record, normalised (dates to YYYY-MM-DD, lists joined)."""
    meta: dict[str, Any] = {}
    for name in META_FIELDS:
        value = text_field(obj.get(name))
        if value:
            meta[name] = value
    published = iso_date(obj.get("published"))
    if published:
        meta["published"] = published
    return meta


def parse_record(line: bytes, path: str, origin: str) -> Source:
    """One line into a Source; raises InputError saying what is wrong with the line."""
    try:
        obj = json.loads(decode_bytes(line, origin))
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise InputError(origin, "invalid JSON (nested too deeply)") from exc
    if not isinstance(obj, dict):
        raise InputError(origin, f"expected a JSON object, got {type(obj).__name__}")
    html, text = obj.get("html"), obj.get("text")
    html = sanitize(html) if isinstance(html, str) else html
    text = sanitize(text) if isinstance(text, str) else text
    if isinstance(html, str) and html.strip():
        kind, content = "html", html
        check_markup_size(html, origin)
        if not has_visible_text(html):
            raise InputError(origin, "field 'html' has no visible text")
    elif isinstance(text, str) and text.strip():
        kind, content = "text", limits.check_document_length(text, origin)
    elif "html" in obj or "text" in obj:
        raise InputError(origin, "empty article ('text'/'html' is blank or not a string)")
    else:
        raise InputError(origin, "no 'text' or 'html' field")
    return Source(path=path, kind=kind, content=content, raw_hash=sha256(line), origin=origin, meta=record_meta(obj))


@reader(".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
def read_jsonl(path: Path, data: bytes) -> Iterator[Item]:
    data = maybe_gunzip(data, str(path))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if looks_binary(data):
        raise InputError(str(path), "binary file (NUL or control bytes), not JSON Lines")
    found = False
    for lineno, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        found = True
        origin = f"{path}:{lineno}"
        try:
            yield parse_record(line.strip(), str(path), origin)
        except InputError as exc:
            yield exc
    if not found:
        raise InputError(str(path), "empty file")
