"""Verdicts: agreement across independent sources, single sources, and disputes by slot."""

import pytest

from rashomon.compare import compare_texts, roles_conflict


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("ground forces chief", "Air chief", True),
        ("Army Chief", "army chief", False),
        ("chief", "army chief", False),
        ("President", "Prime Minister", True),
        ("Foreign Secretary", "foreign secretary", False),
        ("Russian ground forces chief", "ground forces chief", False),
    ],
)
def test_role_phrases_conflict_only_when_they_name_different_offices(a, b, conflict):
    assert roles_conflict(a, b) is conflict


def _verdicts(a: str, b: str) -> list[tuple[str, list[str]]]:
    return [(f.status, [c.slot for c in f.conflicts]) for f in compare_texts(a, b, published="2013-08-29")]


# Paraphrases and compatible differences (the list, and real ECB+ wording): never disputes.
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bilateral trade stood at almost US $542 million last year.", "Bilateral trade was over half a billion dollars last year."),
        ("Army Chief Gen Kayani visited Russia last year.", "Gen Ashfaq Kiyani visited Russia in 2012."),
        ("Jilani arrived in Moscow on Wednesday.", "Jilani arrived in Moscow on August 28."),
        ("On Friday, 36-year-old Duncan Raite died after slipping and falling about 60 metres from a ridge.",
         "On Friday, 36-year-old Duncan Rait died after slipping and falling about 60m from a ridge near the Tasman Glacier."),
        ("A powerful earthquake hit southern Iran on Sunday, killing 10 people.",
         "A powerful quake struck southern Iran on Sunday, killing ten people, officials said."),
        ("Lohan checked into the Betty Ford Center late Thursday night.", "Early Friday morning, Lohan checked into the Betty Ford Center."),
    ],
)
def test_compatible_reports_are_not_disputed(a, b):
    assert all(status != "disputed" for status, _ in _verdicts(a, b))


def test_paraphrased_dialogue_in_moscow_is_corroborated():
    verdicts = _verdicts("Foreign Secretary Jalil Abbas Jilani was in Moscow on Wednesday for the first strategic dialogue between Russia and Pakistan.",
                         "The Pakistan-Russia strategic dialogue has started in Moscow on Wednesday.")
    assert ("corroborated", []) in verdicts


@pytest.mark.parametrize(
    ("a", "b", "slot"),
    [  # real ECB+ reports that disagree, and real sentences with one slot changed
        ("The 6.1-magnitude quake struck Qeshm island, home to 120,000 people, state media said.",
         "The 5.9-magnitude quake struck Qeshm island, home to 120,000 people, state media said.", "number"),
        ("On Saturday, 32-year-old Englishman Robert Buckley fell about 600 metres while climbing to a small hut on Mount Sefton.",
         "31-year-old Robert Buckley of the U.K. slipped on ice and fell 700 meters to his death.", "number"),
        ("A publicist says Tara Reid has checked herself into rehab.", "A publicist says Joique Bell has checked herself into rehab.", "person"),
        ("Fred LaRue was found dead in a hotel room in Biloxi, Mississippi.", "Fred LaRue was not found dead in a hotel room in Biloxi, Mississippi.", "negation"),
        ("Williams died early Thursday in her sleep, according to her longtime publicist Harlan Boll.",
         "Williams died early Saturday in her sleep, according to her longtime publicist Harlan Boll.", "date"),
        ("A fire-bomb attack on a bank in Greece killed at least three people Wednesday.",
         "A fire-bomb attack on a bank in France killed at least three people Wednesday.", "place"),
    ],
)
def test_contradicting_reports_are_disputed_on_the_slot_that_differs(a, b, slot):
    verdicts = _verdicts(a, b)
    assert any(status == "disputed" and slot in slots for status, slots in verdicts), verdicts


def test_a_hedged_denial_is_not_a_contradiction():
    verdicts = _verdicts("The fire was set by an arsonist, police said.", "The fire may not have been set by an arsonist.")
    assert all("negation" not in slots for _, slots in verdicts)


def _analyse(tmp_path, pages):
    from rashomon import analyze

    for name, text in pages.items():
        (tmp_path / name).write_text(text)
    return analyze([tmp_path])


def test_different_death_tolls_for_the_same_quake_are_disputed_on_the_number(tmp_path):
    analysis = _analyse(tmp_path, {
        "a.txt": "Quake in Yunnan\n\nPublished March 11, 2014\n\nBEIJING: The earthquake in Yunnan province killed 27 people on Monday, state media said. Rescue teams searched collapsed houses in Yingjiang county through the night.\n",
        "b.txt": "Yunnan earthquake toll rises\n\nPublished March 11, 2014\n\nBEIJING: The earthquake in Yunnan province killed 43 people on Monday, officials said. Soldiers and rescue teams searched collapsed houses in Yingjiang county.\n",
    })
    assert len(analysis.stories) == 1
    disputed = [f for f in analysis.stories[0].facts if f.status == "disputed"]
    assert disputed
    assert any(c.slot == "number" for f in disputed for c in f.conflicts)


def test_copies_of_one_report_do_not_corroborate_each_other(tmp_path):
    body = ("ISLAMABAD: Foreign Secretary Jalil Abbas Jilani was in Moscow on Wednesday for the first strategic "
            "dialogue between Russia and Pakistan. The two-day dialogue would cover a wide range of issues including "
            "exchange of views on regional and international developments, and discussions on economic, political "
            "and defence cooperation. Pakistan-Russia rapprochement has been quietly in the works for the past three "
            "years, officials said.\n")
    analysis = _analyse(tmp_path, {
        "wire.txt": "Official in Russia for strategic dialogue\n\nPublished August 29, 2013\n\n" + body,
        "reprint.txt": "Pakistan, Russia open strategic dialogue\n\nPublished August 29, 2013\n\n" + body + "\nAdvertisement\n",
    })
    story = analysis.stories[0]
    assert len(story.documents) == 2 and len(story.sources) == 1
    assert all(f.status == "single-source" for f in story.facts)


@pytest.mark.parametrize(
    ("a", "b", "slot"),
    [  # real ECB+ headlines and sentences of one quake / one attack, and real sentences with one slot changed
        ("Magnitude-6.1 quake hits Indonesia; 1 dead",
         "Indonesia earthquake: 24 dead and over 200 injured as 6.1 magnitude quake hits Aceh province", "number"),
        ("Earthquake Of Magnitude 6.1 Strikes Indonesia's Aceh Province Killing One",
         "Five dead, dozens injured in Indonesia quake", "number"),
        ("The strong 6.1-magnitude quake left hundreds more injured as it rocked a region that was devastated by the tsunami of 2004.",
         "The strong 6.1-magnitude quake left hundreds more injured as it rocked a region that was not devastated by the tsunami of 2004.",
         "negation"),
        ("Fred LaRue, a Richard Nixon White House aide, was found dead in his room at a Biloxi motel.",
         "Fred LaRue, a Robert Buckley White House aide, was found dead in his room at a Biloxi motel.", "person"),
        ("The deal will provide customers with another choice, says Bruce Shaw, director of worldwide commercial marketing for AMD.",
         "The deal will provide customers with another choice, says Bruce Shaw, spokesman of worldwide commercial marketing for AMD.",
         "role"),
        ("A 4.6-magnitude earthquake rattled Northern California overnight Thursday.",
         "A 4.6-magnitude earthquake rattled Northern Italy overnight Thursday.", "place"),
        ("The coroner believes LaRue died Saturday, July 24,2004, of natural causes.",
         "The coroner believes LaRue died Saturday, July 21,2004, of natural causes.", "date"),
        ("Lindsay Lohan entered the Betty Ford Center on Thursday.", "Lindsay Lohan checked into the Betty Ford Center on Monday.", "date"),
    ],
)
def test_differently_worded_or_deeply_placed_slots_are_disputed(a, b, slot):
    verdicts = _verdicts(a, b)
    assert any(status == "disputed" and slot in slots for status, slots in verdicts), verdicts


@pytest.mark.parametrize(
    ("a", "b"),
    [  # real ECB+ pairs that agree: parts and a total, two spellings of one unit
        ("Police said two women and one man died at a branch of the Marfin bank which caught fire.",
         "Police said at least three people, a man and two women, were killed in the fire-bomb attack."),
        ("The quake struck inland at a depth of just 10 kilometres, 55 kilometres south of Bireun.",
         "The quake struck inland at a depth of just ten kilometres, 55 kilometres south of Bireun."),
        ("An earthquake killed six children when a mosque collapsed in Aceh.", "At least 24 people were killed by the quake in Aceh."),
    ],
)
def test_parts_totals_and_unit_spellings_are_not_disputes(a, b):
    assert all(status != "disputed" for status, _ in _verdicts(a, b))
