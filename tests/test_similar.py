"""unsearch similar: a draft paragraph brings back the adopted paragraphs closest to it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import search
from search.cli import main
from search.wording import word_diff, wording

HIT_KEYS = {"symbol", "paragraph", "kind", "lang", "citation", "score", "text", "matches"}


def text_of(ix, symbol: str, label: str) -> str:
    return ix.paragraph(symbol, label).text


def test_amended_paragraph_brings_back_its_predecessor_first(series_ix):
    # A/RES/80/156 OP16 amends A/RES/79/236 OP11: drafted in session 80, found in 79
    draft = text_of(series_ix, "A/RES/80/156", "OP16")
    hits = series_ix.similar(draft, limit=3, filter="session:1..79")
    assert [(h.symbol, h.paragraph) for h in hits][:2] == [
        ("A/RES/79/236", "OP11"),
        ("A/RES/78/167", "OP10"),
    ]
    assert 0.6 < hits[0].similarity < 1


def test_identical_text_first_with_similarity_one(series_ix):
    draft = text_of(series_ix, "A/RES/79/236", "OP11")
    first = series_ix.similar(draft, limit=3)[0]
    assert (first.symbol, first.paragraph, first.similarity) == ("A/RES/79/236", "OP11", 1.0)
    assert first.diff == (("=", draft),)


def test_a_few_words_changed_still_rank_the_paragraph_first(series_ix):
    original = text_of(series_ix, "A/RES/79/236", "OP11")
    draft = original.replace("Welcomes", "Notes").replace("important", "useful")
    first = series_ix.similar(draft, limit=1)[0]
    assert (first.symbol, first.paragraph) == ("A/RES/79/236", "OP11")
    assert ("-", "Notes ") in first.diff and ("+", "Welcomes ") in first.diff
    assert ("-", "useful ") in first.diff and ("+", "important ") in first.diff


def test_french_draft_finds_french_paragraph(series_ix):
    original = text_of(series_ix, "A/RES/58/220", "OP4")
    draft = original.replace("Note avec intérêt", "Constate").replace("favorable", "positive")
    hits = series_ix.similar(draft, limit=3)
    assert (hits[0].symbol, hits[0].paragraph, hits[0].lang) == ("A/RES/58/220", "OP4", "fr")
    assert {h.lang for h in hits} == {"fr"}


def test_each_language_with_its_own_chain(ix):
    # the sample index holds the Declaration in six languages
    for lang, label in (("es", "ART1"), ("ru", "ART3"), ("zh", "ART5")):
        original = ix.paragraph("A/RES/217A(III)", label, lang=lang).text
        first = ix.similar(original, limit=1)[0]
        assert (first.lang, first.paragraph, first.similarity) == (lang, label, 1.0)


def test_diff_rebuilds_both_texts(series_ix):
    draft = text_of(series_ix, "A/RES/80/156", "OP16")
    for hit in series_ix.similar(draft, limit=5):
        assert {op for op, _ in hit.diff} <= {"=", "-", "+"}
        assert "".join(t for op, t in hit.diff if op != "-").rstrip() == hit.text
        rebuilt = "".join(t for op, t in hit.diff if op != "+")
        assert wording(rebuilt, "xx", exact=True).keys == wording(draft, "xx", exact=True).keys


def test_hits_are_ordered_by_similarity(series_ix):
    hits = series_ix.similar(text_of(series_ix, "A/RES/80/156", "OP20"), limit=10)
    sims = [h.similarity for h in hits]
    assert sims == sorted(sims, reverse=True)


def test_min_similarity_leaves_out_distant_paragraphs(series_ix):
    draft = text_of(series_ix, "A/RES/80/156", "OP16")
    hits = series_ix.similar(draft, limit=10, min_similarity=0.6)
    assert [(h.symbol, h.paragraph) for h in hits] == [
        ("A/RES/80/156", "OP16"),
        ("A/RES/79/236", "OP11"),
    ]


def test_lang_restricts_the_hits(series_ix):
    draft = text_of(series_ix, "A/RES/79/236", "OP11")
    hits = series_ix.similar(draft, lang="fr")
    assert hits and {h.symbol for h in hits} == {"A/RES/58/220"}


def test_filter_with_words_is_an_error(series_ix):
    with pytest.raises(search.QueryError, match="only filters here"):
        series_ix.similar("South-South cooperation", filter="session:79 cooperation")


def test_stop_words_only_is_an_error(series_ix):
    with pytest.raises(search.QueryError, match="only stop words"):
        series_ix.similar("of the and to")


def test_words_not_in_the_index_give_no_hits(series_ix):
    assert series_ix.similar("zzxqv plokwrt") == []


def test_cli_pipe_shows_git_word_diff(run_series, series_ix):
    original = text_of(series_ix, "A/RES/79/236", "OP11")
    draft = original.replace("Welcomes", "Notes")
    result = run_series("similar", draft, "--limit", "1")
    assert result.exit_code == 0, result.output
    head, body = result.output.splitlines()
    assert head == "A/RES/79/236  OP11  (A/RES/79/236, para. 11)  similarity 0.97"
    assert body == "  [-Notes-] {+Welcomes+} " + original.split(" ", 1)[1]


def test_cli_colours_the_diff_on_a_terminal(run_series, series_ix):
    draft = text_of(series_ix, "A/RES/79/236", "OP11").replace("Welcomes", "Notes")
    result = run_series("similar", draft, "--limit", "1", color=True)
    assert "\x1b[31m\x1b[9mNotes\x1b[0m" in result.output
    assert "[-" not in result.output


def test_cli_reads_standard_input(run_series, series_ix):
    draft = text_of(series_ix, "A/RES/79/236", "OP11")
    result = run_series("similar", "-", "--limit", "1", "--json", input=draft)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["similarity"] == 1.0


def test_cli_json_shape(run_series, series_ix):
    draft = text_of(series_ix, "A/RES/80/156", "OP16")
    result = run_series("similar", draft, "--limit", "1", "--json", "--filter", "session:79")
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)
    assert HIT_KEYS | {"similarity", "diff"} <= set(hit)
    assert (hit["symbol"], hit["paragraph"]) == ("A/RES/79/236", "OP11")
    assert all(len(pair) == 2 and pair[0] in "=-+" for pair in hit["diff"])
    assert hit["diff"][:2] == [["-", "Recalls "], ["+", "Welcomes "]]


def test_cli_without_a_draft_is_a_usage_error(run_series):
    result = run_series("similar")
    assert result.exit_code == 2
    assert "give the draft as TEXT" in result.output


def test_cli_unknown_filter_value_is_a_usage_error(run_series):
    result = run_series("similar", "South-South cooperation", "--filter", "kind:bogus")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--filter': kind:bogus: use one of op, pp" in result.output


def test_cli_missing_index_exits_1(tmp_path):
    result = CliRunner().invoke(main, ["similar", "cooperation", "--index", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "no index in" in result.output


def test_docx_draft_gives_results_per_paragraph(run_series, series_ix, tmp_path):
    import docx

    draft = docx.Document()
    draft.add_paragraph(text_of(series_ix, "A/RES/79/236", "OP11").replace("Welcomes", "Notes"))
    draft.add_paragraph("")
    draft.add_paragraph(text_of(series_ix, "A/RES/58/220", "OP4"))
    path = tmp_path / "draft.docx"
    draft.save(path)
    result = run_series("similar", "--file", str(path), "--limit", "1", "--json")
    assert result.exit_code == 0, result.output
    results = json.loads(result.output)
    assert [(r["position"], r["label"]) for r in results] == [(1, "P1"), (2, "P2")]
    assert [(r["hits"][0]["symbol"], r["hits"][0]["paragraph"]) for r in results] == [
        ("A/RES/79/236", "OP11"),
        ("A/RES/58/220", "OP4"),
    ]


def test_text_draft_file_output(run_series, series_ix, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(text_of(series_ix, "A/RES/79/236", "OP11") + "\n\nof the and\n", "utf-8")
    result = run_series("similar", "--file", str(path), "--limit", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("¶1 P1: Welcomes the organization of the eleventh")
    assert lines[1] == "  A/RES/79/236  OP11  (A/RES/79/236, para. 11)  similarity 1.00"
    assert lines[3:] == ["", "¶2 P2: of the and", "  no similar paragraphs"]


def test_unsupported_draft_file_exits_1(run_series, tmp_path):
    path = tmp_path / "draft.odt"
    path.write_text("x")
    result = run_series("similar", "--file", str(path))
    assert result.exit_code == 1
    assert f"Error: {path}: unsupported draft type '.odt'" in result.output


def test_broken_docx_exits_1(run_series, tmp_path):
    path = tmp_path / "draft.docx"
    path.write_text("not a zip")
    result = run_series("similar", "--file", str(path))
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: not a Word .docx file\n"


def test_word_diff_format():
    ops = (("=", "invites all "), ("-", "Member States "), ("+", "countries "), ("=", "to"))
    assert word_diff(ops) == "invites all [-Member States-] {+countries+} to"
