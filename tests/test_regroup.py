"""Second thoughts of the story clusterer: a story that turns out to hold two events is split, two
stories that turn out to be one event are merged, and every such move is reported once, in order.

The pure rule (regroup.py) is specified on probability matrices whose shape is the point; the
clusterer's behaviour on real news: two ECB+ topics (tests/data/ecbplus_subset.json, CC-BY 3.0),
each two events of one kind — Wladimir Klitschko's title defences against Hasim Rahman (2008,
`7_ecb`) and against Tony Thompson (2012, `7_ecbplus`), and two Waitrose supermarket fires
(`14_ecb`, `14_ecbplus`). Stream orders are seeded shuffles, picked because the behaviour under
test happens in them; every test asserts that it does, and then what it did.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from rashomon import regroup
from rashomon.cluster import ClusterItem, ClusterParams, StoryClusterer, StoryMove, default_params

SUBSET = Path(__file__).parent / "data" / "ecbplus_subset.json"
TAU = 0.6


def params(split: bool = True, merge: bool = True) -> ClusterParams:
    extra = {"split_tau": TAU if split else None}
    extra.update({"merge_bridge": 0.7, "merge_centroid": 0.9} if merge else {"merge_bridge": None, "merge_centroid": None})
    return ClusterParams.from_dict({**default_params().to_dict(), **extra})


@pytest.fixture(scope="module")
def subset() -> tuple[list[ClusterItem], dict[str, str]]:
    """The subset's articles as the clusterer sees them (undated, as ECB+ is), and the gold event
    (ECB+ subtopic) of each."""
    from rashomon import nlp
    from rashomon.cluster import item_from_spacy

    docs = json.loads(SUBSET.read_text("utf-8"))
    parsed = nlp.parse_many(d["text"] for d in docs)
    items = [item_from_spacy(d["doc_id"], d["text"], None, p) for d, p in zip(docs, parsed)]
    return items, {d["doc_id"]: d["subtopic"] for d in docs}


def order(items: list[ClusterItem], seed: int, topic: str | None = None) -> list[ClusterItem]:
    chosen = [i for i in items if topic is None or i.doc_id.split("_")[0] == topic]
    random.Random(seed).shuffle(chosen)
    return chosen


def by_story(clusterer: StoryClusterer, docs) -> dict[str, set[str]]:
    """The clusterer's current grouping of `docs`, by story id."""
    out: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        out[clusterer.story_of(d)].add(d)
    return dict(out)


# -- the rule, on matrices ---------------------------------------------------------------------


def blocks(groups: list[list[int]], within: list[float], cross: float, n: int) -> np.ndarray:
    """P with the given within-group probabilities and one cross-group probability."""
    P = np.full((n, n), cross)
    for members, p in zip(groups, within):
        for i in members:
            for j in members:
                P[i, j] = p
    np.fill_diagonal(P, 1.0)
    return P


def test_two_clearly_separate_groups_are_found_and_split():
    """Members 0, 2, 4 agree with each other and so do 1, 3, 5; across, they do not. The two
    groups are found wherever the members sit, and the founding member's group stays."""
    members = ["a", "b", "c", "d", "e", "f"]
    P = blocks([[0, 2, 4], [1, 3, 5]], [0.9, 0.7], 0.05, 6)
    assert regroup.split(members, P, TAU) == (["a", "c", "e"], ["b", "d", "f"])
    P = blocks([[1, 3, 5], [0, 2, 4]], [0.9, 0.7], 0.05, 6)  # the founder is in the looser group
    assert regroup.split(members, P, TAU) == (["a", "c", "e"], ["b", "d", "f"])


def test_a_loose_story_is_not_split():
    """All members score low with each other (a loose story, say reports from several angles):
    the dendrogram still proposes two groups, and the cross-group mean is low in absolute terms,
    but it is no lower than the members' mean within each group: loose is not two events."""
    rng = np.random.default_rng(0)
    n = 8
    P = rng.uniform(0.1, 0.3, (n, n))
    P = (P + P.T) / 2
    np.fill_diagonal(P, 1.0)
    first = regroup.two_groups(P)
    assert first is not None  # a partition is proposed ...
    assert not regroup.clearly_two(P, first, TAU)  # ... and rejected
    assert regroup.split(list("abcdefgh"), P, TAU) is None
    tight = P.copy()  # the same cross-group probabilities between two tight groups: two events
    tight[np.ix_(first, first)] = tight[np.ix_(~first, ~first)] = 0.9
    np.fill_diagonal(tight, 1.0)
    assert regroup.clearly_two(tight, first, TAU)


def test_the_ratio_is_against_the_looser_group():
    """A tight group and a loose one: cross-group probability well below the tight group's mean
    but not below tau times the loose group's is not two events."""
    P = blocks([[0, 1, 2], [3, 4, 5]], [0.95, 0.3], 0.25, 6)
    assert regroup.split(list("abcdef"), P, TAU) is None
    P = blocks([[0, 1, 2], [3, 4, 5]], [0.95, 0.5], 0.25, 6)  # 0.25 < 0.6 x 0.5
    assert regroup.split(list("abcdef"), P, TAU) == (["a", "b", "c"], ["d", "e", "f"])


def test_a_single_odd_member_is_not_split_off():
    """Five members agree, one agrees with none of them: the top merge of the dendrogram is that
    one member against the rest, and one article is left where the join put it."""
    P = blocks([[0, 1, 2, 4, 5]], [0.9], 0.9, 6)
    P[3, :] = P[:, 3] = 0.02
    P[3, 3] = 1.0
    assert regroup.two_groups(P) is None
    assert regroup.split(list("abcdef"), P, TAU) is None


def test_pairwise_probabilities_of_real_reports_tell_the_two_fights_apart(subset):
    """On real text the pairwise P is the join model's own: three reports of each Klitschko fight
    form two groups, split along the events."""
    items, event = subset
    rahman = [i for i in items if event[i.doc_id] == "7_ecb"][:3]
    thompson = [i for i in items if event[i.doc_id] == "7_ecbplus"][:3]
    members = [rahman[0].doc_id, thompson[0].doc_id, rahman[1].doc_id, thompson[1].doc_id, rahman[2].doc_id, thompson[2].doc_id]
    by_id = {i.doc_id: i for i in rahman + thompson}
    P = StoryClusterer(params())._pair_matrix(members, by_id)
    kept, leaving = regroup.split(members, P, TAU)
    assert {event[d] for d in kept} == {"7_ecb"} and {event[d] for d in leaving} == {"7_ecbplus"}


# -- the clusterer, on real news -----------------------------------------------------------------


def moves_of(stream: list[ClusterItem], kind: str) -> tuple[StoryClusterer, list[tuple[int, StoryMove, dict[str, set[str]]]]]:
    """Stream the articles with regrouping on; every move of `kind` as (index of the article
    that made it, the move, the grouping of the earlier articles just before it)."""
    clusterer = StoryClusterer(params())
    found = []
    for n, item in enumerate(stream):
        before = by_story(clusterer, [i.doc_id for i in stream[:n]])
        clusterer.add(item)
        found += [(n, move, before) for move in clusterer.drain_moves() if move.kind == kind]
    return clusterer, found


def test_a_young_story_that_mixes_two_fights_is_split_once_it_grows(subset):
    """Early on a Rahman-fight story takes in Thompson-fight reports (one boxer, one kind of
    event, little text to go on). When it reaches the first `split_at` size its members show two
    groups: the reports of the other fight leave for a new story, the founding report's stay."""
    items, event = subset
    stream = order(items, 10, topic="7")
    clusterer, splits = moves_of(stream, "split")
    assert splits, "the order no longer makes a split"
    n, move, before = splits[0]
    mixed = before.get(move.source, set()) | {stream[n].doc_id}
    founder = next(i.doc_id for i in stream if i.doc_id in mixed)
    assert len({event[d] for d in mixed}) == 2  # the story held both fights
    assert {event[d] for d in move.docs} == {event[d] for d in mixed} - {event[founder]}  # the other fight left
    kept = mixed - set(move.docs)
    assert founder in kept and {event[d] for d in kept} == {event[founder]}
    assert {clusterer.story_of(d) for d in move.docs} == {move.target} != {clusterer.story_of(founder)}

    unsplit = StoryClusterer(params(split=False))  # without splits the same articles stay mixed
    for item in stream[: n + 1]:
        unsplit.add(item)
    assert {unsplit.story_of(d) for d in mixed} == {unsplit.story_of(founder)}


def test_an_article_that_bridges_two_stories_of_one_fight_merges_them(subset):
    """A Rahman-fight report opened a story of its own; a later report of that fight joins the
    main Rahman story and is close to the lone one too, and the lone story's centroid joins the
    main one: the smaller story is folded into the larger and its id is gone."""
    items, event = subset
    stream = order(items, 10, topic="7")
    clusterer, merges = moves_of(stream, "merge")
    assert merges, "the order no longer makes a merge"
    n, move, before = merges[0]
    bridge = stream[n].doc_id
    assert set(move.docs) == before[move.source]  # the whole story moved ...
    assert len(before[move.source]) <= len(before[move.target])  # ... the smaller into the larger
    one_event = {event[d] for d in before[move.source] | before[move.target] | {bridge}}
    assert len(one_event) == 1  # the two stories and the bridge are one fight
    assert {clusterer.story_of(d) for d in move.docs} == {move.target}
    assert move.source not in {clusterer.story_of(i.doc_id) for i in stream}  # the id is gone

    apart = StoryClusterer(params(merge=False))  # without merges they stay apart
    for item in stream[: n + 1]:
        apart.add(item)
    assert len({apart.story_of(d) for d in before[move.source] | before[move.target]}) == 2


def test_moves_are_reported_once_and_in_order(subset):
    """Replaying each add's moves, in the order drained, on a copy of the grouping gives the
    clusterer's grouping after every article (the added article goes to the story `add`
    returns). A merge's source must exist and move whole; a split's target must be new. A move
    reported twice, lost or out of order breaks the replay."""
    items, _ = subset
    stream = order(items, 10)
    clusterer = StoryClusterer(params())
    mirror: dict[str, set[str]] = {}
    kinds, most = [], 0
    for n, item in enumerate(stream):
        story_id = clusterer.add(item)
        moves = clusterer.drain_moves()
        assert clusterer.drain_moves() == []  # drained once
        most = max(most, len(moves))
        new = item.doc_id
        for move in moves:
            kinds.append(move.kind)
            docs = set(move.docs) - {new}
            if move.kind == "merge":
                assert mirror.pop(move.source, set()) == docs
                mirror.setdefault(move.target, set()).update(docs)
            else:
                assert move.target not in mirror and docs <= mirror[move.source]
                mirror[move.source] -= docs
                mirror[move.target] = docs
        mirror.setdefault(story_id, set()).add(new)
        mirror = {sid: docs for sid, docs in mirror.items() if docs}
        assert mirror == by_story(clusterer, [i.doc_id for i in stream[: n + 1]])
    assert "split" in kinds and "merge" in kinds
    assert most >= 2  # one article made more than one move, replayed in the order drained


def test_a_saved_state_decides_the_rest_of_the_stream_as_the_uninterrupted_clusterer(subset):
    """Save mid-stream (to JSON and back), go on: the same story for every later article and the
    same moves, splits and merges included. The members' items in the state are what later split
    checks read: without them those checks are skipped and the stream goes differently."""
    items, _ = subset
    stream = order(items, 10)
    cut = len(stream) // 2

    def rest(clusterer):
        out = []
        for item in stream[cut:]:
            out.append((clusterer.add(item), clusterer.drain_moves()))
        return out, clusterer.stories()

    first = StoryClusterer(params())
    for item in stream[:cut]:
        first.add(item)
    first.drain_moves()
    state = json.loads(json.dumps(first.to_dict()))
    assert {i["doc_id"] for i in state["items"]} == {i.doc_id for i in stream[:cut]}

    uninterrupted = rest(first)
    assert {m.kind for _, moves in uninterrupted[0] for m in moves} == {"split", "merge"}
    assert rest(StoryClusterer.from_dict(state)) == uninterrupted
    assert rest(StoryClusterer.from_dict({**state, "items": []})) != uninterrupted


def test_retire_forgets_the_members_items(subset):
    items, _ = subset
    stream = order(items, 10, topic="7")
    clusterer = StoryClusterer(params())
    for item in stream:
        clusterer.add(item)
    story_id = clusterer.story_of(stream[0].doc_id)
    members = set(by_story(clusterer, [i.doc_id for i in stream])[story_id])
    kept = {i["doc_id"] for i in clusterer.to_dict()["items"]}
    assert members <= kept  # held while the story may still be checked for a split

    assert set(clusterer.retire(story_id)) == members
    left = {i["doc_id"] for i in clusterer.to_dict()["items"]}
    assert left == kept - members  # the others' items stay
    assert all(d not in clusterer._pairs for d in members)
    with pytest.raises(KeyError):
        clusterer.story_of(stream[0].doc_id)
    assert clusterer.retire(story_id) == []
