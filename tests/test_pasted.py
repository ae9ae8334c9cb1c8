"""Ranking of pasted words: verbatim holders first; footnotes and titles do not
outrank operative and preambular paragraphs on the same words."""

from __future__ import annotations

import pytest

import search.index as index_module
from search.pasted import holds

#: Pasted words of the series index, some held verbatim by many paragraphs.
PASTED = [
    "to achieving sustainable development in",
    "reaffirming further its resolution",
    "Nations Framework Convention",
    "the General Assembly",
    "sustainable development goals",
    "pays en développement",
    "decides to include in the provisional agenda",
    "climate change kind:op",
]


@pytest.fixture
def read_all(monkeypatch):
    """Search with every candidate read, analysed and scored, and every candidate's
    text checked for the pasted words."""

    def run(ix, query, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(index_module, "_out_of_reach", lambda *args: False)
            m.setattr(index_module.Index, "_matched", lambda *args: None)
            return ix.search(query, **kwargs)

    return run


@pytest.mark.parametrize("query", PASTED)
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_candidates_left_unread_change_no_hit(series_ix, read_all, query, limit):
    def keys(hits):
        return [(h.symbol, h.paragraph, h.lang, h.score, h.matches) for h in hits]

    assert keys(series_ix.search(query, limit=limit)) == keys(
        read_all(series_ix, query, limit=limit)
    )


def test_verbatim_paragraphs_rank_first(series_ix):
    # the content words "achieving sustainable development" are everywhere in A/RES/78/1;
    # the resolutions' fifth preambular paragraph holds the five words in a row
    hits = series_ix.search("to achieving sustainable development in", limit=10)
    holders = [holds(h.text, "en", "to achieving sustainable development in") for h in hits]
    assert holders[0]
    assert holders == sorted(holders, reverse=True)
    assert (hits[0].paragraph, hits[0].kind) == ("PP5", "pp")
    assert any(not held for held in holders)


def test_accents_case_and_plural_typed_differently(series_ix):
    hits = series_ix.search("reaffirming further its resolution", limit=3)
    assert all("Reaffirming further its resolution" in h.text for h in hits)


def test_filters_keep_applying_to_pasted_words(series_ix):
    hits = series_ix.search("to achieving sustainable development in session:79", limit=5)
    assert {h.session for h in hits} == {79}
    assert holds(hits[0].text, "en", "to achieving sustainable development in")


def test_operative_and_preambular_before_footnotes(series_ix):
    hits = series_ix.search("Nations Framework Convention", limit=6)
    kinds = [h.kind for h in hits]
    assert kinds[:3] == ["pp", "pp", "pp"]
    assert "fn" in kinds[3:]


def test_preambular_before_title(series_ix):
    hits = series_ix.search("pays en développement", limit=2, lang="fr")
    assert [(h.paragraph, h.kind) for h in hits] == [("PP1", "pp"), ("T", "title")]
