"""One fact means one thing said: loosely aligned claims that deny one another, or give another
figure, place, office or ordinal, are two facts, not corroboration (compare.compatible_join)."""

from rashomon import compare

PUBLISHED = "2013-08-29"


def _joined(a: str, b: str, join: compare.JoinRule | None = None) -> list[compare.Fact]:
    """Facts holding a span of both texts (read as two articles of independent outlets)."""
    facts = compare.prepare_text_pairs([(a, b)], PUBLISHED)[0].compare(join=join)
    return [f for f in facts if len({e.document for e in f.support}) == 2]


AVERSE = "Moscow had for long remained averse to developing defence cooperation with Islamabad because of opposition from New Delhi."
ONGOING = "Pakistan has ongoing defence cooperation with Russia."


def test_a_denial_and_an_affirmation_are_not_one_fact_on_the_seed_pages(seed_analysis):
    # one outlet: Moscow long kept away from defence ties with Islamabad; the other: Pakistan and Russia have them
    facts = [f for s in seed_analysis.stories for f in s.facts if any("averse to developing" in e.quote for e in f.support)]
    assert facts and all(f.status != "corroborated" for f in facts)
    assert all(not any("ongoing defence cooperation" in e.quote for e in f.support) for f in facts)


def test_the_join_rule_not_similarity_is_what_keeps_them_apart():
    pair = compare.prepare_text_pairs([(AVERSE, ONGOING)], PUBLISHED)[0]
    averse, ongoing = pair.claims
    assert compare.similarity_join(averse, ongoing, pair.entity_of)
    assert not compare.compatible_join(averse, ongoing, pair.entity_of)  # one denies what the other affirms


def test_the_same_visit_under_two_spellings_is_still_corroborated():
    facts = _joined("Army Chief Gen Kayani visited Russia for the second time last year.",
                    "Pakistan's army chief Gen Ashfaq Kiyani visited Moscow last year.")
    assert [f.status for f in facts] == ["corroborated"]


def test_a_loosely_worded_report_of_the_same_dialogue_is_still_corroborated():
    facts = _joined("Foreign Secretary Jalil Abbas Jilani was in Moscow on Wednesday for the first strategic dialogue between Russia and Pakistan.",
                    "Dialogue has started in Moscow Wednesday August 28, 2013 for upgrading political, diplomatic, and economic and defence relations.")
    assert [f.status for f in facts] == ["corroborated"]


def test_a_negation_both_reports_hold_is_not_a_difference():
    # a paraphrase pair of the divergence benchmark: the parser hangs "not" from different heads
    facts = _joined("Financial details of the acquisition, announced Nov. 12, were not disclosed.",
                    "Financial details of the acquisition, said Nov. 12, were not disclosed.")
    assert facts and all(f.status == "corroborated" for f in facts)
