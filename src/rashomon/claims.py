"""Claims: each article split into atomic statements (clauses), each with its slots.

A sentence such as "Kayani visited Russia last year and Chirkin was here this month" holds two
claims; comparing sources needs them apart, because another outlet may confirm one and
contradict the other. Slots are read from the parse and from the per-document layers
(entities, dates, amounts, events), so comparison works on normalised values, not on wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from rashomon.entities import role_of
from rashomon.model import Claim, Event, Mention, Quantity, TimeRef

REPORTING_VERBS = {"say", "tell", "believe", "report", "claim", "add", "note", "state", "announce", "confirm",
                   "insist", "argue", "think", "told", "suggest", "allege", "refer"}
ORDINAL = re.compile(r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
                     r"(?:\s+ever)?\s+time\b", re.I)
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}


def _clause_heads(sent: Span) -> list[Token]:
    """Verbs that head their own statement: the root and verbs coordinated with it."""
    root = sent.root
    heads = [root]
    for tok in sent:
        if tok.dep_ == "conj" and tok.head in heads and tok.pos_ in ("VERB", "AUX"):
            heads.append(tok)
    return heads


def _clause_tokens(head: Token, heads: Sequence[Token]) -> list[Token]:
    skip: set[int] = set()
    for other in heads:
        if other is not head and other.head is head or (other is not head and other in head.subtree and other.i > head.i):
            skip.update(t.i for t in other.subtree)
    toks = [t for t in head.subtree if t.i not in skip]
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
    if head.dep_ == "conj":
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
            attribution = None
            content_head = head
            if head.lemma_.lower() in REPORTING_VERBS:
                comp = next((c for c in head.children if c.dep_ == "ccomp"), None)
                subj = _subject(head)
                if comp is not None and subj is not None:
                    attribution = " ".join(t.text for t in _np_tokens(subj))
                    content_head = comp
            toks = _clause_tokens(content_head, heads) if content_head is head else list(content_head.subtree)
            if not toks or sum(t.is_alpha for t in toks) < 3:
                continue
            start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            claims.append(_claim(doc, document, f"{document}:{len(claims)}", content_head, toks, start, end,
                                 mentions, dates, quantities, events, home_country, attribution))
    return claims


def _claim(doc: Doc, document: str, cid: str, head: Token, toks: list[Token], start: int, end: int,
           mentions: Sequence[Mention], dates: Sequence[TimeRef], quantities: Sequence[Quantity],
           events: Sequence[Event], home: str | None, attribution: str | None) -> Claim:
    inside = lambda s, e: start <= s and e <= end  # noqa: E731
    clause_mentions = [m for m in mentions if inside(m.start, m.end)]
    subject = _subject(head)
    subject_mentions: list[Mention] = []
    subject_text = subject_span = role = role_span = None
    if subject is not None:
        np = _np_tokens(subject)
        s0, s1 = np[0].idx, np[-1].idx + len(np[-1].text)
        subject_text, subject_span = doc.text[s0:s1], (s0, s1)
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
    places = sorted({m.country for m in clause_mentions if m.type in ("GPE", "LOC", "FAC") and m.country
                     and m not in subject_mentions})
    if home and any(t.lower_ == "here" for t in toks):
        places.append(home)
    text = doc.text[start:end]
    ordinal = ORDINAL.search(text)
    lemmas = _lemmas(toks, clause_mentions)
    return Claim(
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
        quantities=[q for q in quantities if inside(q.start, q.end)],
        ordinal=ordinal.group("ord").lower() if ordinal else None,
        negated=any(c.dep_ == "neg" for c in head.children) or bool(event and event.negated),
        attribution=attribution,
        lemmas=lemmas,
    )


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
