"""Build the labelled sentence pairs of the divergence benchmark from ECB+ (run once; output is committed).

Three kinds of pairs, all from real ECB+ sentences (see benchmarks/data/README.md, "Divergence pairs"):

- ``real``: two sentences of *different* documents of one ECB+ subtopic that hold mentions of the
  same gold cross-document event chain (ACTION_*). Each was read and labelled by hand
  (``HAND_LABELS`` below: agree / unrelated / conflict, and the slot of a conflict).
- ``edit``: a real sentence against a copy with exactly one slot changed (a number, a person's
  name, a role, a date, a place, or a negation inserted) -> conflict, slot known by construction.
- ``paraphrase``: a real sentence against a copy reworded without changing what it states
  (number written differently or rounded with a qualifier, a surname for the full name, a
  one-letter spelling variant, attribution added, synonyms, a weekday for the date it stands
  for) -> agree, must not be a conflict.

Edits are applied by small regular-expression rules to sentences chosen with a fixed seed; a rule
that does not apply to a sentence is skipped. Every kind of rule was checked by reading its output.
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "bench" / "ecbplus"
OUT = ROOT / "benchmarks" / "data" / "divergence_pairs.jsonl"
ANCHOR = "2013-08-29"  # both sides of a pair are read as published the same day (a Thursday)
SEED = 7


def detok(s: str) -> str:
    """ECB+ text is tokenised; make it read like a news sentence again."""
    s = s.replace("``", '"').replace("''", '"')
    s = re.sub(r"(\d) ([.,]) (\d)", r"\1\2\3", s)
    s = re.sub(r"(\d) ([.,]) (\d)", r"\1\2\3", s)
    s = re.sub(r"(\d) : (\d)", r"\1:\2", s)
    s = re.sub(r"\b([A-Za-z]) \. ([A-Za-z]) \.", r"\1.\2.", s)
    s = re.sub(r"(\w) - (\w)", r"\1-\2", s)
    s = re.sub(r"(\w) - (\w)", r"\1-\2", s)
    s = re.sub(r"\$ (\d)", r"$\1", s)
    s = re.sub(r" (,|\.|;|:|!|\?|%|\)|'s|’s|n't|')(?=\s|$)", r"\1", s)
    s = re.sub(r"\( ", "(", s)
    s = re.sub(r'" (.*?) "', r'"\1"', s)
    s = re.sub(r" ’ s\b", "’s", s)
    return re.sub(r"\s+", " ", s).strip()


def sentences_by_chain() -> tuple[dict, dict]:
    docs = {d["doc_id"]: d for d in json.loads((ECB / "docs.json").read_text("utf-8"))}
    mentions = json.loads((ECB / "crossdoc_mentions.json").read_text("utf-8"))
    lines: dict[str, list[str]] = {}
    index: dict[str, list[int]] = {}
    for d, doc in docs.items():
        lines[d] = doc["text"].split("\n")
        index[d] = [i for i, l in enumerate(lines[d]) for _ in l.split()]
    chains: dict[str, set[tuple[str, int]]] = collections.defaultdict(set)
    for m in mentions:
        if m["is_event"] and m["type"].startswith("ACTION"):
            chains[m["chain"]].add((m["doc"], index[m["doc"]][int(m["t_ids"][0]) - 1]))
    return docs, {"lines": lines, "chains": chains}


# ---------------------------------------------------------------- hand-labelled real pairs
# (doc_a, sent_a, doc_b, sent_b, label, slot, why). Read and labelled one by one.
HAND_LABELS: list[tuple[str, int, str, int, str, str | None, str]] = []


def _load_hand() -> list[tuple]:
    path = ROOT / "benchmarks" / "data" / "divergence_hand_labels.tsv"
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, sa, b, sb, label, slot, why = line.split("\t")
        out.append((a, int(sa), b, int(sb), label, slot or None, why))
    return out


# ---------------------------------------------------------------- controlled edits
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 20: "twenty", 30: "thirty", 40: "forty",
                50: "fifty"}
ROLE_SWAPS = [("Prime Minister", "Foreign Minister"), ("President", "Prime Minister"),
              ("Police Chief", "Fire Chief"), ("police chief", "fire chief"), ("Governor", "Senator"),
              ("governor", "senator"), ("coach", "captain"), ("Coach", "Captain"), ("CEO", "chairman"),
              ("chief executive", "chairman"), ("Sheriff", "Mayor"), ("sheriff", "mayor"),
              ("spokesman", "director"), ("spokeswoman", "director"), ("director", "spokesman"),
              ("Director", "Spokesman"), ("prosecutor", "judge"), ("Prosecutor", "Judge"),
              ("Judge", "Prosecutor"), ("judge", "prosecutor"), ("Mayor", "Governor"), ("mayor", "governor"),
              ("Senator", "Governor"), ("senator", "governor")]
PLACES = ["Iran", "Indonesia", "California", "New Zealand", "Italy", "Pakistan", "India", "China",
          "Mexico", "Japan", "Turkey", "Chile", "Greece", "Peru", "Egypt", "Canada", "France", "Brazil"]
SYNONYMS = [(r"\bearthquake\b", "quake"), (r"\bquake\b", "earthquake"), (r"\bstruck\b", "hit"),
            (r"\bhit\b", "struck"), (r"\barrested\b", "detained"), (r"\bwere killed\b", "were shot dead"),
            (r"\bannounced\b", "said"), (r"\bpurchase\b", "acquisition"), (r"\bbuy\b", "acquire"),
            (r"\bfired\b", "dismissed"), (r"\bsacked\b", "fired"), (r"\bdied\b", "passed away"),
            (r"\bapproximately\b", "about"), (r"\bpowerful\b", "strong"), (r"\bsaid\b", "reported"),
            (r"\bsays\b", "reports"), (r"\bshot\b", "gunned down"), (r"\bnamed\b", "appointed"),
            (r"\bhospital\b", "medical centre"), (r"\bstarted\b", "began"), (r"\bwon\b", "took")]
_NUM = re.compile(r"(?<![\w.,:$-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w:-]|[.,]\d)")


def _numbers(s: str) -> list[re.Match]:
    out = []
    for m in _NUM.finditer(s):
        v = float(m.group(1).replace(",", ""))
        if 1900 <= v <= 2030 and "." not in m.group(1):
            continue  # a year: a date edit, not a number edit
        before, after = s[max(0, m.start() - 12): m.start()], s[m.end(): m.end() + 4]
        if re.search(r"(No\.|/|" + "|".join(MONTHS) + r"|" + "|".join(m[:3] for m in MONTHS) + r"\.?)\s*$", before) or after.startswith("/"):
            continue  # "No. 5", "Dec. 6", "2 1/2": not an amount
        out.append(m)
    return out


def _fmt(v: float, like: str) -> str:
    if "." in like:
        return f"{v:.1f}"
    v = int(round(v))
    return f"{v:,}" if "," in like else str(v)


def edit_number(s: str, rng: random.Random) -> str | None:
    nums = _numbers(s)
    if not nums:
        return None
    m = rng.choice(nums)
    v = float(m.group(1).replace(",", ""))
    if v == 0:
        return None
    factor = rng.choice([0.5, 0.6, 1.5, 2.0, 3.0])
    new = v * factor if "." not in m.group(1) or v > 10 else v + rng.choice([-1.3, 1.2, 0.8, -0.9])
    if _fmt(new, m.group(1)) == m.group(1) or new <= 0:
        return None
    return s[: m.start(1)] + _fmt(new, m.group(1)) + s[m.end(1):]


def edit_date(s: str, rng: random.Random) -> str | None:
    m = re.search(r"\b(" + "|".join(MONTHS) + r") (\d{1,2})\b", s)
    if m:
        day = int(m.group(2))
        new = day + rng.choice([3, 5, 9]) if day < 19 else day - rng.choice([3, 5, 9])
        return s[: m.start(2)] + str(new) + s[m.end(2):]
    for pat, pool in ((r"\b(" + "|".join(WEEKDAYS) + r")\b", WEEKDAYS), (r"\b(" + "|".join(MONTHS) + r")\b(?= \d)", MONTHS)):
        m = re.search(pat, s)
        if m:
            old = m.group(1)
            i = pool.index(old)
            new = pool[(i + rng.choice([2, 3, 4])) % len(pool)]
            return s[: m.start(1)] + new + s[m.end(1):]
    m = re.search(r"\b(19[5-9]\d|20[01]\d)\b", s)
    if m:
        return s[: m.start(1)] + str(int(m.group(1)) - rng.choice([2, 3, 5])) + s[m.end(1):]
    return None


_AUX = re.compile(r"\b(was|were|is|are|has|have|had|will|would|could|can)\b(?! not)(?! n't)")


def edit_negation(s: str, rng: random.Random) -> str | None:
    m = _AUX.search(s)
    if not m or re.search(r"\b(not|no|never|n't)\b", s):
        return None
    return s[: m.end(1)] + " not" + s[m.end(1):]


def edit_role(s: str, rng: random.Random) -> str | None:
    for old, new in ROLE_SWAPS:
        m = re.search(r"\b" + re.escape(old) + r"\b", s)
        if m:
            return s[: m.start()] + new + s[m.end():]
    return None


def edit_place(s: str, rng: random.Random) -> str | None:
    for p in PLACES:
        m = re.search(r"\b" + re.escape(p) + r"\b(?!['’]s| [A-Z])", s)
        if m:
            new = rng.choice([q for q in PLACES if q != p])
            return s[: m.start()] + new + s[m.end():]
    return None


def _named(name: str, s: str) -> bool:
    """The name is written as a name, not quoted as a nickname ('Deep Throat')."""
    i = s.find(name)
    return i >= 0 and (i == 0 or s[i - 1] not in "\"'‘“")


def edit_person(s: str, rng: random.Random, persons: list[str]) -> str | None:
    """Replace the full name of the sentence's first-named person with another person of the corpus."""
    for name in persons:
        if _named(name, s):
            others = [p for p in persons if p.split()[-1] not in name and name.split()[-1] not in p]
            new = rng.choice(others)
            return s.replace(name, new)
    return None


# paraphrase rules: each keeps what the sentence states
def para_number_words(s: str, rng: random.Random) -> str | None:
    for m in _numbers(s):
        v = m.group(1)
        if v.isdigit() and int(v) in NUMBER_WORDS and not re.search(r"No\.\s*$", s[: m.start()]) and not re.match(r"\s*(?:-|percent|%|a\.m|p\.m|:)", s[m.end():]):
            return s[: m.start()] + NUMBER_WORDS[int(v)] + s[m.end():]
    return None


def para_number_qualifier(s: str, rng: random.Random) -> str | None:
    """'killed 10 people' -> 'killed about 10 people'; '$13.9 billion' -> 'nearly $14 billion'."""
    m = re.search(r"\$(\d+\.\d) (million|billion)", s)
    if m:
        v = float(m.group(1))
        r = round(v)
        q = "nearly" if r > v else "more than"
        return s[: m.start()] + f"{q} ${r} {m.group(2)}" + s[m.end():]
    for m in _numbers(s):
        if re.match(r"\s+[a-z]+", s[m.end():]) and not re.search(r"\b(about|around|some|at least|nearly|more than|over|almost|a|an|the)\s+$", s[: m.start()], re.I):
            return s[: m.start()] + rng.choice(["about ", "around ", "some "]) + s[m.start():]
    return None


def para_surname(s: str, rng: random.Random, persons: list[str]) -> str | None:
    for name in persons:
        if _named(name, s) and len(name.split()) >= 2:
            return s.replace(name, name.split()[-1], 1)
    return None


def para_spelling(s: str, rng: random.Random, persons: list[str]) -> str | None:
    """One vowel changed in a surname, as transliterations do (Kayani / Kiyani)."""
    for name in persons:
        if _named(name, s) and len(name.split()) >= 2:
            sur = name.split()[-1]
            m = re.search(r"[aeiou]", sur[1:])
            if not m or len(sur) < 5:
                continue
            i = m.start() + 1
            new_sur = sur[:i] + {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o"}[sur[i]] + sur[i + 1:]
            return s.replace(sur, new_sur)
    return None


def para_attribution(s: str, rng: random.Random) -> str | None:
    if re.search(r"\b(said|says|according|reported|told)\b", s) or not s.endswith("."):
        return None
    return s[:-1] + ", " + rng.choice(["officials said", "police said", "reports said", "according to local media"]) + "."


def para_synonym(s: str, rng: random.Random) -> str | None:
    for pat, new in SYNONYMS:
        if re.search(pat, s):
            return re.sub(pat, new, s, count=1)
    return None


def para_weekday_date(s: str, rng: random.Random) -> str | None:
    """'on Sunday' -> 'on August 25' (the date that weekday stands for in a report of Thursday 2013-08-29)."""
    import datetime as dt

    m = re.search(r"\bon (" + "|".join(WEEKDAYS) + r")\b(?!,? \d)", s)
    if not m or re.search(r"\b(will|would|shall|to be|plans?|expected|next|is due)\b", s):
        return None
    anchor = dt.date.fromisoformat(ANCHOR)
    back = (anchor.weekday() - WEEKDAYS.index(m.group(1))) % 7
    day = anchor - dt.timedelta(days=back)
    return s[: m.start(1)] + f"{MONTHS[day.month - 1]} {day.day}" + s[m.end(1):]


CONFLICT_EDITS = {"number": edit_number, "date": edit_date, "negation": edit_negation, "role": edit_role,
                  "place": edit_place, "person": edit_person}
PARAPHRASE_EDITS = {"number_words": para_number_words, "number_qualifier": para_number_qualifier,
                    "surname": para_surname, "spelling": para_spelling, "attribution": para_attribution,
                    "synonym": para_synonym, "weekday_date": para_weekday_date}
PER_CONFLICT = {"number": 45, "date": 30, "negation": 30, "role": 20, "place": 20, "person": 30}
PER_PARAPHRASE = {"number_words": 20, "number_qualifier": 20, "surname": 20, "spelling": 15,
                  "attribution": 20, "synonym": 25, "weekday_date": 15}


def _persons(docs: dict) -> list[str]:
    """Person names of the gold participant mentions (HUMAN_PART_PER) that spaCy also reads as a PERSON."""
    from rashomon import nlp

    mentions = json.loads((ECB / "crossdoc_mentions.json").read_text("utf-8"))
    names = collections.Counter()
    for m in mentions:
        if m["type"] == "HUMAN_PART_PER":
            t = detok(m["text"])
            if re.fullmatch(r"[A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]{2,}", t):
                names[t] += 1
    keep = [n for n, doc in zip(names, nlp.parse_many(f"Yesterday {n} spoke." for n in names))
            if any(e.label_ == "PERSON" and e.text == n for e in doc.ents)]
    return sorted(keep, key=lambda n: (-len(n), n))


def build() -> list[dict]:
    docs, data = sentences_by_chain()
    lines, chains = data["lines"], data["chains"]
    rng = random.Random(SEED)
    pairs: list[dict] = []
    for a, sa, b, sb, label, slot, why in _load_hand():
        pairs.append({"kind": "real", "a": detok(lines[a][sa]), "b": detok(lines[b][sb]), "label": label,
                      "slot": slot, "topic": docs[a]["topic"], "source": f"{a}:{sa} | {b}:{sb}", "note": why})
    # sentences carrying a gold event mention, long enough to state something
    pool = sorted({(d, s) for ms in chains.values() for d, s in ms})
    sents = [(d, s, detok(lines[d][s])) for d, s in pool]
    sents = [x for x in sents if 8 <= len(x[2].split()) <= 45 and x[2][-1] in '."']
    persons = _persons(docs)
    used: set[tuple[str, str]] = set()

    def emit(kind: str, edits: dict, quota: dict, label: str) -> None:
        for name, fn in edits.items():
            order = list(sents)
            rng.shuffle(order)
            n = 0
            for d, s, text in order:
                if n >= quota[name]:
                    break
                if (d, text) in used and kind == "edit":
                    continue
                needs_persons = fn in (edit_person, para_surname, para_spelling)
                new = fn(text, rng, persons) if needs_persons else fn(text, rng)
                if not new or new == text:
                    continue
                used.add((d, text))
                pairs.append({"kind": kind, "a": text, "b": new, "label": label,
                              "slot": name if kind == "edit" else None, "topic": docs[d]["topic"],
                              "source": f"{d}:{s}", "note": f"{kind}:{name}"})
                n += 1

    emit("edit", CONFLICT_EDITS, PER_CONFLICT, "conflict")
    emit("paraphrase", PARAPHRASE_EDITS, PER_PARAPHRASE, "agree")
    return pairs


def main() -> None:
    pairs = build()
    with OUT.open("w", encoding="utf-8") as f:
        for i, p in enumerate(pairs):
            f.write(json.dumps({"id": i, **p}, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} pairs -> {OUT}", collections.Counter((p['kind'], p['label']) for p in pairs))


if __name__ == "__main__":
    main()
