"""Per-article work of an ingest (clean, parse, analyse), runnable in a worker process.

Pure with respect to the store: it gets `Source`s and gives back `DocumentLayers` or the reason an
article could not be used. The parent process alone talks to the database, so running this on
several cores changes nothing about crash safety.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rashomon.errors import InputError
from rashomon.model import Source

if TYPE_CHECKING:
    from rashomon.pipeline import DocumentLayers


@dataclass
class Analysed:
    """One article's outcome: its layers, or where and why it failed."""

    source: Source
    layers: DocumentLayers | None = None
    failed_path: str | None = None
    reason: str | None = None


def analyse_sources(sources: Sequence[Source]) -> list[Analysed]:
    """Clean, parse and analyse articles; one bad article never stops the others."""
    from rashomon import clean, limits, nlp
    from rashomon.pipeline import analyse_document

    out: list[Analysed] = []
    cleaned = []
    for source in sources:
        origin = source.origin or source.path
        try:
            with limits.time_limit(origin=origin):  # a pathological page fails alone (DocumentTimeout)
                doc = clean.clean(source)
        except InputError as exc:
            out.append(Analysed(source, failed_path=exc.path, reason=exc.reason))
            continue
        except Exception as exc:  # an extractor bug must not stop the batch
            out.append(Analysed(source, failed_path=origin, reason=f"could not clean: {type(exc).__name__}: {exc}"))
            continue
        if not doc.text.strip():
            out.append(Analysed(source, failed_path=origin, reason="no article text found"))
            continue
        cleaned.append((doc, source))
    for (doc, source), parsed in zip(cleaned, nlp.parse_many(doc.text for doc, _ in cleaned)):
        try:
            with limits.time_limit(origin=source.origin or source.path):
                out.append(Analysed(source, layers=analyse_document(doc, parsed)))
        except InputError as exc:  # DocumentTimeout
            out.append(Analysed(source, failed_path=exc.path, reason=exc.reason))
        except Exception as exc:  # one article's analysis bug must not stop the batch
            out.append(Analysed(source, failed_path=source.origin or source.path,
                                reason=f"analysis failed: {type(exc).__name__}: {exc}"))  # fmt: skip
    return out
