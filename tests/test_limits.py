"""Limits: a file, a document or a page too big — or a document too slow — fails alone, with a
message that says which limit and how to raise it; the rest of the batch goes on."""

from __future__ import annotations

import gzip
import json
import threading
import time

import pytest

from rashomon import limits
from rashomon.errors import InputError
from rashomon.limits import DocumentTimeout, Limits, time_limit
from rashomon.readers import read_path


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Defaults in, and nothing left behind: `configure` exports to os.environ, which the other
    tests of this worker process (and the processes they start) would otherwise inherit."""
    import os

    saved = {name: os.environ.pop(name) for name in Limits().to_env() if name in os.environ}
    limits.reset()
    yield
    for name in Limits().to_env():
        os.environ.pop(name, None)
    os.environ.update(saved)
    limits.reset()


def test_defaults_are_documented_values():
    d = Limits()
    assert (d.max_file_bytes, d.max_markup_chars, d.max_document_chars, d.document_seconds) == (
        50 * 1024 * 1024, 5_000_000, 1_000_000, 60.0,
    )  # fmt: skip


def test_environment_overrides_and_rejects_garbage():
    got = Limits.from_env({"RASHOMON_MAX_DOCUMENT_CHARS": "2000", "RASHOMON_DOCUMENT_SECONDS": "2.5"})
    assert got.max_document_chars == 2000 and got.document_seconds == 2.5 and got.max_file_bytes == Limits().max_file_bytes
    with pytest.raises(ValueError, match="RASHOMON_MAX_FILE_BYTES"):
        Limits.from_env({"RASHOMON_MAX_FILE_BYTES": "fifty megs"})


def test_configure_overrides_and_exports_for_worker_processes(monkeypatch):
    chosen = limits.configure(max_document_chars=123, document_seconds=None)
    assert limits.current() is chosen and chosen.max_document_chars == 123
    assert chosen.document_seconds == Limits().document_seconds  # None leaves a limit as it was
    import os

    assert os.environ["RASHOMON_MAX_DOCUMENT_CHARS"] == "123"
    assert Limits.from_env().max_document_chars == 123  # what a spawned worker will read


def test_long_pasted_text_is_refused_not_truncated(tmp_path):
    limits.configure(max_document_chars=1000, export=False)
    long = tmp_path / "long.txt"
    long.write_text("The minister spoke. " * 100, "utf-8")  # 2,000 characters
    short = tmp_path / "short.txt"
    short.write_text("The minister spoke on Tuesday about the floods.", "utf-8")
    sources, errors = read_path(long)
    assert sources == [] and len(errors) == 1
    assert errors[0].path == str(long)
    assert "document too long (2,000 characters > 1,000)" in errors[0].reason
    assert "RASHOMON_MAX_DOCUMENT_CHARS" in errors[0].reason
    assert read_path(short)[0]  # under the limit: read as usual


def test_one_long_record_fails_alone_in_a_jsonl_file(tmp_path):
    limits.configure(max_document_chars=500, export=False)
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "\n".join(json.dumps({"text": t, "url": f"https://e.com/{i}"}) for i, t in enumerate(["short one", "x " * 400, "short two"])),
        "utf-8",
    )
    sources, errors = read_path(path)
    assert [s.content for s in sources] == ["short one", "short two"]
    assert [e.path for e in errors] == [f"{path}:2"] and "document too long" in errors[0].reason


def test_file_size_limit_applies_to_the_file_and_to_what_gzip_expands_to(tmp_path):
    limits.configure(max_file_bytes=10_000, export=False)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 4000)
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * 1_000_000))  # 1 KB on disk, 1 MB inside
    assert "file too large" in read_path(big)[1][0].reason
    assert "decompressed size exceeds 10000 bytes" in read_path(bomb)[1][0].reason


def test_html_markup_limit(tmp_path):
    limits.configure(max_markup_chars=5_000, export=False)
    page = tmp_path / "page.html"
    page.write_text("<html><body>" + "<p>a paragraph of the report</p>" * 400 + "</body></html>", "utf-8")
    _, errors = read_path(page)
    assert "page too large to extract" in errors[0].reason and "RASHOMON_MAX_MARKUP_CHARS" in errors[0].reason


def test_extracted_body_over_the_limit_is_refused():
    from rashomon.extract_html import extract_html
    from rashomon.model import Source

    limits.configure(max_document_chars=200, export=False)
    html = "<div>" + "<p>The minister said the floods had displaced thousands of families.</p>" * 10 + "</div>"
    with pytest.raises(InputError, match="document too long"):
        extract_html(Source(path="p.html", kind="html", content=html, raw_hash="0" * 64, origin="p.html"))


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_time_limit_stops_a_runaway_document_in_the_main_thread():
    started = time.monotonic()
    with pytest.raises(DocumentTimeout) as caught:
        with time_limit(0.2, "slow.html"):
            spin(5)
    assert time.monotonic() - started < 2
    assert isinstance(caught.value, InputError) and caught.value.path == "slow.html"
    assert "gave up after 0.2 s" in caught.value.reason


def test_time_limit_does_not_fire_for_fast_work_and_leaves_no_alarm_behind():
    import signal

    with time_limit(0.5, "fast.txt"):
        spin(0.01)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    spin(0.6)  # no stray alarm arrives later


def test_broad_except_in_library_code_cannot_swallow_the_timeout():
    def library_code() -> None:
        try:
            spin(5)
        except Exception:  # noqa: BLE001  what third-party heuristics do
            pass

    with pytest.raises(DocumentTimeout):
        with time_limit(0.2, "x"):
            library_code()


def test_inner_limit_keeps_an_earlier_outer_deadline():
    with pytest.raises(DocumentTimeout) as caught:
        with time_limit(0.2, "outer"):
            with time_limit(10, "inner"):
                spin(5)
    assert caught.value.path == "outer"  # the limit that expired is the one named


def test_inner_limit_that_expires_first_names_the_inner_document():
    with time_limit(10, "batch"):
        with pytest.raises(DocumentTimeout) as caught:
            with time_limit(0.2, "inner"):
                spin(5)
        assert caught.value.path == "inner"
        spin(0.05)  # the outer limit is still armed and does not fire early


def test_time_limit_in_a_worker_thread_uses_the_watchdog():
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            with time_limit(0.2, "threaded.txt"):
                spin(5)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    thread.join(10)
    assert time.monotonic() - started < 3
    assert isinstance(outcome[0], DocumentTimeout) and outcome[0].path == "threaded.txt"


def test_zero_turns_the_time_limit_off():
    with time_limit(0, "x"):
        spin(0.05)


def test_ingest_reports_an_oversized_file_without_reading_it(tmp_path):
    from rashomon.store import Store

    limits.configure(max_file_bytes=1000, export=False)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(inbox / "huge.txt", "wb") as f:
        f.truncate(10**12)  # sparse: 1 TB that would take hours (and all memory) to hash
    with Store(tmp_path / "news.db") as store:
        report = store.ingest([inbox])
    assert report.failed == 1 and report.added == 0
    assert "file too large" in report.errors[0].reason and report.errors[0].path.endswith("huge.txt")
