"""An ingest reads only the part of the clusterer's state its articles can reach, and decides
exactly what a clusterer holding the whole state would (issue 9: memory bounded on a big store).

The articles are real ECB+ news reports (four topics, each with two real events); the publish
dates are set so that a second wave of reports arrives either within the clusterer's horizon of
the first wave's stories or long past it, as a store kept for years sees them."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SHARED
from rashomon import nlp
from rashomon.cluster import ClusterItem, ClusterParams, StoryClusterer, default_params, item_from_spacy
from rashomon.model import Document
from rashomon.pipeline import DocumentLayers
from rashomon.store import Store, clusterstate, write

ECB = SHARED / "bench" / "ecbplus" / "docs.json"
TOPICS = ("1", "4", "13", "19")
START = dt.date(2012, 1, 2)
pytestmark = pytest.mark.skipif(not ECB.exists(), reason="needs ../shared/bench/ecbplus")


@pytest.fixture(scope="module")
def reports() -> list[tuple[dict, ClusterItem]]:
    docs = [d for d in json.loads(ECB.read_text("utf-8")) if d["topic"] in TOPICS]
    parsed = nlp.parse_many(d["text"] for d in docs)
    return [(d, item_from_spacy(d["doc_id"], d["text"], None, p)) for d, p in zip(docs, parsed)]


def first_wave(reports) -> list[ClusterItem]:
    """Every report once, dated in the first weeks of 2012 (one event per subtopic, its own week)."""
    subtopics = sorted({d["subtopic"] for d, _ in reports})
    out = []
    for n, (d, item) in enumerate(reports):
        day = START + dt.timedelta(days=7 * subtopics.index(d["subtopic"]) + n % 3)
        out.append(replace(item, published=day, event_date=day))
    return sorted(out, key=lambda i: (i.published, i.doc_id))


def second_wave(reports, tag: str, days_after: dict[str, int | None]) -> list[ClusterItem]:
    """The reports of the topics in `days_after` again (new ids), that many days after the first
    wave's dates (None: undated)."""
    first = {i.doc_id: i for i in first_wave(reports)}
    out = []
    for d, item in reports:
        if d["topic"] not in days_after:
            continue
        shift = days_after[d["topic"]]
        day = None if shift is None else first[item.doc_id].published + dt.timedelta(days=shift)
        out.append(replace(item, doc_id=f"{item.doc_id}-{tag}", published=day, event_date=day))
    return sorted(out, key=lambda i: (i.published is None, i.published or dt.date.min, i.doc_id))


def store_with(tmp_path: Path, items: list[ClusterItem], batch: int = 16, params: ClusterParams | None = None) -> sqlite3.Connection:
    """A store whose clusterer rows hold `items`, written batch by batch as an ingest writes them."""
    store = Store(tmp_path / "s.db")
    conn = store.conn
    clusterer = clusterstate.load(conn)
    if params is not None:
        clusterer.params = params
    for start in range(0, len(items), batch):
        ingest(conn, clusterer, items[start : start + batch])
        clusterer.trim()
    return conn


def ingest(
    conn: sqlite3.Connection, clusterer: clusterstate.StoredClusterer, items: list[ClusterItem], moves: list | None = None
) -> list[str]:
    """One batch as an ingest commits it: the clusterer's rows, and the documents' rows with their
    cluster items (what a split check reads of members stored before), following moves (appended
    to `moves`)."""
    clusterer.prepare(items)
    ids = [clusterer.add(item) for item in items]
    new = {item.doc_id for item in items}
    drained = clusterer.drain_moves()
    if moves is not None:
        moves.extend(drained)
    moved = {d: clusterer.story_of(d) for move in drained for d in move.docs if d not in new}
    conn.execute("BEGIN IMMEDIATE")
    for item in items:
        layers = DocumentLayers(Document(item.doc_id, f"{item.doc_id}.txt", item.text), cluster_item=item)
        write.insert_document(conn, layers, item.doc_id, item.doc_id, clusterer.story_of(item.doc_id), 0, "now")
    write.move_documents(conn, moved)
    clusterstate.save(conn, clusterer)
    conn.execute("COMMIT")
    return ids


def whole_state(conn: sqlite3.Connection) -> dict:
    """The stored clusterer state, order-free where the store's row order is not meaningful
    (members' items are the documents' rows, not the clusterer's)."""
    data = clusterstate.load_all(conn).to_dict()
    return {**data, "stories": {s["id"]: s for s in data["stories"]}, "items": None}


def as_stored(clusterer: StoryClusterer) -> dict:
    data = json.loads(json.dumps(clusterer.to_dict()))
    return {**data, "stories": {s["id"]: s for s in data["stories"]}, "items": None}


def test_a_late_wave_decides_as_the_whole_state_but_reads_only_the_stories_within_the_horizon(reports, tmp_path):
    conn = store_with(tmp_path, first_wave(reports))
    whole = clusterstate.load_all(conn)
    whole_state_before = {s for s in whole._stories}
    # Topic 1 comes back within the horizon (its stories can take the new reports), topic 4
    # after a year: its old stories still fill posting lists, but none can be a candidate.
    late = second_wave(reports, "late", {"1": 2, "4": 365})
    clusterer = clusterstate.load(conn)
    assert clusterer.held() == (0, 0)

    got = ingest(conn, clusterer, late)

    assert got == [whole.add(item) for item in late]
    assert whole_state(conn) == as_stored(whole)
    old_topic_1 = {whole.story_of(i.doc_id) for i in first_wave(reports) if i.doc_id.startswith("1_")}
    old_topic_4 = {whole.story_of(i.doc_id) for i in first_wave(reports) if i.doc_id.startswith("4_")}
    assert {sid for sid, item in zip(got, late) if item.doc_id.startswith("1_")} & old_topic_1, "within the horizon: joins"
    assert not {sid for sid, item in zip(got, late) if item.doc_id.startswith("4_")} & old_topic_4, "past it: new stories"
    first = set(whole_state_before)
    for sid in set(clusterer._stories) & first:  # read whole: ranked by an article it can reach
        last = conn.execute("SELECT last FROM cluster_stories WHERE id = ?", (sid,)).fetchone()[0]
        assert any(clusterer.within_horizon(last, item.published) for item in late)

    # Topic 4 once more, a year and a month on: every first-wave story is past the horizon now.
    again = second_wave(reports, "again", {"4": 400})
    clusterer = clusterstate.load(conn)
    got = ingest(conn, clusterer, again)
    assert got == [whole.add(item) for item in again]
    assert not set(clusterer._stories) & first, "a story past the horizon of every article is never read whole"
    assert clusterer.reads["lasts"] >= len(old_topic_4), "... though it was ranked, and its date asked for"
    assert whole_state(conn) == as_stored(whole)


def test_undated_articles_and_forgetting_between_batches_change_no_decision(reports, tmp_path):
    conn = store_with(tmp_path, first_wave(reports), batch=8)
    whole = clusterstate.load_all(conn)
    clusterer = clusterstate.load(conn)
    waves = [
        second_wave(reports, "a", {"13": 200, "19": 10}),
        second_wave(reports, "b", {"13": None, "1": 150}),  # undated: any story may be a candidate
        second_wave(reports, "c", {"19": 100, "4": -400}),  # published long before the stories
    ]
    for wave in waves:
        got = ingest(conn, clusterer, wave)
        assert got == [whole.add(item) for item in wave]
        assert clusterer.trim(max_stories=0, max_keys=0)  # everything forgotten: read again next batch
        assert clusterer.held() == (0, 0)
    assert whole_state(conn) == as_stored(whole)


REGROUP = {"split_tau": 0.6, "merge_bridge": 0.7, "merge_centroid": 0.9}  # second thoughts on, whatever is shipped


def test_splits_and_merges_of_stored_stories_decide_as_the_whole_state(reports, tmp_path):
    """Every report of the four topics within five days, in a seeded order, eight at a time:
    young stories of two events of one kind split, and stories of one event merge, with members
    stored in earlier batches. A clusterer that forgets everything between batches (and reads
    the members' items a split check needs from the documents' rows) makes the same moves and
    leaves the same state as one holding it all."""
    params = ClusterParams.from_dict({**default_params().to_dict(), **REGROUP})
    items = [replace(item, published=START + dt.timedelta(days=n % 5)) for n, (_, item) in enumerate(reports)]
    items = [replace(item, event_date=item.published) for item in items]
    random.Random(0).shuffle(items)
    conn = store_with(tmp_path, items[:8], batch=8, params=params)
    whole = clusterstate.load_all(conn)
    assert whole.params == params
    clusterer = clusterstate.load(conn)
    moves: list = []
    stored_before: set[str] = set(i.doc_id for i in items[:8])
    moved_stored: dict[str, set[str]] = {"split": set(), "merge": set()}
    for start in range(8, len(items), 8):
        wave = items[start : start + 8]
        got_moves: list = []
        got = ingest(conn, clusterer, wave, got_moves)
        assert got == [whole.add(item) for item in wave]
        assert got_moves == whole.drain_moves()
        for move in got_moves:
            moved_stored[move.kind].update(set(move.docs) & stored_before)
        moves.extend(got_moves)
        stored_before.update(i.doc_id for i in wave)
        assert clusterer.trim(max_stories=0, max_keys=0, max_items=0)  # items too: read again from the store
        assert clusterer.held() == (0, 0) and not clusterer._items
    assert moved_stored["split"] and moved_stored["merge"], f"the stream must split and merge stored stories: {moves}"
    assert clusterer.reads["items"] > 0, "a split check read members' items from the store"
    assert whole_state(conn) == as_stored(whole)
    assert dict(conn.execute("SELECT id, story_id FROM documents")) == {i.doc_id: whole.story_of(i.doc_id) for i in items}
    gone = {m.source for m in moves if m.kind == "merge"}
    assert not gone & {row[0] for row in conn.execute("SELECT id FROM cluster_stories")}


def _page(title: str, published: dt.date, text: str) -> str:
    body = "\n\n".join(line for line in text.splitlines() if line.strip())
    return f"{title}\n\nPublished: {published.isoformat()}\n\n{body}\n"


def test_an_ingest_into_a_store_files_articles_as_the_whole_state_clusterer(reports, tmp_path, monkeypatch):
    """End to end: a store holding old stories past the horizon and recent ones; a new ingest
    assigns every article exactly as a clusterer holding the whole state would."""
    from rashomon.readers import read_path
    from rashomon.store.work import analyse_sources

    picked = [(d, item) for d, item in reports if d["topic"] in ("1", "4")][::3]
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for n, (d, _) in enumerate(picked):
        (old / f"{d['doc_id']}.txt").write_text(_page(f"Report {n}", START + dt.timedelta(days=n % 5), d["text"]), "utf-8")
        # topic 1 again a year later (past the horizon), topic 4 two days later (within it)
        later = START + dt.timedelta(days=(365 if d["topic"] == "1" else 2) + n % 5)
        (new / f"{d['doc_id']}.txt").write_text(_page(f"Follow-up {n}", later, d["text"] + "\nMore to follow."), "utf-8")
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.ingest([old], batch_size=4)
        whole = clusterstate.load_all(store.conn)
        monkeypatch.setattr(clusterstate, "load_all", lambda conn: pytest.fail("an ingest read the whole state"))
        report = store.ingest([new], batch_size=64)
        assert report.added == len(picked)
        stored = dict(store.conn.execute("SELECT id, story_id FROM documents"))
        sources = [s for p in sorted(new.iterdir()) for s in read_path(p)[0]]
        layers = [a.layers for a in analyse_sources(sources)]
        order = sorted(layers, key=lambda l: (l.document.published is None, l.document.published or ""))
        for l in order:  # (the whole state reads the members' items a split check needs from the store)
            whole.add(l.cluster_item)
    # every article's final story, old ones included (a split or a merge may move them)
    assert stored == {doc: whole.story_of(doc) for doc in stored}
    expected = {l.document.id: stored[l.document.id] for l in order}
    assert len(set(expected.values()) & {stored[d] for d in stored if d not in expected}) >= 1, "some joined old stories"


def test_the_migration_fills_the_date_column_of_an_older_store(reports, tmp_path):
    conn = store_with(tmp_path, first_wave(reports)[:20])
    conn.executescript(
        "DROP INDEX cluster_stories_last; ALTER TABLE cluster_stories DROP COLUMN last; PRAGMA user_version = 2;"
    )
    conn.close()
    with Store(tmp_path / "s.db") as store:
        assert store.stats().schema_version >= 3
        rows = store.conn.execute("SELECT last, data FROM cluster_stories").fetchall()
        assert rows and all(last == json.loads(data)["last"] and last for last, data in rows)
        plan = " ".join(str(r[-1]) for r in store.conn.execute("EXPLAIN QUERY PLAN " + clusterstate.LAST_OF, ("s1",)))
        assert "COVERING INDEX cluster_stories_last" in plan
