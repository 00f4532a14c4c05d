"""The store follows the clusterer's second thoughts: when a batch splits a stored story (some
members move to a new story) or merges two (the absorbed story disappears), the documents' rows,
the stories and their layers, the entity summary and the clusterer's rows move with it, in the
batch's transaction.

The articles are the real ECB+ news reports of four events (two actresses checking into rehab
months apart, a pin-up model's death, a church fire), dealt round robin into three runs of batches of four, as a
store fed now and then sees them: the first run's reports dated in the days after the event, the
second's a month later (the stories of the first run have gone quiet, and the follow-ups, with
their similarity faded, open stories of their own), the third's in between: its reports join
one story of their event and bridge to the other, and the stories of one event merge. Young
stories holding reports of two events split on the way."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import shutil
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import SHARED
from rashomon.cluster import ClusterParams, default_params, item_embedding
from rashomon.store import Store, clusterstate, write
from rashomon.store.incremental import Ingester, _Regroup

ECB = SHARED / "bench" / "ecbplus" / "docs.json"
EVENTS = ("1_ecb", "1_ecbplus", "4_ecb", "13_ecb")
DAYS = (0, 25, 12)  # publish day of each run's reports (+ 0-2), after START
BATCH = 4
START = dt.date(2012, 1, 2)
REGROUP = {"split_tau": 0.6, "merge_bridge": 0.7, "merge_centroid": 0.9}  # on, whatever is shipped
pytestmark = pytest.mark.skipif(not ECB.exists(), reason="needs ../shared/bench/ecbplus")


def regrouping() -> ClusterParams:
    return ClusterParams.from_dict({**default_params().to_dict(), **REGROUP})


def _page(doc: dict, day: dt.date) -> str:
    body = "\n\n".join(line for line in doc["text"].splitlines() if line.strip())
    return f"Report {doc['doc_id']}\n\nPublished: {day.isoformat()}\n\n{body}\n"


def write_inboxes(root: Path) -> list[Path]:
    """One inbox per run: the reports of the events in a seeded order, dealt round robin."""
    docs = [d for d in json.loads(ECB.read_text("utf-8")) if d["subtopic"] in EVENTS]
    random.Random(0).shuffle(docs)
    inboxes = []
    for run, days in enumerate(DAYS):
        inbox = root / f"inbox{run}"
        inbox.mkdir()
        for n, d in enumerate(docs[run :: len(DAYS)]):
            day = START + dt.timedelta(days=days + n % 3)
            (inbox / f"{d['doc_id']}.txt").write_text(_page(d, day), "utf-8")
        inboxes.append(inbox)
    return inboxes


@contextlib.contextmanager
def spying() -> Iterator[list[tuple[_Regroup, set[str], set[str]]]]:
    """Every batch's regroup as `Ingester._assign` hands it to the commit, with the documents
    and the built stories the store held before the batch."""
    seen: list[tuple[_Regroup, set[str], set[str]]] = []
    original = Ingester._assign

    def assign(self, new):
        docs = {row[0] for row in self.conn.execute("SELECT id FROM documents")}
        stories = {row[0] for row in self.conn.execute("SELECT id FROM stories")}
        regroup = original(self, new)
        seen.append((regroup, docs, stories))
        return regroup

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Ingester, "_assign", assign)
        yield seen


def copy_db(src: sqlite3.Connection, path: Path) -> Path:
    dst = sqlite3.connect(path)
    src.backup(dst)
    dst.close()
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The store after the runs, a copy of it before the last run, the runs' reports, every
    batch's regroup, and the inboxes."""
    root = tmp_path_factory.mktemp("regroup")
    inboxes = write_inboxes(root)
    reports = []
    with spying() as regroups, pytest.MonkeyPatch.context() as mp:
        mp.setattr(clusterstate, "default_params", regrouping)  # a fresh store takes these and keeps them
        store = Store(root / "news.db")
        for inbox in inboxes[:-1]:
            reports.append(store.ingest([inbox], batch_size=BATCH))
        before = copy_db(store.conn, root / "before_last_run.db")
        reports.append(store.ingest([inboxes[-1]], batch_size=BATCH))
    yield store, before, reports, regroups, inboxes
    store.close()


def assert_consistent(conn: sqlite3.Connection) -> None:
    """Every document in exactly one story, every story row with members and the right count,
    no story layer or summary row of a story that is not stored, and the clusterer's rows
    holding exactly the stored documents, each in its story."""
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    docs = dict(conn.execute("SELECT id, story_id FROM documents"))
    members = conn.execute("SELECT document_id, story_id FROM story_documents").fetchall()
    assert len(members) == len(docs) and dict(members) == docs  # one membership each, the document's story
    stories = dict(conn.execute("SELECT id, n_documents FROM stories"))
    dirty = {row[0] for row in conn.execute("SELECT story_id FROM dirty_stories")}
    sizes: dict[str, int] = {}
    for story in docs.values():
        sizes[story] = sizes.get(story, 0) + 1
    assert set(sizes) <= set(stories) | dirty, "a document's story is stored or waits for its rebuild"
    assert set(stories) <= set(sizes), "no story row without members"
    assert {s: n for s, n in stories.items() if s not in dirty} == {s: sizes[s] for s in stories if s not in dirty}
    for table in ("facts", "entities", "events", "quantities", "entity_stories"):
        orphans = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE story_id NOT IN (SELECT id FROM stories)").fetchone()[0]
        assert orphans == 0, table
    state = clusterstate.load_all(conn)
    assert {d: state.story_of(d) for d in docs} == docs
    assert sorted(d for docs_ in state.stories() for d in docs_) == sorted(docs)
    assert {row[0] for row in conn.execute("SELECT id FROM cluster_stories")} == set(sizes)


def test_a_later_run_splits_and_merges_stored_stories_and_the_store_follows(built):
    store, _, reports, regroups, _ = built
    conn = store.conn
    assert sum(r.stories_split for r in reports) >= 1 and reports[-1].stories_merged >= 1
    moved = {d: s for r, _, _ in regroups for d, s in r.moved.items()}
    gone = set().union(*(r.gone for r, _, _ in regroups))
    assert all(set(r.moved) <= docs for r, docs, _ in regroups), "only stored documents' rows are moved"
    assert any(m.kind == "split" and set(m.docs) & docs for r, docs, _ in regroups for m in r.moves), "a split moved stored documents"
    assert any(r.gone & stories for r, _, stories in regroups), "a merge folded away a story built before"
    assert_consistent(conn)
    for story in gone:
        for table, column in (("stories", "id"), ("entity_stories", "story_id"), ("facts", "story_id"),
                              ("entities", "story_id"), ("cluster_stories", "id"), ("dirty_stories", "story_id"),
                              ("story_documents", "story_id"), ("documents", "story_id")):  # fmt: skip
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (story,)).fetchone()[0] == 0, table
    docs = dict(conn.execute("SELECT id, story_id FROM documents"))
    assert {d: docs[d] for d in moved} == moved
    # every story is whole: its brief lists exactly its members
    for story_id, data in conn.execute("SELECT id, data FROM stories"):
        from rashomon.store.codec import unpack

        assert sorted(unpack(data)["documents"]) == sorted(d for d, s in docs.items() if s == story_id)
    # the entity summary is what the stories say (no count left over from a deleted story)
    from rashomon.store import entityindex

    summary = {}
    for r in conn.execute("SELECT id, name_key, type_key, country, n_stories, n_documents, last_date, aliases, roles FROM entity_index"):
        ids = [s for (s,) in conn.execute("SELECT story_id FROM entity_stories WHERE entity_id = ? ORDER BY story_id", (r[0],))]
        summary[(r[1], r[2])] = {"country": r[3], "stories": r[4], "documents": r[5], "story_ids": ids, "last_date": r[6],
                                 "aliases": json.loads(r[7]), "roles": json.loads(r[8])}  # fmt: skip
    assert summary and summary == entityindex.aggregate_from_scratch(conn)


def test_the_same_ingest_again_adds_and_moves_nothing(built):
    store, _, _, _, inboxes = built
    conn = store.conn
    tables = ("documents", "story_documents", "stories", "cluster_stories", "cluster_postings", "entity_stories")
    snapshot = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
    with spying() as regroups:
        report = store.ingest(inboxes, batch_size=BATCH)
        forced = store.ingest(inboxes, batch_size=BATCH, force=True)  # every file decoded, every article known
    assert (report.added, forced.added, report.stories_split + forced.stories_split) == (0, 0, 0)
    assert not any(r.moves for r, _, _ in regroups)
    assert snapshot == {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}"))) for t in tables}


def test_a_crash_in_the_batch_that_merges_leaves_the_store_as_of_the_last_batch(built, tmp_path):
    """The merge's batch fails after the absorbed story was deleted, inside its transaction: the
    store is as the batch before left it (clusterer rows matching), and the next run redoes it."""
    _, before, _, _, inboxes = built
    db = tmp_path / "news.db"
    shutil.copy(before, db)
    deleted = []

    def crash(conn, story_id):
        write_delete(conn, story_id)
        deleted.append(story_id)
        raise OSError("power cut")

    write_delete = write.delete_story
    with Store(db) as store, pytest.MonkeyPatch.context() as mp:
        mp.setattr(write, "delete_story", crash)
        with pytest.raises(OSError, match="power cut"):
            store.ingest([inboxes[-1]], batch_size=BATCH)
        mp.undo()
        assert deleted, "the crash came in a merge"
        conn = store.conn
        assert_consistent(conn)
        stories = {row[0] for row in conn.execute("SELECT id FROM stories")} | {
            row[0] for row in conn.execute("SELECT story_id FROM dirty_stories")
        }
        assert deleted[0] in stories, "the deletion was rolled back with its batch"
        resumed = store.ingest([inboxes[-1]], batch_size=BATCH)
        assert resumed.failed == 0 and resumed.stories_merged >= 1
        assert_consistent(conn)
        total = conn.execute("SELECT COUNT(*), COUNT(DISTINCT raw_hash) FROM documents").fetchone()
        assert total[0] == total[1] == sum(len(list(i.iterdir())) for i in inboxes)
        assert conn.execute("SELECT COUNT(*) FROM dirty_stories").fetchone()[0] == 0


def test_a_members_item_is_stored_without_text_and_embedding_and_comes_back_bit_for_bit(built):
    """A split check reads the items of members stored before; the lead embedding is recomputed
    from the document's text, in another process than the one that analysed it, and must be
    exactly the one the clusterer used when the article arrived (else stored and in-memory
    clusterers would decide differently)."""
    from rashomon import embed
    from rashomon.store.codec import unpack

    store = built[0]
    rows = store.conn.execute(
        "SELECT d.id, d.text, l.data FROM documents d JOIN layers l ON l.document_rowid = d.rowid ORDER BY d.id LIMIT 12"
    ).fetchall()
    items = clusterstate.read_items(store.conn, [r[0] for r in rows])
    assert sorted(items) == sorted(r[0] for r in rows)
    stored = unpack(rows[0][2])["cluster_item"]
    assert "text" not in stored and "embedding" not in stored and stored["lemmas"]
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        elsewhere = list(pool.map(embed.embed_lead, [r[1] for r in rows]))
    for (doc_id, text, _), emb in zip(rows, elsewhere):
        assert items[doc_id].text == text
        recomputed = item_embedding(items[doc_id])
        assert recomputed.tobytes() == np.asarray(emb, dtype=np.float64).tobytes()
