"""Divergence benchmark: does rashomon find where two reports contradict each other, and only there?

Each labelled pair (benchmarks/data/divergence_pairs.jsonl, built by divergence_build.py from ECB+;
see benchmarks/data/README.md) is read as two one-sentence articles from independent outlets
published the same day (`compare.prepare_text_pairs`: the whole per-document analysis, entity
resolution across the two, then `compare`). A pair is predicted "conflict" when any fact comes out
disputed; its slot is the first conflict's slot.

Alignment (what a reader of "corroborated" relies on): a pair is *joined* when one fact's support
holds a span of each sentence. On the hand-read `real` pairs, corroboration precision is the share
of joined pairs labelled agree or conflict (the two sentences speak of the same thing); the
false-join count is the joined pairs labelled unrelated. Alignment recall is the share of agree
pairs (real agree and all paraphrase pairs) that are joined. The same is counted on the two seed
pages (examples/): the corroborated facts of the brief, of which two are right (Jilani in Moscow on
Wednesday for the dialogue; Kayani's visit last year).

Join rules are scored (`compare.JOIN_RULES`): "similarity" (the first version: similarity alone
makes one fact), "compatible" (shipped: loosely aligned claims are one fact only when they conflict
on none of `compare.JOIN_SLOTS`) and "all slots" (the same on every slot). The join slots are
chosen on dev only: each slot is tried alone on the dev pairs, and kept when checking it removes no
join of a pair labelled agree or conflict (`join_slot_ablation`; its table is printed and the
script says whether the shipped `JOIN_SLOTS` is the dev choice). Thresholds are chosen per rule by
the unchanged rule below.

Thresholds (`compare.Thresholds`: align, dispute, measure) are chosen on a dev split and reported on the
held-out test split. The split is by ECB+ topic (all pairs of a topic on one side, seeded), so no
sentence of a test pair was seen while choosing. Choice: highest conflict F1 on dev among settings
with dev precision >= 0.90 and dev paraphrase false-conflict rate <= 5 %.

    .venv/bin/python benchmarks/divergence.py
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from rashomon import compare
from rashomon.model import Claim

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "benchmarks" / "data" / "divergence_pairs.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "divergence.json"
ANCHOR = "2013-08-29"  # the publish date both sides are read with (divergence_build.ANCHOR)
SEED = 0
ALIGN_GRID = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
MEASURE_GRID = [0.1, 0.15, 0.2, 0.25, 0.3]
DISPUTE_GRID = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8]


@dataclass
class Scores:
    n_pairs: int
    conflict_precision: float
    conflict_recall: float
    conflict_f1: float
    slot_accuracy: float
    paraphrase_false_conflict_rate: float
    real_pairs: int
    real_conflict_recall: float
    real_false_conflicts: int
    real_joined: int
    corroboration_precision: float
    alignment_recall: float
    real_agree_alignment_recall: float
    unrelated_false_joins: int


def load() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines() if line.strip()]


def split(pairs: list[dict]) -> tuple[list[int], list[int]]:
    topics = sorted({p["topic"] for p in pairs}, key=int)
    random.Random(SEED).shuffle(topics)
    dev_topics = set(topics[::2])
    dev = [i for i, p in enumerate(pairs) if p["topic"] in dev_topics]
    test = [i for i, p in enumerate(pairs) if p["topic"] not in dev_topics]
    return dev, test


@dataclass(frozen=True)
class Prediction:
    conflict: bool
    slot: str | None
    joined: bool  # one fact's support spans both sentences


def predict(prepared: compare.PreparedPair, thresholds: compare.Thresholds,
            join: compare.JoinRule | None = None) -> Prediction:
    facts = prepared.compare(thresholds, join=join)
    conflicts = [c for f in facts if f.status == "disputed" for c in f.conflicts]
    joined = any(len({e.document for e in f.support}) >= 2 for f in facts)
    return Prediction(bool(conflicts), conflicts[0].slot if conflicts else None, joined)


def score(pairs: list[dict], preds: list[Prediction]) -> Scores:
    tp = fp = fn = slot_ok = para = para_fc = real = real_c = real_tp = real_fp = 0
    joined = joined_same = agree = agree_joined = real_agree = real_agree_joined = unrelated_joined = 0
    for p, pred in zip(pairs, preds):
        conflict, slot = pred.conflict, pred.slot
        if p["label"] == "agree":
            agree += 1
            agree_joined += pred.joined
        if p["kind"] == "real" and pred.joined:
            joined += 1
            joined_same += p["label"] in ("agree", "conflict")
            unrelated_joined += p["label"] == "unrelated"
        if p["kind"] == "real" and p["label"] == "agree":
            real_agree += 1
            real_agree_joined += pred.joined
        gold = p["label"] == "conflict"
        tp += conflict and gold
        fp += conflict and not gold
        fn += gold and not conflict
        slot_ok += conflict and gold and slot == p["slot"]
        if p["kind"] == "paraphrase":
            para += 1
            para_fc += conflict
        if p["kind"] == "real":
            real += 1
            real_c += gold
            real_tp += conflict and gold
            real_fp += conflict and not gold
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(len(pairs), round(precision, 4), round(recall, 4), round(f1, 4),
                  round(slot_ok / tp, 4) if tp else 0.0, round(para_fc / para, 4) if para else 0.0,
                  real, round(real_tp / real_c, 4) if real_c else 0.0, real_fp,
                  joined, round(joined_same / joined, 4) if joined else 0.0, round(agree_joined / agree, 4) if agree else 0.0,
                  round(real_agree_joined / real_agree, 4) if real_agree else 0.0, unrelated_joined)


def choose(pairs: list[dict], prepared: list[compare.PreparedPair], dev: list[int],
           join: compare.JoinRule | None = None) -> compare.Thresholds:
    best: tuple[float, float, compare.Thresholds] | None = None
    for align, dispute, measure in itertools.product(ALIGN_GRID, DISPUTE_GRID, MEASURE_GRID):
        th = compare.Thresholds(align, dispute, measure)
        s = score([pairs[i] for i in dev], [predict(prepared[i], th, join) for i in dev])
        if s.conflict_precision < 0.9 or s.paraphrase_false_conflict_rate > 0.05:
            continue
        # ties: prefer the setting closest to the shipped default (fewer surprises in stories)
        key = (s.conflict_f1, -abs(align - compare.DEFAULT.align) - abs(dispute - compare.DEFAULT.dispute)
               - abs(measure - compare.DEFAULT.measure))
        if best is None or key > best[:2]:
            best = (*key, th)
    return best[2] if best else compare.DEFAULT


ALL_SLOTS = ("negation", "number", "place", "role", "ordinal", "person", "date")


@dataclass
class SlotEffect:
    slot: str
    true_joins_lost: int  # agree/conflict pairs (real and constructed) no longer joined
    unrelated_joins_removed: int


def join_slot_ablation(pairs: list[dict], prepared: list[compare.PreparedPair], idx: list[int]) -> list[SlotEffect]:
    """What checking each slot alone on loose alignments does to the joins of `idx` (shipped thresholds)."""
    base = [predict(prepared[i], compare.DEFAULT, compare.similarity_join).joined for i in idx]
    out = []
    for slot in ALL_SLOTS:
        def join(a: Claim, b: Claim, entity_of: dict[str, str], slot: str = slot) -> bool:
            return not compare.conflicts_on(a, b, entity_of, (slot,))

        now = [predict(prepared[i], compare.DEFAULT, join).joined for i in idx]
        lost = sum(b and not n and pairs[i]["label"] != "unrelated" for i, b, n in zip(idx, base, now))
        removed = sum(b and not n and pairs[i]["label"] == "unrelated" for i, b, n in zip(idx, base, now))
        out.append(SlotEffect(slot, lost, removed))
    return out


@contextlib.contextmanager
def _default_join(join: compare.JoinRule) -> Iterator[None]:
    """Run the whole pipeline with another join rule (it calls `compare` with the default)."""
    saved = compare.DEFAULT_JOIN
    compare.DEFAULT_JOIN = join
    try:
        yield
    finally:
        compare.DEFAULT_JOIN = saved


def seed_corroborations(join: compare.JoinRule) -> list[str]:
    """The corroborated facts of the brief of the two seed pages (examples/), by their first text."""
    from rashomon import pipeline

    with _default_join(join):
        analysis = pipeline.analyze([ROOT / "examples"])
    return [f.text for story in analysis.stories for f in story.facts if f.status == "corroborated"]


def main() -> None:
    console = Console(width=240)
    pairs = load()
    started = time.perf_counter()
    prepared = compare.prepare_text_pairs([(p["a"], p["b"]) for p in pairs], ANCHOR)
    analysed = time.perf_counter() - started
    dev, test = split(pairs)
    rows: dict[str, Scores] = {}
    chosen_by_rule: dict[str, compare.Thresholds] = {}
    seeds: dict[str, list[str]] = {}
    for rule_name, join in compare.JOIN_RULES.items():
        chosen = chosen_by_rule[rule_name] = choose(pairs, prepared, dev, join)
        for name, idx, th in (("dev (chosen)", dev, chosen), ("test (held out)", test, chosen),
                              ("test, shipped defaults", test, compare.DEFAULT),
                              ("all, shipped defaults", list(range(len(pairs))), compare.DEFAULT)):
            rows[f"{rule_name}: {name}"] = score([pairs[i] for i in idx], [predict(prepared[i], th, join) for i in idx])
        seeds[rule_name] = seed_corroborations(join)
    table = Table(title=f"Divergence: {len(pairs)} labelled pairs (dev {len(dev)}, test {len(test)}; split by ECB+ topic); "
                        f"join rule: {', '.join(compare.JOIN_RULES)} (shipped: {compare.DEFAULT_JOIN.__name__})")
    for col in ("rule: split", "pairs", "precision", "recall", "F1", "slot acc", "paraphrase FC", "real pairs", "real recall",
                "real FP", "real joined", "corrob. prec", "align recall", "real-agree recall", "unrel. joins"):
        table.add_column(col, justify="right")
    for name, s in rows.items():
        table.add_row(name, str(s.n_pairs), f"{s.conflict_precision:.3f}", f"{s.conflict_recall:.3f}", f"{s.conflict_f1:.3f}",
                      f"{s.slot_accuracy:.3f}", f"{s.paraphrase_false_conflict_rate:.3f}", str(s.real_pairs),
                      f"{s.real_conflict_recall:.3f}", str(s.real_false_conflicts), str(s.real_joined),
                      f"{s.corroboration_precision:.3f}", f"{s.alignment_recall:.3f}", f"{s.real_agree_alignment_recall:.3f}",
                      str(s.unrelated_false_joins))
    console.print(table)
    effects = join_slot_ablation(pairs, prepared, dev)
    slots_table = Table(title="Join slots on dev (each checked alone on loose alignments, shipped thresholds)")
    for col in ("slot", "true joins lost", "unrelated joins removed", "kept (dev rule)"):
        slots_table.add_column(col, justify="right")
    for e in effects:
        slots_table.add_row(e.slot, str(e.true_joins_lost), str(e.unrelated_joins_removed), str(e.true_joins_lost == 0))
    console.print(slots_table)
    dev_slots = tuple(e.slot for e in effects if e.true_joins_lost == 0)
    console.print(f"dev choice of join slots: {dev_slots}; shipped compare.JOIN_SLOTS: {compare.JOIN_SLOTS} "
                  f"({'same' if set(dev_slots) == set(compare.JOIN_SLOTS) else 'DIFFERENT'})")
    for rule_name, texts in seeds.items():
        console.print(f"seed pages, {rule_name}: {len(texts)} corroborated facts (2 right)")
        for text in texts:
            console.print(f"  - {text[:110]}")
    shipped = next(k for k, v in compare.JOIN_RULES.items() if v is compare.DEFAULT_JOIN)
    chosen = chosen_by_rule[shipped]
    console.print(f"chosen on dev: {chosen_by_rule}; shipped defaults: {compare.DEFAULT}; analysis {analysed:.1f}s "
                  f"(2 shared cores: noisy)")
    test_scores = rows[f"{shipped}: test (held out)"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "n_pairs": len(pairs),
        "conflict_precision": test_scores.conflict_precision,
        "conflict_recall": test_scores.conflict_recall,
        "conflict_f1": test_scores.conflict_f1,
        "slot_accuracy": test_scores.slot_accuracy,
        "paraphrase_false_conflict_rate": test_scores.paraphrase_false_conflict_rate,
        "corroboration_precision": test_scores.corroboration_precision,
        "alignment_recall": test_scores.alignment_recall,
        "unrelated_false_joins": test_scores.unrelated_false_joins,
        "reported_on": "test split (held out, ECB+ topics not used to choose thresholds or the join rule)",
        "join_rule": shipped,
        "thresholds": asdict(chosen),
        "thresholds_by_rule": {k: asdict(v) for k, v in chosen_by_rule.items()},
        "join_slots": list(compare.JOIN_SLOTS),
        "join_slot_ablation_dev": [asdict(e) for e in effects],
        "seed_corroborated": {k: {"count": len(v), "expected_right": 2, "facts": v} for k, v in seeds.items()},
        "splits": {k: asdict(v) for k, v in rows.items()},
    }, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
