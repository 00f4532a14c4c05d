"""Pasted page text (`.txt`, `.md`): the whole page as a person copied it, boilerplate included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rashomon import limits
from rashomon.errors import InputError
from rashomon.ingest import reader, sha256
from rashomon.model import Source
from rashomon.readers.common import decode_bytes, maybe_gunzip


@reader(".txt", ".md", ".text", ".txt.gz")
def read_text(path: Path, data: bytes) -> Iterator[Source]:
    data = maybe_gunzip(data, str(path))
    text = decode_bytes(data, str(path))
    if not text.strip():
        raise InputError(str(path), "empty file")
    limits.check_document_length(text, str(path))
    yield Source(path=str(path), kind="text", content=text, raw_hash=sha256(data), origin=str(path))
