"""Helpers every reader shares: robust decoding, bounded gunzip, date normalisation, HTML sniffing.

Multi-record containers (JSONL, WARC, feeds) report a bad record by *yielding* an `InputError`
instead of raising it, so the good records of the same file still come through; a reader raises
only when the file as a whole is unusable. `rashomon.readers.split_errors` separates the two.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import zlib
from typing import Any

from charset_normalizer import from_bytes

from rashomon.errors import InputError
from rashomon.ingest import MAX_FILE_BYTES
from rashomon.model import Source

Item = Source | InputError

GZIP_MAGIC = b"\x1f\x8b"
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Encodings whose bytes are all ASCII: a strict UTF-8 decode "succeeds" on them and garbles the text,
# so a declaration of one of these must be believed before UTF-8 is tried.
_SEVEN_BIT = {"iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_3", "iso2022_jp_ext", "iso2022_kr", "hz", "utf_7"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAG = re.compile(r"<(?:p|div|br|a|span|h[1-6]|li|ul|table|article|section|img|b|i|em|strong)\b[^>]*>", re.I)
_INVISIBLE = re.compile(r"<(head|script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_HEAVY = re.compile(r"<(script|style|svg|noscript|template)\b.*?</\1\s*>|<!--.*?-->|data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
# Markup (scripts, styles and inline data removed) beyond which extraction would take minutes:
# real article pages are well under 1 MB of it.
MAX_MARKUP_CHARS = 5_000_000
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|\w+);", re.I)


def codec_name(label: str | None) -> str | None:
    """Python's canonical name for a charset label, or None when the label is unknown or absent."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    # Browsers read these labels as windows-1252 (WHATWG Encoding Standard); so do we.
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}:
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Decode the stray bytes of a mostly-UTF-8 text as windows-1252 (the usual culprit)."""
    assert isinstance(err, UnicodeDecodeError)
    chunk = err.object[err.start : err.end]
    return chunk.decode("cp1252", errors="replace"), err.end


codecs.register_error("rashomon-cp1252", _cp1252_fallback)


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode bytes whatever their encoding, never failing on mixed encodings.

    Order: BOM; a declared 7-bit encoding; strict UTF-8 (valid multi-byte UTF-8 is almost never
    accidental, so it beats a wrong legacy declaration); the declared charset; mostly-UTF-8 text
    with stray legacy bytes; statistical detection; and finally a lossy windows-1252 reading.
    Only binary data (NUL bytes outside UTF-16) is refused.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    if b"\x00" in data[:4096]:
        raise InputError(path, "binary file (NUL bytes), not text")
    enc = codec_name(declared)
    if enc in _SEVEN_BIT:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if enc and enc != "utf-8":
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    multibyte = sum(1 for ch in lossy if ord(ch) > 0x7F and ch != "\ufffd")
    if multibyte > bad:  # mostly UTF-8 with some legacy bytes pasted in
        return data.decode("utf-8", errors="rashomon-cp1252")
    if _reads_as_western(data):
        return data.decode("cp1252", errors="replace")
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode(enc or "cp1252", errors="replace")


def _reads_as_western(data: bytes) -> bool:
    """Undeclared legacy text that windows-1252 reads as mostly-ASCII words with a few accents.

    Statistical detectors pick exotic code pages (cp775 for "Zürich") on short Western texts;
    browsers default to windows-1252 there. Cyrillic, Greek or similar single-byte text also
    decodes, but then most letters are non-ASCII, which this refuses.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 0x7F)
    return bool(letters) and accented / len(letters) < 0.3 and not any("\x80" <= ch <= "\x9f" for ch in text)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes: an XML declaration or a <meta> tag."""
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def decode_html(data: bytes, path: str, http_charset: str | None = None) -> str:
    """Decode an HTML page: the HTTP header's charset wins over the page's own declaration."""
    return decode_bytes(data, path, http_charset or declared_charset(data))


def gunzip(data: bytes, path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """Decompress gzip data, refusing truncated or corrupt streams and decompression bombs."""
    decomp = zlib.decompressobj(wbits=31)
    out = bytearray()
    try:
        pos = data
        while pos:
            out += decomp.decompress(pos, limit + 1 - len(out))
            if len(out) > limit:
                raise InputError(path, f"decompressed size exceeds {limit} bytes")
            if decomp.eof:
                # Concatenated gzip members are legal; decode the next one.
                pos = decomp.unused_data
                if pos.strip(b"\x00"):
                    decomp = zlib.decompressobj(wbits=31)
                    continue
                break
            pos = decomp.unconsumed_tail
    except zlib.error as exc:
        raise InputError(path, f"corrupt gzip data ({exc})") from exc
    if not decomp.eof:
        raise InputError(path, "truncated gzip file (stream ends early)")
    return bytes(out)


def maybe_gunzip(data: bytes, path: str) -> bytes:
    """Gzip is recognised by its magic bytes, whatever the file is called."""
    return gunzip(data, path) if data.startswith(GZIP_MAGIC) else data


def looks_like_html(text: str) -> bool:
    """HTML starts like a document, or at least carries a few common tags (pasted text rarely does)."""
    return bool(_HTML_START.match(text)) or len(_HTML_TAG.findall(text[:20_000], 0)) >= 2


def light_markup(html: str) -> str:
    """The page without inline scripts, styles, SVG, comments and base64 data: what extraction needs."""
    return _HEAVY.sub(" ", html)


def check_markup_size(html: str, origin: str) -> str:
    """The page, lightened if it is large; raises InputError when even that is too large to extract."""
    if len(html) <= MAX_MARKUP_CHARS:
        return html
    light = light_markup(html)
    if len(light) > MAX_MARKUP_CHARS:
        raise InputError(
            origin, f"page too large to extract: {len(light) / 1e6:.1f} MB of markup besides scripts and styles "
            f"(limit {MAX_MARKUP_CHARS / 1e6:.0f} MB)"
        )
    return light


def has_visible_text(html: str) -> bool:
    """Whether anything a browser would show is left once head, scripts, styles and tags go."""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", html))
    return bool(re.search(r"\w", _ENTITY.sub(" ", text)))


def iso_date(value: Any) -> str | None:
    """Normalise a date given as text, a datetime or a struct_time to YYYY-MM-DD (None if unreadable)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "tm_year"):  # time.struct_time from feedparser
        return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return m.group(0)
    try:
        from dateutil import parser as dateparser

        return dateparser.parse(text, fuzzy=False).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, TypeError):
        return None


def text_field(value: Any) -> str | None:
    """A metadata value as one clean string: lists (several authors) are joined, blanks become None."""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v).strip() for v in value if v and str(v).strip())
    elif isinstance(value, dict):
        value = value.get("name")
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
