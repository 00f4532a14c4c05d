"""Events: who did what to whom, with the date the sentence speaks of and cancellations kept apart."""

import datetime as dt

from rashomon import nlp
from rashomon.entities import find_mentions
from rashomon.events import find_events, home_country, merge_events
from rashomon.timex import find_dates


def _events(text, dateline=None, published=dt.date(2013, 8, 29), doc_id="d"):
    parsed = nlp.parse(text)
    return find_events(parsed, doc_id, find_mentions(parsed, doc_id), find_dates(text, doc_id, published),
                       home_country(dateline))


def _codes(events):
    return {(e.source_actor, e.action, e.mode, e.target_actor, e.date, e.negated) for e in events}


def test_state_visit_coded_with_actor_sector_and_date():
    found = _events("In February 2003 President Musharraf visited Russia.", dateline="ISLAMABAD")
    assert ("PAK GOV", "CONSULT", "visit", "RUS", "2003-02", False) in _codes(found)


def test_here_is_the_dateline_country():
    found = _events("The Russian Air chief visited here earlier this month.", dateline="ISLAMABAD")
    assert ("RUS MIL", "CONSULT", "visit", "PAK", "2013-08", False) in _codes(found)


def test_a_cancelled_visit_is_negated():
    found = _events("Russian President Vladimir Putin was to visit Pakistan last September, "
                    "but cancelled the trip at the eleventh hour.")
    assert ("RUS GOV", "CONSULT", "visit", "PAK", "2012-09", True) in _codes(found)


def test_support_for_a_bid_targets_the_bidder():
    found = _events("In June 2005 Pakistan supported Russia's bid for observer status in the OIC.")
    assert ("PAK", "SUPPORT", None, "RUS", "2005-06", False) in _codes(found)


def test_talks_between_two_countries():
    found = _events("Jilani was in Moscow on Wednesday for the first strategic dialogue between Russia and Pakistan.")
    assert any(e.action == "CONSULT" and e.mode == "talks" and {e.source_actor, e.target_actor} == {"RUS", "PAK"}
               and e.date == "2013-08-28" for e in found)


def test_undated_sentences_get_no_date_rather_than_the_publish_date():
    found = _events("Pakistan has ongoing defence cooperation with Russia.")
    assert found and all(e.date is None for e in found)


def test_same_event_from_two_sources_is_merged_and_corroborated():
    a = _events("Army Chief Gen Kayani visited Russia last year.", dateline="ISLAMABAD", doc_id="a")
    b = _events("Pakistan's army chief Gen Ashfaq Kiyani visited Moscow last year.", dateline="ISLAMABAD", doc_id="b")
    merged = merge_events(a + b, {"a": 0, "b": 1})
    visit = [e for e in merged if e.mode == "visit"]
    assert len(visit) == 1
    assert visit[0].status == "corroborated" and sorted(visit[0].documents) == ["a", "b"]
