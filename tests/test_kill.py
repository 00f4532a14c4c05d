"""Crash safety for real: an ingest killed with SIGKILL mid-way and restarted stores every article
exactly once, leaves no story half-built, and the database passes its integrity check."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

ECB = SHARED / "bench" / "ecbplus" / "docs.json"
N_DOCS = 16


def count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def ingest(inbox: Path, db: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-m", "rashomon.cli", "ingest", str(inbox), "--db", str(db), "--batch-size", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip


def kill_after(inbox: Path, db: Path, stored: int) -> int:
    """Start an ingest, SIGKILL it once `stored` articles are committed; the count it left."""
    proc = ingest(inbox, db)
    deadline = time.monotonic() + 120
    while count(db) < stored and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return count(db)


@pytest.mark.skipif(not ECB.is_file(), reason="needs ../shared/bench/ecbplus")
def test_killed_ingest_restarts_and_stores_every_article_once(tmp_path):
    docs = json.loads(ECB.read_text("utf-8"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    chosen = [d for d in docs if d["subtopic"] in {"1_ecb", "1_ecbplus", "3_ecb"}][:N_DOCS]
    for d in chosen:
        (inbox / f"{d['doc_id']}.txt").write_text(d["text"], "utf-8")
    db = tmp_path / "news.db"

    first = kill_after(inbox, db, 2)
    second = kill_after(inbox, db, first + 4)
    assert 0 < first < N_DOCS and first <= second < N_DOCS  # really killed mid-way, twice

    proc = ingest(inbox, db)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    hashes = [r[0] for r in conn.execute("SELECT raw_hash FROM documents")]
    assert len(hashes) == len(set(hashes)) == N_DOCS
    members = [r[0] for r in conn.execute("SELECT document_id FROM story_documents")]
    assert sorted(members) == sorted(r[0] for r in conn.execute("SELECT id FROM documents"))  # each in one story
    assert conn.execute("SELECT COUNT(*) FROM dirty_stories").fetchone()[0] == 0  # no story left half-built
    stored_stories = {r[0] for r in conn.execute("SELECT id FROM stories")}
    assert stored_stories == {r[0] for r in conn.execute("SELECT DISTINCT story_id FROM story_documents")}
    clustered = [d for (data,) in conn.execute("SELECT data FROM cluster_stories") for d in json.loads(data)["docs"]]
    assert sorted(clustered) == sorted(members)  # the clusterer's state matches what was committed
    per_story = conn.execute(
        """SELECT s.n_facts, s.n_documents, (SELECT COUNT(*) FROM facts f WHERE f.story_id = s.id),
                  (SELECT COUNT(*) FROM story_documents m WHERE m.story_id = s.id) FROM stories s"""
    ).fetchall()
    assert all(a == b and c == d for a, c, b, d in per_story)  # flat layers match each story's last rebuild
    assert sum(n for _, n, _, _ in per_story) == N_DOCS
    conn.close()
