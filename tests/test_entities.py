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


def test_role_phrase_refers_back_to_the_one_person_holding_it():
    ents = resolve(_mentions(
        "Foreign Secretary Jalil Abbas Jilani was in Moscow on Wednesday. "
        "The Foreign Secretary met his Russian counterpart. Jilani said talks went well."
    ))
    jilani = _person(ents, "Jalil Abbas Jilani")
    assert {"Foreign Secretary", "Jilani"} <= set(jilani.aliases) | {jilani.name}


def test_pronouns_and_repeated_descriptions_join_their_antecedent():
    from rashomon.entities import mention_for_span
    from rashomon.model import Mention

    text = "Lindsay Lohan checked into rehab on Thursday . She left the facility later . The facility is in Malibu ."
    doc = nlp.parse(text)
    spans = [("Lindsay Lohan", "PERSON"), ("She", "PERSON"), ("facility", "FAC"), ("The facility", "FAC")]
    mentions: list[Mention] = []
    pos = 0
    for s, label in spans:
        start = text.index(s, pos)
        mentions.append(mention_for_span(doc, "d", start, start + len(s), label))
        pos = start + len(s)
    resolve(mentions)
    assert mentions[0].entity == mentions[1].entity
    assert mentions[2].entity == mentions[3].entity != mentions[0].entity


def test_spelled_out_initials_and_corporate_suffixes_meet():
    from rashomon.entities.keys import _org_key

    assert _org_key("U . S . Geological Survey") == _org_key("US Geological Survey")
    assert _org_key("the Hewlett - Packard Co .") == _org_key("Hewlett-Packard")
    assert _org_key("the Betty Ford Centre in Rancho Mirage , Calif") == _org_key("Betty Ford Center")


def test_team_short_name_joins_its_full_name_across_reports():
    ents = resolve(_mentions(
        "The Indianapolis Colts beat the Kansas City Chiefs 20-13 on Sunday.",
        "The Colts clinched a playoff berth after the Chiefs lost again.",
    ))
    chiefs = [e for e in ents if "Chiefs" in e.name or "Chiefs" in e.aliases]
    assert len(chiefs) == 1 and len(chiefs[0].documents) == 2
    assert chiefs[0].name == "Kansas City Chiefs"


def test_different_given_names_never_merge_even_across_reports():
    ents = resolve(_mentions(
        "Saints running back Pierre Thomas was placed on injured reserve.",
        "Dallas linebacker Zach Thomas signed a new contract.",
    ))
    assert _person(ents, "Pierre Thomas") is not _person(ents, "Zach Thomas")


def test_a_titles_country_is_read_on_the_whole_place_name():
    from rashomon import nlp as _nlp
    from rashomon.entities import find_mentions as _find

    doc = _nlp.parse("South Sudan's President Salva Kiir met Sudanese President Omar al-Bashir . "
                     "North Korean leader Kim Jong Un did not attend .")
    people = {m.name: m.country for m in _find(doc, "d") if m.type == "PERSON"}
    assert people["Salva Kiir"] == "SSD"
    assert people["Omar al-Bashir"] == "SDN"
    assert people["Kim Jong Un"] == "PRK"
