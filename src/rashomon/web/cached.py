"""Answers kept in `Memo` until the store changes: the entity listing and dyad charts.

Both are cheap (the listing is an indexed read of the entity summary; a chart renders in tens of
milliseconds once the engine has started, which the app does at start-up), so the memo only saves
repeated work between ingests."""

from __future__ import annotations

from rashomon.web import data
from rashomon.web.context import Memo, Stores


def draw_chart(stores: Stores, a: str, b: str) -> bytes | None:
    """The dyad's chart as SVG bytes, or None when the pair has no events."""
    from rashomon import timeline

    events = timeline.dyad(data.dyad_candidates(stores.get().conn, a, b), a, b)
    if not events:
        return None
    return timeline.svg(events, a, b).encode()


def entity_listing(stores: Stores, memo: Memo, name: str | None, type: str | None) -> list:
    """The 100 most widely reported entities (optionally by name/type), kept until the store changes."""
    return memo.get(("entities", name, type), lambda: stores.get().entities(name=name, type=type, limit=100))  # type: ignore[return-value]
