"""Searching a real index: each query form, ranking, hits and the Python API."""

from __future__ import annotations

import re

import pytest
from conftest import RESOLUTIONS

import search
from search import Hit, IndexNotFoundError, NotFoundError, QueryError


def labels(hits: list[Hit]) -> list[tuple[str, str]]:
    return [(h.symbol, h.paragraph) for h in hits]


def matched_words(hit: Hit) -> list[str]:
    return [hit.text[a:b] for a, b in hit.matches]


# -- ingest -------------------------------------------------------------------


def test_same_document_from_two_sources_is_indexed_once_from_markdown(ix):
    paragraphs = ix.document("A/RES/80/7")
    assert {p.lang for p in paragraphs} == {"en"}
    assert {p.source for p in paragraphs} == {str(RESOLUTIONS / "en-md" / "A_RES_80_7.md")}
    assert len({p.paragraph for p in paragraphs}) == len(paragraphs)


def test_document_lists_paragraphs_in_reading_order(ix):
    got = [p.paragraph for p in ix.document("A/RES/58/220")]
    assert got == (
        ["T", "PP1", "PP2", "PP3"]
        + [f"OP{i}" for i in range(1, 13)]
        + [f"FN{i}" for i in range(1, 9)]
    )


def test_document_metadata_is_stored_on_every_hit(ix):
    (hit,) = ix.search("coopération triangulaire symbol:58/220 kind:op", limit=1)
    assert (hit.date, hit.session, hit.lang) == ("2003-12-23", 58, "fr")
    assert hit.title == "Coopération économique et technique entre pays en développement"
    assert hit.report == "A/58/487"
    assert hit.agenda_item == "97 (b)"


# -- words, accents, stems ------------------------------------------------------


def test_french_query_finds_the_agreed_language(ix):
    hits = ix.search("coopération triangulaire")
    assert labels(hits)[:2] == [("A/RES/58/220", "OP4"), ("A/RES/58/220", "OP10")]
    assert hits[0].citation == "A/RES/58/220, par. 4"
    assert "triangulaire" in matched_words(hits[0])


@pytest.mark.parametrize(
    "query", ["cooperation triangulaire", "coopérations triangulaires", "COOPERATION Triangulaire"]
)
def test_accents_case_and_plurals_do_not_matter(ix, query):
    assert labels(ix.search(query)) == labels(ix.search("coopération triangulaire"))


def test_unaccented_words_find_accented_text_and_highlight_it(ix):
    hits = ix.search("Etats developpement", lang="fr")
    assert hits
    for hit in hits:
        words = {w.lower() for w in matched_words(hit)}
        assert words & {"états", "état"}
        assert any(w.startswith("développ") for w in words)


def test_words_the_default_french_stop_list_drops_are_searchable(ix):
    hits = ix.search("été", lang="fr")
    assert hits and all("été" in matched_words(h) for h in hits)


def test_elided_article_is_not_highlighted(ix):
    hit = ix.search("assemblee symbol:217A(III) lang:fr", limit=1)[0]
    assert matched_words(hit) == ["Assemblée"]


def test_hyphenated_compound_is_found_as_phrase_and_as_part(ix):
    whole = ix.search("Pérez-Guerrero")
    part = ix.search("Guerrero")
    assert labels(whole) == labels(part) == [("A/RES/58/220", "OP10")]
    assert matched_words(whole[0]) == ["Pérez", "Guerrero"]


def test_cited_symbol_in_a_query_finds_the_citing_paragraph(ix):
    hits = ix.search("57/263")
    assert labels(hits) == [("A/RES/58/220", "OP10")]
    assert matched_words(hits[0]) == ["57/263"]


def test_full_symbol_finds_the_footnote_citing_it(ix):
    hits = ix.search("A/58/413")
    assert labels(hits) == [("A/RES/58/220", "FN1")]


# -- phrases --------------------------------------------------------------------


def test_phrase_matches_only_the_exact_sequence(ix):
    hits = ix.search('"the Secretary-General to submit"', limit=50)
    assert len(hits) >= 3
    for hit in hits:
        assert re.search(r"Secretary-General\W+\w+\W+submit", hit.text), hit.citation


def test_stop_word_gaps_are_kept_in_phrases(ix):
    exact = {(h.symbol, h.paragraph) for h in ix.search('"Secretary-General submit"', limit=100)}
    with_gap = {
        (h.symbol, h.paragraph) for h in ix.search('"Secretary-General to submit"', limit=100)
    }
    assert with_gap and not (exact & with_gap)


def test_phrase_slop_allows_words_in_between(ix):
    strict = ix.search('"coopération triangulaire"', limit=50)
    loose = ix.search('"coopération Sud-Sud triangulaire"~6', limit=50)
    assert labels(strict) == [("A/RES/58/220", "OP4"), ("A/RES/58/220", "OP10")]
    assert ("A/RES/58/220", "OP4") in labels(loose)


def test_phrase_highlight_marks_only_the_phrase(ix):
    hit = ix.search('"Nations Unies" symbol:58/220 kind:fn', limit=1)[0]
    words = matched_words(hit)
    assert words and len(words) % 2 == 0
    assert all(w in ("Nations", "Unies") for w in words)


# -- operators and filters ------------------------------------------------------


def test_or_and_ou_give_the_union(ix):
    either = set(labels(ix.search("triangulaire OR Marrakech", limit=50)))
    assert either == set(labels(ix.search("triangulaire OU Marrakech", limit=50)))
    assert either == set(labels(ix.search("triangulaire", limit=50))) | set(
        labels(ix.search("Marrakech", limit=50))
    )


@pytest.mark.parametrize(
    "query", ["Sud-Sud SAUF Marrakech", "Sud-Sud NOT Marrakech", "Sud-Sud -Marrakech"]
)
def test_not_sauf_and_minus_exclude(ix, query):
    hits = ix.search(query, limit=50)
    assert hits and all("Marrakech" not in h.text for h in hits)


def test_and_et_and_juxtaposition_are_the_same(ix):
    a = labels(ix.search("Sud-Sud Marrakech", limit=50))
    assert a == labels(ix.search("Sud-Sud ET Marrakech", limit=50))
    assert a == labels(ix.search("Sud-Sud AND Marrakech", limit=50))
    assert set(a) == {("A/RES/58/220", "OP8"), ("A/RES/58/220", "OP9")}


def test_lower_case_operators_are_words(ix):
    # "et" is a French stop word: "dignité et droits" means dignité droits in French
    assert labels(ix.search("dignité et droits", lang="fr")) == labels(
        ix.search("dignité droits", lang="fr")
    )
    assert ix.search("triangulaire ou", lang="fr") == ix.search("triangulaire", lang="fr")


def test_parentheses_group(ix):
    hits = ix.search("(triangulaire OR Marrakech) kind:op symbol:58/220", limit=50)
    assert {h.paragraph for h in hits} == {"OP4", "OP8", "OP9", "OP10"}


def test_prefix_matches_words_as_written(ix):
    hits = ix.search("cooperat* lang:en", limit=200)
    words = {w.lower() for h in hits for w in matched_words(h)}
    assert {"cooperation", "cooperative"} <= words


def test_french_prefix_with_accents(ix):
    hits = ix.search("coopér* symbol:58/220", limit=5)
    assert hits and all(w.lower().startswith("coopér") for h in hits for w in matched_words(h))


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("développement kind:op symbol:58/220", lambda h: h.kind == "op"),
        ("développement kind:pp", lambda h: h.kind == "pp"),
        ("développement kind:fn", lambda h: h.kind == "fn"),
        ("development session:80", lambda h: h.session == 80),
        ("development year:2025", lambda h: h.date.startswith("2025")),
        ("development year:2020..2025", lambda h: "2020" <= h.date[:4] <= "2025"),
        ("rights lang:en", lambda h: h.lang == "en"),
        ("droits lang:fr", lambda h: h.lang == "fr"),
        ("cites:55/2", lambda h: "55/2" in h.text),
    ],
)
def test_filters(ix, query, check):
    hits = ix.search(query, limit=20)
    assert hits, query
    assert all(check(h) for h in hits), query


def test_filter_applies_to_the_whole_query(ix):
    hits = ix.search("triangulaire OR Marrakech kind:fn", limit=50)
    assert hits == []


# -- symbols --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["58/220", "A/RES/58/220", "a/res/58/220"])
def test_bare_symbol_lists_the_document(ix, query):
    hits = ix.search(query, limit=100)
    assert [h.paragraph for h in hits][:5] == ["T", "PP1", "PP2", "PP3", "OP1"]
    assert len(hits) == 24


def test_bare_symbol_not_indexed_finds_citing_paragraphs(ix):
    hits = ix.search("55/2", limit=50)
    assert ("A/RES/58/220", "FN6") in labels(hits)
    assert all("55/2" in h.text for h in hits)


def test_security_council_symbol_finds_the_paragraphs_citing_it(ix):
    hits = ix.search("S/RES/2250 (2015)")
    assert hits
    for hit in hits:
        assert [hit.text[a:b] for a, b in hit.matches] == ["2250 (2015)"]


# -- malformed queries ----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ['"Nations Unies', "(Sud-Sud OR triangulaire", "Sud-Sud)", "triangulaire OR", "AND Marrakech"],
)
def test_malformed_queries_are_read_leniently(ix, query):
    assert ix.search(query) != []


@pytest.mark.parametrize("query", ["OR", "NOT", "()", '""', "-", "SAUF ET"])
def test_queries_with_nothing_to_search_for_are_rejected(ix, query):
    with pytest.raises(QueryError, match="nothing to search for"):
        ix.search(query)


def test_bad_filter_value_is_rejected(ix):
    with pytest.raises(QueryError, match="year:soon"):
        ix.search("development year:soon")
    with pytest.raises(QueryError, match="kind:chapter"):
        ix.search("development kind:chapter")


# -- languages ------------------------------------------------------------------


def test_stop_word_of_one_language_is_not_required_in_another(ix):
    # "la" is a French stop word and an ordinary English token: the French
    # documents must still be found, and not only through the English field.
    hits = ix.search("la dignité", limit=5)
    assert hits and hits[0].lang == "fr"


def test_each_language_is_searched_with_its_own_chain(ix):
    assert ix.search("derechos humanos", limit=3)[0].lang == "es"
    assert ix.search("人人", limit=3)[0].lang == "zh"


# -- ranking and hits -------------------------------------------------------------


def test_ranking_is_deterministic(ix):
    first = [(h.symbol, h.paragraph, h.score) for h in ix.search("development", limit=30)]
    assert first == [(h.symbol, h.paragraph, h.score) for h in ix.search("development", limit=30)]
    scores = [s for *_, s in first]
    assert scores == sorted(scores, reverse=True)


def test_match_offsets_point_at_the_words(ix):
    hits = ix.search("international cooperation", limit=10)
    assert len(hits) == 10
    for hit in hits:
        words = {hit.text[a:b].lower() for a, b in hit.matches}
        assert words and all(w.startswith(("international", "cooperat")) for w in words)


def test_english_citation(ix):
    hit = ix.paragraph("A/RES/80/7", "OP4")
    assert hit.citation == "A/RES/80/7, para. 4"
    assert (
        hit.text == "Appeals to Member States to continue to support the activities of the Agency;"
    )


def test_preambular_citation(ix):
    assert ix.paragraph("58/220", "PP3").citation == "A/RES/58/220, troisième alinéa du préambule"


def test_paragraph_by_number_with_context(ix):
    hit = ix.paragraph("58/220", "8", context=1)
    assert hit.paragraph == "OP8"
    assert [p.paragraph for p in hit.context] == ["OP7", "OP9"]
    assert "du développement et les organisations" in hit.text


def test_search_context_gives_neighbours(ix):
    hit = ix.search("coopération triangulaire", limit=1, context=1)[0]
    assert [p.paragraph for p in hit.context] == ["OP3", "OP5"]


def test_sub_paragraph_hit_carries_its_chapeau(ix):
    hits = [h for h in ix.search("development kind:op", limit=200) if h.parent]
    assert hits
    hit = hits[0]
    assert hit.chapeau == ix.paragraph(hit.symbol, hit.parent).text


def test_limit(ix):
    assert len(ix.search("development", limit=3)) == 3
    with pytest.raises(QueryError):
        ix.search("development", limit=0)


def test_hit_is_a_frozen_dataclass(ix):
    hit = ix.search("triangulaire", limit=1)[0]
    with pytest.raises(AttributeError):
        hit.score = 0  # type: ignore[misc]


# -- API errors -------------------------------------------------------------------


def test_opening_a_folder_without_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexNotFoundError, match="no index in") as exc:
        search.open_index(tmp_path)
    assert "unsearch ingest" in exc.value.hint


def test_unknown_document(ix):
    with pytest.raises(NotFoundError, match="A/RES/12/345: no such document"):
        ix.document("A/RES/12/345")
    with pytest.raises(NotFoundError, match="no paragraph OP99"):
        ix.paragraph("58/220", "OP99")


# -- phrase lookups agree with a plain scan ---------------------------------------

PHRASES = [
    "United Nations",
    "General Assembly",
    "the Secretary-General to submit",
    "Nations Unies",
    "coopération Sud-Sud",
    "coopération triangulaire",
    "human rights and fundamental freedoms",
    "sustainable development",
    "in accordance with the Charter of the United Nations",
    "Member States",
]


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrase_hits_are_exactly_the_paragraphs_holding_the_phrase(ix, phrase):
    from search.analysis import chain_name
    from search.engine.phrases import token_spans
    from search.query import analyze

    expected = set()
    for stored in ix.searcher().all_stored_fields():
        chain = chain_name(stored["lang"])
        terms = analyze(chain, phrase)
        if terms and token_spans(analyze(chain, stored["text"]), terms):
            expected.add((stored["symbol"], stored["lang"], stored["paragraph"]))
    got = {(h.symbol, h.lang, h.paragraph) for h in ix.search(f'"{phrase}"', limit=100_000)}
    assert got == expected
    assert expected, phrase


def test_a_phrase_past_the_65_535th_word_of_a_paragraph_is_found(tmp_path):
    # a character is a word in Chinese: 70,000 of them fit in one paragraph
    filler = "大会" * 35_000
    (tmp_path / "long.txt").write_text(f"{filler}联合国。\n\n国合联。\n", encoding="utf-8")
    report = search.ingest([tmp_path / "long.txt"], tmp_path / "ix")
    assert (report.paragraphs, report.failures) == (2, ())
    with search.open_index(tmp_path / "ix") as index:
        assert [h.paragraph for h in index.search('"联合国"')] == ["P1"]
        assert [h.paragraph for h in index.search('"国合联"')] == ["P2"]
        assert [h.paragraph for h in index.search('"会联合"')] == ["P1"]


def test_an_index_without_paragraphs_answers_every_search(tmp_path):
    (tmp_path / "bad.txt").write_text("x " * 60_000, encoding="utf-8")
    report = search.ingest([tmp_path / "bad.txt"], tmp_path / "ix")
    assert len(report.failures) == 1
    with search.open_index(tmp_path / "ix") as index:
        assert index.search("development") == []
        assert index.search("development") == []
        assert len(index) == 0


def test_a_stop_word_gap_does_not_match_another_word(tmp_path):
    (tmp_path / "note.txt").write_text(
        "The Assembly asks the Secretary-General to submit a report.\n\n"
        "The Assembly asks the Secretary-General also submit a report.\n\n"
        "The Assembly asks the Secretary-General to promptly submit a report.\n",
        encoding="utf-8",
    )
    search.ingest([tmp_path / "note.txt"], tmp_path / "ix")
    with search.open_index(tmp_path / "ix") as index:
        hits = index.search('"the Secretary-General to submit"')
        assert [h.paragraph for h in hits] == ["P1"]
        loose = index.search('"the Secretary-General to submit"~1')
        assert sorted(h.paragraph for h in loose) == ["P1", "P2", "P3"]


def test_search_out_of_time_returns_partial_hits(ix):
    # a phrase with slop: its candidates are checked by position one by one, and the
    # first to pass is kept before the time is up (the best of the segments read so
    # far: which segment a paragraph is in varies from one ingest to the next)
    hits = ix.search('"United Nations"~1', limit=5, timeout=1e-9)
    assert hits.partial
    assert len(hits) == 1
    assert hits[0] in ix.search('"United Nations"~1', limit=100_000)
    assert not ix.search('"United Nations"~1', limit=5, timeout=60).partial


def test_negations_out_of_time_return_partial_hits(tmp_path):
    # two commits, two segments: the time is up after the first
    search.ingest([RESOLUTIONS / "fr"], tmp_path / "ix")
    search.ingest([RESOLUTIONS / "fr", RESOLUTIONS / "en-md" / "A_RES_80_7.md"], tmp_path / "ix")
    with search.open_index(tmp_path / "ix") as ix:
        assert len(ix.searcher().leaf_searchers()) == 2
        every = ix.search("NOT development", limit=1_000)
        hits = ix.search("NOT development", limit=5, timeout=1e-9)
        assert hits.partial
        assert 1 <= len(hits) <= 5
        assert all(hit in every for hit in hits)
        assert not ix.search("NOT development", limit=5, timeout=60).partial


def test_only_the_chains_an_index_holds_are_searched(tmp_path):
    english = RESOLUTIONS / "en-md" / "A_RES_80_7.md"
    search.ingest([english], tmp_path / "ix")
    with search.open_index(tmp_path / "ix") as ix:
        q = ix._compile(search.query.parse('"Nations Unies" development'), "", None)
        assert {field for field, _ in q.all_terms()} == {"text_en"}
        assert ix.search("coopération triangulaire") == []
        assert ix.search("development")[0].symbol == "A/RES/80/7"
        # a French document later: its chain is searched from the next commit on
        search.ingest([english, RESOLUTIONS / "fr"], tmp_path / "ix")
        assert ix.search("coopération triangulaire")[0].symbol == "A/RES/58/220"
        q = ix._compile(search.query.parse('"Nations Unies"'), "", None)
        assert {field for field, _ in q.all_terms()} == {"text_en", "text_fr"}
