"""The data model shared by every stage: plain dataclasses that round-trip through JSON.

Stages pass these objects to each other and never reach into one another's internals.
The JSON written by `Analysis.to_dict()` is the public contract (see README, "JSON contract");
fields are only ever added to it, never renamed or removed.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

FactStatus = Literal["corroborated", "single-source", "disputed"]
Granularity = Literal["day", "month", "year", "decade", "unknown"]


@dataclass
class Source:
    """One input unit as read from disk, before cleaning: the raw content and where it came from."""

    path: str
    kind: str  # "text", "html", ...
    content: str  # decoded text (page text or HTML)
    raw_hash: str  # sha256 of the raw bytes of this unit
    origin: str = ""  # path, or path plus record number/URL for multi-record files
    meta: dict[str, Any] = field(default_factory=dict)  # metadata the container already knew


@dataclass
class Document:
    """A cleaned article: its body text and metadata. All spans point into `text`."""

    id: str
    path: str
    text: str
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date
    author: str | None = None
    dateline: str | None = None
    language: str | None = "en"
    kind: str = "text"
    url: str | None = None
    removed: list[str] = field(default_factory=list)
    copy_of: str | None = None
    shares_text_with: list[str] = field(default_factory=list)


@dataclass
class Mention:
    """A named-entity mention in one document, with the title or role written next to it."""

    document: str
    start: int
    end: int
    text: str
    type: str  # PERSON, GPE, LOC, ORG, NORP, FAC, EVENT
    name: str  # the name with titles stripped ("Gen Ashfaq Kiyani" -> "Ashfaq Kiyani")
    role: str | None = None  # "Army Chief", "ground forces chief"
    role_span: tuple[int, int] | None = None  # where the role is written, if beside the name
    rank: str | None = None  # "Gen", "Col Gen"
    country: str | None = None  # ISO 3166 alpha-3 the mention belongs to or denotes
    entity: str | None = None  # id of the resolved Entity
    # lemma of the predicate the mention depends on ("killed two co-workers" -> "kill"): keeps
    # groups of people apart (the dead, the injured) and joins one group's differently worded counts
    head_verb: str | None = None


@dataclass
class Entity:
    """One real person, place or organisation, resolved across the documents of a story."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    country: str | None = None
    documents: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class TimeRef:
    """A date expression normalised against its document's anchor date."""

    document: str
    start: int
    end: int
    text: str
    value: str | None  # "2013-08-28", "2013-08", "2012"; None when it cannot be placed
    granularity: Granularity = "unknown"
    anchor: str | None = None  # the date it was resolved against


@dataclass
class Quantity:
    """An amount with its unit or currency, e.g. 542000000 USD."""

    document: str
    start: int
    end: int
    text: str
    value: float
    unit: str | None = None  # ISO 4217 code for money, "percent", "people", "km", ...
    qualifier: str | None = None  # "approximately", "at least", "at most", "range"
    value_max: float | None = None  # upper bound of a range


@dataclass
class Claim:
    """An atomic statement (one clause) of one document, with its slots filled from the parse."""

    id: str
    document: str
    start: int
    end: int
    text: str
    predicate: str  # event type/mode when an event was read from the clause, else the main verb's lemma
    actors: list[str] = field(default_factory=list)  # entity ids of the clause's subject(s)
    subject: str | None = None  # subject phrase as written
    subject_span: tuple[int, int] | None = None
    role: str | None = None  # role/title of the subject, as written
    role_span: tuple[int, int] | None = None
    objects: list[str] = field(default_factory=list)  # entity ids of objects
    places: list[str] = field(default_factory=list)  # ISO3 or entity ids of places
    dates: list[TimeRef] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    ordinal: str | None = None  # "first", "second" ... time
    negated: bool = False
    attribution: str | None = None  # "Diplomatic sources", "according to ..."
    lemmas: list[str] = field(default_factory=list)  # content lemmas, for alignment


@dataclass
class Evidence:
    """A quote backing a fact: document and character span into its clean text."""

    document: str
    start: int
    end: int
    quote: str


@dataclass
class SlotValue:
    value: str
    document: str
    start: int
    end: int


@dataclass
class Conflict:
    """Two or more independent sources give incompatible values for the same slot."""

    slot: str  # "role", "person", "number", "date", "place", "negation", "ordinal"
    values: list[SlotValue] = field(default_factory=list)


@dataclass
class Fact:
    text: str
    status: FactStatus
    support: list[Evidence] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    sources: int = 1  # number of independent sources that state it


@dataclass
class Event:
    """Who did what to whom, coded in the spirit of PLOVER."""

    date: str | None
    source_actor: str | None  # "PAK", "RUS MIL", or a name when no country is known
    action: str  # PLOVER type: CONSULT, SUPPORT, ...
    target_actor: str | None
    document: str
    start: int
    end: int
    mode: str | None = None  # visit, meet, talks, ...
    negated: bool = False
    location: str | None = None
    text: str = ""
    trigger: str = ""
    documents: list[str] = field(default_factory=list)
    status: FactStatus = "single-source"


@dataclass
class SourceGroup:
    """Documents that are copies of one report; corroboration counts each group once."""

    documents: list[str]
    representative: str


@dataclass
class Story:
    id: str
    headline: str
    event_date: str | None
    documents: list[str]
    sources: list[SourceGroup] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[TimeRef] = field(default_factory=list)


@dataclass
class FileError:
    """A file (or a record inside one) that could not be read, and why."""

    path: str
    reason: str


@dataclass
class Analysis:
    documents: list[Document] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        return from_dict(cls, data)

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)


# Mentions inside entities are bulky and repeat the per-document layer; the JSON keeps
# the contract's fields and leaves the raw mentions out.
_OMIT_IN_JSON = {(Entity, "mentions")}

T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    """Convert dataclasses (recursively) to JSON-ready dicts, lists and scalars."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            if (type(obj), f.name) in _OMIT_IN_JSON:
                continue
            out[f.name] = to_dict(getattr(obj, f.name))
        return out
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a dataclass tree from `to_dict` output (unknown keys are ignored)."""
    hints = get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is list:
        return [_convert(args[0], v) for v in value]
    if origin is tuple:
        return tuple(value)
    if origin is dict:
        return dict(value)
    if args and origin is not Literal:  # Optional[X] / X | None
        for arg in args:
            if arg is type(None):
                continue
            return _convert(arg, value)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value
