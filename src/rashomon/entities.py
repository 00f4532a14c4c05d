"""Entities: named-entity mentions per document, then one entity per real thing across documents.

Mentions come from spaCy's NER. Titles written beside a name are split off and kept: the rank
("Gen", "Col Gen") and the role ("Army Chief", "Russian ground forces chief"), with the country a
role names ("Russian ...", "Pakistan's ..."). Resolution merges mentions of one person across
spellings (Kayani / Kiyani) only when the surnames are close *and* the given names and roles do
not contradict each other, so two people who share a surname stay apart.

Coreference beyond names runs in three layers, each a pure function of the mentions:
- within a report: pronouns to the nearest agreeing antecedent (a gendered, named one before a
  merely nearer one), a description written where a name's title is ("her rep Jack Ketsoyan"),
  the same head noun in the same number, and, once the report is read, a description of one
  thing to the report's main named thing of its kind (never a relation such as "her lawyer" or
  an office such as "the Surgeon General");
- within a story (the pipeline resolves one story at a time; `resolve(story_of=...)` takes a
  mapping when several are resolved at once): an unnamed chain joins the named thing its head
  noun describes elsewhere in the story, the place or body its inner name keys to ("Qeshm island
  off Iran's southern coast"), the day its weekday fell on, the dated moment its clock time names,
  or the story's main thing of its kind; groups of people join by their fate (`Mention.head_verb`:
  the killed, the injured);
- across stories: names only (spellings, acronyms, short forms, country codes, calendar values).
Measured on ECB+ by benchmarks/coreference.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

import yaml
from rapidfuzz import fuzz
from spacy.tokens import Doc, Span, Token

from rashomon import geo, timex
from rashomon.model import Entity, Mention
from rashomon.nlp import text_of

KEPT_TYPES = {"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC"}
SURNAME_SIMILARITY = 80  # rapidfuzz ratio; Kayani/Kiyani = 83, Jilani/Gilani = 83
MIN_FUZZY_LENGTH = 5


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


# ---------------------------------------------------------------------------------------------
# Resolution: chains inside each document first, then chains joined across documents

PRONOUNS: dict[str, tuple[str, str | None]] = {
    # word -> (what it can refer to, gender)
    **{w: ("person", "m") for w in ("he", "him", "his", "himself")},
    **{w: ("person", "f") for w in ("she", "her", "hers", "herself")},
    **{w: ("relative", None) for w in ("who", "whom", "whose")},
    **{w: ("thing", None) for w in ("it", "its", "itself", "which")},
    **{w: ("plural", None) for w in ("they", "them", "their", "theirs", "themselves")},
    **{w: ("place", None) for w in ("where", "there", "here")},
    **{w: ("time", None) for w in ("when", "then")},
    **{w: ("speaker", None) for w in ("i", "me", "my", "mine", "myself", "we", "us", "our", "ours",
                                      "ourselves", "you", "your", "yours", "yourself", "yourselves")},
}
GENDERED_NOUNS = {
    **{w: "f" for w in ("woman", "women", "mother", "sister", "wife", "daughter", "girl", "actress", "queen",
                        "girlfriend", "grandmother", "aunt", "mrs", "ms", "lady", "princess", "starlet")},
    **{w: "m" for w in ("man", "men", "father", "brother", "husband", "son", "boy", "king", "actor",
                        "boyfriend", "grandfather", "uncle", "mr", "prince", "gentleman")},
}
PLACE_TYPES = {"GPE", "LOC", "FAC"}
TIME_TYPES = {"DATE", "TIME"}
PRONOUN_REACH = 400  # characters back to look for a pronoun's antecedent (about three sentences)
RELATIVE_REACH = 40  # "who"/"which"/"where" follow their antecedent closely
_LEADING = re.compile(r"^(?:(?:in|on|at|from|to|for|of|by|into|near|during|since|the|a|an)\s+)+", re.I)
_PARTITIVE = re.compile(r"^(?:one|some|many|each|all|most|several|part|parts|any|none|both)\s+of\s+(?:the\s+)?", re.I)
_CUT = re.compile(r"\s(?:of|in|at|on|who|which|that|from|with|for)\s|\s?[,(]")
_TIME_LEADING = re.compile(r"^(?:(?:in|on|at|from|to|for|of|by|during|since|the)\s+)+", re.I)


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case ASCII form for comparing spellings ("U . S ." and "US" fold alike)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"(?<=\w)['’]s\b", "", text.lower())
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    out: list[str] = []
    for w in words:  # join spelled-out initials: "u s geological" -> "us geological"
        if len(w) == 1 and out and re.fullmatch(r"[a-z]+", out[-1]) and _initials_run(out[-1]):
            out[-1] += w
        else:
            out.append(w)
    return " ".join(out)


def _initials_run(word: str) -> bool:
    return len(word) <= 3 and word not in ("a", "i")


@functools.lru_cache(maxsize=1 << 16)
def _core(text: str) -> str:
    """The phrase without leading prepositions and articles, nor a trailing possessive."""
    text = _LEADING.sub("", text.strip())
    return re.sub(r"\s*['’]\s*s?$", "", text).strip()


@functools.lru_cache(maxsize=1 << 16)
def _head(text: str) -> str:
    """Head noun of a common-noun phrase: "the 33-year-old actress 's rep" -> "rep"; "one of the
    major hospitals on the island" -> "hospital"."""
    text = _PARTITIVE.sub("", _core(text))
    core = _CUT.split(" " + _core(text) + " ", maxsplit=1)[0].strip() or _core(text)
    words = fold(core).split()
    if not words:
        return ""
    w = words[-1]
    number = _count_of(words)
    if number is not None:  # "80 people", "80" and "eighty": one count of people
        return str(number)
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return _synonyms().get(w, w)


def _count_of(words: list[str]) -> int | None:
    """The number a bare count or a count of people states: ["80", "people"] -> 80, ["ten"] -> 10."""
    if len(words) == 2 and words[1] not in ("people", "persons"):
        return None
    if len(words) > 2:
        return None
    w = words[0]
    if w.isdigit():
        return int(w)
    return timex.NUMBER_WORDS.get(w) if w not in ("a", "an") else None


@functools.lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    return dict(lexicon().synonyms)


def _kind(m: Mention) -> str:
    """"pronoun", "role" ("the Foreign Secretary"), "name" or "nominal" ("the actress")."""
    return _kind_of(m.text, m.type, m.role, m.name)


@functools.lru_cache(maxsize=1 << 16)
def _kind_of(text: str, type_: str, role: str | None, name: str) -> str:
    """`_kind` of a mention, from the only fields it reads (resolution asks it again and again)."""
    words = fold(text).split()
    if len(words) == 1 and words[0] in PRONOUNS and not (len(text.strip()) > 1 and text.strip().isupper()):
        return "pronoun"  # but "US" and "IT" are names
    if type_ in TIME_TYPES:
        return "time"
    if role and fold(name) == fold(role):
        return "role"
    core = _CUT.split(" " + _core(name) + " ", maxsplit=1)[0].strip() or _core(name)
    words = [w for w in core.split() if any(ch.isalnum() for ch in w)]  # not the "." of "Inc ."
    last = words[-1] if words else ""
    if type_ == "PERSON" and fold(last) in lexicon().role_heads:
        return "nominal"  # "Surgeon General", "President": an office, not a name
    return "name" if last[:1].isupper() or last[:1].isdigit() and type_ not in ("PERSON",) else "nominal"


def _group(type_: str) -> str:
    if type_ in PLACE_TYPES:
        return "PLACE"
    if type_ in TIME_TYPES:
        return "TIME"
    return type_


def _name_parts(name: str) -> tuple[list[str], str]:
    words = [w for w in fold(name).split() if w]
    return words[:-1], (words[-1] if words else "")


def similar_surnames(a: str, b: str) -> bool:
    """Same surname, or a transliteration of it (Kayani/Kiyani, Jilani/Gilani)."""
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY_LENGTH:
        return False
    return fuzz.ratio(a, b) >= SURNAME_SIMILARITY


def compatible_given_names(a: list[str], b: list[str]) -> bool:
    """Given names agree where both are written: "Ashfaq" vs "Ashfaq", "V." vs "Vladimir"."""
    if not a or not b:
        return True
    x, y = a[0], b[0]
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    if len(a) != len(b) and (x in b or y in a):
        return True  # "Diane Crawford Smith" is "Sharron Diane Crawford Smith" without her first name
    return x == y or fuzz.ratio(x, y) >= 85


def compatible_roles(a: Iterable[str], b: Iterable[str]) -> bool:
    """Roles do not name different offices ("army chief" vs "President" do; "Army Chief" vs "army chief" don't)."""
    sa = {sector(r) for r in a if sector(r)}
    sb = {sector(r) for r in b if sector(r)}
    return not sa or not sb or bool(sa & sb)


@dataclass
class _Cluster:
    type: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def named(self) -> list[Mention]:
        return [m for m in self.mentions if _kind(m) == "name"]

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.named]

    @property
    def full(self) -> bool:
        return any(len(fold(n).split()) > 1 for n in self.names)

    @property
    def roles(self) -> list[str]:
        return [m.role for m in self.mentions if m.role]

    @property
    def documents(self) -> set[str]:
        return {m.document for m in self.mentions}

    @property
    def gender(self) -> str | None:
        votes = Counter()
        for m in self.mentions:
            word = fold(m.text)
            if word in PRONOUNS and PRONOUNS[word][1]:
                votes[PRONOUNS[word][1]] += 1
            elif _kind(m) == "nominal" and _head(m.text) in GENDERED_NOUNS:
                votes[GENDERED_NOUNS[_head(m.text)]] += 1
            elif m.rank and fold(m.rank).split()[-1] in GENDERED_NOUNS:
                votes[GENDERED_NOUNS[fold(m.rank).split()[-1]]] += 1
        return votes.most_common(1)[0][0] if votes else None

    def best_name(self) -> str:
        pool = self.names or [m.name for m in self.mentions if _kind(m) != "pronoun"] or [m.text for m in self.mentions]
        counts = Counter(pool)
        # a person by the full name written most often ("Regina Benjamin", not the one report's
        # "MacArthur genius grant fellow Regina Benjamin"); anything else by its most used name
        return max(counts, key=lambda n: (len(fold(n).split()) > 1 if self.type == "PERSON" else 0, counts[n], len(n)))


def _person_match(a: _Cluster, b: _Cluster) -> bool:
    """Two person chains can be one person: close surnames, agreeing given names and roles."""
    for na in set(a.names):
        ga, sa = _name_parts(na)
        for nb in set(b.names):
            gb, sb = _name_parts(nb)
            if sa and sb and similar_surnames(sa, sb) and compatible_given_names(ga, gb):
                exact = sa == sb and (ga == gb or not ga or not gb)
                if exact or compatible_roles(a.roles, b.roles):
                    return True
    return False


def _given_name_match(full: _Cluster, short: _Cluster) -> bool:
    given = {fold(n).split()[0] for n in full.names if len(fold(n).split()) > 1}
    return any(fold(n) in given and len(fold(n)) >= MIN_FUZZY_LENGTH for n in short.names)


def _bare(name: str) -> str:
    """An acronym as written, without possessive or punctuation: "H-P's" -> "HP"."""
    return re.sub(r"[^A-Za-z0-9]", "", re.sub(r"['’]s$", "", name.strip()))


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper())


CORPORATE = {"inc", "co", "corp", "corporation", "company", "ltd", "llc", "plc", "group", "the", "com"}
SPELLINGS = {"centre": "center", "theatre": "theater"}


@functools.lru_cache(maxsize=1 << 16)
def _org_key(name: str) -> str:
    """"the Hewlett - Packard Co." and "Hewlett-Packard" meet; "Centre" and "Center" too."""
    name = re.sub(r"\s*\(.*$", "", _core(name))
    name = re.sub(r"^(?:[a-z][\w-]*\s+)+(?=[A-Z])", "", name)  # "famed Betty Ford Center", "centred near Qeshm"
    name = _core(name)
    owner = re.match(r"^(?P<p>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)\s?['’]\s?s\s+(?=[A-Z])", name)
    if owner and geo.country_code(owner["p"]):
        name = name[owner.end():]  # "Indonesia's Aceh province" is Aceh; "McDonald's Corp" stays
    of = re.match(r"(?i)^(?:the\s+)?(?:\w+\s+)?(?P<d>\w+)\s+of\s+(?P<n>[A-Z].*)$", name)
    if of and of["d"].lower() in lexicon().designators:
        name = of["n"]  # "the tourist Island of Qeshm" is Qeshm
    name = re.split(r"\s+(?:in|at|near|on)\s+(?:the\s+)?[A-Z]|\s*,\s*", name, maxsplit=1)[0]  # not "of": "Bank of America"
    words = [SPELLINGS.get(w, w) for w in re.sub(r"\bunited states\b", "us", fold(name)).split()]
    while len(words) > 1 and words[-1] in CORPORATE:
        words.pop()
    while len(words) > 1 and words[0] in CORPORATE:
        words.pop(0)
    while len(words) > 1 and words[-1] in lexicon().designators:
        words.pop()
    return " ".join(words)


def _name_key(m: Mention) -> tuple[str, str]:
    """Key under which non-person names of one thing meet: a country's code, else the folded name."""
    group = _group(m.type)
    if group == "PLACE" and m.country and (geo.is_country(_core(m.name)) or geo.is_demonym(_core(m.name))):
        return ("PLACE", m.country)
    key = _org_key(m.name)
    if group == "PLACE" and geo.is_country(key):  # "remote eastern Indonesia": Indonesia
        return ("PLACE", geo.country_code(key) or key)
    return (group, key)


_DURATION = re.compile(r"^(?:(?:a|an|the|another|for|of|over|some|about|nearly|almost)\s+)*(?P<n>\d+|[a-z]+)\s*-?\s*(?P<unit>day|week|month|year)s?\b(?!'?\s*(?:ago|later|earlier|after|before|old))")
_VAGUE_SPAN = re.compile(r"\b(?P<unit>second|minute|hour|decade|centur)(?:s|y|ies)?\b")
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def duration_days(text: str) -> int | None:
    """Length of a stretch of time in days: "a 90 - day" and "three months" are both 90."""
    m = _DURATION.match(fold(text).replace(" - ", "-"))
    if not m:
        return None
    n = m["n"]
    value = int(n) if n.isdigit() else timex.NUMBER_WORDS.get(n)
    return value * UNIT_DAYS[m["unit"]] if value else None


def _nominal_key(m: Mention) -> tuple[str, str, str]:
    """Where descriptions of one thing meet: the same head noun in the same number ("the
    facility" ... "the facility"; "co-workers" is not "the worker")."""
    return ("nominal", _group(m.type), _head(m.text) + ("+" if plural_description(m.text) else ""))


# What happened to a group of people tells the groups of one story apart ("10 people were killed",
# "dozens injured"): the classes of rashomon/data/predicate_classes.yaml that name a fate.
CASUALTY_CLASSES = frozenset({"death", "injure", "missing"})


def casualty_class(m: Mention) -> str | None:
    """The fate a description of people depends on: "killed two co-workers" -> "death"."""
    if _group(m.type) != "PERSON":
        return None
    fate = predicate_class(m.head_verb)
    return fate if fate in CASUALTY_CLASSES else None


def _time_key(m: Mention) -> tuple[str, str]:
    if re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", m.name):
        return ("TIME", m.name)  # resolved to the calendar
    days = duration_days(m.text)
    if days:
        return ("TIME", f"P{days}D")
    vague = _VAGUE_SPAN.search(fold(m.text))
    if vague:  # "minutes later", "after only a few minutes", "less than ten minutes": some minutes
        return ("TIME", f"~{vague['unit']}")
    clock = _CLOCK.search(m.text)
    if clock:  # "at 2 : 09 a . m" and "2:09 am PST": one moment
        hour = int(clock["h"]) % 12 + (12 if (clock["ap"] or "").lower() == "p" else 0)
        return ("TIME", f"T{hour:02d}:{clock['m']}")
    words = fold(_TIME_LEADING.sub("", m.text.strip())).split()
    weekdays = [w for w in words if w in timex.WEEKDAYS]
    if len(weekdays) == 1 and not {"last", "next", "ago", "after", "before"} & set(words):
        return ("TIME", weekdays[0])  # "early on Sunday", "Sunday": the same unresolved day
    return ("TIME", " ".join(words))


_CLOCK = re.compile(r"(?<!\d)(?P<h>[01]?\d)\s*[:.]\s*(?P<m>[0-5]\d)(?:\s*(?P<ap>[aApP])\s*\.?\s*[mM]\b)?")


# ----- within one document


def _antecedent(m: Mention, before: list[Mention], chain_of: dict[int, _Cluster]) -> _Cluster | None:
    """The chain a pronoun refers to: the nearest earlier mention it can agree with."""
    what, gender = PRONOUNS[fold(m.text)]
    if what == "speaker":
        return None
    reach = RELATIVE_REACH if fold(m.text) in ("who", "whom", "whose", "which", "where", "when") else PRONOUN_REACH
    candidates: list[_Cluster] = []
    for prev in reversed(before):
        if m.start - prev.end > reach:
            break
        chain = chain_of[id(prev)]
        if _kind(prev) == "pronoun" and PRONOUNS[fold(prev.text)][0] != what:
            continue
        group = _group(chain.type)
        ok = {
            "person": group == "PERSON" and chain.gender in (None, gender) and not _group_chain(chain),
            "relative": group in ("PERSON", "ORG"),
            "thing": group in ("ORG", "PLACE"),
            "plural": group == "ORG" or group == "PERSON" and _plural(chain),
            "place": group == "PLACE",
            "time": group == "TIME",
        }[what]
        if ok and what != "person":
            return chain
        if ok:
            candidates.append(chain)
    if not candidates:
        return None
    # "she" after "Tara Reid ... her rep": the chain known to be a woman, a named one, one that is
    # not a relation of someone else, before the merely nearest
    def score(chain: _Cluster) -> int:
        relational = any(_kind(x) == "nominal" and _head(x.text) in lexicon().relational for x in chain.mentions)
        return 2 * (chain.gender == gender) + bool(chain.named) - 2 * (relational and not chain.named)
    return max(candidates, key=score)  # max keeps the first (nearest) of equals


# A description or pronoun with nothing nearer joins the document's main named thing of its kind
# only when that thing has at least this many mentions (with fewer, the story-level rules decide).
# Chosen on the ECB+ dev topics from 1-6 (dev CoNLL 0.769 / 0.783 / 0.785 / 0.786 / 0.786 / 0.786:
# the smallest of the best); PRONOUN_REACH 200/400/800 moved it by < 0.002 and was left at 400.
# See benchmarks/coreference.py.
SALIENT_MIN = 4


@functools.lru_cache(maxsize=1 << 12)
def _someone_else(head: str) -> bool:
    """A description that never stands for the report's main person for want of a better
    antecedent: a relation of someone ("her rep", "his lawyer") or an office with a sector
    ("the Surgeon General", "the president"), held by whom the sentence must say."""
    return head in lexicon().relational or head in lexicon().role_heads and sector(head) is not None


def _salient(m: Mention, chains: list[_Cluster]) -> _Cluster | None:
    """The document's main named thing of the mention's kind, for a description or pronoun
    with nothing nearer: "the actress" in a report about Lindsay Lohan is Lohan."""
    kind = _kind(m)
    if kind == "pronoun":
        what, gender = PRONOUNS[fold(m.text)]
        groups = {"person": {"PERSON"}, "relative": {"PERSON", "ORG"}, "thing": {"ORG", "PLACE"},
                  "plural": {"ORG"}, "place": {"PLACE"}, "time": set(), "speaker": set()}[what]
    else:
        if re.match(r"(?i)^(?:an?|one|another|other|some|many|several|two|three)\b", m.text.strip()):
            return None  # "a judge": someone new
        if _someone_else(_head(m.text)) or _group(m.type) == "PERSON" and plural_description(m.text):
            return None  # "her rep": someone else; "the Surgeon General": an office, held by whom is not said
        gender = GENDERED_NOUNS.get(_head(m.text))
        groups = {_group(m.type)}
    best = [c for c in chains if c.named and _group(c.type) in groups and (gender is None or c.gender in (None, gender))]
    if not best:
        return None
    top = max(best, key=lambda c: len(c.mentions))
    return top if len(top.mentions) >= SALIENT_MIN else None


def _group_chain(chain: _Cluster) -> bool:
    """An unnamed chain whose descriptions all speak of several ("the women"): never "she"."""
    words = [m for m in chain.mentions if _kind(m) in ("nominal", "role")]
    return not chain.named and bool(words) and all(plural_description(m.text) for m in words)


def _plural(chain: _Cluster) -> bool:
    heads = [fold(m.text) for m in chain.mentions if _kind(m) == "nominal"]
    return any(h.endswith("s") or h.split()[-1] in ("people", "police", "crew", "staff") for h in heads if h)


def _document_chains(mentions: list[Mention]) -> list[_Cluster]:
    """Chains of one document: names with their short forms, role phrases, repeated nouns, pronouns."""
    chains: list[_Cluster] = []
    chain_of: dict[int, _Cluster] = {}
    by_key: dict[tuple[str, str], _Cluster] = {}
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    for i, m in enumerate(ordered):
        kind = _kind(m)
        target: _Cluster | None = None
        if kind == "pronoun":
            target = _antecedent(m, ordered[:i], chain_of) or _salient(m, chains)
        elif kind == "time":
            target = by_key.get(_time_key(m))
        elif kind == "role":
            holders = [c for c in chains if c.type == "PERSON" and c.named and fold(m.role or "") in {fold(r) for r in c.roles}]
            target = holders[0] if len(holders) == 1 else None
        elif kind == "name" and m.type == "PERSON":
            probe = _Cluster("PERSON", [m])
            fits = [c for c in chains if c.type == "PERSON" and c.named and _person_match(c, probe)]
            if len(fits) > 1:  # "Clinton" after Hillary and Bill Clinton: only an exact full name decides
                fits = [c for c in fits if fold(m.name) in {fold(n) for n in c.names}]
            target = fits[0] if len(fits) == 1 else None
        elif kind == "name":
            target = by_key.get(_name_key(m))
        else:  # a common noun: the same head noun again is the same thing ("the facility" ... "facility")
            target = by_key.get(_nominal_key(m)) or _salient(m, chains)  # type: ignore[arg-type]
        if target is None:
            target = _Cluster(_group(m.type) if _group(m.type) in ("PLACE", "TIME") and kind == "pronoun" else m.type)
            chains.append(target)
        target.mentions.append(m)
        chain_of[id(m)] = target
        if kind == "time":
            by_key.setdefault(_time_key(m), target)
        elif kind == "name" and m.type != "PERSON":
            by_key.setdefault(_name_key(m), target)
        elif kind == "nominal":
            by_key.setdefault(_nominal_key(m), target)  # type: ignore[index]
    return _attach_to_salient(_join_titles(chains))


def _join_titles(chains: list[_Cluster]) -> list[_Cluster]:
    """"rep" in "her rep Jack Ketsoyan" is Ketsoyan: a description written where a name's
    title is (its role span) belongs to that name's chain."""
    titled = [(m.role_span, c) for c in chains for m in c.named if m.role_span]
    out = []
    for c in chains:
        home = None
        if not c.named:
            home = next((h for m in c.mentions if _kind(m) in ("nominal", "role")
                         for (s, e), h in titled if h is not c and s <= m.start and m.end <= e), None)
        if home is not None:
            home.mentions.extend(c.mentions)
        else:
            out.append(c)
    return out


PLURAL_WORDS = {"people", "persons", "men", "women", "children", "police", "staff", "crew", "others", "dozens",
                "hundreds", "thousands", "several", "many", "some", "all", "both", "few", "most", "they", "them"}


def plural_description(text: str) -> bool:
    """"survivors", "80 people", "Five", "dozens": a description of several, not of one."""
    core = _CUT.split(" " + _core(text) + " ", maxsplit=1)[0].strip() or _core(text)
    words = fold(core).split()
    if not words:
        return False
    last = words[-1]
    if last in PLURAL_WORDS or last.isdigit() or last in timex.NUMBER_WORDS and last not in ("a", "an", "one"):
        return True
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is", "ics"))


def _describes_one(c: _Cluster) -> bool:
    """An unnamed chain that can stand for one named thing: a singular, non-relational
    description ("the actress", "the facility") or a singular pronoun ("she", "it")."""
    if any(_kind(m) in ("nominal", "role") and _someone_else(_head(m.text))
           for m in c.mentions):
        return False  # "her rep ... she": someone beside the main person
    for m in c.mentions:
        kind = _kind(m)
        if kind == "pronoun" and PRONOUNS[fold(m.text)][0] in ("person", "thing", "place"):
            return True
        if kind in ("nominal", "role"):
            head = _head(m.text)
            if head and not _someone_else(head) and not plural_description(m.text):
                return True
    return False


def _same_kind(named: _Cluster, c: _Cluster) -> bool:
    """Same group, and for places the same sort: "the facility" is a building (FAC), not the
    town it stands in (GPE)."""
    if _group(named.type) != _group(c.type):
        return False
    sorts = {m.type for m in c.mentions if _kind(m) != "pronoun"} & PLACE_TYPES
    return not sorts or bool(sorts & {m.type for m in named.mentions})


def _attach_to_salient(chains: list[_Cluster]) -> list[_Cluster]:
    """Once the whole report is read: unnamed chains that describe one thing join the report's
    main named thing of their kind ("the actress" before the second "Tara Reid" is Reid), when
    that thing is mentioned at least SALIENT_MIN times and agrees in gender."""
    named = [c for c in chains if c.named]
    out = []
    for c in chains:
        if c.named or _group(c.type) == "TIME" or not _describes_one(c):
            out.append(c)
            continue
        fits = [n for n in named if _same_kind(n, c) and (c.gender is None or n.gender in (None, c.gender))]
        top = max(fits, key=lambda n: len(n.mentions), default=None)
        if top is not None and len(top.mentions) >= SALIENT_MIN:
            top.mentions.extend(c.mentions)
        else:
            out.append(c)
    return out


# ----- across documents


def resolve(mentions: Sequence[Mention], prefix: str = "", story_of: Mapping[str, str] | None = None) -> list[Entity]:
    """Group mentions into entities across documents; sets `Mention.entity` on each mention.

    Each document is chained on its own first (short forms, "the Foreign Secretary", pronouns).
    Inside one story (`story_of` maps a document to its story; by default all documents are one
    story, as when the pipeline resolves a story's reports) reports speak of the same event, so
    an unnamed chain ("the actress", "the suspect") joins the named chain its head noun is used
    for elsewhere in the story. Then chains meet across documents and stories: people by name
    (spelling variants allowed, never two different given names or offices), places by country
    code or name, organisations by name or initials, times by their wording or calendar value,
    and chains of common nouns by their head noun.
    """
    chains = [c for ms in by_document(mentions).values() for c in _document_chains(ms)]
    story = (lambda d: story_of.get(d, d)) if story_of is not None else (lambda d: "")
    chains = _join_in_stories(chains, story)
    clusters = _join_documents(chains, story)
    return _entities(clusters, prefix)


def _nominal_heads(c: _Cluster) -> Counter[str]:
    """Head nouns a chain is described by: its descriptions and the roles beside its names."""
    heads = Counter(_head(m.text) for m in c.mentions if _kind(m) in ("nominal", "role") and _head(m.text)
                    and not (c.type == "PERSON" and plural_description(m.text)))  # "co-workers" is not the worker
    heads.update(_head(m.role) for m in c.named if m.role and _head(m.role))
    return heads


def _identity(c: _Cluster) -> tuple[str, str]:
    """What a named chain is known by across reports: a person's surname, else its name key."""
    if c.type == "PERSON":
        full = [n for n in c.names if len(fold(n).split()) > 1] or c.names
        return ("PERSON", _name_parts(Counter(full).most_common(1)[0][0])[1])
    return _chain_key(c) or ("", "")


def _join_in_stories(chains: list[_Cluster], story: Callable[[str], str]) -> list[_Cluster]:
    """Unnamed chains of a story join the named thing of the same story their head noun describes.

    "the actress" alone in one report is the actress other reports of the same story call
    "the actress Tara Reid": the named thing (a person by surname, else by name key) whose
    chains use that head noun most often, preferring its chain in the same report. Named
    chains never merge here (two people can both be "the official"); that is left to names.
    """
    by_story: dict[str, list[_Cluster]] = defaultdict(list)
    for c in chains:
        by_story[story(c.mentions[0].document)].append(c)
    out: list[_Cluster] = []
    for members in by_story.values():
        named = [c for c in members if c.named]
        identity = [_identity(c) for c in named]
        keys = [_chain_key(c) for c in named]  # names only: stable while descriptions join
        index: dict[tuple[str, str], Counter[tuple[str, str]]] = defaultdict(Counter)
        for c, ident in zip(named, identity):
            for head in _nominal_heads(c):
                index[(_group(c.type), head)][ident] += 1  # reports that use it, not repetitions
        for c in members:
            if c.named or not c.mentions:
                out.append(c)
                continue
            votes: Counter[tuple[str, str]] = Counter()
            for head, k in _nominal_heads(c).items():
                votes.update({i: k * v for i, v in index.get((_group(c.type), head), {}).items()})
            ranked = votes.most_common(2)
            if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                homes = [n for n, i in zip(named, identity) if i == ranked[0][0]]
                doc = c.mentions[0].document
                home = max(homes, key=lambda h: (doc in h.documents, len(h.mentions)))
                home.mentions.extend(c.mentions)
                continue
            home = (_inner_name_home(c, named, keys) or _weekday_home(c, members) or _relative_day_home(c, members)
                    or _clock_home(c, members)
                    or _story_salient(c, named, identity))
            if home is not None:
                home.mentions.extend(c.mentions)
                continue
            out.append(c)
    return _join_casualties(out, story)


def _group_fate(c: _Cluster) -> str | None:
    """The one fate an unnamed chain of people describes ("five people" killed, "the dead"), or None
    when it is not a group or its descriptions disagree."""
    if c.type != "PERSON" or c.named:
        return None
    fates = set()
    for m in c.mentions:
        kind = _kind(m)
        if kind == "pronoun":
            if PRONOUNS[fold(m.text)][0] != "plural":
                return None
            continue
        if kind not in ("nominal", "role") or not plural_description(m.text):
            return None
        fate = casualty_class(m)
        if fate:
            fates.add(fate)
    return fates.pop() if len(fates) == 1 else None


def _join_casualties(chains: list[_Cluster], story: Callable[[str], str]) -> list[_Cluster]:
    """Groups of people one story counts by their fate: "ten people" killed in one report and
    "10 persons" who died in another are the dead; "dozens" injured and "80" wounded the injured.
    Different numbers in different reports are one group counted at different times, so the
    count itself does not keep them apart, the fate does."""
    home: dict[tuple[str, str], _Cluster] = {}
    out = []
    for c in chains:
        fate = _group_fate(c)
        if fate is None:
            out.append(c)
            continue
        key = (story(c.mentions[0].document), fate)
        if key in home:
            home[key].mentions.extend(c.mentions)
        else:
            home[key] = c
            out.append(c)
    return out


_NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*)*")


def inner_names(text: str) -> list[str]:
    """Proper-name runs inside a description, demonyms left out: "part of Qeshm island in the
    Gulf" -> ["Qeshm", "Gulf"]; "the southern Iranian island of Qeshm" -> ["Qeshm"]."""
    core = _LEADING.sub("", text.strip())
    core = re.sub(r"^(?:The|A|An|In|On|At|Of)\s+", "", core)
    return [r for r in _NAME_RUN.findall(core) if not geo.is_demonym(r) and fold(r) not in PRONOUNS]


def _inner_name_home(c: _Cluster, named: list[_Cluster], keys: list[tuple[str, ...] | None]) -> _Cluster | None:
    """A place or body described around a name ("Qeshm island off Iran's southern coast", "CNN's
    management", "Staunton police") is the story's named place or organisation its first inner
    name keys to (for organisations, also one whose name begins with it)."""
    group = _group(c.type)
    if group not in ("PLACE", "ORG"):
        return None
    for m in c.mentions:
        if _kind(m) not in ("nominal", "role"):
            continue
        names = inner_names(m.text)
        if not names:
            continue
        inner = _org_key(names[0])
        homes = []
        for n, key in zip(named, keys):
            if _group(n.type) == group and key and (key[1] == inner or group == "ORG" and key[1].startswith(inner + " ")):
                homes.append((key[1], n))
        if len({k for k, _ in homes}) == 1:
            return max((n for _, n in homes), key=lambda h: (m.document in h.documents, len(h.mentions)))
    return None


def _story_salient(c: _Cluster, named: list[_Cluster], identity: list[tuple[str, str]]) -> _Cluster | None:
    """An unnamed chain that describes one thing and found no better home ("the star", "she" in
    a report that never names her) is the story's most mentioned named thing of its kind: the
    reports of one story are about its main participants."""
    if _group(c.type) == "TIME" or not _describes_one(c):
        return None
    size: Counter[tuple[str, str]] = Counter()
    for n, ident in zip(named, identity):
        if _same_kind(n, c) and (c.gender is None or n.gender in (None, c.gender)):
            size[ident] += len(n.mentions)
    if not size:
        return None
    top = size.most_common(1)[0][0]
    doc = c.mentions[0].document
    homes = [n for n, i in zip(named, identity) if i == top]
    return max(homes, key=lambda h: (doc in h.documents, len(h.mentions)))


_RELATIVE_DAY = {"today", "yesterday", "tonight", "morning", "night", "evening", "afternoon"}
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _day_like(m: Mention) -> bool:
    words = set(fold(m.text).split())
    return bool(_DAY_VALUE.fullmatch(m.name) or words & set(timex.WEEKDAYS) or words & _RELATIVE_DAY)


def _relative_day_home(c: _Cluster, members: list[_Cluster]) -> _Cluster | None:
    """"today", "last night" in a report that states no date of its own: the day the story's
    reports name most often (its event day), when the report has no other day of its own."""
    if _group(c.type) != "TIME":
        return None
    texts = [m for m in c.mentions if _kind(m) == "time"]
    if not texts or any(_DAY_VALUE.fullmatch(m.name) or not set(fold(m.text).split()) & _RELATIVE_DAY for m in texts):
        return None
    doc = c.mentions[0].document
    days = [o for o in members if o is not c and _group(o.type) == "TIME" and o.mentions
            and sum(_day_like(m) for m in o.mentions) >= len(o.mentions) / 2]
    if not days or any(doc in o.documents for o in days):
        return None
    size: Counter[tuple[str, ...] | None] = Counter()
    for o in days:
        size[_chain_key(o)] += len(o.mentions)
    top = size.most_common(1)[0][0]
    return max((o for o in days if _chain_key(o) == top), key=lambda o: len(o.mentions))


def _clock(text: str) -> str | None:
    """"at 2 : 09 a . m", "today shortly after 2:09 am PST" -> "02:09" (12-hour clock folded)."""
    m = _CLOCK.search(text)
    return f"{int(m['h']) % 12:02d}:{m['m']}" if m else None


def _clock_home(c: _Cluster, members: list[_Cluster]) -> _Cluster | None:
    """"at 2 : 09 a . m" with no day of its own is the moment another report of the story dates:
    the one dated chain of the story ("today shortly after 2:09 am PST") stating that clock time."""
    if _group(c.type) != "TIME":
        return None
    clocks = {_clock(m.text) for m in c.mentions if _kind(m) == "time"}
    if len(clocks) != 1 or None in clocks or any(_DAY_VALUE.match(m.name) for m in c.mentions):
        return None
    clock = clocks.pop()
    homes = [o for o in members if o is not c and _group(o.type) == "TIME" and o.mentions
             and any(_DAY_VALUE.match(m.name) and _clock(m.text) == clock for m in o.mentions)]
    if len({_chain_key(o) for o in homes}) != 1:
        return None
    doc = c.mentions[0].document
    return max(homes, key=lambda h: (doc in h.documents, len(h.mentions)))


def _weekday_home(c: _Cluster, members: list[_Cluster]) -> _Cluster | None:
    """"Sunday" in a report without a date of its own is the one day of the story, among the
    days other reports resolved, that fell on a Sunday."""
    if _group(c.type) != "TIME":
        return None
    days = {w for m in c.mentions if _kind(m) == "time" and not re.fullmatch(r"\d{4}.*", m.name)
            for w in fold(m.text).split() if w in timex.WEEKDAYS}
    if len(days) != 1:
        return None
    wd = timex.WEEKDAYS[days.pop()]
    homes: dict[str, _Cluster] = {}
    for other in members:
        if other is c or _group(other.type) != "TIME" or not other.mentions:
            continue
        for m in other.mentions:
            if re.fullmatch(r"\d{4}-\d\d-\d\d", m.name) and dt.date.fromisoformat(m.name).weekday() == wd:
                homes.setdefault(m.name, other)
    return next(iter(homes.values())) if len(homes) == 1 else None


def _join_documents(chains: list[_Cluster], story: Callable[[str], str] = lambda d: "") -> list[_Cluster]:
    persons = [c for c in chains if c.type == "PERSON" and c.named]
    out: list[_Cluster] = []
    by_key: dict[tuple[str, ...], _Cluster] = {}
    for c in chains:
        if c in persons:
            continue
        key = _chain_key(c)
        if key is None:
            out.append(c)
            continue
        if key in by_key:
            by_key[key].mentions.extend(c.mentions)
        else:
            by_key[key] = c
            out.append(c)
    _merge_acronyms([c for c in out if c.type == "ORG" and c.named], out)
    _merge_short_names(out)
    return out + _join_persons(persons, story)


PLACE_DESIGNATORS = {"province", "state", "city", "county", "region", "district", "island", "islands",
                     "area", "village", "town", "capital", "republic", "kingdom", "municipality"}


def _merge_short_names(clusters: list[_Cluster]) -> None:
    """"Saints" joins "New Orleans Saints", "Aceh" joins "Aceh province": a shorter name inside
    exactly one longer name of the same kind. For places the extra words must be a designator
    ("province"), so "California" never swallows "Southern California"."""
    keyed = [(c, _chain_key(c)) for c in clusters if c.named and c.type != "PERSON"]
    keyed = [(c, k) for c, k in keyed if k and k[0] in ("ORG", "FAC", "PLACE", "LOC", "GPE") and len(k[1]) > 1]
    keyed.sort(key=lambda ck: -len(ck[1][1].split()))
    for c, (group, key) in keyed:
        words = key.split()
        homes = []
        for other, (ogroup, okey) in keyed:
            owords = okey.split()
            if other is c or not other.mentions or ogroup != group or len(owords) <= len(words):
                continue
            at = _find_run(owords, words)
            if at < 0:
                continue
            extra = owords[:at] + owords[at + len(words):]
            facility = c.type == "FAC" and other.type == "FAC"  # "Promises" / "Malibu Promises Treatment Center"
            if group == "PLACE" and not facility and not set(extra) <= PLACE_DESIGNATORS | {"the", "of"}:
                continue
            homes.append(other)
        if len(homes) > 1:  # "EYP": "EYP Mission Critical Facilities", not "Energy Specialist EYP"
            homes = [h for h in homes if _chain_key(h)[1].split()[: len(words)] == words] or homes
        if len(homes) == 1 and c.mentions:
            homes[0].mentions.extend(c.mentions)
            c.mentions.clear()
    clusters[:] = [c for c in clusters if c.mentions]


def _find_run(haystack: list[str], needle: list[str]) -> int:
    for i in range(len(haystack) - len(needle) + 1):
        if haystack[i : i + len(needle)] == needle:
            return i
    return -1


def _chain_key(c: _Cluster) -> tuple[str, ...] | None:
    """Where a non-person chain meets its namesakes in other documents; None: it stays alone."""
    named = c.named
    if named:
        keys = Counter(_name_key(m) for m in named)
        return max(keys, key=lambda k: (keys[k], len(k[1])))
    times = [m for m in c.mentions if _kind(m) == "time"]
    if times:
        return _time_key(times[0])
    nominals = [m for m in c.mentions if _kind(m) in ("nominal", "role")]
    if nominals:
        return _nominal_key(nominals[0])
    return None


def _join_persons(chains: list[_Cluster], story: Callable[[str], str] = lambda d: "") -> list[_Cluster]:
    """Full names first, then chains known only by a surname, attached where they can belong:
    to the one full name that fits, or, when several do, to the one of the same story
    ("Manning" in a report on Peyton Manning's game, not Eli's)."""
    full = [c for c in chains if c.full]
    short = [c for c in chains if not c.full]
    merged: list[_Cluster] = []
    for c in full:
        for target in merged:
            if _person_match(target, c):
                target.mentions.extend(c.mentions)
                break
        else:
            merged.append(c)
    singles: list[_Cluster] = []
    for c in short:
        fits = [t for t in merged if _person_match(t, c)]
        if not fits:  # "Lindsay" alone: the one full name with that given name
            fits = [t for t in merged if _given_name_match(t, c)]
        if len(fits) > 1:
            here = {story(d) for d in c.documents}
            fits = [t for t in fits if here & {story(d) for d in t.documents}] or fits
        target = fits[0] if len(fits) == 1 else None
        if target is None and not fits:
            target = next((s for s in singles if _person_match(s, c)), None)
        if target is None:
            singles.append(c)
            continue
        target.mentions.extend(c.mentions)
    return merged + singles


def _entities(clusters: list[_Cluster], prefix: str) -> list[Entity]:
    entities = []
    used_ids: Counter[str] = Counter()
    for c in clusters:
        name = _canonical_name(c)
        ctype = "GPE" if c.type in ("GPE", "PLACE") and any(m.country for m in c.mentions) else c.type
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "x"
        eid = f"{prefix}{ctype.lower()}:{slug}"
        used_ids[eid] += 1
        if used_ids[eid] > 1:
            eid = f"{eid}-{used_ids[eid]}"
        aliases = sorted({m.text for m in c.mentions if _kind(m) != "pronoun"} | {m.name for m in c.named} - {name})
        countries = Counter(m.country for m in c.mentions if m.country)
        entity = Entity(
            id=eid,
            name=name,
            type=ctype,
            aliases=[a for a in aliases if a != name],
            roles=sorted({r for r in c.roles}, key=lambda r: (r.lower(), r)),  # ties too: same order every run
            country=countries.most_common(1)[0][0] if countries else None,
            documents=sorted(c.documents),
            mentions=sorted(c.mentions, key=lambda m: (m.document, m.start)),
        )
        for m in c.mentions:
            m.entity = eid
            if c.type == "PERSON" and not m.country:
                m.country = entity.country
        entities.append(entity)
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return entities


def _canonical_name(c: _Cluster) -> str:
    words = [m for m in c.mentions if _kind(m) != "pronoun"]  # "it" is not Italy's code here
    if any(geo.is_country(m.name) or geo.is_demonym(m.name) for m in words):
        countries = [m.name for m in words if geo.is_country(m.name)]
        if countries:
            return Counter(countries).most_common(1)[0][0]
        code = next(m.country for m in c.mentions if m.country) if any(m.country for m in c.mentions) else None
        return geo.country_name(code) if code else c.best_name()
    return c.best_name()


def _merge_acronyms(orgs: list[_Cluster], clusters: list[_Cluster]) -> None:
    """"SCO" joins "Shanghai Cooperation Organisation" when it is that name's initials."""
    for short in [c for c in orgs if c.names and all(_bare(n).isupper() and len(_bare(n)) <= 6 for n in c.names)]:
        for long in orgs:
            if long is short or not long.mentions:
                continue
            if any(_acronym(n) == _bare(short.names[0]) and len(re.findall(r"[A-Za-z]+", n)) > 1 for n in long.names):
                long.mentions.extend(short.mentions)
                short.mentions.clear()
                break
    clusters[:] = [c for c in clusters if c.mentions]


def by_document(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        out[m.document].append(m)
    return out
