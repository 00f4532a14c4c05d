"""Copy detection: copies of one report count once, independent reports never do."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rashomon.dedup import detect_copies
from rashomon.model import Document

REPO = Path(__file__).resolve().parents[1]
ECB = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ecbplus" / "docs.json"
BOILERPLATE = "Copyright The Associated Press . All rights reserved .\nFollow us on Twitter for more ."


@pytest.fixture(scope="module")
def ecb() -> dict[str, dict]:
    if not ECB.exists():
        pytest.skip("shared ECB+ bench data not available")
    return {d["doc_id"]: d for d in json.loads(ECB.read_text("utf-8"))}


def doc(id: str, text: str, published: str | None = None) -> Document:
    return Document(id=id, path=f"{id}.txt", text=text, published=published)


def long_report(ecb: dict[str, dict], topic: str) -> dict:
    """The longest document of a topic: enough text that one edit is a small part of it."""
    return max((d for d in ecb.values() if d["topic"] == topic), key=lambda d: d["n_tokens"])


def test_two_outlets_on_the_same_event_are_independent_sources() -> None:
    pages = [doc(p.stem, p.read_text("utf-8")) for p in sorted((REPO / "examples").glob("*.txt"))]
    report = detect_copies(pages)
    assert len(report.groups) == 2
    assert report.copy_of == {}
    assert report.shares_text_with == {}


def test_reprint_with_new_headline_and_boilerplate_is_a_copy_of_the_earlier_report(ecb) -> None:
    src = long_report(ecb, "1")
    lines = src["text"].splitlines()
    reprint = "\n".join(["Actress in rehab , rep confirms", *lines[1:], BOILERPLATE])
    report = detect_copies([doc("reprint", reprint, "2008-09-03"), doc("original", src["text"], "2008-09-02")])
    assert report.copy_of == {"reprint": "original"}
    assert [g.documents for g in report.groups] == [["original", "reprint"]]
    assert report.groups[0].representative == "original"
    assert report.shares_text_with["original"] == ["reprint"]


@pytest.mark.parametrize("edit", ["reorder", "truncate", "rewrite_sentence"])
def test_light_rewrites_stay_copies(ecb, edit: str) -> None:
    src = long_report(ecb, "4")
    lines = src["text"].splitlines()
    rng = random.Random(0)
    if edit == "reorder":
        rng.shuffle(lines)
        text = "\n".join(lines)
    elif edit == "truncate":
        words = src["text"].split(" ")
        text = " ".join(words[: int(0.7 * len(words))])
    else:
        k = len(lines) // 2
        words = lines[k].split()
        lines[k] = " ".join(["Officials said", *words[len(words) // 2 :], "after", *words[: len(words) // 2]])
        text = "\n".join(lines)
    report = detect_copies([doc("a", src["text"]), doc("b", text)])
    assert report.copy_of == {"b": "a"}
    assert len(report.groups) == 1


def test_article_quoting_most_of_another_is_a_partial_copy(ecb) -> None:
    quoted, own = long_report(ecb, "13"), long_report(ecb, "14")
    half = quoted["text"].splitlines()
    text = "\n".join([*own["text"].splitlines()[:3], *half[: int(len(half) * 0.8)]])
    report = detect_copies([doc("wire", quoted["text"]), doc("commentary", text)])
    assert report.copy_of == {"commentary": "wire"}


def test_reports_of_another_event_of_the_same_kind_are_not_copies(ecb) -> None:
    docs = [d for d in ecb.values() if d["topic"] == "7"]
    events = {d["subtopic"] for d in docs}
    report = detect_copies([doc(d["doc_id"], d["text"]) for d in docs])
    subtopic = {d["doc_id"]: d["subtopic"] for d in docs}
    assert len(events) == 2
    for group in report.groups:
        assert len({subtopic[m] for m in group.documents}) == 1


def test_every_document_is_in_exactly_one_group_and_the_earliest_represents_it(ecb) -> None:
    docs = [doc(d["doc_id"], d["text"], f"2012-07-{10 - n % 9:02d}") for n, d in enumerate(ecb.values()) if d["topic"] == "28"]
    report = detect_copies(docs)
    members = [m for g in report.groups for m in g.documents]
    assert sorted(members) == sorted(d.id for d in docs)
    date = {d.id: d.published for d in docs}
    for group in report.groups:
        assert date[group.representative] == min(date[m] for m in group.documents)
    for copy, original in report.copy_of.items():
        assert date[original] <= date[copy]
        assert report.group_of(copy) is report.group_of(original)
