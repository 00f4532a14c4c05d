"""Dyad timelines: the events between two actors over time, as JSON and as a chart.

An analyst asks "what has happened between Pakistan and Russia?": every coded event whose two
actors are the pair, in either direction, ordered by the date the sentence speaks of. A country
code ("PAK") stands for every actor of that country ("PAK MIL", "PAK GOV"); any other string is
matched against the whole actor string ("Hamas", "RUS MIL"). Undated events are kept, after the
dated ones, so nothing that was read is silently lost. Cancelled or denied events stay in the
list, marked, and are drawn hollow: they did not happen, but that they were planned is news.

The SVG chart is written directly from the events (`timeline_svg`: no matplotlib, about a
millisecond, every label escaped, no script), so the web app and the HTML brief can serve or
inline it; PNG files are drawn with matplotlib's Agg backend, the same picture.
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


def _figure(events: Sequence[Event], a: str, b: str):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    found = dyad(events, a, b)
    dated = [e for e in found if e.date and re.match(r"^\d{4}", e.date)]
    undated = len(found) - len(dated)
    fig = Figure(figsize=(9, 3.6), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    lanes = {f"{a} → {b}": 1.0, f"{b} → {a}": 0.0}
    used_types: dict[str, str] = {}
    stacked: dict[tuple[int, float], int] = {}  # labels of events close in time on one lane are stacked
    for e in dated:
        y = 1.0 if _is(e.source_actor, a) else 0.0
        colour = TYPE_COLOURS.get(e.action, "#444444")
        used_types[e.action] = colour
        x = _as_date(e.date or "")
        ax.scatter([x], [y], s=70, marker="o", facecolors="none" if e.negated else colour, edgecolors=colour,
                   linewidths=1.5, zorder=3)
        label = e.action.lower() + (f"/{e.mode}" if e.mode else "") + (" (called off)" if e.negated else "")
        near = [k for k in stacked if k[1] == y and abs(k[0] - x.toordinal()) < 400]
        level = sum(stacked[k] for k in near)
        stacked[(x.toordinal(), y)] = stacked.get((x.toordinal(), y), 0) + 1
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(4, 8 + 9 * level), ha="left", fontsize=7)
    ax.set_yticks(list(lanes.values()), list(lanes.keys()))
    ax.set_ylim(-0.5, 2.0)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = f"Events between {a} and {b}: {len(found)}"
    if undated:
        title += f" ({undated} undated, not drawn)"
    ax.set_title(title, fontsize=10)
    if not dated:
        ax.set_xticks([])
        ax.text(0.5, 0.5, "no dated events", transform=ax.transAxes, ha="center", va="center", color="#777777")
    else:
        fig.autofmt_xdate()
    if used_types:
        handles = [Line2D([0], [0], marker="o", linestyle="", color=c, label=t) for t, c in sorted(used_types.items())]
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def plot(events: Sequence[Event], a: str, b: str, path: Path) -> Path:
    """Draw the dyad timeline to `path`: SVG or PNG, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ValueError(f"unsupported chart format {path.suffix!r}: use .svg or .png")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        path.write_text(_svg(events, a, b, xml_prolog=True), "utf-8")
    else:
        _figure(events, a, b).savefig(path, format="png")
    return path


def svg(events: Sequence[Event], a: str, b: str) -> str:
    """The chart as inline SVG markup (no XML prolog, no script) for the web app and the HTML brief."""
    return _svg(events, a, b)


def _svg(events: Sequence[Event], a: str, b: str, xml_prolog: bool = False) -> str:
    from rashomon import timeline_svg

    return timeline_svg.render(dyad(events, a, b), a, b, is_source_a=lambda e: _is(e.source_actor, a), as_date=_as_date,
                               colours=TYPE_COLOURS, xml_prolog=xml_prolog)  # fmt: skip
