"""The pipeline: ingest -> clean -> nlp -> per-document layers -> dedup -> cluster -> story layers.

Per-document work (`analyse_document`) is a pure function of one cleaned document and its parse,
so it can run in any worker. Story-level work (`build_story`) needs all documents of a story and
runs on one node. `analyze()` is the library entry point the CLI wraps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from rashomon import claims as claims_stage
from rashomon import parallel
from rashomon import clean, cluster, compare, dedup, entities, events, ingest, limits, nlp, quantities, timex
from rashomon.errors import InputError
from rashomon.readers import read_path
from rashomon.model import (
    Analysis,
    Claim,
    Document,
    Event,
    FileError,
    Mention,
    Quantity,
    SourceGroup,
    Story,
    TimeRef,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class DocumentLayers:
    """Everything read from one document on its own: the per-document half of the analysis."""

    document: Document
    mentions: list[Mention] = field(default_factory=list)
    dates: list[TimeRef] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    cluster_item: cluster.ClusterItem | None = None


def clean_sources(files: Iterable[Path], errors: list[FileError]) -> list[Document]:
    """Read and clean files; bad files and records are recorded in `errors` and the batch goes on."""
    documents: list[Document] = []
    seen: set[str] = set()
    for path in files:
        sources, bad = read_path(path)
        errors.extend(FileError(exc.path, exc.reason) for exc in bad)
        for source in sources:
            try:
                with limits.time_limit(origin=source.origin or source.path):
                    doc = clean.clean(source)
            except InputError as exc:  # unreadable, or over the per-document time limit
                errors.append(FileError(exc.path, exc.reason))
                continue
            if not doc.text.strip():
                errors.append(FileError(source.origin or source.path, "no article text found"))
                continue
            if doc.id in seen:
                continue  # the same bytes twice: one document
            seen.add(doc.id)
            documents.append(doc)
    return documents


def read_sources(paths: Iterable[str | Path], errors: list[FileError]) -> list[Document]:
    """Find the files under `paths`, then read and clean them."""
    files, expand_errors = ingest.expand(paths)
    errors.extend(expand_errors)
    return clean_sources(files, errors)


def analyse_document(document: Document, parsed: Doc) -> DocumentLayers:
    """The per-document layers: mentions, dates, amounts, events and claims of one article."""
    anchor = timex.document_anchor(document.published, document.text)
    home = events.home_country(document.dateline)
    mentions = entities.find_mentions(parsed, document.id)
    dates = timex.find_dates(document.text, document.id, anchor)
    amounts = quantities.find_quantities(document.text, document.id, parsed)
    found_events = events.find_events(parsed, document.id, mentions, dates, home)
    found_claims = claims_stage.find_claims(parsed, document.id, mentions, dates, amounts, found_events, home)
    published = dt.date.fromisoformat(document.published) if document.published else anchor
    item = cluster.item_from_spacy(document.id, document.text, published, parsed)
    return DocumentLayers(document, mentions, dates, amounts, found_events, found_claims, item)


def analyze(paths: Iterable[str | Path], progress: Progress | None = None, workers: int | None = 1,
            scheduler: str | None = None, dask_local: bool = False) -> Analysis:
    """Read, clean, analyse and group the documents under `paths` (files or directories).

    Per-document stages run on `workers` processes (None: all cores), on the Dask cluster at
    `scheduler`, or on a Dask LocalCluster (`dask_local`); the story-level stages run here.
    The result is the same whichever way the per-document work ran. Everything is held in
    memory until the end; `rashomon.stream.analyze_stream` is the bounded-memory path.
    """
    errors: list[FileError] = []
    layers = list(iter_layers(paths, errors, progress, workers, scheduler, dask_local))
    analysis = assemble(layers, progress)
    analysis.errors = errors + analysis.errors
    return analysis


def iter_layers(paths: Iterable[str | Path], errors: list[FileError], progress: Progress | None = None,
                workers: int | None = 1, scheduler: str | None = None,
                dask_local: bool = False, on_batch: Callable[[parallel.BatchResult], None] | None = None,
                ) -> Iterator[DocumentLayers]:
    """The per-document half over the files under `paths`, in input order, as results arrive.

    Unreadable files are appended to `errors`; the same bytes seen twice give one document.
    `on_batch` sees each worker's result first (its stage timings and memory, for monitoring).
    """
    files, expand_errors = ingest.expand(paths)
    errors.extend(expand_errors)
    run = parallel.executor(workers, scheduler, dask_local)
    seen: set[str] = set()
    done = 0
    for result in run(parallel.batches(files)):
        if on_batch:
            on_batch(result)
        errors.extend(result.errors)
        for layer in result.layers:
            if layer.document.id not in seen:  # the same bytes in two batches: one document
                seen.add(layer.document.id)
                yield layer
        done += result.files
        if progress:
            progress("analyse", done, len(files))


def analyse_within_limit(document: Document, parsed: Doc, errors: list[FileError]) -> DocumentLayers | None:
    """`analyse_document` under the per-document time limit: a pathological article is reported
    in `errors` and skipped instead of stalling the batch."""
    try:
        with limits.time_limit(origin=document.path):
            return analyse_document(document, parsed)
    except limits.DocumentTimeout as exc:
        errors.append(FileError(exc.path, exc.reason))
        return None


def analyze_documents(documents: Sequence[Document], progress: Progress | None = None) -> Analysis:
    """The whole analysis of already-cleaned documents, in this process."""
    layers: list[DocumentLayers] = []
    errors: list[FileError] = []
    total = len(documents)
    for i, (document, parsed) in enumerate(zip(documents, nlp.parse_many(d.text for d in documents))):
        layer = analyse_within_limit(document, parsed, errors)
        if layer is not None:
            layers.append(layer)
        if progress:
            progress("analyse", i + 1, total)
    analysis = assemble(layers, progress)
    analysis.errors = errors + analysis.errors
    return analysis


def assemble(layers: Sequence[DocumentLayers], progress: Progress | None = None) -> Analysis:
    """The story-level half: copies, stories, and each story's resolved layers (one node)."""
    documents = [layer.document for layer in layers]
    report = dedup.detect_copies(documents)
    for document in documents:
        document.copy_of = report.copy_of.get(document.id)
        document.shares_text_with = sorted(report.shares_text_with.get(document.id, []))
    items = [layer.cluster_item for layer in layers if layer.cluster_item is not None]
    by_id = {layer.document.id: layer for layer in layers}
    stories = []
    groups = cluster.cluster_items(items)
    for n, doc_ids in enumerate(groups):
        stories.append(build_story([by_id[d] for d in doc_ids], report.groups))
        if progress:
            progress("stories", n + 1, len(groups))
    stories.sort(key=lambda s: (s.event_date or "", s.headline), reverse=True)
    return Analysis(documents=documents, stories=stories)


def build_story(layers: Sequence[DocumentLayers], copy_groups: Sequence[SourceGroup]) -> Story:
    """Story-level layers: entities resolved across documents, facts with verdicts, merged events."""
    layers = sorted(layers, key=lambda l: (l.document.published or "9999", l.document.id))
    doc_ids = [l.document.id for l in layers]
    groups = _story_groups(doc_ids, copy_groups)
    source_of = {d: i for i, g in enumerate(groups) for d in g.documents}
    mentions = [m for l in layers for m in l.mentions]
    resolved = entities.resolve(mentions)
    entity_of = {claims_stage.mention_ref(m): m.entity for m in mentions if m.entity}
    facts = compare.compare([c for l in layers for c in l.claims], source_of, entity_of)
    story_events = events.merge_events([e for l in layers for e in l.events], source_of)
    dates = [d for l in layers for d in l.dates]
    lead = layers[0].document
    return Story(
        id="s-" + hashlib.sha256(" ".join(sorted(doc_ids)).encode()).hexdigest()[:12],
        headline=lead.title or lead.text.split("\n")[0][:120],
        event_date=event_date(layers),
        documents=doc_ids,
        sources=groups,
        entities=resolved,
        facts=facts,
        events=story_events,
        quantities=[q for l in layers for q in l.quantities],
        dates=dates,
    )


def _story_groups(doc_ids: Sequence[str], copy_groups: Sequence[SourceGroup]) -> list[SourceGroup]:
    inside = set(doc_ids)
    out = []
    for g in copy_groups:
        members = [d for d in g.documents if d in inside]
        if members:
            rep = g.representative if g.representative in members else members[0]
            out.append(SourceGroup(documents=members, representative=rep))
    return out


LEAD_CHARS = 400  # the dateline paragraph: where a report says when its event happened


def event_date(layers: Sequence[DocumentLayers]) -> str | None:
    """The day the story's event happened: the day-precise date its reports' leads agree on."""
    votes: Counter[str] = Counter()
    for layer in layers:
        lead = [d.value for d in layer.dates if d.value and d.granularity == "day" and d.start < LEAD_CHARS]
        if lead:
            votes[lead[0]] += 1
    if votes:
        return max(votes, key=lambda v: (votes[v], v))
    days = [d.value for l in layers for d in l.dates if d.value and d.granularity == "day"]
    if days:
        return Counter(days).most_common(1)[0][0]
    published = sorted(l.document.published for l in layers if l.document.published)
    return published[0] if published else None
