"""Cross-document entity coreference on ECB+: rashomon's resolver against a head-string baseline.

Data: `../shared/bench/ecbplus/crossdoc_mentions.json` (gold mentions and chains) and `docs.json`
(the tokenised texts). Entity mentions are the HUMAN_PART_*, LOC_* and TIME_* ones; events
(ACTION_*) and NON_HUMAN_PART are left out, as the issue asks.

How gold mentions reach the resolver. The gold mentions are token ids (1-based, counted over the
whole document) into the tokenised text, whose tokens are joined by one space and whose sentences
are separated by a newline. That text *is* the resolver's input here: it is parsed with the
product's spaCy model (`rashomon.nlp`), token i's character offsets are found by walking the text,
and a gold mention becomes the character span from its first token's start to its last token's
end. `entities.mention_for_span` then reads rank, role and country from the parse exactly as for
an NER span, and `entities.resolve` clusters all mentions of one topic. Which documents tell
the same story is what the product's story clustering says (`cluster.cluster_items` over the whole
corpus, as `pipeline.assemble` calls it; no gold subtopic is used): the resolver joins unnamed
descriptions, titles and weekdays to named things inside a story more liberally than across
stories, and the two events of one topic (two different earthquakes of topic 13) must stay apart
by themselves. In the product `build_story` resolves one story at a time, so the same code runs
with every document in one story. The mention type is the
annotation's coarse class (HUMAN_PART_PER/GENERIC -> PERSON, HUMAN_PART_ORG and the rest of
HUMAN_PART -> ORG, HUMAN_PART_GPE and LOC_GEO -> GPE, LOC_FAC -> FAC, LOC_OTHER -> LOC,
TIME_* -> DATE): "mentions as given". The baseline gets the same spans and types.

Baseline: same type and same normalised head string = same entity (the head is the syntactic root
of the span in the parse, lower-cased, possessive dropped), within the topic.

Split: topics are split by a seeded shuffle into dev (a third) and test (the rest). Nothing in the
resolver is learned from this data. The rules were written while reading dev-topic errors only
(the breakdown table below is how: gold mentions outside their chain's main predicted entity, by
kind); a rule was kept when dev CoNLL rose (two principled ones, the pronoun agreement order and
the office/relation exclusions, moved it by less than 0.003 either way). The one constant chosen here,
`entities.SALIENT_MIN` (how many mentions a report's main named thing needs before an unattached
description or pronoun joins it), was picked on the dev topics from 1-6 (4); test numbers are
printed alongside but no choice was made on them.

Round 2 (dev CoNLL 0.786 -> 0.801, test 0.736 -> 0.738; each step kept because dev rose, test only
read afterwards): groups of people joined inside a story by their fate (`Mention.head_verb`, the
classes death / injure / missing of data/predicate_classes.yaml: "10 people" killed and "several
persons" who died are one group) 0.786 -> 0.795 (that step also keyed plural descriptions by fate
across reports, which was then dropped: 0.798 -> 0.801, so counts of one group worded with verbs
outside the classes, "executed two", still meet by number); "she" never refers to a chain of plural
descriptions ("the women") ~0.000; a clock time with no day ("at 2 : 09 a . m") joins the one dated
chain of its story stating that time 0.795 -> 0.796; a description's votes counted per report that
uses it, not per repetition (Mark Heller is "lawyer" in 7 reports, Shawn Holley in 5) 0.796 -> 0.798.
Scores are micro-averaged over
topics (counts summed) with singletons included, as the CoNLL reference scorer does.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table
from spacy.tokens import Doc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coref_metrics import Scores, score_groups  # noqa: E402
from ecbplus import load_items, parsed_docs  # noqa: E402

from rashomon import cluster, entities, nlp, timex  # noqa: E402
from rashomon.entities.keys import _group, _kind  # noqa: E402
from rashomon.model import Mention  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ECB = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "bench" / "ecbplus"
RESULTS = ROOT / "benchmarks" / "results" / "coreference.json"
SPLIT_SEED = 6
DEV_SHARE = 3  # one topic in three is dev

TYPE_MAP = {
    "HUMAN_PART_PER": "PERSON", "HUMAN_PART_GENERIC": "PERSON", "HUMAN_PART_ORG": "ORG",
    "HUMAN_PART_GPE": "GPE", "HUMAN_PART_MET": "ORG", "HUMAN_PART_VEH": "ORG", "HUMAN_PART": "ORG",
    "LOC_GEO": "GPE", "LOC_FAC": "FAC", "LOC_OTHER": "LOC",
    "TIME_DATE": "DATE", "TIME_OF_THE_DAY": "DATE", "TIME_DURATION": "DATE", "TIME_REPETITION": "DATE",
}


def is_entity(mention: dict) -> bool:
    return mention["type"].split("_")[0] in ("HUMAN", "LOC", "TIME")


def token_offsets(text: str) -> list[tuple[int, int]]:
    """Character (start, end) of every token of a space/newline-joined tokenised text."""
    out = []
    pos = 0
    for line in text.split("\n"):
        for tok in line.split(" "):
            out.append((pos, pos + len(tok)))
            pos += len(tok) + 1
    return out


def gold_mentions(docs: list[dict], raw: list[dict], parsed: dict[str, Doc]) -> list[tuple[str, str, Mention]]:
    """(topic, gold chain, Mention) for every entity mention, spans mapped onto the parsed text."""
    offsets = {d["doc_id"]: token_offsets(d["text"]) for d in docs}
    topic = {d["doc_id"]: d["topic"] for d in docs}
    # the date a document's relative expressions speak from: the first full date in its text
    anchors = {d["doc_id"]: timex.document_anchor(None, d["text"]) for d in docs}
    out = []
    for g in raw:
        if not is_entity(g):
            continue
        ids = sorted(int(t) - 1 for t in g["t_ids"])
        start, end = offsets[g["doc"]][ids[0]][0], offsets[g["doc"]][ids[-1]][1]
        doc = parsed[g["doc"]]
        mention = entities.mention_for_span(doc, g["doc"], start, end, TYPE_MAP[g["type"]], anchors[g["doc"]])
        out.append((topic[g["doc"]], f"{topic[g['doc']]}/{g['chain']}", mention))
    return out


def head_string(doc: Doc, m: Mention) -> str:
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    head = span.root.text if span is not None else m.text.split()[-1]
    return head.lower().removesuffix("'s").removesuffix("’s")


def partitions(items, label_of) -> tuple[list[list[int]], list[list[int]]]:
    key: dict[str, list[int]] = defaultdict(list)
    response: dict[str, list[int]] = defaultdict(list)
    for n, (_, chain, m) in enumerate(items):
        key[chain].append(n)
        response[label_of(n, m)].append(n)
    return list(key.values()), list(response.values())


def predicted_stories(docs: list[dict]) -> dict[str, str]:
    """Each document's story as the product's story clustering finds it over the whole corpus
    (`cluster.cluster_items`, the call `pipeline.assemble` makes): no gold subtopic is used."""
    groups = cluster.cluster_items(load_items(docs))
    return {d: f"story{n}" for n, group in enumerate(groups) for d in group}


def evaluate(items_by_topic: dict[str, list], topics: list[str], parsed: dict[str, Doc],
             story_of: dict[str, str]) -> dict[str, Scores]:
    ours, base = [], []
    for t in topics:
        items = items_by_topic[t]
        mentions = [m for _, _, m in items]
        for m in mentions:
            m.entity = None
        entities.resolve(mentions, story_of=story_of)
        ours.append(partitions(items, lambda n, m: m.entity))
        base.append(partitions(items, lambda n, m: f"{m.type}|{head_string(parsed[m.document], m)}"))
    return {"rashomon": score_groups(ours), "baseline": score_groups(base)}


def breakdown(items_by_topic: dict[str, list], topics: list[str]) -> dict[str, dict[str, int]]:
    """Where the unmerged gold links are, after `evaluate` has set `Mention.entity`: for every gold
    chain, the mentions outside the predicted entity holding most of it, by kind (group/kind as
    the resolver reads the mention: PERSON/nominal, TIME/time, ...) and by whether that entity
    has a mention in the same document (a within-document miss) or not (a cross-document one)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"mentions": 0, "within": 0, "cross": 0})
    for t in topics:
        chains: dict[str, list[Mention]] = defaultdict(list)
        for _, chain, m in items_by_topic[t]:
            chains[chain].append(m)
        for members in chains.values():
            main = Counter(m.entity for m in members).most_common(1)[0][0]
            docs = {m.document for m in members if m.entity == main}
            for m in members:
                row = out[f"{_group(m.type)}/{_kind(m)}"]
                row["mentions"] += 1
                if m.entity != main:
                    row["within" if m.document in docs else "cross"] += 1
    return dict(sorted(out.items(), key=lambda kv: -(kv[1]["within"] + kv[1]["cross"])))


def split_topics(topics: list[str]) -> tuple[list[str], list[str]]:
    order = sorted(set(topics), key=int)
    random.Random(SPLIT_SEED).shuffle(order)
    dev = sorted(order[::DEV_SHARE], key=int)
    return dev, sorted(set(order) - set(dev), key=int)


def main() -> None:
    console = Console(width=160)
    docs = json.loads((ECB / "docs.json").read_text("utf-8"))
    raw = json.loads((ECB / "crossdoc_mentions.json").read_text("utf-8"))
    t0 = time.perf_counter()
    parsed = parsed_docs()
    items = gold_mentions(docs, raw, parsed)
    by_topic: dict[str, list] = defaultdict(list)
    for item in items:
        by_topic[item[0]].append(item)
    dev, test = split_topics(list(by_topic))
    story_of = predicted_stories(docs)
    results = {name: evaluate(by_topic, topics, parsed, story_of) for name, topics in (("dev", dev), ("test", test), ("all", dev + test))}
    elapsed = time.perf_counter() - t0
    evaluate(by_topic, dev, parsed, story_of)  # leave the dev resolution on the mentions
    misses = breakdown(by_topic, dev)

    n_chains = len({c for _, c, _ in items})
    table = Table(title=f"ECB+ cross-document entity coreference: {len(items)} gold mentions, {n_chains} chains, "
                        f"{len(by_topic)} topics (dev {len(dev)} / test {len(test)}), within topic")
    for col in ("split", "system", "MUC P", "MUC R", "MUC F1", "B³ P", "B³ R", "B³ F1", "CEAF-e P", "CEAF-e R", "CEAF-e F1", "CoNLL F1"):
        table.add_column(col, justify="right" if col not in ("split", "system") else "left")
    for split, res in results.items():
        for system, s in res.items():
            table.add_row(split, system, *(f"{v:.3f}" for prf in (s.muc, s.b3, s.ceafe) for v in (prf.precision, prf.recall, prf.f1)),
                          f"{s.conll_f1:.3f}")
    console.print(table)
    left = Table(title="dev: gold mentions outside their chain's main predicted entity, by kind")
    for col in ("kind", "mentions", "missed within doc", "missed across docs"):
        left.add_column(col, justify="left" if col == "kind" else "right")
    for kind, row in misses.items():
        left.add_row(kind, str(row["mentions"]), str(row["within"]), str(row["cross"]))
    console.print(left)
    console.print(f"dev topics {dev}; test topics {test}; {elapsed:.1f} s including parsing or cache load (2 shared cores: noisy)")

    out = {
        "rashomon": results["dev"]["rashomon"].as_dict(),
        "baseline": results["dev"]["baseline"].as_dict(),
        "splits": {split: {system: s.as_dict() for system, s in res.items()} for split, res in results.items()},
        "dev_misses_by_kind": misses,
        "meta": {"mentions": len(items), "chains": n_chains, "dev_topics": dev, "test_topics": test,
                 "types": "HUMAN_PART_*, LOC_*, TIME_*", "scope": "within topic", "singletons": "included",
                 "baseline": "same type and same lower-cased syntactic head = same entity",
                 "top_level": "dev split (the issue's target); see splits for test and all"},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
