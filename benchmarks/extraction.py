"""Article-extraction benchmark: rashomon against trafilatura, readability-lxml and jusText.

Data: /work/shared/bench/extraction (Zyte's article-extraction-benchmark subset: pages plus the
hand-written article bodies). Scoring: that benchmark's own `evaluate.py` (imported, unchanged):
precision/recall/F1 over 4-token shingles, averaged per page.

Two modes:
- html: each system gets the page's HTML.
- text: each page is rendered to its whole visible text (menus, footers and all, one block per
  line, blank lines between blocks — what a person gets by pasting the page); "keep-all-text" is
  that text as is, "rashomon" is `rashomon.clean.clean` on it as a pasted-text source.

Prints a table per mode and writes benchmarks/results/extraction.json.
Run: .venv/bin/python benchmarks/extraction.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
BENCH = HERE.parents[1] / "shared" / "bench" / "extraction"
RESULTS = HERE / "results" / "extraction.json"
WARMUP_PAGES = 3


def load_evaluate() -> ModuleType:
    """The benchmark's own scorer, so our numbers mean what its published ones mean."""
    spec = importlib.util.spec_from_file_location("extraction_evaluate", BENCH / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(limit: int | None) -> tuple[dict[str, str], dict[str, dict]]:
    """Decoded pages and ground truth, keyed by page hash. Decoding uses rashomon's HTML reader."""
    from rashomon.readers.common import decode_html

    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    pages = {}
    for key in keys:
        raw = gzip.decompress((BENCH / "html" / f"{key}.html.gz").read_bytes())
        pages[key] = decode_html(raw, key)
    return pages, {k: truth[k] for k in keys}


def run(fn: Callable[[str, str], str], inputs: dict[str, str], urls: dict[str, str]) -> tuple[dict[str, str], float]:
    """Predictions for every page and pages/s on one core (after a short untimed warm-up)."""
    for key in list(inputs)[:WARMUP_PAGES]:
        fn(inputs[key], urls[key])
    start = time.perf_counter()
    predictions = {key: fn(inputs[key], urls[key]) or "" for key in inputs}
    elapsed = time.perf_counter() - start
    return predictions, len(inputs) / elapsed


def score(evaluate: ModuleType, truth: dict[str, dict], predictions: dict[str, str]) -> dict[str, float]:
    tp_fp_fns = [evaluate.string_shingle_matching(true=truth[k].get("articleBody", ""), pred=predictions[k]) for k in truth]
    metrics = evaluate.metrics_from_tp_fp_fns(tp_fp_fns)
    return {name: round(metrics[name], 4) for name in ("f1", "precision", "recall")}


def table(title: str, results: dict[str, dict[str, float]]) -> Table:
    out = Table(title=title)
    for column in ("system", "F1", "precision", "recall", "pages/s"):
        out.add_column(column, justify="left" if column == "system" else "right")
    for name, r in sorted(results.items(), key=lambda item: -item[1]["f1"]):
        out.add_row(name, f"{r['f1']:.4f}", f"{r['precision']:.4f}", f"{r['recall']:.4f}", f"{r['pages_per_s']:.1f}")
    return out


def text_systems() -> dict[str, Callable[[str, str], str]]:
    from rashomon.clean import clean
    from rashomon.model import Source

    def rashomon_text(text: str, url: str) -> str:
        return clean(Source(path="bench", kind="text", content=text, raw_hash="0" * 64, origin="bench")).text

    return {"rashomon": rashomon_text, "keep-all-text": lambda text, url: text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages (quick check)")
    parser.add_argument("--only", help="comma-separated system names to run")
    args = parser.parse_args(argv)
    if not (BENCH / "ground-truth.json").exists():
        print(f"benchmark data not found at {BENCH}", file=sys.stderr)
        return 1

    from extraction_systems import HTML_SYSTEMS

    from rashomon.render import render_page_text

    evaluate = load_evaluate()
    pages, truth = load_pages(args.limit)
    urls = {k: truth[k].get("url", "") for k in truth}
    wanted = set(args.only.split(",")) if args.only else None
    console = Console()
    results: dict[str, dict[str, dict[str, float]]] = {"html": {}, "text": {}}

    for name, fn in HTML_SYSTEMS.items():
        if wanted and name not in wanted:
            continue
        predictions, speed = run(fn, pages, urls)
        results["html"][name] = {**score(evaluate, truth, predictions), "pages_per_s": round(speed, 1)}
    console.print(table(f"HTML mode ({len(pages)} pages)", results["html"]))

    rendered = {k: render_page_text(html) for k, html in pages.items()}
    for name, fn in text_systems().items():
        if wanted and name not in wanted:
            continue
        predictions, speed = run(fn, rendered, urls)
        results["text"][name] = {**score(evaluate, truth, predictions), "pages_per_s": round(speed, 1)}
    console.print(table(f"Text mode: pasted page text ({len(pages)} pages)", results["text"]))

    if not args.limit and not wanted:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        console.print(f"written {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
