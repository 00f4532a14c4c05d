"""Per-document work gives the same analysis on one process, a local pool and a Dask cluster."""

import shutil

import pytest

from rashomon import parallel
from rashomon.model import to_dict
from rashomon.pipeline import analyze


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    """The seed pages plus short real-looking reports, spread over several batches."""
    for page in seeds_dir.glob("*.txt"):
        shutil.copy(page, tmp_path / page.name)
    reports = {
        "quake.txt": "Quake kills 27 in Yunnan\n\nPublished March 11, 2014\n\nBEIJING: A strong earthquake struck "
                     "southwest China's Yunnan province on Monday, killing at least 27 people and injuring more than "
                     "300, state media said.\n",
        "storm.txt": "Storm hits Manila\n\nPublished November 8, 2013\n\nMANILA: Typhoon Haiyan struck the central "
                     "Philippines on Friday, forcing 800,000 people from their homes, officials said.\n",
        "bad.txt": "",
    }
    for name, text in reports.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_local_pool_and_in_process_give_identical_results(corpus, monkeypatch):
    monkeypatch.setattr(parallel, "BATCH_FILES", 1)
    single = analyze([corpus], workers=1)
    pooled = analyze([corpus], workers=2)
    assert pooled.to_json() == single.to_json()
    assert len(single.stories) == 3 and len(single.errors) == 1


def test_dask_local_cluster_gives_identical_results(corpus, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(parallel, "BATCH_FILES", 2)
    single = analyze([corpus], workers=1)
    distributed = analyze([corpus], workers=2, dask_local=True)
    assert distributed.to_json() == single.to_json()


def test_stream_gives_the_batch_stories(corpus):
    from rashomon.stream import analyze_stream

    batch = analyze([corpus], workers=1)
    errors = []
    finished = list(analyze_stream([corpus], errors))
    key = lambda s: (s.event_date or "", s.headline)  # noqa: E731
    streamed = sorted((f.story for f in finished), key=key, reverse=True)
    assert [to_dict(s) for s in streamed] == [to_dict(s) for s in batch.stories]
    documents = {d.id: to_dict(d) for f in finished for d in f.documents}
    assert documents == {d.id: to_dict(d) for d in batch.documents}
    assert [e.path for e in errors] == [e.path for e in batch.errors]


def test_stream_finishes_a_story_once_it_is_past_the_horizon(corpus):
    """Storm (2013-11-08), then two quake reports (2014-03-11, 123 days later): no article can join
    the storm story any more, so it comes out as soon as the stream's clock (the median of recent
    dates, so one report alone does not move it) reaches the quake, not at the end of the stream."""
    import dataclasses

    from rashomon.pipeline import iter_layers
    from rashomon.stream import StoryStream

    layers = {l.document.path.split("/")[-1]: l for l in iter_layers([corpus / "storm.txt", corpus / "quake.txt"], [])}
    quake = layers["quake.txt"]
    second_quake = dataclasses.replace(quake, document=dataclasses.replace(quake.document, id="second-quake-report"))
    stream = StoryStream()
    assert stream.add(layers["storm.txt"]) == []
    assert stream.add(quake) == []
    finished = stream.add(second_quake)
    assert [f.story.documents for f in finished] == [[layers["storm.txt"].document.id]]
    assert "Haiyan" in finished[0].story.headline + finished[0].documents[0].text
    assert [f.story.documents for f in stream.close()] == [[quake.document.id, "second-quake-report"]]
    assert stream.clusterer.stories() == []  # finished stories leave the clusterer: memory stays bounded


def test_one_misdated_article_does_not_stop_the_stream_from_finishing_stories(corpus, monkeypatch):
    """A date read wrongly (a future year) must not become the stream's clock: later, correctly
    dated articles still finish the stories they leave behind, so memory stays bounded."""
    import dataclasses
    import datetime as dt

    from rashomon import stream as stream_module
    from rashomon.pipeline import iter_layers
    from rashomon.stream import StoryStream

    monkeypatch.setattr(stream_module, "CLOCK_WINDOW", 3)
    layers = {l.document.path.split("/")[-1]: l for l in iter_layers([corpus / "storm.txt", corpus / "quake.txt"], [])}
    storm, quake = layers["storm.txt"], layers["quake.txt"]

    def dated(layer, day):
        return dataclasses.replace(layer, cluster_item=dataclasses.replace(layer.cluster_item, published=day))

    def renamed(layer, doc_id):
        return dataclasses.replace(layer, document=dataclasses.replace(layer.document, id=doc_id))

    stream = StoryStream()
    assert stream.add(storm) == []
    assert stream.add(dated(quake, dt.date(2031, 1, 1))) == []  # misdated: the clock stays in 2013
    assert stream.clock == dt.date(2013, 11, 8)
    finished = stream.add(renamed(dated(quake, dt.date(2014, 6, 2)), "june-report"))
    assert stream.clock == dt.date(2014, 6, 2)  # the lower median of 2013-11-08, 2031, 2014-06-02
    assert [f.story.documents for f in finished] == [[storm.document.id]]


def test_a_story_without_any_date_is_finished_after_enough_arrivals(corpus, monkeypatch):
    import dataclasses

    from rashomon import stream as stream_module
    from rashomon.pipeline import iter_layers
    from rashomon.stream import StoryStream

    monkeypatch.setattr(stream_module, "UNDATED_QUIET_ARRIVALS", 2)
    layers = {l.document.path.split("/")[-1]: l for l in iter_layers([corpus / "storm.txt", corpus / "quake.txt"], [])}
    undated = dataclasses.replace(layers["storm.txt"], cluster_item=dataclasses.replace(layers["storm.txt"].cluster_item, published=None))
    stream = StoryStream()
    assert stream.add(undated) == []
    assert stream.add(layers["quake.txt"]) == []
    finished = stream.add(dataclasses.replace(layers["quake.txt"], document=dataclasses.replace(layers["quake.txt"].document, id="copy")))
    assert [f.story.documents for f in finished] == [[undated.document.id]]
