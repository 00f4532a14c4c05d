"""Score the lines of pasted page text: how likely is each one to belong to the article?

The text cleaner (`clean.py`) needs to tell the report from what a page puts around it —
menus, captions, teasers, tag lines, author boxes, sidebars of other headlines with dates. No
markup survives a paste, so each line is described by what it looks like and where it sits:

- its own shape: length, stopword density, a sentence ending, a truncation mark, the share of
  capitalised ("link-like") words, digits and punctuation, date-, time- and label-only lines;
- the page around it: how often it (or its first words) recurs in the page, its position, where
  it lies relative to the prose-dominated run of lines (`prose_run`), and the same shape
  features of its neighbours.

A gradient-boosted tree ensemble trained on text rendered from real news pages, with the
hand-written article bodies as labels (scripts/train_cleaner.py), turns these features into a
probability. The ensemble is shipped as plain JSON (`data/line_classifier.json`: the trees as
arrays, no pickled objects) and evaluated here with numpy, so scikit-learn is needed only to train.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from spacy.lang.de.stop_words import STOP_WORDS as DE
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as ES
from spacy.lang.fr.stop_words import STOP_WORDS as FR
from spacy.lang.it.stop_words import STOP_WORDS as IT
from spacy.lang.nl.stop_words import STOP_WORDS as NL
from spacy.lang.pt.stop_words import STOP_WORDS as PT

MODEL_FILE = "line_classifier.json"

WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’.-]*|\d[\d,.]*")
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
# Running text in other scripts and languages: the pages people paste are not all English.
ANY_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)」』]*$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
OTHER_STOP_WORDS = (DE, ES, FR, IT, NL, PT)
TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|{MONTH}\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\b",
    re.I,
)
TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b", re.I)
LABEL = re.compile(
    r"^(tags?|filed under|categor(?:y|ies)|topics?|related(?: \w+)?|read more|see also|share|source|keywords?|"
    r"advertisement|sponsored|comments?|photo|image|video|credit|more)\b\s*[:|]?",
    re.I,
)
BYLINE = re.compile(r"^(?:by|written by|reporting by|posted by|author:?)\s+[A-Z]", re.I)
CREDIT = re.compile(r"(file photo|photo:|photograph|getty images|\bafp\b|reuters/|\bap photo\b|credit:|image:|©)", re.I)
CONTACT = re.compile(r"@\w|https?://|www\.|\.com\b|\bcookies?\b|\bsubscribe\b|\bnewsletter\b|\bsign (?:up|in)\b", re.I)
SEPARATORS = re.compile(r"[|•»›·/]")
TOKEN = re.compile(r"\w+")
NAME_LIKE = re.compile(r"^[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+)){1,3}$")

# Lines before and after the one scored whose own shape is part of its description.
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
# Inside the prose run a non-prose line costs this many characters (as in body-text extraction).
RUN_PENALTY = 60


@dataclass
class Shape:
    """What one line looks like on its own."""

    words: int
    chars: int
    stop: float
    sentence_end: bool
    truncated: bool
    capitalised: float
    digits: float
    punctuation: float
    prose: bool
    date: bool
    time: bool
    label: bool
    byline: bool
    credit: bool
    contact: bool
    separators: int
    name_like: bool
    sentences: int
    any_stop: float
    any_sentence_end: bool
    cjk: float
    content: frozenset[str] = field(repr=False, default=frozenset())
    first_words: str = field(repr=False, default="")
    norm: str = field(repr=False, default="")


def is_prose(text: str) -> bool:
    """A line reads as running text: enough words, stopwords, and a sentence ending."""
    words = WORD.findall(text)
    if len(words) < 5 or TRUNCATED.search(text):
        return False
    stop = sum(w.lower() in STOP_WORDS for w in words) / len(words)
    if SENTENCE_END.search(text) and stop >= 0.15:
        return True
    # Headlines can be long but lack the final stop; only long running text gets in without one.
    return len(words) >= 30 and stop >= 0.3


def is_running_text(s: Shape) -> bool:
    """`is_prose` for any language the stopword lists cover, and for CJK text (no spaces)."""
    if s.truncated:
        return False
    if s.cjk >= 0.3:
        return s.chars >= 40 and s.any_sentence_end
    stop = max(s.stop, s.any_stop)
    return s.words >= 5 and ((s.any_sentence_end and stop >= 0.15) or (s.words >= 30 and stop >= 0.3))


def normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def shape(text: str) -> Shape:
    words = WORD.findall(text)
    n = len(words)
    alpha = [w for w in words if w[0].isalpha()]
    chars = len(text)
    return Shape(
        words=n,
        chars=chars,
        stop=sum(w.lower() in STOP_WORDS for w in words) / n if n else 0.0,
        sentence_end=bool(SENTENCE_END.search(text)),
        truncated=bool(TRUNCATED.search(text)),
        capitalised=sum(w[0].isupper() for w in alpha) / len(alpha) if alpha else 0.0,
        digits=sum(c.isdigit() for c in text) / chars if chars else 0.0,
        punctuation=sum(not c.isalnum() and not c.isspace() for c in text) / chars if chars else 0.0,
        prose=is_prose(text),
        date=bool(DATE.search(text)),
        time=bool(TIME.search(text)),
        label=bool(LABEL.match(text)),
        byline=bool(BYLINE.match(text)) and n <= 12,
        credit=bool(CREDIT.search(text)),
        contact=bool(CONTACT.search(text)),
        separators=len(SEPARATORS.findall(text)),
        name_like=bool(NAME_LIKE.match(text)),
        sentences=len(re.findall(r"[.!?][\"'”’)]*\s+[A-Z\"“]", text)) + int(bool(SENTENCE_END.search(text))),
        any_stop=max([sum(w.lower() in stops for w in words) / n if n else 0.0 for stops in OTHER_STOP_WORDS]),
        any_sentence_end=bool(ANY_SENTENCE_END.search(text)),
        cjk=len(CJK.findall(text)) / chars if chars else 0.0,
        content=frozenset(w.lower() for w in words if len(w) >= 3 and w[0].isalpha() and w.lower() not in STOP_WORDS),
        first_words=" ".join(normalise(text).split()[:5]),
        norm=normalise(text),
    )


def prose_run(shapes: list[Shape], repeated: set[str], any_language: bool = False) -> tuple[int, int]:
    """The stretch of lines with the most prose: a maximum-sum run (as in body-text extraction).

    Returns (first, last) line indices; last < first when the page has no prose line at all.
    """
    best, best_range = 0.0, (0, -1)
    running, start = 0.0, 0
    for i, s in enumerate(shapes):
        prose = is_running_text(s) if any_language else s.prose
        score = s.chars if prose and s.norm not in repeated else -RUN_PENALTY
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_range = running, (start, i)
    return best_range


def _own(s: Shape) -> list[float]:
    return [
        math.log1p(s.words),
        math.log1p(s.chars),
        s.stop,
        float(s.sentence_end),
        float(s.truncated),
        s.capitalised,
        s.digits,
        s.punctuation,
        float(s.prose),
        float(s.date),
        float(s.time),
        float(s.date and s.words <= 8),
        float(s.label),
        float(s.byline),
        float(s.credit),
        float(s.contact),
        float(min(s.separators, 5)),
        float(s.name_like),
        float(min(s.sentences, 10)),
        s.any_stop,
        float(s.any_sentence_end),
        s.cjk,
    ]


OWN_NAMES = [
    "log_words", "log_chars", "stop", "sentence_end", "truncated", "capitalised", "digits", "punctuation",
    "prose", "date", "time", "date_only", "label", "byline", "credit", "contact", "separators", "name_like",
    "sentences", "any_stop", "any_sentence_end", "cjk",
]
NEIGHBOUR_NAMES = ["log_words", "stop", "sentence_end", "prose", "capitalised", "date_only"]
_NEIGHBOUR_INDEX = [OWN_NAMES.index(n) for n in NEIGHBOUR_NAMES]
PAGE_NAMES = [
    "repeats", "prefix_repeats", "position", "lines_in_page", "in_run", "run_distance_before",
    "run_distance_after", "run_offset", "run_chars_share", "window_prose_share", "page_prose_share",
    "words_vs_page_median", "run_vocabulary_overlap", "log_content_words", "said_before", "said_after",
    "running_text", "in_any_run", "any_run_distance", "chars_vs_page_max", "chars_rank",
]
FEATURE_NAMES = (
    OWN_NAMES
    + [f"{name}@{offset:+d}" for offset in NEIGHBOURS for name in NEIGHBOUR_NAMES]
    + [f"missing@{offset:+d}" for offset in NEIGHBOURS]
    + PAGE_NAMES
)


def features(texts: list[str]) -> np.ndarray:
    """One row of `FEATURE_NAMES` per line of a page (lines already stripped and non-empty)."""
    n = len(texts)
    if not n:
        return np.zeros((0, len(FEATURE_NAMES)))
    shapes = [shape(t) for t in texts]
    own = np.array([_own(s) for s in shapes])
    counts = Counter(s.norm for s in shapes)
    prefixes = Counter(s.first_words for s in shapes if s.words >= 5)
    repeated = {t for t, c in counts.items() if c > 1 and t}
    first, last = prose_run(shapes, repeated)
    prose_chars = np.array([s.chars if s.prose else 0 for s in shapes], dtype=float)
    chars = np.array([s.chars for s in shapes], dtype=float)
    run_chars = prose_chars[first:last + 1].sum() if last >= first else 0.0
    median_words = float(np.median([s.words for s in shapes]))
    # The run's vocabulary: a line about the article's subject shares its content words; a teaser
    # of another story does not. A line in the run is compared with the rest of the run only.
    vocabulary: Counter[str] = Counter()
    for s in shapes[first:last + 1]:
        vocabulary.update(s.content)

    neighbour_cols = []
    missing_cols = []
    for offset in NEIGHBOURS:
        block = np.zeros((n, len(_NEIGHBOUR_INDEX)))
        missing = np.ones(n)
        lo, hi = max(0, -offset), min(n, n - offset)
        if hi > lo:
            block[lo:hi] = own[lo + offset:hi + offset][:, _NEIGHBOUR_INDEX]
            missing[lo:hi] = 0.0
        neighbour_cols.append(block)
        missing_cols.append(missing[:, None])

    before, after = said_elsewhere(texts)
    any_first, any_last = prose_run(shapes, repeated, any_language=True)
    longest = max(chars.max(), 1.0)
    rank = np.empty(n)
    rank[np.argsort(-chars, kind="stable")] = np.arange(n)
    page = np.zeros((n, len(PAGE_NAMES)))
    cum_prose = np.concatenate([[0.0], np.cumsum(prose_chars)])
    cum_chars = np.concatenate([[0.0], np.cumsum(chars)])
    total_prose = cum_prose[-1]
    for i, s in enumerate(shapes):
        lo, hi = max(0, i - 5), min(n, i + 6)
        window = cum_chars[hi] - cum_chars[lo]
        has_run = last >= first
        page[i] = [
            math.log1p(counts[s.norm] - 1),
            math.log1p(prefixes[s.first_words] - 1) if s.words >= 5 else 0.0,
            i / n,
            math.log1p(n),
            float(has_run and first <= i <= last),
            math.log1p(first - i) if has_run and i < first else 0.0,
            math.log1p(i - last) if has_run and i > last else 0.0,
            (i - first) / max(1, last - first + 1) if has_run else 0.0,
            run_chars / total_prose if total_prose else 0.0,
            (cum_prose[hi] - cum_prose[lo]) / window if window else 0.0,
            total_prose / cum_chars[-1] if cum_chars[-1] else 0.0,
            math.log1p(s.words) - math.log1p(median_words),
            _overlap(s.content, vocabulary, first <= i <= last),
            math.log1p(len(s.content)),
            before[i],
            after[i],
            float(is_running_text(s)),
            float(any_first <= i <= any_last),
            math.log1p(any_first - i if i < any_first else i - any_last if i > any_last else 0) if any_last >= any_first else 5.0,
            s.chars / longest,
            math.log1p(rank[i]),
        ]
    return np.hstack([own, *neighbour_cols, *missing_cols, page])


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def said_elsewhere(texts: list[str]) -> tuple[list[float], list[float]]:
    """For each line, the share of its 4-word shingles that earlier lines / later lines contain.

    Pages often carry the article twice (a teaser or summary block holding the whole lead, a
    print copy); the copy that comes second is the one to drop, so the direction matters.
    """
    sets = [shingles(t) for t in texts]
    before: list[float] = []
    seen: Counter[tuple[str, ...]] = Counter()
    for own in sets:
        before.append(sum(g in seen for g in own) / len(own) if own else 0.0)
        seen.update(own)
    after: list[float] = [0.0] * len(sets)
    seen = Counter()
    for i in range(len(sets) - 1, -1, -1):
        own = sets[i]
        after[i] = sum(g in seen for g in own) / len(own) if own else 0.0
        seen.update(own)
    return before, after


def _overlap(content: frozenset[str], vocabulary: Counter[str], inside: bool) -> float:
    """Share of a line's content words that occur elsewhere in the prose run."""
    if not content:
        return 0.0
    own = 1 if inside else 0
    return sum(vocabulary[w] > own for w in content) / len(content)


@dataclass(frozen=True)
class Decoding:
    """How line probabilities become the body (chosen by cross-validation, see the training script).

    The body is the maximum-sum run of lines scored (p - run_threshold) * words; inside it, lines
    below keep_threshold are dropped; outside it, lines at or above rescue_threshold are kept.
    With drop_repeats, a line that mostly repeats text already kept (a second copy of the lead)
    is dropped as well: an article says each thing once.
    """

    run_threshold: float = 0.5
    keep_threshold: float = 0.5
    rescue_threshold: float = 1.01
    drop_repeats: bool = True  # a kept line whose shingles the kept text already holds is dropped


@dataclass(frozen=True)
class TreeEnsemble:
    """Binary gradient-boosted regression trees on the log-odds scale.

    Each tree is a set of parallel node arrays; a leaf has feature -1 and points to itself, so
    walking `depth` steps from the root lands every row on its leaf. Leaf values already include
    the learning rate: the log-odds are `init` plus the sum of one leaf value per tree.
    """

    feature_names: tuple[str, ...]
    init: float
    depth: int
    feature: np.ndarray  # (trees, nodes) int; -1 at leaves and in padding
    threshold: np.ndarray  # (trees, nodes) float; rows with value <= threshold go left
    left: np.ndarray  # (trees, nodes) int
    right: np.ndarray
    value: np.ndarray  # (trees, nodes) float
    sizes: tuple[int, ...]  # real node count of each tree (the arrays are padded to one width)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probability that each row's line belongs to the article."""
        if len(X) == 0:
            return np.zeros(0)
        raw = np.full(len(X), self.init)
        rows = np.arange(len(X))
        for t in range(self.feature.shape[0]):
            node = np.zeros(len(X), dtype=np.int64)
            for _ in range(self.depth):
                feat = self.feature[t, node]
                go_left = X[rows, np.maximum(feat, 0)] <= self.threshold[t, node]
                node = np.where(go_left, self.left[t, node], self.right[t, node])
            raw += self.value[t, node]
        return 1.0 / (1.0 + np.exp(-raw))

    def to_dict(self) -> dict:
        trees = [
            {
                key: getattr(self, key)[t, :size].tolist()
                for key in ("feature", "threshold", "left", "right", "value")
            }
            for t, size in enumerate(self.sizes)
        ]
        return {
            "kind": "gradient_boosted_trees",
            "feature_names": list(self.feature_names),
            "init": self.init,
            "depth": self.depth,
            "trees": trees,
        }

    @classmethod
    def from_dict(cls, data: dict, expected: list[str]) -> TreeEnsemble:
        if data.get("kind") != "gradient_boosted_trees":
            raise ValueError(f"unknown line classifier kind {data.get('kind')!r}")
        if list(data["feature_names"]) != expected:
            raise ValueError("line classifier was trained on other features; retrain with scripts/train_cleaner.py")
        trees = data["trees"]
        width = max(len(t["feature"]) for t in trees)

        def pad(key: str, fill: float, dtype: type) -> np.ndarray:
            return np.array([list(t[key]) + [fill] * (width - len(t[key])) for t in trees], dtype=dtype)

        return cls(
            feature_names=tuple(data["feature_names"]),
            init=float(data["init"]),
            depth=int(data["depth"]),
            feature=pad("feature", -1, np.int64),
            threshold=pad("threshold", 0.0, float),
            left=pad("left", 0, np.int64),
            right=pad("right", 0, np.int64),
            value=pad("value", 0.0, float),
            sizes=tuple(len(t["feature"]) for t in trees),
        )


@dataclass(frozen=True)
class LineClassifier:
    """Line features -> probability that the line is article (`trees`); `decoding` -> the body."""

    trees: TreeEnsemble
    decoding: Decoding

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.trees.predict(features(texts))

    def to_dict(self) -> dict:
        return {"trees": self.trees.to_dict(), "decoding": self.decoding.__dict__}

    @classmethod
    def from_dict(cls, data: dict) -> LineClassifier:
        return cls(TreeEnsemble.from_dict(data["trees"], FEATURE_NAMES), Decoding(**data["decoding"]))


@lru_cache(maxsize=1)
def load() -> LineClassifier:
    """The shipped model (read once per process)."""
    text = resources.files("rashomon.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return LineClassifier.from_dict(json.loads(text))


def decode(
    probabilities: np.ndarray, word_counts: list[int], decoding: Decoding, texts: list[str] | None = None
) -> tuple[tuple[int, int], list[bool]]:
    """The article's main run (first, last) and a keep flag per line."""
    best, best_range = 0.0, (0, -1)
    running, start = 0.0, 0
    for i, (p, w) in enumerate(zip(probabilities, word_counts)):
        if running <= 0:
            running, start = 0.0, i
        running += (p - decoding.run_threshold) * max(w, 1)
        if running > best:
            best, best_range = running, (start, i)
    first, last = best_range
    keep = [
        bool((first <= i <= last and p >= decoding.keep_threshold) or p >= decoding.rescue_threshold)
        for i, p in enumerate(probabilities)
    ]
    if decoding.drop_repeats and texts is not None:
        kept: set[tuple[str, ...]] = set()
        for i, text in enumerate(texts):
            if not keep[i]:
                continue
            own = shingles(text)
            if own and sum(g in kept for g in own) >= 0.5 * len(own):
                keep[i] = False
            kept.update(own)
    return best_range, keep
