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
        # "as scheduled" says a plan was kept, not that the day is to come (ECB+ Turkmen election report)
        ("The 4th parliamentary election of Turkmenistan ended Sunday evening as scheduled, said reports "
         "from Ashgabat, Turkmenistan's capital.", "Sunday", "2013-08-25", "day"),
        ("The vote is scheduled for Sunday.", "Sunday", "2013-09-01", "day"),
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


# Real ECB+ lines (tokenised as in the corpus), with the dates a reader gives them.
@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("http : / / www . cbsnews . com / x /\nMay 2 , 2013 , 1 : 12 PM\nLawyer : Lindsay Lohan", dt.date(2013, 5, 2)),
        ("http : / / www . forbes . com / sites / x /\n9 / 10 / 2010 @ 1 : 19PM\nFemale Employee", dt.date(2010, 9, 10)),
        ("http : / / www . stampedeblue . com / 2012 / 12 / 23 / 3799068 / colts\nColts Clinch Playoff Spot", dt.date(2012, 12, 23)),
        ("http : / / omaha . com / article / 20130308 / BLUEJAYS / 703089893\nMcDermott fuels Bluejays", dt.date(2013, 3, 8)),
        ("http : / / centralasiaonline . com / x\nTurkmen election\n2013 - 09 - 26\nFor the first time", dt.date(2013, 9, 26)),
    ],
)
def test_anchor_is_read_from_dateline_formats_and_urls(text, anchor):
    assert document_anchor(None, text) == anchor


def test_future_cue_after_the_date_points_forward_but_not_after_a_reporting_verb():
    friday = dt.date(2013, 3, 8)
    ahead = find_dates("In Saturday's semifinals , Creighton will play No . 5 seed Indiana State .", "d", friday)
    assert ahead[0].value == "2013-03-09"
    said = find_dates("Lohan's attorney said Thursday the actress will stay in rehab .", "d", dt.date(2013, 5, 3))
    assert said[0].value == "2013-05-02"


def test_month_day_inherits_a_year_stated_earlier_in_the_sentence():
    text = "Ortiz was killed June 24 , 2005 while investigating a June 20 shooting ."
    refs = find_dates(text, "d", dt.date(2007, 3, 20))
    assert [r.value for r in refs] == ["2005-06-24", "2005-06-20"]


def test_abbreviated_month_with_a_spaced_period():
    refs = find_dates("Financial details of the acquisition , announced Nov . 12 , were not disclosed .", "d", dt.date(2007, 11, 12))
    assert refs[0].value == "2007-11-12"
