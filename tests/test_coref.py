"""Coreference of descriptions, pronouns, titles and times, within a report and across a story.

The spans below are the mentions an annotator (or the product's NER) hands the resolver; the
sentences are from ECB+ reports (tokenised as in the corpus) or close to them.
"""

from rashomon import nlp, timex
from rashomon.entities import duration_days, mention_for_span, person_name, resolve
from rashomon.model import Mention


def _spans(text: str, document: str, spans: list[tuple[str, str]]) -> list[Mention]:
    """Mentions for the given (surface, type) spans, found left to right in the parsed text;
    dates are read against the first full date the text states, as for a real report."""
    doc = nlp.parse(text)
    anchor = timex.document_anchor(None, text)
    out, pos = [], 0
    for surface, label in spans:
        start = text.index(surface, pos)
        out.append(mention_for_span(doc, document, start, start + len(surface), label, anchor))
        pos = start + len(surface)
    return out


def _entity_of(mentions: list[Mention], text: str, nth: int = 0) -> str | None:
    return [m for m in mentions if m.text == text][nth].entity


def test_a_description_alone_in_one_report_is_the_person_the_story_describes_so():
    a = _spans("Actress Tara Reid has checked herself into rehab . The actress entered Promises on Tuesday .",
               "a", [("Tara Reid", "PERSON"), ("actress", "PERSON")])
    b = _spans("The actress is being treated , a source said .", "b", [("actress", "PERSON")])
    mentions = a + b
    resolve(mentions, story_of={"a": "s1", "b": "s1"})
    assert b[0].entity == a[0].entity
    # in another story, the same word is not evidence of the same person
    for m in mentions:
        m.entity = None
    resolve(mentions, story_of={"a": "s1", "b": "s2"})
    assert b[0].entity != a[0].entity


def test_she_goes_to_the_woman_named_not_to_her_rep():
    text = ("Tara Reid has entered Promises Treatment Center , her rep told People . "
            "She checked in herself , it was her decision .")
    mentions = _spans(text, "d", [("Tara Reid", "PERSON"), ("rep", "PERSON"), ("She", "PERSON")])
    resolve(mentions)
    assert mentions[2].entity == mentions[0].entity != mentions[1].entity


def test_a_title_written_beside_a_name_is_that_persons_description():
    text = "In a statement , her rep Jack Ketsoyan confirmed that she was at the clinic ."
    mentions = _spans(text, "d", [("rep", "PERSON"), ("Jack Ketsoyan", "PERSON")])
    resolve(mentions)
    assert mentions[0].entity == mentions[1].entity


def test_a_title_inside_the_mention_is_split_from_the_name():
    assert person_name("Attorney Shawn Holley") == ("Shawn Holley", "Attorney")
    assert person_name("attorney , Shawn Holley") == ("Shawn Holley", "attorney")
    assert person_name("Regina Benjamin , MD") == ("Regina Benjamin", None)
    assert person_name("Charles de Gaulle") == ("Charles de Gaulle", None)
    assert person_name("Surgeon General of the United States")[0] == "Surgeon General of the United States"
    a = _spans("Lohan was represented by Attorney Shawn Holley .", "a", [("Attorney Shawn Holley", "PERSON")])
    b = _spans("Shawn Holley said her client would comply .", "b", [("Shawn Holley", "PERSON")])
    resolve(a + b)
    assert a[0].entity == b[0].entity and a[0].role == "Attorney"


def test_a_facility_short_name_joins_its_full_name_but_two_people_sharing_a_surname_do_not_merge():
    a = _spans("Tara Reid entered Malibu Promises Treatment Center on Tuesday .", "a",
               [("Malibu Promises Treatment Center", "FAC")])
    b = _spans("Reid is at Promises , People reported .", "b", [("Promises", "FAC")])
    resolve(a + b, story_of={"a": "s", "b": "s"})
    assert a[0].entity == b[0].entity
    c = _spans("Peyton Manning threw two touchdowns . Eli Manning watched .", "c",
               [("Peyton Manning", "PERSON"), ("Eli Manning", "PERSON")])
    resolve(c)
    assert c[0].entity != c[1].entity


def test_lengths_of_time_meet_by_their_value_and_points_in_time_are_not_lengths():
    assert duration_days("a 90 - day") == duration_days("three - month") == duration_days("90 days") == 90
    assert duration_days("two years ago") is None
    a = _spans("Lohan was sentenced to a 90 - day stay in rehab .", "a", [("a 90 - day", "DATE")])
    b = _spans("She must spend three months in a treatment facility .", "b", [("three months", "DATE")])
    resolve(a + b)
    assert a[0].entity == b[0].entity


def test_an_undated_weekday_is_the_day_of_the_story_that_fell_on_it():
    a = _spans("Thursday , May 2 , 2013 . Lohan checked into Betty Ford on Thursday .", "a", [("on Thursday", "DATE")])
    b = _spans("Lohan checked into rehab Thursday , her lawyer said .", "b", [("Thursday", "DATE")])
    resolve(a + b, story_of={"a": "s", "b": "s"})
    assert a[0].name == "2013-05-02" and b[0].name == "Thursday"  # b states no date of its own
    assert a[0].entity == b[0].entity


def test_an_acronym_that_is_also_a_pronoun_is_a_name():
    mentions = _spans("The US and Russia signed the deal . It was welcomed .", "d",
                      [("US", "GPE"), ("Russia", "GPE")])
    ents = resolve(mentions)
    assert {e.name for e in ents} == {"US", "Russia"}


def test_a_place_owned_by_its_country_and_a_body_named_with_of_keep_their_own_names():
    from rashomon.entities.keys import _org_key

    assert _org_key("Indonesia's Aceh province") == _org_key("northwestern Indonesian province of Aceh") == "aceh"
    assert _org_key("McDonald's Corp") == "mcdonald"  # a possessor that is no place stays in the name
    assert _org_key("United States Geological Survey") == _org_key("U . S . Geological Survey")
    assert _org_key("Organisation of Islamic Conference") != _org_key("Organisation")


def test_two_organisations_sharing_a_word_are_not_one_and_the_acronym_finds_its_own():
    from rashomon.entities import find_mentions

    text = ("Russia supported Pakistan becoming a member of the Shanghai Cooperation Organisation (SCO). "
            "Pakistan is in the Organisation of Islamic Conference. Russia backed Pakistan in the SCO.")
    ents = resolve(find_mentions(nlp.parse(text), "d"))
    sco = next(e for e in ents if "SCO" in e.aliases + [e.name])
    assert sco.name == "Shanghai Cooperation Organisation"
    assert not any("Islamic" in a for a in sco.aliases + [sco.name])


def test_counts_of_people_meet_by_their_number_and_a_crowd_is_not_one_woman():
    a = _spans("Yvonne Hiller shot two co-workers . The woman fled . The women were killed .", "a",
               [("Yvonne Hiller", "PERSON"), ("two co-workers", "PERSON"), ("woman", "PERSON"), ("women", "PERSON")])
    resolve(a)
    assert a[2].entity == a[0].entity  # "the woman" is Hiller
    assert a[3].entity != a[0].entity and a[1].entity != a[0].entity  # the victims are not
    b = _spans("The quake killed 80 people .", "b", [("80 people", "PERSON")])
    c = _spans("Officials said 80 died .", "c", [("80", "PERSON")])
    resolve(b + c)
    assert b[0].entity == c[0].entity


def test_groups_of_people_are_told_apart_by_their_fate_and_joined_across_reports_by_it():
    # ECB+ topic 20 (the Qeshm earthquake): the dead and the injured, counted differently per report
    a = _spans("The earthquake killed 10 people and injured dozens on Qeshm island .", "a",
               [("10 people", "PERSON"), ("dozens", "PERSON")])
    b = _spans("Several persons died and 80 others were wounded , officials said .", "b",
               [("Several persons", "PERSON"), ("80 others", "PERSON")])
    assert [m.head_verb for m in a + b] == ["kill", "injure", "die", "wound"]
    mentions = a + b
    resolve(mentions, story_of={"a": "s", "b": "s"})
    dead, injured = {a[0].entity, b[0].entity}, {a[1].entity, b[1].entity}
    assert len(dead) == 1 and len(injured) == 1 and dead != injured


def test_she_is_never_the_women_a_report_counts():
    text = ("Yvonne Hiller shot and killed two women at the plant . She was suspended earlier that day , "
            "and she returned with a gun .")
    mentions = _spans(text, "d", [("Yvonne Hiller", "PERSON"), ("women", "PERSON"), ("She", "PERSON"), ("she", "PERSON")])
    resolve(mentions)
    assert mentions[2].entity == mentions[3].entity == mentions[0].entity != mentions[1].entity


def test_a_clock_time_without_a_day_is_the_moment_another_report_dates():
    # ECB+ topic 38: "at 2 : 09 a . m" alone, and "today shortly after 2 : 09 am PST" in a dated report
    a = _spans("March 14 , 2013 . A 4.4 earthquake struck today shortly after 2 : 09 am PST near The Geysers .",
               "a", [("today shortly after 2 : 09 am PST", "DATE")])
    b = _spans("The quake hit at 2 : 09 a . m , the USGS said .", "b", [("at 2 : 09 a . m", "DATE")])
    mentions = a + b
    resolve(mentions, story_of={"a": "s", "b": "s"})
    assert a[0].entity == b[0].entity
    for m in mentions:
        m.entity = None
    resolve(mentions, story_of={"a": "s1", "b": "s2"})  # another story's moment is not evidence
    assert a[0].entity != b[0].entity
