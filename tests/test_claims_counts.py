"""Every count knows what it counts (`Measure.counts`, `Measure.measures`), so two numbers are only
compared when they are figures of one thing (`claims.comparable`). Real ECB+ sentences."""

from __future__ import annotations

from rashomon import compare, nlp, pipeline
from rashomon.claims import comparable
from rashomon.model import Document

KRAFT_SHOT = ("The woman who allegedly shot three co-workers — killing two– at the Kraft Plant Thursday night has "
              "been charged with murder, attempted murder, aggravated assault, burglary, and other related charges, "
              "says Philadelphia District Attorney Seth Williams.")
KRAFT_KILLED = ("The woman who allegedly shot and killed two co-workers in September at the Kraft Foods plant in "
                "Northeast Philadelphia will face trial on multiple counts of murder and attempted murder.")
PAPUA_ONE = ("The powerful quakes in Papua in easternmost of Indonesia on Sunday have led over 14,000 people taking "
             "shelters in tents, destroyed hundreds of buildings, killed one person and injured dozens others, local "
             "disaster management agency said on Monday.")
PAPUA_FOUR = ("A series of powerful earthquakes rocked Manokwari, the capital of West Papua, on Sunday, killing four "
              "people, injuring dozens and destroying hundreds of buildings.")


def _claims(text: str):
    doc = Document(id="d", path="d", text=text, published="2013-08-29")
    return pipeline.analyse_document(doc, nlp.load()(text)).claims


def _figures(text: str):
    return [q for c in _claims(text) for q in c.quantities]


def _disagreeing(xs, ys):
    """Pairs of figures that count the same thing and cannot be the same figure."""
    return [(x.text, y.text) for x in xs for y in ys if comparable(x, y) and not compare.amounts_compatible(x, y)]


def test_shot_three_and_killed_two_count_co_workers_under_different_predicates():
    shot, killed = _figures(KRAFT_SHOT), _figures(KRAFT_KILLED)
    assert [(q.value, q.counts, q.predicate) for q in shot] == [(3, "co-worker", "shoot"), (2, None, "death")]
    assert [(q.value, q.counts, q.predicate) for q in killed] == [(2, "co-worker", "death")]
    assert not comparable(shot[0], killed[0])  # three shot, two killed: two facts
    assert _disagreeing(shot, killed) == []


def test_a_toll_in_different_words_is_still_comparable():
    one, four = _figures(PAPUA_ONE), _figures(PAPUA_FOUR)
    assert [(q.value, q.counts, q.predicate) for q in four] == [(4, "people", "death")]
    assert ("one", "four") in _disagreeing(one, four)  # "killed one person" vs "killing four people"
    assert ("14,000", "four") not in _disagreeing(one, four)  # people sheltering are no death toll


def test_a_count_no_verb_governs_is_compared_whatever_the_clause_verb():
    struck = _figures("The 6.1-magnitude quake struck Qeshm island, home to 120,000 people, and the city of "
                      "Bandar Abbas, state media said.")
    centred = _figures("The quake was centred near Qeshm Island, home to 200,000 people, the U.S. Geological "
                       "Survey said.")
    assert [(q.counts, q.predicate) for q in struck if q.unit == "people"] == [("people", None)]
    assert ("120,000 people", "200,000 people") in _disagreeing(struck, centred)  # the island's population, in two reports


def test_days_of_rioting_are_counted_days_ago_a_point_in_time():
    rioting = _figures("INITIAL results from the post- mortem on a 15-year-old Greek boy whose killing by police "
                       "sparked five days of rioting show Alexandros Grigoropoulos died from a bullet ricochet.")
    ago = _figures("Fresh riots were reported in Greece on Saturday December 13 2008 in protest at the killing by "
                   "police of a 15-year-old boy, Alexandros Grigoropoulos, eight days ago.")
    assert [(q.value, q.unit) for q in rioting if q.unit != "age"] == [(5, "day")]
    assert [q.unit for q in ago] == ["age"]  # "eight days ago" is a date (timex reads it), not an amount
    assert _disagreeing(rioting, ago) == []


def test_a_hyphenated_noun_is_counted_whole_and_physical_units_need_no_noun():
    [q] = _figures("Its body, carved out of a single block of aluminium, measures just 2.5cm thick.")
    assert (q.value, q.unit, q.counts) == (2.5, "cm", None)


def test_compare_does_not_dispute_counts_of_different_predicates():
    a, b = _claims(KRAFT_SHOT)[0], _claims(KRAFT_KILLED)[0]
    assert compare._number_conflict(a, b) is None
