"""Ingest: bad input, incremental runs, the choice of source, crashes and concurrency.

Real resolutions are read in place; the small resolutions and broken files the
tests need are written to ``tmp_path``.  Runs that must die or run alongside the
test are ``python -m search ingest`` processes.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, RESOLUTIONS
from test_pdf import _encrypted_pdf, _one_page, _pdf, _stream

import search
from search import NotFoundError, SearchError, ingest, open_index, read_document
from search.cli import main
from search.documents import FORMAT_RANK, READERS
from search.ingestion import MANIFEST, READER_FORMAT
from search.query import parse

FRENCH = RESOLUTIONS / "fr"
TXT = sorted((RESOLUTIONS / "en-txt").glob("*.txt"))
#: Committed before each crash and concurrency test ...
BASE = [FRENCH, *TXT[:3]]
#: ... and ingested on top of it by the run that is killed or searched meanwhile.
NEW = TXT[3:15]
QUERIES = ["coopération triangulaire", "Secretary-General report", "peacekeeping"]
LOCKED = "is locked: another ingest is writing to it"


# -- helpers ---------------------------------------------------------------------


def resolution(path: Path, symbol: str = "A/RES/99/1", *operative: str) -> Path:
    """Write a small Markdown resolution, made up for the tests, to ``path``."""
    ops = operative or ("Decides to study the quokka in all of its habitats;",)
    body = "\n\n".join(f"{n}. {text}" for n, text in enumerate(ops, start=1))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'---\nsymbol: {symbol}\ntitle: "Quokka protection"\nlanguage: EN\n---\n\n'
        "The General Assembly,\n\n"
        "Recalling its work on the protection of the quokka and of its habitat,\n\n"
        f"{body}\n",
        encoding="utf-8",
    )
    return path


def labels(index_dir: Path, symbol: str) -> list[str]:
    with open_index(index_dir) as ix:
        return [p.paragraph for p in ix.document(symbol)]


def answers(index_dir: Path) -> tuple:
    """Paragraph count and the hits of :data:`QUERIES`: what a user would see."""
    with open_index(index_dir) as ix:
        return _answers(ix)


def _answers(ix: search.Index) -> tuple:
    return len(ix), [[(h.symbol, h.paragraph, h.text) for h in ix.search(q)] for q in QUERIES]


def generation(index_dir: Path) -> int:
    from whoosh.index import open_dir

    return open_dir(str(index_dir)).latest_generation()


def assert_holds(index_dir: Path, files: list[Path]) -> None:
    """The index holds each file's document exactly: every paragraph once, no other."""
    with open_index(index_dir) as ix:
        for file in files:
            for path in sorted(file.glob("*")) if file.is_dir() else [file]:
                doc = read_document(path)
                got = [p.paragraph for p in ix.document(doc.symbol, doc.lang)]
                assert got == [p.label for p in doc.paragraphs], path
        assert len(ix) == sum(
            len(read_document(p).paragraphs)
            for f in files
            for p in (sorted(f.glob("*")) if f.is_dir() else [f])
        )


def run_cli(*args: str) -> subprocess.Popen:
    """``python -m search ARGS`` in the background, stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "search", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def base_index(tmp_path_factory, corpus) -> Path:
    index_dir = tmp_path_factory.mktemp("base") / "index"
    assert ingest(BASE, index_dir).ok
    return index_dir


@pytest.fixture()
def index_dir(base_index, tmp_path) -> Path:
    """A private copy of the base index."""
    return Path(shutil.copytree(base_index, tmp_path / "index"))


# -- bad input -------------------------------------------------------------------


def _image_only_pdf() -> bytes:
    image = _stream(
        b"\x80",
        b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8",
    )
    return _pdf(
        _one_page(b"q 500 0 0 700 56 46 cm /Im1 Do Q", b"/XObject << /Im1 5 0 R >>", [image])
    )


def _truncated_pdf() -> bytes:
    data = (RESOLUTIONS / "en-pdf" / "A_RES_80_7.pdf").read_bytes()
    return data[: len(data) // 2]


NOISE = random.Random(7).randbytes(4096)
BAD_FILES = {
    "empty.md": (lambda: b"", "empty file"),
    "blank.txt": (lambda: b" \n\n\t\n", "empty file"),
    "noise.pdf": (lambda: NOISE, "not a valid PDF (no %PDF header)"),
    "noise.html": (lambda: NOISE, "not an HTML document"),
    "cut.pdf": (_truncated_pdf, "not a valid PDF (truncated)"),
    "locked.pdf": (lambda: _encrypted_pdf(b"secret"), "encrypted PDF"),
    "scan.pdf": (_image_only_pdf, "no text layer: needs OCR"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_reported_while_good_files_are_indexed(tmp_path, corpus, name):
    make, reason = BAD_FILES[name]
    (tmp_path / name).write_bytes(make())
    report = ingest([tmp_path / name, FRENCH], tmp_path / "index")
    assert [(f.path, f.reason) for f in report.failures] == [(str(tmp_path / name), reason)]
    assert (report.documents, report.paragraphs) == (1, 24)
    assert labels(tmp_path / "index", "A/RES/58/220")[:2] == ["T", "PP1"]


def test_missing_path_is_reported(tmp_path, corpus):
    report = ingest([tmp_path / "nowhere.md", FRENCH], tmp_path / "index")
    assert [str(f) for f in report.failures] == [f"{tmp_path / 'nowhere.md'}: no such file"]
    assert report.documents == 1


def test_unreadable_file_is_reported(tmp_path, corpus, monkeypatch):
    locked = resolution(tmp_path / "A_RES_99_1.md")
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = ingest([locked, FRENCH], tmp_path / "index")
    assert [str(f) for f in report.failures] == [f"{locked}: permission denied"]
    assert report.documents == 1


def test_cp1252_and_utf8_with_bom_are_read(tmp_path):
    text = "L'Assemblée générale,\n\nRéaffirme que la coopération Sud-Sud est très importante.\n"
    (tmp_path / "cp1252.txt").write_bytes(text.replace("Sud-Sud", "régionale").encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = ingest([tmp_path], tmp_path / "index")
    assert (report.documents, report.failures) == (2, ())
    with open_index(tmp_path / "index") as ix:
        assert ix.document("cp1252")[-1].text == (
            "Réaffirme que la coopération régionale est très importante."
        )
        assert ix.document("bom")[0].text == "L'Assemblée générale,"
        assert {h.symbol for h in ix.search("coopération")} == {"cp1252", "bom"}


def test_text_on_one_50_mb_line_is_refused(tmp_path, corpus):
    big = tmp_path / "big.txt"
    big.write_bytes(b"the quokka " * (50_000_000 // 11))
    report = ingest([big, FRENCH], tmp_path / "index")
    ((path, reason),) = [(f.path, f.reason) for f in report.failures]
    assert path == str(big)
    assert re.fullmatch(
        r"paragraph P1 has 49,99\d,\d{3} characters \(at most 100,000\): "
        "the text is not split into paragraphs",
        reason,
    )
    assert report.documents == 1


def test_html_scripts_styles_frames_and_deep_nesting(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><script>var quokka = 1;</script><style>p { color: red }</style></head>"
        "<body><iframe src='ad.html'>quokka advertisement</iframe>"
        + "<div>" * 10_000
        + "<p>The General Assembly welcomes the quokka survey.</p>"
        + "</div>" * 10_000
        + "</body></html>"
    )
    report = ingest([page], tmp_path / "index")
    assert (report.documents, report.failures) == (1, ())
    with open_index(tmp_path / "index") as ix:
        assert [h.text for h in ix.search("quokka")] == [
            "The General Assembly welcomes the quokka survey."
        ]


def test_cli_prints_one_line_per_failure_and_a_summary(tmp_path, corpus):
    for name in ("empty.md", "noise.pdf", "locked.pdf"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes(BAD_FILES[name][0]())
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(
        main, ["ingest", str(FRENCH), str(tmp_path / "in"), str(missing), "--index", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert result.stdout == "indexed 24 paragraphs from 1 documents; 4 files failed\n"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(errors) == sorted(
        [
            f"error: {tmp_path / 'in' / 'empty.md'}: empty file",
            f"error: {tmp_path / 'in' / 'noise.pdf'}: not a valid PDF (no %PDF header)",
            f"error: {tmp_path / 'in' / 'locked.pdf'}: encrypted PDF",
            f"error: {missing}: no such file",
        ]
    )
    assert "Traceback" not in result.output


def test_cli_exits_0_without_failures(tmp_path, corpus):
    result = CliRunner().invoke(main, ["ingest", str(FRENCH), "--index", str(tmp_path)])
    assert (result.exit_code, result.stdout) == (0, "indexed 24 paragraphs from 1 documents\n")


@pytest.mark.parametrize("procs", [1, 2])
def test_writing_the_index_is_announced_after_the_last_file(tmp_path, procs):
    events = []
    index_dir = tmp_path / "ix"

    def committing() -> None:
        events.append(("committing", generation(index_dir)))

    report = ingest(
        BASE, index_dir, procs=procs, progress=lambda p: events.append(p), committing=committing
    )
    assert report.documents == len(BASE)
    files = sorted(search.iter_sources(BASE), key=lambda p: p.name)
    assert sorted(events[:-1], key=lambda p: p.name) == files
    # announced before the commit: the index was still the empty one
    assert events[-1] == ("committing", generation(index_dir) - 1)
    events.clear()
    assert ingest(BASE, index_dir, committing=committing).unchanged == len(files)
    assert events == []  # nothing to write


def test_cli_says_when_it_writes_the_index(tmp_path):
    args = ["ingest", str(FRENCH), "--index", str(tmp_path / "ix")]
    first, again = CliRunner().invoke(main, args), CliRunner().invoke(main, args)
    assert first.exit_code == again.exit_code == 0
    assert first.stderr.endswith("writing the index …\n")
    assert "writing the index" not in again.stderr


def test_error_while_writing_leaves_the_index_as_it_was(index_dir, monkeypatch):
    before = answers(index_dir), generation(index_dir)
    manifest = (index_dir / MANIFEST).read_text()
    written = []

    def fail_on_second(doc, stamp=""):
        written.append(doc.symbol)
        if len(written) == 2:
            raise RuntimeError("disk full")
        return search.index.paragraph_fields(doc, stamp)

    monkeypatch.setattr(sys.modules["search.ingestion"], "paragraph_fields", fail_on_second)
    with pytest.raises(RuntimeError):
        ingest(NEW, index_dir)
    assert (answers(index_dir), generation(index_dir)) == before
    assert (index_dir / MANIFEST).read_text() == manifest
    monkeypatch.undo()
    assert ingest(NEW, index_dir).documents == len(NEW)
    assert_holds(index_dir, BASE + NEW)


# -- incremental -------------------------------------------------------------------


def test_unchanged_corpus_is_not_written_again(base_index):
    files = sorted(base_index.iterdir())
    stamps = [(f.name, f.stat().st_mtime_ns) for f in files]
    before = answers(base_index)
    report = ingest(BASE, base_index)
    assert (report.documents, report.paragraphs, report.unchanged) == (0, 0, 4)
    assert report.ok
    assert answers(base_index) == before
    # no commit, no manifest save: not one file of the index was touched
    assert [(f.name, f.stat().st_mtime_ns) for f in sorted(base_index.iterdir())] == stamps


def test_changed_file_replaces_its_paragraphs(tmp_path):
    doc = resolution(
        tmp_path / "in" / "A_RES_99_1.md",
        "A/RES/99/1",
        "Decides to count the wombats;",
        "Requests a report;",
    )
    other = resolution(tmp_path / "in" / "A_RES_99_2.md", "A/RES/99/2")
    ingest([tmp_path / "in"], tmp_path / "index")
    resolution(doc, "A/RES/99/1", "Decides to count the quokkas, all of them;")
    report = ingest([tmp_path / "in"], tmp_path / "index")
    assert (report.documents, report.unchanged) == (1, 1)
    assert labels(tmp_path / "index", "A/RES/99/1") == ["PP1", "OP1"]
    with open_index(tmp_path / "index") as ix:
        assert ix.search("wombats") == []
    assert_holds(tmp_path / "index", [doc, other])


def test_changed_symbol_removes_the_old_document(tmp_path):
    doc = resolution(tmp_path / "in" / "quokka.md", "A/RES/99/1")
    ingest([doc], tmp_path / "index")
    resolution(doc, "A/RES/99/9")
    report = ingest([doc], tmp_path / "index")
    assert (report.documents, report.removed) == (1, 1)
    with pytest.raises(NotFoundError):
        labels(tmp_path / "index", "A/RES/99/1")
    assert_holds(tmp_path / "index", [doc])


def test_file_that_failed_is_indexed_once_fixed(tmp_path):
    doc = tmp_path / "in" / "A_RES_99_1.md"
    doc.parent.mkdir()
    doc.write_text("")
    assert [f.reason for f in ingest([doc], tmp_path / "index").failures] == ["empty file"]
    resolution(doc)
    report = ingest([doc], tmp_path / "index")
    assert (report.documents, report.failures) == (1, ())
    assert_holds(tmp_path / "index", [doc])


def test_file_that_breaks_keeps_its_last_version_and_is_reported_every_run(tmp_path):
    doc = resolution(tmp_path / "A_RES_99_1.md")
    ingest([doc], tmp_path / "index")
    doc.write_bytes(NOISE)
    for _ in range(2):
        report = ingest([doc], tmp_path / "index")
        assert [f.reason for f in report.failures] == ["binary data, not text"]
    assert labels(tmp_path / "index", "A/RES/99/1") == ["PP1", "OP1"]


def test_prune_removes_documents_whose_files_are_gone(tmp_path):
    kept = resolution(tmp_path / "in" / "A_RES_99_1.md", "A/RES/99/1")
    gone = resolution(tmp_path / "in" / "A_RES_99_2.md", "A/RES/99/2")
    index = str(tmp_path / "index")
    CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--index", index])
    gone.unlink()
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--index", index])
    assert result.stdout == "indexed 0 paragraphs from 0 documents; 1 files unchanged\n"
    assert labels(tmp_path / "index", "A/RES/99/2")  # kept without --prune
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--index", index, "--prune"])
    assert result.exit_code == 0
    assert result.stdout == (
        "indexed 0 paragraphs from 0 documents; 1 files unchanged; 1 documents removed\n"
    )
    assert_holds(tmp_path / "index", [kept])
    assert list(json.loads((tmp_path / "index" / MANIFEST).read_text())["files"]) == [
        str(kept.resolve())
    ]


# -- one source per document, across runs ---------------------------------------------


def test_every_reader_gives_the_format_ingest_expects(corpus):
    assert set(READER_FORMAT) == set(READERS.values())
    assert set(READER_FORMAT.values()) == set(FORMAT_RANK)
    for path in (
        FRENCH / "A_RES_58_220.md",
        CORPUS / "udhr" / "eng.html",
        RESOLUTIONS / "en-pdf" / "A_RES_80_7.pdf",
        TXT[0],
    ):
        assert read_document(path).format == READER_FORMAT[READERS[path.suffix]]


def source_of(index_dir: Path, symbol: str) -> set[str]:
    with open_index(index_dir) as ix:
        return {Path(p.source).name for p in ix.document(symbol)}


def test_markdown_ingested_after_raw_text_replaces_it(tmp_path, corpus):
    ingest([RESOLUTIONS / "en-txt" / "A_RES_80_7.txt"], tmp_path)
    assert source_of(tmp_path, "A/RES/80/7") == {"A_RES_80_7.txt"}
    report = ingest([RESOLUTIONS / "en-md" / "A_RES_80_7.md"], tmp_path)
    assert report.documents == 1
    assert source_of(tmp_path, "A/RES/80/7") == {"A_RES_80_7.md"}
    assert_holds(tmp_path, [RESOLUTIONS / "en-md" / "A_RES_80_7.md"])


def test_raw_text_ingested_after_markdown_is_skipped(tmp_path, corpus):
    ingest([RESOLUTIONS / "en-md" / "A_RES_80_7.md"], tmp_path)
    report = ingest([RESOLUTIONS / "en-txt" / "A_RES_80_7.txt"], tmp_path)
    assert (report.documents, report.duplicates) == (0, 1)
    assert source_of(tmp_path, "A/RES/80/7") == {"A_RES_80_7.md"}


def test_in_one_run_the_better_source_wins_whatever_the_order(tmp_path, corpus):
    report = ingest(
        [RESOLUTIONS / "en-txt" / "A_RES_80_7.txt", RESOLUTIONS / "en-md" / "A_RES_80_7.md"],
        tmp_path,
    )
    assert (report.documents, report.duplicates, report.paragraphs) == (1, 1, 13)
    assert_holds(tmp_path, [RESOLUTIONS / "en-md" / "A_RES_80_7.md"])


def _twins(tmp_path: Path) -> tuple[Path, Path]:
    md = resolution(tmp_path / "md" / "A_RES_99_1.md")
    txt = tmp_path / "txt" / "A_RES_99_1.txt"
    txt.parent.mkdir()
    txt.write_text("The General Assembly,\n\nDecides to study the quokka;\n")
    report = ingest([tmp_path / "txt", tmp_path / "md"], tmp_path / "index")
    assert (report.documents, report.duplicates) == (1, 1)
    assert source_of(tmp_path / "index", "A/RES/99/1") == {"A_RES_99_1.md"}
    md.unlink()
    return md, txt


def test_raw_text_takes_over_when_its_markdown_twin_is_pruned(tmp_path):
    _md, txt = _twins(tmp_path)
    report = ingest([tmp_path / "txt"], tmp_path / "index", prune=True)
    assert (report.documents, report.removed) == (1, 0)
    assert_holds(tmp_path / "index", [txt])


def test_pruning_a_source_reindexes_its_twin_outside_the_paths(tmp_path):
    _md, txt = _twins(tmp_path)
    report = ingest([], tmp_path / "index", prune=True)
    assert (report.documents, report.removed) == (1, 0)
    assert_holds(tmp_path / "index", [txt])


def test_manifest_saved_before_a_crash_is_checked_against_the_index(tmp_path):
    doc = resolution(tmp_path / "quokka.md", "A/RES/99/1")
    ingest([doc], tmp_path / "index")
    old_manifest = (tmp_path / "index" / MANIFEST).read_text()
    resolution(doc, "A/RES/99/9", "Decides to count the quokkas;")
    ingest([doc], tmp_path / "index")
    # as if killed between the commit and the manifest save: the manifest claims
    # A/RES/99/1, which that commit removed
    (tmp_path / "index" / MANIFEST).write_text(old_manifest)
    report = ingest([doc], tmp_path / "index")
    assert (report.documents, report.removed) == (1, 0)
    assert_holds(tmp_path / "index", [doc])


def test_manifest_of_a_deleted_index_is_not_trusted(tmp_path, corpus):
    ingest([FRENCH], tmp_path)
    for file in tmp_path.iterdir():
        if file.name != MANIFEST:
            file.unlink()
    report = ingest([FRENCH], tmp_path)
    assert (report.documents, report.unchanged) == (1, 0)
    assert_holds(tmp_path, [FRENCH])


# -- crashes ---------------------------------------------------------------------

#: Runs ``unsearch ARGS...`` and kills itself with SIGKILL at the moment named by
#: its first argument.
KILLED_AT = """
import os, signal, sys

import search

search.ingest
ingest_module = sys.modules["search.ingestion"]


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


moment = sys.argv[1]
if moment == "reading":  # documents already given to the writer, none committed
    read, done = ingest_module.read_document, []

    def read_or_die(path):
        done.append(path)
        if len(done) == 4:
            die()
        return read(path)

    ingest_module.read_document = read_or_die
elif moment == "commit":  # the new segment written, the table of contents not yet
    from whoosh.filedb.filestore import FileStorage

    rename = FileStorage.rename_file

    def rename_or_die(self, frm, to, safe=False):
        if ".toc" in to:
            die()
        return rename(self, frm, to, safe)

    FileStorage.rename_file = rename_or_die
elif moment == "manifest":  # committed, the manifest not saved
    ingest_module._save_manifest = die

from search.cli import main

main(sys.argv[2:])
"""


@pytest.mark.parametrize("moment", ["reading", "commit", "manifest"])
def test_killed_ingest_keeps_the_last_commit_and_the_next_run_completes(index_dir, moment):
    before = answers(index_dir)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_AT,
            moment,
            "ingest",
            *map(str, NEW),
            "--index",
            str(index_dir),
        ],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    if moment == "manifest":
        assert_holds(index_dir, BASE + NEW)
    else:
        assert answers(index_dir) == before
    # the dead process's locks are still there, and free: the next run needs no --wait
    assert (index_dir / "ingest.lock").exists()
    report = ingest(NEW, index_dir)
    assert report.ok
    assert report.documents == len(NEW)
    assert_holds(index_dir, BASE + NEW)


@pytest.mark.parametrize("procs", ["1", "2"])
def test_kill_9_at_any_moment_keeps_a_committed_index(index_dir, procs):
    before, committed = answers(index_dir), generation(index_dir)
    for delay in (0.5, 1.0, 2.0):
        proc = run_cli("ingest", *map(str, NEW), "--index", str(index_dir), "--procs", procs)
        time.sleep(delay)
        proc.kill()
        proc.communicate()
        if generation(index_dir) == committed:
            assert answers(index_dir) == before
        else:  # that run committed before it was killed
            assert_holds(index_dir, BASE + NEW)
    assert ingest(NEW, index_dir).ok
    assert_holds(index_dir, BASE + NEW)


# -- concurrency -----------------------------------------------------------------


def started(proc: subprocess.Popen) -> None:
    """Wait until the ingest in ``proc`` holds the index: its progress bar has begun."""
    assert proc.stderr.readline() == "ingesting\n"


def test_searches_answer_from_the_last_commit_while_an_ingest_runs(index_dir):
    before = answers(index_dir)
    proc = run_cli("ingest", *map(str, NEW), "--index", str(index_dir))
    seen = []
    with open_index(index_dir) as ix:
        while proc.poll() is None:
            seen.append(answers(index_dir))
            seen.append(_answers(ix))
        assert proc.wait() == 0
        after = _answers(ix)
    assert after == answers(index_dir) != before
    assert seen[0] == before
    # each count and each query (the index may change between two of them) gives
    # the answer of one commit or the other
    for answer in seen:
        assert answer[0] in (before[0], after[0])
        assert all(
            hits in pair
            for hits, pair in zip(answer[1], zip(before[1], after[1], strict=True), strict=True)
        )


def test_second_ingest_is_refused_while_one_runs(index_dir):
    proc = run_cli("ingest", *map(str, NEW), "--index", str(index_dir))
    started(proc)
    result = CliRunner().invoke(main, ["ingest", str(FRENCH), "--index", str(index_dir)])
    assert proc.wait() == 0
    assert result.exit_code == 1
    assert (result.stdout, result.stderr) == (
        "",
        f"Error: {index_dir}/ {LOCKED} ({search.IndexLockedError.hint})\n",
    )


def test_wait_option_waits_for_the_running_ingest(index_dir, tmp_path):
    doc = resolution(tmp_path / "A_RES_99_1.md")
    proc = run_cli("ingest", *map(str, NEW), "--index", str(index_dir))
    started(proc)
    result = CliRunner().invoke(
        main, ["ingest", str(doc), "--index", str(index_dir), "--wait", "120"]
    )
    assert proc.wait() == 0
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"{index_dir}/ is locked by another ingest: waiting up to 120 s\n"
    )
    assert result.stdout == "indexed 2 paragraphs from 1 documents\n"
    assert_holds(index_dir, [*BASE, *NEW, doc])


# -- segments and worker processes -------------------------------------------------

#: Real documents of every kind the parallel and multi-segment tests compare.
MIXED = [
    FRENCH,
    *sorted((RESOLUTIONS / "en-md").glob("*.md"))[:20],
    *TXT[:30],
    RESOLUTIONS / "en-md" / "A_RES_80_7.md",
    RESOLUTIONS / "en-txt" / "A_RES_80_7.txt",
    CORPUS / "udhr",
]
MORE_QUERIES = [*QUERIES, '"United Nations"', "coopér*", "droits de l'homme", "human rights"]


def everything(index_dir: Path) -> tuple:
    """What the index holds and answers: every paragraph's stored fields, and hits."""
    with open_index(index_dir) as ix:
        s = ix.searcher()
        stored = sorted(
            sorted(s.stored_fields(d).items())
            for d in range(s.doc_count_all())
            if not s.reader().is_deleted(d)
        )
        # all the hits: which of two tied paragraphs ends a shorter list may differ
        hits = [
            [(h.symbol, h.paragraph, h.score) for h in ix.search(q, limit=len(stored))]
            for q in MORE_QUERIES
        ]
    return stored, hits


def segments(index_dir: Path) -> int:
    from whoosh.index import open_dir

    return len(open_dir(str(index_dir))._segments())


def test_a_large_ingest_in_several_segments_answers_as_one(tmp_path, corpus, monkeypatch):
    assert ingest(MIXED, tmp_path / "one", procs=1).ok
    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 0.5)
    monkeypatch.setattr("search.engine.writing.MERGE_AT", 1000)  # keep them apart
    assert ingest(MIXED, tmp_path / "many", procs=1).ok
    assert segments(tmp_path / "one") == 1
    assert segments(tmp_path / "many") > 3
    assert everything(tmp_path / "many") == everything(tmp_path / "one")
    # later changes and removals reach documents in any segment
    a, b = (resolution(tmp_path / "in" / f"A_RES_99_{n}.md", f"A/RES/99/{n}") for n in (1, 2))
    assert ingest([*MIXED, a, b], tmp_path / "many", procs=1).documents == 2
    resolution(a, "A/RES/99/1", "Decides to count the wombats;")
    b.unlink()
    report = ingest([*MIXED, a], tmp_path / "many", prune=True, procs=1)
    assert (report.documents, report.removed) == (1, 1)
    with open_index(tmp_path / "many") as ix:
        assert [(h.symbol, h.paragraph) for h in ix.search("wombats")] == [("A/RES/99/1", "OP1")]
        assert {h.symbol for h in ix.search("quokka")} == {"A/RES/99/1"}
    stored, _hits = everything(tmp_path / "many")
    kept = [f for f in stored if dict(f)["symbol"] != "A/RES/99/1"]
    assert kept == everything(tmp_path / "one")[0]


@pytest.mark.parametrize("procs", [1, 2])
def test_the_segments_of_a_large_ingest_are_merged_into_one(tmp_path, corpus, monkeypatch, procs):
    assert ingest(MIXED, tmp_path / "one", procs=1).ok
    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 0.5)
    monkeypatch.setattr("search.engine.writing.MERGE_AT", 1000)
    assert ingest(MIXED, tmp_path / "many", procs=procs).ok
    monkeypatch.undo()
    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 0.5)  # the default MERGE_AT
    assert ingest(MIXED, tmp_path / "merged", procs=procs).ok
    assert segments(tmp_path / "many") > 3
    assert segments(tmp_path / "merged") == 1
    assert everything(tmp_path / "merged") == everything(tmp_path / "one")
    if procs == 1:  # the same documents in the same order (workers share them at random)
        # term by term: the postings, lengths and raw ranking of the unmerged segments
        assert contents(tmp_path / "merged") == contents(tmp_path / "many")


def share_every_field(monkeypatch) -> None:
    """A merge shares every field with a forked process, in many ranges."""
    monkeypatch.setattr("search.engine.writing.PARALLEL_BYTES", 1)
    monkeypatch.setattr("search.engine.writing.RANGE_TERMS", 50)


def merge_files(index_dir: Path) -> list[Path]:
    """The files a forked merge process left in the index folder."""
    return [p for p in index_dir.iterdir() if p.name.startswith(".merge")]


@pytest.mark.parametrize("child_fails", [False, True])
def test_a_field_merged_in_two_processes_holds_what_one_merges(
    tmp_path, corpus, monkeypatch, child_fails
):
    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 0.5)
    assert ingest(MIXED, tmp_path / "one", procs=1).ok
    share_every_field(monkeypatch)
    monkeypatch.setattr("search.engine.writing.BATCH_BYTES", 2_000)  # and batches
    if child_fails:  # the forked process fails: this one merges its half too

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr("search.engine.writing._FileTerms.add_entry", broken)
    assert ingest(MIXED, tmp_path / "two", procs=1).ok
    assert segments(tmp_path / "one") == segments(tmp_path / "two") == 1
    assert contents(tmp_path / "two") == contents(tmp_path / "one")
    assert not merge_files(tmp_path / "two")


def test_a_forked_merge_killed_holding_the_claims_lock_does_not_stop_the_merge(
    tmp_path, corpus, monkeypatch
):
    from search.engine.writing import _Shared

    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 0.5)
    assert ingest(MIXED, tmp_path / "one", procs=1).ok
    share_every_field(monkeypatch)
    claim = _Shared._claim

    def killed_inside(self, k, from_last=False):
        if from_last:  # the forked process takes the lock and dies with it
            self._lock.acquire()
            os._exit(9)
        return claim(self, k, from_last)

    monkeypatch.setattr(_Shared, "_claim", killed_inside)
    assert ingest(MIXED, tmp_path / "two", procs=1).ok
    assert contents(tmp_path / "two") == contents(tmp_path / "one")
    assert not merge_files(tmp_path / "two")


def test_a_merge_that_fails_while_shared_leaves_the_index_and_no_files(
    tmp_path, corpus, monkeypatch
):
    index_dir = tmp_path / "index"
    assert ingest(MIXED[:3], index_dir, procs=1).ok
    before = everything(index_dir)
    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 0.5)
    share_every_field(monkeypatch)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    # the forked process is merging ranges when this one fails copying the documents
    monkeypatch.setattr("search.engine.writing.copy_documents", broken)
    with pytest.raises(SearchError) as raised:
        ingest(MIXED, index_dir, procs=1)
    assert str(raised.value) == f"{index_dir}/: cannot write the index (No space left on device)"
    assert everything(index_dir) == before
    assert not merge_files(index_dir)


def contents(index_dir: Path) -> tuple:
    """Every posting (document, weight, positions), field length and top score."""
    with open_index(index_dir) as ix:
        s = ix.searcher()
        r = s.reader()
        postings = {
            (f, t): list(r.postings(f, t).items_as("positions"))
            if s.schema[f].format.supports("positions")
            else list(r.postings(f, t).all_ids())
            for f, t in r.all_terms()
        }
        text = s.schema.scorable_names()
        # None (a length column without this paragraph) and 0 (no column) alike
        lengths = [[r.doc_field_length(d, f) or 0 for f in text] for d in range(r.doc_count_all())]
        totals = [r.field_length(f) for f in text]
        ranked = [ix._top(s, ix._compile(parse(q), q, None), 50, None) for q in MORE_QUERIES]
    return postings, lengths, totals, ranked


def test_a_worker_that_fails_fails_the_ingest_and_the_index_stays(tmp_path, corpus, monkeypatch):
    index_dir = tmp_path / "index"
    assert ingest(MIXED[:3], index_dir, procs=1).ok
    before = everything(index_dir)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # workers write their segments when the run is done with the files
    monkeypatch.setattr("search.engine.writing.PostingBuffer.write", broken)
    with pytest.raises(search.SearchError, match=r"^indexing failed: RuntimeError: disk on fire$"):
        ingest(MIXED, index_dir, procs=2)
    monkeypatch.undo()
    assert everything(index_dir) == before
    assert ingest(MIXED, index_dir, procs=2).ok


@pytest.mark.parametrize("impatient", [False, True])
def test_two_processes_index_what_one_does(tmp_path, corpus, monkeypatch, impatient):
    one = ingest(MIXED, tmp_path / "one", procs=1)
    monkeypatch.setattr("search.engine.writing.SEGMENT_MB", 1)  # workers write several segments
    monkeypatch.setattr("search.engine.writing.MERGE_AT", 1000)  # and they are committed as such
    if impatient:  # the run reads files itself whenever a worker keeps it waiting
        monkeypatch.setattr("search.ingestion._Workers.PATIENCE", 0)
        monkeypatch.setattr("search.ingestion._Workers.LEAD", 2)
    two = ingest(MIXED, tmp_path / "two", procs=2)
    assert one.ok and two.ok
    fields = ("documents", "paragraphs", "duplicates", "unchanged")
    assert [getattr(two, f) for f in fields] == [getattr(one, f) for f in fields]
    assert one.duplicates  # A/RES/80/7 comes from Markdown, not raw text, in both
    assert segments(tmp_path / "two") > 2
    assert everything(tmp_path / "two") == everything(tmp_path / "one")
    # an incremental run over the parallel index: nothing to read, nothing written
    again = ingest(MIXED, tmp_path / "two", procs=2)
    assert (again.documents, again.unchanged) == (0, len(list(search.iter_sources(MIXED))))


def test_a_file_that_breaks_a_worker_is_a_failure_and_the_others_are_indexed(
    tmp_path, corpus, monkeypatch
):
    broken = TXT[5]
    fields = search.index.paragraph_fields

    def break_on(doc, stamp=""):
        if Path(doc.source).name == broken.name:
            raise RuntimeError("analysis broke\non two lines")
        return fields(doc, stamp)

    monkeypatch.setattr(sys.modules["search.ingestion"], "paragraph_fields", break_on)
    report = ingest(TXT[:40], tmp_path / "index", procs=2)
    assert [str(f) for f in report.failures] == [
        f"{broken}: RuntimeError: analysis broke on two lines"
    ]
    assert report.documents == 39
    monkeypatch.undo()
    assert_holds(tmp_path / "index", TXT[:5] + TXT[6:40])


def test_a_worker_that_dies_fails_its_file_and_the_others_are_indexed(
    tmp_path, corpus, monkeypatch
):
    import os

    doomed = TXT[7]
    read = sys.modules["search.ingestion"].read_document
    main = os.getpid()

    def die_on(path):
        if Path(path).name == doomed.name and os.getpid() != main:
            os._exit(3)
        return read(path)

    monkeypatch.setattr(sys.modules["search.ingestion"], "read_document", die_on)
    report = ingest(TXT[:40], tmp_path / "index", procs=2)
    assert [(f.path, f.reason) for f in report.failures] == [
        (str(doomed), "reading it stopped its worker process (exit code 3)")
    ]
    assert report.documents == 39
    monkeypatch.undo()
    assert_holds(tmp_path / "index", TXT[:7] + TXT[8:40])


def test_small_segments_of_incremental_ingests_are_merged(tmp_path):
    files = []
    for n in range(1, 7):
        files.append(
            resolution(tmp_path / "in" / f"A_RES_99_{n}.md", f"A/RES/99/{n}", f"Decides {n};")
        )
        assert ingest(files, tmp_path / "index").documents == 1
    assert segments(tmp_path / "index") == 1  # Whoosh's policy merged the six
    assert_holds(tmp_path / "index", files)
    with open_index(tmp_path / "index") as ix:
        assert len(ix.search('"the quokka"', limit=20)) == 6
