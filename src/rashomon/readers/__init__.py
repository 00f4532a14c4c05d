"""Input readers, one module per format, all behind `rashomon.ingest`'s one reader registry.

Importing this package registers every reader (`@reader(".suffix")`). Readers yield `Source`s
with their origin (file, plus line or record number for containers). Whole-file problems are
raised as `InputError`; a bad record inside a container is *yielded* as an `InputError` so the
other records still come through — `read_path` / `split_errors` separate the two for callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rashomon import limits
from rashomon.errors import InputError
from rashomon.ingest import read_file, sha256
from rashomon.model import Source
from rashomon.readers import feed, html, jsonl, text, warc  # noqa: F401  (imported to register readers)
from rashomon.readers.common import decode_bytes, looks_like_html, maybe_gunzip

STDIN = "-"

__all__ = ["read_path", "read_stdin", "split_errors"]


def split_errors(items: Iterable[Source | InputError]) -> tuple[list[Source], list[InputError]]:
    """Separate the sources a reader yielded from the per-record errors it yielded beside them."""
    sources: list[Source] = []
    errors: list[InputError] = []
    for item in items:
        (errors if isinstance(item, InputError) else sources).append(item)  # type: ignore[arg-type]
    return sources, errors


def read_path(path: Path) -> tuple[list[Source], list[InputError]]:
    """Read one file: its good sources, and an error for the file or for each bad record in it."""
    try:
        with limits.time_limit(origin=str(path)):  # bounded by the size limits; this is the backstop
            return split_errors(read_file(path))
    except InputError as exc:
        return [], [exc]


def read_stdin(data: bytes) -> list[Source]:
    """Standard input (`-`): one page, sniffed as HTML or pasted text; raises InputError if unusable."""
    data = maybe_gunzip(data, STDIN)
    if not data.strip():
        raise InputError(STDIN, "empty input on standard input")
    text = decode_bytes(data, STDIN)
    if not text.strip():
        raise InputError(STDIN, "empty input on standard input")
    if looks_like_html(text):
        return [html.html_source(data, STDIN, "<stdin>")]
    limits.check_document_length(text, STDIN)
    return [Source(path=STDIN, kind="text", content=text, raw_hash=sha256(data), origin="<stdin>")]
