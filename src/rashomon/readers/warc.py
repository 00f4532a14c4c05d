"""Web archives (`.warc`, `.warc.gz`, `.arc`): every HTML response record becomes one source.

Request, metadata and warcinfo records carry no article and are passed over silently. A response
that is not HTML (an image, a PDF, a redirect without a page) or cannot be read yields an
`InputError` naming the record and its URL; the rest of the archive still comes through. A
truncated archive yields the records before the cut and then one error saying where it stopped.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from rashomon.errors import InputError
from rashomon.ingest import reader
from rashomon.readers.common import Item
from rashomon.readers.html import html_source

HTML_TYPES = ("text/html", "application/xhtml+xml")
# warcio logs a warning per malformed target URI (which it repairs); with no logging configured
# those land on the user's terminal, once per record of a damaged archive.
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)


class _QuietArchiveIterator(ArchiveIterator):
    """warcio writes a warning to stderr for a record whose length is off; the reader reports
    damage as `InputError`s instead, so the CLI's output stays the user's."""

    INC_RECORD = ""
DOCUMENT_RECORDS = ("response", "resource")


def _content_type(record) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    """The media type and charset of a record's payload (HTTP header first, then the WARC header)."""
    header = ""
    if record.http_headers is not None:
        header = record.http_headers.get_header("Content-Type") or ""
    if not header:
        header = record.rec_headers.get_header("Content-Type") or ""
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _record_source(record, path: str, number: int) -> Item:  # type: ignore[no-untyped-def]
    """One response record as a Source, or the InputError saying why it is not an article."""
    try:
        return _record_item(record, path, number)
    except InputError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  damaged headers make warcio's accessors fail in many ways
        return InputError(f"{path}#{number}", f"record {number}: unreadable record ({_short(exc)})")


def _record_item(record, path: str, number: int) -> Item:  # type: ignore[no-untyped-def]
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    origin = f"{path}#{number}"
    where = f"record {number}" + (f" ({url})" if url else "")
    media, charset = _content_type(record)
    status = record.http_headers.get_statuscode() if record.http_headers is not None else None
    if status and not str(status).startswith("2"):
        return InputError(origin, f"{where}: HTTP status {status}, not a page")
    if media not in HTML_TYPES:
        return InputError(origin, f"{where}: not HTML ({media or 'no content type'})")
    try:
        body = record.content_stream().read()
    except Exception as exc:  # noqa: BLE001  warcio on hostile bytes raises many types; one record's error
        return InputError(origin, f"{where}: unreadable payload ({_short(exc)})")
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:  # warcio returns a short payload silently when the file ends inside the record
        return InputError(origin, f"{where}: truncated record ({missing} bytes missing)")
    if not body.strip():
        return InputError(origin, f"{where}: empty payload")
    try:
        meta = {"url": url} if url else {}
        return html_source(body, path, origin, meta, http_charset=charset)
    except InputError as exc:
        return InputError(origin, f"{where}: {exc.reason}")


@reader(".warc", ".warc.gz", ".arc", ".arc.gz")
def read_warc(path: Path, data: bytes) -> Iterator[Item]:
    if not _starts_like_archive(data):
        raise InputError(str(path), "not a WARC or ARC file (no 'WARC/' or 'filedesc://' header)")
    number = 0
    yielded = False
    records = _QuietArchiveIterator(io.BytesIO(data), arc2warc=True)
    try:
        for record in records:
            number += 1
            if record.rec_type not in DOCUMENT_RECORDS:
                continue
            yielded = True
            yield _record_source(record, str(path), number)
        # warcio stops quietly when the file ends inside a record header; whatever is left unread is the cut.
        if data[records.offset :].strip():
            raise EOFError(f"{len(data) - records.offset} bytes at offset {records.offset} are not a complete record")
    except Exception as exc:  # noqa: BLE001  ArchiveLoadFailed, EOFError, zlib.error, and on damaged headers
        # AttributeError/TypeError/KeyError from inside warcio: all mean "cannot read on from here".
        if number == 0:
            raise InputError(str(path), f"not a readable WARC file ({_short(exc)})") from exc
        yielded = True
        yield InputError(f"{path}#{number + 1}", f"archive truncated or corrupt after record {number} ({_short(exc)})")
    if not yielded:
        raise InputError(str(path), "no response records in the archive")


def _starts_like_archive(data: bytes) -> bool:
    """WARC records start with 'WARC/1.x', ARC files with 'filedesc://' (checked inside gzip too)."""
    head = data[:4096]
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip().startswith((b"WARC/", b"filedesc://"))


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
