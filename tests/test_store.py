"""The store, as a user relies on it: what goes in once stays once, stories grow as reports arrive,
and what was analysed can be found, listed, shown and exported again."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import DAWN, DND, SHARED
from rashomon.store import NotFound, SchemaError, Store, StoreBusy, TimelineUnavailable

CONTENT_TABLES = (
    "documents", "layers", "stories", "story_documents", "entities", "aliases", "facts", "fact_spans", "events",
    "quantities", "cluster_meta", "cluster_stories", "cluster_postings", "dirty_stories", "entity_index", "entity_stories",
)  # fmt: skip


def snapshot(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in CONTENT_TABLES}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, seeds_dir):
    """A store holding the two seed reports of the Pakistan–Russia strategic dialogue."""
    db = tmp_path_factory.mktemp("store") / "news.db"
    with Store(db) as store:
        report = store.ingest([seeds_dir])
    return db, report


def test_two_reports_of_one_event_make_one_story_like_the_one_shot_analysis(seeded, seed_analysis):
    db, report = seeded
    assert (report.read, report.added, report.skipped, report.failed) == (2, 2, 0, 0)
    with Store(db) as store:
        listed = store.stories()
        assert len(listed) == 1
        stored = store.story(listed[0].id).stories[0]
    one_shot = seed_analysis.stories[0]
    assert sorted(stored.documents) == sorted(one_shot.documents)
    assert stored.event_date == one_shot.event_date == "2013-08-28"
    assert sorted((f.text, f.status, f.sources) for f in stored.facts) == sorted(
        (f.text, f.status, f.sources) for f in one_shot.facts
    )
    assert sorted(e.name for e in stored.entities) == sorted(e.name for e in one_shot.entities)


def test_ingesting_the_same_files_again_changes_nothing(seeded, seeds_dir, tmp_path):
    db, _ = seeded
    copy = tmp_path / "again.db"
    shutil.copyfile(db, copy)
    before = snapshot(copy)
    with Store(copy) as store:
        again = store.ingest([seeds_dir])
        forced = store.ingest([seeds_dir], force=True)  # files re-read: the articles are still known
    assert (again.read, again.added, again.skipped) == (2, 0, 2)
    assert (forced.read, forced.added, forced.skipped) == (2, 0, 2)
    assert snapshot(copy) == before


def test_same_bytes_under_another_name_and_same_url_are_not_stored_twice(seeds_dir, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(seeds_dir / DAWN, inbox / "dawn.txt")
    shutil.copyfile(seeds_dir / DAWN, inbox / "dawn-mirror.txt")
    text = (seeds_dir / DND).read_text("utf-8")
    records = [
        {"url": "https://example.org/dnd", "text": text},
        {"url": "https://example.org/dnd", "text": text + "\nUpdated with a correction."},  # same URL, new text
    ]
    (inbox / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    with Store(tmp_path / "s.db") as store:
        report = store.ingest([inbox])
        assert (report.read, report.added, report.skipped) == (4, 2, 2)
        assert store.stats().documents == 2


def test_a_second_report_joins_the_story_and_corroborates_it(seeds_dir, tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.ingest([seeds_dir / DAWN])
        (first,) = store.stories()
        alone = store.story(first.id).stories[0]
        assert {f.status for f in alone.facts} == {"single-source"}
        report = store.ingest([seeds_dir / DND])
        assert (report.added, report.stories_new) == (1, 0)
        (after,) = store.stories()
        assert after.id == first.id and after.documents == 2 and after.sources == 2
        assert after.corroborated >= 1 and after.disputed >= 1


@pytest.mark.skipif(not (SHARED / "bench" / "ecbplus").is_dir(), reason="needs ../shared/bench/ecbplus")
def test_a_report_of_another_event_opens_a_new_story(seeded, tmp_path):
    db, _ = seeded
    copy = tmp_path / "s.db"
    shutil.copyfile(db, copy)
    docs = json.loads((SHARED / "bench" / "ecbplus" / "docs.json").read_text("utf-8"))
    quake = next(d for d in docs if "earthquake" in d["text"].lower())
    (tmp_path / "quake.txt").write_text(quake["text"], "utf-8")
    with Store(copy) as store:
        (seed_story,) = store.stories()
        report = store.ingest([tmp_path / "quake.txt"])
        assert (report.added, report.stories_new) == (1, 1)
        assert len(store.stories()) == 2
        (quake_story,) = store.stories(text="earthquake")
        assert quake_story.id != seed_story.id and quake_story.documents == 1


def test_search_finds_documents_and_facts_and_survives_punctuation(seeded):
    db, _ = seeded
    with Store(db) as store:
        hits = store.search("Kayani visited Russia")
        assert {h.kind for h in hits} == {"document", "fact"}
        assert all("[" in h.snippet for h in hits)
        assert any(h.kind == "fact" and "Kayani" in h.snippet for h in hits)
        assert store.search("Kayani's \"visit\" (AND) OR") == []  # quoted words, no FTS syntax error
        assert store.search("nosuchwordanywhere") == []
        assert store.search('"strategic dialogue"', raw=True)
        assert all(h.kind == "fact" for h in store.search("Kayani", kind="facts"))


def test_stories_filter_by_entity_alias_date_and_text(seeded):
    db, _ = seeded
    with Store(db) as store:
        (story,) = store.stories()
        assert [s.id for s in store.stories(entity="kayani")] == [story.id]  # an alias, any case
        assert store.stories(entity="Obama") == []
        assert [s.id for s in store.stories(since="2013-08", until="2013-08")] == [story.id]
        assert store.stories(since="2013-09") == [] and store.stories(until="2013-07-31") == []
        assert [s.id for s in store.stories(text="strategic dialogue")] == [story.id]
        assert store.stories(text="earthquake") == []


def test_entities_are_listed_with_their_aliases_across_stories(seeded):
    db, _ = seeded
    with Store(db) as store:
        (kiyani,) = store.entities(name="Kayani")
        assert kiyani.type == "PERSON" and kiyani.country == "PAK"
        assert "Kayani" in kiyani.aliases or "Kayani" in kiyani.name
        assert kiyani.stories == 1 and kiyani.documents == 2
        assert all(e.type == "GPE" for e in store.entities(type="gpe"))


def test_show_renders_the_brief_in_every_format_and_accepts_a_document_id(seeded):
    db, _ = seeded
    with Store(db) as store:
        (story,) = store.stories()
        analysis = store.story(story.id)
        assert json.loads(store.brief(story.id, "json"))["stories"][0]["id"] == story.id
        assert store.brief(story.id, "markdown").startswith("# ")
        assert "<html" in store.brief(story.id, "html").lower()
        assert store.story(analysis.documents[0].id).stories[0].id == story.id
        with pytest.raises(NotFound):
            store.story("s-nope")


def test_export_jsonl_is_the_json_contract_csv_and_parquet_are_flat(seeded, tmp_path):
    db, _ = seeded
    with Store(db) as store:
        buf = io.StringIO()
        assert store.export(buf, "jsonl", "stories") == 1
        story = json.loads(buf.getvalue())
        assert {"id", "headline", "event_date", "documents", "sources", "entities", "facts", "events"} <= set(story)
        buf = io.StringIO()
        n = store.export(buf, "csv", "facts")
        rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
        assert n == len(rows) == store.stats().facts
        assert {"story_id", "status", "text", "support"} <= set(rows[0])
        pq = pytest.importorskip("pyarrow.parquet")
        assert store.export(tmp_path / "docs.parquet", "parquet", "documents") == 2
        assert pq.read_table(tmp_path / "docs.parquet").num_rows == 2


def test_bad_files_are_named_the_batch_goes_on_and_failures_are_retried(seeds_dir, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(seeds_dir / DAWN, inbox / "dawn.txt")
    (inbox / "empty.txt").write_text("  \n", "utf-8")
    (inbox / "broken.jsonl").write_text('{"text": "not closed\n', "utf-8")
    with Store(tmp_path / "s.db") as store:
        report = store.ingest([inbox, tmp_path / "missing.txt"])
        assert report.added == 1
        reasons = {Path(e.path).name: e.reason for e in report.errors}
        assert reasons["empty.txt"] == "empty file"
        assert "missing.txt" in reasons and "broken.jsonl" in " ".join(reasons)
        again = store.ingest([inbox])
        assert again.added == 0 and any(Path(e.path).name == "empty.txt" for e in again.errors)


def test_store_is_wal_versioned_and_refuses_a_newer_schema(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.stats().schema_version >= 1
        store.conn.execute("PRAGMA user_version = 999")
    with pytest.raises(SchemaError, match="newer"):
        Store(db)
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(SchemaError):
        Store(tmp_path / "junk.db")


def test_only_one_ingest_at_a_time(tmp_path, seeds_dir):
    with Store(tmp_path / "s.db") as first, Store(tmp_path / "s.db") as second:
        with first._ingest_lock():
            with pytest.raises(StoreBusy):
                second.ingest([seeds_dir])


def test_timeline_is_the_dyad_of_stored_events(seeded):
    db, _ = seeded
    with Store(db) as store:
        try:
            import rashomon.timeline  # noqa: F401
        except ImportError:
            with pytest.raises(TimelineUnavailable):
                store.timeline("PAK", "RUS")
            return
        events = store.timeline("PAK", "RUS")
        assert events and all(e in store.events() for e in events)
