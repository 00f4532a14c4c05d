"""Choose the WordNet expansion of the event lexicon on the DEV split of benchmarks/events.py only.

Tries hyponym depth x sense-rank cut-off x nominalisations, scores each lexicon on the dev
sentences (type + both actors, as the benchmark), and prints the table. The test split is never
read here. The chosen setting is then written with scripts/build_event_lexicon.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_event_lexicon as build  # noqa: E402
import events as bench  # noqa: E402  (benchmarks/events.py)
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from rashomon import nlp  # noqa: E402
from rashomon.entities import find_mentions  # noqa: E402
from rashomon.events import find_events, home_country, lexicon_from  # noqa: E402
from rashomon.timex import find_dates  # noqa: E402


def main() -> None:
    dev = [s for s in bench.load_gold() if s.split == "dev"]
    prepared = []
    for s, doc in zip(dev, nlp.parse_many(s.text for s in dev)):
        anchor = dt.date.fromisoformat(s.anchor) if s.anchor else None
        prepared.append((s, doc, find_mentions(doc, s.id), find_dates(s.text, s.id, anchor), home_country(s.dateline)))
    table = Table(title="event lexicon on DEV (type + both actors)")
    for col in ("depth", "rank", "derive", "verbs", "nouns", "P", "R", "F1"):
        table.add_column(col, justify="right")
    for depth, rank, derive in itertools.product((0, 1, 2), (1, 2, 3), (False, True)):
        data = build.build(depth, rank, derive)
        lex = lexicon_from(data)
        total = bench.Score()
        for s, doc, mentions, dates, home in prepared:
            total.add(bench.score_sentence(find_events(doc, s.id, mentions, dates, home, lex), s.events)[0])
        table.add_row(str(depth), str(rank), "yes" if derive else "no", str(len(data["verbs"])), str(len(data["nouns"])),
                      f"{total.precision:.3f}", f"{total.recall:.3f}", f"{total.f1:.3f}")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
