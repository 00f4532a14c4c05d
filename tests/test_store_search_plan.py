"""The search plan: exact BM25 ranking whenever a query matches at most `RANK_CAP` rows; for a
query matching more (a very common word), BM25 over the newest `RANK_CAP` matches only, so no
query ever scores the whole store."""

from __future__ import annotations

import sqlite3

import pytest

from rashomon.store import queries

LINES = [
    "Police said the fire started in the kitchen",
    "The earthquake killed twelve people, officials said",
    "Officials said the election would be held in May",
    "Police arrested two men after the shooting, police said",
    "The court said the company must pay a fine",
    "Rescuers said the earthquake was felt in the capital",
    "The president said talks would resume",
    "Police said nothing about the earthquake",
]


@pytest.fixture()
def conn():
    c = sqlite3.connect(":memory:")
    c.execute("CREATE VIRTUAL TABLE t USING fts5(title, text)")
    c.executemany("INSERT INTO t(rowid, title, text) VALUES (?, '', ?)", list(enumerate(LINES, start=1)))
    yield c
    c.close()


def full_ranking(conn, query: str, floor: int = 0) -> list[tuple[int, float]]:
    rows = conn.execute("SELECT rowid, bm25(t, 5.0, 1.0) FROM t WHERE t MATCH ? AND rowid >= ?", (query, floor)).fetchall()
    return sorted(rows, key=lambda r: (r[1], r[0]))


def test_a_query_under_the_cap_is_ranked_exactly(conn, monkeypatch):
    monkeypatch.setattr(queries, "RANK_CAP", 3)
    top = queries._top(conn, "t", "bm25(t, 5.0, 1.0)", '"earthquake"', 2)  # 3 matches: all ranked
    expected = full_ranking(conn, '"earthquake"')[:2]
    assert sorted(top.items(), key=lambda r: (r[1], r[0])) == expected


def test_a_very_common_word_is_ranked_among_its_newest_matches_only(conn, monkeypatch):
    monkeypatch.setattr(queries, "RANK_CAP", 3)
    top = queries._top(conn, "t", "bm25(t, 5.0, 1.0)", '"said"', 10)  # 8 matches > cap
    newest = [r for (r,) in conn.execute("SELECT rowid FROM t WHERE t MATCH '\"said\"' ORDER BY rowid DESC LIMIT 3")]
    assert set(top) == set(newest) == {6, 7, 8}
    assert sorted(top.items(), key=lambda r: (r[1], r[0])) == full_ranking(conn, '"said"', floor=6)
    # the scores are the whole index's BM25 (same IDF), not a re-scoring of a subset
    whole = dict(full_ranking(conn, '"said"'))
    assert all(top[r] == pytest.approx(whole[r]) for r in top)


def test_with_the_default_cap_small_stores_are_always_exact(conn):
    top = queries._top(conn, "t", "bm25(t, 5.0, 1.0)", '"said"', 5)
    assert sorted(top.items(), key=lambda r: (r[1], r[0])) == full_ranking(conn, '"said"')[:5]


def test_function_words_must_occur_but_do_not_rank(conn):
    assert queries.ranking_query("the earthquake") == '"earthquake"'
    assert queries.ranking_query("the") == '"the"'  # nothing else to rank by
    assert queries.ranking_query("said police") == '"said" "police"'
    top = queries._ranked(conn, "t", "bm25(t, 5.0, 1.0)", '"the" "earthquake"', queries.ranking_query("the earthquake"), 10)
    holding = {r for (r,) in conn.execute("SELECT rowid FROM t WHERE t MATCH '\"the\" \"earthquake\"'")}
    assert set(top) == holding == {2, 6, 8}  # exactly the rows with both words
    by_content_word = [r for r, _ in full_ranking(conn, '"earthquake"') if r in holding]
    assert sorted(top, key=lambda r: (top[r], r)) == by_content_word
