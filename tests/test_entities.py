"""Entities: titles split from names, one entity per person across spellings, never one for two."""

from rashomon import nlp
from rashomon.entities import find_mentions, resolve


def _mentions(*texts):
    out = []
    for i, text in enumerate(texts):
        out.extend(find_mentions(nlp.parse(text), f"doc{i}"))
    return out


def _person(entities, alias):
    return next(e for e in entities if e.type == "PERSON" and (e.name == alias or alias in e.aliases))


def test_rank_and_role_are_kept_beside_the_name():
    ms = _mentions("Russian ground forces chief Col Gen Vladimir V. Chirkin was here this month.")
    chirkin = next(m for m in ms if m.type == "PERSON")
    assert chirkin.name == "Vladimir V. Chirkin"
    assert chirkin.rank == "Col Gen"
    assert chirkin.role == "ground forces chief"
    assert chirkin.country == "RUS"


def test_transliterated_surnames_of_one_person_are_merged():
    ents = resolve(_mentions(
        "Army Chief Gen Kayani visited Russia for the second time last year.",
        "Pakistan's army chief Gen Ashfaq Kiyani visited Moscow last year.",
    ))
    assert _person(ents, "Kayani") is _person(ents, "Ashfaq Kiyani")


def test_two_people_sharing_a_surname_stay_apart():
    ents = resolve(_mentions(
        "Former President George Bush praised the rescue workers in Texas.",
        "Florida Governor Jeb Bush announced the state budget on Monday.",
    ))
    assert _person(ents, "George Bush") is not _person(ents, "Jeb Bush")


def test_short_form_is_not_merged_when_two_full_names_could_claim_it():
    ents = resolve(_mentions(
        "Hillary Clinton met the envoy. Bill Clinton spoke later. Clinton left early.",
    ))
    assert _person(ents, "Hillary Clinton") is not _person(ents, "Bill Clinton")


def test_demonyms_and_capitals_map_to_countries():
    ms = _mentions("The Russian delegation flew from Moscow to Islamabad to meet Pakistani officials.")
    countries = {m.text: m.country for m in ms}
    assert countries["Russian"] == "RUS" and countries["Moscow"] == "RUS"
    assert countries["Islamabad"] == "PAK" and countries["Pakistani"] == "PAK"


def test_acronym_joins_its_organisation():
    ents = resolve(_mentions(
        "Russia supported Pakistan becoming a member of the Shanghai Cooperation Organisation (SCO). "
        "Russia helped Pakistan obtain observer status in the SCO."
    ))
    sco = next(e for e in ents if e.type == "ORG" and "SCO" in e.aliases + [e.name])
    assert sco.name == "Shanghai Cooperation Organisation"
