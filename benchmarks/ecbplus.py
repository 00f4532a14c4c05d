"""ECB+ for story clustering: documents as ClusterItems, gold labels, stream orders, topic folds.

Parsing 651 documents with spaCy takes ~40 s, so the items are cached (outside the repository,
keyed by the spaCy model and a hash of docs.json). ECB+ documents carry no publish dates, so
every item is undated and the clusterer's time decay plays no part in these numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from dataclasses import asdict
from pathlib import Path

from rashomon import nlp
from rashomon.cluster import ClusterItem, item_from_spacy

ROOT = Path(__file__).resolve().parents[1]
ECB = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "bench" / "ecbplus"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rashomon"


def load_docs() -> list[dict]:
    return json.loads((ECB / "docs.json").read_text("utf-8"))


def load_items(docs: list[dict] | None = None) -> list[ClusterItem]:
    """Every ECB+ document as a ClusterItem (parsed once, then read from the cache)."""
    docs = docs if docs is not None else load_docs()
    key = hashlib.sha256((nlp.MODEL + json.dumps([d["doc_id"] for d in docs])).encode())
    key.update((ECB / "docs.json").read_bytes())
    path = CACHE / f"ecb_items_{key.hexdigest()[:16]}.json"
    if path.exists():
        return [ClusterItem(**d) for d in json.loads(path.read_text("utf-8"))]
    parsed = nlp.parse_many((d["text"] for d in docs), batch_size=32)
    items = [item_from_spacy(d["doc_id"], d["text"], None, doc) for d, doc in zip(docs, parsed)]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(i) for i in items]), "utf-8")
    return items


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
