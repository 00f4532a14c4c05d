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
    assert [(q.value, q.measures) for q in toll.quantities] == [(10, "death")]


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


@pytest.mark.parametrize(
    ("text", "value", "measures"),
    [  # ECB+ wordings of one quake's toll: whatever the verb, each number counts the dead
        ("Indonesia earthquake: 24 dead and over 200 injured as 6.1 magnitude quake hits Aceh province", 24, "death"),
        ("Magnitude-6.1 quake hits Indonesia; 1 dead", 1, "death"),
        ("Five dead, dozens injured in Indonesia quake", 5, "death"),
        ("The mosque collapsed, bringing the confirmed death toll from the disaster to 11.", 11, "death"),
        ("Officials say at least 24 people were killed by the quake.", 24, "death"),
    ],
)
def test_a_death_toll_is_read_as_a_count_of_the_dead_however_it_is_worded(text, value, measures):
    from rashomon.claims import event_measure

    tolls = [(q.value, event_measure(q)) for c in _claims(text) for q in c.quantities if event_measure(q)]
    assert (value, measures) in tolls, [(q.text, q.unit, q.measures) for c in _claims(text) for q in c.quantities]


def test_a_count_of_children_is_part_of_a_toll_not_the_toll():
    from rashomon.claims import event_measure

    claims = _claims("An earthquake killed six children in Aceh province.")
    assert not [q for c in claims for q in c.quantities if event_measure(q)]


def test_a_negation_inside_a_relative_clause_is_kept_with_its_verb():
    claim = _claims("The quake rocked a region that was not devastated by the tsunami of 2004.")[0]
    assert ("devastate", True) in claim.polarity
    assert ("strike", False) in claim.polarity  # "rock" is of the class "strike" (predicate_classes.yaml)


def test_a_region_with_a_compass_word_is_placed_in_its_country():
    claim = _claims("A 4.6-magnitude earthquake rattled Northern California overnight Thursday.")[0]
    assert claim.places == ["USA"]
