"""Relative dates are resolved against the article's own date, with their granularity kept."""

import datetime as dt

import pytest

from rashomon.timex import compatible, document_anchor, find_dates

PUBLISHED = dt.date(2013, 8, 29)  # a Thursday


@pytest.mark.parametrize(
    ("sentence", "expression", "value", "granularity"),
    [
        ("Jilani was in Moscow on Wednesday for the dialogue.", "Wednesday", "2013-08-28", "day"),
        ("Kayani visited Russia for the second time last year.", "last year", "2012", "year"),
        ("Chirkin was here this month.", "this month", "2013-08", "month"),
        ("The Air chief visited here earlier this month.", "earlier this month", "2013-08", "month"),
        ("Putin was to visit Pakistan last September, but cancelled.", "last September", "2012-09", "month"),
        ("In June 2005 Pakistan supported Russia's bid.", "June 2005", "2005-06", "month"),
        ("Dialogue has started in Moscow Wednesday August 28, 2013 for", "Wednesday August 28, 2013", "2013-08-28", "day"),
        ("The talks will resume on Friday.", "Friday", "2013-08-30", "day"),
        ("The minister resigned yesterday.", "yesterday", "2013-08-28", "day"),
        ("The plant closed two years ago.", "two years ago", "2011", "year"),
        ("Troops leave Afghanistan in 2014.", "2014", "2014", "year"),
        ("The quake struck on 3 March.", "3 March", "2013-03-03", "day"),
    ],
)
def test_expression_resolved_against_publish_date(sentence, expression, value, granularity):
    refs = find_dates(sentence, "d", PUBLISHED)
    ref = next(r for r in refs if r.text == expression)
    assert (ref.value, ref.granularity) == (value, granularity)
    assert sentence[ref.start:ref.end] == expression


def test_durations_are_not_dates():
    refs = find_dates("Relations have grown over the past decade.", "d", PUBLISHED)
    assert all(r.value is None for r in refs)


def test_anchor_falls_back_to_the_first_full_date_in_the_text():
    text = "ISLAMABAD - Dialogue has started in Moscow Wednesday August 28, 2013 for upgrading relations."
    assert document_anchor(None, text) == dt.date(2013, 8, 28)
    assert document_anchor("2013-08-29", text) == dt.date(2013, 8, 29)


def test_dates_of_different_precision_are_compatible_when_one_contains_the_other():
    assert compatible("2013-08-28", "2013-08")
    assert compatible("2013", "2013-08-28")
    assert not compatible("2012", "2013-08")
    assert not compatible("2013-08-28", "2013-08-27")
