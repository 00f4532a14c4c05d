"""The dyad timeline chart as a Vega-Lite specification, rendered to SVG or PNG by vl-convert.

Vega-Lite is a charting grammar; `vl-convert-python` ships the Vega and Vega-Lite libraries
inside its wheel (with a JavaScript engine), so charts render on the server with no browser, no
CDN and no network. The web app and the HTML brief get plain SVG (no script), which strict
content policies allow and which reads the same with JavaScript off.

Labels are untrusted text (actor names come from URLs, modes from articles). They travel only as
*data* values of the specification, never inside Vega expressions or markup, and Vega's SVG
renderer escapes every text it writes.

The JavaScript engine starts on the first render (about half a second); `warm_up()` lets a
long-running process (the web app) pay that once at start, not on a reader's first chart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from rashomon.model import Event

WIDTH, HEIGHT = 640, 220
STACK_DAYS = 400  # labels of events this close in time on one lane are stacked, not overlapped
LANE_Y = (1.0, 0.0)  # a -> b above, b -> a below
LABEL_STEP = 0.16  # how far up each stacked label sits, in lane units
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier: never fetched


def spec(found: Sequence[Event], a: str, b: str, *, is_source_a: Callable[[Event], bool],
         as_date: Callable[[str], dt.date], colours: dict[str, str]) -> dict[str, Any]:
    """The Vega-Lite specification of the chart of `found` (already the dyad, in date order)."""
    points, labels = [], []
    stacked: dict[tuple[int, int], int] = {}  # (day ordinal, lane) -> labels placed there
    undated = 0
    for event in found:
        try:
            day = as_date(event.date) if event.date and re.match(r"^\d{4}", event.date) else None
        except ValueError:  # a date the axis cannot place (e.g. a season): counted as undated
            day = None
        if day is None:
            undated += 1
            continue
        lane = 0 if is_source_a(event) else 1
        level = sum(n for (o, l), n in stacked.items() if l == lane and abs(o - day.toordinal()) < STACK_DAYS)
        stacked[(day.toordinal(), lane)] = stacked.get((day.toordinal(), lane), 0) + 1
        called_off = " (called off)" if event.negated else ""
        points.append({"day": day.isoformat(), "y": LANE_Y[lane], "type": event.action,
                       "colour": colours.get(event.action, "#444444"),
                       "hollow": bool(event.negated),
                       "what": f"{event.date}: {event.source_actor} {event.action} {event.target_actor}{called_off}"})
        labels.append({"day": day.isoformat(), "y": LANE_Y[lane] + LABEL_STEP * (level + 1),
                       "text": event.action.lower() + (f"/{event.mode}" if event.mode else "") + called_off})
    title = f"Events between {a} and {b}: {len(found)}" + (f" ({undated} undated, not drawn)" if undated else "")
    used = sorted({p["type"] for p in points})
    x = {"field": "day", "type": "temporal", "title": None, "scale": {"padding": 16}}
    y = {"field": "y", "type": "quantitative", "scale": {"domain": [-0.45, 1.95]}, "axis": None}
    layers: list[dict[str, Any]] = [
        {"data": {"values": [{"y": v} for v in LANE_Y]}, "mark": {"type": "rule", "color": "#e4e4e4"},
         "encoding": {"y": y}},
        {"data": {"values": points}, "mark": {"type": "point", "size": 70, "strokeWidth": 1.5, "opacity": 1},
         "encoding": {"x": x, "y": y,
                      "stroke": {"field": "colour", "type": "nominal", "scale": None, "legend": None},
                      "fill": {"condition": {"test": "datum.hollow", "value": "transparent"},  # called off: hollow
                               "field": "type", "type": "nominal", "title": None,
                               "scale": {"domain": used, "range": [colours.get(t, "#444444") for t in used]}},
                      "tooltip": {"field": "what", "type": "nominal"}}},
        {"data": {"values": labels}, "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 9},
         "encoding": {"x": x, "y": y, "text": {"field": "text", "type": "nominal"}}},
        {"data": {"values": [{"y": LANE_Y[0], "lane": f"{a} → {b}"}, {"y": LANE_Y[1], "lane": f"{b} → {a}"}]},
         "mark": {"type": "text", "align": "left", "baseline": "top", "dy": 4, "x": 2, "fontSize": 11,
                  "color": "#555555"},  # under its lane, where no event label goes
         "encoding": {"y": y, "text": {"field": "lane", "type": "nominal"}}},
    ]
    if not points:
        layers = [layers[0], layers[3],
                  {"data": {"values": [{"text": "no dated events"}]},
                   "mark": {"type": "text", "color": "#777777", "x": WIDTH / 2, "y": HEIGHT / 2},
                   "encoding": {"text": {"field": "text", "type": "nominal"}}}]
    return {"$schema": VEGA_LITE_SCHEMA, "width": WIDTH, "height": HEIGHT, "background": "#ffffff",
            "title": {"text": title, "fontSize": 13},
            "config": {"font": "DejaVu Sans, Arial, sans-serif", "view": {"stroke": None}},
            "layer": layers}


def to_svg(chart: dict[str, Any]) -> str:
    """The chart as one `<svg>` element (no XML prolog, no script)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart)


def to_png(chart: dict[str, Any], scale: float = 2.0) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(chart, scale=scale)


def warm_up() -> None:
    """Start the rendering engine now (about half a second), so the first chart is quick."""
    to_svg({"$schema": VEGA_LITE_SCHEMA, "data": {"values": [{"x": 1}]}, "mark": "point",
            "encoding": {"x": {"field": "x", "type": "quantitative"}}})
