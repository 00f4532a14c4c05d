"""The store's commands as a person types them: every listing has --json, errors say what is wrong."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from conftest import DAWN
from rashomon.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def db(tmp_path_factory, seeds_dir):
    path = tmp_path_factory.mktemp("cli") / "news.db"
    result = run("ingest", seeds_dir, "--db", path, "--json")
    assert result.exit_code == 0, result.output
    return path


def test_ingest_reports_counts_and_names_bad_inputs(tmp_path, seeds_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(seeds_dir / DAWN, inbox / "dawn.txt")
    (inbox / "empty.txt").write_text("", "utf-8")
    result = run("ingest", inbox, tmp_path / "nope.html", "--db", tmp_path / "s.db")
    assert result.exit_code == 0
    assert "empty.txt: empty file" in result.output
    assert "nope.html: no such file or directory" in result.output
    assert "read 1, added 1, skipped 0 (already stored), failed 2" in result.output
    again = run("ingest", inbox, "--db", tmp_path / "s.db", "--json")
    report = json.loads(again.stdout[: again.stdout.rindex("}") + 1])
    assert (report["added"], report["skipped"]) == (0, 1)


def test_listings_have_json(db):
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    assert len(stories) == 1 and stories[0]["event_date"] == "2013-08-28"
    assert json.loads(run("stories", "--db", db, "--json", "--entity", "Kiyani").stdout)[0]["id"] == stories[0]["id"]
    assert json.loads(run("stories", "--db", db, "--json", "--since", "2014").stdout) == []
    assert json.loads(run("stories", "--db", db, "--json", "--offset", "1").stdout) == []  # paging past the only story
    hits = json.loads(run("search", "Kayani", "--db", db, "--json").stdout)
    assert hits and {"kind", "story_id", "document_id", "snippet", "score"} <= set(hits[0])
    names = [e["name"] for e in json.loads(run("entities", "--db", db, "--json", "--type", "PERSON").stdout)]
    assert "Ashfaq Kiyani" in names
    stats = json.loads(run("stats", "--db", db, "--json").stdout)
    assert stats["documents"] == 2 and stats["stories"] == 1 and stats["schema_version"] >= 1
    table = run("stories", "--db", db)
    assert table.exit_code == 0 and "2013-08-28" in table.stdout


def test_show_prints_the_brief(db, tmp_path):
    story = json.loads(run("stories", "--db", db, "--json").stdout)[0]["id"]
    assert run("show", story, "--db", db).stdout.startswith("# ")
    assert json.loads(run("show", story, "--db", db, "--format", "json").stdout)["stories"][0]["id"] == story
    result = run("show", story, "--db", db, "--format", "html", "--out", tmp_path / "b.html")
    assert result.exit_code == 0 and "<html" in (tmp_path / "b.html").read_text("utf-8").lower()
    missing = run("show", "s-nope", "--db", db)
    assert missing.exit_code == 1 and "no story or document 's-nope'" in missing.output


def test_export_formats(db, tmp_path):
    lines = run("export", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["facts"]
    csv_text = run("export", "--db", db, "--format", "csv", "--table", "entities").stdout
    assert csv_text.splitlines()[0].startswith("story_id,entity_id,name,type")
    result = run("export", "--db", db, "--format", "parquet")
    assert result.exit_code == 1 and "--out" in result.output
    pytest.importorskip("pyarrow")
    result = run("export", "--db", db, "--format", "parquet", "--table", "facts", "--out", tmp_path / "f.parquet")
    assert result.exit_code == 0 and (tmp_path / "f.parquet").stat().st_size > 0


def test_timeline_between_two_countries(db, tmp_path):
    result = run("timeline", "PAK", "RUS", "--db", db, "--json")
    try:
        import rashomon.timeline  # noqa: F401
    except ImportError:
        assert result.exit_code == 1 and "rashomon.timeline" in result.output
        return
    events = json.loads(result.stdout)
    assert events and all({e["source_actor"].split()[0], e["target_actor"].split()[0]} == {"PAK", "RUS"} for e in events)
    drawn = run("timeline", "PAK", "RUS", "--db", db, "--out", tmp_path / "t.svg")
    assert drawn.exit_code == 0 and (tmp_path / "t.svg").read_text("utf-8").lstrip().startswith("<")
    assert run("timeline", "PAK", "RUS", "--db", db, "--out", tmp_path / "t.pdf").exit_code == 2


def test_missing_store_and_bad_query_are_readable_errors(tmp_path, db):
    result = run("stories", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "no store at" in result.output
    assert not (tmp_path / "none.db").exists()
    bad = run("search", "NEAR(", "--raw", "--db", db)
    assert bad.exit_code == 1 and "bad search query" in bad.output
