"""Shared fixtures: the real UN documents live in ../shared/corpus, read in place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("UNSEARCH_TEST_CORPUS", ROOT.parent / "shared" / "corpus"))
RESOLUTIONS = CORPUS / "resolutions"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared UN corpus is missing: {CORPUS}")
    return CORPUS
