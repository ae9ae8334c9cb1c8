"""An index that describes and checks itself: its commit record, damaged copies, versions."""

from __future__ import annotations

import itertools
import random
import shutil
import sys
import types
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import RESOLUTIONS

import search
from search import analysis
from search.cli import main
from search.engine import store
from search.engine.codec import ArrayCodec
from search.languages import CHAINS

HINT = "run 'unsearch check' to see what is damaged, then delete the index folder and ingest again"
REBUILD = "delete the index folder and ingest again"


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, corpus) -> Path:
    """A small real index: the French resolution A/RES/58/220 and one English one."""
    index_dir = tmp_path_factory.mktemp("small") / "index"
    report = search.ingest([RESOLUTIONS / "fr", RESOLUTIONS / "en-md" / "A_RES_80_7.md"], index_dir)
    assert report.ok, report.failures
    return index_dir


@pytest.fixture
def copy(small_index, tmp_path) -> Path:
    """A copy of the small index to damage."""
    return Path(shutil.copytree(small_index, tmp_path / "index"))


def segment(index_dir: Path) -> Path:
    (seg,) = index_dir.glob("MAIN_*.seg")
    return seg


def toc(index_dir: Path) -> Path:
    (found,) = index_dir.glob("_MAIN_*.toc")
    return found


def record(index_dir: Path) -> Path:
    (found,) = index_dir.glob("_MAIN_*.commit")
    return found


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garble(path: Path) -> None:
    rng = random.Random(7)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(path.stat().st_size)))


def flip(path: Path, every: int = 101) -> None:
    """Invert one byte in ``every``: wherever the file's parts fall (their order varies
    from one ingest to the next), each part a search reads is hit."""
    data = bytearray(path.read_bytes())
    for i in range(every // 2, len(data), every):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# -- what a commit records -------------------------------------------------------------


def test_a_commit_records_every_file_with_its_size_and_checksum(small_index):
    rec = store.read_record(small_index, store.latest_generation(small_index))
    assert sorted(rec.files) == sorted([segment(small_index).name, toc(small_index).name])
    for name, expected in rec.files.items():
        data = (small_index / name).read_bytes()
        assert expected == store.FileSum(len(data), zlib.crc32(data))


def test_a_commit_records_the_chains_and_their_data(small_index):
    rec = store.read_record(small_index, store.latest_generation(small_index))
    assert rec.chains == {name: analysis.chain_spec(name) for name in CHAINS}
    assert "les" in rec.chains["fr"].stops
    assert "unit" in rec.chains["en"].common


def test_the_table_of_contents_pickles_no_class_of_unsearch_but_the_codec(small_index):
    data = toc(small_index).read_bytes()
    # the schema comes from the record, not from the table of contents
    assert data.count(b"search.") == 1
    assert data.count(b"ArrayCodec") == 1


class _MovedCodec(ArrayCodec):
    """The codec as an earlier version named it."""


def test_moving_the_codec_class_breaks_no_index(copy, monkeypatch):
    generation = store.latest_generation(copy)
    path = toc(copy)
    segments = store.read_segments(path.read_bytes(), generation)
    moved = types.ModuleType("search.postings")
    moved.ArrayCodec = _MovedCodec
    _MovedCodec.__module__, _MovedCodec.__qualname__ = "search.postings", "ArrayCodec"
    monkeypatch.setitem(sys.modules, "search.postings", moved)
    for s in segments:
        s._codec = _MovedCodec()
    data = store.toc_bytes(segments, generation)
    monkeypatch.undo()
    assert b"search.postings" in data and b"search.engine" not in data
    path.write_bytes(data)
    rec = store.read_record(copy, generation)
    files = {**rec.files, path.name: store.FileSum(len(data), zlib.crc32(data))}
    record(copy).write_bytes(store.encode_record(store.Record(generation, rec.chains, files)))
    with search.open_index(copy) as ix:
        assert ix.search("coopération triangulaire")[0].citation == "A/RES/58/220, par. 4"


def test_an_index_answers_with_its_own_common_words_not_the_packages(small_index, monkeypatch):
    with search.open_index(small_index) as ix:
        doc = ix.document("A/RES/58/220")
        words = [w for p in doc for w in p.text.split() if w.isalpha()][:400]
        phrases = [f'"{a} {b}"' for a, b in itertools.pairwise(words)]
        before = [_answer(ix, q) for q in phrases]
    assert sum(1 for a in before if a) > 300
    # the package's list changes: every stem of the document is now "common", so a
    # query built from it would look up pair terms the index does not hold
    stems = {t for p in doc for t in analysis.tokens("fr", p.text)}
    monkeypatch.setattr(analysis, "package_common", lambda name: frozenset(stems))
    analysis.chain_spec.cache_clear()
    try:
        assert analysis.common_stems("fr") == stems
        with search.open_index(small_index) as ix:
            assert [_answer(ix, q) for q in phrases] == before
    finally:
        monkeypatch.undo()
        analysis.chain_spec.cache_clear()


def _answer(ix, query: str) -> list[tuple[str, str, tuple]]:
    return [(h.symbol, h.paragraph, h.matches) for h in ix.search(query, limit=5)]


# -- versions ----------------------------------------------------------------------------


def _rewrite_record(index_dir: Path, old: bytes, new: bytes) -> None:
    path = record(index_dir)
    body = path.read_bytes().rpartition(b"\ncrc32 ")[0].replace(old, new, 1)
    path.write_bytes(body + b"\ncrc32 %08x\n" % zlib.crc32(body))


_FORMAT, _CHAIN = store.FORMAT_VERSION, analysis.CHAIN_VERSION


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            b"\nformat %d\n" % _FORMAT,
            b"\nformat 0\n",
            f"written in index format 0, analysis {_CHAIN}; ",
        ),
        (
            b"\nanalysis %d\n" % _CHAIN,
            b"\nanalysis 9\n",
            f"written in index format {_FORMAT}, analysis 9; ",
        ),
        # an index of the French chain that folded accents before stemming
        (
            b"\nanalysis %d\n" % _CHAIN,
            b"\nanalysis %d\n" % (_CHAIN - 1),
            f"written in index format {_FORMAT}, analysis {_CHAIN - 1}; ",
        ),
        (
            b"SnowballFilter(french fold)",
            b"SnowballFilter(french)",
            "written with another fr analysis ",
        ),
    ],
)
def test_an_index_of_another_version_gives_a_format_error(copy, old, new, message):
    _rewrite_record(copy, old, new)
    with pytest.raises(search.IndexFormatError, match=message):
        search.open_index(copy)
    result = run("coopération", "--index", str(copy))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {copy}/ was {message}")
    assert result.output.endswith(f"({REBUILD})\n")
    assert result.output.count("\n") == 1


def test_an_index_without_a_commit_record_was_written_by_an_earlier_version(copy):
    record(copy).unlink()
    result = run("coopération", "--index", str(copy))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {copy}/ was written by an earlier version of unsearch"
        f" (it has no commit record) ({REBUILD})\n"
    )
    # an ingest into it says the same instead of writing
    with pytest.raises(search.IndexFormatError):
        search.ingest([RESOLUTIONS / "en-md" / "A_RES_80_7.md"], copy)


# -- damage --------------------------------------------------------------------------------


def test_check_passes_on_a_fresh_index(small_index):
    result = run("check", "--index", str(small_index))
    assert result.exit_code == 0
    with search.open_index(small_index) as ix:
        paragraphs = len(ix)
    assert result.output.startswith(
        f"{small_index}/: ok (commit 1: 2 files, 1 segment, {paragraphs} paragraphs, "
    )
    report = search.check_index(small_index)
    assert report.ok and report.damaged == ()
    assert report.documents == paragraphs and report.postings > report.terms > 1000


TRUNCATED = "{size} bytes where the commit recorded {was}"
DAMAGED = "checksum mismatch: the file is damaged"
DAMAGES = {
    "truncated segment": (segment, truncate, TRUNCATED),
    "garbled segment": (segment, garble, DAMAGED),
    "bit-flipped segment": (segment, flip, DAMAGED),
    "truncated table of contents": (toc, truncate, TRUNCATED),
    "garbled table of contents": (toc, garble, DAMAGED),
    "bit-flipped table of contents": (toc, lambda p: flip(p, 31), DAMAGED),
    "garbled commit record": (record, garble, "checksum mismatch: the commit record is damaged"),
}


def harm(index_dir: Path, damage: str) -> tuple[Path, str]:
    """Do ``damage`` to a file of the index; the file and what is said of it."""
    which, hurt, reason = DAMAGES[damage]
    path = which(index_dir)
    was = path.stat().st_size
    hurt(path)
    return path, reason.format(size=path.stat().st_size, was=was)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_index_gives_one_line_naming_the_file(copy, damage):
    path, reason = harm(copy, damage)
    # searches and reads: one line naming the file, exit 1 (bit flips are found when
    # a search reads them, so these read the whole document)
    for args in (["show", "A/RES/58/220"], ["coopération triangulaire"], ["Nations Unies"]):
        result = run(*args, "--index", str(copy))
        assert result.exit_code == 1, args
        assert result.output == f"Error: {path}: {reason} ({HINT})\n"
    with pytest.raises(search.IndexCorruptError) as caught, search.open_index(copy) as ix:
        ix.document("A/RES/58/220")
    assert caught.value.path == str(path)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_check_names_the_damaged_file(copy, damage):
    path, reason = harm(copy, damage)
    result = run("check", "--index", str(copy))
    assert result.exit_code == 1
    assert result.stdout == f"{path}: {reason}\n"
    assert result.stderr == (
        f"Error: {copy}/ is damaged: 1 problem (delete the index folder and ingest again)\n"
    )


def test_check_json_lists_the_damage(copy):
    flip(segment(copy))
    result = run("check", "--json", "--index", str(copy))
    assert result.exit_code == 1
    import json

    got = json.loads(result.output)
    assert got["ok"] is False
    assert got["damaged"] == [
        {"file": str(segment(copy)), "problem": "checksum mismatch: the file is damaged"}
    ]


def test_check_decodes_postings_and_stored_fields_behind_a_good_checksum(copy):
    # damage written with a matching checksum (as a bug in the writer would): only
    # decoding finds it
    seg = segment(copy)
    flip(seg)
    generation = store.latest_generation(copy)
    rec = store.read_record(copy, generation)
    files = dict(rec.files)
    files[seg.name] = store.FileSum(seg.stat().st_size, store.crc32_of(seg))
    fixed = store.Record(generation, rec.chains, files)
    record(copy).write_bytes(store.encode_record(fixed))
    report = search.check_index(copy)
    assert not report.ok
    assert [d.file for d in report.damaged] == [str(seg)]
    assert report.damaged[0].problem.startswith("cannot be decoded: ")


def test_check_of_a_folder_without_an_index(tmp_path):
    result = run("check", "--index", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no index in {tmp_path}/ (build one with: unsearch ingest [PATH...])\n"
    )
