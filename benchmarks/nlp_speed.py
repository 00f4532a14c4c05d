"""spaCy cost with and without the memoised attribute ruler + lemmatizer, and proof that nothing changed.

Identity: every ECB+ document (all 651) and every clean text of the throughput corpus is parsed by
the pipeline as shipped (`nlp.load_reference()`, batch 16: what production ran before) and by
`nlp.load()` at each batch size tried; every token's text, whitespace, tag_, pos_, morph, lemma_,
dep_, head, ent_iob_, ent_type_, sentence start and the document's entity spans must be equal.

Speed: single process, single core. Variants are timed interleaved (round-robin, `--reps`
repetitions each) on the throughput corpus's clean texts (news articles of ~3.5k characters) so
that the load other engineers put on the shared 2 cores hits all variants alike; we report the
median and the best repetition, in wall time and in this process's CPU time (which the other
engineers' load barely touches: the figure to compare). Each variant's first pass (which also fills the memo table from
scratch) is timed too, as "cold".

Run: .venv/bin/python benchmarks/nlp_speed.py [--size 200] [--reps 3] [--articles N] [--skip-identity]
Writes benchmarks/results/nlp_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "bench"
RESULTS = HERE / "results" / "nlp_speed.json"
sys.path.insert(0, str(HERE))
console = Console()


def signature(doc) -> tuple:
    """Everything any stage can read from a parse."""
    tokens = [(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_,
               t.ent_type_, t.is_sent_start) for t in doc]
    return tokens, [(e.start, e.end, e.label_) for e in doc.ents]


def differences(texts: list[str], reference: list[tuple], nlp, batch_size: int) -> list[int]:
    return [i for i, (doc, ref) in enumerate(zip(nlp.pipe(texts, batch_size=batch_size), reference))
            if signature(doc) != ref]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=200, help="throughput corpus to time on")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--batches", default="16,64,256", help="nlp.pipe batch sizes to try with the memo")
    ap.add_argument("--articles", type=int, default=0, help="time on the first N articles only (0: all)")
    ap.add_argument("--skip-identity", action="store_true", help="keep the identity results of the last run")
    args = ap.parse_args()
    import throughput

    from rashomon import nlp

    articles = throughput.clean_texts(throughput.build_corpus(args.size))
    ecb = [d["text"] for d in json.loads((SHARED / "ecbplus" / "docs.json").read_text("utf-8"))]
    reference_nlp = nlp.load_reference()
    memo_nlp = nlp.load()
    batch_sizes = [int(b) for b in args.batches.split(",")]

    # identity
    identity = json.loads(RESULTS.read_text())["identity"] if args.skip_identity and RESULTS.exists() else {}
    for corpus, texts in () if args.skip_identity else (("ecbplus", ecb), ("throughput", articles)):
        reference = [signature(doc) for doc in reference_nlp.pipe(texts, batch_size=16)]
        tokens = sum(len(r[0]) for r in reference)
        checks = {f"memo batch {b}": differences(texts, reference, memo_nlp, b) for b in batch_sizes}
        checks["reference batch 64"] = differences(texts, reference, reference_nlp, 64)
        identity[corpus] = {"documents": len(texts), "tokens": tokens,
                            "documents_differing": {k: len(v) for k, v in checks.items()}}
    memo = memo_nlp.get_pipe("rashomon_memo_attrs")
    if not args.skip_identity:
        identity["memo_table_entries"] = len(memo.table)
        identity["multi_token_runs_annotated_in_context"] = memo.runs
    articles = articles[: args.articles or None]

    # speed, interleaved
    variants = {"reference (all components), batch 16": (reference_nlp, 16)}
    variants.update({f"memo, batch {b}": (memo_nlp, b) for b in batch_sizes})
    chars = sum(len(t) for t in articles)
    timings: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    cold: dict[str, float] = {}
    for rep in range(args.reps + 1):
        for name, (model, batch) in variants.items():
            if rep == 0 and model is memo_nlp:
                memo.table.clear()  # cold: the memo starts empty, as in a fresh worker
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in model.pipe(articles, batch_size=batch):
                pass
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
            if rep:
                timings[name].append(seconds)
                cpu[name].append(cpu_seconds)
            else:
                cold[name] = seconds
    speed = {name: {"articles_per_s_median": len(articles) / statistics.median(s),
                    "articles_per_s_best": len(articles) / min(s),
                    "articles_per_s_cold": len(articles) / cold[name],
                    "articles_per_cpu_s_median": len(articles) / statistics.median(cpu[name]),
                    "articles_per_cpu_s_best": len(articles) / min(cpu[name]),
                    "seconds": [round(x, 2) for x in s],
                    "cpu_seconds": [round(x, 2) for x in cpu[name]]} for name, s in timings.items()}
    result = {"articles": len(articles), "mean_chars": chars / len(articles), "reps": args.reps,
              "load_average": os.getloadavg(), "identity": identity, "speed": speed}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    show(result)


def show(result: dict) -> None:
    table = Table(title=f"spaCy alone, one core: {result['articles']} articles "
                        f"(~{result['mean_chars']:.0f} chars), {result['reps']} interleaved reps")
    for col in ("variant", "art/CPU-s median", "best", "art/wall-s median", "best", "cold (wall)", "CPU s"):
        table.add_column(col)
    for name, r in result["speed"].items():
        table.add_row(name, f"{r['articles_per_cpu_s_median']:.2f}", f"{r['articles_per_cpu_s_best']:.2f}",
                      f"{r['articles_per_s_median']:.2f}", f"{r['articles_per_s_best']:.2f}",
                      f"{r['articles_per_s_cold']:.2f}", str(r["cpu_seconds"]))
    console.print(table)
    console.print(result["identity"])


if __name__ == "__main__":
    main()
