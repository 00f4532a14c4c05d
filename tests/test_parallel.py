"""Per-document work gives the same analysis on one process, a local pool and a Dask cluster."""

import shutil

import pytest

from rashomon import parallel
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
