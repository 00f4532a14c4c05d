"""A stream follows the clusterer's second thoughts: when a story splits or two stories merge,
the stream's open stories move with them, so each finished story holds exactly the clusterer's
members and no article is lost or handed on twice.

Real text: two ECB+ topics (tests/data/ecbplus_subset.json), each two events of one kind —
Wladimir Klitschko's title defences against Hasim Rahman (2008) and Tony Thompson (2012), and
the Waitrose supermarket fires in Banstead and in Wellington. The stream orders are seeded
shuffles picked because the clusterer splits and merges stories in them (each test asserts
that it does, so a change in the model that stops exercising them fails here, not silently).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from rashomon.cluster import ClusterParams, StoryClusterer, default_params
from rashomon.model import Document
from rashomon.pipeline import DocumentLayers

SUBSET = Path(__file__).parent / "data" / "ecbplus_subset.json"


def regrouping() -> ClusterParams:
    return ClusterParams.from_dict(
        {**default_params().to_dict(), "split_tau": 0.6, "merge_bridge": 0.7, "merge_centroid": 0.9}
    )


@pytest.fixture(scope="module")
def layers() -> list[DocumentLayers]:
    """The subset's documents through the per-document half of the pipeline. Publish dates are
    those read from the text (ECB+ has no metadata): the 2012 and 2013 events have them, the
    others none."""
    from rashomon import nlp
    from rashomon.pipeline import analyse_document

    docs = json.loads(SUBSET.read_text("utf-8"))
    parsed = nlp.parse_many(d["text"] for d in docs)
    return [analyse_document(Document(id=d["doc_id"], path=d["doc_id"], text=d["text"]), p) for d, p in zip(docs, parsed)]


def undated(layer: DocumentLayers) -> DocumentLayers:
    return dataclasses.replace(layer, cluster_item=dataclasses.replace(layer.cluster_item, published=None))


def shuffled(layers: list[DocumentLayers], seed: int) -> list[DocumentLayers]:
    out = list(layers)
    random.Random(seed).shuffle(out)
    return out


def alone(order: list[DocumentLayers]) -> tuple[list[list[str]], Counter]:
    """The clusterer run alone on the same items in the same order: its stories (nothing
    retired) and how many moves of each kind it made."""
    clusterer = StoryClusterer(regrouping())
    kinds: Counter = Counter()
    for layer in order:
        clusterer.add(layer.cluster_item)
        kinds.update(m.kind for m in clusterer.drain_moves())
    return clusterer.stories(), kinds


def spy_retire(stream) -> list[list[str]]:
    """Record what the stream's clusterer returns from each `retire`."""
    retired: list[list[str]] = []
    retire = stream.clusterer.retire

    def recording(story_id: str) -> list[str]:
        members = retire(story_id)
        retired.append(members)
        return members

    stream.clusterer.retire = recording
    return retired


def groups(finished) -> list[list[str]]:
    return sorted(sorted(d.id for d in f.documents) for f in finished)


def test_finished_stories_are_the_clusterers_stories_after_splits_and_merges(layers):
    """No article carries a date, so nothing is finished before the end; the stories the stream
    hands on are then exactly the clusterer's own, splits and merges included."""
    from rashomon.stream import StoryStream

    order = [undated(l) for l in shuffled(layers, 0)]
    reference, kinds = alone(order)
    assert kinds["split"] >= 1 and kinds["merge"] >= 1  # the order exercises both

    stream = StoryStream(regrouping())
    retired = spy_retire(stream)
    for layer in order:
        assert stream.add(layer) == []
    finished = stream.close()

    assert groups(finished) == sorted(sorted(g) for g in reference)
    ids = [d.id for f in finished for d in f.documents]
    assert sorted(ids) == sorted(l.document.id for l in layers)  # each document once, none lost
    assert sorted(map(sorted, retired)) == groups(finished)  # what the clusterer held, story by story
    for f in finished:
        assert set(f.story.documents) == {d.id for d in f.documents}
    assert stream.clusterer.stories() == [] and stream.open == {} and stream.last == {}


def test_open_stories_mirror_the_clusterer_after_every_article(layers):
    """With the publish dates read from the text and a shuffled feed, stories are split, merged
    and finished along the way. After every article each open story holds exactly the articles
    the clusterer assigns to it, and its newest date is the newest among those articles."""
    from rashomon.stream import StoryStream

    order = shuffled(layers, 0)
    _, kinds = alone(order)
    assert kinds["split"] >= 1 and kinds["merge"] >= 1

    stream = StoryStream(regrouping())
    retired = spy_retire(stream)
    finished, early = [], 0
    for layer in order:
        out = stream.add(layer)
        early += len(out)
        finished += out
        held = {l.cluster_item.doc_id: sid for sid, ls in stream.open.items() for l in ls}
        assert sum(len(ls) for ls in stream.open.values()) == len(held)  # no article twice
        assert all(stream.clusterer.story_of(doc) == sid for doc, sid in held.items())
        assert len(held) == sum(len(s) for s in stream.clusterer.stories())  # and none missing
        for sid, ls in stream.open.items():
            dates = [l.cluster_item.published for l in ls if l.cluster_item.published]
            assert stream.last[sid] == max(dates, default=None)
    finished += stream.close()

    assert early >= 1  # some stories were finished before the end of the stream
    assert sorted(d.id for f in finished for d in f.documents) == sorted(l.document.id for l in layers)
    assert sorted(map(sorted, retired)) == groups(finished)


def test_a_part_split_off_long_ago_is_finished_at_once(layers, monkeypatch):
    """Undated stories are finished after a number of arrivals with no new article. After a
    split each part counts from its own newest article, not from the arrival that split it: in
    this order the Rahman-fight reports, split from a story they shared with Thompson-fight
    reports, have been quiet for longer than that, so they are handed on in the same step. Every
    article still comes out exactly once, in a story that is exactly what the clusterer held."""
    from rashomon import stream as stream_module
    from rashomon.stream import StoryStream

    quiet_after = 6
    monkeypatch.setattr(stream_module, "UNDATED_QUIET_ARRIVALS", quiet_after)
    order = [undated(l) for l in shuffled(layers, 3)]
    stream = StoryStream(regrouping())
    retired = spy_retire(stream)
    moves = []
    drain = stream.clusterer.drain_moves

    def recording():
        out = drain()
        moves.extend(out)
        return out

    stream.clusterer.drain_moves = recording
    arrival, finished, split_and_finished = {}, [], []
    for n, layer in enumerate(order, start=1):
        arrival[layer.cluster_item.doc_id] = n
        before = len(moves)
        out = stream.add(layer)
        finished += out
        split = {d for m in moves[before:] if m.kind == "split" for d in m.docs}
        for f in out:
            gap = n - max(arrival[d.id] for d in f.documents)
            assert gap >= quiet_after  # never before it is quiet ...
            if gap > quiet_after:  # ... and later only when a split has just made it so
                assert split, "finished later than quiet without a split in this step"
                split_and_finished.append(sorted(d.id for d in f.documents))
        for ls in stream.open.values():  # ... so whatever is still open is recent
            assert max(arrival[l.cluster_item.doc_id] for l in ls) > n - quiet_after
    finished += stream.close()

    assert {m.kind for m in moves} == {"split", "merge"}
    assert split_and_finished and all(doc.endswith("ecb.xml") and doc.startswith("7_") for doc in split_and_finished[0])
    assert sorted(d.id for f in finished for d in f.documents) == sorted(l.document.id for l in layers)
    assert sorted(map(sorted, retired)) == groups(finished)
