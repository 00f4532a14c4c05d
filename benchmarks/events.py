"""Event extraction (issue 8): who did what to whom, scored on hand-labelled real sentences.

What is measured, and how:

* Gold: benchmarks/data/events_gold.jsonl, 1456 real sentences: every sentence of the two seed
  pages (examples/) and lines of ECB+ documents chosen by a fixed rule (`select_ecbplus`): lead
  lines of the standard ECB+ dev topics present in /work/shared (2, 5, 23, 34, 35), the first two
  lines of the crime/violence topics (8, 16, 19, 22, 26, 32), and topic 41 (Gaza school shelling
  / Sudan's bombing of a refugee camp in South Sudan, the one international-relations topic of the
  subset; every line of its ecbplus documents); round 3 (`select_round3`, dev only): further lines
  of `*_ecb` documents (402 sentences); round 4 (`select_round4`, dev and test): 261 sentences of
  2019 news pages of many outlets (the extraction benchmark's hand-written article bodies): English
  pages, sentences of >= 8 words with two named-entity mentions of which one is a country, the first
  6 per page, split by page (sha1 of the page hash: even = dev, odd = test); round 5
  (`select_round5`, dev only): sentences 7-12 of the round-4 dev pages and lines 7-8 of the
  conflict topics' `*_ecb` documents (99 sentences), a fresh dev sample. Selection is
  mechanical (`--select` prints it again); the events were labelled by reading each sentence. How,
  and the labelling rules: benchmarks/data/README.md. Dev is reported whole and by round.
* Split: dev = the seeds + the `*_ecb` subtopics + the round-4 dev pages (the lexicon and the
  reader were developed looking at these); test = the `*_ecbplus` subtopics (other real events of
  the same kinds, other outlets) + the round-4 test pages, not looked at while developing. The
  headline number is **test** (all test sentences); `test (ecbplus)` and `test (round 4)` are its
  two parts.
* An event is correct when its type and both actors match a gold event of the sentence
  (a gold actor is a list of acceptable codes/names: an ISO3 code matches the country part of
  the predicted code, "SDN MIL" ~ "SDN"; a name matches by case-folded containment). Gold
  events marked symmetric ("talks between A and B") match in either direction. Negated or
  cancelled events are not events: a predicted negated event is dropped before scoring, and a
  gold negated event is not expected (predicting it as happened is a false positive).
* Baseline: every sentence with a lexicon word (verb, noun or adjective lemma of
  data/event_lexicon.yaml) and two different actors among its mentions (the same mention coding
  as rashomon) is one event of that word's type, first actor → second actor.
* Also reported: date accuracy of matched events whose gold date is set, and the sector of
  matched actors where gold gives one.

Writes benchmarks/results/events.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rashomon import nlp  # noqa: E402
from rashomon.entities import find_mentions  # noqa: E402
from rashomon.events import EventReader, find_events, home_country  # noqa: E402
from rashomon.model import Event  # noqa: E402
from rashomon.timex import find_dates  # noqa: E402

GOLD = ROOT / "benchmarks" / "data" / "events_gold.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "events.json"
SHARED = ROOT.parent / "shared"
ECB_TOPICS = ("2", "5", "23", "34", "35", "41")  # ECB+ dev topics in the subset, + topic 41
# Round 2: every topic of the subset whose two events are political violence, crime or arrests
# (chosen from the topic descriptions, before reading any sentence): bank bombing / Athens
# riot deaths (8), a deputy's murder arrests / a death sentence (16), Greek / Brooklyn riots after
# police shootings (19), a murder charge / a workplace shooting (22), a Mafia boss's arrest /
# death in prison (26), a stabbing arrest / a double-murder charge (32).
CONFLICT_TOPICS = ("8", "16", "19", "22", "26", "32")
LINES_PER_DOC = {"41": 8, **{t: 2 for t in CONFLICT_TOPICS}}  # other topics: the first line
ALL_LINES = ("41_ecbplus",)  # every line: the one test subtopic dense in interstate events
CODE = re.compile(r"^[A-Z]{3}( [A-Z]{3})?$")
SYMMETRIC_MODES = {"talks", "meet"}


# -- gold -----------------------------------------------------------------------------------
@dataclass
class GoldEvent:
    type: str
    source: list[str]
    target: list[str]
    date: str | None = None
    mode: str | None = None
    negated: bool = False
    symmetric: bool = False


@dataclass
class Sentence:
    id: str
    corpus: str
    split: str
    text: str
    dateline: str | None
    published: str | None
    events: list[GoldEvent]
    anchor: str | None = None  # the date relative dates resolve against (publish date, else the first full date)
    # labelling round: 1-2 (the first set), 3 (dev sentences added to develop against), 4 (other
    # outlets), 5 (a fresh dev sample)
    round: int = 1


def load_gold(path: Path = GOLD) -> list[Sentence]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append(Sentence(r["id"], r["corpus"], r["split"], r["sentence"], r.get("dateline"), r.get("published"),
                            [GoldEvent(**e) for e in r["events"]], r.get("anchor") or r.get("published"), r.get("round", 1)))
    return out


def detokenise(line: str) -> str:
    """ECB+ text is tokenised (tokens joined by spaces): undo the spacing for the parser."""
    s = line.replace("`` ", '"').replace(" ''", '"')
    s = re.sub(r" ([,.;:!?%)])", r"\1", s)
    s = re.sub(r"\( ", "(", s)
    s = re.sub(r" (['’]s|n't|'re|'ll|'ve|'m|'d)\b", r"\1", s)
    s = re.sub(r"\$ (\d)", r"$\1", s)
    s = re.sub(r"\b([A-Z])\. ([A-Z])\.", r"\1.\2.", s)
    s = re.sub(r"(\d)([:.,]) (\d)", r"\1\2\3", s)
    return re.sub(r"(\w) - (\w)", r"\1-\2", s)


def select_ecbplus(docs: list[dict]) -> list[dict]:
    """The ECB+ sentences of the gold set: per document of the chosen topics, the first sentence
    (the first eight for topic 41 -- every one for its ecbplus documents -- two for the conflict
    topics) with at least 8 tokens, 5 of them lower-case words, no URL, each text once. Chosen without looking at events, so the set is not
    biased to the system."""
    out, seen = [], set()
    for doc in docs:
        if doc["topic"] not in ECB_TOPICS + CONFLICT_TOPICS:
            continue
        per = 10**6 if doc["subtopic"] in ALL_LINES else LINES_PER_DOC.get(doc["topic"], 1)
        n = 0
        for i, line in enumerate(doc["text"].split("\n")):
            toks = line.split()
            if len(toks) < 8 or "http" in line or "www" in line \
                    or sum(t.isalpha() and any(c.islower() for c in t) for t in toks) < 5:
                continue
            s = detokenise(line)
            if s in seen:
                continue
            seen.add(s)
            out.append({"doc": doc["doc_id"], "line": i, "subtopic": doc["subtopic"], "sentence": s})
            n += 1
            if n >= per:
                break
    return out


# Round 3 (dev only, `*_ecb` subtopics only; the rule was written down before any of its
# sentences was read): per `*_ecb` document, a further range of qualifying lines (0-based
# ordinals among the lines `select_ecbplus` would accept), each text once and never one already in
# rounds 1-2 (such a line still counts in the ordinal). Topic 41 (the interstate topic): every line after the first eight; the conflict
# topics: lines 3-6; topics 34 (Obama asks Gupta) and 35 (DUI arrests), the round-1 topics with
# requests and arrests: lines 2-3; topics 11 (Turkmen parliamentary election) and 13 (arson of the
# Wasilla church), the other political / crime topics of the subset: lines 1-2.
ROUND3_LINES = {"41": (8, 10**6), **{t: (2, 6) for t in CONFLICT_TOPICS}, "34": (1, 3), "35": (1, 3),
                "11": (0, 2), "13": (0, 2)}


def _qualifying(doc: dict) -> list[tuple[int, str]]:
    """(line number, de-tokenised text) of the document's lines that are real sentences: at least
    8 tokens, 5 of them lower-case words, no URL."""
    out = []
    for i, line in enumerate(doc["text"].split("\n")):
        toks = line.split()
        if len(toks) < 8 or "http" in line or "www" in line \
                or sum(t.isalpha() and any(c.islower() for c in t) for t in toks) < 5:
            continue
        out.append((i, detokenise(line)))
    return out


def select_round3(docs: list[dict]) -> list[dict]:
    """The round-3 dev sentences (ROUND3_LINES): blind to events, reproducible, `*_ecb` only."""
    seen = {c["sentence"] for c in select_ecbplus(docs)}
    out = []
    for doc in docs:
        if not doc["subtopic"].endswith("_ecb") or doc["topic"] not in ROUND3_LINES:
            continue
        lo, hi = ROUND3_LINES[doc["topic"]]
        ordinal = 0
        for i, s in _qualifying(doc):
            if lo <= ordinal < hi and s not in seen:
                out.append({"doc": doc["doc_id"], "line": i, "subtopic": doc["subtopic"], "sentence": s})
            seen.add(s)
            ordinal += 1
    return out


# Round 4 (dev and test; the rule was written down before any of its sentences was read): real
# 2019 pages of many outlets (/work/shared/bench/extraction, the article-extraction benchmark;
# `articleBody` is the hand-written article text). Mechanical and blind to events:
# * a page is English when at least ROUND4_STOP_SHARE of its alphabetic tokens (lower-cased) are
#   in spaCy's English stop-word list;
# * its articleBody is split into paragraphs at newlines and each paragraph into sentences by the
#   parser (rashomon.nlp); a sentence qualifies when it has at least 8 words (alphabetic tokens),
#   no URL, and at least two named-entity mentions (rashomon.entities.find_mentions on the
#   paragraph) of which at least one resolves to a country (mention.country set): sentences where
#   an interaction between named actors is *possible*, whether or not one happens;
# * per page, the first ROUND4_PER_PAGE qualifying sentences, each text once;
# * split by page: sha1 of the page's hash, even = dev, odd = test.
ROUND4_STOP_SHARE = 0.25  # the gap in the pages' shares (0.18 .. 0.28); English news sits at 0.3-0.65
ROUND4_PER_PAGE = 6
EXTRACTION = SHARED / "bench" / "extraction" / "ground-truth.json"
URL_DATE = re.compile(r"[/_-](20\d\d)[/-](\d\d|[a-z]{3})[/-](\d\d)(?=[/_.-]|$)", re.I)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _english(text: str) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    return bool(words) and sum(w in STOP_WORDS for w in words) / len(words) >= ROUND4_STOP_SHARE


def url_date(url: str) -> str | None:
    """The publish date a URL states (/2019/11/19/), else None."""
    m = URL_DATE.search(url)
    if not m:
        return None
    try:
        month = int(m[2]) if m[2].isdigit() else MONTHS.index(m[2].lower()) + 1
        return dt.date(int(m[1]), month, int(m[3])).isoformat()
    except ValueError:
        return None


def round4_split(page_hash: str) -> str:
    return "dev" if int(hashlib.sha1(page_hash.encode()).hexdigest(), 16) % 2 == 0 else "test"


def select_round4(pages: dict[str, dict], per_page: int = ROUND4_PER_PAGE) -> list[dict]:
    """The round-4 sentences (rule above): blind to events, reproducible, both splits. `per_page`
    is the cap (round 5 reads further down the same pages)."""
    out, seen = [], set()
    for page_hash in sorted(pages):
        page = pages[page_hash]
        body = page.get("articleBody") or ""
        if not _english(body):
            continue
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        n = 0
        for doc in nlp.parse_many(paragraphs):
            mentions = find_mentions(doc, page_hash)
            for sent in doc.sents:
                text = sent.text.strip()
                if n >= per_page or text in seen or "http" in text or "www." in text \
                        or sum(t.is_alpha for t in sent) < 8:
                    continue
                inside = [m for m in mentions if sent.start_char <= m.start and m.end <= sent.end_char]
                if len(inside) < 2 or not any(m.country for m in inside):
                    continue
                seen.add(text)
                n += 1
                out.append({"page": page_hash, "n": n - 1, "split": round4_split(page_hash), "url": page.get("url", ""),
                            "published": url_date(page.get("url", "")), "sentence": text})
            if n >= per_page:
                break
    return out


# Round 5 (dev only; the rule was written down before any of its sentences was read): a fresh
# estimate of how the reader generalises, after rounds 1-4 had each been developed against.
# * the round-4 **dev** pages (even sha1) only, read further down: their qualifying sentences 7-12
#   (ordinals 6-11 of `select_round4` with a cap of 12; a text already in round 4 is never taken
#   again); the odd (test) pages are never read;
# * if that gives fewer than ROUND5_MIN sentences: further qualifying lines of `*_ecb` documents
#   (never `*_ecbplus`: test) not used by rounds 1-3, by per-topic ordinal ranges like round 3's
#   (ROUND5_ECB_LINES; ordinals among the lines `_qualifying` accepts; each text once).
ROUND5_PER_PAGE = 12
ROUND5_MIN = 100
# The conflict topics of rounds 2-3, next lines down (lines 7-8). First written with 34/35 (lines
# 4-5) and 11/13 (lines 3-4) too: 180 sentences; narrowed on the counts alone (no sentence read)
# to the conflict topics, 99 sentences, to keep the labelling to one sitting.
ROUND5_ECB_LINES = {t: (6, 8) for t in CONFLICT_TOPICS}


def select_round5(pages: dict[str, dict], docs: list[dict]) -> list[dict]:
    """The round-5 dev sentences (rule above): blind to events, reproducible, dev only."""
    round4 = {c["sentence"] for c in select_round4(pages)}
    out = [c for c in select_round4(pages, ROUND5_PER_PAGE)
           if c["n"] >= ROUND4_PER_PAGE and c["split"] == "dev" and c["sentence"] not in round4]
    if len(out) >= ROUND5_MIN:
        return out
    seen = {c["sentence"] for c in select_ecbplus(docs)} | {c["sentence"] for c in select_round3(docs)} | round4 \
        | {c["sentence"] for c in out}
    for doc in docs:
        if not doc["subtopic"].endswith("_ecb") or doc["topic"] not in ROUND5_ECB_LINES:
            continue
        lo, hi = ROUND5_ECB_LINES[doc["topic"]]
        for ordinal, (i, s) in enumerate(_qualifying(doc)):
            if lo <= ordinal < hi and s not in seen:
                out.append({"doc": doc["doc_id"], "line": i, "subtopic": doc["subtopic"], "sentence": s, "split": "dev"})
            seen.add(s)
    return out


# -- matching -------------------------------------------------------------------------------
def actor_matches(predicted: str | None, gold: list[str]) -> bool:
    if not predicted:
        return False
    pred_country = predicted.split(" ")[0] if re.match(r"^[A-Z]{3}\b", predicted) else None
    for alt in gold:
        if CODE.match(alt):
            if pred_country == alt.split(" ")[0]:
                return True
        else:
            a, p = alt.casefold().removeprefix("the "), predicted.casefold().removeprefix("the ")
            if a == p or len(a) >= 3 and len(p) >= 3 and (a in p or p in a):
                return True
    return False


def event_matches(p: Event, g: GoldEvent) -> bool:
    if p.action != g.type:
        return False
    if actor_matches(p.source_actor, g.source) and actor_matches(p.target_actor, g.target):
        return True
    symmetric = g.symmetric or p.mode in SYMMETRIC_MODES and g.mode in SYMMETRIC_MODES
    return symmetric and actor_matches(p.source_actor, g.target) and actor_matches(p.target_actor, g.source)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dates_right: int = 0
    dates_total: int = 0
    sectors_right: int = 0
    sectors_total: int = 0

    def add(self, other: Score) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "date_accuracy": round(self.dates_right / self.dates_total, 4) if self.dates_total else None,
                "n_dated": self.dates_total,
                "sector_accuracy": round(self.sectors_right / self.sectors_total, 4) if self.sectors_total else None,
                "n_sectors": self.sectors_total}


def _sector(code: str | None) -> str | None:
    return code.split(" ")[1] if code and CODE.match(code) and " " in code else None


def score_sentence(predicted: list[Event], gold: list[GoldEvent]) -> tuple[Score, list[Event], list[GoldEvent]]:
    """Greedy one-to-one matching of affirmed predicted events to affirmed gold events."""
    preds = [p for p in predicted if not p.negated]
    golds = [g for g in gold if not g.negated]
    s = Score()
    unmatched = list(golds)
    false_pos = []
    for p in preds:
        hit = next((g for g in unmatched if event_matches(p, g)), None)
        if hit is None:
            false_pos.append(p)
            continue
        unmatched.remove(hit)
        s.tp += 1
        if hit.date:
            s.dates_total += 1
            s.dates_right += p.date == hit.date
        for pred_actor, gold_alts in ((p.source_actor, hit.source), (p.target_actor, hit.target)):
            gold_sectors = {_sector(a) for a in gold_alts if _sector(a)}
            if gold_sectors and not any(not CODE.match(a) for a in gold_alts):
                s.sectors_total += 1
                s.sectors_right += _sector(pred_actor) in gold_sectors
    s.fp = len(false_pos)
    s.fn = len(unmatched)
    return s, false_pos, unmatched


# -- systems --------------------------------------------------------------------------------
def baseline_events(reader: EventReader) -> list[Event]:
    """A known word and two different actors in one sentence = one event, first → second."""
    lex = reader.lex
    out = []
    for sent in reader.doc.sents:
        trigger = None
        for tok in sent:
            lemma = tok.lemma_.lower()
            entry = (lex.verbs.get(lemma) if tok.pos_ == "VERB" else lex.nouns.get(lemma) if tok.pos_ in ("NOUN", "PROPN")
                     else lex.adjectives.get(lemma) if tok.pos_ == "ADJ" else None)
            if entry:
                trigger = (tok, entry)
                break
        if trigger is None:
            continue
        actors = []
        for m in reader.mentions:
            if sent.start_char <= m.start < sent.end_char:
                a = reader.actor_of_mention(m)
                if all(a.code != b.code for b in actors):
                    actors.append(a)
        if len(actors) >= 2:
            tok, entry = trigger
            out.append(Event(date=None, source_actor=actors[0].code, action=entry["type"], target_actor=actors[1].code,
                             document=reader.document, start=sent.start_char, end=sent.end_char, mode=entry.get("mode"),
                             text=sent.text, trigger=tok.text))
    return out


def run(gold: list[Sentence]) -> dict:
    rows = {}
    parsed = list(nlp.parse_many(s.text for s in gold))
    for s, doc in zip(gold, parsed):
        anchor = dt.date.fromisoformat(s.anchor) if s.anchor else None
        mentions = find_mentions(doc, s.id)
        dates = find_dates(s.text, s.id, anchor)
        home = home_country(s.dateline)
        ours = find_events(doc, s.id, mentions, dates, home)
        base = baseline_events(EventReader(doc, s.id, mentions, dates, home))
        rows[s.id] = (ours, base)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--select", action="store_true", help="print the ECB+ sentence selection and exit")
    ap.add_argument("--errors", choices=["dev", "dev (rounds 1-2)", "dev (round 3)", "dev (round 4)", "dev (round 5)",
                                         "seeds (dev)", "test",
                                         "all"],
                    help="print the errors of this split")
    ap.add_argument("--dev", action="store_true",
                    help="development run: read and score the dev split only (no test number printed), write nothing")
    args = ap.parse_args()
    console = Console(width=150)
    if args.select:
        docs = json.loads((SHARED / "bench" / "ecbplus" / "docs.json").read_text(encoding="utf-8"))
        for c in select_ecbplus(docs):
            console.print(f"{c['doc']}:{c['line']} [{c['subtopic']}] {c['sentence']}")
        for c in select_round3(docs):
            console.print(f"{c['doc']}:{c['line']} [{c['subtopic']}] (round 3) {c['sentence']}")
        pages = json.loads(EXTRACTION.read_text(encoding="utf-8"))
        for c in select_round4(pages):
            console.print(f"extraction:{c['page'][:12]}:{c['n']} [{c['split']}] (round 4) {c['sentence']}")
        for c in select_round5(pages, docs):
            where = f"extraction:{c['page'][:12]}:{c['n']}" if "page" in c else f"{c['doc']}:{c['line']} [{c['subtopic']}]"
            console.print(f"{where} [dev] (round 5) {c['sentence']}")
        return
    gold = load_gold()
    if args.dev:
        gold = [s for s in gold if s.split == "dev"]
    t0 = time.perf_counter()
    rows = run(gold)
    elapsed = time.perf_counter() - t0
    groups = {"test": lambda s: s.split == "test", "dev": lambda s: s.split == "dev",
              "dev (rounds 1-2)": lambda s: s.split == "dev" and s.round < 3,
              "dev (round 3)": lambda s: s.split == "dev" and s.round == 3,
              "dev (round 4)": lambda s: s.split == "dev" and s.round == 4,
              "dev (round 5)": lambda s: s.split == "dev" and s.round == 5,
              "test (ecbplus)": lambda s: s.split == "test" and s.corpus == "ecbplus",
              "test (round 4)": lambda s: s.split == "test" and s.round == 4, "all": lambda s: True,
              "seeds (dev)": lambda s: s.corpus == "seeds", "ecbplus topic 41 (test)": lambda s: s.split == "test" and "41_" in s.id}
    results: dict = {}
    if args.dev:
        groups = {k: v for k, v in groups.items() if k.startswith("dev") or k == "seeds (dev)"}
    for name, keep in groups.items():
        ours, base = Score(), Score()
        n = 0
        for s in gold:
            if not keep(s):
                continue
            n += 1
            o, b = rows[s.id]
            so, fp, fn = score_sentence(o, s.events)
            ours.add(so)
            base.add(score_sentence(b, s.events)[0])
            if args.errors == name and (fp or fn):
                console.print(f"[bold]{s.id}[/] {s.text}")
                for p in fp:
                    console.print(f"  [red]FP[/] {p.source_actor} {p.action}/{p.mode} {p.target_actor} ({p.trigger})")
                for g in fn:
                    console.print(f"  [yellow]FN[/] {g.source} {g.type} {g.target}")
        results[name] = {"n_sentences": n, "n_events": ours.tp + ours.fn, "rashomon": ours.as_dict(),
                         "baseline": base.as_dict()}
    table = Table(title="Events: type + both actors (P/R/F1)")
    for col in ("split", "sentences", "gold events", "rashomon P", "R", "F1", "baseline P", "R", "F1",
                "date acc.", "sector acc."):
        table.add_column(col, justify="right" if col != "split" else "left")
    for name, r in results.items():
        o, b = r["rashomon"], r["baseline"]
        table.add_row(name, str(r["n_sentences"]), str(r["n_events"]), f"{o['precision']:.3f}", f"{o['recall']:.3f}",
                      f"{o['f1']:.3f}", f"{b['precision']:.3f}", f"{b['recall']:.3f}", f"{b['f1']:.3f}",
                      "-" if o["date_accuracy"] is None else f"{o['date_accuracy']:.2f} (n={o['n_dated']})",
                      "-" if o["sector_accuracy"] is None else f"{o['sector_accuracy']:.2f} (n={o['n_sectors']})")
    console.print(table)
    console.print(f"{len(gold)} sentences parsed and read in {elapsed:.1f} s (2 shared cores: timings are noisy)")
    if args.dev:
        return
    test = results["test"]
    out = {"n_sentences": test["n_sentences"], "split": "test",
           "rashomon": test["rashomon"], "baseline": test["baseline"],
           "by_split": results, "gold": str(GOLD.relative_to(ROOT)), "n_gold_sentences": len(gold),
           "seconds": round(elapsed, 1)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
