"""Story clustering: one story per real-world event, decided as each article arrives."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import Counter
from pathlib import Path

import pytest
from wordfreq import word_frequency

from rashomon import nlp
from rashomon.cluster import (
    ClusterItem,
    StoryClusterer,
    cluster_items,
    default_params,
    idf,
    item_from_spacy,
    person_key,
    specific_number,
)

REPO = Path(__file__).resolve().parents[1]
ECB = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ecbplus" / "docs.json"
TOPICS = ("1", "4", "13")  # rehab check-ins, a death of a celebrity, a church fire


@pytest.fixture(scope="module")
def ecb_items() -> tuple[list[ClusterItem], dict[str, str]]:
    if not ECB.exists():
        pytest.skip("shared ECB+ bench data not available")
    docs = [d for d in json.loads(ECB.read_text("utf-8")) if d["topic"] in TOPICS]
    parsed = nlp.parse_many(d["text"] for d in docs)
    items = [item_from_spacy(d["doc_id"], d["text"], None, p) for d, p in zip(docs, parsed)]
    return items, {d["doc_id"]: d["subtopic"] for d in docs}


def example_items() -> list[ClusterItem]:
    paths = sorted((REPO / "examples").glob("*.txt"))
    texts = [p.read_text("utf-8") for p in paths]
    dates = [dt.date(2013, 8, 29), dt.date(2013, 8, 28)]
    return [item_from_spacy(p.stem, t, d, s) for p, t, d, s in zip(paths, texts, dates, nlp.parse_many(texts))]


def purity_and_completeness(stories: list[list[str]], gold: dict[str, str]) -> tuple[float, float]:
    """Share of documents in a story whose majority is their event; share in their event's main story."""
    pure = sum(Counter(gold[d] for d in s).most_common(1)[0][1] for s in stories) / len(gold)
    largest: Counter[str] = Counter()
    for s in stories:
        g, n = Counter(gold[d] for d in s).most_common(1)[0]
        largest[g] = max(largest[g], n)
    return pure, sum(largest.values()) / len(gold)


def test_item_from_spacy_keeps_content_lemmas_and_names() -> None:
    item = example_items()[0]
    assert "jilani" in item.entities, "Jalil Abbas Jilani, Mr Jilani: one person, by surname"
    assert "dialogue" in item.lemmas and "the" not in item.lemmas


LARUE = """http : / / www . upi . com / Top _ News / 2004 / 07 / 28 / Fred - LaRue - top - Nixon - aide - dies - at - 75 /
Fred LaRue , top Nixon aide , dies at 75
Published : July 28 , 2004 at 1 : 24 PM
Fred LaRue , a Watergate figure who delivered hush money to the burglars , was found dead in a Biloxi hotel room . He was 75 .
"""


def test_item_speaks_from_its_date_and_keeps_what_tells_events_apart() -> None:
    item = item_from_spacy("larue", LARUE, None, nlp.parse(LARUE))
    assert item.event_date == dt.date(2004, 7, 28), "the date line, not the URL, anchors the article"
    assert "75" in item.numbers and "2004" not in item.numbers, "the age counts, the year is compared apart"
    assert "larue" in item.entities, "a person is known by the surname"
    assert "die" in item.verbs or "find" in item.verbs
    assert not any("upi" in e or "http" in e for e in item.entities + item.lemmas), "the URL line is not prose"


def test_people_and_numbers_are_normalised() -> None:
    assert person_key("w. mark felt") == "felt" == person_key("mark felt")
    assert person_key("martin luther king jr.") == "king"
    assert specific_number("5.6") == "5.6" and specific_number("1,200") == "1200"
    assert specific_number("3") is None and specific_number("2008") is None


def test_two_outlets_reporting_one_event_land_in_one_story() -> None:
    assert len(cluster_items(example_items())) == 1


def test_two_events_of_the_same_kind_become_two_stories(ecb_items) -> None:
    items, gold = ecb_items
    order = items[:]
    random.Random(3).shuffle(order)
    clusterer = StoryClusterer()
    for item in order:
        clusterer.add(item)
    stories = clusterer.stories()
    assert all(len({gold[d].split("_")[0] for d in s}) == 1 for s in stories), "no story mixes two topics"
    pure, complete = purity_and_completeness(stories, gold)
    assert pure >= 0.95, "the two events of a topic stay apart"
    assert complete >= 0.8, "most of each event's reports end up in its main story"


def test_state_survives_a_round_trip_through_json(ecb_items) -> None:
    items, _ = ecb_items
    whole = StoryClusterer()
    for item in items:
        whole.add(item)
    first = StoryClusterer()
    for item in items[:30]:
        first.add(item)
    resumed = StoryClusterer.from_dict(json.loads(json.dumps(first.to_dict())))
    for item in items[30:]:
        resumed.add(item)
    assert resumed.stories() == whole.stories()


def test_adding_an_article_twice_does_not_duplicate_it(ecb_items) -> None:
    items, _ = ecb_items
    clusterer = StoryClusterer()
    first = clusterer.add(items[0])
    assert clusterer.add(items[0]) == first
    assert clusterer.stories() == [[items[0].doc_id]]


def test_candidates_come_from_the_index_not_from_every_story(ecb_items) -> None:
    items, _ = ecb_items
    clusterer = StoryClusterer()
    for item in items:
        assert len(clusterer.candidate_features(item)) <= clusterer.params.max_candidates
        clusterer.add(item)


def test_stories_quiet_for_longer_than_the_horizon_are_not_joined() -> None:
    a, b = example_items()
    late = ClusterItem(b.doc_id, b.text, a.published + dt.timedelta(days=400), b.entities, b.lemmas)
    assert len(cluster_items([a, late])) == 2


def test_old_stories_past_the_horizon_do_not_crowd_out_this_weeks_story() -> None:
    """A store keeps every story, so old stories sharing an article's words stay in the index.
    They must not take the candidate slots: the seed reports of 2013, re-published four years
    later, join each other although the 2013 story ranks first by shared words."""
    import dataclasses

    a, b = example_items()
    params = dataclasses.replace(default_params(), max_candidates=1)
    clusterer = StoryClusterer(params)
    old = clusterer.add(a)
    later = a.published + dt.timedelta(days=4 * 365)

    def republished(item: ClusterItem, doc_id: str, day: dt.date) -> ClusterItem:
        return dataclasses.replace(item, doc_id=doc_id, published=day, event_date=None)

    first = clusterer.add(republished(a, "again-a", later))
    second = clusterer.add(republished(b, "again-b", later + dt.timedelta(days=1)))
    assert first != old
    assert second == first


def test_shipped_parameters_record_how_they_were_fitted() -> None:
    params = default_params()
    assert params.weights and 0 < params.threshold < 1
    assert len(params.meta["cv_folds"]) >= 3


def test_a_retired_story_leaves_the_index_and_frees_its_documents(ecb_items) -> None:
    items, gold = ecb_items
    clusterer = StoryClusterer()
    for item in items:
        clusterer.add(item)
    story_id = clusterer.story_of(items[0].doc_id)
    members = next(s for s in clusterer.stories() if items[0].doc_id in s)
    assert clusterer.retire(story_id) == members
    assert members not in clusterer.stories()
    assert all(story_id not in posting for posting in clusterer._postings.values()), "no index entry left"
    assert all(posting for posting in clusterer._postings.values()), "emptied posting lists are dropped"
    assert story_id not in {sid for sid, _ in clusterer.candidate_features(items[0])}
    assert clusterer.add(items[0]) != story_id, "a retired story can receive no further article"
    assert clusterer.retire("no-such-story") == []


def test_retiring_every_story_leaves_an_empty_clusterer(ecb_items) -> None:
    items, _ = ecb_items
    clusterer = StoryClusterer()
    for item in items[:40]:
        clusterer.add(item)
    for sid in list(clusterer._stories):
        clusterer.retire(sid)
    assert clusterer.stories() == [] and clusterer.to_dict()["postings"] == {}


def test_background_idf_of_a_plain_word_is_wordfreqs() -> None:
    for word in ("earthquake", "the", "klitschko", "qeshm", "zzzqxv", "o'brien", "4.4", "deep throat"):
        assert idf(word) == -math.log(max(word_frequency(word, "en"), 1e-9)), word
