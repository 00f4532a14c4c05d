"""The entity summary stays exactly what a from-scratch GROUP BY over the story tables says,
through new stories, rebuilt stories, re-ingests and the migration that backfills old stores."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from conftest import DAWN, DND, SHARED
from rashomon.model import Entity, Story
from rashomon.store import Store
from rashomon.store import entityindex, write


def summary(conn: sqlite3.Connection) -> dict:
    """The maintained summary in the shape of `entityindex.aggregate_from_scratch`."""
    out = {}
    for r in conn.execute("SELECT id, name_key, type_key, name, country, n_stories, n_documents, last_date, aliases, roles FROM entity_index"):
        story_ids = [s for (s,) in conn.execute("SELECT story_id FROM entity_stories WHERE entity_id = ? ORDER BY story_id", (r[0],))]
        assert entityindex.name_key(r[3]) == r[1]  # the shown spelling belongs to the key
        out[(r[1], r[2])] = {"country": r[4], "stories": r[5], "documents": r[6], "story_ids": story_ids, "last_date": r[7],
                             "aliases": json.loads(r[8]), "roles": json.loads(r[9])}  # fmt: skip
    return out


def assert_exact(store: Store) -> None:
    expected = entityindex.aggregate_from_scratch(store.conn)
    assert expected, "a store with stories has entities"
    assert summary(store.conn) == expected
    listed = store.entities(limit=None)
    assert [(e.stories, e.documents) for e in listed] == sorted(
        ((v["stories"], v["documents"]) for v in expected.values()), reverse=True
    )


def _entity(name, type_="PERSON", aliases=(), roles=(), country=None, docs=("d1",)):
    return Entity(id=f"e-{name}", name=name, type=type_, aliases=list(aliases), roles=list(roles), country=country,
                  documents=list(docs))  # fmt: skip


def _write(store: Store, story: Story) -> None:
    store.conn.execute("BEGIN IMMEDIATE")
    write.write_story(store.conn, story, [], "2024-01-01T00:00:00+00:00")
    store.conn.execute("COMMIT")


def test_rebuilding_a_story_takes_away_exactly_what_it_no_longer_says(tmp_path):
    with Store(tmp_path / "s.db") as store:
        kayani = _entity("Ashfaq Kayani", aliases=["Kayani", "Kiyani"], roles=["army chief"], country="PAK", docs=("a", "b"))
        _write(store, Story("s1", "Talks", "2013-08-28", ["a", "b"], entities=[kayani, _entity("Russia", "GPE", country="RUS")]))
        _write(store, Story("s2", "Visit", "2012-09-30", ["c"], entities=[_entity("ashfaq kayani", aliases=["General Kayani"]),
                                                                          _entity("Russia", "GPE", docs=("c",))]))  # fmt: skip
        assert_exact(store)
        (k,) = store.entities(name="kiyani")  # an alias finds the name across its spellings
        assert (k.stories, k.documents, k.country, k.last_date) == (2, 3, "PAK", "2013-08-28")
        assert k.aliases == ["General Kayani", "Kayani", "Kiyani"] and k.story_ids == ["s1", "s2"]
        # s1 is rebuilt: Kayani loses an alias and his country, Russia is gone from it, a new name appears.
        _write(store, Story("s1", "Talks", "2013-08-29", ["a", "b"], entities=[
            _entity("Ashfaq Kayani", aliases=["Kayani"], docs=("a",)), _entity("Sergei Shoigu", country="RUS")]))  # fmt: skip
        assert_exact(store)
        (k,) = store.entities(name="Kayani", type="person")
        assert (k.stories, k.documents, k.country, k.aliases) == (2, 2, None, ["General Kayani", "Kayani"])
        (russia,) = store.entities(name="Russia")
        assert (russia.stories, russia.country, russia.story_ids, russia.last_date) == (1, None, ["s2"], "2012-09-30")
        # s2 is rebuilt without entities: what only it said disappears from the list.
        _write(store, Story("s2", "Visit", "2012-09-30", ["c"], entities=[]))
        assert_exact(store)
        assert store.entities(name="Russia") == [] and store.entities(name="General Kayani") == []


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, seeds_dir):
    """A store built in three incremental ingests: one report, a second report of the same
    event (the story is rebuilt), a report of another event (a new story)."""
    work = tmp_path_factory.mktemp("entity-index")
    db = work / "s.db"
    steps = [[seeds_dir / DAWN], [seeds_dir / DND]]
    ecb = SHARED / "bench" / "ecbplus" / "docs.json"
    if ecb.is_file():
        quake = next(d for d in json.loads(ecb.read_text("utf-8")) if "earthquake" in d["text"].lower())
        (work / "quake.txt").write_text(quake["text"], "utf-8")
        steps.append([work / "quake.txt"])
    snapshots = []
    with Store(db) as store:
        for paths in steps:
            store.ingest(paths)
            snapshots.append((entityindex.aggregate_from_scratch(store.conn), summary(store.conn)))
    return db, steps, snapshots


def test_summary_equals_the_from_scratch_aggregate_after_every_incremental_ingest(ingested):
    _, _, snapshots = ingested
    for expected, maintained in snapshots:
        assert maintained == expected
    first, second = snapshots[0][0], snapshots[1][0]
    assert any(v["documents"] > first.get(k, {"documents": 0})["documents"] for k, v in second.items())  # the rebuild counted


def test_re_ingesting_everything_changes_nothing_in_the_summary(ingested, tmp_path):
    db, steps, _ = ingested
    copy = tmp_path / "again.db"
    shutil.copyfile(db, copy)
    with Store(copy) as store:
        before = summary(store.conn)
        store.ingest([p for paths in steps for p in paths])
        store.ingest([p for paths in steps for p in paths], force=True)
        assert summary(store.conn) == before
        assert_exact(store)


def test_the_migration_backfills_a_store_written_before_the_summary(ingested, tmp_path):
    db, _, _ = ingested
    old = tmp_path / "old.db"
    shutil.copyfile(db, old)
    conn = sqlite3.connect(old)
    conn.executescript("DROP TABLE entity_stories; DROP TABLE entity_index; PRAGMA user_version = 1;")
    conn.close()
    with Store(old) as store:
        assert store.stats().schema_version >= 2
        assert_exact(store)
