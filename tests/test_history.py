"""unsearch history: a resolution's series across sessions, and a paragraph's versions."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest

import search

SOUTH_SOUTH = ["A/RES/78/167", "A/RES/79/236", "A/RES/80/156"]


def test_series_in_session_order_from_any_member(series_ix):
    for member in SOUTH_SOUTH:
        entries = series_ix.history(member)
        assert [e.symbol for e in entries] == SOUTH_SOUTH
    assert [e.session for e in entries] == [78, 79, 80]
    assert [e.date for e in entries] == ["2023-12-19", "2024-12-24", "2025-12-15"]


def test_counts_add_up_against_the_predecessor(series_ix):
    entries = series_ix.history("A/RES/80/156")
    first = entries[0]
    assert (first.unchanged, first.amended, first.dropped) == (0, 0, 0)
    assert first.new == first.paragraphs
    for before, entry in pairwise(entries):
        assert entry.unchanged + entry.amended + entry.new == entry.paragraphs
        assert entry.unchanged + entry.amended + entry.dropped == before.paragraphs
        assert entry.unchanged > 0 and entry.amended > 0 and entry.new > 0


def test_a_resolution_alone_in_its_series(series_ix):
    (entry,) = series_ix.history("A/RES/58/220")
    assert (entry.symbol, entry.lang, entry.session) == ("A/RES/58/220", "fr", 58)
    assert entry.title == "Coopération économique et technique entre pays en développement"


def test_unchanged_paragraph_through_the_series(series_ix):
    versions = series_ix.history("A/RES/79/236", "OP1")
    assert [(v.symbol, v.paragraph, v.status) for v in versions] == [
        ("A/RES/78/167", "OP1", "new"),
        ("A/RES/79/236", "OP1", "unchanged"),
        ("A/RES/80/156", "OP1", "unchanged"),
    ]
    assert [v.similarity for v in versions] == [0.0, 1.0, 1.0]
    assert versions[2].diff == (("=", versions[2].text),)


def test_renumbered_and_amended_paragraph(series_ix):
    versions = series_ix.history("A/RES/80/156", "20")
    assert [(v.symbol, v.paragraph) for v in versions] == [
        ("A/RES/78/167", "OP15"),
        ("A/RES/79/236", "OP16"),
        ("A/RES/80/156", "OP20"),
    ]
    amended = series_ix.history("A/RES/80/156", "OP16")[-1]
    assert (amended.status, amended.citation) == ("amended", "A/RES/80/156, para. 16")
    assert 0.6 <= amended.similarity < 1
    assert amended.diff[:2] == (("-", "Welcomes "), ("+", "Recalls "))


def test_no_pairing_with_a_weak_counterpart(series_ix):
    # A/RES/78/167 OP10 shares about half of its words with 79/236 OP11: not a version
    versions = series_ix.history("A/RES/79/236", "OP11")
    assert [(v.symbol, v.paragraph, v.status) for v in versions] == [
        ("A/RES/79/236", "OP11", "new"),
        ("A/RES/80/156", "OP16", "amended"),
    ]
    assert versions[0].diff == (("+", versions[0].text),)


def test_unknown_document_and_paragraph(series_ix):
    with pytest.raises(search.NotFoundError, match="A/RES/77/1: no such document"):
        series_ix.history("A/RES/77/1")
    with pytest.raises(search.NotFoundError, match="A/RES/80/156 has no paragraph OP99"):
        series_ix.history("A/RES/80/156", "OP99")
    with pytest.raises(search.NotFoundError, match="only preambular, operative and annex"):
        series_ix.history("A/RES/80/156", "T")


def test_cli_document_level(run_series):
    result = run_series("history", "80/156")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "South-South cooperation"
    assert [line.split()[0] for line in lines[1:]] == SOUTH_SOUTH


def test_cli_json_document_level(run_series):
    result = run_series("history", "80/156", "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert {"symbol", "session", "date", "title", "unchanged", "amended", "new", "dropped"} <= set(
        entries[0]
    )


def test_cli_json_paragraph_level(run_series):
    result = run_series("history", "80/156", "OP16", "--json")
    assert result.exit_code == 0, result.output
    versions = json.loads(result.output)
    wanted = {"symbol", "paragraph", "session", "date", "similarity", "status", "text", "diff"}
    assert all(wanted <= set(v) for v in versions)
    assert [v["status"] for v in versions] == ["new", "amended"]
    assert versions[1]["diff"][:2] == [["-", "Welcomes "], ["+", "Recalls "]]


def test_cli_paragraph_level_pipe(run_series):
    result = run_series("history", "80/156", "OP16")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "A/RES/79/236  OP11  (A/RES/79/236, para. 11)  new"
    assert lines[3].startswith("A/RES/80/156  OP16  (A/RES/80/156, para. 16)  amended 0.")
    assert lines[4].startswith("  [-Welcomes-] {+Recalls+} the organization of the eleventh")


def test_cli_unknown_symbol_exits_1(run_series):
    result = run_series("history", "A/RES/77/1")
    assert result.exit_code == 1
    assert result.output == "Error: A/RES/77/1: no such document in the index\n"


def test_cli_without_symbol_exits_2(run_series):
    assert run_series("history").exit_code == 2
