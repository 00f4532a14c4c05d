"""Sentence embeddings of an article's lead, from a static model shipped in the package.

Why: the clusterer's lexical spaces match *words*; two reports of one event often say it in
different ones ("quake" / "tremor", "sacked" / "fired"). A dense embedding of the headline and
lead — where an article says which event it is about — adds that semantic similarity.

The model is a model2vec distillation of all-MiniLM-L6-v2 (scripts/distill_embeddings.py):
one vector per vocabulary token, so embedding a sentence is a tokenisation and a weighted mean,
well under a millisecond, numpy only. It is read from `rashomon/data/embed/` — a local path, so
model2vec never asks a hub for it (and HF_HUB_OFFLINE is set for good measure).
"""

from __future__ import annotations

import functools
import os
import re
from importlib import resources
from typing import Any

import numpy as np

LEAD_SENTENCES = 3  # headline + lead: measured best on ECB+ same-topic pairs among 3/5/8 sentences, 60-150 words
DIM = 256
# Sentence ends: terminal punctuation before a capital or quote, or a line break (headlines and
# paragraphs of clean text are lines).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'`‘“A-Z])|\n+")
_URL_LINE = re.compile(r"^\s*(?:https?\b|www\s?\.)", re.I)


@functools.lru_cache(maxsize=1)
def model() -> Any:
    """The shipped static model, loaded once per process from the package directory."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec import StaticModel

    path = resources.files("rashomon").joinpath("data/embed")
    return StaticModel.from_pretrained(str(path), force_download=False)


def lead_sentences(text: str, n: int = LEAD_SENTENCES) -> list[str]:
    """The first `n` sentences of the prose (web-address lines are page metadata, not prose)."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip() or _URL_LINE.match(line):
            continue
        for sentence in _SENTENCE_END.split(line):
            if sentence.strip():
                out.append(sentence.strip())
                if len(out) == n:
                    return out
    return out


def embed_lead(text: str) -> list[float]:
    """Unit-length mean of the lead sentences' embeddings ([] for a text with no words).

    Each sentence is embedded on its own and the sentence vectors are averaged, so a long
    sentence does not drown the headline. Returned as plain floats: it travels in a ClusterItem
    and, summed, in a story's persisted centroid.
    """
    sentences = lead_sentences(text)
    if not sentences:
        return []
    vecs = np.asarray(model().encode(sentences, max_length=None, use_multiprocessing=False), dtype=np.float64)
    mean = vecs.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).tolist() if norm > 0 else []
