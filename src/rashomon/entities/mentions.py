"""Mentions: named entities and the titles beside them, one document at a time.

spaCy's NER gives the names; the rank ("Gen") and role ("Army Chief", "Russian ground forces
chief") written beside a name are split off and kept with the country a role names, and each
mention notes the verb it hangs on (the dead are not the injured)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import yaml
from spacy.tokens import Doc, Span, Token

from rashomon import geo, timex
from rashomon.model import Mention
from rashomon.nlp import text_of
from rashomon.entities.folding import _core, fold


KEPT_TYPES = {"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC"}


@dataclass(frozen=True)
class RoleLexicon:
    ranks: tuple[str, ...]
    role_heads: frozenset[str]
    sectors: tuple[tuple[str, str], ...]
    designators: frozenset[str] = frozenset()
    relational: frozenset[str] = frozenset()
    synonyms: tuple[tuple[str, str], ...] = ()


@functools.lru_cache(maxsize=1)
def lexicon() -> RoleLexicon:
    data = yaml.safe_load(resources.files("rashomon.data").joinpath("roles.yaml").read_text(encoding="utf-8"))
    ranks = tuple(sorted(data["ranks"], key=lambda r: -len(r.split())))
    return RoleLexicon(ranks, frozenset(h.lower() for h in data["role_heads"]), tuple(tuple(s) for s in data["sectors"]),
                       frozenset(data.get("name_designators", ())), frozenset(data.get("relational_nouns", ())),
                       tuple((w, group[0]) for group in data.get("synonyms", ()) for w in group))


def sector(role: str | None) -> str | None:
    """CAMEO-style sector of a role phrase: "Army Chief" -> MIL, "Foreign Secretary" -> GOV."""
    if not role:
        return None
    low = role.lower()
    for keyword, code in lexicon().sectors:
        if re.search(rf"\b{re.escape(keyword)}\b", low):
            return code
    return None


def split_rank(name: str) -> tuple[str | None, str]:
    """Split a leading rank or honorific off a name: "Col Gen Vladimir V. Chirkin" -> ("Col Gen", ...)."""
    words = name.split()
    for rank in lexicon().ranks:
        n = len(rank.split())
        if len(words) > n and " ".join(words[:n]).lower().rstrip(".") == rank.lower().rstrip("."):
            inner, rest = split_rank(" ".join(words[n:]))
            return (f"{rank} {inner}" if inner else rank), rest
    return None, name


@dataclass
class RolePhrase:
    text: str
    start: int
    end: int
    country: str | None = None


def role_of(tokens: Sequence[Token]) -> RolePhrase | None:
    """The role in a run of modifier tokens, e.g. [Russian, ground, forces, chief] -> "ground forces chief".

    A leading nationality word or a possessor ("Pakistan's") is read as the role's country.
    The run must contain a role head noun, so "strategic dialogue" is not a role.
    """
    toks = [t for t in tokens if t.pos_ != "DET" and t.text not in ("'s", "’s")]
    if not toks:
        return None
    country = None
    while toks:
        code, n = _country_prefix(toks)
        if code is None or not (toks[0].ent_type_ in ("NORP", "GPE") or toks[0].pos_ in ("ADJ", "PROPN") and toks[0].ent_type_ == ""):
            break
        country = country or code
        toks = toks[n:]
    if not toks or not any(t.lower_ in lexicon().role_heads for t in toks):
        return None
    doc = toks[0].doc
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return RolePhrase(text_of(doc)[start:end], start, end, country)


def _country_prefix(toks: Sequence[Token]) -> tuple[str | None, int]:
    """The country the first words name, the longest reading first: "South Sudan's", "North
    Korean" are South Sudan and North Korea, not Sudan and Korea. Returns (code, words used)."""
    for n in range(min(3, len(toks)), 0, -1):
        if n > 1 and not all(t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "GPE") for t in toks[:n]):
            continue
        code = geo.country_code(" ".join(t.text for t in toks[:n]))
        if code:
            return code, n
    return None, 0


def _possessor_country(doc: Doc, end: int) -> str | None:
    """The country a possessor ending before token `end` names, read on the whole proper name
    ("South Sudan 's President" -> SSD), not on its last word."""
    start = end
    while start > 0 and end - start < 3 and (doc[start - 1].pos_ == "PROPN" or doc[start - 1].ent_type_ == "GPE"):
        start -= 1
    for s in range(start, end):
        code = geo.country_code(doc[s:end].text)
        if code:
            return code
    return None


def _left_modifiers(doc: Doc, start: int) -> tuple[list[Token], str | None]:
    """Tokens before a name that form its title ("Army Chief", "Russian ground forces chief")."""
    run: list[Token] = []
    i = start - 1
    while i >= 0:
        tok = doc[i]
        if tok.is_sent_end and i != start - 1 or tok.ent_type_ == "PERSON" or tok.pos_ not in ("PROPN", "NOUN", "ADJ"):
            break
        run.insert(0, tok)
        i -= 1
    possessor = None
    if i >= 1 and doc[i].text in ("'s", "’s"):
        possessor = _possessor_country(doc, i)
    return run, possessor


def find_mentions(doc: Doc, document: str) -> list[Mention]:
    """Named-entity mentions of one parsed document, with rank, role and country attached.

    Besides the names, a definite role phrase ("the Foreign Secretary") that repeats the role
    written beside exactly one person earlier in the document is kept as a mention of type
    PERSON whose name is the role: resolution then joins it to that person.
    """
    mentions: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_TYPES:
            continue
        text, start = _trim(ent)
        if not text or not any(c.isalpha() for c in text):
            continue
        mention = mention_for_span(doc, document, start, start + len(text), ent.label_)
        if mention.type == "PERSON" and (not re.search(r"[A-Z]", mention.name) or len(mention.name) < 2):
            continue
        mentions.append(mention)
    mentions = _drop_inside_roles(mentions)
    mentions.extend(_role_mentions(doc, document, mentions))
    mentions.sort(key=lambda m: m.start)
    return mentions


def mention_for_span(doc: Doc, document: str, start: int, end: int, label: str, anchor: dt.date | None = None) -> Mention:
    """A mention for the characters [start, end) of a parsed document, typed `label`.

    The NER path and callers holding their own spans (a benchmark's gold mentions) share this,
    so a span gets the same rank/role/country reading whichever way it was found. A DATE/TIME
    span is named by the calendar value it resolves to against `anchor` ("on Thursday" in a
    report of 2013-05-03 is "2013-05-02"), so differently worded mentions of one day meet.
    """
    text = text_of(doc)[start:end]
    mention = Mention(document=document, start=start, end=end, text=text, type=label, name=text)
    if label in ("DATE", "TIME"):
        refs = [r for r in timex.find_dates(text, document, anchor) if r.value]
        if refs:
            finest = {"day": 3, "month": 2, "year": 1}
            mention.name = max(refs, key=lambda r: finest.get(r.granularity, 0)).value or text
        return mention
    span = doc.char_span(start, end, alignment_mode="expand")
    common = span is not None and text[:1].isupper() and not any(t.pos_ == "PROPN" for t in span)
    if common and label == "PERSON":
        mention.name = text = text.lower()  # "Suspect" in a headline: a noun, not a name
    if label == "PERSON" and span is not None:
        mention.head_verb = head_verb(span)
    if label == "PERSON":
        rank, name = split_rank(text)
        name, title = person_name(name)
        mention.rank, mention.name = rank, name
        if span is not None and name[:1].isupper():
            modifiers, possessor = _left_modifiers(doc, span.start)
            role = role_of(modifiers) or _appositive_role(span)
            if role is None and title:
                at = text.find(title)
                role = RolePhrase(title, start + at, start + at + len(title))
            if role:
                mention.role = role.text
                mention.role_span = (role.start, role.end)
                mention.country = role.country or possessor
            else:
                mention.country = possessor
    elif label in ("GPE", "LOC", "NORP"):
        mention.country = geo.country_code(_core(text))
        if label == "NORP" and mention.country:
            mention.type = "GPE"  # a demonym stands for its country ("Russian" -> Russia)
    elif label == "ORG":
        mention.name = re.sub(r"^the\s+", "", text, flags=re.I)
    return mention


@functools.lru_cache(maxsize=1)
def _predicate_classes() -> dict[str, str]:
    """lemma -> its class key (rashomon/data/predicate_classes.yaml: "kill", "dead" -> "death")."""
    text = resources.files("rashomon.data").joinpath("predicate_classes.yaml").read_text(encoding="utf-8")
    return {lemma: key for key, lemmas in yaml.safe_load(text).items() for lemma in [key, *lemmas]}


def predicate_class(lemma: str | None) -> str | None:
    """The class of a predicate lemma ("slay" -> "death"), else the lemma itself."""
    return _predicate_classes().get(lemma, lemma) if lemma else None


_CLIMB_DEPS = {"nummod", "compound", "amod", "appos", "conj", "prep", "pobj", "npadvmod", "quantmod", "nmod"}


def head_verb(span: Span) -> str | None:
    """Lemma of the predicate a mention of people depends on: "killed two co-workers",
    "80 people were injured", "10 people killed", "the death of two women", "the wounded" ->
    kill, injure, kill, death, wounded. A word of a known predicate class (the dead, the
    injured) wins over a mere verb; the walk up the parse stops at the first verb."""
    root = span.root
    classes = _predicate_classes()
    near = [root] + [c for c in root.children if c.dep_ in ("amod", "acl", "relcl") and c.i >= span.start]
    near += [g for c in root.children if c.dep_ == "relcl" for g in c.children if g.dep_ in ("acomp", "oprd")]
    for tok in near:
        if tok.lemma_.lower() in classes:
            return tok.lemma_.lower()
    for tok in near[1:]:
        if tok.pos_ == "VERB":
            return tok.lemma_.lower()
    tok = root
    for _ in range(4):
        if tok.head is tok:
            return None
        dep, tok = tok.dep_, tok.head
        if tok.lemma_.lower() in classes or tok.pos_ in ("VERB", "AUX") and tok.dep_ != "aux":
            return tok.lemma_.lower()
        if dep not in _CLIMB_DEPS:
            return None
    return None


NAME_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos", "das",
                  "bin", "ibn", "al", "el", "ter", "ten", "y"}


def person_name(text: str) -> tuple[str, str | None]:
    """The name in a person mention and the title written inside it: "Attorney Shawn Holley" ->
    ("Shawn Holley", "Attorney"); "attorney , Shawn Holley" -> ("Shawn Holley", "attorney");
    "Regina Benjamin , MD" -> ("Regina Benjamin", None)."""
    parts = [p for p in re.split(r"\s*,\s*", text) if p]
    named = [p for p in parts if any(w[:1].isupper() and fold(w) not in lexicon().role_heads for w in p.split())]
    name = named[0] if named else (parts[0] if parts else text)
    title = next((p for p in parts if p is not name and all(fold(w) in lexicon().role_heads for w in p.split())), None)
    words = name.split()
    lead = 0
    while lead < len(words) - 1 and (fold(words[lead]) in lexicon().role_heads
                                     or words[lead][:1].islower() and words[lead] not in NAME_PARTICLES):
        lead += 1
    if lead and not {fold(w) for w in words[:lead]} & {"of", "the", "for", "to", "and"}:  # not "Surgeon General of the United States"
        title = " ".join(words[:lead])
        name = " ".join(words[lead:])
    return name, title


def _role_mentions(doc: Doc, document: str, mentions: list[Mention]) -> list[Mention]:
    """"the Foreign Secretary" after "Foreign Secretary Jalil Abbas Jilani": a mention of him.

    Only a definite phrase ("the ...") whose words are exactly a role already written beside
    one person of this document counts; a role two people share stays unattached.
    """
    roles: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.type == "PERSON" and m.role:
            roles[fold(m.role)].append(m)
    if not roles:
        return []
    taken = [(m.start, m.end) for m in mentions] + [m.role_span for m in mentions if m.role_span]
    out = []
    for i, tok in enumerate(doc):
        if tok.lower_ != "the":
            continue
        for key, people in roles.items():
            n = len(key.split())
            words = doc[i + 1 : i + 1 + n]
            if len(words) != n or fold(words.text) != key or len({fold(p.name) for p in people}) != 1:
                continue
            start, end = words.start_char, words.end_char
            if any(s < end and start < e for s, e in taken) or start < people[0].start:
                continue
            out.append(Mention(document=document, start=start, end=end, text=words.text, type="PERSON",
                               name=words.text, role=words.text, role_span=(start, end), country=people[0].country))
    return out


def _drop_inside_roles(mentions: list[Mention]) -> list[Mention]:
    """"Army" in "Army Chief Gen Kayani" is part of a title, not a mention of an organisation."""
    titled = [m for m in mentions if m.type == "PERSON" and m.role]
    out = []
    for m in mentions:
        inside = [p for p in titled if p.role_span and p.role_span[0] <= m.start and m.end <= p.role_span[1]]
        if m.type != "PERSON" and any(p.document == m.document for p in inside):
            continue
        out.append(m)
    return out


def _trim(ent: Span) -> tuple[str, int]:
    """Entity text without a dangling "(ABBR" or possessive, and its start offset."""
    text = ent.text
    text = re.sub(r"\s*\([^)]*$", "", text)
    text = re.sub(r"['’]s$", "", text).strip()
    return text, ent.start_char


def _appositive_role(ent: Span) -> RolePhrase | None:
    for child in ent.root.children:
        if child.dep_ == "appos":
            return role_of(list(child.subtree))
    return None
