"""rashomon: one verified, attributed account per news event, from many outlets' coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Analysis", "Document", "Store", "Story", "analyze"]

if TYPE_CHECKING:
    from rashomon.model import Analysis, Document, Story
    from rashomon.pipeline import analyze
    from rashomon.store import Store


def __getattr__(name: str) -> Any:
    """Import lazily, so `import rashomon.model` stays cheap (no spaCy) for light users."""
    if name == "analyze":
        from rashomon.pipeline import analyze

        return analyze
    if name == "Store":
        from rashomon.store import Store

        return Store
    if name in ("Analysis", "Document", "Story"):
        from rashomon import model

        return getattr(model, name)
    raise AttributeError(name)
