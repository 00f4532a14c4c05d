"""Streaming story clustering: put each new article into the right story at once, or open a new one.

One story is one real-world event. The design follows Miranda et al. 2018 ("Multilingual
clustering of streaming news"), without the multilingual part:

* every article is turned into sparse, L2-normalised TF-IDF vectors — surface tokens, content
  lemmas, named entities, the tokens of its headline and lead (which say which event an article
  is about, where later paragraphs drift into background), its verb lemmas (what happened: a
  coach *fired* is not a coach *hired*) and its specific numbers (magnitudes, tolls, ages) — plus
  the years it names and the date it speaks from. IDF comes from `wordfreq`'s background
  frequencies of general English, so weights are fixed at the moment an article arrives and
  never have to be recomputed as the stream grows (a stored centroid stays valid forever);
* plus one dense vector: the sentence embedding of its headline and lead (`rashomon.embed`, a
  static model2vec distillation of all-MiniLM-L6-v2 shipped in the package, well under a
  millisecond per article). Words tell the event's names; the embedding tells what happened in
  other words ("quake" / "tremor"). Out-of-fold on ECB+ it moves BCubed F1 from 0.895 to 0.910
  (mean of 5 stream orders, benchmarks/clustering.py);
* a story keeps the running sum of its members' vectors (its centroid), the squared norm of
  that sum, its heaviest entity and the range of its members' dates, all updated in
  O(article length) when a member joins;
* candidates for a new article come from an inverted index over its most specific features
  (rarest entities and keywords). Each posting list keeps only the most recently updated
  stories, so the work per article is bounded by constants, not by the number of stories;
* the decision is a logistic model over the per-space cosines to a candidate's centroid (the
  embedding's to the story's mean lead embedding among them), the
  entity overlap, whether the article and the story are about the same main entity, the story
  size, whether the years named agree or conflict and how far apart the dates are. Two events of
  one kind share their names (two quakes on Qeshm island, two Watergate figures' deaths); what
  tells them apart is when, how many and what happened. Weights and the join threshold are
  fitted by `scripts/train_cluster.py` with leave-topics-out cross-validation and shipped in
  `rashomon/data/cluster_params.json`;
* publish dates, when known, shrink the similarity of stories that went quiet long before the
  article (exponential decay after a grace period) and drop them from the candidates past a
  horizon;
* second thoughts, because a single pass commits early: after an article joins, its story merges
  with a runner-up candidate when the article and the story's centroid both join that one too,
  and a story that reaches 4, 6, 8, ... 64 members is split in two when its members' pairwise
  join probabilities show two groups (`regroup.py`). Out-of-fold on ECB+ they move BCubed F1
  from 0.910 ± 0.016 to 0.938 ± 0.003. Articles that change story are reported as `StoryMove`s
  (`drain_moves`), which a stream or a store replays on what it keeps per story.

The clusterer's whole state is plain data (`to_dict`/`from_dict`), so a store can persist it
between runs and keep adding articles incrementally; `retire` forgets a finished story (a stream
hands on stories quiet past the horizon), so memory follows the open stories, not the stream.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from wordfreq import get_frequency_dict, word_frequency

from rashomon import embed, regroup, timex

SPACES = ("tok", "lem", "ent", "lead", "verb", "num")
KEY_SPACES = ("ent", "lem")  # spaces whose most specific terms are a story's index keys
LEAD_WORDS = 40  # content words of the headline and lead: they say which event an article is about
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
# Entity labels that name *what happened to whom, where and when*; counts, amounts and clock
# times repeat across unrelated events and only blur the entity space.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "DATE"}
)
# Features that measure similarity, and so fade with a story's age (see `_decay`).
SIMILARITIES = frozenset({f"cos_{s}" for s in SPACES} | {"cos_emb", "ent_overlap", "top_entity", "story_top_entity"})
_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]", re.UNICODE)
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")  # years an article names: when its event happened
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# A line that is a web address (as pasted pages and corpora carry them): page metadata, not
# prose. Its path words ("http", "www", "html", ids) would make every pasted page look alike.
_URL_LINE = re.compile(r"^\s*(?:https?\b|www\s?\.)", re.I | re.M)
_MIN_FREQ = 1e-9  # words wordfreq has never seen count as rarer than anything it has
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
IDF_CACHE = 1_000_000  # distinct words remembered; a news stream's vocabulary grows far slower
# Members' vectors remembered for split checks: a story is checked again a few hundred arrivals
# later at most while it grows, and a check needs all its members' vectors (about 20 kB each).
MEMBER_VECTORS = 1024


@dataclass
class ClusterItem:
    """What the clusterer needs to know about one article."""

    doc_id: str
    text: str
    published: dt.date | None = None
    entities: list[str] = field(default_factory=list)  # normalised named-entity strings
    lemmas: list[str] = field(default_factory=list)  # content-word lemmas
    # When the article says it was written: its publish date, else the first full date in its
    # text (`timex.document_anchor`). Two events of one kind (two quakes on one island) are
    # usually years apart; the date an article speaks from tells them apart where names cannot.
    event_date: dt.date | None = None
    verbs: list[str] = field(default_factory=list)  # verb lemmas: what happened (fired vs hired)
    numbers: list[str] = field(default_factory=list)  # specific numbers: magnitudes, tolls, ages
    # Unit sentence embedding of the headline and lead (`embed.embed_lead`); None: computed from
    # `text` when the article is clustered. [] for an article with no words.
    embedding: list[float] | None = None


def item_dict(item: ClusterItem, text: bool = True) -> dict[str, Any]:
    """An item as JSON-able data (dates as ISO strings); without its text when the text is kept
    elsewhere (a store keeps it in the document row)."""
    data = asdict(item)
    for key in ("published", "event_date"):
        if data[key] is not None:
            data[key] = data[key].isoformat()
    if not text:
        del data["text"]
    return data


def item_from_dict(data: dict[str, Any], text: str | None = None) -> ClusterItem:
    known = {f for f in ClusterItem.__dataclass_fields__}
    data = {k: v for k, v in data.items() if k in known}
    for key in ("published", "event_date"):
        if data.get(key) is not None:
            data[key] = dt.date.fromisoformat(data[key])
    if text is not None:
        data["text"] = text
    return ClusterItem(**data)


@dataclass(frozen=True)
class StoryMove:
    """Articles that changed story after they were assigned (consumers holding per-story state,
    a stream's open stories or a store's rows, replay these).

    "split": `docs` left story `source` for the new story `target`; `source` keeps the rest.
    "merge": story `source` was folded into `target` with all its `docs`, and no longer exists.
    """

    kind: str  # "split" | "merge"
    source: str
    target: str
    docs: tuple[str, ...]


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
    # Second thoughts (see `StoryClusterer` and regroup.py); None switches each off.
    split_at: list[int] = field(default_factory=lambda: [4, 6, 8, 12, 16, 24, 32, 48, 64])  # story sizes
    split_tau: float | None = None  # split when cross-group P < split_tau x the looser group's own P
    merge_bridge: float | None = None  # merge two candidates when the article's P to the other >= this ...
    merge_centroid: float | None = None  # ... and one story's centroid, as an article, joins the other at >= this
    merge_candidates: int = 3  # the article's runner-up candidates offered for a merge
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


def _url_line_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the lines that are web addresses."""
    spans, pos = [], 0
    for line in text.split("\n"):
        if _URL_LINE.match(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _blank_url_lines(text: str) -> str:
    """The text with web-address lines blanked (so character offsets stay valid)."""
    if not _URL_LINE.search(text):
        return text
    return "\n".join(" " * len(line) if _URL_LINE.match(line) else line for line in text.split("\n"))


def person_key(name: str) -> str:
    """A person by surname: "W. Mark Felt", "Mark Felt" and "Felt" are one person to a story."""
    parts = [p for p in name.split() if p.strip(".") not in _SUFFIXES]
    return parts[-1] if parts else name


def specific_number(text: str) -> str | None:
    """A number that can tell two events apart (a 5.6 magnitude, 95 years, 10 dead), else None.

    Small integers (counts of everything), years (compared on their own) and thousands
    separators are left out or normalised.
    """
    s = text.replace(",", "")
    if not _NUMBER.match(s) or _YEAR.fullmatch(s):
        return None
    if "." not in s and int(s) < 10:
        return None
    return s


def item_from_spacy(doc_id: str, text: str, published: dt.date | None, spacy_doc: Any) -> ClusterItem:
    """Build a ClusterItem from a parsed spaCy Doc: lemmas, verbs, numbers, entities, date."""
    urls = _url_line_spans(text)

    def kept(start: int) -> bool:
        return not any(a <= start < b for a, b in urls)

    lemmas, verbs, numbers = [], [], []
    for t in spacy_doc:
        if not kept(t.idx):
            continue
        if t.pos_ in CONTENT_POS and not t.is_stop and (t.is_alpha or t.like_num):
            lemmas.append(t.lemma_.lower())
        if t.pos_ == "VERB" and t.is_alpha and not t.is_stop:
            verbs.append(t.lemma_.lower())
        number = specific_number(t.text) if t.like_num else None
        if number:
            numbers.append(number)
    entities = [
        person_key(normalise_entity(e.text)) if e.label_ == "PERSON" else normalise_entity(e.text)
        for e in spacy_doc.ents
        if e.label_ in ENTITY_LABELS and kept(e.start_char)
    ]
    event_date = timex.document_anchor(published.isoformat() if published else None, text)
    embedding = embed.embed_lead(text)  # here, so a pipeline's workers share the cost
    return ClusterItem(doc_id, text, published, [e for e in entities if e], lemmas, event_date, verbs, numbers, embedding)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of the prose without stop words and punctuation."""
    words = (w.lower() for w in _WORD.findall(_blank_url_lines(text)))
    return [w for w in words if w not in STOP_WORDS and len(w) > 1]


@functools.lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    return get_frequency_dict("en", "best")


def _plain_word_frequency(word: str) -> float:
    """`wordfreq.word_frequency(word, "en")` for a plain lower-case ASCII word, without its
    tokeniser: a direct look-up, rounded to three significant digits exactly as wordfreq does.
    A stream's vocabulary keeps growing (names, misspellings), so misses are common; this path
    costs a dict look-up where the general one costs a tokenisation."""
    freq = _frequencies().get(word, 0.0)
    if freq == 0.0:
        return 0.0
    return round(freq, math.floor(-math.log(freq, 10)) + 3)


@functools.lru_cache(maxsize=IDF_CACHE)
def idf(term: str) -> float:
    """Background inverse frequency of a word or phrase in general English (natural log)."""
    plain = term.isascii() and term.isalpha() and term.islower()
    freq = _plain_word_frequency(term) if plain else word_frequency(term, "en")
    return -math.log(max(freq, _MIN_FREQ))


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
    return _normalised(vec)


def _normalised(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def item_embedding(item: ClusterItem) -> np.ndarray:
    """The article's lead embedding as a float64 array (empty when it has no words)."""
    emb = item.embedding if item.embedding is not None else embed.embed_lead(item.text)
    return np.asarray(emb, dtype=np.float64)


def vectors(item: ClusterItem, params: ClusterParams) -> dict[str, Any]:
    """The article's feature-space vectors (and its years, as a set; its lead embedding, dense)."""
    toks = tokens(item.text)
    return {
        "emb": item_embedding(item),
        "tok": tfidf(toks, params.idf_floor),
        "lem": tfidf(item.lemmas, params.idf_floor),
        "ent": tfidf(item.entities, params.idf_floor),
        "lead": tfidf(toks[:LEAD_WORDS], params.idf_floor),
        "verb": tfidf(item.verbs, params.idf_floor),
        # numbers have no background frequency worth the name: each distinct one weighs the same
        "num": _normalised({n: 1.0 for n in item.numbers}),
        "year": {y: 1.0 for y in _YEAR.findall(_blank_url_lines(item.text))},
    }


def _event_date(item: ClusterItem) -> dt.date | None:
    return item.event_date or item.published


# ---------------------------------------------------------------------------------------------
# Stories


@dataclass
class _Story:
    """A story's running centroid: per-space sums of member vectors and their squared norms."""

    id: str
    docs: list[str]
    sums: dict[str, dict[str, float]]
    sq: dict[str, float]  # squared norms of the sums (not kept for "year": a set, not a vector)
    last: str | None = None  # ISO date of the latest dated member (publish dates)
    top: list[Any] = field(default_factory=lambda: ["", 0.0])  # heaviest entity and its summed weight
    dates: list[str] = field(default_factory=list)  # [first, last] ISO event date of its members
    # Sum of the members' unit lead embeddings (float64; persisted as a list) and its squared norm
    emb: np.ndarray = field(default_factory=lambda: np.zeros(0))
    emb_sq: float = 0.0
    checked: int = 0  # its size when it was last checked for holding two events (`split_at`)

    @classmethod
    def new(cls, story_id: str) -> _Story:
        return cls(story_id, [], {s: {} for s in (*SPACES, "year")}, {s: 0.0 for s in SPACES})

    def cosine(self, space: str, vec: dict[str, float]) -> tuple[float, float]:
        """(cosine to the centroid, raw dot with the sum); the dot is reused by `add`."""
        total = self.sums.get(space, {})
        # only shared terms contribute (a membership test is cheaper than a .get per term); the
        # article's term order keeps the sum, and so every decision, the same in every process
        dot = sum([v * total[t] for t, v in vec.items() if t in total]) if total else 0.0
        sq = self.sq.get(space, 0.0)
        return (dot / math.sqrt(sq) if sq > 0 else 0.0), dot

    def emb_cosine(self, emb: np.ndarray) -> tuple[float, float]:
        """(cosine of the lead embedding to the story's mean embedding, raw dot with the sum)."""
        if not emb.size or self.emb.shape != emb.shape or self.emb_sq <= 0:
            return 0.0, 0.0
        dot = float(self.emb @ emb)
        return dot / math.sqrt(self.emb_sq), dot

    def add(self, doc_id: str, vecs: dict[str, Any], dots: dict[str, float], date: dt.date | None) -> None:
        self.docs.append(doc_id)
        emb = vecs.get("emb")
        if emb is not None and emb.size:
            # the first embedded member (or a sum from a model of another size) starts the sum afresh
            self.emb = self.emb + emb if self.emb.shape == emb.shape else emb.copy()
            self.emb_sq = float(self.emb @ self.emb)
        for space, vec in vecs.items():
            if space == "emb":
                continue
            total = self.sums.setdefault(space, {})
            for t, v in vec.items():
                total[t] = total.get(t, 0.0) + v
            # ||c + d||^2 = ||c||^2 + 2 c.d + ||d||^2, with ||d|| = 1 (or 0 for an empty vector)
            if space in SPACES:
                self.sq[space] = self.sq.get(space, 0.0) + 2.0 * dots.get(space, 0.0) + (1.0 if vec else 0.0)
        # sums only grow, so the heaviest entity can only be one this article touched
        ents = self.sums["ent"]
        for t in vecs["ent"]:
            if ents[t] > self.top[1]:
                self.top = [t, ents[t]]
        self._add_date(date.isoformat() if date else None)

    def _add_date(self, iso: str | None) -> None:
        if iso:
            self.dates = [min(self.dates[0], iso), max(self.dates[1], iso)] if self.dates else [iso, iso]

    def absorb(self, other: _Story) -> None:
        """Fold another story's members and sums into this one."""
        self.docs.extend(other.docs)
        for space, total in other.sums.items():
            mine = self.sums.setdefault(space, {})
            for t, v in total.items():
                mine[t] = mine.get(t, 0.0) + v
            if space in SPACES:
                self.sq[space] = sum(v * v for v in mine.values())
        if other.emb.size:
            self.emb = self.emb + other.emb if self.emb.shape == other.emb.shape else other.emb.copy()
            self.emb_sq = float(self.emb @ self.emb)
        ents = self.sums["ent"]
        if ents:
            top = max(ents, key=ents.__getitem__)
            self.top = [top, ents[top]]
        for iso in other.dates:
            self._add_date(iso)
        if other.last and (self.last is None or other.last > self.last):
            self.last = other.last

    def as_article(self) -> dict[str, Any]:
        """The story's vectors as if it were one article: normalised sums, years, mean embedding."""
        out: dict[str, Any] = {space: _normalised(self.sums.get(space, {})) for space in SPACES}
        out["year"] = dict(self.sums.get("year", {}))
        out["emb"] = self.emb / math.sqrt(self.emb_sq) if self.emb_sq > 0 else np.zeros(0)
        return out


def _story_dict(story: _Story) -> dict[str, Any]:
    """A story as plain JSON-able data (the embedding sum as a list of floats: exact round trip)."""
    data = asdict(replace(story, emb=np.zeros(0)))
    data["emb"] = story.emb.tolist()
    return data


def _story_from_dict(data: dict[str, Any]) -> _Story:
    data = dict(data)
    data["emb"] = np.asarray(data.get("emb", []), dtype=np.float64)  # state saved before embeddings: none
    story = _Story(**data)
    for space in (*SPACES, "year"):  # state saved before a space existed
        story.sums.setdefault(space, {})
    return story


def _date_gap(story: _Story, date: dt.date | None) -> float | None:
    """Days from `date` to the nearest end of the story's date range (0 inside it); None if unknown."""
    if date is None or not story.dates:
        return None
    first, last = (dt.date.fromisoformat(d) for d in story.dates)
    if first <= date <= last:
        return 0.0
    return float(min(abs((date - first).days), abs((date - last).days)))


def features(
    story: _Story, vecs: dict[str, Any], date: dt.date | None = None, dots: dict[str, float] | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """Decision features of (article, story) and the raw dots `_Story.add` needs.

    `dots`, when the caller already has them: the raw dots of `vecs` with the story's sums (for
    two one-article stories the dot one way is the dot the other way), so only norms remain."""
    feats: dict[str, float] = {}
    if dots is None:
        dots = {}
        for space in SPACES:
            feats[f"cos_{space}"], dots[space] = story.cosine(space, vecs[space])
        feats["cos_emb"], dots["emb"] = story.emb_cosine(vecs["emb"])
    else:
        for space in SPACES:
            sq = story.sq.get(space, 0.0)
            feats[f"cos_{space}"] = dots[space] / math.sqrt(sq) if sq > 0 else 0.0
        feats["cos_emb"] = dots["emb"] / math.sqrt(story.emb_sq) if story.emb_sq > 0 else 0.0
    ents = vecs["ent"]
    story_ents = story.sums["ent"]
    feats["ent_overlap"] = sum(v * v for t, v in ents.items() if t in story_ents)
    # Same main actor? The story's weight on the article's heaviest entity, relative to the
    # story's heaviest one, and the article's weight on the story's heaviest entity.
    if ents and story.top[1] > 0:
        art_top = max(ents, key=ents.__getitem__)
        feats["top_entity"] = story_ents.get(art_top, 0.0) / story.top[1]
        feats["story_top_entity"] = ents.get(story.top[0], 0.0) / ents[art_top]
    else:
        feats["top_entity"] = feats["story_top_entity"] = 0.0
    years, story_years = vecs["year"], story.sums["year"]
    shared = sum(1 for y in years if y in story_years)
    feats["year_match"] = 1.0 if shared else 0.0
    feats["year_conflict"] = 1.0 if years and story_years and not shared else 0.0
    nums = vecs["num"]
    feats["num_conflict"] = 1.0 if nums and story.sums["num"] and not dots["num"] else 0.0
    gap = _date_gap(story, date)
    feats["date_near"] = 1.0 if gap is not None and gap <= 7 else 0.0
    feats["date_gap"] = math.log1p(gap) if gap is not None else 0.0
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
        # Members of stories that may still be checked for a split (see `_check_split`), and
        # their pairwise probabilities, computed once: doc -> doc -> P.
        self._items: dict[str, ClusterItem] = {}
        self._pairs: dict[str, dict[str, float]] = {}
        self._vector_cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._moves: list[StoryMove] = []

    # -- public API ---------------------------------------------------------------------------

    def add(self, item: ClusterItem) -> str:
        """Assign `item` to the best story, or open a new one; returns the story id.

        Then the second thoughts, when the parameters switch them on: the article may show that
        its story and a runner-up candidate are one event (they merge), and a story that reached
        one of the `split_at` sizes may turn out to hold two (it splits). Articles that changed
        story that way are reported by `drain_moves`."""
        if item.doc_id in self._assignment:
            return self._assignment[item.doc_id]
        vecs = vectors(item, self.params)
        date = _event_date(item)
        scored = []
        for story in self._candidates(vecs, item.published):
            feats, dots = features(story, vecs, date)
            scored.append((self.probability(feats, self._decay(story, item.published)), story, dots))
        scored.sort(key=lambda s: -s[0])  # stable: of equal scores, the better-ranked candidate first
        if not scored or scored[0][0] < self.params.threshold:
            best, best_dots = self._open(None), {}
        else:
            _, best, best_dots = scored[0]
        self._join(best, item, vecs, best_dots)
        best = self._merge_runners_up(best, [(p, s) for p, s, _ in scored if s is not best])
        self._check_split(best)
        return self._assignment[item.doc_id]

    def drain_moves(self) -> list[StoryMove]:
        """The splits and merges since the last call, in the order they happened."""
        moves, self._moves = self._moves, []
        return moves

    def stories(self) -> list[list[str]]:
        """Doc ids per story, in the order the stories were opened."""
        return [list(s.docs) for s in self._stories.values()]

    def story_of(self, doc_id: str) -> str:
        return self._assignment[doc_id]

    def retire(self, story_id: str) -> list[str]:
        """Forget a finished story: its centroid, its index entries and its documents' assignments.

        A stream hands a story on once it can receive no further article (quiet past the
        horizon); keeping it would only occupy posting slots and memory. The story's index keys
        are a subset of its entity and lemma terms, so they are found from its sums without
        remembering them separately. Returns the retired story's documents ([] if unknown).
        """
        story = self._stories.pop(story_id, None)
        if story is None:
            return []
        for space in KEY_SPACES:
            for term in story.sums.get(space, ()):
                key = f"{space}:{term}"
                posting = self._postings.get(key)
                if posting is not None and story_id in posting:
                    del posting[story_id]
                    if not posting:
                        del self._postings[key]
        for doc_id in story.docs:
            self._assignment.pop(doc_id, None)
        self._forget_members(story.docs)
        return list(story.docs)

    def probability(self, feats: dict[str, float], decay: float = 1.0) -> float:
        """P(article belongs to story) from the logistic model; decay scales the similarities."""
        w = self.params.weights
        z = self.params.bias
        for name, value in feats.items():
            z += w.get(name, 0.0) * (value * decay if name in SIMILARITIES else value)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def candidate_features(self, item: ClusterItem) -> list[tuple[str, dict[str, float]]]:
        """(story id, features) for every candidate of `item`, without adding it (for training)."""
        vecs = vectors(item, self.params)
        date = _event_date(item)
        return [(s.id, features(s, vecs, date)[0]) for s in self._candidates(vecs, item.published)]

    def force(self, item: ClusterItem, story_id: str | None) -> str:
        """Put `item` into a given story (None: a new one); lets training replay gold clusters."""
        vecs = vectors(item, self.params)
        story = self._stories.get(story_id) if story_id else None
        if story is None:
            story = self._open(story_id)
        self._join(story, item, vecs, self._dots(story, vecs))
        return story.id

    @staticmethod
    def _dots(story: _Story, vecs: dict[str, Any]) -> dict[str, float]:
        """The raw dots of an article's vectors with a story's sums (what `_Story.add` needs)."""
        dots = {space: story.cosine(space, vecs[space])[1] for space in SPACES}
        dots["emb"] = story.emb_cosine(vecs["emb"])[1]
        return dots

    # -- persistence --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": self.params.to_dict(),
            "next": self._next,
            "stories": [_story_dict(s) for s in self._stories.values()],
            "postings": {t: list(p) for t, p in self._postings.items()},
            "items": [item_dict(i) for i in self._items.values()],  # what a split check reads
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryClusterer:
        self = cls(ClusterParams.from_dict(data["params"]))
        self._next = data["next"]
        for s in data["stories"]:
            story = _story_from_dict(s)
            self._stories[story.id] = story
            for d in story.docs:
                self._assignment[d] = story.id
        self._postings = {t: OrderedDict.fromkeys(ids) for t, ids in data["postings"].items()}
        self._items = {i.doc_id: i for i in map(item_from_dict, data.get("items", []))}
        return self

    # -- internals ----------------------------------------------------------------------------

    def _open(self, story_id: str | None) -> _Story:
        story = _Story.new(story_id or f"s{self._next}")
        self._next += 1
        self._stories[story.id] = story
        return story

    def _join(self, story: _Story, item: ClusterItem, vecs: dict[str, Any], dots: dict[str, float]) -> None:
        story.add(item.doc_id, vecs, dots, _event_date(item))
        if item.published and (story.last is None or item.published.isoformat() > story.last):
            story.last = item.published.isoformat()
        self._assignment[item.doc_id] = story.id
        self._index(story.id, vecs)
        if self.params.split_tau is not None and story.checked < max(self.params.split_at, default=0):
            # with its embedding: a check must not pay for the model again
            self._items[item.doc_id] = item if item.embedding is not None else replace(item, embedding=vecs["emb"].tolist())
            self._remember_vectors(item.doc_id, vecs)

    def _changed(self, story_ids: Iterable[str], keys: Iterable[str]) -> None:
        """Called with the stories and index keys every change touches (a store writes those)."""

    def _gone(self, story_id: str) -> None:
        """Called when a merge folds a story away (a store deletes its row)."""

    # -- second thoughts ------------------------------------------------------------------------

    def _merge_runners_up(self, story: _Story, runners_up: list[tuple[float, _Story]]) -> _Story:
        """Merge the article's story with each of its first runners-up that `_one_event` says
        is the same event. Returns the story the article ends in."""
        for p, other in runners_up[: self.params.merge_candidates]:
            if other.id in self._stories and story.id in self._stories and self._one_event(story, other, p):
                story = self._merge(story, other)
        return story

    def _one_event(self, story: _Story, other: _Story, p: float) -> bool:
        """Are the article's story and a runner-up one event? Yes when both say so: the article
        joins the runner-up too (its decayed P >= `merge_bridge`), and the story's centroid,
        read as an article, joins the runner-up (P >= `merge_centroid`). Either alone merges
        too much (the bridge is one article; centroids of one kind of event look alike)."""
        bridge, centroid = self.params.merge_bridge, self.params.merge_centroid
        if bridge is None or centroid is None or p < bridge:
            return False
        date = dt.date.fromisoformat(story.dates[1]) if story.dates else None
        return self.probability(features(other, story.as_article(), date)[0]) >= centroid

    def _merge(self, a: _Story, b: _Story) -> _Story:
        """Fold the smaller story into the larger one (ties: `a` into `b`); returns the survivor."""
        if len(a.docs) > len(b.docs):
            a, b = b, a
        b.absorb(a)
        keys = []
        for space in KEY_SPACES:  # its index keys are among its entity and lemma terms
            for term in a.sums.get(space, ()):
                key = f"{space}:{term}"
                posting = self._postings.get(key)
                if posting is not None and a.id in posting:
                    del posting[a.id]
                    posting.pop(b.id, None)
                    posting[b.id] = None
                    keys.append(key)
        for d in a.docs:
            self._assignment[d] = b.id
        del self._stories[a.id]
        self._moves.append(StoryMove("merge", a.id, b.id, tuple(a.docs)))
        self._changed([b.id], keys)
        self._gone(a.id)
        return b

    def _check_split(self, story: _Story) -> None:
        """At each `split_at` size a story reaches, split it if its members form two events
        (regroup.py). The members' items are kept until the story passes the last size."""
        split_at, tau = self.params.split_at, self.params.split_tau
        n = len(story.docs)
        if tau is None or not any(story.checked < size <= n for size in split_at):
            return
        story.checked = n
        self._changed([story.id], [])
        docs = list(story.docs)
        items = self._member_items(docs)
        parts = None if items is None else self._two_events(docs, items)  # None: members from before items were kept
        opened = self._split(story, *parts, items) if parts is not None else None
        for s in (self._stories[story.id], opened):  # the story as it is now: a split rebuilt it
            if s is not None and s.checked >= max(split_at):
                self._forget_members(s.docs)

    def _two_events(self, docs: list[str], items: dict[str, ClusterItem]) -> tuple[list[str], list[str]] | None:
        """(kept, leaving) members when the story's members form two events, else None."""
        assert self.params.split_tau is not None
        return regroup.split(docs, self._pair_matrix(docs, items), self.params.split_tau)

    def _member_items(self, docs: list[str]) -> dict[str, ClusterItem] | None:
        """The members' items, None if one is unknown (a store reads the missing ones)."""
        if any(d not in self._items for d in docs):
            return None
        return {d: self._items[d] for d in docs}

    def _pair_matrix(self, docs: list[str], items: dict[str, ClusterItem]) -> np.ndarray:
        """P(i joins a story holding j alone), symmetrised, for every pair of members."""
        missing = {x for i, d in enumerate(docs) for e in docs[i + 1 :] if e not in self._pairs.get(d, {}) for x in (d, e)}
        alone = {}
        for d in sorted(missing):
            vecs = self._member_vectors(d, items[d])
            story = _Story.new(d)
            story.add(d, vecs, {}, _event_date(items[d]))
            alone[d] = (story, vecs, _event_date(items[d]))

        def probability(i: int, j: int) -> float:
            a, b = docs[i], docs[j]
            known = self._pairs.get(a, {}).get(b)
            if known is None:
                a, b = sorted((a, b))
                (sa, va, da), (sb, vb, db) = alone[a], alone[b]
                a_to_b, dots = features(sb, va, da)
                b_to_a, _ = features(sa, vb, db, dots)  # the same dots: the dot product is symmetric
                known = (self.probability(a_to_b) + self.probability(b_to_a)) / 2
                self._pairs.setdefault(a, {})[b] = self._pairs.setdefault(b, {})[a] = known
            return known

        return regroup.pair_matrix(len(docs), probability)

    def _split(self, story: _Story, kept: list[str], leaving: list[str], items: dict[str, ClusterItem]) -> _Story:
        """`leaving` becomes a new story (returned); both centroids and index entries are built afresh."""
        member_vecs = {d: self._member_vectors(d, items[d]) for d in story.docs}
        keys = {key for d in story.docs for key in self._keys(member_vecs[d])}
        for key in keys:
            posting = self._postings.get(key)
            if posting is not None:
                posting.pop(story.id, None)
        new = self._open(None)
        for part, docs in ((story, kept), (new, leaving)):
            fresh = _Story.new(part.id)
            for d in docs:
                self._join(fresh, items[d], member_vecs[d], self._dots(fresh, member_vecs[d]))
            fresh.checked = len(docs)
            self._stories[part.id] = fresh
        self._moves.append(StoryMove("split", story.id, new.id, tuple(leaving)))
        self._changed([story.id, new.id], keys)
        return self._stories[new.id]

    def _member_vectors(self, doc_id: str, item: ClusterItem) -> dict[str, Any]:
        """A member's vectors, from a small recently-used cache (they depend on the item alone)."""
        vecs = self._vector_cache.pop(doc_id, None)
        if vecs is None:
            vecs = vectors(item, self.params)
        self._remember_vectors(doc_id, vecs)
        return vecs

    def _remember_vectors(self, doc_id: str, vecs: dict[str, Any]) -> None:
        cache = self._vector_cache
        cache.pop(doc_id, None)
        if len(cache) >= MEMBER_VECTORS:
            cache.popitem(last=False)
        cache[doc_id] = vecs

    def _forget_members(self, docs: Iterable[str]) -> None:
        for d in docs:
            self._items.pop(d, None)
            self._pairs.pop(d, None)
            self._vector_cache.pop(d, None)

    def _keys(self, vecs: dict[str, Any]) -> list[str]:
        """The article's most specific features, namespaced by space: its index keys."""
        n = self.params.query_terms
        keys = []
        for space in KEY_SPACES:
            top = sorted(vecs[space].items(), key=lambda kv: -kv[1])[:n]
            keys.extend(f"{space}:{t}" for t, _ in top)
        return keys

    def _index(self, story_id: str, vecs: dict[str, Any]) -> None:
        cap = self.params.posting_cap
        keys = self._keys(vecs)
        self._changed([story_id], keys)
        for key in keys:
            posting = self._postings.setdefault(key, OrderedDict())
            posting.pop(story_id, None)
            posting[story_id] = None  # most recently updated story last
            while len(posting) > cap:
                posting.popitem(last=False)

    def _candidates(self, vecs: dict[str, Any], published: dt.date | None) -> list[_Story]:
        """The stories sharing the most index keys with the article, among those within the
        horizon of its date. The horizon filters before the ranking: in a long-lived index (a
        store that keeps every story) old stories sharing the article's words would otherwise
        take every candidate slot, and a new story of this week would never be compared."""
        hits: dict[str, int] = {}
        for key in self._keys(vecs):
            for sid in self._postings.get(key, ()):
                hits[sid] = hits.get(sid, 0) + 1
        reachable = [sid for sid in hits if self.within_horizon(self._last_of(sid), published)]
        ranked = sorted(reachable, key=lambda sid: -hits[sid])[: self.params.max_candidates]
        return [self._stories[sid] for sid in ranked]

    def within_horizon(self, last: str | None, published: dt.date | None) -> bool:
        """Can a story whose latest member was published on `last` take an article published on
        `published`? Undated on either side: always."""
        age = _days_between(last, published)
        return age is None or age <= self.params.horizon_days

    def _last_of(self, story_id: str) -> str | None:
        """A story's latest publish date (a store answers it without reading the whole story)."""
        return self._stories[story_id].last

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
