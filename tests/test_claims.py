"""Claims: atomic clauses with their slots, read from real news sentences."""

from __future__ import annotations

import pytest

from rashomon import nlp, pipeline
from rashomon.model import Document


def _claims(text: str):
    doc = Document(id="d", path="d", text=text, published="2013-08-29")
    return pipeline.analyse_document(doc, nlp.load()(text)).claims


def test_a_sentence_with_two_facts_gives_two_claims():
    claims = _claims("A powerful earthquake hit southern Iran on Sunday, killing 10 people and injuring 80.")
    texts = [c.text for c in claims]
    assert texts[0] == "A powerful earthquake hit southern Iran on Sunday"
    assert "killing 10 people" in texts and "injuring 80" in texts
    toll = next(c for c in claims if c.text == "killing 10 people")
    assert [(q.value, q.measures) for q in toll.quantities] == [(10, "kill")]


def test_according_to_is_the_source_not_part_of_the_fact():
    text = ("Three shells hit a girls school in the Jabalya refugee camp on Tuesday, according to UN Relief and "
            "Works Agency spokesman Christopher Gunness.")
    claim = _claims(text)[0]
    assert claim.attribution == "UN Relief and Works Agency spokesman Christopher Gunness"
    assert "according" not in claim.text
    assert claim.modality == "reported"
    assert ("source", "spokesman") in [(s, r.split()[-1]) for s, r, *_ in claim.role_slots]
    assert text[claim.source_span[0]:claim.source_span[1]] == claim.attribution


def test_hedged_statement_is_marked_possible():
    claim = _claims("He may have been driven to suicide by wiretapped conversations.")[0]
    assert claim.modality == "possible"


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("On Saturday, 32-year-old Englishman Robert Buckley fell about 600 metres while climbing.", "age", 32),
        ("The 5.9-magnitude quake struck Qeshm island, state media said.", "magnitude", 5.9),
        ("Bilateral trade was over half a billion dollars last year.", "USD", 5e8),
        ("Esther Williams died on Thursday at the age of 91.", "age", 91),
    ],
)
def test_numbers_carry_what_they_measure(text, unit, value):
    measures = [(q.unit, q.value) for c in _claims(text) for q in c.quantities]
    assert (unit, pytest.approx(value)) in measures


def test_clock_times_and_scores_are_not_amounts():
    claims = _claims("The quake occurred at 2:09 a.m. and the Colts won 31-24.")
    assert not [q for c in claims for q in c.quantities]
