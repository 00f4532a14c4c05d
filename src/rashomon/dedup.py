"""Copy detection: which "sources" are in fact one report copied or lightly rewritten.

Corroboration must count independent sources only, so before any fact is counted the documents
of a story are grouped into `SourceGroup`s of copies. Two measures over word shingles decide:

* Jaccard resemblance catches near-duplicates (a wire story re-published with another headline,
  its paragraphs moved, one sentence reworded);
* containment |A ∩ B| / |A| catches partial copies: a truncated re-print, or an article that
  quotes most of another and adds its own material, where Jaccard stays low.

Shingles are taken within paragraphs (never across a line break) so that moving paragraphs
around leaves them intact. Candidate pairs come from datasketch's MinHash LSH (Jaccard) and
LSH Ensemble (containment), so the work grows with the number of similar pairs, not with all
pairs; every candidate is then verified on the exact shingle sets.

Independent reports of the same event share names and phrases but hardly any 5-word run, so
their containment stays far below the thresholds (the two example pages in `examples/`
share under 2%).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH, MinHashLSHEnsemble

from rashomon.model import Document, SourceGroup

SHINGLE = 5  # words per shingle: long enough that shared phrasing is not chance
NUM_PERM = 128
COPY_CONTAINMENT = 0.5  # one document's text at least half inside the other's: a copy
SHARE_CONTAINMENT = 0.15  # a shorter shared passage (a quoted paragraph): "shares text"
SHARE_MIN_SHINGLES = 8  # ... and never on a handful of shared stock phrases
EXACT_UP_TO = 64  # up to this many documents, every pair is verified without LSH
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class CopyReport:
    """Copy structure of a set of documents."""

    groups: list[SourceGroup]  # every document in exactly one group
    copy_of: dict[str, str] = field(default_factory=dict)  # doc id -> id of the doc it copies
    shares_text_with: dict[str, list[str]] = field(default_factory=dict)  # symmetric links

    def group_of(self, doc_id: str) -> SourceGroup:
        for group in self.groups:
            if doc_id in group.documents:
                return group
        raise KeyError(doc_id)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Word k-shingles of each paragraph (a paragraph shorter than k is one shingle)."""
    out: set[str] = set()
    for para in text.splitlines():
        words = _WORD.findall(para.lower())
        if not words:
            continue
        if len(words) < k:
            out.add(" ".join(words))
            continue
        out.update(" ".join(words[i : i + k]) for i in range(len(words) - k + 1))
    return out


def minhash(shingle_set: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode("utf-8") for s in shingle_set])
    return m


def overlap(a: set[str], b: set[str]) -> tuple[float, float, float]:
    """(Jaccard, containment of a in b, containment of b in a) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0, 0.0
    inter = len(a & b)
    return inter / len(a | b), inter / len(a), inter / len(b)


def candidate_pairs(sets: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs of ids that may overlap enough to matter, from MinHash LSH + LSH Ensemble."""
    ids = [i for i, s in sets.items() if s]
    if len(ids) < 2:
        return set()
    if len(ids) <= EXACT_UP_TO:
        # a story's handful of documents: checking every pair exactly is cheaper than building
        # the LSH indexes (the ensemble's partitioning alone costs ~0.2 s) and misses nothing
        return {(min(a, b), max(a, b)) for n, a in enumerate(ids) for b in ids[n + 1:]}
    hashes = {i: minhash(sets[i]) for i in ids}
    lsh = MinHashLSH(threshold=0.3, num_perm=NUM_PERM)
    ensemble = MinHashLSHEnsemble(threshold=SHARE_CONTAINMENT, num_perm=NUM_PERM, num_part=8)
    for i in ids:
        lsh.insert(i, hashes[i])
    ensemble.index([(i, hashes[i], len(sets[i])) for i in ids])
    pairs: set[tuple[str, str]] = set()
    for i in ids:
        found = set(lsh.query(hashes[i])) | set(ensemble.query(hashes[i], len(sets[i])))
        pairs.update((min(i, j), max(i, j)) for j in found if j != i)
    return pairs


def _order_key(doc: Document, position: int) -> tuple[bool, str, int]:
    """Earliest published first; undated documents after dated ones, in input order."""
    return (doc.published is None, doc.published or "", position)


def detect_copies(docs: Sequence[Document]) -> CopyReport:
    """Group copies, link each copy to the earlier document it copies, list shared-text links."""
    rank = {d.id: _order_key(d, n) for n, d in enumerate(docs)}
    sets = {d.id: shingles(d.text) for d in docs}
    parent = {d.id: d.id for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    copies: dict[str, list[str]] = {d.id: [] for d in docs}
    shares: dict[str, set[str]] = {d.id: set() for d in docs}
    for a, b in candidate_pairs(sets):
        _, a_in_b, b_in_a = overlap(sets[a], sets[b])
        shared = len(sets[a] & sets[b])
        if shared >= SHARE_MIN_SHINGLES and max(a_in_b, b_in_a) >= SHARE_CONTAINMENT:
            shares[a].add(b)
            shares[b].add(a)
        if max(a_in_b, b_in_a) >= COPY_CONTAINMENT and shared >= 1:
            early, late = sorted((a, b), key=rank.__getitem__)
            copies[late].append(early)
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb, key=rank.__getitem__)] = min(ra, rb, key=rank.__getitem__)

    members: dict[str, list[str]] = {}
    for d in sorted(docs, key=lambda d: rank[d.id]):
        members.setdefault(find(d.id), []).append(d.id)
    groups = [SourceGroup(documents=ids, representative=ids[0]) for ids in members.values()]
    copy_of = {late: min(earlier, key=rank.__getitem__) for late, earlier in copies.items() if earlier}
    shares_text_with = {d: sorted(s, key=rank.__getitem__) for d, s in shares.items() if s}
    return CopyReport(groups=groups, copy_of=copy_of, shares_text_with=shares_text_with)


def apply(docs: Sequence[Document], report: CopyReport) -> None:
    """Write the report's links onto the documents (`Document.copy_of`, `.shares_text_with`)."""
    for doc in docs:
        doc.copy_of = report.copy_of.get(doc.id)
        doc.shares_text_with = list(report.shares_text_with.get(doc.id, []))
