"""What two mentions must share to be one thing: kinds, keys and name similarity.

Shared by the within-document and the cross-document layers of resolution."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from rashomon import geo, timex
from rashomon.model import Mention
from rashomon.entities.folding import _core, fold
from rashomon.entities.mentions import lexicon, predicate_class, sector


SURNAME_SIMILARITY = 80  # rapidfuzz ratio; Kayani/Kiyani = 83, Jilani/Gilani = 83
MIN_FUZZY_LENGTH = 5


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
_PARTITIVE = re.compile(r"^(?:one|some|many|each|all|most|several|part|parts|any|none|both)\s+of\s+(?:the\s+)?", re.I)
_CUT = re.compile(r"\s(?:of|in|at|on|who|which|that|from|with|for)\s|\s?[,(]")
_TIME_LEADING = re.compile(r"^(?:(?:in|on|at|from|to|for|of|by|during|since|the)\s+)+", re.I)

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
