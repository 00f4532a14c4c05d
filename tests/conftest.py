"""Shared fixtures: the seed pages analysed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
DAWN = "000_598838a85e0f55ed.txt"
DND = "002_ee0f5a839f1013a6.txt"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed pages: ../shared/seeds when present, else the copy bundled in examples/."""
    shared = SHARED / "seeds"
    return shared if shared.is_dir() else EXAMPLES


@pytest.fixture(scope="session")
def seed_analysis(seeds_dir):
    from rashomon import analyze

    return analyze([seeds_dir])


@pytest.fixture(scope="session")
def docs_by_file(seed_analysis):
    return {Path(d.path).name: d for d in seed_analysis.documents}
