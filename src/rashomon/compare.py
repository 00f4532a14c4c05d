"""Compare: align the claims of a story across sources and give each a verdict.

Claims are aligned on what they are about, not on wording: resolved entities (Kayani and Kiyani
are one token here), normalised dates and places, the event type, and content lemmas, weighted
by how rare they are in the story and in English. Aligned claims from independent sources that
agree are *corroborated*; claims no other source states are *single-source*; aligned claims whose
slot values cannot both be true (another role for the same visit, another number, date, place,
or a negation) are *disputed*, with each side's value and span.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from rashomon import geo, quantities, timex
from rashomon.entities import lexicon as role_lexicon
from rashomon.model import Claim, Conflict, Evidence, Fact, SlotValue

ALIGN_THRESHOLD = 0.30  # claims about the same thing
DISPUTE_THRESHOLD = 0.40  # only closely aligned claims can contradict each other


@functools.lru_cache(maxsize=65536)
def _rarity(word: str) -> float:
    """Rare words say more about what a claim is about (Zipf frequency from wordfreq)."""
    from wordfreq import zipf_frequency

    return 1.0 + max(0.0, 5.5 - zipf_frequency(word, "en")) / 2


@dataclass
class _Item:
    claim: Claim
    source: int  # index of the independent source group
    tokens: frozenset[str]


def claim_tokens(claim: Claim, entity_of: Mapping[str, str]) -> frozenset[str]:
    toks = {entity_of.get(t, t) if t.startswith("@") else t for t in claim.lemmas}
    toks |= {f"place:{p}" for p in claim.places}
    for d in claim.dates:
        if d.value:
            parts = d.value.split("-")
            toks |= {"date:" + "-".join(parts[: i + 1]) for i in range(len(parts))}
    if ":" in claim.predicate:
        toks.add(f"pred:{claim.predicate}")
    return frozenset(toks)


def _weight(token: str, df: Counter[str], n: int) -> float:
    idf = math.log((n + 1) / (df[token] + 0.5))
    rarity = 2.0 if ":" in token or token.startswith("@") else _rarity(token)
    return max(idf, 0.1) * rarity


def similarity(a: frozenset[str], b: frozenset[str], df: Counter[str], n: int) -> float:
    if not a or not b:
        return 0.0
    wa = sum(_weight(t, df, n) for t in a)
    wb = sum(_weight(t, df, n) for t in b)
    common = sum(_weight(t, df, n) for t in a & b)
    return common / math.sqrt(wa * wb)


def compare(claims: Sequence[Claim], source_of: Mapping[str, int], entity_of: Mapping[str, str]) -> list[Fact]:
    """Facts of one story. `source_of` maps document id -> independent source group."""
    items = [_Item(c, source_of[c.document], claim_tokens(c, entity_of)) for c in claims]
    df: Counter[str] = Counter(t for it in items for t in it.tokens)
    n = len(items)
    pairs = []
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.source == b.source:
                continue
            s = similarity(a.tokens, b.tokens, df, n)
            if s >= ALIGN_THRESHOLD:
                pairs.append((s, i, j))
    pairs.sort(reverse=True)
    group = list(range(n))

    def find(x: int) -> int:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    scores: dict[tuple[int, int], float] = {}
    for s, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        docs_i = {items[k].claim.document for k in members[ri]}
        docs_j = {items[k].claim.document for k in members[rj]}
        if docs_i & docs_j:
            continue  # one claim per document in a fact: a document does not corroborate itself
        group[rj] = ri
        members[ri].extend(members.pop(rj))
        scores[(i, j)] = s
    facts = []
    for root in sorted(members, key=lambda r: (items[members[r][0]].claim.document, items[members[r][0]].claim.start)):
        ids = sorted(members[root], key=lambda k: (items[k].source, items[k].claim.start))
        facts.append(_verdict([items[k] for k in ids], [(i, j, s) for (i, j), s in scores.items() if i in ids and j in ids], items, entity_of))
    return facts


def _verdict(group: list[_Item], links: list[tuple[int, int, float]], items: list[_Item],
             entity_of: Mapping[str, str]) -> Fact:
    support = [Evidence(it.claim.document, it.claim.start, it.claim.end, it.claim.text) for it in group]
    sources = len({it.source for it in group})
    conflicts: list[Conflict] = []
    for i, j, s in links:
        if s < DISPUTE_THRESHOLD:
            continue
        a, b = items[i].claim, items[j].claim
        if not _same_predicate(a, b):
            continue
        for conflict in slot_conflicts(a, b, entity_of):
            if not any(c.slot == conflict.slot for c in conflicts):
                conflicts.append(conflict)
    status = "disputed" if conflicts else "corroborated" if sources >= 2 else "single-source"
    return Fact(text=group[0].claim.text, status=status, support=support, conflicts=conflicts, sources=sources)


def _same_predicate(a: Claim, b: Claim) -> bool:
    if a.predicate == b.predicate:
        return True
    # two event codings of the same type ("CONSULT:visit" vs "CONSULT:") still speak of one act
    return ":" in a.predicate and ":" in b.predicate and a.predicate.split(":")[0] == b.predicate.split(":")[0]


def _value(claim: Claim, span: tuple[int, int] | None, value: str) -> SlotValue:
    start, end = span if span else (claim.start, claim.end)
    return SlotValue(value=value, document=claim.document, start=start, end=end)


def slot_conflicts(a: Claim, b: Claim, entity_of: Mapping[str, str]) -> list[Conflict]:
    """The slots on which two aligned claims cannot both be true."""
    out: list[Conflict] = []
    persons_a = {entity_of.get(x, x) for x in a.actors if entity_of.get(x, x).startswith("person:")}
    persons_b = {entity_of.get(x, x) for x in b.actors if entity_of.get(x, x).startswith("person:")}
    if persons_a and persons_b and not persons_a & persons_b:
        out.append(Conflict("person", [_value(a, a.subject_span, a.subject or ""), _value(b, b.subject_span, b.subject or "")]))
    elif a.role and b.role and roles_conflict(a.role, b.role):
        out.append(Conflict("role", [_value(a, a.role_span, a.role), _value(b, b.role_span, b.role)]))
    for qa in a.quantities:
        for qb in b.quantities:
            if qa.unit == qb.unit and not quantities.compatible(qa, qb):
                out.append(Conflict("number", [SlotValue(qa.text, a.document, qa.start, qa.end),
                                               SlotValue(qb.text, b.document, qb.start, qb.end)]))
                break
    da = next((d for d in a.dates if d.value), None)
    db = next((d for d in b.dates if d.value), None)
    if da and db and not timex.compatible(da.value, db.value):
        out.append(Conflict("date", [SlotValue(da.value or "", a.document, da.start, da.end),
                                     SlotValue(db.value or "", b.document, db.start, db.end)]))
    if a.places and b.places and not set(a.places) & set(b.places):
        out.append(Conflict("place", [_value(a, None, ", ".join(map(geo.country_name, a.places))),
                                      _value(b, None, ", ".join(map(geo.country_name, b.places)))]))
    if a.negated != b.negated:
        out.append(Conflict("negation", [_value(a, None, "negated" if a.negated else "affirmed"),
                                         _value(b, None, "negated" if b.negated else "affirmed")]))
    if a.ordinal and b.ordinal and a.ordinal != b.ordinal:
        out.append(Conflict("ordinal", [_value(a, None, f"{a.ordinal} time"), _value(b, None, f"{b.ordinal} time")]))
    return out


def _role_words(role: str) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", role)]
    return [w for w in words if w not in STOP_WORDS and not geo.is_demonym(w) and not geo.is_country(w)]


def roles_conflict(a: str, b: str) -> bool:
    """Two role phrases name different offices: "ground forces chief" vs "Air chief" do,
    "Army Chief" vs "army chief" and "chief" vs "army chief" do not."""
    wa, wb = _role_words(a), _role_words(b)
    if not wa or not wb:
        return False
    heads = role_lexicon().role_heads
    if wa[-1] != wb[-1]:
        return wa[-1] in heads and wb[-1] in heads
    mods_a = {_stem(w) for w in wa[:-1]}
    mods_b = {_stem(w) for w in wb[:-1]}
    return bool(mods_a) and bool(mods_b) and not mods_a & mods_b


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word
