"""Per-document layers and stories to compact bytes and back.

A story is rebuilt from its documents' stored layers every time a new member joins, so decoding
is on the ingest path: `decode` builds one converter per dataclass once (the type hints are
resolved a single time) instead of resolving them for every object as `model.from_dict` does.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from rashomon.model import Claim, Document, Event, Mention, Quantity, TimeRef, to_dict

if TYPE_CHECKING:  # the pipeline imports spaCy; listing and search must not pay for that
    from rashomon.cluster import ClusterItem
    from rashomon.pipeline import DocumentLayers

T = TypeVar("T")
ITEM = "cluster_item"  # key of the cluster item (without text and embedding) in a layers blob
LAYER_FIELDS: dict[str, type] = {
    "mentions": Mention,
    "dates": TimeRef,
    "quantities": Quantity,
    "events": Event,
    "claims": Claim,
}


def pack(obj: Any) -> bytes:
    """JSON, deflated (level 1: the text is repetitive, and speed matters more than the last %)."""
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


def encode_layers(layers: DocumentLayers) -> bytes:
    """The per-document analysis without the document itself (stored in its own row).

    The cluster item is kept without its text (the document row's) and without its lead
    embedding: a split check of a story reads its members' items (`clusterstate`), and the
    embedding is recomputed from the text, bit for bit (`embed.embed_lead` is deterministic;
    tests/test_store_regroup.py checks it), where storing it would add ~4 KB per document."""
    data = {name: to_dict(getattr(layers, name)) for name in LAYER_FIELDS}
    if layers.cluster_item is not None:
        data[ITEM] = _item_data(layers.cluster_item)
    return pack(data)


def decode_layers(document: Document, blob: bytes) -> DocumentLayers:
    from rashomon.pipeline import DocumentLayers

    data = unpack(blob)
    parts = {name: [decode(cls, v) for v in data.get(name, [])] for name, cls in LAYER_FIELDS.items()}
    item = _item(data.get(ITEM), document.text)
    return DocumentLayers(document=document, **parts, cluster_item=item)


def decode_cluster_item(text: str, blob: bytes) -> ClusterItem | None:
    """A stored document's cluster item (None for a row written before items were kept)."""
    return _item(unpack(blob).get(ITEM), text)


def _item_data(item: ClusterItem) -> dict[str, Any]:
    from rashomon.cluster import item_dict

    data = item_dict(item, text=False)
    data.pop("embedding", None)
    return data


def _item(data: dict[str, Any] | None, text: str) -> ClusterItem | None:
    if data is None:
        return None
    from rashomon.cluster import item_from_dict

    return item_from_dict({**data, "embedding": None}, text=text)


def decode(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a dataclass from `model.to_dict` output (unknown keys ignored)."""
    return _builder(cls)(data)


@functools.lru_cache(maxsize=None)
def _builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    hints = get_type_hints(cls)
    fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]

    def build(data: dict[str, Any]) -> Any:
        return cls(**{name: (conv(data[name]) if conv else data[name]) for name, conv in fields if name in data})

    return build


def _converter(tp: Any) -> Callable[[Any], Any] | None:
    """A function turning JSON for type `tp` into its Python value; None when JSON is already it."""
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is list:
        inner = _converter(args[0])
        if inner is None:
            return None
        return lambda v: None if v is None else [inner(x) for x in v]
    if origin is tuple:
        return lambda v: None if v is None else tuple(v)
    if args and origin is not Literal and origin is not dict:  # X | None
        for arg in args:
            if arg is not type(None):
                inner = _converter(arg)
                return None if inner is None else (lambda v: None if v is None else inner(v))
    if dataclasses.is_dataclass(tp):
        return lambda v: None if v is None else _builder(tp)(v)
    return None
