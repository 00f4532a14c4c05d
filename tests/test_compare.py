"""Verdicts: agreement across independent sources, single sources, and disputes by slot."""

import pytest

from rashomon.compare import roles_conflict


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
