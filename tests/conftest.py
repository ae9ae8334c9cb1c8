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


#: A small real corpus: the French resolution, the 55 English Markdown resolutions,
#: a few raw-text resolutions (A/RES/80/7 duplicates its Markdown twin) and the UDHR.
SAMPLE = [
    RESOLUTIONS / "fr",
    RESOLUTIONS / "en-md",
    RESOLUTIONS / "en-txt" / "A_RES_78_1.txt",
    RESOLUTIONS / "en-txt" / "A_RES_78_220.txt",
    RESOLUTIONS / "en-txt" / "A_RES_80_7.txt",
    CORPUS / "udhr",
]


def _built(tmp_path_factory, name: str, paths: list[Path]) -> Path:
    import search

    index_dir = tmp_path_factory.mktemp(name)
    report = search.ingest(paths, index_dir)
    assert report.ok, report.failures
    return index_dir


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, corpus) -> Path:
    """An index of :data:`SAMPLE`, built once for the test session."""
    return _built(tmp_path_factory, "index", SAMPLE)


@pytest.fixture(scope="session")
def ix(sample_index):
    import search

    with search.open_index(sample_index) as index:
        yield index


#: The Declaration and the Charter in the six official languages.
SIX = [CORPUS / "udhr", CORPUS / "charter"]
LANGS = ("ar", "en", "es", "fr", "ru", "zh")


@pytest.fixture(scope="session")
def six_index(tmp_path_factory, corpus) -> Path:
    """An index of :data:`SIX`, built once for the test session."""
    import search

    index_dir = tmp_path_factory.mktemp("six")
    report = search.ingest(SIX, index_dir)
    assert report.ok, report.failures
    return index_dir


@pytest.fixture(scope="session")
def six(six_index):
    import search

    with search.open_index(six_index) as index:
        yield index


#: A recurring resolution in three sessions (South-South cooperation: A/RES/78/167,
#: 79/236, 80/156), its French forerunner A/RES/58/220, and two unrelated resolutions.
SERIES = [
    RESOLUTIONS / "fr",
    *(RESOLUTIONS / "en-txt" / f"A_RES_{n}.txt" for n in ("78_167", "79_236", "80_156")),
    RESOLUTIONS / "en-txt" / "A_RES_78_1.txt",
    RESOLUTIONS / "en-txt" / "A_RES_80_7.txt",
]


@pytest.fixture(scope="session")
def series_index(tmp_path_factory, corpus) -> Path:
    """An index of :data:`SERIES`, built once for the test session."""
    return _built(tmp_path_factory, "series", SERIES)


@pytest.fixture(scope="session")
def series_ix(series_index):
    import search

    with search.open_index(series_index) as index:
        yield index


@pytest.fixture()
def run_series(series_index):
    """``unsearch ARGS… --index`` the :data:`SERIES` index, through click's CliRunner."""
    from click.testing import CliRunner

    from search.cli import main

    def invoke(*args, **kwargs):
        return CliRunner().invoke(main, [*args, "--index", str(series_index)], **kwargs)

    return invoke


#: Resolutions tied to a series other than by their title, and unrelated ones that
#: must stay apart (see tests/test_history.py): a renamed series (freedom of religion
#: "or"/"and" belief), a series under one agenda item whose titles change (nuclear
#: disarmament verification), titles that differ by their year (Working Capital
#: Fund), two territories under one agenda item (Anguilla, Bermuda), two series that
#: recall each other (youth/women, disarmament and non-proliferation), two
#: graduations from the least developed country category, and two budget series of
#: every year (questions, special subjects).
KIN = [
    RESOLUTIONS / "en-txt" / f"A_RES_{n}.txt"
    for n in (
        "78_212", "79_174", "80_202",
        "78_239", "79_240", "80_53",
        "78_256", "79_261", "80_246",
        "78_87", "79_100", "80_91", "78_88", "79_101", "80_92",
        "78_31", "79_57", "80_55",
        "78_125", "79_230",
        "78_252", "79_257", "78_253", "79_258",
        "78_158", "79_212", "80_143", "78_314",
    )
]  # fmt: skip


@pytest.fixture(scope="session")
def kin_ix(tmp_path_factory, corpus):
    """An index of :data:`KIN`, built once for the test session."""
    import search

    with search.open_index(_built(tmp_path_factory, "kin", KIN)) as index:
        yield index


#: What the web app is tested on: :data:`SERIES`, the UDHR in six languages (twins),
#: and a fixture whose text holds markup.
WEB_SAMPLE = [*SERIES, CORPUS / "udhr", FIXTURES / "web" / "A_RES_99_1.txt"]


@pytest.fixture(scope="session")
def web_index(tmp_path_factory, corpus) -> Path:
    """An index of :data:`WEB_SAMPLE`, built once for the test session."""
    import search

    index_dir = tmp_path_factory.mktemp("web-index")
    report = search.ingest(WEB_SAMPLE, index_dir)
    assert report.ok, report.failures
    return index_dir


@pytest.fixture(scope="session")
def live_server(web_index):
    """``unsearch serve`` on a free loopback port, as a separate process; yields its URL."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", "0", "--index", str(web_index)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()  # "serving INDEX/ on http://127.0.0.1:PORT/ (…)"
        assert " on http://127.0.0.1:" in line, line
        yield line.split(" on ", 1)[1].split()[0].rstrip("/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
