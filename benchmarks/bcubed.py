"""BCubed precision/recall/F1 (Bagga & Baldwin 1998; Amigó et al. 2009) for clusterings.

Per-item scores averaged over the items asked for: precision of an item is the share of its
cluster that has its gold label, recall the share of its gold class that is in its cluster.
Scoring a subset (`ids`) while clusters span all items lets a stream over every document be
judged on held-out topics only: a held-out document merged with training documents still pays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence


def bcubed(
    clusters: Sequence[Sequence[str]], gold: Mapping[str, str], ids: Iterable[str] | None = None
) -> tuple[float, float, float]:
    """(precision, recall, F1) of `clusters` against `gold` labels, averaged over `ids`."""
    label = {d: n for n, c in enumerate(clusters) for d in c}
    size = Counter(label.values())
    gold_size = Counter(gold[d] for d in label)
    both = Counter((label[d], gold[d]) for d in label)
    ids = list(label if ids is None else ids)
    if not ids:
        return 0.0, 0.0, 0.0
    p = sum(both[label[d], gold[d]] / size[label[d]] for d in ids) / len(ids)
    r = sum(both[label[d], gold[d]] / gold_size[gold[d]] for d in ids) / len(ids)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


if __name__ == "__main__":  # a self-check, so `make bench` running every script stays harmless
    g = {"a": "x", "b": "x", "c": "y"}
    assert bcubed([["a", "b"], ["c"]], g) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed([["a", "b", "c"]], g)
    assert abs(p - 5 / 9) < 1e-9 and r == 1.0
    print("bcubed: ok")
