"""The store under faults: a full disk, a read-only file system, another program holding the write
lock, and SIGKILLs at random moments. Whatever happens, the user gets a clear error, the store
passes `PRAGMA integrity_check`, every article is stored exactly once once the fault is gone, and
no story or fact refers to a document the store does not have."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

ECB = SHARED / "bench" / "ecbplus" / "docs.json"
needs_ecb = pytest.mark.skipif(not ECB.is_file(), reason="needs ../shared/bench/ecbplus")


def write_inbox(inbox: Path, n: int, seed: int = 0) -> list[str]:
    docs = [d for d in json.loads(ECB.read_text("utf-8")) if len(d["text"]) > 800]
    random.Random(seed).shuffle(docs)
    inbox.mkdir(parents=True, exist_ok=True)
    for d in docs[:n]:
        (inbox / f"{d['doc_id']}.txt").write_text(d["text"], "utf-8")
    return [d["doc_id"] for d in docs[:n]]


def assert_consistent(db: Path, expected: int | None = None) -> None:
    """Integrity ok, each article once, and every reference to a document or story resolves."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        total, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT raw_hash) FROM documents").fetchone()
        assert total == distinct
        if expected is not None:
            assert total == expected
        dangling = {
            "membership": "SELECT COUNT(*) FROM story_documents WHERE document_id NOT IN (SELECT id FROM documents)",
            "story of member": "SELECT COUNT(*) FROM story_documents WHERE story_id NOT IN (SELECT id FROM stories)",
            "fact span": "SELECT COUNT(*) FROM fact_spans WHERE document_id NOT IN (SELECT id FROM documents)",
            "fact": "SELECT COUNT(*) FROM facts WHERE story_id NOT IN (SELECT id FROM stories)",
            "event": "SELECT COUNT(*) FROM events WHERE document_id IS NOT NULL AND document_id NOT IN (SELECT id FROM documents)",
            "quantity": "SELECT COUNT(*) FROM quantities WHERE document_id IS NOT NULL AND document_id NOT IN (SELECT id FROM documents)",
            "layers": "SELECT COUNT(*) FROM documents WHERE rowid NOT IN (SELECT document_rowid FROM layers)",
        }  # fmt: skip
        assert {name: conn.execute(q).fetchone()[0] for name, q in dangling.items()} == dict.fromkeys(dangling, 0)
        members = conn.execute("SELECT COUNT(*), COUNT(DISTINCT document_id) FROM story_documents").fetchone()
        assert members == (total, total)  # each stored article in exactly one story
    finally:
        conn.close()


@contextlib.contextmanager
def small_filesystem(path: Path, size: str = "8m"):
    """A tmpfs of `size` at `path` (root only); skips the test where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(fs: Path, leave_bytes: int) -> Path:
    """Fill the file system but `leave_bytes` with a ballast file; delete it to free the space."""
    ballast = fs / "ballast"
    free = shutil.disk_usage(fs).free
    with open(ballast, "wb") as f:
        f.write(b"\0" * max(0, free - leave_bytes))
    return ballast


@needs_ecb
def test_disk_full_fails_clearly_keeps_the_store_sound_and_resumes(tmp_path):
    from rashomon.store import Store, StoreFull

    inbox = tmp_path / "inbox"
    write_inbox(inbox, 8)
    with small_filesystem(tmp_path / "fs") as fs:
        db = fs / "news.db"
        Store(db).close()  # the schema fits
        ballast = fill(fs, 48 * 1024)
        with Store(db) as store, pytest.raises(StoreFull) as caught:
            store.ingest([inbox], batch_size=2)
        message = str(caught.value)
        assert "disk is full" in message and "run the same command again" in message and str(db) in message
        ballast.unlink()
        assert_consistent(db)  # whatever was committed before the disk filled is whole
        with Store(db) as store:
            report = store.ingest([inbox], batch_size=2)
        assert report.failed == 0
        assert_consistent(db, expected=8)


@needs_ecb
def test_size_limit_of_sqlite_is_reported_as_a_full_store(tmp_path):
    """Where no tmpfs can be mounted, SQLite's own page limit gives the same SQLITE_FULL path."""
    from rashomon.store import Store, StoreFull

    inbox = tmp_path / "inbox"
    write_inbox(inbox, 6, seed=1)
    db = tmp_path / "news.db"
    with Store(db) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreFull, match="disk is full"):
            store.ingest([inbox], batch_size=2)
    assert_consistent(db)
    with Store(db) as store:
        assert store.ingest([inbox], batch_size=2).failed == 0
    assert_consistent(db, expected=6)


def test_read_only_store_is_refused_with_a_clear_message(tmp_path):
    from rashomon.store import Store, StoreReadOnly

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("The council met on Monday and approved the budget for the new bridge.\n", "utf-8")
    if os.geteuid() == 0:  # root writes through file modes: make the whole file system read-only
        with small_filesystem(tmp_path / "fs") as fs:
            db = fs / "news.db"
            Store(db).close()
            subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
            with pytest.raises(StoreReadOnly, match="read-only|cannot open") as caught:
                with Store(db) as store:
                    store.ingest([inbox])
            assert str(db) in str(caught.value)
            subprocess.run(["mount", "-o", "remount,rw", str(fs)], check=True)
            assert_consistent(db, expected=0)
    else:
        db = tmp_path / "ro" / "news.db"
        db.parent.mkdir()
        Store(db).close()
        db.chmod(0o444)
        db.parent.chmod(0o555)
        try:
            with pytest.raises(StoreReadOnly):
                with Store(db) as store:
                    store.ingest([inbox])
        finally:
            db.parent.chmod(0o755)
            db.chmod(0o644)


def test_a_second_writer_holding_the_lock_gives_store_locked_and_no_partial_batch(tmp_path):
    from rashomon.store import Store, StoreBusy, StoreLocked

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("The council met on Monday and approved the budget for the new bridge.\n", "utf-8")
    db = tmp_path / "news.db"
    Store(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a user's sqlite3 shell in the middle of an update
    try:
        with Store(db, busy_timeout=0.3) as store, pytest.raises(StoreLocked) as caught:
            store.ingest([inbox])
        assert isinstance(caught.value, StoreBusy)  # reported wherever a concurrent ingest is
        assert "another program is writing to the store" in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_consistent(db, expected=0)


def test_a_file_that_is_not_a_database_is_still_called_so(tmp_path):
    from rashomon.store import SchemaError, Store

    db = tmp_path / "notes.db"
    db.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(SchemaError, match="not a rashomon store"):
        Store(db)


def _cli_ingest(inbox: Path, db: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(ROOT / "src")) if p))
    return subprocess.Popen(
        [sys.executable, "-m", "rashomon.cli", "ingest", str(inbox), "--db", str(db), "--batch-size", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip


@needs_ecb
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path):
    """A short version of the benchmark's 20-kill loop (benchmarks/robustness.py)."""
    n_docs = 6
    inbox = tmp_path / "inbox"
    write_inbox(inbox, n_docs, seed=3)
    db = tmp_path / "news.db"
    rng = random.Random(12)
    for _ in range(3):
        proc = _cli_ingest(inbox, db)
        time.sleep(rng.uniform(1.0, 5.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if db.exists():
            assert_consistent(db)  # sound after every kill, not only at the end
    proc = _cli_ingest(inbox, db)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr.decode()
    assert_consistent(db, expected=n_docs)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM dirty_stories").fetchone()[0] == 0
    conn.close()
