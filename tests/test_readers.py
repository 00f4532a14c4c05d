"""Readers: each format on small real-looking inputs, and every kind of bad input.

Inputs are built in tmp_path from the example articles in examples/*.txt, so the tests show what
a real page, dump, archive or feed of those articles turns into.
"""

from __future__ import annotations

import gzip
import html as htmllib
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rashomon.errors import InputError
from rashomon.ingest import MAX_FILE_BYTES, READERS, read_file
from rashomon.model import Source
from rashomon.readers import read_path, read_stdin, split_errors
from rashomon.readers.common import decode_bytes, gunzip, iso_date

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def article(n: int = 0) -> tuple[str, list[str]]:
    """Headline and paragraphs of an example article (the first line of the file is the headline)."""
    files = sorted(EXAMPLES.glob("*.txt"))
    lines = [line.strip() for line in files[n % len(files)].read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[0], [line for line in lines[1:] if len(line.split()) > 12]


def page(n: int = 0, charset: str = "utf-8") -> str:
    """A news page around an example article: navigation, headline, body, related links, footer."""
    title, paragraphs = article(n)
    body = "\n".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>{htmllib.escape(title)} | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2013-08-29T08:00:00+05:00">
<meta name="author" content="Jane Reporter"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>{htmllib.escape(title)}</h1>{body}</article>
<aside><h2>Related</h2><ul><li><a href="/a">Another story about something else entirely</a></li></ul></aside>
<footer><p>Copyright 2013 The Daily Example. All rights reserved.</p></footer></body></html>"""


def first_words(n: int = 0, count: int = 8) -> str:
    return " ".join(article(n)[1][0].split()[:count])


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- HTML -------------------------------------------------------------------------------------


def test_html_page_is_one_html_source(tmp_path: Path) -> None:
    path = write(tmp_path / "story.html", page().encode("utf-8"))
    (source,) = read_file(path)
    assert source.kind == "html" and source.origin == str(path)
    assert first_words() in htmllib.unescape(source.content)
    assert len(source.raw_hash) == 64


def test_gzipped_html_gets_the_same_id_as_plain(tmp_path: Path) -> None:
    data = page().encode("utf-8")
    plain = read_file(write(tmp_path / "a.html", data))[0]
    packed = read_file(write(tmp_path / "b.html.gz", gzip.compress(data)))[0]
    assert packed.content == plain.content and packed.raw_hash == plain.raw_hash


def test_declared_legacy_charset_is_honoured(tmp_path: Path) -> None:
    html = page(charset="windows-1252").replace("<h1>", "<h1>Café “quoted” — ")
    (source,) = read_file(write(tmp_path / "cp1252.html", html.encode("cp1252")))
    assert "Café “quoted” —" in source.content


def test_utf8_page_that_declares_latin1_is_read_as_utf8(tmp_path: Path) -> None:
    html = page(charset="iso-8859-1").replace("<h1>", "<h1>Zürich – ")
    (source,) = read_file(write(tmp_path / "lying.html", html.encode("utf-8")))
    assert "Zürich – " in source.content


def test_mixed_encodings_do_not_crash(tmp_path: Path) -> None:
    data = page().encode("utf-8").replace(b"<h1>", "<h1>naïve ".encode("utf-8") + "café ".encode("cp1252"))
    (source,) = read_file(write(tmp_path / "mixed.html", data))
    assert "naïve café" in source.content


def test_utf16_with_bom(tmp_path: Path) -> None:
    (source,) = read_file(write(tmp_path / "u16.html", page().encode("utf-16")))
    assert first_words() in htmllib.unescape(source.content)


# --- JSONL ------------------------------------------------------------------------------------


def test_jsonl_records_carry_their_metadata(tmp_path: Path) -> None:
    title, paragraphs = article(1)
    lines = [
        {"text": "\n\n".join(paragraphs), "title": title, "url": "https://example.com/a", "published": "2013-08-28T10:00:00Z",
         "author": ["A. Writer", "B. Writer"], "outlet": "Example Times"},
        {"html": page(0), "url": "https://example.com/b"},
    ]
    path = write(tmp_path / "dump.jsonl", "\n".join(json.dumps(x) for x in lines).encode("utf-8"))
    text, html = read_file(path)
    assert (text.kind, html.kind) == ("text", "html")
    assert text.meta == {"title": title, "url": "https://example.com/a", "published": "2013-08-28",
                         "author": "A. Writer, B. Writer", "outlet": "Example Times"}
    assert text.origin == f"{path}:1" and html.origin == f"{path}:2"
    assert text.raw_hash != html.raw_hash


def test_jsonl_bad_lines_are_reported_and_the_rest_come_through(tmp_path: Path) -> None:
    good = json.dumps({"text": "A fine article about the strategic dialogue in Moscow."})
    data = "\n".join([good, "{not json", json.dumps(["a list"]), json.dumps({"title": "no body"}),
                      json.dumps({"text": "   "}), good]).encode("utf-8")
    sources, errors = read_path(write(tmp_path / "mixed.jsonl", data))
    assert len(sources) == 2
    assert [e.path.rsplit(":", 1)[1] for e in errors] == ["2", "3", "4", "5"]
    reasons = " | ".join(e.reason for e in errors)
    assert "invalid JSON" in reasons and "expected a JSON object" in reasons
    assert "no 'text' or 'html' field" in reasons and "empty article" in reasons


# --- WARC -------------------------------------------------------------------------------------


def warc_bytes(records: list[tuple[str, str, bytes]], gz: bool = True) -> bytes:
    """A WARC with a warcinfo record, then a request and a response per (url, content type, body)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "rashomon-tests"}))
    for url, ctype, body in records:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def test_warc_yields_html_responses_and_names_non_html_records(tmp_path: Path) -> None:
    data = warc_bytes([
        ("https://example.com/one", "text/html; charset=utf-8", page(0).encode()),
        ("https://example.com/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("https://example.com/two", "text/html; charset=windows-1252", page(1, "windows-1252").encode("cp1252")),
    ])
    path = write(tmp_path / "crawl.warc.gz", data)
    sources, errors = read_path(path)
    assert [s.meta["url"] for s in sources] == ["https://example.com/one", "https://example.com/two"]
    assert all(s.kind == "html" and s.origin.startswith(f"{path}#") for s in sources)
    (error,) = errors
    assert "logo.png" in error.reason and "not HTML (image/png)" in error.reason
    assert error.path.startswith(f"{path}#")


def test_uncompressed_warc(tmp_path: Path) -> None:
    path = write(tmp_path / "crawl.warc", warc_bytes([("https://example.com/one", "text/html", page(0).encode())], gz=False))
    (source,) = read_file(path)
    assert source.meta["url"] == "https://example.com/one"


def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    whole = warc_bytes([("https://example.com/one", "text/html", page(0).encode()),
                        ("https://example.com/two", "text/html", page(1).encode())], gz=False)
    cut = whole[: whole.rindex(b"WARC/1") + 200]  # the last record's header is cut short
    sources, errors = read_path(write(tmp_path / "cut.warc", cut))
    assert [s.meta["url"] for s in sources] == ["https://example.com/one"]
    assert len(errors) == 1 and errors[0].reason


def test_non_warc_file_is_refused(tmp_path: Path) -> None:
    sources, errors = read_path(write(tmp_path / "fake.warc", b"this is not an archive\n" * 10))
    assert not sources and "WARC" in errors[0].reason


# --- RSS / Atom -------------------------------------------------------------------------------


def rss(entries: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>The Daily Example</title><link>https://example.com/</link><language>en-gb</language>
{entries}</channel></rss>""".encode("utf-8")


def rss_item(n: int, with_body: bool = True) -> str:
    title, paragraphs = article(n)
    body = "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
    content = f"<content:encoded><![CDATA[{body}]]></content:encoded>" if with_body else ""
    return (f"<item><title>{htmllib.escape(title)}</title><link>https://example.com/{n}</link>"
            f"<pubDate>Wed, 28 Aug 2013 10:00:00 GMT</pubDate><author>desk@example.com (News Desk)</author>{content}</item>")


def test_rss_entries_with_metadata_and_a_broken_entry(tmp_path: Path) -> None:
    path = write(tmp_path / "news.rss", rss(rss_item(0) + rss_item(1, with_body=False).replace("<item>", "<item>", 1) + rss_item(1)))
    sources, errors = read_path(path)
    assert len(sources) == 2 and len(errors) == 1
    first = sources[0]
    assert first.kind == "html" and first_words(0) in htmllib.unescape(first.content)
    assert first.meta["title"] == article(0)[0]
    assert first.meta["url"] == "https://example.com/0"
    assert first.meta["published"] == "2013-08-28"
    assert first.meta["outlet"] == "The Daily Example"
    assert errors[0].path == f"{path}#2" and "no content or summary" in errors[0].reason


def test_malformed_feed_still_gives_its_readable_entries(tmp_path: Path) -> None:
    broken = rss(rss_item(0) + "<item><title>Broken & unescaped <b>entry</title>" + rss_item(1))
    path = write(tmp_path / "broken.xml", broken)
    sources, errors = read_path(path)
    assert len(sources) == 2 and first_words(0) in htmllib.unescape(sources[0].content)
    (error,) = errors
    assert error.path == f"{path}#2" and "Broken" in error.reason


def test_atom_feed_uses_content_over_summary(tmp_path: Path) -> None:
    title, paragraphs = article(0)
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title>
<entry><title>{htmllib.escape(title)}</title><link href="https://example.com/atom/1"/>
<updated>2013-08-29T08:00:00Z</updated><summary>Short teaser.</summary>
<content type="html">{htmllib.escape("".join(f"<p>{p}</p>" for p in paragraphs))}</content></entry></feed>"""
    (source,) = read_file(write(tmp_path / "news.atom", atom.encode("utf-8")))
    assert source.kind == "html" and first_words(0) in htmllib.unescape(source.content)
    assert source.meta["published"] == "2013-08-29" and source.meta["outlet"] == "Example Atom"


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        read_file(write(tmp_path / "sitemap.xml", b'<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>'))


# --- stdin ------------------------------------------------------------------------------------


def test_stdin_sniffs_html_and_text() -> None:
    (html,) = read_stdin(page().encode("utf-8"))
    (text,) = read_stdin("\n\n".join(article(0)[1]).encode("utf-8"))
    assert (html.kind, text.kind) == ("html", "text")
    assert html.path == text.path == "-"
    with pytest.raises(InputError, match="empty"):
        read_stdin(b"  \n ")


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".html", ".jsonl", ".warc", ".rss"])
def test_binary_file(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"image{suffix}", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError) as info:
        list(READERS[suffix](path, path.read_bytes()))
    assert info.value.path == str(path) and info.value.reason


@pytest.mark.parametrize("name", ["empty.html", "empty.jsonl", "empty.warc.gz", "empty.rss"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, b"")
    with pytest.raises(InputError, match="empty file") as info:
        read_file(path)
    assert info.value.path == str(path)


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(page().encode("utf-8"))
    path = write(tmp_path / "cut.html.gz", data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated gzip") as info:
        read_file(path)
    assert info.value.path == str(path)


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(page().encode("utf-8")))
    data[20:40] = b"\xff" * 20
    with pytest.raises(InputError, match="gzip"):
        read_file(write(tmp_path / "bad.html.gz", bytes(data)))


def test_gzip_bomb_is_refused() -> None:
    with pytest.raises(InputError, match="exceeds"):
        gunzip(gzip.compress(b"a" * 10_000), "bomb.gz", limit=1_000)


@pytest.mark.parametrize("html", [
    "<html><head><title>Only a head</title><script>var x = 1;</script></head></html>",
    "<!DOCTYPE html><html><head><title>T</title></head><body>  <div> </div><!-- nothing --></body></html>",
])
def test_html_with_no_body(tmp_path: Path, html: str) -> None:
    path = write(tmp_path / "nobody.html", html.encode("utf-8"))
    with pytest.raises(InputError, match="no visible text") as info:
        read_file(path)
    assert info.value.path == str(path)


def test_50_mb_page(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as out:
        out.write(b"<html><body>")
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(InputError, match="too large") as info:
        read_file(path)
    assert info.value.path == str(path)


def test_read_path_reports_instead_of_raising(tmp_path: Path) -> None:
    sources, errors = read_path(write(tmp_path / "empty.html", b""))
    assert sources == [] and errors[0].reason == "empty file"


# --- helpers ----------------------------------------------------------------------------------


def test_split_errors_keeps_order() -> None:
    a = Source(path="p", kind="text", content="x", raw_hash="0" * 64)
    err = InputError("p#2", "bad")
    assert split_errors([a, err, a]) == ([a, a], [err])


@pytest.mark.parametrize("value, expected", [
    ("2019-11-19T10:00:00Z", "2019-11-19"),
    ("Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19"),
    ("November 19, 2019", "2019-11-19"),
    ("not a date", None),
    (None, None),
])
def test_iso_date(value: object, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_seven_bit_declared_encoding_is_believed() -> None:
    text = "ニュース"
    assert decode_bytes(text.encode("iso2022_jp"), "p", "ISO-2022-JP") == text


def test_page_with_too_much_markup_to_extract(tmp_path: Path) -> None:
    para = "<p>" + "The minister said the talks would continue on Thursday. " * 20 + "</p>\n"
    path = write(tmp_path / "wall.html", ("<html><body>" + para * (6_000_000 // len(para)) + "</body></html>").encode())
    with pytest.raises(InputError, match="too large to extract") as info:
        read_file(path)
    assert info.value.path == str(path)


def test_script_heavy_page_is_read(tmp_path: Path) -> None:
    script = "<script>var data = '" + "x" * 6_000_000 + "';</script>"
    path = write(tmp_path / "heavy.html", page().replace("</head>", script + "</head>").encode())
    (source,) = read_file(path)
    assert source.kind == "html"


@pytest.mark.parametrize("text, encoding", [
    ("Café owners in Zürich protested on Monday, the council said.\n" * 3, "latin-1"),
    ("Москва — столица России, крупнейший город страны.", "cp1251"),
    ("北京是中华人民共和国的首都，也是全国的政治中心。", "gbk"),
])
def test_undeclared_legacy_encodings(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "p") == text
