"""Coreference inside one report: pronouns, descriptions and titles join the named chains."""

from __future__ import annotations

import functools
import re

from rashomon.model import Mention
from rashomon.entities.folding import fold
from rashomon.entities.mentions import lexicon, sector
from rashomon.entities.keys import (
    GENDERED_NOUNS, PLACE_TYPES, PRONOUNS, PRONOUN_REACH, RELATIVE_REACH, _Cluster, _group, _head,
    _kind, _name_key, _nominal_key, _person_match, _time_key, plural_description,
)


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
