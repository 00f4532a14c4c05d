"""Coreference metrics as the CoNLL reference scorer (v8.01, Pradhan et al. 2014) defines them.

Key and response are partitions of mentions (any hashable ids) into entities. Singletons count
in B³ and CEAF-e (they are in the key here) and, by construction, never in MUC.

- MUC (Vilain et al. 1995): links. Recall = Σ_K (|K| − |p(K)|) / Σ_K (|K| − 1), where p(K) is the
  partition of K by the response (a mention the response lacks is its own part); precision swaps
  key and response.
- B³ (Bagga & Baldwin 1998): per mention. Recall = Σ_K Σ_R |K∩R|² / |K| over all key mentions;
  precision = Σ_R Σ_K |K∩R|² / |R| over all response mentions.
- CEAF-e (Luo 2005): entity alignment. φ4(K, R) = 2|K∩R| / (|K| + |R|); the best one-to-one
  alignment (Kuhn–Munkres) gives Φ; recall = Φ / #key entities, precision = Φ / #response entities.
- CoNLL F1: the mean of the three F1 scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Partition = Sequence[Sequence[Hashable]]


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4)}


def _prf(p_num: float, p_den: float, r_num: float, r_den: float) -> PRF:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _index(partition: Partition) -> dict[Hashable, int]:
    return {m: i for i, entity in enumerate(partition) for m in entity}


def _muc_side(key: Partition, response: Partition) -> tuple[float, float]:
    where = _index(response)
    num = den = 0
    for entity in key:
        if len(entity) < 2:
            continue
        parts = {where.get(m, ("missing", m)) for m in entity}
        num += len(entity) - len(parts)
        den += len(entity) - 1
    return num, den


def muc(key: Partition, response: Partition) -> PRF:
    r_num, r_den = _muc_side(key, response)
    p_num, p_den = _muc_side(response, key)
    return _prf(p_num, p_den, r_num, r_den)


def _b3_side(key: Partition, response: Partition) -> tuple[float, float]:
    where = _index(response)
    num = 0.0
    den = 0
    for entity in key:
        overlap: dict[int, int] = defaultdict(int)
        for m in entity:
            if m in where:
                overlap[where[m]] += 1
        num += sum(c * c for c in overlap.values()) / len(entity)
        den += len(entity)
    return num, den


def b_cubed(key: Partition, response: Partition) -> PRF:
    r_num, r_den = _b3_side(key, response)
    p_num, p_den = _b3_side(response, key)
    return _prf(p_num, p_den, r_num, r_den)


def _ceaf_phi(key: Partition, response: Partition) -> float:
    key_sets = [set(e) for e in key]
    resp_sets = [set(e) for e in response]
    if not key_sets or not resp_sets:
        return 0.0
    where = _index(response)
    sim = np.zeros((len(key_sets), len(resp_sets)))
    for i, k in enumerate(key_sets):
        for j in {where[m] for m in k if m in where}:
            sim[i, j] = 2 * len(k & resp_sets[j]) / (len(k) + len(resp_sets[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].sum())


def ceaf_e(key: Partition, response: Partition) -> PRF:
    total = _ceaf_phi(key, response)
    return _prf(total, len(response), total, len(key))


@dataclass(frozen=True)
class Scores:
    muc: PRF
    b3: PRF
    ceafe: PRF

    @property
    def conll_f1(self) -> float:
        return (self.muc.f1 + self.b3.f1 + self.ceafe.f1) / 3

    def as_dict(self) -> dict[str, object]:
        return {"muc": self.muc.as_dict(), "b3": self.b3.as_dict(), "ceafe": self.ceafe.as_dict(),
                "conll_f1": round(self.conll_f1, 4)}


def score(key: Partition, response: Partition) -> Scores:
    return score_groups([(key, response)])


def score_groups(groups: Sequence[tuple[Partition, Partition]]) -> Scores:
    """Micro-averaged scores over independent groups (topics): counts are summed, not F1s.

    Entities never span groups, so this equals scoring the union of the groups at once, but the
    CEAF alignment is solved per group (a much smaller assignment problem).
    """
    sums = defaultdict(float)
    for key, response in groups:
        for name, side in (("muc_r", _muc_side(key, response)), ("muc_p", _muc_side(response, key)),
                           ("b3_r", _b3_side(key, response)), ("b3_p", _b3_side(response, key))):
            sums[name + "_num"] += side[0]
            sums[name + "_den"] += side[1]
        sums["ceaf_phi"] += _ceaf_phi(key, response)
        sums["ceaf_key"] += len(key)
        sums["ceaf_resp"] += len(response)
    s = sums
    return Scores(
        _prf(s["muc_p_num"], s["muc_p_den"], s["muc_r_num"], s["muc_r_den"]),
        _prf(s["b3_p_num"], s["b3_p_den"], s["b3_r_num"], s["b3_r_den"]),
        _prf(s["ceaf_phi"], s["ceaf_resp"], s["ceaf_phi"], s["ceaf_key"]),
    )
