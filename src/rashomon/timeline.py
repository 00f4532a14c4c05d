"""Dyad timelines: the events between two actors over time, as JSON and as a chart.

An analyst asks "what has happened between Pakistan and Russia?": every coded event whose two
actors are the pair, in either direction, ordered by the date the sentence speaks of. A country
code ("PAK") stands for every actor of that country ("PAK MIL", "PAK GOV"); any other string is
matched against the whole actor string ("Hamas", "RUS MIL"). Undated events are kept, after the
dated ones, so nothing that was read is silently lost. Cancelled or denied events stay in the
list, marked, and are drawn hollow: they did not happen, but that they were planned is news.

The chart is a Vega-Lite specification (`timeline_chart`) rendered on the server by vl-convert
to SVG (no script: the web app serves it and the HTML brief inlines it) or PNG.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rashomon.model import Event, to_dict

CODE = re.compile(r"^[A-Z]{3}$")
TYPE_COLOURS = {  # cooperative types cool, conflictual warm
    "CONSULT": "#1f77b4", "AGREE": "#17becf", "SUPPORT": "#2ca02c", "COOPERATE": "#98df8a", "AID": "#bcbd22",
    "REQUEST": "#9467bd", "RETREAT": "#c5b0d5", "ACCUSE": "#ff7f0e", "REJECT": "#ffbb78", "PROTEST": "#e377c2",
    "THREATEN": "#d62728", "SANCTION": "#8c564b", "MOBILIZE": "#7f7f7f", "SEIZE": "#c49c94", "ASSAULT": "#000000",
}


def _is(actor: str | None, who: str) -> bool:
    """Whether an event's actor is `who`: a country code matches the code's country part."""
    if not actor:
        return False
    if CODE.match(who):
        return actor.split(" ")[0] == who
    return actor == who or actor.casefold() == who.casefold()


def _date_key(value: str | None) -> tuple[int, str]:
    return (1, "") if not value else (0, value)


def dyad(events: Iterable[Event], a: str, b: str) -> list[Event]:
    """Events between `a` and `b` in either direction, sorted by date (day, month or year as
    written: "2012" sorts before "2012-09"), undated last; ties keep their input order."""
    found = [e for e in events
             if (_is(e.source_actor, a) and _is(e.target_actor, b)) or (_is(e.source_actor, b) and _is(e.target_actor, a))]
    return sorted(found, key=lambda e: _date_key(e.date))


def timeline_json(events: Iterable[Event], a: str, b: str) -> dict[str, Any]:
    """The dyad as JSON-ready data: the pair, counts by type and direction, and the events."""
    found = dyad(events, a, b)
    counts: dict[str, dict[str, int]] = {}
    for e in found:
        if e.negated:
            continue
        direction = f"{a}->{b}" if _is(e.source_actor, a) else f"{b}->{a}"
        counts.setdefault(e.action, {}).setdefault(direction, 0)
        counts[e.action][direction] += 1
    return {
        "a": a,
        "b": b,
        "n_events": len(found),
        "n_dated": sum(1 for e in found if e.date),
        "counts": counts,
        "events": [to_dict(e) for e in found],
    }


def _as_date(value: str) -> dt.date:
    """A point on the time axis for a day, month or year: the middle of the period it names."""
    parts = [int(p) for p in value.split("-")[:3]]
    if len(parts) == 1:
        return dt.date(parts[0], 7, 1)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 15)
    return dt.date(*parts)


def plot(events: Sequence[Event], a: str, b: str, path: Path) -> Path:
    """Draw the dyad timeline to `path`: SVG or PNG, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ValueError(f"unsupported chart format {path.suffix!r}: use .svg or .png")
    path.parent.mkdir(parents=True, exist_ok=True)
    from rashomon import timeline_chart

    chart = chart_spec(events, a, b)
    if suffix == ".svg":
        path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + timeline_chart.to_svg(chart) + "\n", "utf-8")
    else:
        path.write_bytes(timeline_chart.to_png(chart))
    return path


def svg(events: Sequence[Event], a: str, b: str) -> str:
    """The chart as inline SVG markup (no XML prolog, no script) for the web app and the HTML brief."""
    from rashomon import timeline_chart

    return timeline_chart.to_svg(chart_spec(events, a, b))


def chart_spec(events: Sequence[Event], a: str, b: str) -> dict[str, Any]:
    """The Vega-Lite specification of the dyad's chart (for clients that render it themselves)."""
    from rashomon import timeline_chart

    return timeline_chart.spec(dyad(events, a, b), a, b, is_source_a=lambda e: _is(e.source_actor, a),
                               as_date=_as_date, colours=TYPE_COLOURS)
