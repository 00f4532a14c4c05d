"""The learned line classifier behind the text cleaner: its file, its arithmetic, its labels, its decoding."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from rashomon.clean import split_lines
from rashomon.line_classifier import (
    FEATURE_NAMES,
    OWN_NAMES,
    Decoding,
    LineClassifier,
    TreeEnsemble,
    decode,
    features,
    load,
    said_elsewhere,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _seed_lines() -> list[list[str]]:
    """The lines of the seed pages (real pasted news pages), as the cleaner splits them."""
    return [[line.text for line in split_lines(path.read_text(encoding="utf-8"))] for path in sorted(EXAMPLES.glob("*.txt"))]


def _shipped() -> dict:
    return json.loads(resources.files("rashomon.data").joinpath("line_classifier.json").read_text(encoding="utf-8"))


def test_shipped_model_is_small_plain_json_with_out_of_fold_evidence() -> None:
    data = _shipped()
    path = resources.files("rashomon.data").joinpath("line_classifier.json")
    assert len(path.read_bytes()) < 2_000_000
    assert data["trees"]["feature_names"] == FEATURE_NAMES
    cv = data["training"]["cv"]
    assert cv["folds"] >= 5
    # Held-out pages, not the ones the trees were fitted on: well above keeping all the text (0.67)
    # and the hand-set prose-run cleaner it replaced (0.889 in-sample). The issue asks 0.90 out of
    # fold; the shipped model records 0.90+ but the selection noise is about ±0.005, so this guards
    # against a retrained model that falls back rather than pinning the last digit.
    assert cv["out_of_fold"]["f1"] >= 0.89
    assert len(cv["per_fold"]) == cv["folds"]


def test_json_round_trip_keeps_the_predictions() -> None:
    model = load()
    again = LineClassifier.from_dict(json.loads(json.dumps(model.to_dict())))
    lines = ["Home World Sport", "The minister arrived in Moscow on Wednesday for talks, officials said.", "Share this article"]
    assert np.allclose(model.predict(lines), again.predict(lines))


def test_tree_arithmetic_is_boosting_on_the_log_odds() -> None:
    """One stump: feature 0 <= 0.5 goes left (leaf value -1), else right (+2); init 0.5."""
    names = FEATURE_NAMES
    stump = {"feature": [0, -1, -1], "threshold": [0.5, 0.0, 0.0], "left": [1, 1, 2], "right": [2, 1, 2], "value": [0.0, -1.0, 2.0]}
    trees = TreeEnsemble.from_dict(
        {"kind": "gradient_boosted_trees", "feature_names": names, "init": 0.5, "depth": 1, "trees": [stump, stump]}, names
    )
    X = np.zeros((2, len(names)))
    X[1, 0] = 1.0
    expected = 1 / (1 + np.exp(-np.array([0.5 - 2.0, 0.5 + 4.0])))
    assert np.allclose(trees.predict(X), expected)


def test_model_trained_on_other_features_is_refused() -> None:
    data = _shipped()["trees"]
    with pytest.raises(ValueError, match="other features"):
        TreeEnsemble.from_dict({**data, "feature_names": data["feature_names"][:-1]}, FEATURE_NAMES)


def test_features_one_row_per_line_and_empty_page() -> None:
    lines = ["World News", "Quake kills 27 in southwest China", "A strong earthquake struck on Monday, state media said."]
    assert features(lines).shape == (3, len(FEATURE_NAMES))
    assert features([]).shape == (0, len(FEATURE_NAMES))


def test_article_lines_score_above_page_furniture() -> None:
    page = [
        "Home", "World", "Business", "Sport",
        "Quake kills 27 in southwest China",
        "A strong earthquake struck southwest China's Yunnan province on Monday, killing at least 27 people and injuring more than 300, state media said.",
        "The 5.8 magnitude quake hit Yingjiang county near the border with Myanmar shortly after noon, the China Earthquake Networks Center said.",
        "Rescue teams were searching collapsed buildings for survivors late into the night, and the provincial government sent tents and food to the area.",
        "Share this article", "Advertisement", "Most read", "Floods in the north", "2 hours ago",
    ]
    p = load().predict(page)
    body = p[5:8]
    furniture = np.concatenate([p[:4], p[8:]])
    assert body.min() > furniture.max()


def test_decode_takes_the_best_run_and_drops_low_lines_inside_it() -> None:
    probabilities = np.array([0.9, 0.1, 0.1, 0.95, 0.2, 0.9, 0.9, 0.05])
    words = [3, 5, 5, 40, 2, 30, 30, 10]
    (first, last), keep = decode(probabilities, words, Decoding(run_threshold=0.5, keep_threshold=0.5, drop_repeats=False))
    assert (first, last) == (3, 6)  # the short line at 0 is cut off by two low lines
    assert keep == [False, False, False, True, False, True, True, False]


def test_decode_drops_a_second_copy_of_text_already_kept() -> None:
    lead = "The minister arrived in Moscow on Wednesday for the first strategic dialogue between the two countries."
    texts = [lead, "Officials said the two-day talks would cover security and trade.", lead]
    probabilities = np.array([0.9, 0.9, 0.9])
    _, keep = decode(probabilities, [17, 11, 17], Decoding(drop_repeats=True), texts)
    assert keep == [True, True, False]
    _, keep = decode(probabilities, [17, 11, 17], Decoding(drop_repeats=False), texts)
    assert keep == [True, True, True]


def test_repetition_features_know_which_copy_came_first() -> None:
    lead = "The minister arrived in Moscow on Wednesday for talks."
    before, after = said_elsewhere([lead, "Something else entirely here today.", lead])
    assert before.tolist() == [0.0, 0.0, 1.0]
    assert after.tolist() == [1.0, 0.0, 0.0]


def test_labels_are_lines_mostly_inside_the_gold_body() -> None:
    from train_cleaner import label_lines

    gold = "The talks began on Wednesday in Moscow. Officials said they would last two days.\nThe response\nMore talks are planned."
    lines = [
        "World",  # a menu word that is not in the body
        "The talks began on Wednesday in Moscow.",
        "Officials said they would last two days.",
        "The response",  # a short sub-heading the body holds, between body lines
        "More talks are planned.",
        "Share this article",
        "Officials said they would not comment on a different story about floods in the north.",
    ]
    assert label_lines(lines, gold).tolist() == [0, 1, 1, 1, 1, 0, 0]


def test_vectorised_trees_give_the_reference_walk_to_the_last_bit() -> None:
    """All trees over all lines at once must be the same model as walking tree by tree."""
    trees = load().trees
    pages = _seed_lines()
    assert pages
    for lines in pages:
        X = features(lines)
        assert np.array_equal(trees.predict(X), trees.predict_reference(X))
    # and on rows that reach every kind of leaf: random feature values around the thresholds
    rng = np.random.default_rng(0)
    X = rng.choice(np.unique(trees.threshold), size=(500, len(FEATURE_NAMES))) + rng.choice([-1e-9, 0.0, 1e-9], size=(500, len(FEATURE_NAMES)))
    assert np.array_equal(trees.predict(X), trees.predict_reference(X))


def test_page_features_of_a_line_on_its_own_do_not_leak_from_other_lines() -> None:
    """Shapes are computed for the whole page at once (joined text); a line's own shape must be
    what it is alone: no pattern may match across a line break."""
    own = len(OWN_NAMES)
    for lines in _seed_lines():
        page = features(lines)[:, :own]
        alone = np.vstack([features([line])[:, :own] for line in lines])
        assert np.array_equal(page, alone)
    tricky = ["Updated May", "2014 was a year", "Photo", "credit: AFP", "Sign", "up now", "The end.", "Then more"]
    assert np.array_equal(features(tricky)[:, :own], np.vstack([features([t])[:, :own] for t in tricky]))
