"""Paging through the story list: `Store.stories(offset=, limit=)` walks the newest-first list
page by page, every story exactly once, with the filters applied before paging."""

from __future__ import annotations

from rashomon.model import Entity, Story
from rashomon.store import Store, write


def _story(i: int, date: str | None, entity: str) -> Story:
    return Story(f"s{i}", f"Story {i}", date, [f"d{i}"],
                 entities=[Entity(id="e", name=entity, type="PERSON", documents=[f"d{i}"])])  # fmt: skip


def test_pages_of_stories_cover_the_list_once_in_order(tmp_path):
    dates = ["2013-08-28", "2013-08-29", None, "2012-01-05", "2013-08", "2014-02-11", "2011-12-31"]
    with Store(tmp_path / "s.db") as store:
        store.conn.execute("BEGIN IMMEDIATE")
        for i, date in enumerate(dates):
            write.write_story(store.conn, _story(i, date, "Kayani" if i % 2 else "Shoigu"), [], "2024-01-01T00:00:00+00:00")
        store.conn.execute("COMMIT")
        everything = [s.id for s in store.stories(limit=None)]
        assert everything[0] == "s5" and everything[-1] == "s2"  # newest first, undated last
        pages = [[s.id for s in store.stories(offset=o, limit=3)] for o in range(0, 9, 3)]
        assert pages[0] + pages[1] + pages[2] == everything and [len(p) for p in pages] == [3, 3, 1]
        assert store.stories(offset=100) == []
        assert [s.id for s in store.stories(offset=2, limit=None)] == everything[2:]
        kayani = [s.id for s in store.stories(entity="kayani", limit=None)]
        assert kayani == [s for s in everything if int(s[1:]) % 2]
        assert [s.id for s in store.stories(entity="kayani", offset=1, limit=1)] == kayani[1:2]
