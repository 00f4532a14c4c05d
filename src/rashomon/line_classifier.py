"""Score the lines of pasted page text: how likely is each one to belong to the article?

The text cleaner (`clean.py`) needs to tell the report from what a page puts around it —
menus, captions, teasers, tag lines, author boxes, sidebars of other headlines with dates. No
markup survives a paste, so each line is described by what it looks like and where it sits:

- its own shape: length, stopword density, a sentence ending, a truncation mark, the share of
  capitalised ("link-like") words, digits and punctuation, date-, time- and label-only lines;
- the page around it: how often it (or its first words) recurs in the page, its position, where
  it lies relative to the prose-dominated run of lines (`prose_run`), how far it is from running
  text in any language and whether prose bounds the non-prose block it is in (list items and
  table rows of the article are; menus and sidebars are not), comment-thread cues around it,
  and the same shape features of its neighbours.

Speed: the cleaner runs on every pasted article, so the features are computed for all lines of a
page at once (`shapes`: regexes over the joined page, per-character tables, word counts by line)
and the trees are walked for all lines and all trees together (`TreeEnsemble.predict`).

A gradient-boosted tree ensemble trained on text rendered from real news pages, with the
hand-written article bodies as labels (scripts/train_cleaner.py), turns these features into a
probability. The ensemble is shipped as plain JSON (`data/line_classifier.json`: the trees as
arrays, no pickled objects) and evaluated here with numpy, so scikit-learn is needed only to train.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
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
# An item of a list: a bullet, a dash or a number/letter with a full stop or bracket, then text.
LIST_MARKER = re.compile(r"^(?:[-–—•●▪◦*·►✓]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s*\S")
# What a comment thread puts around each comment (its controls, its counts, its header).
COMMENT_CUE = re.compile(
    r"\b(?:repl(?:y|ies)|report(?: abuse)?|permalink|upvotes?|downvotes?|likes?|points?|says|wrote|"
    r"leave a (?:reply|comment)|join the (?:discussion|conversation)|log in to comment|comments? (?:are )?closed)\b",
    re.I,
)
COMMA = re.compile(r"[,،、，;]")
FIRST_SECOND_PERSON = frozenset({"i", "i'm", "i’m", "me", "my", "you", "your", "you're", "you’re", "lol", "thanks", "u"})

# Lines before and after the one scored whose own shape is part of its description.
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
# Inside the prose run a non-prose line costs this many characters (as in body-text extraction).
RUN_PENALTY = 60


# Bulk regexes: the patterns above, applied to a whole page joined by newlines. `^`/`$` anchor at
# each line and `\s` never crosses a line break, so every match lies within one line and finds
# exactly what a search line by line would.
def _bulk(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern.pattern.replace(r"\s", r"[^\S\n]"), pattern.flags | re.M)


SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+[A-Z\"“]")
_PAGE_PATTERNS = {
    name: _bulk(pattern)
    for name, pattern in {
        "sentence_end": SENTENCE_END, "truncated": TRUNCATED, "label": LABEL, "byline": BYLINE,
        "name_like": NAME_LIKE, "any_sentence_end": ANY_SENTENCE_END,
    }.items()
}
_PAGE_PATTERNS["list_marker"] = _bulk(LIST_MARKER)
_PAGE_COUNTS = {
    "separators": _bulk(SEPARATORS), "sentence_breaks": _bulk(SENTENCE_BREAK), "cjk": _bulk(CJK), "commas": _bulk(COMMA),
}
# Case-insensitive alternations are slow to scan a page with; these run only on the lines that
# hold something every match needs (a digit; one of the lower-cased needles), line by line.
_DIGIT_PATTERNS = {"date": DATE, "time": TIME}
_NEEDLE_PATTERNS = {
    "credit": (CREDIT, ("photo", "getty", "afp", "reuters/", "credit:", "image:", "©")),
    "contact": (CONTACT, ("@", "http", "www.", ".com", "cookie", "subscribe", "newsletter", "sign")),
    "comment_cue": (COMMENT_CUE, (
        "repl", "report", "permalink", "vote", "like", "point", "says", "wrote", "leave a", "join the",
        "log in to", "closed",
    )),
}
# One bit per stopword list (bit 0: English, then OTHER_STOP_WORDS in order), looked up once a word.
_STOP_BITS: dict[str, int] = {}
for _bit, _words in enumerate((STOP_WORDS, *OTHER_STOP_WORDS)):
    for _w in _words:
        _STOP_BITS[_w] = _STOP_BITS.get(_w, 0) | (1 << _bit)


@dataclass
class Shapes:
    """What each line of a page looks like on its own: one array entry per line.

    Computed for all lines at once (regexes over the joined page, per-character tables, word
    counts by line) because the cleaner's speed is dominated by this step on long pages.
    """

    words: np.ndarray
    chars: np.ndarray
    stop: np.ndarray
    sentence_end: np.ndarray
    truncated: np.ndarray
    capitalised: np.ndarray
    digits: np.ndarray
    punctuation: np.ndarray
    prose: np.ndarray
    date: np.ndarray
    time: np.ndarray
    label: np.ndarray
    byline: np.ndarray
    credit: np.ndarray
    contact: np.ndarray
    separators: np.ndarray
    name_like: np.ndarray
    sentences: np.ndarray
    any_stop: np.ndarray
    any_sentence_end: np.ndarray
    cjk: np.ndarray
    running: np.ndarray  # `is_running_text`: prose in any language the stopword lists cover, or CJK
    list_marker: np.ndarray
    commas: np.ndarray  # commas and semicolons per word: clauses, in any language
    comment_cue: np.ndarray
    conversational: np.ndarray  # share of first/second-person words ("I", "you"): comments, not reports
    content: list[frozenset[str]] = field(repr=False)
    first_words: list[str] = field(repr=False)
    norm: list[str] = field(repr=False)


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


def normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _log1p(values: np.ndarray) -> np.ndarray:
    """math.log1p element by element (numpy's vectorised log1p may differ in the last bit)."""
    return np.array([math.log1p(v) for v in values.tolist()], dtype=float)


def shapes(texts: list[str]) -> Shapes:
    """The `Shapes` of a page's lines (stripped, non-empty, without line breaks)."""
    n = len(texts)
    page = "\n".join(texts)
    chars = np.array([len(t) for t in texts], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(chars[:-1] + 1)]) if n else np.zeros(0, dtype=np.int64)

    def lines_of_positions(positions: list[int]) -> np.ndarray:
        return np.searchsorted(starts, positions, side="right") - 1

    def lines_of(pattern: re.Pattern[str]) -> np.ndarray:
        return lines_of_positions([m.start() for m in pattern.finditer(page)])

    flags = {}
    for name, pattern in _PAGE_PATTERNS.items():
        flag = np.zeros(n, dtype=bool)
        flag[lines_of(pattern)] = True
        flags[name] = flag
    counts = {name: np.bincount(lines_of(pattern), minlength=n) for name, pattern in _PAGE_COUNTS.items()}
    lowered = page.lower()
    for name, (pattern, needles) in _NEEDLE_PATTERNS.items():
        candidates: set[int] = set()
        for needle in needles:
            at = lowered.find(needle)
            while at >= 0:
                candidates.add(at)
                at = lowered.find(needle, at + 1)
        flags[name] = _search_lines(pattern, texts, lines_of_positions(sorted(candidates)), n)

    # Per-character classes, looked up once per distinct character of the page.
    codes = np.frombuffer(page.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    distinct, inverse = np.unique(codes, return_inverse=True)
    distinct_chars = [chr(c) for c in distinct.tolist()]
    digit = np.array([c.isdigit() for c in distinct_chars], dtype=np.int64)[inverse]
    punct = np.array([not c.isalnum() and not c.isspace() for c in distinct_chars], dtype=np.int64)[inverse]
    digit_counts = np.add.reduceat(digit, starts) if n else np.zeros(0)
    for name, pattern in _DIGIT_PATTERNS.items():  # \d is a decimal digit: every one is isdigit()
        flags[name] = _search_lines(pattern, texts, np.flatnonzero(digit_counts), n)
    punct_counts = np.add.reduceat(punct, starts) if n else np.zeros(0)

    per_line = [WORD.findall(t) for t in texts]
    nwords = np.array([len(w) for w in per_line], dtype=np.int64)
    flat = [w for ws in per_line for w in ws]
    lower = [w.lower() for w in flat]
    line_of_word = np.repeat(np.arange(n), nwords)
    bits = np.array([_STOP_BITS.get(w, 0) for w in lower], dtype=np.int64)
    stop_counts = [np.bincount(line_of_word, weights=(bits >> b) & 1, minlength=n) for b in range(1 + len(OTHER_STOP_WORDS))]
    safe = np.maximum(nwords, 1)
    ratios = [np.where(nwords > 0, c / safe, 0.0) for c in stop_counts]
    alpha = np.array([w[0].isalpha() for w in flat], dtype=bool)
    upper = np.array([w[0].isupper() for w in flat], dtype=bool) & alpha
    n_alpha = np.bincount(line_of_word, weights=alpha, minlength=n)
    n_upper = np.bincount(line_of_word, weights=upper, minlength=n)
    content_word = [len(w) >= 3 and a and not b & 1 for w, a, b in zip(lower, alpha.tolist(), bits.tolist())]
    ends = np.cumsum(nwords).tolist()
    content = [
        frozenset(itertools.compress(lower[a:b], content_word[a:b])) for a, b in zip([0, *ends[:-1]], ends)
    ]
    norm = [normalise(t) for t in texts]

    stop, any_stop = ratios[0], np.max(ratios[1:], axis=0) if n else np.zeros(0)
    truncated, sentence_end = flags["truncated"], flags["sentence_end"]
    cjk = np.where(chars > 0, counts["cjk"] / np.maximum(chars, 1), 0.0)
    prose = ~truncated & (nwords >= 5) & ((sentence_end & (stop >= 0.15)) | ((nwords >= 30) & (stop >= 0.3)))
    either = np.maximum(stop, any_stop)
    any_end = flags["any_sentence_end"]
    running = ~truncated & np.where(
        cjk >= 0.3,
        (chars >= 40) & any_end,
        (nwords >= 5) & ((any_end & (either >= 0.15)) | ((nwords >= 30) & (either >= 0.3))),
    )
    return Shapes(
        words=nwords,
        chars=chars,
        stop=stop,
        sentence_end=sentence_end,
        truncated=truncated,
        capitalised=np.where(n_alpha > 0, n_upper / np.maximum(n_alpha, 1), 0.0),
        digits=np.where(chars > 0, digit_counts / np.maximum(chars, 1), 0.0),
        punctuation=np.where(chars > 0, punct_counts / np.maximum(chars, 1), 0.0),
        prose=prose,
        date=flags["date"],
        time=flags["time"],
        label=flags["label"],
        byline=flags["byline"] & (nwords <= 12),
        credit=flags["credit"],
        contact=flags["contact"],
        separators=counts["separators"],
        name_like=flags["name_like"],
        sentences=counts["sentence_breaks"] + sentence_end,
        any_stop=any_stop,
        any_sentence_end=any_end,
        cjk=cjk,
        running=running,
        list_marker=flags["list_marker"],
        commas=np.where(nwords > 0, counts["commas"] / safe, 0.0),
        comment_cue=flags["comment_cue"],
        conversational=np.where(nwords > 0, np.bincount(line_of_word, weights=[w in FIRST_SECOND_PERSON for w in lower], minlength=n) / safe, 0.0),
        content=content,
        first_words=[" ".join(t.split()[:5]) for t in norm],
        norm=norm,
    )


def _search_lines(pattern: re.Pattern[str], texts: list[str], candidates: np.ndarray, n: int) -> np.ndarray:
    """pattern.search on the candidate lines only; False elsewhere."""
    flag = np.zeros(n, dtype=bool)
    for i in np.unique(candidates).tolist():
        flag[i] = pattern.search(texts[i]) is not None
    return flag


def prose_run(prose: np.ndarray, chars: np.ndarray, norm: list[str], repeated: set[str]) -> tuple[int, int]:
    """The stretch of lines with the most prose: a maximum-sum run (as in body-text extraction).

    A line scores its length when it is prose (and not repeated in the page), else -RUN_PENALTY.
    Returns (first, last) line indices; last < first when the page has no prose line at all.
    """
    best, best_range = 0.0, (0, -1)
    running, start = 0.0, 0
    for i, (p, c, t) in enumerate(zip(prose.tolist(), chars.tolist(), norm)):
        score = c if p and t not in repeated else -RUN_PENALTY
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_range = running, (start, i)
    return best_range


def _own(s: Shapes) -> np.ndarray:
    return np.column_stack([
        _log1p(s.words),
        _log1p(s.chars),
        s.stop,
        s.sentence_end,
        s.truncated,
        s.capitalised,
        s.digits,
        s.punctuation,
        s.prose,
        s.date,
        s.time,
        s.date & (s.words <= 8),
        s.label,
        s.byline,
        s.credit,
        s.contact,
        np.minimum(s.separators, 5),
        s.name_like,
        np.minimum(s.sentences, 10),
        s.any_stop,
        s.any_sentence_end,
        s.cjk,
        s.list_marker,
        np.minimum(s.commas, 1.0),
        s.comment_cue & (s.words <= 12),
        s.conversational,
    ]).astype(float)


OWN_NAMES = [
    "log_words", "log_chars", "stop", "sentence_end", "truncated", "capitalised", "digits", "punctuation",
    "prose", "date", "time", "date_only", "label", "byline", "credit", "contact", "separators", "name_like",
    "sentences", "any_stop", "any_sentence_end", "cjk", "list_marker", "commas", "comment_cue", "conversational",
]
NEIGHBOUR_NAMES = ["log_words", "stop", "sentence_end", "prose", "capitalised", "date_only", "any_stop", "list_marker"]
_NEIGHBOUR_INDEX = [OWN_NAMES.index(n) for n in NEIGHBOUR_NAMES]
PAGE_NAMES = [
    "repeats", "prefix_repeats", "position", "lines_in_page", "in_run", "run_distance_before",
    "run_distance_after", "run_offset", "run_chars_share", "window_prose_share", "page_prose_share",
    "words_vs_page_median", "run_vocabulary_overlap", "log_content_words", "said_before", "said_after",
    "running_text", "in_any_run", "any_run_distance", "chars_vs_page_max", "chars_rank",
    "running_gap_before", "running_gap_after", "text_streak", "streak_between_running", "window_running_share",
    "any_run_vocabulary_overlap", "any_run_offset", "after_comment_cue", "comment_cues_near",
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
    s = shapes(texts)
    own = _own(s)
    counts = Counter(s.norm)
    long_line = (s.words >= 5).tolist()
    prefixes = Counter(f for f, long in zip(s.first_words, long_line) if long)
    repeated = {t for t, c in counts.items() if c > 1 and t}
    first, last = prose_run(s.prose, s.chars, s.norm, repeated)
    has_run = last >= first
    chars = s.chars.astype(float)
    prose_chars = np.where(s.prose, chars, 0.0)
    run_chars = prose_chars[first:last + 1].sum() if has_run else 0.0
    median_words = float(np.median(s.words))
    # The run's vocabulary: a line about the article's subject shares its content words; a teaser
    # of another story does not. A line in the run is compared with the rest of the run only.
    vocabulary: Counter[str] = Counter()
    for c in s.content[first:last + 1]:
        vocabulary.update(c)

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
    any_first, any_last = prose_run(s.running, s.chars, s.norm, repeated)
    longest = max(chars.max(), 1.0)
    rank = np.empty(n)
    rank[np.argsort(-chars, kind="stable")] = np.arange(n)
    cum_prose = np.concatenate([[0.0], np.cumsum(prose_chars)])
    cum_chars = np.concatenate([[0.0], np.cumsum(chars)])
    total_prose = cum_prose[-1]
    index = np.arange(n)
    lo, hi = np.maximum(0, index - 5), np.minimum(n, index + 6)
    window = cum_chars[hi] - cum_chars[lo]
    in_run = (first <= index) & (index <= last)
    distance_any = np.where(index < any_first, any_first - index, np.where(index > any_last, index - any_last, 0))
    log_words = own[:, OWN_NAMES.index("log_words")]
    page = np.column_stack([
        _log1p(np.array([counts[t] - 1 for t in s.norm])),
        np.where(s.words >= 5, _log1p(np.array([prefixes[f] - 1 if long else 0 for f, long in zip(s.first_words, long_line)])), 0.0),
        index / n,
        np.full(n, math.log1p(n)),
        has_run & in_run,
        _log1p(np.maximum(first - index, 0)) if has_run else np.zeros(n),
        _log1p(np.maximum(index - last, 0)) if has_run else np.zeros(n),
        (index - first) / max(1, last - first + 1) if has_run else np.zeros(n),
        np.full(n, run_chars / total_prose if total_prose else 0.0),
        np.where(window > 0, (cum_prose[hi] - cum_prose[lo]) / np.where(window > 0, window, 1.0), 0.0),
        np.full(n, total_prose / cum_chars[-1] if cum_chars[-1] else 0.0),
        log_words - math.log1p(median_words),
        [_overlap(c, vocabulary, inside) for c, inside in zip(s.content, in_run.tolist())],
        _log1p(np.array([len(c) for c in s.content])),
        before,
        after,
        s.running,
        (any_first <= index) & (index <= any_last),
        _log1p(distance_any) if any_last >= any_first else np.full(n, 5.0),
        chars / longest,
        _log1p(rank),
        *_context(s, any_first, any_last, cum_chars, lo, hi, repeated),
    ]).astype(float)
    return np.hstack([own, *neighbour_cols, *missing_cols, page])


def _context(
    s: Shapes, any_first: int, any_last: int, cum_chars: np.ndarray, lo: np.ndarray, hi: np.ndarray, repeated: set[str]
) -> list[np.ndarray]:
    """Where a line sits among the page's running text, in any language.

    - running_gap_before/after: lines back/on to the nearest running-text line (log; 5 when none).
      A list item or sub-heading of the article lies a few lines from prose on both sides; a menu
      entry or a sidebar headline lies far from it on at least one.
    - text_streak, streak_between_running: the run of consecutive non-prose lines the line belongs
      to (log length; 0 for prose), and whether prose bounds it on both sides.
    - window_running_share: the share of the characters in the 11 lines around it that are
      running text (like window_prose_share, without the English stopwords).
    - any_run_vocabulary_overlap, any_run_offset: as for the English prose run, for the
      any-language run.
    - after_comment_cue, comment_cues_near: a comment-thread cue line ("Reply", "Leave a comment",
      "12 likes") after the any-language run and before this line; cue lines among the 7 around it.
    """
    n = len(s.words)
    index = np.arange(n)
    running = s.running & np.array([t not in repeated for t in s.norm], dtype=bool)
    where = np.flatnonzero(running)
    if len(where):
        nxt = np.searchsorted(where, index, side="left")  # first running line at or after i
        after = np.where(nxt < len(where), where[np.minimum(nxt, len(where) - 1)] - index, 10**6)
        prv = np.searchsorted(where, index, side="right") - 1  # last running line at or before i
        before = np.where(prv >= 0, index - where[np.maximum(prv, 0)], 10**6)
    else:
        before = after = np.full(n, 10**6)
    gap_before = np.where(before < 10**6, _log1p(np.minimum(before, 10**5)), 5.0)
    gap_after = np.where(after < 10**6, _log1p(np.minimum(after, 10**5)), 5.0)
    streak = np.where(running, 0, np.minimum(before, 10**6) + np.minimum(after, 10**6) - 1)
    between = ~running & (before < 10**6) & (after < 10**6)
    streak_log = np.where(between, _log1p(np.minimum(streak, 10**5)), np.where(running, 0.0, 5.0))
    running_chars = np.concatenate([[0.0], np.cumsum(np.where(s.running, s.chars, 0).astype(float))])
    window = cum_chars[hi] - cum_chars[lo]
    share = np.where(window > 0, (running_chars[hi] - running_chars[lo]) / np.where(window > 0, window, 1.0), 0.0)
    has_run = any_last >= any_first
    vocabulary: Counter[str] = Counter()
    for c in s.content[any_first:any_last + 1]:
        vocabulary.update(c)
    inside = (any_first <= index) & (index <= any_last)
    overlap = np.array([_overlap(c, vocabulary, i) for c, i in zip(s.content, inside.tolist())])
    offset = (index - any_first) / max(1, any_last - any_first + 1) if has_run else np.zeros(n)
    cue = s.comment_cue & (s.words <= 12)
    cue_after_run = cue & (index > any_last) if has_run else cue
    seen = np.cumsum(cue_after_run) - cue_after_run  # cue lines strictly before this one
    cue_sum = np.concatenate([[0], np.cumsum(cue)])
    near = cue_sum[np.minimum(n, index + 4)] - cue_sum[np.maximum(0, index - 3)]
    return [gap_before, gap_after, streak_log, between, share, overlap, offset, seen > 0, np.minimum(near, 5)]


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    return set(zip(*(tokens[i:] for i in range(size))))


def said_elsewhere(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each line, the share of its 4-word shingles that earlier lines / later lines contain.

    Pages often carry the article twice (a teaser or summary block holding the whole lead, a
    print copy); the copy that comes second is the one to drop, so the direction matters.
    """
    ids: dict[tuple[str, ...], int] = {}
    line_ids: list[int] = []
    sizes = []
    for text in texts:
        own = shingles(text)
        sizes.append(len(own))
        line_ids.extend(ids.setdefault(g, len(ids)) for g in own)
    n = len(texts)
    shingle = np.array(line_ids, dtype=np.int64)
    line = np.repeat(np.arange(n), sizes)
    first_line = np.full(len(ids), n)
    last_line = np.full(len(ids), -1)
    np.minimum.at(first_line, shingle, line)
    np.maximum.at(last_line, shingle, line)
    size = np.array(sizes, dtype=float)
    earlier = np.bincount(line, weights=first_line[shingle] < line, minlength=n)
    later = np.bincount(line, weights=last_line[shingle] > line, minlength=n)
    safe = np.maximum(size, 1.0)
    return np.where(size > 0, earlier / safe, 0.0), np.where(size > 0, later / safe, 0.0)


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
class _FlatTrees:
    """A tree ensemble's node arrays laid end to end: node ids are global, children point within."""

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray


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
        """Probability that each row's line belongs to the article.

        All trees walk all rows at once: the node arrays are laid end to end (`_flat`), so one
        step moves every (row, tree) pair not yet on a leaf down one level with a few gathers.
        The leaf values are then added tree by tree, in the order the reference walk adds them
        (`predict_reference`), so the result is the same to the last bit.
        """
        if len(X) == 0:
            return np.zeros(0)
        flat = self._flat
        X = np.ascontiguousarray(X, dtype=float)
        n, width = X.shape
        node = np.tile(flat.roots, n)  # (row, tree) pairs, row-major
        cell = np.repeat(np.arange(n) * width, len(flat.roots))  # where each pair's row starts in X
        cells = X.ravel()
        active = np.arange(len(node))  # pairs not yet on a leaf
        for _ in range(self.depth):
            at = node[active]
            inner = ~flat.leaf[at]
            active, at = active[inner], at[inner]
            if not len(active):
                break
            go_left = cells[cell[active] + flat.feature[at]] <= flat.threshold[at]
            node[active] = np.where(go_left, flat.left[at], flat.right[at])
        node = node.reshape(n, -1)
        leaves = np.hstack([np.full((n, 1), self.init), flat.value[node]])
        raw = np.cumsum(leaves, axis=1)[:, -1]  # sequential, like the reference loop
        return 1.0 / (1.0 + np.exp(-raw))

    def predict_reference(self, X: np.ndarray) -> np.ndarray:
        """The same probabilities tree by tree (slow, plain): the specification `predict` meets."""
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

    @cached_property
    def _flat(self) -> _FlatTrees:
        trees, width = self.feature.shape
        offset = (np.arange(trees) * width)[:, None]
        return _FlatTrees(
            roots=offset.ravel(),
            feature=np.maximum(self.feature, 0).ravel(),  # a leaf's feature is never used: it points to itself
            threshold=self.threshold.ravel(),
            left=(self.left + offset).ravel(),
            right=(self.right + offset).ravel(),
            value=self.value.ravel(),
            leaf=(self.feature < 0).ravel(),
        )

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
