"""Acceptance: the two seed pages on the first Pakistan-Russia strategic dialogue come out as a
reader of both pages sees them (issue "the whole job, end to end")."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import DAWN, DND
from rashomon.cli import app


def test_first_page_metadata_and_clean_body(docs_by_file):
    doc = docs_by_file[DAWN]
    assert doc.title == "Official in Russia for strategic dialogue"
    assert doc.published == "2013-08-29"
    assert doc.dateline == "ISLAMABAD"
    assert doc.author is None and doc.outlet is None
    assert doc.text.startswith("Foreign Secretary Jalil Abbas Jilani was in Moscow")
    assert doc.text.endswith("opposition from New Delhi.")


def test_first_page_drops_caption_twice_and_the_opinion_sidebar(docs_by_file):
    doc = docs_by_file[DAWN]
    captions = [r for r in doc.removed if r.startswith("Foreign Secretary Jalil Abbas Jilani. — File photo")]
    assert len(captions) == 2
    for line in ("Opinion", "Editorial", "Mercury rising", "Updated 27 May, 2024", "26 May, 2024"):
        assert line in doc.removed
    assert "2024" not in doc.text and "Mercury" not in doc.text and "IMF" not in doc.text


def test_second_page_metadata_and_clean_body(docs_by_file):
    doc = docs_by_file[DND]
    assert doc.title.startswith("Russo-Pak dialogue in Moscow may strengthen joint strategy")
    assert doc.author == "Asad Haroon"
    assert doc.dateline == "ISLAMABAD"
    assert doc.outlet is None  # the page names no outlet; a cited news desk is not the outlet
    assert doc.text.startswith("Reference 2014 withdrawal")
    assert doc.text.endswith("in the world affairs.")


def test_second_page_drops_teaser_tags_author_box_and_page_furniture(docs_by_file):
    doc = docs_by_file[DND]
    removed = "\n".join(doc.removed)
    assert any(r.startswith("AfghanistanRusso-Pak dialogue") for r in doc.removed)
    assert any(r.startswith("Tag:") for r in doc.removed)
    assert doc.removed.count("Asad Haroon") == 2
    assert "All the information published under this Author" in removed
    assert "Must read" in doc.removed and "Advertisement" in doc.removed
    for junk in ("Tag:", "Asad Haroon", "Must read", "Advertisement", "Opinons and views"):
        assert junk not in doc.text


def test_one_story_with_both_pages_on_the_day_of_the_dialogue(seed_analysis):
    assert len(seed_analysis.stories) == 1
    story = seed_analysis.stories[0]
    assert len(story.documents) == 2
    assert len(story.sources) == 2  # two independent outlets, not copies
    assert story.event_date == "2013-08-28"


def _entity(story, name):
    matches = [e for e in story.entities if e.name == name or name in e.aliases]
    assert matches, f"no entity named {name}"
    return matches[0]


def test_kayani_and_kiyani_are_one_person_across_pages(seed_analysis, docs_by_file):
    story = seed_analysis.stories[0]
    kayani = _entity(story, "Kayani")
    assert kayani is _entity(story, "Gen Ashfaq Kiyani")
    assert kayani.type == "PERSON"
    assert set(kayani.documents) == {docs_by_file[DAWN].id, docs_by_file[DND].id}


def test_jilani_places_and_countries_resolved(seed_analysis):
    story = seed_analysis.stories[0]
    jilani = _entity(story, "Jalil Abbas Jilani")
    assert len(jilani.documents) == 2
    assert "Foreign Secretary" in jilani.roles
    for place, code in (("Pakistan", "PAK"), ("Russia", "RUS"), ("Moscow", "RUS"), ("Islamabad", "PAK")):
        assert _entity(story, place).country == code
    assert _entity(story, "Russia") is _entity(story, "Russian")


def _fact(story, fragment):
    matches = [f for f in story.facts if any(fragment in e.quote for e in f.support)]
    assert matches, f"no fact quoting {fragment!r}"
    return matches[0]


def test_jilani_in_moscow_is_corroborated_by_both_pages(seed_analysis):
    fact = _fact(seed_analysis.stories[0], "Jalil Abbas Jilani was in Moscow")
    assert fact.status == "corroborated"
    assert len({e.document for e in fact.support}) == 2


def test_trade_figure_rests_on_one_source(seed_analysis):
    fact = _fact(seed_analysis.stories[0], "US $542 million")
    assert fact.status == "single-source"


def test_who_visited_this_month_is_disputed_on_the_role(seed_analysis, docs_by_file):
    story = seed_analysis.stories[0]
    fact = _fact(story, "Chirkin was here this month")
    assert fact.status == "disputed"
    conflict = next(c for c in fact.conflicts if c.slot == "role")
    by_doc = {v.document: v for v in conflict.values}
    dawn, dnd = docs_by_file[DAWN], docs_by_file[DND]
    assert by_doc[dawn.id].value == "ground forces chief"
    assert by_doc[dnd.id].value == "Air chief"
    for doc in (dawn, dnd):  # every value cites its span in that document's clean text
        v = by_doc[doc.id]
        assert doc.text[v.start:v.end] == v.value
    assert any(e.document == dnd.id and "Russian Air chief visited here" in e.quote for e in fact.support)


def test_kayani_kiyani_spelling_is_not_a_dispute(seed_analysis):
    fact = _fact(seed_analysis.stories[0], "Kayani visited Russia")
    assert fact.status == "corroborated"
    assert not any(c.slot in ("person", "role") for c in fact.conflicts)


def test_support_spans_point_into_clean_text(seed_analysis):
    docs = {d.id: d for d in seed_analysis.documents}
    for fact in seed_analysis.stories[0].facts:
        for e in fact.support:
            assert docs[e.document].text[e.start:e.end] == e.quote


def test_amounts_with_currency(seed_analysis):
    money = {(q.value, q.unit) for q in seed_analysis.stories[0].quantities}
    assert (542_000_000, "USD") in money
    assert (4_000_000_000, "USD") in money


def test_events_dialogue_and_military_visits_with_sentence_spans(seed_analysis):
    story = seed_analysis.stories[0]
    docs = {d.id: d for d in seed_analysis.documents}

    def find(action, mode, actors, date):
        return [e for e in story.events if e.action == action and e.mode == mode and e.date == date
                and {(e.source_actor or "")[:3], (e.target_actor or "")[:3]} == actors]

    dialogue = find("CONSULT", "talks", {"PAK", "RUS"}, "2013-08-28")
    assert dialogue
    kayani = find("CONSULT", "visit", {"PAK", "RUS"}, "2012")
    assert kayani and kayani[0].source_actor == "PAK MIL" and kayani[0].status == "corroborated"
    chief = find("CONSULT", "visit", {"RUS", "PAK"}, "2013-08")
    assert chief and chief[0].source_actor == "RUS MIL"
    for e in dialogue + kayani + chief:
        assert docs[e.document].text[e.start:e.end] == e.text


def test_putins_cancelled_visit_is_not_a_visit(seed_analysis):
    putin = [e for e in seed_analysis.stories[0].events if e.date == "2012-09" and e.mode == "visit"]
    assert putin and all(e.negated for e in putin)


def test_cli_json_follows_the_contract(seeds_dir):
    result = CliRunner().invoke(app, ["analyze", str(seeds_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    doc = data["documents"][0]
    for key in ("id", "path", "outlet", "title", "published", "author", "dateline", "text", "removed"):
        assert key in doc
    story = data["stories"][0]
    for key in ("id", "headline", "event_date", "documents", "entities", "facts", "events", "quantities"):
        assert key in story
    fact = story["facts"][0]
    assert set(fact) >= {"text", "status", "support", "conflicts"}
    assert set(fact["support"][0]) >= {"document", "start", "end", "quote"}
    assert set(story["events"][0]) >= {"date", "source_actor", "action", "target_actor", "document", "start", "end"}
    assert set(story["quantities"][0]) >= {"value", "unit", "text", "document", "start", "end"}
    assert set(story["entities"][0]) >= {"name", "type", "aliases", "documents"}


def test_markdown_and_html_briefs_show_the_dispute_side_by_side(seeds_dir, tmp_path):
    runner = CliRunner()
    md = runner.invoke(app, ["analyze", str(seeds_dir), "--format", "markdown"])
    assert md.exit_code == 0, md.output
    assert "## Disputed" in md.stdout and "## Corroborated" in md.stdout and "## Single-source" in md.stdout
    assert "| **ground forces chief** |**Air chief** |" in md.stdout
    out = tmp_path / "brief.html"
    html = runner.invoke(app, ["analyze", str(seeds_dir), "--format", "html", "--out", str(out)])
    assert html.exit_code == 0, html.output
    page = out.read_text()
    assert 'class="side-by-side"' in page
    assert page.count('class="side"') >= 2 and "ground forces chief" in page and "Air chief" in page
    assert "<script" not in page


def test_a_page_can_be_piped_on_standard_input(seeds_dir):
    page = (seeds_dir / DAWN).read_bytes()
    result = CliRunner().invoke(app, ["analyze", "-", "--format", "json"], input=page)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"][0]["title"] == "Official in Russia for strategic dialogue"
    assert data["documents"][0]["path"] == "-"
