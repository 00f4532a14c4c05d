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

from rashomon import limits
from rashomon.errors import InputError
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
_INVISIBLE_TAGS = ("head", "script", "style", "noscript", "template", "svg")
_HEAVY_TAGS = ("script", "style", "svg", "noscript", "template")
_OPENING = {tags: re.compile(r"<!--|<(" + "|".join(tags) + r")\b", re.I) for tags in (_INVISIBLE_TAGS, _HEAVY_TAGS)}
_BASE64 = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", re.I)
# A tag as an HTML5 tokenizer sees one: `<` then an ASCII letter, `/` and a letter, `!` or `?`.
# Any other `<` ("<3", "< 5", "<قال") is text a browser shows, and so must not hide what follows.
_TAG = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|[!?])[^>]*>")
# Markup (scripts, styles and inline data removed) beyond which extraction would take minutes:
# real article pages are well under 1 MB of it. The limit in force is `limits.current()`.
MAX_MARKUP_CHARS = limits.Limits.max_markup_chars
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


_SURROGATE = re.compile("[\ud800-\udfff]")
# Bytes that never occur in text but fill binary files (NUL and the C0 controls besides
# tab, line feed, form feed, carriage return and escape).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """Binary data, not text: many NUL or control bytes in the first 4 KiB.

    A few stray NULs in a page (a CMS bug, a pasted control character) do not make it binary —
    refusing it would lose the article — so the test is a share, not mere presence. UTF-16/32
    without a BOM is half NULs; the callers try those first (`decode_bytes` checks BOMs).
    """
    head = data[:4096]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    return controls > max(2, len(head) // 20)


def sanitize(text: str) -> str:
    """Text that can be stored and parsed: NULs removed, lone surrogates made U+FFFD.

    NUL is invisible in a browser but lxml refuses it and many tools cut strings at it; lone
    surrogates (JSON `"\\ud800"`) cannot be encoded as UTF-8 and would fail in the store.
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
    return text


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode bytes whatever their encoding, never failing on mixed encodings; see `_decode`.

    The result is `sanitize`d (no NULs, no lone surrogates)."""
    return sanitize(_decode(data, path, declared))


def _decode(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode bytes whatever their encoding, never failing on mixed encodings.

    Order: BOM; a declared 7-bit encoding; strict UTF-8 (valid multi-byte UTF-8 is almost never
    accidental, so it beats a wrong legacy declaration); the declared charset; mostly-UTF-8 text
    with stray legacy bytes; statistical detection; and finally a lossy windows-1252 reading.
    Only binary data (`looks_binary`: many NUL or control bytes) is refused.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    if looks_binary(data):
        raise InputError(path, "binary file (NUL or control bytes), not text")
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


def gunzip(data: bytes, path: str, limit: int | None = None) -> bytes:
    """Decompress gzip data, refusing truncated or corrupt streams and decompression bombs."""
    if limit is None:
        limit = limits.current().max_file_bytes
        if limit <= 0:
            limit = 1 << 62
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


def strip_elements(html: str, tags: tuple[str, ...]) -> str:
    """The markup without comments and without the given elements, content included.

    A linear scan, not one regex: a lazy `<script>.*?</script>` retried from every unclosed
    `<script` is quadratic, and hostile pages (or truncated ones) have thousands of them. As in a
    browser, an element or comment that is never closed runs to the end of the page.
    """
    opening = _OPENING.get(tags) or re.compile(r"<!--|<(" + "|".join(tags) + r")\b", re.I)
    lower = html.lower()
    out: list[str] = []
    pos = 0
    while True:
        m = opening.search(html, pos)
        if m is None:
            out.append(html[pos:])
            break
        out.append(html[pos : m.start()])
        out.append(" ")
        close = "-->" if m.group(1) is None else f"</{m.group(1).lower()}"
        end = lower.find(close, m.end())
        if end < 0:
            break
        end = lower.find(">", end + len(close) - 1) if close != "-->" else end + 2
        if end < 0:
            break
        pos = end + 1
    return "".join(out)


def light_markup(html: str) -> str:
    """The page without inline scripts, styles, SVG, comments and base64 data: what extraction needs."""
    return _BASE64.sub(" ", strip_elements(html, _HEAVY_TAGS))


def check_markup_size(html: str, origin: str) -> str:
    """The page, lightened if it is large; raises InputError when even that is too large to extract."""
    limit = limits.current().max_markup_chars
    if limit <= 0 or len(html) <= limit:
        return html
    light = light_markup(html)
    if len(light) > limit:
        raise InputError(
            origin, f"page too large to extract: {len(light) / 1e6:.1f} MB of markup besides scripts and styles "
            f"(limit {limit / 1e6:g} MB; raise RASHOMON_MAX_MARKUP_CHARS to allow it)"
        )
    return light


def has_visible_text(html: str) -> bool:
    """Whether anything a browser would show is left once head, scripts, styles and tags go."""
    text = _TAG.sub(" ", strip_elements(html, _INVISIBLE_TAGS))
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
    text = " ".join(sanitize(str(value)).split())
    return text or None
