"""Entities: named-entity mentions per document, then one entity per real thing across documents.

Mentions come from spaCy's NER. Titles written beside a name are split off and kept: the rank
("Gen", "Col Gen") and the role ("Army Chief", "Russian ground forces chief"), with the country a
role names ("Russian ...", "Pakistan's ..."). Resolution merges mentions of one person across
spellings (Kayani / Kiyani) only when the surnames are close *and* the given names and roles do
not contradict each other, so two people who share a surname stay apart.

Coreference beyond names runs in three layers, each a pure function of the mentions:
- within a report: pronouns to the nearest agreeing antecedent (a gendered, named one before a
  merely nearer one), a description written where a name's title is ("her rep Jack Ketsoyan"),
  the same head noun in the same number, and, once the report is read, a description of one
  thing to the report's main named thing of its kind (never a relation such as "her lawyer" or
  an office such as "the Surgeon General");
- within a story (the pipeline resolves one story at a time; `resolve(story_of=...)` takes a
  mapping when several are resolved at once): an unnamed chain joins the named thing its head
  noun describes elsewhere in the story, the place or body its inner name keys to ("Qeshm island
  off Iran's southern coast"), the day its weekday fell on, the dated moment its clock time names,
  or the story's main thing of its kind; groups of people join by their fate (`Mention.head_verb`:
  the killed, the injured);
- across stories: names only (spellings, acronyms, short forms, country codes, calendar values).
Measured on ECB+ by benchmarks/coreference.py.

Modules, in the order the work runs: `mentions` (names and titles in one parse), `folding` and
`keys` (the forms and keys mentions are compared by), `document` (chains inside one report),
`resolve` (chains joined within a story and across stories).
"""

from rashomon.entities.document import SALIENT_MIN
from rashomon.entities.keys import duration_days, similar_surnames
from rashomon.entities.mentions import (
    KEPT_TYPES, find_mentions, head_verb, lexicon, mention_for_span, person_name, role_of, sector,
)
from rashomon.entities.resolve import by_document, resolve

__all__ = [
    "KEPT_TYPES", "SALIENT_MIN", "by_document", "duration_days", "find_mentions", "head_verb", "lexicon",
    "mention_for_span", "person_name", "resolve", "role_of", "sector", "similar_surnames",
]
