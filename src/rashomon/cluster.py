"""Streaming story clustering: put each new article into the right story at once, or open a new one.

One story is one real-world event. The design follows Miranda et al. 2018 ("Multilingual
clustering of streaming news"), without the multilingual part:

* every article is turned into four sparse, L2-normalised TF-IDF vectors — surface tokens,
  content lemmas, named entities, and the tokens of its headline and lead (which say which
  event an article is about, where later paragraphs drift into background) — plus the set of
  years it names. IDF comes from `wordfreq`'s background frequencies of
  general English, so weights are fixed at the moment an article arrives and never have to be
  recomputed as the stream grows (a stored centroid stays valid forever);
* a story keeps the running sum of its members' vectors (its centroid) and the squared norm of
  that sum, both updated in O(article length) when a member joins;
* candidates for a new article come from an inverted index over its most specific features
  (rarest entities and keywords). Each posting list keeps only the most recently updated
  stories, so the work per article is bounded by constants, not by the number of stories;
* the decision is a logistic model over the per-space cosines to a candidate's centroid (plus
  the entity overlap, the story size, and whether the years named agree or conflict), with weights and a join threshold fitted by
  `scripts/train_cluster.py` with leave-topics-out cross-validation and shipped in
  `rashomon/data/cluster_params.json`;
* publish dates, when known, shrink the similarity of stories that went quiet long before the
  article (exponential decay after a grace period) and drop them from the candidates past a
  horizon.

The clusterer's whole state is plain data (`to_dict`/`from_dict`), so a store can persist it
between runs and keep adding articles incrementally.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from wordfreq import word_frequency

SPACES = ("tok", "lem", "ent", "lead")
LEAD_WORDS = 40  # content words of the headline and lead: they say which event an article is about
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
# Entity labels that name *what happened to whom, where and when*; counts, amounts and clock
# times repeat across unrelated events and only blur the entity space.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "DATE"}
)
_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]", re.UNICODE)
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")  # years an article names: when its event happened
_MIN_FREQ = 1e-9  # words wordfreq has never seen count as rarer than anything it has


@dataclass
class ClusterItem:
    """What the clusterer needs to know about one article."""

    doc_id: str
    text: str
    published: dt.date | None = None
    entities: list[str] = field(default_factory=list)  # normalised named-entity strings
    lemmas: list[str] = field(default_factory=list)  # content-word lemmas


@dataclass
class ClusterParams:
    """Decision parameters; the shipped values are fitted, not hand-set (see train_cluster.py)."""

    weights: dict[str, float] = field(default_factory=dict)  # feature name -> logistic weight
    bias: float = 0.0
    threshold: float = 0.5  # join the best candidate when P(same story) >= threshold
    idf_floor: float = 4.0  # idf below this (very common words) counts as zero
    query_terms: int = 12  # most specific features of an article used to look up candidates
    posting_cap: int = 64  # stories kept per posting list (most recently updated first)
    max_candidates: int = 12  # candidates scored exactly per article
    grace_days: float = 3.0  # no decay while a story is at most this many days old
    decay_days: float = 30.0  # e-folding time of the similarity after the grace period
    horizon_days: float = 120.0  # stories quiet for longer than this are not candidates
    meta: dict[str, Any] = field(default_factory=dict)  # how the values were obtained

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClusterParams:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@functools.lru_cache(maxsize=1)
def default_params() -> ClusterParams:
    """The calibrated parameters shipped with the package."""
    text = resources.files("rashomon").joinpath("data/cluster_params.json").read_text("utf-8")
    return ClusterParams.from_dict(json.loads(text))


# ---------------------------------------------------------------------------------------------
# Features


def normalise_entity(text: str) -> str:
    """Lower-case an entity string and drop a leading article and possessive ("the U.N.'s")."""
    s = " ".join(text.lower().replace("’", "'").split())
    s = re.sub(r"^(the|a|an) ", "", s)
    s = re.sub(r"\s*'s?$", "", s)
    return s.strip(" .,;:-\"'`")


def item_from_spacy(doc_id: str, text: str, published: dt.date | None, spacy_doc: Any) -> ClusterItem:
    """Build a ClusterItem from a parsed spaCy Doc: content-word lemmas and entity strings."""
    lemmas = [
        t.lemma_.lower()
        for t in spacy_doc
        if t.pos_ in CONTENT_POS and not t.is_stop and (t.is_alpha or t.like_num)
    ]
    entities = [normalise_entity(e.text) for e in spacy_doc.ents if e.label_ in ENTITY_LABELS]
    return ClusterItem(doc_id, text, published, [e for e in entities if e], lemmas)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens without stop words and punctuation."""
    words = (w.lower() for w in _WORD.findall(text))
    return [w for w in words if w not in STOP_WORDS and len(w) > 1]


@functools.lru_cache(maxsize=200_000)
def idf(term: str) -> float:
    """Background inverse frequency of a word or phrase in general English (natural log)."""
    return -math.log(max(word_frequency(term, "en"), _MIN_FREQ))


def tfidf(terms: Iterable[str], floor: float) -> dict[str, float]:
    """Sublinear-tf x background-idf weights, L2-normalised; terms with idf <= floor drop out."""
    counts: dict[str, int] = {}
    for t in terms:
        counts[t] = counts.get(t, 0) + 1
    vec = {}
    for t, n in counts.items():
        w = idf(t) - floor
        if w > 0:
            vec[t] = (1.0 + math.log(n)) * w
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def vectors(item: ClusterItem, params: ClusterParams) -> dict[str, dict[str, float]]:
    """The article's three feature-space vectors."""
    return {
        "tok": tfidf(tokens(item.text), params.idf_floor),
        "lem": tfidf(item.lemmas, params.idf_floor),
        "ent": tfidf(item.entities, params.idf_floor),
        "lead": tfidf(tokens(item.text)[:LEAD_WORDS], params.idf_floor),
        "year": {y: 1.0 for y in _YEAR.findall(item.text)},
    }


# ---------------------------------------------------------------------------------------------
# Stories


@dataclass
class _Story:
    """A story's running centroid: per-space sums of member vectors and their squared norms."""

    id: str
    docs: list[str]
    sums: dict[str, dict[str, float]]
    sq: dict[str, float]  # squared norms of the sums (not kept for "year": a set, not a vector)
    last: str | None = None  # ISO date of the latest dated member


    def cosine(self, space: str, vec: dict[str, float]) -> tuple[float, float]:
        """(cosine to the centroid, raw dot with the sum); the dot is reused by `add`."""
        total = self.sums[space]
        dot = sum(v * total.get(t, 0.0) for t, v in vec.items())
        sq = self.sq[space]
        return (dot / math.sqrt(sq) if sq > 0 else 0.0), dot

    def add(self, doc_id: str, vecs: dict[str, dict[str, float]], dots: dict[str, float]) -> None:
        self.docs.append(doc_id)
        for space, vec in vecs.items():
            total = self.sums[space]
            for t, v in vec.items():
                total[t] = total.get(t, 0.0) + v
            # ||c + d||^2 = ||c||^2 + 2 c.d + ||d||^2, with ||d|| = 1 (or 0 for an empty vector)
            if space in self.sq:
                self.sq[space] += 2.0 * dots.get(space, 0.0) + (1.0 if vec else 0.0)


def _story_dict(story: _Story) -> dict[str, Any]:
    return {"id": story.id, "docs": story.docs, "sums": story.sums, "sq": story.sq, "last": story.last}


def features(story: _Story, vecs: dict[str, dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    """Decision features of (article, story) and the raw dots `_Story.add` needs."""
    feats: dict[str, float] = {}
    dots: dict[str, float] = {}
    for space in SPACES:
        feats[f"cos_{space}"], dots[space] = story.cosine(space, vecs[space])
    ents = vecs["ent"]
    feats["ent_overlap"] = sum(v * v for t, v in ents.items() if t in story.sums["ent"])
    years, story_years = vecs["year"], story.sums["year"]
    shared = sum(1 for y in years if y in story_years)
    feats["year_match"] = 1.0 if shared else 0.0
    feats["year_conflict"] = 1.0 if years and story_years and not shared else 0.0
    feats["log_size"] = math.log(len(story.docs))
    return feats, dots


def _days_between(a: str | None, b: dt.date | None) -> float | None:
    if a is None or b is None:
        return None
    return abs((b - dt.date.fromisoformat(a)).days)


class StoryClusterer:
    """Online single-pass clusterer: `add` one article, get its story id back at once."""

    def __init__(self, params: ClusterParams | None = None) -> None:
        self.params = params or default_params()
        self._stories: dict[str, _Story] = {}
        self._postings: dict[str, OrderedDict[str, None]] = {}
        self._assignment: dict[str, str] = {}
        self._next = 0

    # -- public API ---------------------------------------------------------------------------

    def add(self, item: ClusterItem) -> str:
        """Assign `item` to the best story, or open a new one; returns the story id."""
        if item.doc_id in self._assignment:
            return self._assignment[item.doc_id]
        vecs = vectors(item, self.params)
        best, best_p, best_dots = None, -1.0, {}
        for story in self._candidates(vecs, item.published):
            feats, dots = features(story, vecs)
            p = self.probability(feats, self._decay(story, item.published))
            if p > best_p:
                best, best_p, best_dots = story, p, dots
        if best is None or best_p < self.params.threshold:
            best = _Story(f"s{self._next}", [], {s: {} for s in (*SPACES, "year")}, {s: 0.0 for s in SPACES})
            self._next += 1
            self._stories[best.id] = best
            best_dots = {}
        best.add(item.doc_id, vecs, best_dots)
        if item.published and (best.last is None or item.published.isoformat() > best.last):
            best.last = item.published.isoformat()
        self._assignment[item.doc_id] = best.id
        self._index(best.id, vecs)
        return best.id

    def stories(self) -> list[list[str]]:
        """Doc ids per story, in the order the stories were opened."""
        return [list(s.docs) for s in self._stories.values()]

    def story_of(self, doc_id: str) -> str:
        return self._assignment[doc_id]

    def probability(self, feats: dict[str, float], decay: float = 1.0) -> float:
        """P(article belongs to story) from the logistic model; decay scales the similarities."""
        w = self.params.weights
        z = self.params.bias
        for name, value in feats.items():
            z += w.get(name, 0.0) * (value * decay if name != "log_size" else value)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def candidate_features(self, item: ClusterItem) -> list[tuple[str, dict[str, float]]]:
        """(story id, features) for every candidate of `item`, without adding it (for training)."""
        vecs = vectors(item, self.params)
        return [(s.id, features(s, vecs)[0]) for s in self._candidates(vecs, item.published)]

    def force(self, item: ClusterItem, story_id: str | None) -> str:
        """Put `item` into a given story (None: a new one); lets training replay gold clusters."""
        vecs = vectors(item, self.params)
        story = self._stories.get(story_id) if story_id else None
        if story is None:
            story = _Story(story_id or f"s{self._next}", [], {s: {} for s in (*SPACES, "year")}, {s: 0.0 for s in SPACES})
            self._next += 1
            self._stories[story.id] = story
        dots = {space: story.cosine(space, vecs[space])[1] for space in SPACES}
        story.add(item.doc_id, vecs, dots)
        self._assignment[item.doc_id] = story.id
        self._index(story.id, vecs)
        return story.id

    # -- persistence --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": self.params.to_dict(),
            "next": self._next,
            "stories": [_story_dict(s) for s in self._stories.values()],
            "postings": {t: list(p) for t, p in self._postings.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryClusterer:
        self = cls(ClusterParams.from_dict(data["params"]))
        self._next = data["next"]
        for s in data["stories"]:
            story = _Story(**s)
            self._stories[story.id] = story
            for d in story.docs:
                self._assignment[d] = story.id
        self._postings = {t: OrderedDict.fromkeys(ids) for t, ids in data["postings"].items()}
        return self

    # -- internals ----------------------------------------------------------------------------

    def _keys(self, vecs: dict[str, dict[str, float]]) -> list[str]:
        """The article's most specific features, namespaced by space: its index keys."""
        n = self.params.query_terms
        keys = []
        for space in ("ent", "lem"):
            top = sorted(vecs[space].items(), key=lambda kv: -kv[1])[:n]
            keys.extend(f"{space}:{t}" for t, _ in top)
        return keys

    def _index(self, story_id: str, vecs: dict[str, dict[str, float]]) -> None:
        cap = self.params.posting_cap
        for key in self._keys(vecs):
            posting = self._postings.setdefault(key, OrderedDict())
            posting.pop(story_id, None)
            posting[story_id] = None  # most recently updated story last
            while len(posting) > cap:
                posting.popitem(last=False)

    def _candidates(self, vecs: dict[str, dict[str, float]], published: dt.date | None) -> list[_Story]:
        hits: dict[str, int] = {}
        for key in self._keys(vecs):
            for sid in self._postings.get(key, ()):
                hits[sid] = hits.get(sid, 0) + 1
        ranked = sorted(hits, key=lambda sid: -hits[sid])[: self.params.max_candidates]
        out = []
        for sid in ranked:
            story = self._stories[sid]
            age = _days_between(story.last, published)
            if age is None or age <= self.params.horizon_days:
                out.append(story)
        return out

    def _decay(self, story: _Story, published: dt.date | None) -> float:
        age = _days_between(story.last, published)
        if age is None or age <= self.params.grace_days:
            return 1.0
        return math.exp(-(age - self.params.grace_days) / self.params.decay_days)


def cluster_items(items: Sequence[ClusterItem], params: ClusterParams | None = None) -> list[list[str]]:
    """Batch clustering = the stream replayed in publish-date order (undated articles last)."""
    clusterer = StoryClusterer(params)
    order = sorted(
        range(len(items)),
        key=lambda i: (items[i].published is None, items[i].published or dt.date.min, i),
    )
    for i in order:
        clusterer.add(items[i])
    return clusterer.stories()
