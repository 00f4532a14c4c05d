"""What the store's queries return: small dataclasses that print as tables and serialise as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rashomon.model import to_dict


class Record:
    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@dataclass
class FailedInput(Record):
    """An input file or record that could not be stored, and why."""

    path: str
    reason: str


@dataclass
class IngestReport(Record):
    """What one `ingest` did. `read` counts articles read from the inputs (files for which nothing
    changed since they were last ingested count their articles as read and skipped)."""

    run_id: int
    read: int = 0
    added: int = 0
    skipped: int = 0  # already in the store (same bytes, or same URL)
    failed: int = 0
    stories_touched: int = 0
    stories_new: int = 0
    stories_split: int = 0  # stories the clusterer split in two (some stored members moved out)
    stories_merged: int = 0  # stories folded into another (deleted, their members moved)
    seconds: float = 0.0
    errors: list[FailedInput] = field(default_factory=list)


@dataclass
class IngestProgress:
    """Passed to the progress callback after every file and every batch."""

    files_done: int
    files_total: int
    read: int
    added: int
    skipped: int
    failed: int


@dataclass
class StorySummary(Record):
    id: str
    headline: str | None
    event_date: str | None
    documents: int
    sources: int
    facts: int
    corroborated: int
    disputed: int
    first_published: str | None
    last_published: str | None
    updated: str


@dataclass
class SearchHit(Record):
    """A document or a fact matching the query; `snippet` marks the matched words with [ ]."""

    kind: str  # "document" | "fact"
    story_id: str | None
    document_id: str | None
    title: str | None
    snippet: str
    score: float
    status: str | None = None  # the fact's verdict, for facts


@dataclass
class EntitySummary(Record):
    """One name across the store: the stories whose resolved entities carry it."""

    name: str
    type: str | None
    country: str | None
    stories: int
    documents: int
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    story_ids: list[str] = field(default_factory=list)
    last_date: str | None = None  # the latest day (event date, else last publication) of its stories


@dataclass
class StoreStats(Record):
    path: str
    schema_version: int
    size_bytes: int
    documents: int
    stories: int
    facts: int
    corroborated: int
    disputed: int
    single_source: int
    entities: int
    events: int
    quantities: int
    ingest_runs: int
    last_ingest: str | None
