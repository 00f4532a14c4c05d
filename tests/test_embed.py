"""Lead embeddings: a static model shipped in the package, read offline, that places two reports
of one event closer together than reports of another event of the same kind."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rashomon import embed
from rashomon.cluster import ClusterItem, StoryClusterer, _story_dict, _story_from_dict

ECB = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ecbplus" / "docs.json"
REPO = Path(__file__).resolve().parents[1]


def test_the_lead_is_the_first_sentences_of_the_prose_not_the_url_line() -> None:
    text = (
        "http : / / www . upi . com / Top _ News / 2004 / 07 / 28 / Fred - LaRue - dies /\n"
        "Fred LaRue , top Nixon aide , dies at 75\n"
        "Fred LaRue , a Watergate figure , was found dead in a Biloxi hotel room . He was 75 . "
        "He had delivered hush money to the burglars ."
    )
    assert embed.lead_sentences(text) == [
        "Fred LaRue , top Nixon aide , dies at 75",
        "Fred LaRue , a Watergate figure , was found dead in a Biloxi hotel room .",
        "He was 75 .",
    ]


def test_an_embedding_is_a_unit_vector_and_empty_text_has_none() -> None:
    vec = np.array(embed.embed_lead("A 6.0 earthquake struck Qeshm island on Sunday."))
    assert vec.shape == (embed.DIM,) and abs(np.linalg.norm(vec) - 1.0) < 1e-9
    assert embed.embed_lead("  \n\n ") == []


def test_the_model_loads_from_the_package_without_the_network() -> None:
    """In a fresh process whose sockets refuse to connect: loading and embedding still work."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from rashomon import embed\n"
        "print(len(embed.embed_lead('Police arrested a man after the fire at the church.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(embed.DIM)


def test_reports_of_one_event_are_closer_than_reports_of_another_event_of_its_kind() -> None:
    if not ECB.exists():
        pytest.skip("shared ECB+ bench data not available")
    docs = [d for d in json.loads(ECB.read_text("utf-8")) if d["topic"] in ("3", "13", "22")]
    vecs = {d["doc_id"]: np.array(embed.embed_lead(d["text"])) for d in docs}
    same, other = [], []
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if a["topic"] == b["topic"]:
                cos = float(vecs[a["doc_id"]] @ vecs[b["doc_id"]])
                (same if a["subtopic"] == b["subtopic"] else other).append(cos)
    assert statistics.mean(same) > statistics.mean(other) + 0.05


def test_a_story_keeps_the_sum_of_its_members_embeddings_through_json() -> None:
    texts = [
        "A magnitude 6.0 earthquake hit Qeshm island in southern Iran on Sunday, killing ten people.",
        "Ten people died when a strong quake struck Iran's Qeshm island on Sunday.",
    ]
    clusterer = StoryClusterer()
    for n, text in enumerate(texts):
        clusterer.force(ClusterItem(f"d{n}", text), "quake")
    story = clusterer._stories["quake"]
    expected = np.array(embed.embed_lead(texts[0])) + np.array(embed.embed_lead(texts[1]))
    assert np.allclose(story.emb, expected) and abs(story.emb_sq - float(expected @ expected)) < 1e-9
    again = _story_from_dict(json.loads(json.dumps(_story_dict(story))))
    assert np.array_equal(again.emb, story.emb) and again.emb_sq == story.emb_sq


def test_state_saved_before_embeddings_still_loads() -> None:
    clusterer = StoryClusterer()
    clusterer.add(ClusterItem("a", "Fire destroyed the old church in the village on Friday night."))
    state = json.loads(json.dumps(clusterer.to_dict()))
    for s in state["stories"]:
        del s["emb"], s["emb_sq"]
    resumed = StoryClusterer.from_dict(state)
    resumed.add(ClusterItem("b", "The village church burned down on Friday night; police suspect arson."))
    assert sorted(d for s in resumed.stories() for d in s) == ["a", "b"]


def test_the_shipped_decision_weighs_the_lead_embedding() -> None:
    from rashomon.cluster import default_params

    params = default_params()
    assert "cos_emb" in params.meta["features"] and params.weights["cos_emb"] > 0
