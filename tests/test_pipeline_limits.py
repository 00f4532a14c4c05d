"""A pathological document is reported and skipped; it cannot stall the rest of the batch."""

import time

from rashomon import limits, pipeline


def test_a_document_over_the_time_limit_is_reported_and_the_batch_goes_on(tmp_path, seeds_dir, monkeypatch):
    for page in seeds_dir.glob("*.txt"):
        (tmp_path / page.name).write_bytes(page.read_bytes())
    slow_name = "002_ee0f5a839f1013a6.txt"
    real = pipeline.analyse_document

    def analyse(document, parsed):
        if document.path.endswith(slow_name):
            time.sleep(5)  # stands for a document that would take far too long
        return real(document, parsed)

    monkeypatch.setattr(pipeline, "analyse_document", analyse)
    monkeypatch.setenv("RASHOMON_DOCUMENT_SECONDS", "1")
    limits.configure(document_seconds=1)
    try:
        started = time.monotonic()
        analysis = pipeline.analyze([tmp_path], workers=1)
        assert time.monotonic() - started < 5
    finally:
        limits.configure(document_seconds=limits.Limits().document_seconds)
    assert len(analysis.documents) == 1 and len(analysis.stories) == 1
    assert any(e.path.endswith(slow_name) and "time" in e.reason.lower() for e in analysis.errors)
