"""Clustering variants measured against the shipped `StoryClusterer` (issue 5), kept so every
number in benchmarks/clustering.py's "measured and dropped" list can be re-run.

Same protocol as benchmarks/clustering.py: 5 leave-topics-out folds, the fold's logistic
weights and join threshold from `train_cluster.cross_validate`, every knob a variant adds chosen
per fold on the *training* topics only (BCubed F1 sweep over TUNE_SEEDS orders; model weights
from TRAIN_SEEDS orders), the whole stream clustered in stream orders 7-11 and the held-out
topics scored out-of-fold. Printed: mean ± sd of BCubed F1 over the 5 orders.

Variants (`python benchmarks/clustering_variants.py NAME ...`; no name: list them; `all`: every
one, about 35 minutes on 2 shared cores):

* shipped      — the product as is, second thoughts included (0.938 ± 0.003).
* join_only    — the product without them: every join decision final (0.910 ± 0.016).
* oracle       — headroom of story merging: after the stream, merge every pair of stories whose
                 majority gold subtopic is the same (uses gold labels; an upper bound only).
* bridge       — story merging through the joining article: after an article joins story A,
                 merge A with each of its other top-3 candidates B whose join probability for the
                 article is >= tau (tau per fold on training topics; "never" is on the grid).
* bridge_joint — the same with the join threshold and tau swept jointly (merging adds recall, so
                 a stricter join threshold might buy back precision).
* centroid     — story-to-story merging with the join model: A's centroid (normalised sums, mean
                 embedding, years, latest date) scored against B as if it were an article;
                 merge when P >= tau (tau per fold).
* both         — merge only when both the bridge and the centroid rule agree (tau1, tau2 per fold).
* (merge_model — a logistic merge model on story-pair features, 0.909 ± 0.017: removed when
                 merging went into the product, whose merge hook does not see the article's
                 probability for its own story; see git history before this note.)
* hgb          — HistGradientBoostingClassifier instead of the logistic for the join decision,
                 on the same 16 features and replayed pairs; threshold swept per fold.
* margin       — a relative feature: the candidate's base probability minus the best other
                 candidate's (and the base probability itself) added to the logistic's 16
                 features; weights and threshold refitted per fold.
* signature    — who did what to whom in the lead: per lead sentence (the embedding's lead,
                 `embed.lead_sentences`) the root verb lemma(s) from the spaCy parse and their
                 subject and object heads (entity keys for named entities, else lemmas); a story
                 keeps counts. Added to the 16: share of the article's lead verbs / subjects /
                 objects found in the story's; subject conflict (the article's named subjects are
                 all absent from the story's, whose dominant named subject has the same type);
                 verb conflict (none of the article's lead verbs is a story lead verb, yet one
                 of them is among the story's body verbs: its lead action is the story's
                 background, fired vs hired). Weights and threshold refitted per fold.
* signature_min — the same with only the two shares and the subject conflict.
* signature_seed — the full signature, but a story's counts are those of its first 3 members
                 only (its founding leads): a wrong early join mixes both events' subjects into
                 the counts and silences the conflict; the founders' do not drift.

Story splitting (`SplittingClusterer`, on the product's own split bookkeeping): when a story's
size reaches one of SPLIT_AT = 4, 6, 8, 12, 16, 24, 32, 48, 64 (or passes one), a splitter
proposes two parts of its members (both must have >= 2 members) and a rule decides; on a split
the part holding the founding member keeps the story id, the other becomes a new story, both
centroids are rebuilt from their members' vectors, the index is rebuilt for both, and the stream
goes on. The merge variants above likewise replace only the product's merge decision.

* split_oracle — headroom: after the stream, every story split by gold subtopic (every part).
* split_oracle2 — the same, but only gold parts of >= 2 members leave (what a rule may do).
* split_merge_oracle — split_oracle2, then the merge oracle (split_oracle + merge oracle would
                 be the gold clustering itself).
* split_stream_oracle — during the stream, at SPLIT_AT sizes: majority gold subtopic vs the
                 rest when both have >= 2 (the headroom of the split mechanism itself).
* split        — average-link 2-way split over the mean of the lead-embedding, entity and lemma
                 cosines between members; split when the join model scores each part's centroid
                 (as an article) against the other part below tau in both directions.
* split_cross  — the same split; split when the mean cross-part member cosine is < tau.
* split_ratio  — the same split; split when cross-part < tau x mean within-part cosine.
* split_pair   — average-link 2-way split over the join model's pairwise member probabilities
                 (P(member i joins a story of member j alone), symmetrised: the model's own
                 "same event", years, dates, numbers and main entity included); split when the
                 mean cross-part probability is < tau.
* split_pair_ratio — the same split; split when the mean cross-part probability is < tau x the
                 looser part's mean within-part probability (clearly bimodal, not just loose):
                 the product's split (rashomon.regroup), run here without merging.
* split_merge  — split with the 'both' merge rule (split tau and merge taus swept jointly).
* split_pair_merge — split_pair_ratio with the 'both' merge rule, swept jointly: what the
                 product now ships (scripts/train_cluster.py fits the same grid).
* defer_split  — the product, but a story that merged during an article's add is not checked
                 for a split in that same add (27% of merges were undone at once by a split).
Every tau per fold on training topics; "never split" is on every grid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Callable

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from bcubed import bcubed  # noqa: E402
from clustering import STREAM_SEEDS, out_of_fold  # noqa: E402
from ecbplus import load_docs, load_items, stream  # noqa: E402
from train_cluster import FEATURES, REGROUP_GRID, THRESHOLDS, TRAIN_SEEDS, TUNE_SEEDS, cross_validate, memoise_vectors  # noqa: E402

from rashomon import embed, regroup  # noqa: E402
from rashomon.cluster import ENTITY_LABELS, normalise_entity, person_key, ClusterItem, ClusterParams, StoryClusterer, _event_date, _Story, features, vectors  # noqa: E402

NEVER = 9.0  # a merge threshold no probability reaches: "do not merge" is always on the grid
console = Console()


# -- merging clusterer -----------------------------------------------------------------------

MergeRule = Callable[["MergingClusterer", _Story, _Story, float], bool]


class MergingClusterer(StoryClusterer):
    """The product's clusterer with its merge decision (`_one_event`) replaced by `rule(self, A,
    B, p_B)`: after an article joins story A, each of its other top-`top_m` candidates B (p_B:
    the article's probability for B) is offered, and merged with A when the rule says so. The
    product's split check is off here unless a subclass turns it on."""

    def __init__(self, params: ClusterParams, rule: MergeRule | None = None, top_m: int = 3) -> None:
        super().__init__(dataclasses.replace(params, merge_candidates=top_m, split_tau=None))
        self.rule = rule

    def _one_event(self, story: _Story, other: _Story, p: float) -> bool:
        return self.rule is not None and self.rule(self, story, other, p)


def centroid_features(a: _Story, b: _Story) -> dict[str, float]:
    """The join features of story A's centroid, read as an article, against story B."""
    date = dt.date.fromisoformat(a.dates[1]) if a.dates else None
    return features(b, a.as_article(), date)[0]


# -- the protocol ------------------------------------------------------------------------------


class Bench:
    def __init__(self) -> None:
        memoise_vectors()
        docs = load_docs()
        self.gold = {d["doc_id"]: d["subtopic"] for d in docs}
        self.topic = {d["doc_id"]: d["topic"] for d in docs}
        self.items = load_items(docs)
        self.folds = cross_validate(self.items, self.gold, self.topic)
        self.chosen: list = []

    def train_items(self, held: set[str]) -> list[ClusterItem]:
        return [i for i in self.items if self.topic[i.doc_id] not in held]

    def tune_f1(self, run: Callable[[list[ClusterItem]], list[list[str]]], train: list[ClusterItem]) -> float:
        return statistics.mean(bcubed(run(stream(train, s)), self.gold)[2] for s in TUNE_SEEDS)

    def evaluate(self, run_for_fold: Callable[[set[str], ClusterParams], Callable[[list[ClusterItem]], list[list[str]]]]) -> dict:
        """run_for_fold(held, fold params) -> (order -> clusters), fitted on training topics only."""
        runs = [(held, run_for_fold(held, params)) for held, params in self.folds]
        per_seed = []
        for seed in STREAM_SEEDS:
            order = stream(self.items, seed)
            per_seed.append(out_of_fold([(held, run(order)) for held, run in runs], self.gold, self.topic))
        out = {k: statistics.mean(s[k] for s in per_seed) for k in ("bcubed_p", "bcubed_r", "bcubed_f1")}
        out["sd"] = statistics.stdev(s["bcubed_f1"] for s in per_seed)
        return out


Run = Callable[[list[ClusterItem]], list[list[str]]]


def streamed(make: Callable[[], StoryClusterer]) -> Run:
    """A run: a fresh clusterer from `make` takes the stream order one article at a time."""
    def run(order: list[ClusterItem]) -> list[list[str]]:
        c = make()
        for item in order:
            c.add(item)
        return c.stories()
    return run


def cluster_with(params: ClusterParams, rule: MergeRule | None = None) -> Run:
    return streamed(lambda: MergingClusterer(params, rule))


def swept(bench: Bench, held: set[str], candidates: dict) -> Callable:
    """The candidate run with the best training F1 (TUNE_SEEDS orders on training topics)."""
    train = bench.train_items(held)
    key = max(candidates, key=lambda k: bench.tune_f1(candidates[k], train))
    bench.chosen.append(key)  # printed per variant: the knob each fold chose
    return candidates[key]


# -- variants --------------------------------------------------------------------------------


def v_shipped(bench: Bench) -> dict:
    """The product as fitted per fold, second thoughts included (= split_pair_merge)."""
    return bench.evaluate(lambda held, params: streamed(lambda: StoryClusterer(params)))


def v_join_only(bench: Bench) -> dict:
    """The product without second thoughts: each article's join decision is final."""
    return bench.evaluate(lambda held, params: cluster_with(params))


def v_oracle(bench: Bench) -> dict:
    def run_for(held, params):
        base = cluster_with(params)

        def run(order):
            merged: dict[str, list[str]] = {}
            for c in base(order):
                merged.setdefault(Counter(bench.gold[d] for d in c).most_common(1)[0][0], []).extend(c)
            return list(merged.values())
        return run
    return bench.evaluate(run_for)


def bridge(tau: float) -> MergeRule:
    return lambda s, a, b, p_b: p_b >= tau


def centroid(tau: float) -> MergeRule:
    return lambda s, a, b, p_b: s.probability(centroid_features(a, b)) >= tau


def both(bridge_tau: float, centroid_tau: float) -> MergeRule:
    """Merge only when the bridge and the centroid rules agree (the product's rule)."""
    def rule(s: MergingClusterer, a: _Story, b: _Story, p_b: float) -> bool:
        return bridge(bridge_tau)(s, a, b, p_b) and centroid(centroid_tau)(s, a, b, p_b)
    return rule


def v_bridge(bench: Bench) -> dict:
    taus = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, NEVER)
    return bench.evaluate(lambda held, params: swept(bench, held, {t: cluster_with(params, bridge(t)) for t in taus}))


def v_bridge_joint(bench: Bench) -> dict:
    grid = [(thr, tau) for thr in (0.2, 0.3, 0.4, 0.5, 0.6) for tau in (0.8, 0.9, 0.95, NEVER)]
    return bench.evaluate(lambda held, params: swept(
        bench, held, {g: cluster_with(dataclasses.replace(params, threshold=g[0]), bridge(g[1])) for g in grid}))


def v_centroid(bench: Bench) -> dict:
    taus = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, NEVER)
    return bench.evaluate(lambda held, params: swept(bench, held, {t: cluster_with(params, centroid(t)) for t in taus}))


def v_both(bench: Bench) -> dict:
    grid = [(t1, t2) for t1 in (0.5, 0.7, 0.9) for t2 in (0.7, 0.9, 0.95)] + [(NEVER, NEVER)]

    return bench.evaluate(lambda held, params: swept(bench, held, {g: cluster_with(params, both(*g)) for g in grid}))


class ModelClusterer(StoryClusterer):
    """The join decision by any sklearn classifier over the candidate feature rows."""

    def __init__(self, params: ClusterParams, model, rows: Callable, threshold: float) -> None:
        super().__init__(params)
        self.model, self.rows, self.thr = model, rows, threshold

    def add(self, item: ClusterItem) -> str:
        vecs = vectors(item, self.params)
        date = _event_date(item)
        cands = self._candidates(vecs, item.published)
        best, dots = None, {}
        if cands:
            fd = [features(s, vecs, date) for s in cands]
            p = self.model.predict_proba(self.rows(self.params, [f for f, _ in fd]))[:, 1]
            i = int(np.argmax(p))
            if p[i] >= self.thr:
                best, dots = cands[i], fd[i][1]
        if best is None:
            best = self._open(None)
        self._join(best, item, vecs, dots)
        return best.id


def plain_rows(params: ClusterParams, feats: list[dict]) -> np.ndarray:
    return np.array([[f[k] for k in FEATURES] for f in feats])


def margin_rows(params: ClusterParams, feats: list[dict]) -> np.ndarray:
    """The 16 features plus the base probability and its margin over the best other candidate."""
    F = plain_rows(params, feats)
    w = np.array([params.weights[f] for f in FEATURES])
    p = 1 / (1 + np.exp(-np.clip(F @ w + params.bias, -50, 50)))
    top2 = np.sort(p)[::-1][:2]
    other = np.zeros(1) if len(p) == 1 else np.where(p >= top2[0], top2[1], top2[0])
    return np.column_stack([F, p - other, p])


def model_variant(bench: Bench, make_model: Callable, rows: Callable) -> dict:
    def run_for(held, params):
        train = bench.train_items(held)
        X, y = [], []
        for seed in TRAIN_SEEDS:  # replayed gold stories, exactly as train_cluster.fit_weights
            c = StoryClusterer(params)
            for item in stream(train, seed):
                cf = c.candidate_features(item)
                if cf:
                    X.extend(rows(params, [f for _, f in cf]))
                    y.extend(int(sid == bench.gold[item.doc_id]) for sid, _ in cf)
                c.force(item, bench.gold[item.doc_id])
        model = make_model().fit(np.array(X), np.array(y))

        return swept(bench, held, {t: streamed(lambda t=t: ModelClusterer(params, model, rows, t)) for t in THRESHOLDS})
    return bench.evaluate(run_for)


def v_hgb(bench: Bench) -> dict:
    return model_variant(bench, lambda: HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0), plain_rows)


def v_margin(bench: Bench) -> dict:
    return model_variant(bench, lambda: LogisticRegression(C=10.0, max_iter=5000), margin_rows)


# -- lead signature ---------------------------------------------------------------------------

SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "agent"})
OBJ_DEPS = frozenset({"dobj", "obj", "dative", "pobj"})
LINK_DEPS = frozenset({"compound", "appos", "flat", "poss"})  # "coach Maurice Cheeks": Cheeks
# Reporting and auxiliary verbs: every lead has them, they say nothing about what happened.
LIGHT_VERBS = frozenset({"be", "have", "do", "say", "tell", "report", "accord"})


@dataclasses.dataclass
class Signature:
    """Who did what to whom in an article's lead."""

    verbs: list[str]
    subjects: list[tuple[str, str]]  # (key, entity label or "")
    objects: list[tuple[str, str]]


def _lead_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for sentence in embed.lead_sentences(text):
        start = text.find(sentence, pos)
        if start < 0:
            continue
        spans.append((start, start + len(sentence)))
        pos = start + len(sentence)
    return spans


def _arg_key(tok, ent_of: dict) -> tuple[str, str]:
    for t in (tok, *[c for c in tok.children if c.dep_ in LINK_DEPS]):
        ent = ent_of.get(t.i)
        if ent is not None:
            key = normalise_entity(ent.text)
            return (person_key(key) if ent.label_ == "PERSON" else key), ent.label_
    return tok.lemma_.lower(), ""


def signature(text: str, doc) -> Signature:
    ent_of = {i: e for e in doc.ents if e.label_ in ENTITY_LABELS for i in range(e.start, e.end)}
    verbs, subjects, objects = [], [], []
    for a, b in _lead_spans(text):
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None:
            continue
        roots = [t for t in span if t.head.i == t.i or not (span.start <= t.head.i < span.end)]
        for root in roots:
            preds = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
            for pred in preds:
                if pred.pos_ in ("VERB", "AUX") and pred.lemma_.lower() not in LIGHT_VERBS:
                    verbs.append(pred.lemma_.lower())
                # a reporting verb's content is its complement clause: "X said the Angels offered"
                heads = [pred] + [c for c in pred.children if c.dep_ in ("ccomp", "xcomp")]
                for h in heads:
                    if h is not pred and h.pos_ in ("VERB", "AUX") and h.lemma_.lower() not in LIGHT_VERBS:
                        verbs.append(h.lemma_.lower())
                    for c in h.children:
                        if c.dep_ in SUBJ_DEPS and c.pos_ != "PRON":
                            subjects.append(_arg_key(c, ent_of))
                        elif c.dep_ in ("dobj", "obj", "dative"):
                            objects.append(_arg_key(c, ent_of))
    return Signature(verbs, subjects, objects)


SIG_ALL = ["sig_verb_share", "sig_subj_share", "sig_obj_share", "sig_subj_conflict", "sig_verb_conflict"]
SIG_MIN = ["sig_verb_share", "sig_subj_share", "sig_subj_conflict"]


class SigClusterer(StoryClusterer):
    """The shipped clusterer whose stories also count their members' lead signatures, and whose
    logistic also sees signature features (weights for them in `params.weights`)."""

    def __init__(self, params: ClusterParams, sigs: dict[str, Signature], names: list[str],
                 founders: int | None = None) -> None:
        super().__init__(params)
        self.sigs, self.names, self.founders = sigs, names, founders
        self.counts: dict[str, dict[str, Counter]] = {}

    def _join(self, story, item, vecs, dots) -> None:
        super()._join(story, item, vecs, dots)
        if self.founders is not None and len(story.docs) > self.founders:
            return
        c = self.counts.setdefault(story.id, {"verb": Counter(), "subj": Counter(), "obj": Counter()})
        sig = self.sigs[item.doc_id]
        c["verb"].update(sig.verbs)
        c["subj"].update(sig.subjects)
        c["obj"].update(sig.objects)

    def sig_features(self, story: _Story, item: ClusterItem) -> dict[str, float]:
        sig = self.sigs[item.doc_id]
        c = self.counts.get(story.id) or {"verb": Counter(), "subj": Counter(), "obj": Counter()}

        def share(mine: list, theirs: Counter, key=lambda x: x) -> float:
            if not mine:
                return 0.0
            have = {key(x) for x in theirs}
            return sum(1 for x in mine if key(x) in have) / len(mine)
        f = {
            "sig_verb_share": share(sig.verbs, c["verb"]),
            "sig_subj_share": share(sig.subjects, c["subj"], key=lambda x: x[0]),
            "sig_obj_share": share(sig.objects, c["obj"], key=lambda x: x[0]),
        }
        named = [s for s in sig.subjects if s[1]]
        story_named = Counter({s: n for s, n in c["subj"].items() if s[1]})
        conflict = 0.0
        if named and story_named:
            (dom_key, dom_label), _ = story_named.most_common(1)[0]
            story_keys = {k for k, _ in c["subj"]}
            if named[0][1] == dom_label and not any(k in story_keys for k, _ in named):
                conflict = 1.0
        f["sig_subj_conflict"] = conflict
        body = story.sums.get("verb", {})
        f["sig_verb_conflict"] = 1.0 if (sig.verbs and c["verb"] and not any(v in c["verb"] for v in sig.verbs)
                                         and any(v in body for v in sig.verbs)) else 0.0
        return {k: f[k] for k in self.names}

    def candidate_features(self, item: ClusterItem) -> list[tuple[str, dict[str, float]]]:
        vecs = vectors(item, self.params)
        date = _event_date(item)
        out = []
        for s in self._candidates(vecs, item.published):
            feats = features(s, vecs, date)[0]
            feats.update(self.sig_features(s, item))
            out.append((s.id, feats))
        return out

    def add(self, item: ClusterItem) -> str:
        vecs = vectors(item, self.params)
        date = _event_date(item)
        best, best_p, best_dots = None, -1.0, {}
        for story in self._candidates(vecs, item.published):
            feats, dots = features(story, vecs, date)
            feats.update(self.sig_features(story, item))
            p = self.probability(feats, self._decay(story, item.published))
            if p > best_p:
                best, best_p, best_dots = story, p, dots
        if best is None or best_p < self.params.threshold:
            best, best_dots = self._open(None), {}
        self._join(best, item, vecs, best_dots)
        return best.id


def signature_variant(bench: Bench, names: list[str], founders: int | None = None) -> dict:
    """Exactly train_cluster.fit with the extra features: logistic (C=10) on replayed gold
    stories (TRAIN_SEEDS), then the threshold by a BCubed F1 sweep (TUNE_SEEDS), per fold."""
    if not hasattr(bench, "sigs"):
        from ecbplus import parsed_docs
        parsed = parsed_docs()
        bench.sigs = {i.doc_id: signature(i.text, parsed[i.doc_id]) for i in bench.items}
    sigs, cols = bench.sigs, FEATURES + names

    def run_for(held, params):
        train = bench.train_items(held)
        X, y = [], []
        for seed in TRAIN_SEEDS:
            c = SigClusterer(params, sigs, names, founders)
            for item in stream(train, seed):
                for sid, f in c.candidate_features(item):
                    X.append([f[k] for k in cols])
                    y.append(int(sid == bench.gold[item.doc_id]))
                c.force(item, bench.gold[item.doc_id])
        model = LogisticRegression(C=10.0, max_iter=2000).fit(np.array(X), np.array(y))
        fitted = dataclasses.replace(params, weights={k: float(w) for k, w in zip(cols, model.coef_[0])},
                                     bias=float(model.intercept_[0]))

        return swept(bench, held, {t: streamed(lambda t=t: SigClusterer(dataclasses.replace(fitted, threshold=t), sigs, names,
                                                                       founders)) for t in THRESHOLDS})
    return bench.evaluate(run_for)


def v_signature(bench: Bench) -> dict:
    return signature_variant(bench, SIG_ALL)


def v_signature_min(bench: Bench) -> dict:
    return signature_variant(bench, SIG_MIN)


def v_signature_seed(bench: Bench) -> dict:
    return signature_variant(bench, SIG_ALL, founders=3)



# -- story splitting ---------------------------------------------------------------------------

SPLIT_AT = (4, 6, 8, 12, 16, 24, 32, 48, 64)  # story sizes at which a 2-way split is tried
Items = dict[str, ClusterItem]
SplitRule = Callable[["SplittingClusterer", list[str], list[str], Items], bool]
Splitter = Callable[["SplittingClusterer", list[str], Items], "tuple[list[str], list[str]] | None"]


def _sparse_cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)  # both unit vectors (or empty)


def member_similarity(vecs: list[dict]) -> np.ndarray:
    """Pairwise member similarity: the mean of the lead-embedding, entity and lemma cosines
    (the spaces the clusterer compares an article to a story in)."""
    n = len(vecs)
    S = np.eye(n)
    embs = [v["emb"] for v in vecs]
    for i in range(n):
        for j in range(i + 1, n):
            e = float(embs[i] @ embs[j]) if embs[i].size and embs[i].shape == embs[j].shape else 0.0
            s = (e + _sparse_cos(vecs[i]["ent"], vecs[j]["ent"]) + _sparse_cos(vecs[i]["lem"], vecs[j]["lem"])) / 3
            S[i, j] = S[j, i] = s
    return S


def _parts(docs: list[str], first: np.ndarray | None) -> tuple[list[str], list[str]] | None:
    if first is None:
        return None
    return [d for d, f in zip(docs, first) if f], [d for d, f in zip(docs, first) if not f]


def _similarity(c: "SplittingClusterer", docs: list[str], items: Items) -> np.ndarray:
    return member_similarity([c._member_vectors(d, items[d]) for d in docs])


def average_link_split(c: "SplittingClusterer", docs: list[str], items: Items) -> tuple[list[str], list[str]] | None:
    """The top merge of an average-link dendrogram over 1 - member cosine similarity."""
    return _parts(docs, regroup.two_groups(_similarity(c, docs, items)))


def pair_link_split(c: "SplittingClusterer", docs: list[str], items: Items) -> tuple[list[str], list[str]] | None:
    """The top merge of an average-link dendrogram over 1 - the join model's pair probability
    (the product's proposal)."""
    return _parts(docs, regroup.two_groups(c._pair_matrix(docs, items)))


def gold_split(gold: dict[str, str]) -> Splitter:
    """Oracle splitter: the story's majority gold subtopic against the rest (both >= 2)."""
    def split(c: "SplittingClusterer", docs: list[str], items: Items) -> tuple[list[str], list[str]] | None:
        major = Counter(gold[d] for d in docs).most_common(1)[0][0]
        a = [d for d in docs if gold[d] == major]
        b = [d for d in docs if gold[d] != major]
        return (a, b) if len(a) >= 2 and len(b) >= 2 else None
    return split


class SplittingClusterer(MergingClusterer):
    """The product's clusterer with its split decision (`_two_events`) replaced: when a story's
    size reaches one of `split_at` (or passes one through a merge), `splitter` proposes two parts
    of its members and `rule(self, part_a, part_b, items)` decides. The product does the rest: the
    part holding the founding member keeps the story id, the other becomes a new story, both
    centroids and index entries are rebuilt."""

    def __init__(self, params: ClusterParams, splitter: Splitter, rule: SplitRule | None,
                 merge: MergeRule | None = None, split_at: tuple[int, ...] = SPLIT_AT) -> None:
        super().__init__(params, merge)
        # any split_tau switches the product's check on; the decision is ours
        self.params = dataclasses.replace(self.params, split_at=list(split_at), split_tau=None if rule is None else 0.0)
        self.splitter, self.split_rule = splitter, rule
        self.splits = 0

    def _two_events(self, docs: list[str], items: Items) -> tuple[list[str], list[str]] | None:
        assert self.split_rule is not None
        parts = self.splitter(self, docs, items)
        if parts is None or not self.split_rule(self, *parts, items):
            return None
        self.splits += 1
        return parts


def rebuilt(c: SplittingClusterer, docs: list[str], items: Items) -> _Story:
    """A story built afresh from the given members (to score one part against the other)."""
    story = _Story.new("part")
    for d in docs:
        vecs = c._member_vectors(d, items[d])
        story.add(d, vecs, StoryClusterer._dots(story, vecs), _event_date(items[d]))
    return story


def _within(M: np.ndarray) -> float:
    """Mean off-diagonal entry of a square similarity block (1.0 for a single member)."""
    n = len(M)
    return float((M.sum() - np.trace(M)) / (n * (n - 1))) if n > 1 else 1.0


def split_cross(tau: float) -> SplitRule:
    """Split when the mean cross-part member similarity is below tau."""
    def rule(c: SplittingClusterer, a: list[str], b: list[str], items: Items) -> bool:
        return float(_similarity(c, a + b, items)[: len(a), len(a):].mean()) < tau
    return rule


def split_model(tau: float) -> SplitRule:
    """Split when the join model, scoring each part's centroid as an article against the other
    part as a story, gives P < tau in both directions (as the 'centroid' merge rule scores)."""
    def rule(c: SplittingClusterer, a: list[str], b: list[str], items: Items) -> bool:
        sa, sb = rebuilt(c, a, items), rebuilt(c, b, items)
        return max(c.probability(centroid_features(sa, sb)), c.probability(centroid_features(sb, sa))) < tau
    return rule


def split_ratio(tau: float) -> SplitRule:
    """Split when the parts are clearly bimodal: the mean cross-part similarity is below tau
    times the mean within-part similarity (the mean of the two parts' own means)."""
    def rule(c: SplittingClusterer, a: list[str], b: list[str], items: Items) -> bool:
        S = _similarity(c, a + b, items)
        k = len(a)
        return float(S[:k, k:].mean()) < tau * (_within(S[:k, :k]) + _within(S[k:, k:])) / 2
    return rule


def split_pair(tau: float) -> SplitRule:
    """Split when the mean pair probability across the two parts is below tau."""
    def rule(c: SplittingClusterer, a: list[str], b: list[str], items: Items) -> bool:
        return float(c._pair_matrix(a + b, items)[: len(a), len(a):].mean()) < tau
    return rule


def always_split(c: SplittingClusterer, a: list[str], b: list[str], items: Items) -> bool:
    return True


def split_with(params: ClusterParams, splitter: Splitter, rule: SplitRule | None, merge: MergeRule | None = None,
               split_at: tuple[int, ...] = SPLIT_AT) -> Run:
    return streamed(lambda: SplittingClusterer(params, splitter, rule, merge, split_at))


def regrouped(params: ClusterParams, split_tau: float | None, bridge_tau: float | None = None,
              centroid_tau: float | None = None) -> Run:
    """The product's own second thoughts with the given knobs."""
    knobs = {"split_tau": split_tau, "merge_bridge": bridge_tau, "merge_centroid": centroid_tau}
    return streamed(lambda: StoryClusterer(dataclasses.replace(params, **knobs)))


def _post_split(clusters: list[list[str]], gold: dict[str, str], min_part: int) -> list[list[str]]:
    """Split every story by gold subtopic; parts smaller than min_part stay with the majority."""
    out = []
    for c in clusters:
        parts: dict[str, list[str]] = {}
        for d in c:
            parts.setdefault(gold[d], []).append(d)
        major = max(parts, key=lambda g: len(parts[g]))
        keep = [ds for g, ds in parts.items() if g != major and len(ds) >= min_part]
        rest = [d for g, ds in parts.items() if g == major or len(ds) < min_part for d in ds]
        out.extend([rest, *keep])
    return out


def _oracle_merge(clusters: list[list[str]], gold: dict[str, str]) -> list[list[str]]:
    merged: dict[str, list[str]] = {}
    for c in clusters:
        merged.setdefault(Counter(gold[d] for d in c).most_common(1)[0][0], []).extend(c)
    return list(merged.values())


def v_split_oracle(bench: Bench) -> dict:
    """After the stream, every story split by gold subtopic (every part, singletons included)."""
    return bench.evaluate(lambda held, params: lambda order: _post_split(cluster_with(params)(order), bench.gold, 1))


def v_split_oracle2(bench: Bench) -> dict:
    """The same, but only parts of >= 2 members leave (what a split rule may do)."""
    return bench.evaluate(lambda held, params: lambda order: _post_split(cluster_with(params)(order), bench.gold, 2))


def v_split_merge_oracle(bench: Bench) -> dict:
    """split_oracle2, then the merge oracle (with every part split off, both oracles give gold)."""
    return bench.evaluate(lambda held, params: lambda order: _oracle_merge(
        _post_split(cluster_with(params)(order), bench.gold, 2), bench.gold))


def v_split_stream_oracle(bench: Bench) -> dict:
    """During the stream at SPLIT_AT sizes: majority gold subtopic vs the rest when both >= 2.
    The headroom of the split mechanism itself (same triggers, same 2-way, same >= 2)."""
    return bench.evaluate(lambda held, params: split_with(params, gold_split(bench.gold), always_split))


CROSS_TAUS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, -NEVER)
MODEL_TAUS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, -NEVER)


def v_split(bench: Bench) -> dict:
    """Average-link 2-way split, split when the join model scores each part's centroid against
    the other below tau (tau per fold on training topics; -NEVER: never split)."""
    return bench.evaluate(lambda held, params: swept(
        bench, held, {t: split_with(params, average_link_split, split_model(t)) for t in MODEL_TAUS}))


def v_split_cross(bench: Bench) -> dict:
    """Average-link 2-way split, split when the mean cross-part member similarity < tau."""
    return bench.evaluate(lambda held, params: swept(
        bench, held, {t: split_with(params, average_link_split, split_cross(t)) for t in CROSS_TAUS}))


RATIO_TAUS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, -NEVER)


def v_split_ratio(bench: Bench) -> dict:
    """Average-link 2-way split, split when cross-part similarity < tau x within-part similarity."""
    return bench.evaluate(lambda held, params: swept(
        bench, held, {t: split_with(params, average_link_split, split_ratio(t)) for t in RATIO_TAUS}))


PAIR_TAUS = (0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, -NEVER)


def v_split_pair(bench: Bench) -> dict:
    """Average-link 2-way split over the join model's pairwise member probabilities; split when
    the mean cross-part probability < tau (tau per fold on training topics)."""
    return bench.evaluate(lambda held, params: swept(
        bench, held, {t: split_with(params, pair_link_split, split_pair(t)) for t in PAIR_TAUS}))


PAIR_RATIO_TAUS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, None)


def v_split_pair_ratio(bench: Bench) -> dict:
    """The product's split (regroup.py: pair_link proposal, cross-part P < tau x the looser
    part's within-part P), no merging; tau per fold."""
    return bench.evaluate(lambda held, params: swept(
        bench, held, {t: regrouped(params, t) for t in PAIR_RATIO_TAUS}))


def v_split_merge(bench: Bench) -> dict:
    """split (model rule) with the best merge rule of this file, 'both' (bridge and centroid
    agree); split tau and the two merge taus swept jointly per fold on a small grid."""
    grid = [(ts, t1, t2) for ts in (0.05, 0.1, 0.2, -NEVER) for t1, t2 in ((0.7, 0.9), (0.9, 0.95), (NEVER, NEVER))]
    return bench.evaluate(lambda held, params: swept(bench, held, {
        g: split_with(params, average_link_split, split_model(g[0]), both(g[1], g[2])) for g in grid}))


def v_split_pair_merge(bench: Bench) -> dict:
    """split_pair_ratio with the 'both' merge rule, swept jointly per fold: what
    scripts/train_cluster.py now fits for the product (REGROUP_GRID), so = shipped."""
    return bench.evaluate(lambda held, params: swept(bench, held, {g: regrouped(params, *g) for g in REGROUP_GRID}))


class SplitAfterMergeDeferred(StoryClusterer):
    """The product, except that a story that merged during an article's add is not checked for
    a split in that add (its check waits for its next member): a merge undone at once by a
    split churns story ids."""

    def add(self, item: ClusterItem) -> str:
        self._merged = False
        return super().add(item)

    def _merge(self, a: _Story, b: _Story) -> _Story:
        self._merged = True
        return super()._merge(a, b)

    def _check_split(self, story: _Story) -> None:
        if not self._merged:
            super()._check_split(story)


def v_defer_split(bench: Bench) -> dict:
    """SplitAfterMergeDeferred, knobs swept per fold on REGROUP_GRID as the product's are."""
    def run(params: ClusterParams, knobs: tuple) -> Run:
        knobbed = dataclasses.replace(params, split_tau=knobs[0], merge_bridge=knobs[1], merge_centroid=knobs[2])
        return streamed(lambda: SplitAfterMergeDeferred(knobbed))
    return bench.evaluate(lambda held, params: swept(bench, held, {g: run(params, g) for g in REGROUP_GRID}))


VARIANTS = {name[2:]: fn for name, fn in globals().items() if name.startswith("v_")}


def main(names: list[str]) -> None:
    if not names:
        console.print("variants: " + ", ".join(VARIANTS) + "  (or 'all'); see the module docstring")
        return
    names = list(VARIANTS) if names == ["all"] else names
    bench = Bench()
    table = Table(title=f"clustering variants, out-of-fold BCubed, mean ± sd over stream seeds {STREAM_SEEDS}")
    for col in ("variant", "P", "R", "F1"):
        table.add_column(col, justify="left" if col == "variant" else "right")
    for name in names:
        bench.chosen = []
        r = VARIANTS[name](bench)
        chosen = f"  (per fold: {bench.chosen})" if bench.chosen else ""
        console.print(f"{name}: P {r['bcubed_p']:.3f} R {r['bcubed_r']:.3f} F1 {r['bcubed_f1']:.3f} ± {r['sd']:.3f}{chosen}")
        table.add_row(name, f"{r['bcubed_p']:.3f}", f"{r['bcubed_r']:.3f}", f"{r['bcubed_f1']:.3f} ± {r['sd']:.3f}")
    console.print(table)


if __name__ == "__main__":
    main(sys.argv[1:])
