"""Article-extraction benchmark: rashomon against trafilatura, readability-lxml and jusText.

Data: /work/shared/bench/extraction (Zyte's article-extraction-benchmark subset: pages plus the
hand-written article bodies). Scoring: that benchmark's own `evaluate.py` (imported, unchanged):
precision/recall/F1 over 4-token shingles, averaged per page.

Two modes:
- html: each system gets the page's HTML.
- text: each page is rendered to its whole visible text (menus, footers and all, one block per
  line, blank lines between blocks — what a person gets by pasting the page); "keep-all-text" is
  that text as is, "rashomon" is `rashomon.clean.clean_text` on it as a pasted-text source.

rashomon learned or tuned something on these very pages in both modes, so its reported scores
are out of fold (5 folds of pages, seeded), never in-sample:
- text: the line classifier is retrained for each fold on the other folds' pages
  (scripts/train_cleaner.py, decoding thresholds by inner cross-validation) and the held-out
  pages are cleaned with it, through the real `clean_text`; that run is also the timed one.
- html: the extractor's settings (`extract_html.Settings`: when to consult trafilatura's recall
  mode, which post-processing steps to apply) are chosen on the grid `SETTINGS_GRID` on the
  other folds' pages and the held-out pages are scored with the chosen settings; pages/s is the
  timed run of the shipped settings.
"rashomon-in-sample" (the shipped model / settings on all pages, which they were fitted on) is
printed beside it for reference only.

Prints a table per mode and writes benchmarks/results/extraction.json.
Run: .venv/bin/python benchmarks/extraction.py [--limit N]   (a few minutes: it retrains 5 folds)
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
sys.path.insert(0, str(HERE.parent / "scripts"))
BENCH = HERE.parents[1] / "shared" / "bench" / "extraction"
RESULTS = HERE / "results" / "extraction.json"
WARMUP_PAGES = 3
FOLDS = 5
SEED = 13


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


def page_folds(keys: list[str], k: int = FOLDS, seed: int = SEED) -> list[list[str]]:
    from train_cleaner import page_folds as folds

    return folds(keys, k, seed)


def html_out_of_fold(
    evaluate: ModuleType, pages: dict[str, str], truth: dict[str, dict], shipped: dict[str, str]
) -> tuple[dict[str, str], list[dict]]:
    """Held-out predictions of the HTML extractor with settings chosen on the other folds.

    trafilatura's two passes are run once per page; every setting on the grid is then applied to
    their output (`choose_body` + `tidy_body`, as `extract_html` does) and scored per page, and
    each fold takes the setting with the best F1 on the other folds' pages.
    """
    import itertools
    from dataclasses import asdict

    from trafilatura.core import load_html

    from rashomon import extract_html as ex
    from rashomon.model import Source
    from rashomon.render import html_blocks

    grid = [ex.Settings(**dict(zip(ex.SETTINGS_GRID, v))) for v in itertools.product(*ex.SETTINGS_GRID.values())]
    outputs: dict[ex.Settings, dict[str, str]] = {s: {} for s in grid}
    for key, html in pages.items():
        url = truth[key].get("url") or None
        tree = load_html(html)
        titles = [t for t in (ex._metadata(tree, url).get("title"), *ex.page_titles(tree)) if t]
        precise = ex.trafilatura_text(tree, url, favor_precision=True)
        recall = ex.trafilatura_text(tree, url, favor_recall=True)
        fallback: list[str] = []
        for settings in grid:
            paragraphs, _ = ex.tidy_body(ex.choose_body(precise, lambda: recall, settings), titles, settings)
            if not paragraphs:
                if not fallback:
                    source = Source(path="bench", kind="html", content=html, raw_hash="0" * 64, origin="bench")
                    fallback.append(ex.fallback_text(source, html_blocks(tree))[0])
                paragraphs = [p for p in fallback[0].split("\n\n") if p.strip()]
            outputs[settings][key] = "\n\n".join(paragraphs)
    # The replay must be the extractor: with the shipped settings it gives extract_html's text.
    differing = [k for k in pages if outputs[ex.SETTINGS][k] != shipped[k]]
    if differing:
        raise AssertionError(f"settings replay differs from extract_html on {len(differing)} pages, e.g. {differing[0]}")
    per_page = {
        s: {k: evaluate.string_shingle_matching(true=truth[k].get("articleBody", ""), pred=out[k]) for k in out}
        for s, out in outputs.items()
    }
    predictions: dict[str, str] = {}
    chosen = []
    for fold in page_folds(list(pages)):
        held = set(fold)
        train = [k for k in pages if k not in held]
        best = max(grid, key=lambda s: evaluate.metrics_from_tp_fp_fns([per_page[s][k] for k in train])["f1"])
        chosen.append(asdict(best))
        predictions.update({k: outputs[best][k] for k in fold})
    # What the same selection picks on all pages: the settings that should ship.
    on_all = max(grid, key=lambda s: evaluate.metrics_from_tp_fp_fns(list(per_page[s].values()))["f1"])
    chosen.append({"all pages": asdict(on_all), "shipped": asdict(ex.SETTINGS)})
    return predictions, chosen


def text_out_of_fold(rendered: dict[str, str], urls: dict[str, str]) -> tuple[dict[str, str], float, list[dict]]:
    """Held-out predictions of the text cleaner, each page cleaned by a model trained without its fold."""
    import train_cleaner

    from rashomon.clean import clean_text
    from rashomon.model import Source

    evaluate = train_cleaner.load_evaluate(BENCH)
    train_pages = [p for p in train_cleaner.load_pages(BENCH) if p.key in rendered]
    models = train_cleaner.out_of_fold_models(train_pages, evaluate, FOLDS, SEED)

    def clean(text: str, key: str) -> str:
        source = Source(path="bench", kind="text", content=text, raw_hash="0" * 64, origin="bench")
        return clean_text(source, model=models[key]).text

    predictions, speed = run(clean, rendered, {k: k for k in rendered})
    decodings = list({id(m): m.decoding.__dict__ for m in models.values()}.values())
    return predictions, speed, decodings


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

    return {"rashomon-in-sample": rashomon_text, "keep-all-text": lambda text, url: text}


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
        if name == "rashomon":
            results["html"]["rashomon-in-sample"] = results["html"].pop("rashomon")
            held_out, chosen = html_out_of_fold(evaluate, pages, truth, predictions)
            results["html"]["rashomon"] = {**score(evaluate, truth, held_out), "pages_per_s": round(speed, 1)}
            console.print(f"HTML settings chosen per fold: {chosen}")
    console.print(table(f"HTML mode ({len(pages)} pages; rashomon out of fold)", results["html"]))

    rendered = {k: render_page_text(html) for k, html in pages.items()}
    for name, fn in text_systems().items():
        if wanted and name not in wanted:
            continue
        predictions, speed = run(fn, rendered, urls)
        results["text"][name] = {**score(evaluate, truth, predictions), "pages_per_s": round(speed, 1)}
    if not wanted or "rashomon" in wanted:
        held_out, speed, decodings = text_out_of_fold(rendered, urls)
        results["text"]["rashomon"] = {**score(evaluate, truth, held_out), "pages_per_s": round(speed, 1)}
        console.print(f"text decoding chosen per fold: {decodings}")
    console.print(table(f"Text mode: pasted page text ({len(pages)} pages; rashomon out of fold)", results["text"]))

    if not args.limit and not wanted:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        console.print(f"written {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
