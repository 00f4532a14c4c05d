"""Dyad timelines: the events between two actors, in time order, as JSON and as a chart."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from rashomon.model import Event
from rashomon.timeline import dyad, plot, svg, timeline_json


def _event(date, source, action, target, mode=None, negated=False, start=0):
    return Event(date=date, source_actor=source, action=action, target_actor=target, document="d", start=start,
                 end=start + 1, mode=mode, negated=negated)


EVENTS = [
    _event("2013-08-28", "RUS", "CONSULT", "PAK", "talks", start=1),
    _event(None, "PAK", "COOPERATE", "RUS", start=2),
    _event("2012", "PAK MIL", "CONSULT", "RUS", "visit", start=3),
    _event("2012-09", "RUS GOV", "CONSULT", "PAK", "visit", negated=True, start=4),
    _event("2003-02", "PAK GOV", "CONSULT", "RUS", "visit", start=5),
    _event("2011", "IND", "CONSULT", "RUS", "visit", start=6),  # another dyad
    _event("2009", "Hamas", "ASSAULT", "ISR", start=7),
]


def test_dyad_takes_both_directions_and_every_sector_of_a_country_in_date_order():
    found = dyad(EVENTS, "PAK", "RUS")
    assert [e.start for e in found] == [5, 3, 4, 1, 2]  # 2003-02, 2012, 2012-09, 2013-08-28, undated last
    assert dyad(EVENTS, "RUS", "PAK") == found


def test_dyad_of_named_actors_and_of_a_sector():
    assert [e.start for e in dyad(EVENTS, "Hamas", "ISR")] == [7]
    assert [e.start for e in dyad(EVENTS, "PAK MIL", "RUS")] == [3]
    assert dyad(EVENTS, "PAK", "IND") == []


def test_json_counts_only_what_happened_per_direction():
    data = timeline_json(EVENTS, "PAK", "RUS")
    assert data["n_events"] == 5 and data["n_dated"] == 4
    assert data["counts"]["CONSULT"] == {"RUS->PAK": 1, "PAK->RUS": 2}  # the cancelled visit is not counted
    assert data["events"][2]["negated"] is True and data["events"][2]["date"] == "2012-09"


def test_plot_writes_svg_and_png_by_suffix(tmp_path):
    out_svg = plot(EVENTS, "PAK", "RUS", tmp_path / "pak_rus.svg")
    root = ET.parse(out_svg).getroot()
    assert root.tag.endswith("svg")
    out_png = plot(EVENTS, "PAK", "RUS", tmp_path / "pak_rus.png")
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_inline_svg_has_no_script_and_parses(tmp_path):
    markup = svg(EVENTS, "PAK", "RUS")
    assert markup.startswith("<svg") and "<script" not in markup
    ET.fromstring(markup)
    empty = svg([], "PAK", "RUS")  # no events: still a valid chart that says so
    assert "<svg" in empty


def test_seed_timeline_pak_rus(seed_analysis):
    events = [e for s in seed_analysis.stories for e in s.events]
    found = dyad(events, "PAK", "RUS")
    dates = [e.date for e in found if e.date]
    assert dates == sorted(dates, key=lambda d: d)  # day/month/year strings sort in time order
    assert {"2003-02", "2005-06", "2012", "2012-09", "2013-08", "2013-08-28"} <= set(dates)


def test_untrusted_labels_are_escaped_in_the_chart():
    hostile = [
        Event(date="2013-08-28", source_actor='<script>alert(1)</script>', action="CONSULT", target_actor="RUS & co",
              document="d", start=1, end=2, mode='"><img src=x onerror=alert(1)>'),
        Event(date="2013-09", source_actor="RUS & co", action="THREATEN", target_actor='<script>alert(1)</script>',
              document="d", start=3, end=4),
    ]
    markup = svg(hostile, "<script>alert(1)</script>", "RUS & co")
    root = ET.fromstring(markup)  # well-formed: nothing broke out of its text or attribute
    assert "<script" not in markup and "<img" not in markup
    assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("script", "img", "foreignObject", "a")]
    assert not [k for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    texts = " ".join(t for t in root.itertext())
    assert "<script>alert(1)</script> → RUS & co" in texts and '"><img src=x onerror=alert(1)>' in texts


def test_the_chart_is_a_vega_lite_spec_whose_untrusted_text_is_data_only():
    """Actor names and modes travel as data values, never inside Vega expressions, so a crafted
    name cannot become code in the chart engine."""
    from rashomon.timeline import chart_spec

    hostile = "datum.x || alert(1)"
    events = [Event(date="2013-08-28", source_actor=hostile, action="CONSULT", target_actor="RUS", document="d",
                    start=0, end=1, mode="talks\"); alert(1); (\"")]
    chart = chart_spec(events, hostile, "RUS")
    assert chart["$schema"].startswith("https://vega.github.io/schema/vega-lite/")

    def outside_data(node):
        """Every string of the specification but data values and the literal title (marks, encodings,
        expressions): the places where Vega could evaluate text."""
        if isinstance(node, dict):
            return [s for k, v in node.items() if k not in ("data", "title") for s in [k, *outside_data(v)]]
        if isinstance(node, list):
            return [s for v in node for s in outside_data(v)]
        return [node] if isinstance(node, str) else []

    assert not [s for s in outside_data(chart) if "alert" in s or "datum.x" in s]  # never in marks or expressions
    assert set(chart["title"]) == {"text", "fontSize"} and isinstance(chart["title"]["text"], str)  # a literal, not a signal
    assert "alert" in json.dumps([layer.get("data") for layer in chart["layer"]])  # the text is kept, as data
    assert "<script" not in svg(events, hostile, "RUS")
