"""Amounts become numbers with their currency or unit; approximations are kept as qualifiers."""

from rashomon.quantities import compatible, find_quantities


def _one(text):
    found = find_quantities(text, "d")
    assert len(found) == 1, found
    return found[0]


def test_money_with_scale_and_currency():
    q = _one("At present the two-way trade stands at almost US $542 million with the balance")
    assert (q.value, q.unit, q.qualifier) == (542_000_000, "USD", "almost")


def test_money_approximation_in_words():
    q = _one("the potential of increased trade is estimated in vicinity of US $4 billion.")
    assert (q.value, q.unit, q.qualifier) == (4_000_000_000, "USD", "approximately")


def test_money_written_with_currency_word_and_percentages():
    found = find_quantities("The fund lost 12 million euros, about 3.5 percent of its assets.", "d")
    assert [(q.value, q.unit) for q in found] == [(12_000_000, "EUR"), (3.5, "percent")]
    assert found[1].qualifier == "approximately"


def test_counts_of_people_from_the_parse():
    from rashomon import nlp

    text = "The earthquake killed 27 people and injured more than 300 others in Yunnan."
    found = find_quantities(text, "d", nlp.parse(text))
    assert any(q.value == 27 and q.unit == "people" for q in found)


def test_rounding_is_not_a_contradiction_but_a_different_figure_is():
    a = _one("trade of US $542 million")
    b = _one("trade of $540 million")
    c = _one("trade of $4 billion")
    assert compatible(a, b)
    assert not compatible(a, c)


def test_ranges_keep_both_ends_and_the_scale_applies_to_both():
    # ECB+ 10_2ecb: "the Orioles ( seven years , $ 140- $ 150 million )"
    q = _one("the Orioles ( seven years , $ 140- $ 150 million ) were said to be in")
    assert (q.value, q.value_max, q.unit, q.qualifier) == (140_000_000, 150_000_000, "USD", "range")
    people = _one("Officials said between 10 and 20 people died in the blaze.")
    assert (people.value, people.value_max, people.unit) == (10, 20, "people")


def test_physical_units_are_normalised():
    a = _one("The man aged in his early 30s fell about 600 metres while climbing.")
    b = _one("Robert Buckley slipped on ice and fell 700 meters to his death.")
    assert (a.value, a.unit, a.qualifier) == (600, "m", "approximately")
    assert (b.value, b.unit) == (700, "m")
    assert not compatible(a, b)


def test_a_span_of_years_is_not_a_count():
    assert find_quantities("In 2010-2012 they lost money.", "d") == []
