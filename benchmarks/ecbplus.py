"""ECB+ for story clustering: documents as ClusterItems, gold labels, stream orders, topic folds.

Parsing 651 documents with spaCy takes ~40 s, so the parses are cached as a DocBin (outside the
repository, keyed by the spaCy model and a hash of docs.json; the same file the coreference
benchmark uses) and the items are rebuilt from them with `item_from_spacy` on every run, so a
change in feature extraction is always measured. ECB+ documents carry no publish dates, so
every item is undated and the clusterer's publish-date decay plays no part in these numbers;
the date an article speaks from (the first full date in its text, when it states one) does.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

from spacy.tokens import DocBin

from rashomon import nlp
from rashomon.cluster import ClusterItem, item_from_spacy

ROOT = Path(__file__).resolve().parents[1]
ECB = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "bench" / "ecbplus"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rashomon"


def load_docs() -> list[dict]:
    return json.loads((ECB / "docs.json").read_text("utf-8"))


def parsed_docs() -> dict:
    """spaCy parses of every ECB+ text by doc id, parsed once and then read from a cache outside
    the repository (keyed by model name and data, so a new model or corpus is parsed afresh)."""
    docs = load_docs()
    key = hashlib.sha256(nlp.MODEL.encode() + (ECB / "docs.json").read_bytes()).hexdigest()[:16]
    path = CACHE / f"ecb_docbin_{key}.spacy"
    vocab = nlp.load().vocab
    if path.exists():
        parsed = list(DocBin().from_bytes(path.read_bytes()).get_docs(vocab))
    else:
        parsed = list(nlp.parse_many((d["text"] for d in docs), batch_size=32))
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(DocBin(docs=parsed, store_user_data=False).to_bytes())
    return {d["doc_id"]: p for d, p in zip(docs, parsed)}


def load_items(docs: list[dict] | None = None) -> list[ClusterItem]:
    """Every ECB+ document as a ClusterItem (parsed once, then read from the cache)."""
    docs = docs if docs is not None else load_docs()
    by_id = parsed_docs()
    return [item_from_spacy(d["doc_id"], d["text"], None, by_id[d["doc_id"]]) for d in docs]


def stream(items: list, seed: int) -> list:
    """A seeded shuffle: topics interleave the way unrelated news does in a real feed."""
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


def topic_folds(topics: list[str], k: int, seed: int = 0) -> list[set[str]]:
    """Split topics into k folds (leave-topics-out cross-validation)."""
    order = sorted(set(topics), key=int)
    random.Random(seed).shuffle(order)
    return [set(order[i::k]) for i in range(k)]
