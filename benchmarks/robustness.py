"""Robustness benchmark: hostile and broken input through the readers and the cleaner, and SIGKILLs
during ingest.

Part 1 (fuzz): ≥ 100,000 generated inputs in categories (arbitrary bytes, random encodings,
truncated and bit-flipped files, odd HTML, malformed WARC/gzip/feeds/JSONL, NUL bytes, mixed
scripts, zero-width and RTL text, deep nesting, huge single lines). Every input goes through its
reader (called directly, so the safety net in `ingest.read_file` cannot hide a reader bug); the
sources a sample of inputs yields also go through the cleaner (`clean.clean`: the text cleaner's
line classifier, or the HTML extractor). The NLP stages do not run here: they see only what the
cleaner returns, which is bounded by `limits`.

An outcome is
* *ok* — sources came out (and cleaned without error);
* *clear error* — an `InputError` whose path names the file (or `file#record`/`file:line`) and
  whose reason is non-empty; the other records of the file still came out;
* *crash* — any other exception, or an error that does not name its file;
* *lost* — a container built with k valid records around the damage yielded fewer than k of
  them (each generator that knows its valid records says how many).

Part 2 (kill loop): an ingest of real articles (ECB+ texts from ../shared/bench) killed with
SIGKILL at 20 random moments, then one clean run; the store must pass `PRAGMA integrity_check`,
hold every article exactly once, and no story, fact span, event or quantity may refer to a
missing document.

Usage: python benchmarks/robustness.py [--inputs 100000] [--kills 20] [--workers 2] [--seed 12]
Writes benchmarks/results/robustness.json. Timings are noisy: 2 shared cores.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
RESULTS = ROOT / "benchmarks" / "results" / "robustness.json"
if importlib.util.find_spec("rashomon") is None:  # not installed: run from the source tree
    sys.path.insert(0, str(ROOT / "src"))

# -- material ---------------------------------------------------------------------------------

SNIPPETS = [
    "The minister said on Tuesday that 42 people were killed in the attack near the border.",
    "قال الوزير يوم الثلاثاء إن 42 شخصا قتلوا في الهجوم قرب الحدود.",
    "אמר השר ביום שלישי כי 42 בני אדם נהרגו בפיגוע.",
    "部长周二表示，边境附近的袭击造成42人死亡。",
    "Министр заявил во вторник, что 42 человека погибли.",
    "मंत्री ने मंगलवार को कहा कि हमले में 42 लोग मारे गए।",
    "Der Minister sagte am Dienstag, dass 42 Menschen getötet wurden. Zürich, Straße.",
    "Ο υπουργός δήλωσε την Τρίτη ότι 42 άνθρωποι σκοτώθηκαν.",
    "大臣は火曜日、国境付近の攻撃で42人が死亡したと述べた。",
    "장관은 화요일 국경 근처 공격으로 42명이 사망했다고 말했다.",
    "Bộ trưởng cho biết hôm thứ Ba rằng 42 người đã thiệt mạng.",
    "Le ministre a déclaré mardi que 42 personnes avaient été tuées à côté de la frontière.",
    "👍🏽 🇵🇰 emoji text 🧵 with ZWJ 👨‍👩‍👧 sequences",
]
ODD_CHARS = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066", "\u2067", "\u2069",
    "\u0301", "\u0000", "\u00a0", "\u2028", "\u2029", "\r", "\x0b", "\x0c", "\x1b", "\x7f", "\x85",
    "\ufffd", "\U0001f600", "\U000e0001", "\uffff", "\U0010ffff", "&", "<", ">", '"', "'", "\\",
]
ENCODINGS = [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp1251",
    "koi8-r", "iso-8859-7", "iso-8859-8", "cp1256", "shift_jis", "euc-jp", "iso2022_jp", "gb18030", "gbk",
    "big5", "euc-kr", "cp949", "tis-620", "utf-7", "hz", "mac-roman", "cp437", "ascii",
]  # fmt: skip
ENTITIES = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&#0;", "&#x0;", "&#xD800;", "&#1114112;", "&#99999999999;", "&bogus;",
            "&#x202e;", "&", "&#", "&#x;", "&amp", "&lt;script&gt;", "&#65", "&NotANamedEntity;"]  # fmt: skip
COMMENTS = ["<!--", "-->", "<!-- x -->", "<!---->", "<!--->", "<!-- -- -->", "<![CDATA[ x ]]>", "<!DOCTYPE x>",
            "<?php echo 1 ?>", "<?xml version='1.0'?>", "</p>", "<p", "<script>", "</script>", "<style>", "<!-- <p> -->"]  # fmt: skip
TAGS = ["p", "div", "span", "a", "b", "i", "table", "tr", "td", "ul", "li", "article", "section", "h1", "h2",
        "script", "style", "svg", "math", "template", "noscript", "iframe", "br", "img", "font", "center"]  # fmt: skip


def sentence(rng: random.Random) -> str:
    text = rng.choice(SNIPPETS)
    if rng.random() < 0.5:
        chars = list(text)
        for _ in range(rng.randint(1, 6)):
            chars.insert(rng.randint(0, len(chars)), rng.choice(ODD_CHARS))
        text = "".join(chars)
    return text


def article(rng: random.Random, n: int | None = None) -> str:
    return "\n\n".join(" ".join(sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(n or rng.randint(1, 8)))


def page(rng: random.Random, body: str | None = None) -> str:
    body = body or "".join(f"<p>{p}</p>" for p in article(rng).split("\n\n"))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{sentence(rng)[:60]}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{sentence(rng)[:60]}</h1>{body}</article>"
        "<footer>© 2026 Outlet</footer></body></html>"
    )


def warc_bytes(pages: list[str], gz: bool, extra: list[tuple[str, bytes, str]] = ()) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for i, html in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = writer.create_warc_record(f"http://example.com/{i}", "response", payload=io.BytesIO(html.encode("utf-8", "surrogatepass")), http_headers=headers)
        writer.write_record(rec)
    for uri, payload, ctype in extra:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers))
    return out.getvalue()


def rss(rng: random.Random, items: list[str], atom: bool = False) -> str:
    from xml.sax.saxutils import escape

    if atom:
        entries = "".join(
            f"<entry><title>{escape(sentence(rng)[:50])}</title><link href='http://e.com/{i}'/><id>{i}</id>"
            f"<updated>2026-01-0{1 + i % 9}T00:00:00Z</updated><content type='html'>{escape(body)}</content></entry>"
            for i, body in enumerate(items)
        )
        return f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>{entries}</feed>"
    entries = "".join(
        f"<item><title>{escape(sentence(rng)[:50])}</title><link>http://e.com/{i}</link>"
        f"<description>{escape(body)}</description></item>"
        for i, body in enumerate(items)
    )
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Outlet</title>{entries}</channel></rss>"


def valid_text(s: str) -> bool:
    """A body a reader must accept: some visible letters (stray NULs are dropped, not refused)."""
    return any(ch.isalnum() for ch in s)


# -- generators: each returns (suffix, bytes, number of valid records that must come out or None) --

Gen = Callable[[random.Random], tuple[str, bytes, int | None]]


def g_arbitrary(rng):
    suffix = rng.choice([".txt", ".html", ".jsonl", ".warc", ".warc.gz", ".rss", ".xml", ".atom", ".txt.gz", ".md"])
    n = rng.choice([1, 2, 8, 64, 512, 4096])
    data = bytes(rng.getrandbits(8) for _ in range(n))
    if rng.random() < 0.3:  # a plausible start, then noise
        data = rng.choice([b"WARC/1.0\r\n", b"\x1f\x8b\x08\x00", b"<?xml version='1.0'?><rss>", b"{\"text\": \"", b"<html><body>"]) + data
    return suffix, data, None


def g_encoding(rng):
    text = article(rng)
    enc = rng.choice(ENCODINGS)
    kind = rng.choice(["txt", "html", "jsonl", "rss"])
    if kind == "html":
        declared = rng.choice([enc, "utf-8", "koi8-r", "x-bogus", "", "shift_jis"])
        meta = f"<meta charset='{declared}'>" if declared else ""
        text = page(rng).replace("<meta charset='utf-8'>", meta)
    elif kind == "jsonl":
        text = "\n".join(json.dumps({"text": article(rng), "url": f"http://e.com/{i}"}, ensure_ascii=rng.random() < 0.5) for i in range(3))
    elif kind == "rss":
        text = rss(rng, [article(rng) for _ in range(2)]).replace("encoding='utf-8'", f"encoding='{rng.choice([enc, 'utf-8', 'bogus'])}'")
    data = text.encode(enc, errors="replace")
    return "." + kind, data, None


def g_truncated(rng):
    kind = rng.choice(["html", "jsonl", "warc", "warc.gz", "rss", "txt.gz", "html.gz"])
    n = rng.randint(2, 5)
    if kind.startswith("html"):
        data = page(rng).encode()
    elif kind == "jsonl":
        data = "\n".join(json.dumps({"text": article(rng), "url": f"http://e.com/{i}"}) for i in range(n)).encode()
    elif kind.startswith("warc"):
        data = warc_bytes([page(rng) for _ in range(n)], gz=kind.endswith("gz"))
    elif kind == "rss":
        data = rss(rng, [article(rng) for _ in range(n)], atom=rng.random() < 0.5).encode()
    else:
        data = article(rng).encode()
    if kind.endswith(".gz") and not kind.startswith("warc"):
        data = gzip.compress(data)
    cut = rng.randint(0, len(data))
    return "." + kind, data[:cut], None


def g_bitflip(rng):
    suffix, data, _ = g_truncated(rng)
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if buf:
            i = rng.randrange(len(buf))
            buf[i] = rng.getrandbits(8)
    if rng.random() < 0.3 and buf:  # insert or delete a chunk
        i = rng.randrange(len(buf))
        if rng.random() < 0.5:
            del buf[i : i + rng.randint(1, 64)]
        else:
            buf[i:i] = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
    return suffix, bytes(buf), None


def g_odd_html(rng):
    parts = []
    for _ in range(rng.randint(3, 40)):
        r = rng.random()
        if r < 0.25:
            parts.append(rng.choice(ENTITIES))
        elif r < 0.45:
            parts.append(rng.choice(COMMENTS))
        elif r < 0.7:
            tag = rng.choice(TAGS)
            attrs = rng.choice(["", " class='x'", " onload='alert(1)'", " style=\"a:b\"", " x=\"<!--\"", " href='javascript:1'", " =", " a='"])
            parts.append(f"<{tag}{attrs}>" if rng.random() < 0.7 else f"</{tag}>")
        else:
            parts.append(sentence(rng))
    body = "".join(parts)
    html = page(rng, body) if rng.random() < 0.6 else body
    if rng.random() < 0.2:
        html = html.replace("<", "<\x00", 1)
    return rng.choice([".html", ".htm", ".xhtml"]), html.encode("utf-8", "surrogatepass"), None


def g_odd_text(rng):
    """Pasted text with NUL bytes, zero-width and RTL controls, mixed scripts, lone CRs, odd line ends."""
    text = article(rng, rng.randint(1, 20))
    text = text.replace("\n", rng.choice(["\n", "\r\n", "\r", "\u2028", "\x85", "\n\x00"]))
    if rng.random() < 0.2:
        text = "\x00" * rng.randint(1, 5) + text
    enc = rng.choice(["utf-8", "utf-16", "utf-8-sig"])
    return rng.choice([".txt", ".md"]), text.encode(enc, "surrogatepass"), None


def g_jsonl_mixed(rng):
    """Valid records among broken ones: every valid record must come out (counts toward `lost`)."""
    lines, good = [], 0
    for i in range(rng.randint(1, 12)):
        r = rng.random()
        if r < 0.5:
            body = article(rng)
            field = rng.choice(["text", "html"])
            value = body if field == "text" else "<p>" + body.replace("\n\n", "</p><p>") + "</p>"
            lines.append(json.dumps({field: value, "url": f"http://e.com/{i}", "published": rng.choice(["2026-01-02", "yesterday", 1e30, None, [], "99999-99-99"]),
                                     "title": rng.choice([sentence(rng), None, ["a", "b"], {"name": "x"}, 3])}, ensure_ascii=rng.random() < 0.5))
            good += valid_text(value)
            if not valid_text(value):
                lines[-1] = "{}"
        elif r < 0.6:
            lines.append('{"text": "' + "\\ud800 lone surrogate \\udfff" + '"}')
        elif r < 0.7:
            lines.append(json.dumps([1, 2, 3]))
        elif r < 0.8:
            lines.append('{"text": ' + "[" * rng.randint(10, 100_000))  # deep nesting
        elif r < 0.9:
            lines.append(json.dumps({"text": 5, "html": None}))
        else:
            lines.append(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 40))).decode("latin-1"))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    return ".jsonl", data, good


def g_warc_mixed(rng):
    """Good HTML responses plus non-HTML ones, then optionally garbage: the good ones must all come out."""
    n = rng.randint(1, 4)
    pages = [page(rng) for _ in range(n)]
    extra = [("http://e.com/img", bytes(rng.getrandbits(8) for _ in range(50)), "image/png")] if rng.random() < 0.5 else []
    gz = rng.random() < 0.5
    data = warc_bytes(pages, gz, extra)
    if rng.random() < 0.5:
        data += rng.choice([b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nabc", b"\x1f\x8b\x08\x00garbage", b"junk"])
    return ".warc.gz" if gz else ".warc", data, n


def g_feed_mixed(rng):
    n = rng.randint(1, 5)
    items = [article(rng) for _ in range(n)]
    atom = rng.random() < 0.5
    text = rss(rng, items, atom)
    r = rng.random()
    if r < 0.3:
        text = text.replace("<channel>", "<channel><!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;'>]>")
    elif r < 0.5:
        text = text.replace("</channel>", "<item><title>broken</title><description><![CDATA[ ").replace("</rss>", "")
    data = text.encode()
    if rng.random() < 0.2:
        data = gzip.compress(data)
        return rng.choice([".rss.gz", ".xml.gz"]), data, None
    return rng.choice([".rss", ".xml", ".atom"]), data, n if r >= 0.5 else None


def g_gzip(rng):
    """Gzip oddities: bombs, concatenated members, trailing garbage, a wrong CRC."""
    body = article(rng).encode()
    r = rng.random()
    if r < 0.2:
        data = gzip.compress(body) + gzip.compress(body)
    elif r < 0.4:
        data = gzip.compress(body) + bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 30)))
    elif r < 0.6:
        data = bytearray(gzip.compress(body))
        data[-6] ^= 0xFF  # CRC
        data = bytes(data)
    elif r < 0.7:
        data = gzip.compress(b"\x00" * 100_000, 9)
    else:
        data = gzip.compress(body)[: rng.randint(1, 30)]
    return rng.choice([".txt.gz", ".html.gz", ".jsonl.gz", ".rss.gz"]), data, None


GENERATORS: dict[str, tuple[Gen, float]] = {
    # category: (generator, share of the inputs)
    "arbitrary bytes": (g_arbitrary, 0.22),
    "random encodings": (g_encoding, 0.12),
    "truncated files": (g_truncated, 0.12),
    "bit flips": (g_bitflip, 0.12),
    "odd HTML": (g_odd_html, 0.10),
    "NUL/ZW/RTL/mixed text": (g_odd_text, 0.10),
    "JSONL mixed": (g_jsonl_mixed, 0.08),
    "WARC mixed": (g_warc_mixed, 0.06),
    "feeds mixed": (g_feed_mixed, 0.05),
    "gzip oddities": (g_gzip, 0.03),
}


def deep_html(depth: int, tag: str = "div") -> bytes:
    return ("<html><body>" + f"<{tag}>" * depth + "deep text here" + f"</{tag}>" * depth + "</body></html>").encode()


# -- running one input ------------------------------------------------------------------------


@dataclass
class Tally:
    inputs: int = 0
    ok: int = 0
    clear_errors: int = 0
    crashes: int = 0
    lost: int = 0
    cleaned: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("inputs", "ok", "clear_errors", "crashes", "lost", "cleaned", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.examples.extend(other.examples[: max(0, 5 - len(self.examples))])


def names_file(error, path: str) -> bool:
    return bool(error.reason and error.reason.strip()) and (error.path == path or error.path.startswith((path + "#", path + ":")))


def try_input(suffix: str, data: bytes, expected: int | None, do_clean: bool, tally: Tally, label: str) -> None:
    from rashomon import clean, limits
    from rashomon.errors import InputError
    from rashomon.ingest import READERS, _suffix
    from rashomon.model import Source

    path = Path(f"/fuzz/{label}{suffix}")
    tally.inputs += 1
    started = time.perf_counter()
    sources, errors = [], []
    try:
        with limits.time_limit(30, str(path)):
            for item in READERS[_suffix(path)](path, data):
                (sources if isinstance(item, Source) else errors).append(item)
    except InputError as exc:
        errors.append(exc)
    except Exception as exc:  # noqa: BLE001  a crash: what this benchmark counts
        tally.crashes += 1
        tally.examples.append(f"{label}{suffix}: reader {type(exc).__name__}: {str(exc)[:120]}")
        tally.seconds += time.perf_counter() - started
        return
    crashed = False
    for error in errors:
        if not names_file(error, str(path)):
            crashed = True
            tally.examples.append(f"{label}{suffix}: error not naming the file: {error}")
    if do_clean:
        for source in sources:
            try:
                with limits.time_limit(30, source.origin or source.path):
                    clean.clean(source).text.encode("utf-8")  # stored as UTF-8: lone surrogates would fail there
                tally.cleaned += 1
            except InputError as exc:
                errors.append(exc)
            except Exception as exc:  # noqa: BLE001
                crashed = True
                tally.examples.append(f"{label}{suffix}: cleaner {type(exc).__name__}: {str(exc)[:120]}")
    for source in sources:
        try:
            source.content.encode("utf-8")
        except UnicodeEncodeError as exc:
            crashed = True
            tally.examples.append(f"{label}{suffix}: source not storable as UTF-8: {exc}")
    if expected is not None and len(sources) < expected:
        tally.lost += expected - len(sources)
        tally.examples.append(f"{label}{suffix}: {expected - len(sources)} valid records lost ({[str(e) for e in errors][:2]})")
    if crashed:
        tally.crashes += 1
    elif errors:
        tally.clear_errors += 1
    else:
        tally.ok += 1
    tally.seconds += time.perf_counter() - started


def run_chunk(args: tuple[str, int, int, int]) -> tuple[str, Tally]:
    category, n, seed, clean_every = args
    gen = GENERATORS[category][0]
    rng = random.Random(seed)
    tally = Tally()
    for i in range(n):
        try:
            suffix, data, expected = gen(rng)
        except Exception as exc:  # noqa: BLE001  a generator bug is not the product's crash
            raise RuntimeError(f"generator {category} failed: {exc}") from exc
        try_input(suffix, data, expected, clean_every > 0 and i % clean_every == 0, tally, f"{seed}-{i}")
    return category, tally


def run_special() -> tuple[str, Tally]:
    """The few expensive inputs: 10,000-level nesting and 50 MB single lines (text and HTML)."""
    tally = Tally()
    for tag in ("div", "span", "b", "table", "p"):
        try_input(".html", deep_html(10_000, tag), None, True, tally, f"deep-{tag}")
    try_input(".html", ("<html><body>" + "<div>" * 10_000 + "x" * 200 + "</body></html>").encode(), None, True, tally, "deep-unclosed")
    big = 50 * 1024 * 1024 - 1
    line = (b"word " * (big // 5 + 1))[:big]
    try_input(".txt", line, None, True, tally, "huge-line-50MB")
    try_input(".html", b"<html><body><p>" + line[: big - 40] + b"</p></body></html>", None, True, tally, "huge-line-50MB")
    try_input(".html", b"<html><body>" + b"<script>" * (big // 8 - 4), None, True, tally, "unclosed-scripts-50MB")
    try_input(".txt", (b"x" * 900_000), None, True, tally, "huge-line-900k")
    try_input(".jsonl", json.dumps({"text": "a" * 2_000_000}).encode(), None, True, tally, "huge-jsonl-record")
    try_input(".txt", b"line\n" * 200_000, None, True, tally, "200k-short-lines")
    return "deep nesting / 50 MB lines", tally


# -- the kill loop ----------------------------------------------------------------------------


@dataclass
class KillLoop:
    kills: int = 0
    killed_mid_way: int = 0
    integrity_ok: bool = False
    documents_expected: int = 0
    documents_stored: int = 0
    documents_lost: int = 0
    failed: int = 0
    duplicates: int = 0
    dangling: int = 0
    final_exit: int = -1
    seconds: float = 0.0


def store_counts(db: Path) -> tuple[int, int]:
    if not db.exists():
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*), COUNT(DISTINCT raw_hash) FROM documents").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, 0


def dangling_references(conn: sqlite3.Connection) -> int:
    """Rows that point at a document or story the store does not have."""
    checks = [
        "SELECT COUNT(*) FROM story_documents WHERE document_id NOT IN (SELECT id FROM documents)",
        "SELECT COUNT(*) FROM story_documents WHERE story_id NOT IN (SELECT id FROM stories)",
        "SELECT COUNT(*) FROM documents WHERE story_id NOT IN (SELECT id FROM stories)",
        "SELECT COUNT(*) FROM fact_spans WHERE document_id NOT IN (SELECT id FROM documents)",
        "SELECT COUNT(*) FROM fact_spans WHERE fact_rowid NOT IN (SELECT rowid FROM facts)",
        "SELECT COUNT(*) FROM facts WHERE story_id NOT IN (SELECT id FROM stories)",
        "SELECT COUNT(*) FROM events WHERE document_id IS NOT NULL AND document_id NOT IN (SELECT id FROM documents)",
        "SELECT COUNT(*) FROM quantities WHERE document_id IS NOT NULL AND document_id NOT IN (SELECT id FROM documents)",
        "SELECT COUNT(*) FROM layers WHERE document_rowid NOT IN (SELECT rowid FROM documents)",
        "SELECT COUNT(*) FROM documents WHERE rowid NOT IN (SELECT document_rowid FROM layers)",
        "SELECT COUNT(*) FROM dirty_stories",
    ]
    return sum(conn.execute(q).fetchone()[0] for q in checks)


def kill_loop(kills: int, n_docs: int, seed: int, workdir: Path) -> KillLoop:
    rng = random.Random(seed)
    docs = json.loads((SHARED / "bench" / "ecbplus" / "docs.json").read_text("utf-8"))
    rng.shuffle(docs)
    inbox = workdir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    chosen = docs[:n_docs]
    for d in chosen:
        (inbox / f"{d['doc_id']}.txt").write_text(d["text"], "utf-8")
    db = workdir / "news.db"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(ROOT / "src")) if p))
    cmd = [sys.executable, "-m", "rashomon.cli", "ingest", str(inbox), "--db", str(db), "--batch-size", "2"]
    result = KillLoop(documents_expected=n_docs)
    started = time.monotonic()
    attempt = 0
    # Until `kills` processes were really killed (a run that ends before its kill time is no kill),
    # and while articles remain to be stored, so that the kills land during ingest.
    while result.kills < kills and attempt < 3 * kills:
        attempt += 1
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.5, 6.0))
        if proc.poll() is None:
            stored, _ = store_counts(db)
            proc.send_signal(signal.SIGKILL)
            result.kills += 1
            result.killed_mid_way += stored < n_docs
        proc.wait()
        print(f"  attempt {attempt}: {result.kills} kills, {store_counts(db)[0]}/{n_docs} stored", flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=1800)
    result.final_exit = proc.returncode
    conn = sqlite3.connect(db)
    result.integrity_ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    total, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT raw_hash) FROM documents").fetchone()
    ids, distinct_ids = conn.execute("SELECT COUNT(*), COUNT(DISTINCT document_id) FROM story_documents").fetchone()
    result.documents_stored = distinct
    result.duplicates = (total - distinct) + (ids - distinct_ids)
    stored = {Path(r[0]).name for r in conn.execute("SELECT origin FROM documents")}
    failed = {Path(r[0]).name for r in conn.execute("SELECT origin FROM ingest_log WHERE status = 'failed'")}
    result.failed = len({f"{d['doc_id']}.txt" for d in chosen} & (failed - stored))
    # Lost: neither stored nor reported as failed (a reported failure is a clear error, not a loss).
    result.documents_lost = len({f"{d['doc_id']}.txt" for d in chosen} - stored - failed)
    result.dangling = dangling_references(conn)
    conn.close()
    result.seconds = time.monotonic() - started
    return result


def web_security_tests() -> dict | None:
    """Run the web engineer's API security tests when they exist; their pass/fail counts."""
    import re

    tests = ROOT / "tests" / "test_web_api.py"
    if not tests.is_file():
        return None
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    counts = {k: int(m.group(1)) if (m := re.search(rf"(\d+) {k}", summary)) else 0 for k in ("passed", "failed", "errors", "skipped")}
    counts["errors"] += int(m.group(1)) if (m := re.search(r"(\d+) error\b", summary)) else 0
    return {"tests": "tests/test_web_api.py", **counts, "seconds": round(time.monotonic() - started, 1), "summary": summary}


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kill-docs", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--clean-every", type=int, default=20, help="clean the sources of every n-th input (0: never)")
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--no-special", action="store_true")
    parser.add_argument("--no-web", action="store_true", help="do not run the web/API security tests")
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    started = time.monotonic()
    jobs = []
    for category, (_, share) in GENERATORS.items():
        n = int(round(args.inputs * share))
        for j, offset in enumerate(range(0, n, args.chunk)):
            jobs.append((category, min(args.chunk, n - offset), args.seed * 1_000_003 + zlib.crc32(category.encode()) % 10_000 * 100 + j, args.clean_every))
    tallies: dict[str, Tally] = defaultdict(Tally)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(run_chunk, job) for job in jobs]
        if not args.no_special:
            futures.append(pool.submit(run_special))
        for future in futures:
            category, tally = future.result()
            tallies[category].add(tally)
            print(f"  {category}: {tally.inputs} inputs, {tally.crashes} crashes", flush=True)
    fuzz_seconds = time.monotonic() - started

    import tempfile

    web_results = None if args.no_web else web_security_tests()
    if web_results is not None:
        console_web = Table(title="Web/API security tests (tests/test_web_api.py, owned by the web engineer)")
        for col in ("passed", "failed", "errors", "skipped", "wall s"):
            console_web.add_column(col, justify="right")
        console_web.add_row(*(str(web_results[k]) for k in ("passed", "failed", "errors", "skipped", "seconds")))
    kill = KillLoop()
    if args.kills > 0 and (SHARED / "bench" / "ecbplus" / "docs.json").is_file():
        with tempfile.TemporaryDirectory() as tmp:
            kill = kill_loop(args.kills, args.kill_docs, args.seed, Path(tmp))

    table = Table(title=f"Robustness: hostile input (readers + cleaner) — {args.workers} workers on 2 shared cores, timings noisy")
    for col in ("category", "inputs", "ok", "clear errors", "crashes", "docs lost", "cleaned", "CPU s"):
        table.add_column(col, justify="right" if col != "category" else "left")
    total = Tally()
    for category, tally in tallies.items():
        total.add(tally)
        table.add_row(category, f"{tally.inputs:,}", f"{tally.ok:,}", f"{tally.clear_errors:,}", str(tally.crashes),
                      str(tally.lost), f"{tally.cleaned:,}", f"{tally.seconds:.1f}")  # fmt: skip
    table.add_row("total", f"{total.inputs:,}", f"{total.ok:,}", f"{total.clear_errors:,}", str(total.crashes),
                  str(total.lost), f"{total.cleaned:,}", f"{total.seconds:.1f}", style="bold")  # fmt: skip
    console = Console(width=170)
    console.print(table)
    console.print(f"fuzz wall time {fuzz_seconds:.1f} s")
    examples = [e for t in tallies.values() for e in t.examples[:3]]
    for example in examples:
        console.print(f"[red]  {example}[/]", soft_wrap=True)
    ktable = Table(title="Kill loop: SIGKILL during ingest, then one clean run")
    for col in ("kills", "killed mid-way", "final exit", "integrity", "expected", "stored", "failed (reported)", "lost",
                "duplicates", "dangling refs", "wall s"):  # fmt: skip
        ktable.add_column(col, justify="right")
    ktable.add_row(str(kill.kills), str(kill.killed_mid_way), str(kill.final_exit), "ok" if kill.integrity_ok else "FAILED",
                   str(kill.documents_expected), str(kill.documents_stored), str(kill.failed), str(kill.documents_lost), str(kill.duplicates),
                   str(kill.dangling), f"{kill.seconds:.1f}")  # fmt: skip
    console.print(ktable)
    if web_results is not None:
        console.print(console_web)

    out = {
        "inputs": total.inputs,
        "crashes": total.crashes,
        "clear_errors": total.clear_errors,
        "documents_lost": total.lost + kill.documents_lost,
        "fuzz_documents_lost": total.lost,
        "ok": total.ok,
        "cleaned": total.cleaned,
        "per_category": {c: {"inputs": t.inputs, "ok": t.ok, "clear_errors": t.clear_errors, "crashes": t.crashes,
                             "documents_lost": t.lost, "cleaned": t.cleaned, "cpu_seconds": round(t.seconds, 1)}
                         for c, t in tallies.items()},  # fmt: skip
        "crash_examples": examples,
        "fuzz_wall_seconds": round(fuzz_seconds, 1),
        "kill_loop": {"kills": kill.kills, "killed_mid_way": kill.killed_mid_way, "final_exit": kill.final_exit,
                      "integrity_ok": kill.integrity_ok, "documents_expected": kill.documents_expected,
                      "documents_stored": kill.documents_stored, "documents_failed_reported": kill.failed,
                      "documents_lost": kill.documents_lost,
                      "duplicates": kill.duplicates, "dangling_references": kill.dangling, "seconds": round(kill.seconds, 1)},  # fmt: skip
        "seed": args.seed,
        "note": "2 cores shared with other engineers: timings are noisy",
    }
    web = ROOT / "benchmarks" / "results" / "web_security.json"
    if web.is_file():
        out["web_security"] = json.loads(web.read_text("utf-8"))
    elif web_results is not None:
        out["web_security"] = web_results
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
