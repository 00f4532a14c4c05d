"""A story id, once shown, never becomes a dead link: when an ingest's merge folds a stored story
into another, the old id leads to the story that absorbed it — through the store, the web page
(308 to the new page), the JSON API (308 to the new resource, with a body naming it) and
`rashomon show` (the absorbing story, with a note on standard error).

The store is the one `test_store_regroup.py` builds from real ECB+ reports (three runs, regrouping
on): its last run merges stories the earlier runs stored."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import warnings
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from rashomon.cli import app as cli
from rashomon.cluster import StoryMove
from rashomon.store import NotFound, Store, clusterstate, schema, write
from rashomon.store.incremental import Ingester, _Regroup
from rashomon.store.queries import locate
from test_store_regroup import BATCH, ECB, copy_db, regrouping, spying, write_inboxes

with warnings.catch_warnings():  # starlette's notice about its httpx dependency, not ours to act on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from rashomon.web import create_app  # noqa: E402

pytestmark = pytest.mark.skipif(not ECB.exists(), reason="needs ../shared/bench/ecbplus")


def redirects(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT old_id, new_id FROM story_redirects"))


def assert_redirects_sound(conn: sqlite3.Connection) -> None:
    """Every redirect leads to a stored story, in one step (no row points at an id that is
    itself redirected), and no live story is redirected."""
    rows = redirects(conn)
    stories = {row[0] for row in conn.execute("SELECT id FROM stories")}
    assert set(rows.values()) <= stories, "a redirect to a story that is not stored"
    assert not set(rows) & stories, "a live story's id is redirected"


def final_targets(moves: list[StoryMove]) -> dict[str, str]:
    """Old id -> the story holding its documents, followed through the merges in order (the
    specification `_Regroup` and `write.redirect_stories` implement, written out plainly)."""
    into: dict[str, str] = {}
    for move in moves:
        if move.kind == "merge":
            into[move.source] = move.target

    def follow(story: str) -> str:
        seen = set()
        while story in into and story not in seen:
            seen.add(story)
            story = into[story]
        return story

    return {old: follow(old) for old in into}


@contextlib.contextmanager
def checking_commits() -> Iterator[list[int]]:
    """Check the redirects after every batch's commit, not only at the end of a run; yields the
    number of redirects each commit wrote."""
    seen: list[int] = []
    original = Ingester._commit

    def commit(self, new, regroup, final):
        original(self, new, regroup, final)
        assert_redirects_sound(self.conn)
        seen.append(len(regroup.merged_into))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Ingester, "_commit", commit)
        yield seen


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """The store after three runs (the last merges stored stories), a copy from before the last
    run, every batch's regroup (with the documents and built stories before it), the inboxes."""
    root = tmp_path_factory.mktemp("redirects")
    inboxes = write_inboxes(root)
    with spying() as regroups, checking_commits(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(clusterstate, "default_params", regrouping)
        store = Store(root / "news.db")
        for inbox in inboxes[:-1]:
            store.ingest([inbox], batch_size=BATCH)
        before = copy_db(store.conn, root / "before_last_run.db")
        store.ingest([inboxes[-1]], batch_size=BATCH)
    moves = [m for r, _, _ in regroups for m in r.moves]
    folded = {m.source for m in moves if m.kind == "merge"}
    with sqlite3.connect(before) as old:
        stored_before = {row[0] for row in old.execute("SELECT id FROM stories")}
        members_before = dict(old.execute("SELECT document_id, story_id FROM story_documents").fetchall())
    assert folded & stored_before, "the last run folds away a story an earlier run stored"
    yield store, before, moves, stored_before, members_before
    store.close()


def test_the_id_of_a_story_folded_away_leads_to_the_story_that_absorbed_it(merged):
    store, _, moves, stored_before, members_before = merged
    conn = store.conn
    expected = final_targets(moves)
    assert redirects(conn) == expected, "one redirect per story folded away, to where its documents went"
    now = dict(conn.execute("SELECT id, story_id FROM documents"))
    split_later = {d for m in moves if m.kind == "split" for d in m.docs}
    for old_id in sorted(set(expected) & stored_before):
        found = locate(conn, old_id)
        assert (found.via, found.story_id, found.merged_into) == ("merged", expected[old_id], expected[old_id])
        analysis = store.story(old_id)
        assert analysis.stories[0].id == expected[old_id]
        absorbed = [d for d, s in members_before.items() if s == old_id]
        assert absorbed and all(now[d] == expected[old_id] or d in split_later for d in absorbed)
        assert set(analysis.stories[0].documents) == {d for d, s in now.items() if s == expected[old_id]}
        assert store.brief(old_id, "json") == store.brief(expected[old_id], "json")


def test_the_redirects_export_maps_the_ids_of_older_exports(merged, tmp_path):
    store = merged[0]
    assert store.export(tmp_path / "redirects.csv", "csv", "redirects") == len(redirects(store.conn)) > 0
    lines = (tmp_path / "redirects.csv").read_text("utf-8").splitlines()
    assert lines[0] == "old_id,new_id" and dict(line.split(",") for line in lines[1:]) == redirects(store.conn)


def test_a_live_id_reads_as_it_did_and_the_redirect_table_is_read_only_for_other_ids(merged):
    store, _, _, _, _ = merged
    conn = store.conn
    live = [row[0] for row in conn.execute("SELECT id FROM stories ORDER BY id")]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        for story_id in live:
            assert store.story(story_id).stories[0].id == story_id
            assert locate(conn, story_id).via == "story" and locate(conn, story_id).merged_into is None
        assert statements and not any("story_redirects" in s for s in statements)
        statements.clear()
        doc_id, owner = conn.execute("SELECT id, story_id FROM documents ORDER BY id LIMIT 1").fetchone()
        assert (locate(conn, doc_id).via, store.story(doc_id).stories[0].id) == ("document", owner)
        with pytest.raises(NotFound):
            store.story("s-never")
    finally:
        conn.set_trace_callback(None)


def test_a_chain_of_merges_resolves_in_one_lookup(merged, tmp_path):
    """a -> b stored; later b is folded into c: a leads to c with one read of the redirect
    table, because the row of a is rewritten when b goes."""
    store, _, _, _, _ = merged
    db = copy_db(store.conn, tmp_path / "chain.db")
    with Store(db) as copy:
        conn = copy.conn
        a, b = sorted(redirects(conn).items())[0]
        c = conn.execute("SELECT id FROM stories WHERE id != ? ORDER BY n_documents DESC, id LIMIT 1", (b,)).fetchone()[0]
        members = [row[0] for row in conn.execute("SELECT document_id FROM story_documents WHERE story_id = ?", (b,))]
        conn.execute("BEGIN IMMEDIATE")  # b folded into c, as an ingest's batch does it
        write.move_documents(conn, {d: c for d in members})
        write.delete_story(conn, b)
        write.redirect_stories(conn, {b: c})
        conn.execute("COMMIT")
        assert redirects(conn)[a] == redirects(conn)[b] == c
        assert_redirects_sound(conn)
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        found = locate(conn, a)
        conn.set_trace_callback(None)
        assert (found.via, found.story_id) == ("merged", c)
        assert len(statements) == 2, "the story lookup that misses, then one redirect read"
        assert copy.story(a).stories[0].id == c
        with pytest.raises(RuntimeError, match="stored story"):  # never a redirect to nothing
            conn.execute("BEGIN")
            try:
                write.redirect_stories(conn, {c: "s-never-stored"})
            finally:
                conn.execute("ROLLBACK")


def test_moves_in_one_batch_are_followed_in_order():
    """A story that absorbed another and is folded away later in the same batch passes it on; a
    split's new story can absorb one; a split itself redirects nothing."""
    moves = [
        StoryMove("merge", "s1", "s2", ["d1"]),
        StoryMove("split", "s2", "s6", ["d2"]),
        StoryMove("merge", "s2", "s3", ["d1", "d3"]),
        StoryMove("merge", "s4", "s6", ["d4"]),
        StoryMove("merge", "s6", "s3", ["d2", "d4"]),
    ]
    regroup = _Regroup.of(moves, lambda d: "s3", set())
    assert regroup.merged_into == {"s1": "s3", "s2": "s3", "s4": "s3", "s6": "s3"} == final_targets(moves)
    assert regroup.gone == set(regroup.merged_into)
    assert _Regroup.of([StoryMove("split", "s1", "s2", ["d1"])], lambda d: "s2", set()).merged_into == {}


def test_a_merge_into_a_story_no_batch_has_built_yet_builds_it_in_that_batch(tmp_path):
    """One run over all the reports that rebuilds no story before the run ends: the stories a
    merge folds into were never built when it happens, and the redirect must still lead to one."""
    inboxes = write_inboxes(tmp_path)
    with pytest.MonkeyPatch.context() as mp, spying() as regroups, checking_commits() as commits_checked:
        mp.setattr(clusterstate, "default_params", regrouping)
        with Store(tmp_path / "one.db") as store:
            Ingester(store.conn, batch_size=BATCH, settle=10**6, max_age=10**6).run(inboxes)
            unbuilt = [t for r, _, stories in regroups for t in r.merged_into.values() if t not in stories]
            assert unbuilt, "a merge folded a story into one not built yet"
            assert sum(commits_checked) >= 1 and len(commits_checked) == len(regroups) + 1
            assert redirects(store.conn) == final_targets([m for r, _, _ in regroups for m in r.moves])
            assert_redirects_sound(store.conn)


def test_the_migration_adds_the_table_to_a_store_of_the_previous_version_and_keeps_everything(merged, tmp_path):
    store, _, _, _, _ = merged
    db = copy_db(store.conn, tmp_path / "v3.db")
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' AND name != 'story_redirects'")]  # fmt: skip

    def snapshot(conn: sqlite3.Connection) -> dict[str, list]:
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}

    before = snapshot(store.conn)
    conn = sqlite3.connect(db)
    conn.executescript("DROP TABLE story_redirects; PRAGMA user_version = 3;")
    conn.close()
    with Store(db) as old:
        assert old.stats().schema_version == schema.VERSION == 4
        assert snapshot(old.conn) == before
        assert redirects(old.conn) == {}, "a version 3 store kept no trace of its merges: nothing to backfill"
        live = old.conn.execute("SELECT id FROM stories ORDER BY id LIMIT 1").fetchone()[0]
        assert old.story(live).stories[0].id == live
        plan = " ".join(str(r[-1]) for r in old.conn.execute(
            "EXPLAIN QUERY PLAN SELECT old_id FROM story_redirects WHERE new_id = ?", ("s0",)))  # fmt: skip
        assert "story_redirects_new" in plan, "rewriting a chain finds the rows by index"
    conn = sqlite3.connect(copy_db(store.conn, tmp_path / "kept.db"))  # a store whose version was set back keeps its rows
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with Store(tmp_path / "kept.db") as kept:
        assert redirects(kept.conn) == redirects(store.conn) != {}


@pytest.fixture(scope="module")
def client(merged):
    store = merged[0]
    with TestClient(create_app(store.path), base_url="http://127.0.0.1") as c:
        yield c


def test_the_web_page_of_an_old_id_redirects_permanently_to_the_absorbing_story(merged, client):
    store = merged[0]
    for old_id, new_id in sorted(redirects(store.conn).items()):
        r = client.get(f"/stories/{old_id}", follow_redirects=False)
        assert r.status_code == 308 and r.headers["location"] == f"/stories/{new_id}"
        page = client.get(f"/stories/{old_id}")
        assert page.status_code == 200 and page.url.path == f"/stories/{new_id}"
        assert page.text == client.get(f"/stories/{new_id}").text
    live = store.conn.execute("SELECT id FROM stories ORDER BY id LIMIT 1").fetchone()[0]
    assert client.get(f"/stories/{live}", follow_redirects=False).status_code == 200
    assert client.get("/stories/s-never", follow_redirects=False).status_code == 404


def test_the_api_answers_an_old_id_with_a_redirect_that_names_the_absorbing_story(merged, client):
    store = merged[0]
    for old_id, new_id in sorted(redirects(store.conn).items()):
        r = client.get(f"/api/stories/{old_id}", follow_redirects=False)
        assert r.status_code == 308 and r.headers["location"] == f"/api/stories/{new_id}"
        assert r.json()["merged_into"] == new_id and r.json()["redirected_from"] == old_id
        followed = client.get(f"/api/stories/{old_id}")
        assert followed.status_code == 200 and followed.json()["stories"][0]["id"] == new_id
        brief = client.get(f"/api/stories/{old_id}/brief", params={"format": "json"}, follow_redirects=False)
        assert brief.status_code == 308 and brief.headers["location"] == f"/api/stories/{new_id}/brief?format=json"
        assert json.loads(client.get(f"/api/stories/{old_id}/brief", params={"format": "json"}).text) == \
            json.loads(client.get(f"/api/stories/{new_id}/brief", params={"format": "json"}).text)  # fmt: skip
    live = store.conn.execute("SELECT id FROM stories ORDER BY id LIMIT 1").fetchone()[0]
    r = client.get(f"/api/stories/{live}", follow_redirects=False)
    assert r.status_code == 200 and r.json()["stories"][0]["id"] == live
    doc_id = store.conn.execute("SELECT id FROM documents WHERE story_id = ? LIMIT 1", (live,)).fetchone()[0]
    r = client.get(f"/api/stories/{doc_id}", follow_redirects=False)
    assert r.status_code == 200 and r.json()["stories"][0]["id"] == live, "a document id still gives its story"
    assert client.get("/api/stories/s-never", follow_redirects=False).status_code == 404


def test_show_prints_the_absorbing_story_and_says_so_on_stderr(merged):
    store = merged[0]
    runner = CliRunner()
    old_id, new_id = sorted(redirects(store.conn).items())[0]
    result = runner.invoke(cli, ["show", old_id, "--db", store.path, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stories"][0]["id"] == new_id
    assert f"story {old_id} was merged into {new_id}" in result.stderr
    live = runner.invoke(cli, ["show", new_id, "--db", store.path, "--format", "json"])
    assert live.exit_code == 0 and live.stdout == result.stdout and "merged" not in live.stderr
    missing = runner.invoke(cli, ["show", "s-never", "--db", store.path])
    assert missing.exit_code == 1 and "no story or document 's-never'" in missing.stderr
