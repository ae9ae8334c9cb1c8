"""Citations both ways: what a resolution cites and which indexed paragraphs cite it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import search
from search.cli import main


def test_cited_by_grouped_by_document(series_ix):
    cited = series_ix.citations("A/RES/78/167")
    assert [(g.symbol, g.count, g.paragraphs, g.title) for g in cited.cited_by] == [
        ("A/RES/79/236", 1, ("PP4",), "South-South cooperation"),
        ("A/RES/80/156", 1, ("PP4",), "South-South cooperation"),
    ]


def test_cites_in_reading_order_with_counts(series_ix):
    cites = {g.symbol: g for g in series_ix.citations("A/RES/78/167").cites}
    assert cites["A/RES/73/291"].count == len(cites["A/RES/73/291"].paragraphs) > 1
    assert cites["A/RES/57/263"].paragraphs == ("OP15",)
    assert "A/RES/78/167" not in cites


def test_a_cited_document_that_is_not_indexed(series_ix):
    cited = series_ix.citations("57/263")
    assert cited.symbol == "A/RES/57/263" and cited.cites == ()
    assert [(g.symbol, g.paragraphs) for g in cited.cited_by] == [
        ("A/RES/58/220", ("OP10",)),
        ("A/RES/78/167", ("OP15",)),
        ("A/RES/79/236", ("OP16",)),
        ("A/RES/80/156", ("OP20",)),
    ]


def test_neither_indexed_nor_cited(series_ix):
    with pytest.raises(search.NotFoundError, match="neither in the index nor cited"):
        series_ix.citations("A/RES/12/345")


def test_show_lists_citations(series_index):
    result = CliRunner().invoke(main, ["show", "78/167", "--index", str(series_index)])
    assert result.exit_code == 0, result.output
    tail = result.output.splitlines()[-3:]
    assert tail == [
        "Cited by (2 documents)",
        "  A/RES/79/236       1 × PP4  South-South cooperation",
        "  A/RES/80/156       1 × PP4  South-South cooperation",
    ]


def test_show_json_has_cites_and_cited_by(series_index):
    result = CliRunner().invoke(main, ["show", "78/167", "--json", "--index", str(series_index)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {"symbol", "paragraphs", "cites", "cited_by"} == set(shown)
    assert shown["cited_by"][0] == {
        "symbol": "A/RES/79/236",
        "title": "South-South cooperation",
        "count": 1,
        "paragraphs": ["PP4"],
    }


def test_cites_filter_still_works(series_ix):
    hits = series_ix.search("cites:57/263", limit=10)
    assert {h.symbol for h in hits} == {
        "A/RES/58/220",
        "A/RES/78/167",
        "A/RES/79/236",
        "A/RES/80/156",
    }
