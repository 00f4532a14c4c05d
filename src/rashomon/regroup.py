"""Second thoughts for the streaming clusterer: split a story that turned out to hold two events.

A single-pass clusterer commits early. Two quakes on one island, reported a year apart, can
share a story while it is young (its centroid is little more than the first article); once it
has grown, its members show two groups. This module holds the pure part of that check: given the
members' pairwise "same event" probabilities, propose the two most separate groups and say
whether they are clearly two events. `cluster.StoryClusterer` calls it when a story reaches one
of a few sizes, and owns the bookkeeping (and the merge of two stories that turned out to be one,
which needs no more than two centroids).

Why these choices (each measured out-of-fold on ECB+, benchmarks/clustering_variants.py):

* the pairwise probability is the join model's own, P(member i joins a story holding member j
  alone), symmetrised: it weighs years, dates, numbers and the main entity as a join does, where
  plain cosines between members (0.916) only see shared words;
* the proposal is the top merge of an average-link dendrogram over 1 - P: robust to one odd
  member, unlike single link, and cheap at the sizes where it runs (at most `split_at[-1]`);
* the rule is a ratio: split when the mean probability across the two groups is below `tau`
  times the looser group's own mean. An absolute bar (0.912) also split loose stories whose
  members all score low with each other: loose is not two events;
* both groups need two members: one odd article is better left where the join put it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def pair_matrix(n: int, probability: Callable[[int, int], float]) -> np.ndarray:
    """Symmetric n x n matrix of probability(i, j) for i < j, ones on the diagonal."""
    P = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            P[i, j] = P[j, i] = probability(i, j)
    return P


def two_groups(P: np.ndarray) -> np.ndarray | None:
    """The top merge of an average-link dendrogram over 1 - P, as a boolean mask of the group
    holding member 0 (the founding member keeps the story); None unless both groups have at
    least two members."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    D = np.clip(1.0 - P, 0.0, None)
    np.fill_diagonal(D, 0.0)
    labels = fcluster(linkage(squareform(D, checks=False), method="average"), 2, criterion="maxclust")
    first = labels == labels[0]
    return first if 2 <= int(first.sum()) <= len(labels) - 2 else None


def _within(M: np.ndarray) -> float:
    """Mean off-diagonal entry of a square block (1.0 for a single member)."""
    n = len(M)
    return float((M.sum() - np.trace(M)) / (n * (n - 1))) if n > 1 else 1.0


def clearly_two(P: np.ndarray, first: np.ndarray, tau: float) -> bool:
    """Are the two groups two events? The mean cross-group probability is below tau times the
    looser group's mean within-group probability."""
    a, b = np.flatnonzero(first), np.flatnonzero(~first)
    cross = float(P[np.ix_(a, b)].mean())
    return cross < tau * min(_within(P[np.ix_(a, a)]), _within(P[np.ix_(b, b)]))


def split(members: Sequence[str], P: np.ndarray, tau: float) -> tuple[list[str], list[str]] | None:
    """(kept, leaving) members when the story holds two events, else None."""
    first = two_groups(P)
    if first is None or not clearly_two(P, first, tau):
        return None
    return [d for d, f in zip(members, first) if f], [d for d, f in zip(members, first) if not f]
