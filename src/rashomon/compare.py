"""Compare: align the claims of a story across sources and give each a verdict.

Claims are aligned on what they are about, not on wording: resolved entities (Kayani and Kiyani
are one token here), normalised dates and places, the event type, and content lemmas, weighted
by how rare they are in the story and in English. Aligned claims from independent sources that
agree are *corroborated*; claims no other source states are *single-source*; aligned claims whose
slot values cannot both be true (another role for the same visit, another number, date, place,
or a negation) are *disputed*, with each side's value and span.

One fact means: the claims are closely aligned (their frames, what they say leaving out slot
values, reach the dispute threshold), or they are loosely aligned (similar in what they are
about) *and* state nothing incompatible: a claim and one that denies it, or that gives another
figure, place, office or ordinal, are two facts when their frames are too far apart for a dispute,
never corroboration (`compatible_join`).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from rashomon import geo, quantities, timex
from rashomon.claims import canonical, comparable, event_measure
from rashomon.entities import lexicon as role_lexicon
from rashomon.model import Claim, Conflict, Evidence, Fact, Quantity, SlotValue, TimeRef


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on claim similarity, chosen on the dev split of benchmarks/divergence.py (see there).

    `align`: two claims speak of the same thing (one fact). `dispute`: the claims' *frame* (what
    they say, leaving out the slot values that may differ: names, places, dates, numbers) is
    close enough that differing slot values are a contradiction rather than two different facts.
    `measure`: two claims that both give a measure of the story's event (its toll, magnitude,
    depth: `claims.event_measure`) are about the same event when their similarity reaches this,
    whatever their predicates ("killed six children ... death toll to 11" vs "24 dead as quake hits").
    """

    align: float = 0.30
    dispute: float = 0.50
    measure: float = 0.20


DEFAULT = Thresholds()
ALIGN_THRESHOLD = DEFAULT.align  # kept for callers of the first version
DISPUTE_THRESHOLD = DEFAULT.dispute

Similarity = Callable[[Claim, Claim], float]
"""A pluggable claim similarity in [0, 1] (e.g. sentence embeddings), mixed in by `compare(similarity=...)`."""

JoinRule = Callable[[Claim, Claim, Mapping[str, str]], bool]
"""Whether two *loosely* aligned claims (similar enough to align, frames below the dispute
threshold) may still be one fact. Closely aligned claims are always one fact: there a difference
in a slot is a dispute."""


def similarity_join(a: Claim, b: Claim, entity_of: Mapping[str, str]) -> bool:
    """The first version's rule: similarity alone makes one fact."""
    return True


JOIN_SLOTS = ("negation", "number", "place", "role", "ordinal")
"""The slots a loose alignment must agree on. Person and date are left out, chosen on the dev split
of benchmarks/divergence.py: each only broke true agreements there, because a name can be a
description resolution cannot tie to the person ("Deep Throat suspect found dead in hotel" /
"Watergate figure Fred LaRue found dead in hotel") and a clause often dates two events ("rattled
Papua Wednesday, days after a quake killed one person" / "the quakes in Papua on Sunday")."""


def conflicts_on(a: Claim, b: Claim, entity_of: Mapping[str, str], slots: Sequence[str]) -> bool:
    """Do the claims conflict on any of `slots` (negation read as `_negation_differs`)?"""
    return any(c.slot in slots for c in slot_conflicts(a, b, entity_of, negation=_negation_differs))


def compatible_join(a: Claim, b: Claim, entity_of: Mapping[str, str]) -> bool:
    """Loosely aligned claims are one fact only if nothing they state is incompatible.

    Below the dispute threshold the frames are too far apart to call a different slot value a
    contradiction, so the pair is not disputed; but it is not corroboration either: of two reports
    one of which denies what the other affirms, or that give another figure, place, office or
    ordinal, neither confirms the other. Such a pair is two facts, each single-source unless
    something else backs it ("Moscow had for long remained averse to developing defence cooperation
    with Islamabad" does not corroborate "Pakistan has ongoing defence cooperation with Russia").
    The slots checked are `JOIN_SLOTS`."""
    return not conflicts_on(a, b, entity_of, JOIN_SLOTS)


def all_slots_join(a: Claim, b: Claim, entity_of: Mapping[str, str]) -> bool:
    """`compatible_join` on every slot, person and date included (scored, not shipped: see `JOIN_SLOTS`)."""
    return not conflicts_on(a, b, entity_of, (*JOIN_SLOTS, "person", "date"))


JOIN_RULES: dict[str, JoinRule] = {
    "similarity": similarity_join,  # the first version
    "compatible": compatible_join,  # shipped
    "all slots": all_slots_join,
}
DEFAULT_JOIN: JoinRule = compatible_join


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
    frame: frozenset[str]


FULL_NAME_SIMILARITY = 90  # "person:duncan-rait" vs "person:duncan-raite": one name, two spellings
VALUE_PREFIXES = ("person:", "place:", "date:", "num:")


def claim_tokens(claim: Claim, entity_of: Mapping[str, str]) -> frozenset[str]:
    """What a claim is about, as tokens: lemmas, resolved entities, places, dates, event type."""
    toks = {entity_of.get(t, t) if t.startswith("@") else t for t in claim.lemmas}
    toks = {_canonical(t) for t in toks if not _is_number_word(t)}
    toks |= {f"place:{p}" for p in claim.places}
    for d in claim.dates:
        if d.value:
            parts = d.value.split("-")
            toks |= {"date:" + "-".join(parts[: i + 1]) for i in range(len(parts))}
    if ":" in claim.predicate:
        toks.add(f"pred:{claim.predicate}")
        toks.add(f"pred:{claim.predicate.split(':')[0]}")
    return frozenset(toks)


def frame_tokens(tokens: frozenset[str]) -> frozenset[str]:
    """The tokens that stay when a slot value changes: no names, places, dates, numbers."""
    return frozenset(t for t in tokens if not t.startswith(VALUE_PREFIXES) and not t.startswith("@")
                     and not t[:1].isdigit())


def _canonical(token: str) -> str:
    """Paraphrase: words news writers swap for one another are one token, so they align
    (the classes are data: rashomon/data/predicate_classes.yaml)."""
    return canonical(token)


def _is_number_word(token: str) -> bool:
    return token.replace(",", "").replace(".", "").isdigit()


def _weight(token: str, df: Counter[str], n: int) -> float:
    """Story IDF (smoothed, so two reports of one sentence still share weight) x rarity in English."""
    idf = math.log(1 + n / max(df[token], 1))
    rarity = 2.0 if ":" in token or token.startswith("@") else _rarity(token)
    return idf * rarity


def similarity(a: frozenset[str], b: frozenset[str], df: Counter[str], n: int) -> float:
    if not a or not b:
        return 0.0
    wa = sum(_weight(t, df, n) for t in a)
    wb = sum(_weight(t, df, n) for t in b)
    common = sum(_weight(t, df, n) for t in a & b)
    return common / math.sqrt(wa * wb)


def _similarity(a: frozenset[str], b: frozenset[str], wa: float, wb: float, weight: Mapping[str, float]) -> float:
    """`similarity` with the weights and each side's total already summed."""
    if not a or not b:
        return 0.0
    return sum(weight[t] for t in a & b) / math.sqrt(wa * wb)


def _candidates(items: Sequence[_Item], thresholds: Thresholds, similarity_fn: Similarity | None) -> Iterator[tuple[int, int]]:
    """Pairs of claims of different sources that can reach a threshold, in (i, j) order.

    Without a plugged-in similarity and with positive thresholds, two claims that share no token
    score 0 on both measures and can never align, so only pairs found through an inverted index
    of their tokens are scored: the work grows with the pairs that share something, not with
    all pairs of a story's claims."""
    n = len(items)
    if similarity_fn is not None or min(thresholds.align, thresholds.dispute, thresholds.measure) <= 0:
        yield from ((i, j) for i in range(n) for j in range(i + 1, n) if items[i].source != items[j].source)
        return
    postings: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        for t in it.tokens:
            postings.setdefault(t, []).append(k)
    for i, a in enumerate(items):
        partners: set[int] = set()
        for t in a.tokens:
            partners.update(postings[t])
        yield from ((i, j) for j in sorted(partners) if j > i and items[j].source != a.source)


def compare(claims: Sequence[Claim], source_of: Mapping[str, int], entity_of: Mapping[str, str],
            thresholds: Thresholds = DEFAULT, similarity_fn: Similarity | None = None,
            join: JoinRule | None = None) -> list[Fact]:
    """Facts of one story. `source_of` maps document id -> independent source group.

    `similarity_fn`, when given, is averaged with the lexical similarity (an embedding model can
    be plugged in here without touching the verdict rules). `join` decides whether loosely aligned
    claims are one fact (default `compatible_join`)."""
    join = join or DEFAULT_JOIN
    items = []
    for c in claims:
        toks = claim_tokens(c, entity_of)
        items.append(_Item(c, source_of[c.document], toks, frame_tokens(toks)))
    df: Counter[str] = Counter(t for it in items for t in it.tokens)
    n = len(items)
    weight = {t: _weight(t, df, n) for t in df}  # once per token, not once per token per pair
    # the same sums `similarity` takes, in the same order: the scores are bit-identical
    totals = [(sum(weight[t] for t in it.tokens), sum(weight[t] for t in it.frame)) for it in items]
    pairs = []
    frames: dict[tuple[int, int], float] = {}
    victims = [bool(_tolls(it.claim)) for it in items]
    toll_pairs: list[tuple[int, int]] = []
    for i, j in _candidates(items, thresholds, similarity_fn):
        a, b = items[i], items[j]
        s = _similarity(a.tokens, b.tokens, totals[i][0], totals[j][0], weight)
        f = _similarity(a.frame, b.frame, totals[i][1], totals[j][1], weight)
        if similarity_fn is not None:
            extra = similarity_fn(a.claim, b.claim)
            s, f = (s + extra) / 2, (f + extra) / 2
        if s >= thresholds.measure and victims[i] and victims[j]:
            toll_pairs.append((i, j))
        if f >= thresholds.dispute or (s >= thresholds.align and join(a.claim, b.claim, entity_of)):
            pairs.append((max(s, f), i, j))
            frames[(i, j)] = f

    pairs.sort(reverse=True)
    group = list(range(n))

    def find(x: int) -> int:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    documents: dict[int, set[str]] = {i: {items[i].claim.document} for i in range(n)}
    links: dict[tuple[int, int], float] = {}
    for s, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if documents[ri] & documents[rj]:
            continue  # one claim per document in a fact: a document does not corroborate itself
        group[rj] = ri
        members[ri].extend(members.pop(rj))
        documents[ri] |= documents.pop(rj)
        links[(i, j)] = frames[(i, j)]
    facts = []
    fact_of: dict[int, Fact] = {}
    links_of: dict[int, list[tuple[int, int, float]]] = {}  # a link joins two claims of one group
    for (i, j), f in links.items():
        links_of.setdefault(find(i), []).append((i, j, f))
    for root in sorted(members, key=lambda r: (items[members[r][0]].claim.document, items[members[r][0]].claim.start)):
        ids = sorted(members[root], key=lambda k: (items[k].source, items[k].claim.start))
        own = links_of.get(root, [])
        fact = _verdict([items[k] for k in ids], own, items, entity_of, thresholds)
        facts.append(fact)
        fact_of.update({k: fact for k in ids})
    for i, j, conflict in [*attribute_conflicts(items, entity_of), *toll_conflicts(items, toll_pairs)]:
        fact = fact_of[i]
        if not any(c.slot == conflict.slot for c in fact.conflicts):
            fact.conflicts.append(conflict)
        other = items[j].claim
        if not any(e.document == other.document and e.start == other.start for e in fact.support):
            fact.support.append(Evidence(other.document, other.start, other.end, other.text))
        fact.status = "disputed"
    return facts


def _ages(claim: Claim, entity_of: Mapping[str, str]) -> list[tuple[str, Quantity]]:
    """(person entity, age) pairs a claim states: "Robert Buckley, 32," / "31-year-old Robert Buckley"."""
    people = {entity_of.get(t, t) for t in claim.lemmas if t.startswith("@")}
    people = {p for p in people if p.startswith("person:")}
    out = []
    for q in claim.quantities:
        holder = getattr(q, "measures", None)
        if q.unit != "age" or not holder:
            continue
        owners = [p for p in people if holder in p.split(":", 1)[1].split("-")]
        if len(owners) == 1:
            out.append((owners[0], q))
    return out


def attribute_conflicts(items: Sequence[_Item], entity_of: Mapping[str, str]) -> list[tuple[int, int, Conflict]]:
    """Properties of one resolved person that independent sources give differently (an age), wherever
    in the story they are stated: a property of an entity, not of one event, needs no claim alignment."""
    stated = [(k, person, q) for k, it in enumerate(items) for person, q in _ages(it.claim, entity_of)]
    out: list[tuple[int, int, Conflict]] = []
    seen: set[str] = set()
    for x in range(len(stated)):
        for y in range(x + 1, len(stated)):
            (i, pa, qa), (j, pb, qb) = stated[x], stated[y]
            if pa != pb or pa in seen or items[i].source == items[j].source or amounts_compatible(qa, qb):
                continue
            seen.add(pa)
            a, b = items[i].claim, items[j].claim
            out.append((i, j, Conflict("number", [SlotValue(qa.text, a.document, qa.start, qa.end),
                                                  SlotValue(qb.text, b.document, qb.start, qb.end)])))
    return out


def _tolls(claim: Claim) -> dict[str, list[Quantity]]:
    """The measures of the story's event a claim gives (dead, injured, missing; magnitude; depth)."""
    out: dict[str, list[Quantity]] = {}
    for q in claim.quantities:
        what = event_measure(q)
        if what:
            out.setdefault(what, []).append(q)
    return out


def toll_conflicts(items: Sequence[_Item], pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int, Conflict]]:
    """Death tolls (and counts of injured, missing, magnitudes, depths) that claims of independent
    sources about one event give differently, however each is worded: "1 dead" in one headline, "24 dead ... as quake hits" in
    another, "40 people dead" / "some 30 people were killed". The claims need not share a predicate,
    only enough of what they are about (`pairs`: similarity >= `Thresholds.measure`)."""
    out: list[tuple[int, int, Conflict]] = []
    for i, j in pairs:
        ta, tb = _tolls(items[i].claim), _tolls(items[j].claim)
        for what in sorted(ta.keys() & tb.keys()):
            pair = _unmatched_pair(ta[what], tb[what])
            if pair:
                (x, y), a, b = pair, items[i].claim, items[j].claim
                out.append((i, j, Conflict("number", [SlotValue(x.text, a.document, x.start, x.end),
                                                      SlotValue(y.text, b.document, y.start, y.end)])))
                break
    return out


def _unmatched_pair(xs: Sequence[Quantity], ys: Sequence[Quantity]) -> tuple[Quantity, Quantity] | None:
    """A figure on each side that no figure of the other side can be: two reports of one measure
    that disagree. One side's extra figure alone (another count the other report does not give) is
    not a disagreement."""
    for one, other in ((xs, ys), (ys, xs)):
        if len(one) > 1:  # "two women and one man died" vs "at least three people were killed": parts and total
            total = Quantity(one[0].document, one[0].start, one[-1].end, "", sum(q.value for q in one), one[0].unit)
            if any(amounts_compatible(total, y) for y in other):
                return None
    left = [x for x in xs if not any(amounts_compatible(x, y) for y in ys)]
    right = [y for y in ys if not any(amounts_compatible(x, y) for x in xs)]
    if left and right:
        return left[0], right[0]
    return None


def _verdict(group: list[_Item], links: list[tuple[int, int, float]], items: list[_Item],
             entity_of: Mapping[str, str], thresholds: Thresholds) -> Fact:
    """corroborated: >= 2 independent sources; disputed: a closely aligned pair contradicts on a slot."""
    support = [Evidence(it.claim.document, it.claim.start, it.claim.end, it.claim.text) for it in group]
    sources = len({it.source for it in group})
    conflicts: list[Conflict] = []
    for i, j, frame in links:
        if frame < thresholds.dispute:
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
    if _canonical(a.predicate) == _canonical(b.predicate):
        return True
    # two event codings of the same type ("CONSULT:visit" vs "CONSULT:") still speak of one act
    return ":" in a.predicate and ":" in b.predicate and a.predicate.split(":")[0] == b.predicate.split(":")[0]


def _value(claim: Claim, span: tuple[int, int] | None, value: str) -> SlotValue:
    start, end = span if span else (claim.start, claim.end)
    return SlotValue(value=value, document=claim.document, start=start, end=end)


def _persons(claim: Claim, entity_of: Mapping[str, str]) -> dict[str, set[str]]:
    """Resolved person entities by slot (subject, object, source)."""
    out: dict[str, set[str]] = {}
    slots = getattr(claim, "person_slots", None)
    if slots is None:  # a plain Claim: its subject actors
        slots = [("subject", ref) for ref in claim.actors]
    for slot, ref in slots:
        ent = entity_of.get(ref, ref)
        if ent.startswith("person:") and slot != "other":
            out.setdefault(slot, set()).add(ent)
    return out


def _spelling_variants(a: set[str], b: set[str]) -> bool:
    """Entity ids whose surnames are one transliteration apart (Rait / Raite, Kayani / Kiyani) are
    not two people for the purpose of a dispute, even when resolution kept them apart."""
    from rapidfuzz import fuzz

    from rashomon.entities import similar_surnames

    return any(similar_surnames(x.split("-")[-1], y.split("-")[-1]) or fuzz.ratio(x, y) >= FULL_NAME_SIMILARITY
               for x in a for y in b)


def _people_differ(a: set[str], b: set[str]) -> bool:
    """Nobody in common, or as many people on each side with one of them swapped for another
    ("Fred LaRue, a Richard Nixon aide" vs "Fred LaRue, a Robert Buckley aide"). Spelling variants
    are the same person."""
    if not a & b:
        return not _spelling_variants(a, b)
    if len(a) != len(b):
        return False
    only_a, only_b = a - b, b - a
    return bool(only_a) and bool(only_b) and not _spelling_variants(only_a, only_b)


def _person_value(claim: Claim, slot: str, entity_of: Mapping[str, str], ents: set[str]) -> SlotValue:
    if slot == "subject" and claim.subject:
        return _value(claim, claim.subject_span, claim.subject)
    if slot == "source" and claim.attribution:
        return _value(claim, getattr(claim, "source_span", None), claim.attribution)
    return _value(claim, None, claim.text)


def _negation_differs(a: Claim, b: Claim) -> bool:
    """One claim denies what the other affirms. A negation both clauses hold is not a difference,
    even when the parser hung the clauses from different heads ("details of the acquisition,
    announced Nov. 12, were not disclosed" vs "... were not disclosed")."""
    if _polarity_differs(a, b):
        return True
    if a.negated == b.negated:
        return False
    neg_a = {v for v, n in getattr(a, "polarity", None) or [] if n}
    neg_b = {v for v, n in getattr(b, "polarity", None) or [] if n}
    return not neg_a & neg_b


def _heads_negation_differs(a: Claim, b: Claim) -> bool:
    return a.negated != b.negated or _polarity_differs(a, b)


def slot_conflicts(a: Claim, b: Claim, entity_of: Mapping[str, str],
                   negation: Callable[[Claim, Claim], bool] = _heads_negation_differs) -> list[Conflict]:
    """The slots on which two aligned claims cannot both be true."""
    out: list[Conflict] = []
    pa, pb = _persons(a, entity_of), _persons(b, entity_of)
    person_slots = set()
    for slot in ("subject", "object", "source"):
        if pa.get(slot) and pb.get(slot) and _people_differ(pa[slot], pb[slot]):
            person_slots.add(slot)
            if not any(c.slot == "person" for c in out):
                out.append(Conflict("person", [_person_value(a, slot, entity_of, pa[slot]),
                                               _person_value(b, slot, entity_of, pb[slot])]))
    role = _role_conflict(a, b, person_slots)
    if role:
        out.append(role)
    number = _number_conflict(a, b)
    if number:
        out.append(number)
    date = _date_conflict(a, b)
    if date:
        out.append(date)
    if a.places and b.places and _places_differ(a.places, b.places):
        out.append(Conflict("place", [_value(a, None, ", ".join(map(geo.country_name, a.places))),
                                      _value(b, None, ", ".join(map(geo.country_name, b.places)))]))
    sa, sb = getattr(a, "subject_places", None), getattr(b, "subject_places", None)
    if sa and sb and not any(c.slot == "place" for c in out) and _places_differ(sa, sb):
        out.append(Conflict("place", [_value(a, a.subject_span, ", ".join(map(geo.country_name, sa))),
                                      _value(b, b.subject_span, ", ".join(map(geo.country_name, sb)))]))
    hedged = "possible" in {getattr(a, "modality", None), getattr(b, "modality", None)}
    if negation(a, b) and not hedged:
        out.append(Conflict("negation", [_value(a, None, "negated" if a.negated else "affirmed"),
                                         _value(b, None, "negated" if b.negated else "affirmed")]))
    if a.ordinal and b.ordinal and a.ordinal != b.ordinal:
        out.append(Conflict("ordinal", [_value(a, None, f"{a.ordinal} time"), _value(b, None, f"{b.ordinal} time")]))
    return out


def _polarity_differs(a: Claim, b: Claim) -> bool:
    """A verb both clauses use, negated in one and not in the other, wherever it stands in the
    clause ("a region that was [not] devastated")."""
    pa, pb = getattr(a, "polarity", None), getattr(b, "polarity", None)
    if not pa or not pb:
        return False
    neg_a = {v for v, n in pa if n}
    neg_b = {v for v, n in pb if n}
    verbs_a, verbs_b = {v for v, _ in pa}, {v for v, _ in pb}
    return bool((neg_a ^ neg_b) & verbs_a & verbs_b)


def _places_differ(a: Sequence[str], b: Sequence[str]) -> bool:
    """No country in common, or as many places on each side with one swapped for another."""
    if not set(a) & set(b):
        return True
    if len(a) != len(b):
        return False
    rest = Counter(a)
    rest.subtract(Counter(b))
    return any(v > 0 for v in rest.values())


def _roles(claim: Claim) -> dict[str, tuple[str, int, int]]:
    slots = getattr(claim, "role_slots", None)
    if slots is None:
        slots = [("subject", claim.role, *claim.role_span)] if claim.role and claim.role_span else []
    out: dict[str, tuple[str, int, int]] = {}
    for slot, text, start, end in slots:
        out.setdefault(slot, (text, start, end))
    return out


def _role_conflict(a: Claim, b: Claim, person_slots: set[str]) -> Conflict | None:
    """Another office for the same slot: "ground forces chief" vs "Air chief" visited."""
    ra, rb = _roles(a), _roles(b)
    for slot in ("subject", "object", "source"):
        if slot in person_slots or slot not in ra or slot not in rb:
            continue  # a different person explains a different title
        (ta, sa, ea), (tb, sb, eb) = ra[slot], rb[slot]
        if roles_conflict(ta, tb):
            return Conflict("role", [SlotValue(ta, a.document, sa, ea), SlotValue(tb, b.document, sb, eb)])
    return None


def _number_conflict(a: Claim, b: Claim) -> Conflict | None:
    """Numbers measuring the same thing that differ beyond rounding.

    Numbers are grouped by unit and by what they measure (the verb or attribute they hang from:
    both death tolls, both depths); a group with a figure on each side that no figure of the other
    side can be is a conflict. Numbers whose measure is unknown on one side are compared when they
    are the only number of their unit on each side."""
    qa, qb = [q for q in a.quantities if q.unit], [q for q in b.quantities if q.unit]
    keys = sorted({(q.unit, getattr(q, "measures", None) or "") for q in qa} & {(q.unit, getattr(q, "measures", None) or "") for q in qb})
    for unit, what in keys:
        if not what:
            continue
        xs = [q for q in qa if q.unit == unit and getattr(q, "measures", None) == what]
        ys = [q for q in qb if q.unit == unit and getattr(q, "measures", None) == what]
        pair = _unmatched_pair(xs, ys)
        if pair:
            return _number_values(a, b, *pair)
    for x in qa:
        xs = [q for q in qa if q.unit == x.unit]
        ys = [q for q in qb if q.unit == x.unit]
        if len(xs) == 1 and len(ys) == 1 and not amounts_compatible(x, ys[0]):
            return _number_values(a, b, x, ys[0])
    return None


def _number_values(a: Claim, b: Claim, x: Quantity, y: Quantity) -> Conflict:
    return Conflict("number", [SlotValue(x.text, a.document, x.start, x.end), SlotValue(y.text, b.document, y.start, y.end)])


def amounts_compatible(a: Quantity, b: Quantity) -> bool:
    """Can both be the same figure? Magnitudes are stated to a tenth, ages exactly; other amounts
    within rounding (10 %) or the stated bound ("over half a billion" holds for 542 million).
    Numbers that count different things ("five days of rioting" / "eight days after", "shot
    three" / "killing two") never contradict each other (`claims.comparable`)."""
    if not comparable(a, b):
        return True
    if a.unit == "magnitude":
        if abs(a.value - b.value) <= 0.05:
            return True
        return _bounds_hold(a, b, 0.0)
    if a.unit == "age":
        return abs(a.value - b.value) < 1 or _bounds_hold(a, b, 0.0)
    if a.qualifier and a.qualifier == b.qualifier and a.unit == b.unit:
        # "at least 50" vs "at least 30 people": each report's own figure, and they differ
        lo, hi = sorted((a.value, b.value))
        return hi == 0 or (hi - lo) / hi <= 0.1
    return quantities.compatible(a, b) or _bounds_hold(a, b, 0.1)


def _bounds_hold(a: Quantity, b: Quantity, tolerance: float) -> bool:
    for q, other in ((a, b), (b, a)):
        if q.qualifier == "at least" and other.value >= q.value * (1 - tolerance):
            return True
        if q.qualifier in ("at most", "almost") and other.value <= q.value * (1 + tolerance):
            return True
        if q.qualifier == "approximately" and abs(other.value - q.value) <= max(q.value, other.value) * 0.2:
            return True
    return False


def _date_conflict(a: Claim, b: Claim) -> Conflict | None:
    """Dates conflict when no date of one claim can be any date of the other."""
    da = [d for d in a.dates if d.value]
    db = [d for d in b.dates if d.value]
    if not da or not db:
        return None
    def fits(x: TimeRef, y: TimeRef) -> bool:
        return timex.compatible(x.value, y.value) or _adjacent_days(x.value, y.value)

    left = [x for x in da if not any(fits(x, y) for y in db)]
    right = [y for y in db if not any(fits(x, y) for x in da)]
    if not left or not right:
        return None  # every date of one side can be a date of the other
    if len(left) < len(da) and len(da) != len(db):
        return None  # one side dates more things: the dates left over may be of something else
    x, y = left[0], right[0]
    return Conflict("date", [SlotValue(x.value or "", a.document, x.start, x.end),
                             SlotValue(y.value or "", b.document, y.start, y.end)])


def _adjacent_days(a: str | None, b: str | None) -> bool:
    """"Late Thursday" and "early Friday" are one night: a day apart is not a contradiction."""
    import datetime as dt

    try:
        da, db = dt.date.fromisoformat(a or ""), dt.date.fromisoformat(b or "")
    except ValueError:
        return False
    return abs((da - db).days) <= 1

_ROLE_PREP = re.compile(r"\s+(?:of|for|at|with|in)\s+", re.I)


def _role_words(role: str) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", role)]
    return [w for w in words if w not in STOP_WORDS and not geo.is_demonym(w) and not geo.is_country(w)]


def roles_conflict(a: str, b: str) -> bool:
    """Two role phrases name different offices: "ground forces chief" vs "Air chief" do,
    "Army Chief" vs "army chief" and "chief" vs "army chief" do not."""
    heads = role_lexicon().role_heads
    # "director of worldwide marketing for AMD" vs "spokesman of ...": the office is named before "of"
    ha, hb = _role_words(_ROLE_PREP.split(a, maxsplit=1)[0]), _role_words(_ROLE_PREP.split(b, maxsplit=1)[0])
    if ha and hb and ha[-1] != hb[-1] and ha[-1] in heads and hb[-1] in heads:
        return True
    wa, wb = _role_words(a), _role_words(b)
    if not wa or not wb:
        return False
    if wa[-1] != wb[-1]:
        return wa[-1] in heads and wb[-1] in heads
    mods_a = {_stem(w) for w in wa[:-1]}
    mods_b = {_stem(w) for w in wb[:-1]}
    return bool(mods_a) and bool(mods_b) and not mods_a & mods_b


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


@dataclass
class PreparedPair:
    """Two texts analysed as two articles of independent outlets, ready for `compare`."""

    claims: list[Claim]
    source_of: dict[str, int]
    entity_of: dict[str, str]

    def compare(self, thresholds: Thresholds = DEFAULT, similarity_fn: Similarity | None = None,
                join: JoinRule | None = None) -> list[Fact]:
        return compare(self.claims, self.source_of, self.entity_of, thresholds, similarity_fn, join)


def prepare_text_pairs(pairs: Sequence[tuple[str, str]], published: str | None = None) -> list[PreparedPair]:
    """Run the per-document analysis on each text of each pair (one parsing batch) and resolve
    entities across the two: the same path a story takes, without clustering."""
    from rashomon import claims as claims_stage
    from rashomon import entities, nlp, pipeline
    from rashomon.model import Document

    texts = [t for pair in pairs for t in pair]
    parsed = list(nlp.parse_many(texts))
    out = []
    for k in range(len(pairs)):
        layers = []
        for side in (0, 1):
            doc = Document(id="ab"[side], path="ab"[side], text=texts[2 * k + side], published=published)
            layers.append(pipeline.analyse_document(doc, parsed[2 * k + side]))
        mentions = [m for layer in layers for m in layer.mentions]
        entities.resolve(mentions)
        entity_of = {claims_stage.mention_ref(m): m.entity for m in mentions if m.entity}
        out.append(PreparedPair([c for layer in layers for c in layer.claims], {"a": 0, "b": 1}, entity_of))
    return out


def compare_text_pairs(pairs: Sequence[tuple[str, str]], published: str | None = None,
                       thresholds: Thresholds = DEFAULT) -> list[list[Fact]]:
    """Facts of each pair of texts read as two articles from independent outlets, published the same day."""
    return [p.compare(thresholds) for p in prepare_text_pairs(pairs, published)]


def compare_texts(a: str, b: str, published: str | None = None) -> list[Fact]:
    """Facts of two texts read as reports of two independent outlets: `compare_texts(a, b)`."""
    return compare_text_pairs([(a, b)], published)[0]
