"""The embedded store: analysed articles, stories and their layers in one SQLite file.

`Store` is the API; `rashomon ingest/stories/show/search/entities/timeline/export/stats` are
its command-line face. See docs/store.md.
"""

from rashomon.store.core import DEFAULT_PATH, Store, StoreBusy, TimelineUnavailable
from rashomon.store.export import ExportError
from rashomon.store.faults import StoreCorrupt, StoreError, StoreFull, StoreLocked, StoreReadOnly
from rashomon.store.queries import NotFound
from rashomon.store.records import EntitySummary, IngestReport, SearchHit, StoreStats, StorySummary
from rashomon.store.schema import SchemaError

__all__ = [
    "DEFAULT_PATH", "EntitySummary", "ExportError", "IngestReport", "NotFound", "SchemaError", "SearchHit", "Store",
    "StoreBusy", "StoreCorrupt", "StoreError", "StoreFull", "StoreLocked", "StoreReadOnly", "StoreStats", "StorySummary",
    "TimelineUnavailable",
]  # fmt: skip
