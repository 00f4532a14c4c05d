"""The dyad timeline chart written as SVG markup directly from the events.

Why not matplotlib here: importing it and laying out a figure costs most of a second, which the
web app would pay on the first request after every ingest; this writer takes about a millisecond.
The chart is simple — two lanes (one per direction), a dot per dated event coloured by type
(hollow when called off), a stacked label, a time axis and a legend — so plain SVG is enough.

Labels are untrusted text (actor names come from the URL, modes from articles): every piece of
text and every attribute value is escaped, and the markup has no script and no external
reference, so pages can serve or inline it under a strict content policy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from rashomon.model import Event

WIDTH, HEIGHT = 900, 360
LEFT, RIGHT, TOP, BOTTOM = 120, 150, 44, 56  # margins: lane names, legend, title, axis
FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\""
STACK_DAYS = 400  # labels of events this close in time on one lane are stacked, not overlapped


@dataclass(frozen=True)
class Lane:
    name: str
    y: float


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _ticks(lo: dt.date, hi: dt.date) -> list[tuple[dt.date, str]]:
    """Axis ticks on whole years, or on months for a short span, at most about ten."""
    years = hi.year - lo.year
    if years >= 2:
        step = max(1, -(-years // 9))
        return [(dt.date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1) if (y - lo.year - 1) % step == 0]
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = next(s for s in (1, 2, 3, 6, 12) if months // s <= 9)
    out, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        day = dt.date(y, m, 1)
        if lo <= day <= hi and (m - 1) % step == 0:
            out.append((day, f"{y}-{m:02d}"))
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def render(
    found: Sequence[Event], a: str, b: str, *, is_source_a, as_date, colours: dict[str, str], xml_prolog: bool = False
) -> str:
    """The chart of `found` (already the dyad, in date order) as one `<svg>` element.

    `is_source_a(event)` says whether the event goes from a to b, `as_date` maps an event date
    (day, month or year) to a point on the axis; both come from `rashomon.timeline`."""
    dated, days = [], []
    for e in found:
        if e.date and re.match(r"^\d{4}", e.date):
            try:
                days.append(as_date(e.date))
            except ValueError:  # a date string the axis cannot place (e.g. a season): counted as undated
                continue
            dated.append(e)
    undated = len(found) - len(dated)
    title = f"Events between {a} and {b}: {len(found)}" + (f" ({undated} undated, not drawn)" if undated else "")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    lanes = (Lane(f"{a} → {b}", TOP + plot_h * 0.30), Lane(f"{b} → {a}", TOP + plot_h * 0.78))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{_text(title)}" {FONT} font-size="11">',
        f"<title>{_text(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2:.1f}" y="22" text-anchor="middle" font-size="13">{_text(title)}</text>',
    ]
    for lane in lanes:
        out.append(f'<line x1="{LEFT}" y1="{lane.y:.1f}" x2="{LEFT + plot_w}" y2="{lane.y:.1f}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{LEFT - 8}" y="{lane.y + 4:.1f}" text-anchor="end">{_text(lane.name)}</text>')
    axis_y = TOP + plot_h
    out.append(f'<line x1="{LEFT}" y1="{axis_y}" x2="{LEFT + plot_w}" y2="{axis_y}" stroke="#555555"/>')
    if not dated:
        out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" fill="#777777">'
                   "no dated events</text>")  # fmt: skip
        out.append("</svg>")
        return _prolog(xml_prolog) + "\n".join(out) + "\n"
    lo, hi = min(days), max(days)
    pad = max(30, (hi - lo).days // 20)
    lo, hi = lo - dt.timedelta(days=pad), hi + dt.timedelta(days=pad)
    span = (hi - lo).days

    def x_of(day: dt.date) -> float:
        return LEFT + plot_w * (day - lo).days / span

    for day, label in _ticks(lo, hi):
        x = x_of(day)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{axis_y + 4}" stroke="#dddddd"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle">{_text(label)}</text>')
    used: dict[str, str] = {}
    stacked: dict[tuple[int, int], int] = {}  # (day ordinal, lane) -> labels drawn there
    for event, day in zip(dated, days):
        lane_no = 0 if is_source_a(event) else 1
        y = lanes[lane_no].y
        colour = colours.get(event.action, "#444444")
        used[event.action] = colour
        x = x_of(day)
        level = sum(n for (o, l), n in stacked.items() if l == lane_no and abs(o - day.toordinal()) < STACK_DAYS)
        stacked[(day.toordinal(), lane_no)] = stacked.get((day.toordinal(), lane_no), 0) + 1
        label = event.action.lower() + (f"/{event.mode}" if event.mode else "") + (" (called off)" if event.negated else "")
        tip = f"{event.date}: {event.source_actor} {event.action} {event.target_actor}" + (" (called off)" if event.negated else "")
        fill = "none" if event.negated else colour
        out.append(f'<g><title>{_text(tip)}</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
                   f'<text x="{x + 4:.1f}" y="{y - 9 - 11 * level:.1f}" font-size="9">{_text(label)}</text></g>')  # fmt: skip
    legend_x = WIDTH - RIGHT + 16
    for i, (action, colour) in enumerate(sorted(used.items())):
        y = TOP + 6 + 16 * i
        out.append(f'<circle cx="{legend_x}" cy="{y}" r="5" fill="{colour}"/>'
                   f'<text x="{legend_x + 10}" y="{y + 4}" font-size="10">{_text(action)}</text>')  # fmt: skip
    out.append("</svg>")
    return _prolog(xml_prolog) + "\n".join(out) + "\n"


def _prolog(wanted: bool) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' if wanted else ""
