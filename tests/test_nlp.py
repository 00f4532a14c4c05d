"""The NLP entry point: one model per process, parses that stages can slice cheaply."""

from rashomon import nlp

REPORT = ("BEIJING: A strong earthquake struck southwest China's Yunnan province on Monday, killing at least "
          "27 people and injuring more than 300, state media said.\n\nRescuers reached the town of Ludian late "
          "on Monday.")


def test_the_model_is_loaded_once_per_process():
    assert nlp.load() is nlp.load()


def test_text_of_is_the_parsed_text_and_is_computed_once():
    doc = nlp.parse(REPORT)
    assert nlp.text_of(doc) == doc.text == REPORT
    assert nlp.text_of(doc) is nlp.text_of(doc)


def test_parse_many_gives_the_same_analysis_as_parse():
    texts = [REPORT, "Typhoon Haiyan struck the central Philippines on Friday, officials said."]
    batch = list(nlp.parse_many(texts))
    for text, doc in zip(texts, batch):
        single = nlp.parse(text)
        assert [(t.text, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i) for t in doc] == \
               [(t.text, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i) for t in single]
        assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in single.ents]
    assert "China" in [e.text for e in batch[0].ents if e.label_ == "GPE"]


# The memoised attribute ruler + lemmatizer (rashomon.nlp_memo) must annotate exactly like the
# pipeline as shipped. Quotes and colloquial speech exercise the two-token patterns ("There were",
# "Let's", "gonna", "gotta", "ain't", "y'all"), which must be annotated in context.
COLLOQUIAL = ("There were no survivors, and there's little hope left. \"Let's be clear: we ain't gonna stop, "
              "we gotta keep going,\" he told y'all on Tuesday. There is talk of more. C'mon, said Ms. Reyes.")


def _signature(doc):
    return ([(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_,
              t.ent_type_, t.is_sent_start) for t in doc], [(e.start, e.end, e.label_) for e in doc.ents])


def _ecbplus_texts(n):
    import json
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ecbplus" / "docs.json"
    if not docs.exists():
        return []
    return [d["text"] for d in json.loads(docs.read_text("utf-8"))[:n]]


def test_the_memoised_ruler_and_lemmatizer_replace_the_shipped_ones():
    names = nlp.load().pipe_names
    assert "rashomon_memo_attrs" in names
    assert "attribute_ruler" not in names and "lemmatizer" not in names


def test_memoised_annotation_is_identical_to_the_shipped_pipeline_on_real_news():
    texts = [REPORT, COLLOQUIAL, COLLOQUIAL.lower()] + _ecbplus_texts(40)
    reference = nlp.load_reference()
    memo = nlp.load().get_pipe("rashomon_memo_attrs")
    runs = memo.runs
    for _ in range(2):  # once filling the table, once reading it
        for text, doc in zip(texts, nlp.parse_many(texts)):
            assert _signature(doc) == _signature(reference(text)), text[:80]
    assert memo.runs > runs  # the two-token patterns did match and were annotated in context
    there = nlp.parse("There were no survivors.")
    assert (there[1].pos_, there[1].lemma_) == ("VERB", "be")  # the expletive pattern's POS, in context
