"""End-to-end throughput (issue 11): articles/s, MB/s and peak memory per stage and in total.

Corpus (built from the bench data, cached under ~/.cache/rashomon/throughput/<size>):
* HTML: the 131 real pages of the extraction benchmark, each once (the same bytes twice would be
  one document), so they are ~13% of a 1k corpus and ~1% of a 10k one;
* text: ECB+ news, joined to news length. Inside one *replica*, the documents of each ECB+
  subtopic (one real event) are shuffled (seeded per replica) and consecutive ones joined until
  the body reaches 3,000 characters (median article ~3.5k characters, like a wire report), under
  a headline (its first sentence) and a "Published <date>" line. Every replica is one news
  window of 130 days, later than the previous one: the same kinds of events recur as in a real
  feed over the years, each replica joins its documents differently, and windows are further
  apart than the clusterer's horizon (120 days), so story sizes do not grow with the corpus —
  which is what "per-article cost flat from 1k to 100k" has to mean for a real stream.
  File names sort in publish-date order, the order `rashomon.stream` expects.

Modes, each in a fresh process (so peak RSS is that mode's own), side by side:
* `1-worker`, `all-cores`, `dask-local` (LocalCluster, one worker per core): the full pipeline —
  read, clean/extract, spaCy, per-document layers on the workers, then streaming story
  clustering and the story-level layers on the main process (`rashomon.stream`);
* `spacy-only`: the spaCy pipeline alone over the same clean texts, one process, as the product
  runs it (`nlp.load()`: attribute ruler + lemmatizer memoised, identical output);
* `spacy-shipped`: the same with the pipeline exactly as shipped (`nlp.load_reference()`), to
  show what the memo saves;
* `trafilatura-only`: trafilatura's extraction alone over the corpus's HTML pages, one process.
articles/s and MB/s count all articles of the corpus (input bytes) over wall time. stage_seconds
sum each stage's wall time over all workers (so they can exceed the total on several workers).
peak_rss_mb is the main process plus every worker's peak. The pipeline modes also note, every
1,000 articles, the elapsed time and the main process's memory *now* (`per_1k`): the marginal
cost of an article and whether memory follows the open stories or the length of the stream.

The machine is shared (2 cores, other engineers running tests): wall times are noisy.
Run: .venv/bin/python benchmarks/throughput.py [--sizes 1000,10000] [--modes ...]
Quick: .venv/bin/python benchmarks/throughput.py --sizes 200
100k (hours; the other sizes already in the results file are kept):
    .venv/bin/python benchmarks/throughput.py --sizes 100000 --modes all-cores
Writes benchmarks/results/throughput.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "bench"
RESULTS = HERE / "results" / "throughput.json"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rashomon" / "throughput"
MODES = ("1-worker", "all-cores", "dask-local", "spacy-only", "spacy-shipped", "trafilatura-only")
BODY_CHARS = 3000
WINDOW_DAYS = 130  # > the clusterer's 120-day horizon: replicas never share a story
START = dt.date(1920, 1, 1)  # 100k articles need ~260 windows: ~93 years from here
console = Console()


# ---------------------------------------------------------------------------------------------
# corpus


def _ecb_articles(replica: int, docs: list[dict]) -> list[tuple[dt.date, str]]:
    rng = random.Random(replica)
    by_event: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_event[d["subtopic"]].append(d)
    window = START + dt.timedelta(days=WINDOW_DAYS * replica)
    out = []
    for n, event in enumerate(sorted(by_event)):
        members = list(by_event[event])
        rng.shuffle(members)
        day = window + dt.timedelta(days=(n * 7) % 90)  # events spread over the window
        body: list[str] = []
        for d in members:
            body.append(d["text"].strip())
            if sum(len(b) for b in body) >= BODY_CHARS:
                out.append(_article(day, body))
                body, day = [], day + dt.timedelta(days=rng.randint(0, 1))
        if body:
            out.append(_article(day, body))
    return out


def _article(day: dt.date, body: list[str]) -> tuple[dt.date, str]:
    text = "\n".join(body)
    title = text.split("\n", 1)[0][:100]
    return day, f"{title}\n\nPublished {day.strftime('%B')} {day.day}, {day.year}\n\n{text}\n"


def build_corpus(size: int) -> Path:
    """`size` articles on disk (HTML pages first-come, then ECB+ replicas), cached by size."""
    folder = CACHE / str(size)
    if (folder / "DONE").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    pages = sorted((SHARED / "extraction" / "html").glob("*.html.gz"))[: size // 4]
    for page in pages:  # named to sort after every dated text file: their dates are their own
        (folder / f"z-html-{page.name[:-3]}").write_bytes(gzip.decompress(page.read_bytes()))
    docs = json.loads((SHARED / "ecbplus" / "docs.json").read_text("utf-8"))
    written, replica = len(pages), 0
    while written < size:
        for day, text in _ecb_articles(replica, docs):
            if written >= size:
                break
            (folder / f"{day.isoformat()}-r{replica:04d}-{written:06d}.txt").write_text(text, "utf-8")
            written += 1
        replica += 1
    (folder / "DONE").write_text(str(size))
    return folder


# ---------------------------------------------------------------------------------------------
# one mode, in its own process


CHECKPOINT_ARTICLES = 1000  # a checkpoint per this many articles: is the marginal cost flat?


def current_rss_mb() -> float:
    """This process's resident memory now (Linux), not its peak: a leak shows as a rising line."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_pipeline(corpus: Path, workers: int, dask_local: bool) -> dict:
    """The full pipeline over `corpus`; every CHECKPOINT_ARTICLES articles, the elapsed time, the
    main process's memory now and the open stories are noted (and appended to a progress file
    beside the corpus, so a run of hours can be watched and a cut-short run still says something)."""
    from rashomon.parallel import peak_rss_mb
    from rashomon.pipeline import iter_layers
    from rashomon.stream import StoryStream

    stages: dict[str, float] = defaultdict(float)
    worker_peak: dict[int, float] = {}

    def on_batch(result) -> None:
        for stage, seconds in result.seconds.items():
            stages[stage] += seconds
        worker_peak[result.pid] = max(worker_peak.get(result.pid, 0.0), result.peak_rss_mb)

    errors: list = []
    stream = StoryStream()
    documents = stories = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    checkpoints: list[dict] = []
    progress_file = corpus.parent / f"progress-{corpus.name}-{'dask' if dask_local else workers}.jsonl"
    progress_file.write_text("")
    for layer in iter_layers([corpus], errors, None, workers, None, dask_local, on_batch):
        documents += 1
        t = time.perf_counter()
        stories += len(stream.add(layer))
        stages["story_layers"] += time.perf_counter() - t
        if documents % CHECKPOINT_ARTICLES == 0:
            point = {"articles": documents, "seconds": round(time.perf_counter() - start, 2),
                     "main_rss_mb": round(current_rss_mb(), 1), "open_stories": len(stream.open),
                     "open_articles": sum(len(v) for v in stream.open.values()),
                     "workers_peak_mb": round(max(worker_peak.values(), default=0.0), 1)}
            checkpoints.append(point)
            with progress_file.open("a") as out:
                out.write(json.dumps(point) + "\n")
    t = time.perf_counter()
    stories += len(stream.close())
    stages["story_layers"] += time.perf_counter() - t
    total = time.perf_counter() - start
    main = peak_rss_mb()
    in_process = workers <= 1 and not dask_local
    cpu = time.process_time() - start_cpu if in_process else None  # the whole work only when in-process
    peaks = {"main": main, "workers_max": max(worker_peak.values(), default=0.0)}
    peak = main if in_process else main + sum(worker_peak.values())
    return {"seconds": total, "cpu_seconds": cpu, "documents": documents, "stories": stories, "errors": len(errors),
            "stage_seconds": dict(stages), "peak_rss_mb": peak, "peak_rss_mb_by_process": peaks,
            "checkpoints": checkpoints}


def clean_texts(corpus: Path) -> list[str]:
    from rashomon import ingest
    from rashomon.pipeline import clean_sources

    files, _ = ingest.expand([corpus])
    return [d.text for d in clean_sources(files, [])]


def run_spacy(corpus: Path, shipped: bool = False) -> dict:
    from rashomon import nlp
    from rashomon.parallel import peak_rss_mb

    texts = clean_texts(corpus)  # not timed: the texts the pipeline parses
    model = nlp.load_reference() if shipped else nlp.load()
    start, start_cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in model.pipe(texts, batch_size=nlp.BATCH_SIZE))
    total = time.perf_counter() - start
    return {"seconds": total, "cpu_seconds": time.process_time() - start_cpu, "documents": len(texts),
            "tokens": tokens, "stage_seconds": {"nlp": total}, "peak_rss_mb": peak_rss_mb()}


def run_trafilatura(corpus: Path) -> dict:
    import trafilatura

    from rashomon.parallel import peak_rss_mb
    from rashomon.readers.common import decode_html

    pages = sorted(corpus.glob("z-html-*"))
    html = [decode_html(p.read_bytes(), str(p)) for p in pages]
    start = time.perf_counter()
    for page in html:
        trafilatura.extract(page, include_comments=False)
    total = time.perf_counter() - start
    return {"seconds": total, "documents": len(pages), "stage_seconds": {"extract": total},
            "peak_rss_mb": peak_rss_mb()}


def run_mode(mode: str, corpus: Path, cores: int) -> dict:
    if mode == "1-worker":
        return run_pipeline(corpus, 1, False)
    if mode == "all-cores":
        return run_pipeline(corpus, cores, False)
    if mode == "dask-local":
        return run_pipeline(corpus, cores, True)
    if mode == "spacy-only":
        return run_spacy(corpus)
    if mode == "spacy-shipped":
        return run_spacy(corpus, shipped=True)
    return run_trafilatura(corpus)


# ---------------------------------------------------------------------------------------------
# orchestration


def measure(mode: str, corpus: Path, cores: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", mode, "--corpus", str(corpus), "--cores", str(cores)],
                          capture_output=True, text=True, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def summarise(raw: dict, articles: int, megabytes: float) -> dict:
    seconds = raw["seconds"]
    return {
        "articles_per_s": articles / seconds if seconds else 0.0,
        "mb_per_s": megabytes / seconds if seconds else 0.0,
        "peak_rss_mb": raw["peak_rss_mb"],
        "stage_seconds": {k: round(v, 3) for k, v in raw["stage_seconds"].items()},
        "seconds": round(seconds, 3),
        "ms_per_article": 1000 * seconds / articles if articles else 0.0,
        # CPU time of the main process: the whole work for 1-worker and spacy-only, less noisy than wall time
        **({"articles_per_cpu_s": articles / raw["cpu_seconds"]} if raw.get("cpu_seconds") else {}),
        **{k: raw[k] for k in ("documents", "stories", "errors", "peak_rss_mb_by_process", "tokens") if k in raw},
        **({"per_1k": per_thousand(raw["checkpoints"])} if raw.get("checkpoints") else {}),
    }


def per_thousand(checkpoints: list[dict]) -> dict:
    """The marginal cost of each window of articles (ms per article) and the main process's memory
    at its end: flat lines mean the cost of an article does not depend on how many came before."""
    out, previous = [], {"articles": 0, "seconds": 0.0}
    for point in checkpoints:
        n = point["articles"] - previous["articles"]
        out.append({"upto": point["articles"], "ms_per_article": round(1000 * (point["seconds"] - previous["seconds"]) / n, 1),
                    "main_rss_mb": point["main_rss_mb"], "open_stories": point["open_stories"]})
        previous = point
    costs = sorted(w["ms_per_article"] for w in out[1:]) or [w["ms_per_article"] for w in out]
    return {"windows": out, "median_ms_per_article": costs[len(costs) // 2],
            "main_rss_mb_first": out[0]["main_rss_mb"], "main_rss_mb_last": out[-1]["main_rss_mb"],
            "main_rss_mb_max": max(w["main_rss_mb"] for w in out)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes, e.g. 200 (quick), 1000,10000,100000")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--cores", type=int, default=0, help="workers for all-cores and dask-local (0: all cores)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    args = ap.parse_args()
    from rashomon.parallel import default_workers

    cores = args.cores or default_workers()
    if args.one:
        print(json.dumps(run_mode(args.one, Path(args.corpus), cores)))
        return
    # sizes measured in earlier runs stay in the file (a 100k run takes hours; it is run alone)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results: dict = {"cores": cores, "load_average_at_start": os.getloadavg(), "sizes": previous.get("sizes", {})}
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = build_corpus(size)
        files = [f for f in corpus.iterdir() if f.name != "DONE"]
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        html = sum(1 for f in files if f.name.startswith("z-html-"))
        entry: dict = {"articles": len(files), "html_pages": html, "text_articles": len(files) - html,
                       "megabytes": round(megabytes, 3), "modes": {}}
        for mode in args.modes.split(","):
            console.print(f"[bold]{size}[/] {mode} ...")
            raw = measure(mode, corpus, cores)
            if mode == "trafilatura-only":  # extraction is the HTML share of the corpus's work
                entry["modes"][mode] = summarise(raw, html, sum(f.stat().st_size for f in files
                                                                if f.name.startswith("z-html-")) / 1e6)
            else:
                entry["modes"][mode] = summarise(raw, raw.get("documents", len(files)) if mode.startswith("spacy")
                                                 else len(files), megabytes)
        _derived(entry)
        results["sizes"][str(size)] = entry
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    results["load_average_at_end"] = os.getloadavg()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    show(results)


def _derived(entry: dict) -> None:
    """Speed-ups, Dask vs pool, and the share of time our own stages add beyond spaCy + trafilatura."""
    modes = entry["modes"]
    out = {}
    if "1-worker" in modes and "all-cores" in modes:
        out["speedup_all_cores"] = modes["all-cores"]["articles_per_s"] / modes["1-worker"]["articles_per_s"]
    if "all-cores" in modes and "dask-local" in modes:
        out["dask_vs_pool"] = modes["dask-local"]["articles_per_s"] / modes["all-cores"]["articles_per_s"]
    if {"spacy-only", "spacy-shipped"} <= set(modes):  # same process kind, run one after the other: noisy
        out["spacy_memo_speedup"] = modes["spacy-only"]["articles_per_s"] / modes["spacy-shipped"]["articles_per_s"]
    if {"1-worker", "spacy-only", "trafilatura-only"} <= set(modes):
        total = modes["1-worker"]["seconds"]
        floor = modes["spacy-only"]["seconds"] + modes["trafilatura-only"]["seconds"]
        out["own_share_1_worker"] = max(0.0, (total - floor) / total)
        stages = modes["1-worker"]["stage_seconds"]
        out["own_stage_seconds_1_worker"] = {k: v for k, v in stages.items() if k in ("document_layers", "story_layers")}
    entry["derived"] = out


def show(results: dict) -> None:
    for size, entry in results["sizes"].items():
        table = Table(title=f"throughput: {entry['articles']} articles ({entry['html_pages']} HTML, "
                            f"{entry['megabytes']:.1f} MB), {results['cores']} cores")
        for col in ("mode", "articles/s", "MB/s", "ms/article", "peak RSS MB", "stage seconds"):
            table.add_column(col)
        for mode, r in entry["modes"].items():
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stage_seconds"].items())
            table.add_row(mode, f"{r['articles_per_s']:.2f}", f"{r['mb_per_s']:.3f}", f"{r['ms_per_article']:.0f}",
                          f"{r['peak_rss_mb']:.0f}", stages)
        console.print(table)
        console.print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in entry["derived"].items()})
        for mode, r in entry["modes"].items():
            if "per_1k" in r:
                f = r["per_1k"]
                console.print(f"{mode}: per {CHECKPOINT_ARTICLES} articles, median {f['median_ms_per_article']} ms/article; "
                              f"main process {f['main_rss_mb_first']:.0f} MB after the first window, "
                              f"{f['main_rss_mb_last']:.0f} MB at the end, {f['main_rss_mb_max']:.0f} MB at most")


if __name__ == "__main__":
    main()
