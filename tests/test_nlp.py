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
