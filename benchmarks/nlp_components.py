"""Where spaCy's time goes, component by component, and the fastest pipeline that could follow.

Why this exists: the end-to-end target of 25 articles/s on 2 cores leaves 80 ms of CPU per
article for everything. This measures, in this process's CPU time (which other load on the
machine barely touches), what each spaCy component costs per article of the throughput corpus
(news of ~3.5-4k characters), running the components one after the other over the same batches
exactly as `nlp.pipe` does. From that it prints the ceiling in articles/s on `--cores` cores if
nothing but spaCy ran, for the pipeline as the product runs it and without the parser, the NER
or both: the bound no change to our own stages can lift.

Run: .venv/bin/python benchmarks/nlp_components.py [--size 1000] [--articles 200] [--cores 2]
Writes benchmarks/results/nlp_components.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "nlp_components.json"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
console = Console()


def component_cpu_seconds(model, texts: list[str], batch_size: int) -> tuple[dict[str, float], int]:
    """CPU seconds per component (tokenizer included) over `texts`, in pipeline order."""
    spent: dict[str, float] = defaultdict(float)
    tokens = 0
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        t = time.process_time()
        docs = [model.make_doc(text) for text in batch]
        spent["tokenizer"] += time.process_time() - t
        tokens += sum(len(d) for d in docs)
        for name, proc in model.pipeline:
            t = time.process_time()
            docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
            spent[name] += time.process_time() - t
    return dict(spent), tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=1000, help="throughput corpus to take articles from")
    ap.add_argument("--articles", type=int, default=200, help="articles to time (text articles only)")
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args()

    import throughput
    from rashomon import nlp

    corpus = throughput.build_corpus(args.size)
    texts = [t for t in throughput.clean_texts(corpus) if 3000 <= len(t) <= 5000][: args.articles]
    model = nlp.load()
    component_cpu_seconds(model, texts[:16], nlp.BATCH_SIZE)  # warm: memo table, caches
    spent, tokens = component_cpu_seconds(model, texts, nlp.BATCH_SIZE)
    n = len(texts)
    per_article = {name: 1000 * s / n for name, s in spent.items()}
    total = sum(per_article.values())
    ner_model = model.get_pipe("ner").model
    ner_own_tok2vec = ner_model.has_ref("tok2vec") and "listener" not in ner_model.get_ref("tok2vec").name

    def ceiling(without: set[str]) -> float:
        ms = sum(v for k, v in per_article.items() if k not in without)
        return args.cores * 1000 / ms

    ceilings = {
        "as run (all components)": ceiling(set()),
        "without parser": ceiling({"parser"}),
        "without ner": ceiling({"ner"}),
        "without parser and ner": ceiling({"parser", "ner"}),
    }
    result = {"articles": n, "mean_chars": sum(map(len, texts)) / n, "tokens_per_article": tokens / n,
              "cores": args.cores, "cpu_ms_per_article": {k: round(v, 2) for k, v in per_article.items()},
              "cpu_ms_per_article_total": round(total, 2), "ner_has_its_own_tok2vec": bool(ner_own_tok2vec),
              "ceiling_articles_per_s_spacy_only": {k: round(v, 2) for k, v in ceilings.items()}}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")

    table = Table(title=f"spaCy CPU per article: {n} articles, {result['mean_chars']:.0f} chars, "
                        f"{result['tokens_per_article']:.0f} tokens each")
    table.add_column("component")
    table.add_column("CPU ms/article", justify="right")
    table.add_column("share", justify="right")
    for name, ms in per_article.items():
        table.add_row(name, f"{ms:.1f}", f"{ms / total:.0%}")
    table.add_row("total", f"{total:.1f}", "100%")
    console.print(table)
    console.print(f"NER has its own tok2vec: {result['ner_has_its_own_tok2vec']}")
    ceil = Table(title=f"ceiling with nothing but spaCy on {args.cores} cores")
    ceil.add_column("pipeline")
    ceil.add_column("articles/s", justify="right")
    for k, v in ceilings.items():
        ceil.add_row(k, f"{v:.1f}")
    console.print(ceil)


if __name__ == "__main__":
    main()
