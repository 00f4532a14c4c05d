"""Claims keep the sentence's own main verb: a reduced relative ("X, announced Nov. 12, ...") that the
parser made the root modifies its subject and never heads the claim. Real ECB+ sentences."""

from __future__ import annotations

from rashomon import nlp, pipeline
from rashomon.claims import _main_verb
from rashomon.model import Document


def _claims(text: str):
    doc = Document(id="d", path="d", text=text, published="2013-08-29")
    return pipeline.analyse_document(doc, nlp.load()(text)).claims


def test_a_participle_modifier_does_not_take_over_the_main_clause():
    text = "Financial details of the acquisition, announced Nov. 12, were not disclosed."
    parsed = next(nlp.load()(text).sents)
    assert parsed.root.lower_ == "announced"  # the parse this guards against
    assert _main_verb(parsed).lower_ == "disclosed"
    [claim] = _claims(text)
    assert claim.predicate == "disclose"
    assert claim.negated  # "were not disclosed" is what the sentence states
    assert claim.subject.startswith("Financial details") and "announced" not in claim.subject
    assert claim.text == text.rstrip(".")  # the participle stays inside its subject's noun phrase
    assert ("say", False) in claim.polarity and ("disclose", True) in claim.polarity
    assert claim.quantities == []  # "Nov. 12" is a date, not a count


def test_the_main_verb_keeps_its_own_slots():
    text = "O'Brien, fired on June 8, is seeking up to $6 million in a breach-of-contract suit against Ohio State."
    claim = _claims(text)[0]
    assert claim.predicate == "seek"
    assert not claim.negated
    assert [(q.value, q.unit, q.qualifier) for q in claim.quantities] == [(6e6, "USD", "at most")]


def test_a_list_of_past_verbs_after_an_apposition_is_not_a_reduced_relative():
    text = ("Hiller, a suspended Kraft Foods employee at the company's Philadelphia factory, returned Thursday "
            "evening, gunned down two women and leaving a man wounded with shots to the neck and shoulder.")
    sent = next(nlp.load()(text).sents)
    assert _main_verb(sent).i == sent.root.i
    assert _claims(text)[0].predicate == "return"
