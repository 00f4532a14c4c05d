"""Resolution across documents: chains joined within a story, then by names across stories."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from rashomon import geo, timex
from rashomon.model import Entity, Mention
from rashomon.entities.folding import _LEADING, fold
from rashomon.entities.keys import (
    PRONOUNS, _CLOCK, _Cluster, _acronym, _bare, _given_name_match, _group, _head, _kind, _name_key,
    _name_parts, _nominal_key, _org_key, _person_match, _time_key, casualty_class, plural_description,
)
from rashomon.entities.document import _describes_one, _document_chains, _same_kind


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
