"""Entities: named-entity mentions per document, then one entity per real thing across documents.

Mentions come from spaCy's NER. Titles written beside a name are split off and kept: the rank
("Gen", "Col Gen") and the role ("Army Chief", "Russian ground forces chief"), with the country a
role names ("Russian ...", "Pakistan's ..."). Resolution merges mentions of one person across
spellings (Kayani / Kiyani) only when the surnames are close *and* the given names and roles do
not contradict each other, so two people who share a surname stay apart.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

import yaml
from rapidfuzz import fuzz
from spacy.tokens import Doc, Span, Token

from rashomon import geo
from rashomon.model import Entity, Mention

KEPT_TYPES = {"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC"}
SURNAME_SIMILARITY = 80  # rapidfuzz ratio; Kayani/Kiyani = 83, Jilani/Gilani = 83
MIN_FUZZY_LENGTH = 5


@dataclass(frozen=True)
class RoleLexicon:
    ranks: tuple[str, ...]
    role_heads: frozenset[str]
    sectors: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=1)
def lexicon() -> RoleLexicon:
    data = yaml.safe_load(resources.files("rashomon.data").joinpath("roles.yaml").read_text(encoding="utf-8"))
    ranks = tuple(sorted(data["ranks"], key=lambda r: -len(r.split())))
    return RoleLexicon(ranks, frozenset(h.lower() for h in data["role_heads"]), tuple(tuple(s) for s in data["sectors"]))


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
    while toks and (toks[0].ent_type_ in ("NORP", "GPE") or geo.country_code(toks[0].text) and toks[0].pos_ in ("ADJ", "PROPN") and toks[0].ent_type_ in ("NORP", "GPE", "")):
        code = geo.country_code(toks[0].text)
        if code is None:
            break
        country = country or code
        toks = toks[1:]
    if not toks or not any(t.lower_ in lexicon().role_heads for t in toks):
        return None
    doc = toks[0].doc
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return RolePhrase(doc.text[start:end], start, end, country)


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
        possessor = geo.country_code(doc[i - 1].text)
    return run, possessor


def find_mentions(doc: Doc, document: str) -> list[Mention]:
    """Named-entity mentions of one parsed document, with rank, role and country attached."""
    mentions: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_TYPES:
            continue
        text, start = _trim(ent)
        if not text or not any(c.isalpha() for c in text):
            continue
        end = start + len(text)
        mention = Mention(document=document, start=start, end=end, text=text, type=ent.label_, name=text)
        if ent.label_ == "PERSON":
            rank, name = split_rank(text)
            mention.rank, mention.name = rank, name
            modifiers, possessor = _left_modifiers(doc, ent.start)
            role = role_of(modifiers) or _appositive_role(ent)
            if role:
                mention.role = role.text
                mention.role_span = (role.start, role.end)
                mention.country = role.country or possessor
            else:
                mention.country = possessor
            if not re.search(r"[A-Z]", name) or len(name) < 2:
                continue
        elif ent.label_ in ("GPE", "LOC", "NORP"):
            mention.country = geo.country_code(text)
            if ent.label_ == "NORP" and mention.country:
                mention.type = "GPE"  # a demonym stands for its country ("Russian" -> Russia)
        elif ent.label_ == "ORG":
            org_name = re.sub(r"^the\s+", "", text, flags=re.I)
            mention.name = org_name
        mentions.append(mention)
    return _drop_inside_roles(mentions)


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
# Cross-document resolution


def fold(text: str) -> str:
    """Lower-case ASCII form for comparing spellings."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9 ]+", "", text.lower()).strip()


def _name_parts(name: str) -> tuple[list[str], str]:
    words = [w for w in fold(name).split() if w]
    return words[:-1], (words[-1] if words else "")


def similar_surnames(a: str, b: str) -> bool:
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
    def names(self) -> list[str]:
        return [m.name for m in self.mentions]

    @property
    def full(self) -> bool:
        return any(len(fold(n).split()) > 1 for n in self.names)

    @property
    def roles(self) -> list[str]:
        return [m.role for m in self.mentions if m.role]

    @property
    def documents(self) -> set[str]:
        return {m.document for m in self.mentions}

    def best_name(self) -> str:
        counts = Counter(self.names)
        return max(counts, key=lambda n: (len(fold(n).split()) if self.type == "PERSON" else 0, counts[n], len(n)))


def _person_match(a: _Cluster, b: _Cluster) -> bool:
    for na in {n for n in a.names}:
        ga, sa = _name_parts(na)
        for nb in {n for n in b.names}:
            gb, sb = _name_parts(nb)
            if sa and sb and similar_surnames(sa, sb) and compatible_given_names(ga, gb):
                exact = sa == sb and (ga == gb or not ga or not gb)
                if exact or compatible_roles(a.roles, b.roles):
                    return True
    return False


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper())


def _org_key(name: str) -> str:
    return fold(re.sub(r"^the\s+", "", name, flags=re.I))


def resolve(mentions: Sequence[Mention], prefix: str = "") -> list[Entity]:
    """Group mentions into entities across documents; sets `Mention.entity` on each mention."""
    clusters: list[_Cluster] = []
    by_key: dict[tuple[str, str], _Cluster] = {}
    persons: list[Mention] = []
    for m in mentions:
        if m.type == "PERSON":
            persons.append(m)
            continue
        if m.type == "GPE" and m.country and (geo.is_country(m.name) or geo.is_demonym(m.name)):
            key = ("GPE", m.country)
        elif m.type == "ORG":
            key = ("ORG", _org_key(m.name))
        else:
            key = (m.type, fold(m.name))
        if key not in by_key:
            by_key[key] = _Cluster("GPE" if key[0] == "GPE" else m.type)
            clusters.append(by_key[key])
        by_key[key].mentions.append(m)
    _merge_acronyms([c for c in clusters if c.type == "ORG"], clusters)
    clusters.extend(_resolve_persons(persons))

    entities = []
    used_ids: Counter[str] = Counter()
    for c in clusters:
        name = _canonical_name(c)
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "x"
        eid = f"{prefix}{c.type.lower()}:{slug}"
        used_ids[eid] += 1
        if used_ids[eid] > 1:
            eid = f"{eid}-{used_ids[eid]}"
        aliases = sorted({m.text for m in c.mentions} | {m.name for m in c.mentions} - {name})
        countries = Counter(m.country for m in c.mentions if m.country)
        entity = Entity(
            id=eid,
            name=name,
            type=c.type,
            aliases=[a for a in aliases if a != name],
            roles=sorted({r for r in c.roles}, key=str.lower),
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
    if c.type == "GPE" and any(geo.is_country(m.name) or geo.is_demonym(m.name) for m in c.mentions):
        countries = [m.name for m in c.mentions if geo.is_country(m.name)]
        if countries:
            return Counter(countries).most_common(1)[0][0]
        code = c.mentions[0].country
        return geo.country_name(code) if code else c.best_name()
    return c.best_name()


def _merge_acronyms(orgs: list[_Cluster], clusters: list[_Cluster]) -> None:
    """"SCO" joins "Shanghai Cooperation Organisation" when it is that name's initials."""
    for short in [c for c in orgs if all(n.isupper() and len(n) <= 6 for n in c.names)]:
        for long in orgs:
            if long is short or not long.mentions:
                continue
            if any(_acronym(n) == short.names[0] and len(n.split()) > 1 for n in long.names):
                long.mentions.extend(short.mentions)
                short.mentions.clear()
                break
    clusters[:] = [c for c in clusters if c.mentions]


def _resolve_persons(persons: list[Mention]) -> list[_Cluster]:
    """Full names first, then short forms attached to the one full name they can belong to."""
    full: list[_Cluster] = []
    short: list[Mention] = []
    for m in persons:
        if len(fold(m.name).split()) > 1:
            for c in full:
                if fold(m.name) in {fold(n) for n in c.names}:
                    c.mentions.append(m)
                    break
            else:
                full.append(_Cluster("PERSON", [m]))
        else:
            short.append(m)
    # merge spelling variants of full names ("Ashfaq Kayani" / "Ashfaq Kiyani")
    merged: list[_Cluster] = []
    for c in full:
        for target in merged:
            if _person_match(target, c):
                target.mentions.extend(c.mentions)
                break
        else:
            merged.append(c)
    singles: list[_Cluster] = []
    for m in short:
        probe = _Cluster("PERSON", [m])
        same_doc = [c for c in merged if m.document in c.documents and _person_match(c, probe)]
        anywhere = [c for c in merged if _person_match(c, probe)]
        target = same_doc[0] if len(same_doc) == 1 else anywhere[0] if len(anywhere) == 1 else None
        if target is None:
            target = next((c for c in singles if _person_match(c, probe)), None)
            if target is None:
                singles.append(probe)
                continue
        target.mentions.append(m)
    return merged + singles


def by_document(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        out[m.document].append(m)
    return out
