"""The query language's edges: ranges, negations alone, NOT before a symbol, unknown
values, limits, and where the CLI takes its options.  Every query answers or raises
QueryError (see also tests/test_query_fuzz.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, RESOLUTIONS

import search
import search.engine.matching as matching_module
from search import QueryError, UnknownValueError
from search.cli import main
from search.engine.matching import Unsupported, top_documents
from search.engine.postings import Postings, encode_postings
from search.query import MAX_DEPTH, Filter, Not, Word, parse

LANGS = "ar, en, es, fr, ru, zh"
KINDS = "op, pp, fn, annex, title, heading, article, text"


def everything(ix) -> list[dict]:
    """The stored fields of every paragraph of the index."""
    s = ix.searcher()
    return [s.stored_fields(d) for d in range(s.doc_count_all()) if not s.reader().is_deleted(d)]


def keys(hits) -> set[tuple[str, str, str]]:
    return {(h.symbol, h.lang, h.paragraph) for h in hits}


def stored_keys(found) -> set[tuple[str, str, str]]:
    return {(f["symbol"], f["lang"], f["paragraph"]) for f in found}


def session(stored: dict) -> int:
    return int(stored.get("session") or -1)


def all_hits(ix, query: str):
    return ix.search(query, limit=len(ix))


# -- ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("year:2020..2024", lambda f: "2020" <= f.get("year", "") <= "2024"),
        ("year:2020-2024", lambda f: "2020" <= f.get("year", "") <= "2024"),
        ("year:2020..", lambda f: f.get("year", "") >= "2020"),
        ("year:..2003", lambda f: "" < f.get("year", "") <= "2003"),
        ("session:..79", lambda f: 0 <= session(f) <= 79),
        ("session:79..", lambda f: session(f) >= 79),
        ("session:58..78", lambda f: 58 <= session(f) <= 78),
    ],
)
def test_a_range_alone_lists_every_paragraph_in_it(ix, query, keep):
    expected = stored_keys(f for f in everything(ix) if keep(f))
    assert expected  # the sample holds paragraphs of each range
    assert keys(all_hits(ix, query)) == expected


def test_an_open_range_narrows_words(ix):
    hits = all_hits(ix, "development session:..79")
    assert hits and all(h.session <= 79 for h in hits)
    assert keys(hits) == keys(all_hits(ix, "development")) & keys(all_hits(ix, "session:..79"))


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        (
            "development year:2024..2020",
            "year:2024..2020: the range is reversed; write year:2020..2024 (character 13)",
            12,
        ),
        (
            "session:abc..def",
            "session:abc..def: expected a number or a range like 2020..2024, 2020.. or ..2024"
            " (character 1)",
            0,
        ),
        (
            "droits year:..",
            "year:..: expected a number or a range like 2020..2024, 2020.. or ..2024 (character 8)",
            7,
        ),
        ("development year:", "year: needs a value (character 13)", 12),
        ('development symbol:""', "symbol: needs a value (character 13)", 12),
        ("(symbol: droits)", "symbol: needs a value (character 2)", 1),
    ],
)
def test_a_bad_filter_value_names_itself_and_its_place(ix, query, message, position):
    with pytest.raises(QueryError) as err:
        ix.search(query)
    assert str(err.value) == message
    assert err.value.position == position


# -- negations alone -------------------------------------------------------------------

NEGATIONS = [
    ("NOT development", "development"),  # a word
    ("-coop*", "coop*"),  # a prefix
    ('-"Nations Unies"', '"Nations Unies"'),  # a phrase
    ("-i~2", "i~2"),  # words read as a phrase: "i 2"
    ('SAUF "the Secretary-General to submit"~2', '"the Secretary-General to submit"~2'),
    ("-kind:op", "kind:op"),  # a filter
    ("NOT (triangulaire OR Marrakech)", "triangulaire OR Marrakech"),
]


@pytest.mark.parametrize(("query", "excluded"), NEGATIONS)
def test_a_negation_alone_answers_every_paragraph_but_those(ix, query, excluded):
    every = stored_keys(everything(ix))
    left_out = keys(all_hits(ix, excluded))  # none for "i 2": then every paragraph
    assert left_out < every
    assert keys(all_hits(ix, query)) == every - left_out


@pytest.mark.parametrize("query", [q for q, _ in NEGATIONS] + ["-A/RES/58/220", "a OR -b"])
def test_a_negation_alone_runs_on_the_vectorised_engine(ix, query):
    s = ix.searcher()
    q = ix._compile(parse(query), query, None)
    ranked = top_documents(s, q, 10, ix._lengths)  # raises Unsupported for Whoosh's matchers
    assert len(ranked.top) == 10


@pytest.mark.parametrize(
    "query", ["NOT development", "-coop*", "NOT symbol:58/220", "development -kind:op"]
)
def test_a_negation_alone_ranks_as_whoosh_would(ix, monkeypatch, query):
    vectorised = [(h.symbol, h.paragraph, h.score) for h in ix.search(query, limit=30)]

    def unsupported(*args, **kwargs):
        raise Unsupported("off")

    monkeypatch.setattr(matching_module, "top_documents", unsupported)
    assert [(h.symbol, h.paragraph, h.score) for h in ix.search(query, limit=30)] == vectorised


def test_or_with_a_negation_is_either(ix):
    every = stored_keys(everything(ix))
    either = keys(all_hits(ix, "triangulaire")) | (every - keys(all_hits(ix, "development")))
    assert keys(all_hits(ix, "triangulaire OR -development")) == either


def test_a_negation_in_a_filtered_query(ix):
    hits = all_hits(ix, "year:2003 NOT kind:op")
    expected = stored_keys(
        f for f in everything(ix) if f.get("year") == "2003" and f["kind"] != "op"
    )
    assert expected and keys(hits) == expected


def test_a_double_negation_is_the_query_itself(ix):
    assert keys(all_hits(ix, "NOT NOT Marrakech")) == keys(all_hits(ix, "Marrakech"))


# -- NOT before a symbol: that document -------------------------------------------------


def test_parse_reads_a_negated_symbol_as_that_document():
    assert parse("-A/RES/58/220") == Not(Filter("symbol", "A/RES/58/220"))
    assert parse("Sud-Sud NOT 58/220") == parse("Sud-Sud NOT symbol:58/220")
    assert parse("58/220 Sud-Sud").items[0] == Word("58/220")  # not negated: words


@pytest.mark.parametrize("query", ["-A/RES/58/220", "NOT 58/220", "NOT symbol:A/RES/58/220"])
def test_not_a_symbol_excludes_the_whole_document(ix, query):
    document = {(p.symbol, p.lang, p.paragraph) for p in ix.document("A/RES/58/220")}
    assert len(document) == 24
    assert keys(all_hits(ix, query)) == stored_keys(everything(ix)) - document


def test_a_phrase_without_a_document(ix):
    # A/RES/58/220 is the French resolution: its OP3 holds "Nations Unies"
    assert ("A/RES/58/220", "fr", "OP3") in keys(all_hits(ix, '"Nations Unies"'))
    hits = all_hits(ix, '"Nations Unies" NOT 58/220')
    assert hits and all(h.symbol != "A/RES/58/220" for h in hits)
    expected = {k for k in keys(all_hits(ix, '"Nations Unies"')) if k[0] != "A/RES/58/220"}
    assert keys(hits) == expected


def test_cli_minus_symbol_after_double_dash(cli):
    result = cli("--index", "IX", "--json", "-n", "3", "--", "-A/RES/58/220")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and all(h["symbol"] != "A/RES/58/220" for h in hits)


# -- unknown values ----------------------------------------------------------------------


def test_unknown_language_option_lists_the_languages(ix):
    with pytest.raises(UnknownValueError) as err:
        ix.search("coopération", lang="xx")
    assert str(err.value) == f"unknown language 'xx'; use one of {LANGS}"
    assert err.value.choices == ("ar", "en", "es", "fr", "ru", "zh")
    assert err.value.option == "lang"


def test_unknown_language_filter_names_itself(ix):
    with pytest.raises(UnknownValueError) as err:
        ix.search("coopération lang:xx")
    assert str(err.value) == f"lang:xx: use one of {LANGS}"
    assert (err.value.position, err.value.option) == (12, "")


def test_unknown_kind_names_every_kind_and_its_place(ix):
    with pytest.raises(UnknownValueError) as err:
        ix.search("development kind:zz")
    assert str(err.value) == f"kind:zz: use one of {KINDS}"
    assert err.value.choices == tuple(KINDS.split(", "))
    assert err.value.position == 12


@pytest.mark.parametrize(
    ("value", "code", "word"),
    [("FR", "fr", "droits"), ("French", "fr", "droits"), ("eng", "en", "rights")],
)
def test_language_names_and_codes(ix, value, code, word):
    hits = ix.search(word, lang=value, limit=5)
    assert hits and {h.lang for h in hits} == {code}
    assert ix.search(f"{word} lang:{value}", limit=5) == hits


def test_unknown_language_lists_those_the_index_holds(tmp_path):
    search.ingest([RESOLUTIONS / "fr", RESOLUTIONS / "en-md" / "A_RES_80_7.md"], tmp_path)
    with search.open_index(tmp_path) as ix:
        with pytest.raises(UnknownValueError) as err:
            ix.search("development", lang="de")
        assert (
            str(err.value) == f"unknown language 'de'; use one of {LANGS}; this index holds en, fr"
        )
        assert ix.search("development", lang="es") == []  # a language of the table: no hits


def test_unknown_language_in_show_and_similar(ix):
    with pytest.raises(UnknownValueError):
        ix.document("A/RES/58/220", lang="xx")
    with pytest.raises(UnknownValueError):
        ix.similar("la coopération Sud-Sud", lang="xx")
    with pytest.raises(UnknownValueError, match=r"^lang:xx: use one of"):
        ix.similar("la coopération Sud-Sud", filter="lang:xx")


@pytest.fixture()
def run(sample_index):
    def invoke(*args):
        return CliRunner().invoke(main, [*args, "--index", str(sample_index)], prog_name="unsearch")

    return invoke


def usage(command: str, message: str) -> str:
    return (
        f"Usage: unsearch {command}\nTry 'unsearch {command.split()[0]} --help' for help.\n\n"
        f"Error: {message}\n"
    )


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (
            ["coopération", "--lang", "xx"],
            usage(
                "query [OPTIONS] WORDS...",
                f"Invalid value for '--lang': unknown language 'xx'; use one of {LANGS}",
            ),
        ),
        (
            ["coopération lang:xx"],
            usage("query [OPTIONS] WORDS...", f"lang:xx: use one of {LANGS}"),
        ),
        (["kind:zz"], usage("query [OPTIONS] WORDS...", f"kind:zz: use one of {KINDS}")),
        (
            ["show", "A/RES/58/220", "--lang", "xx"],
            usage(
                "show [OPTIONS] SYMBOL [PARAGRAPH]",
                f"Invalid value for '--lang': unknown language 'xx'; use one of {LANGS}",
            ),
        ),
        (
            ["similar", "la coopération Sud-Sud", "--lang", "xx"],
            usage(
                "similar [OPTIONS] [WORDS]...",
                f"Invalid value for '--lang': unknown language 'xx'; use one of {LANGS}",
            ),
        ),
    ],
)
def test_cli_unknown_value_is_a_usage_error(run, args, output):
    result = run(*args)
    assert (result.exit_code, result.output) == (2, output)


def test_cli_bad_query_is_an_error_with_its_place(run):
    result = run("development year:2024..2020")
    assert (result.exit_code, result.output) == (
        1,
        "Error: year:2024..2020: the range is reversed; write year:2020..2024 (character 13)\n",
    )


def test_web_unknown_values_are_400(sample_index):
    from fastapi.testclient import TestClient

    from search.web import create_app

    with TestClient(create_app(sample_index)) as client:
        for params, message in [
            ({"q": "droits", "lang": "xx"}, f"unknown language 'xx'; use one of {LANGS}"),
            ({"q": "droits lang:xx"}, f"lang:xx: use one of {LANGS}"),
            ({"q": "droits kind:zz"}, f"kind:zz: use one of {KINDS}"),
        ]:
            response = client.get("/api/v1/search", params=params)
            assert response.status_code == 400
            assert response.json() == {"status": 400, "error": message}


# -- limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            '"Nations Unies"~101',
            '"Nations Unies"~101: a phrase allows at most ~100 extra words (character 1)',
        ),
        (
            'x "a b"~' + "9" * 5000,  # shown cut to 40 characters
            '"a b"~' + "9" * 33 + "…: a phrase allows at most ~100 extra words (character 3)",
        ),
        ("(" * (MAX_DEPTH + 1) + "a", "parentheses nest more than 100 deep (character 101)"),
        ("x" * 10_001, "the query is 10,001 characters long: at most 10,000"),
        (" ".join(f"w{i}x*" for i in range(21)), "the query holds 21 prefixes (word*): at most 20"),
        ("droits \ud800", "character 8 is not text (a lone UTF-16 surrogate)"),
    ],
)
def test_limits_are_query_errors(ix, query, message):
    with pytest.raises(QueryError) as err:
        ix.search(query)
    assert str(err.value) == message


def test_a_phrase_within_the_slop_limit_answers(ix):
    assert ix.search('"Nations Unies"~100', limit=1)


def test_deep_but_allowed_nesting_answers(ix):
    query = "(" * MAX_DEPTH + "Marrakech" + ")" * MAX_DEPTH
    assert keys(all_hits(ix, query)) == keys(all_hits(ix, "Marrakech"))


def test_many_stray_parentheses_do_not_nest(ix):
    assert keys(all_hits(ix, "Marrakech )" * 900)) == keys(all_hits(ix, "Marrakech"))


@pytest.mark.parametrize(
    "query",
    [
        '"Nations Unies', '"', '""', '"""', "(", ")", "(()", "())", ")(", "AND", "OR", "NOT",
        "-", "- -", "--", "NOT NOT", "OR OR OR", "AND development", "development NOT",
        "symbol:", "lang:", "kind:", "year:", "cites:", "foo:", ":", "::", "a:", ":a",
        "~", "^", "*", "**", "~2", "x~", "x^2", "x~999999999999", "development~2",
        "year:abc", "year:2024..2020", "year:1..2..3", "session:99999", "year:-5",
        "\x00", "\x00development", "\t\n\r", "\u200b", "\u200f", "\ufeff", "\u0301", "İstanbul",
        "ﬁnance", "Straße", "😀", "人人", "\U0010ffff", "development " * 1000,
        "NOT " * 1000 + "development", "- " * 1000, "(" * 100 + ")" * 5000,
        "x* " * 20, "-" + "a" * 5000, '"' + "développement " * 500 + '"~3',
    ],
)  # fmt: skip
def test_hostile_queries_answer_or_raise_query_error(ix, query):
    try:
        hits = ix.search(query, limit=5)
    except QueryError:
        return
    for hit in hits:
        assert all(0 <= a < b <= len(hit.text) for a, b in hit.matches)


def test_limit_and_context_are_checked(ix):
    with pytest.raises(QueryError, match=r"^context must be 0 or more$"):
        ix.search("development", context=-1)
    with pytest.raises(QueryError, match=r"^a query is text, not bytes$"):
        ix.search(b"development")  # type: ignore[arg-type]


# -- where the CLI takes its options ------------------------------------------------------


@pytest.fixture()
def cli(sample_index):
    def invoke(*args):
        return CliRunner().invoke(
            main, [a.replace("IX", str(sample_index)) for a in args], prog_name="unsearch"
        )

    return invoke


def test_options_before_the_command_name(cli):
    after = cli("show", "A/RES/58/220", "OP4", "--index", "IX")
    before = cli("--index", "IX", "show", "A/RES/58/220", "OP4")
    assert after.exit_code == before.exit_code == 0
    assert before.output == after.output
    assert before.output.splitlines()[0] == (
        "A/RES/58/220 (fr)  Coopération économique et technique entre pays en développement"
    )
    assert before.output.splitlines()[2].startswith("    OP4  Note avec intérêt que la coopération")


def test_json_before_the_command_name(cli):
    before = cli("--json", "--index", "IX", "show", "A/RES/58/220", "OP4", "--context", "0")
    assert before.exit_code == 0
    assert [p["paragraph"] for p in json.loads(before.output)] == ["OP4"]
    assert (
        before.output
        == cli("show", "A/RES/58/220", "OP4", "--context", "0", "--json", "--index", "IX").output
    )


def test_options_before_the_default_query(cli):
    for args in (
        ["--index", "IX", "coopération triangulaire", "--limit", "2"],
        ["--index=IX", "-n", "2", "coopération", "triangulaire"],
        ["-n2", "--index", "IX", "coopération triangulaire"],
    ):
        result = cli(*args)
        assert result.exit_code == 0, args
        assert result.output == (FIXTURES / "cli_cooperation_triangulaire.txt").read_text("utf-8")


def test_ingest_with_the_index_first(tmp_path):
    result = CliRunner().invoke(
        main, ["--index", str(tmp_path / "ix"), "ingest", str(RESOLUTIONS / "fr")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "indexed 24 paragraphs from 1 documents\n"
    with search.open_index(tmp_path / "ix") as ix:
        assert len(ix) == 24


def test_a_command_name_is_searched_only_with_query(cli):
    result = cli("--index", "IX", "query", "ingest")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no hits for 'ingest'\n")
    result = cli("query", "show", "--index", "IX", "--json")
    assert result.exit_code == 0
    assert all("show" in h["text"].lower() for h in json.loads(result.output))


def test_an_option_a_command_lacks_is_a_usage_error(cli, tmp_path):
    result = cli("--index", "IX", "--json", "ingest", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.endswith("Error: No such option '--json'.\n")


def test_help_before_a_command_is_the_main_help(cli):
    for args in (["-h"], ["--help"], ["--index", "IX", "--help"]):
        result = cli(*args)
        assert result.exit_code == 0
        assert result.output.startswith("Usage: unsearch [OPTIONS] COMMAND [ARGS]...\n")
        assert "unsearch query ingest" in result.output


# -- the engine under queries of every shape ------------------------------------------------


def test_postings_find_documents_before_the_first_posting():
    # a long list (skip blocks) asked for documents that all precede it: a filter
    # intersected with a narrower one, as "year:2003 NOT kind:op" on a large index
    ids = list(range(10_000, 200_000, 3))
    postings = Postings.from_bytes(encode_postings(ids, [1.0] * len(ids), [b""] * len(ids)))
    found, at = postings.find(np.arange(0, 100, dtype=np.int64))
    assert (found.tolist(), at.tolist()) == ([], [])
    found, at = postings.find(np.arange(9_990, 10_010, dtype=np.int64))
    assert (found.tolist(), at.tolist()) == ([10, 13, 16, 19], [0, 1, 2, 3])


def test_pasted_words_the_analysis_reads_as_nothing(ix):
    # three "words" (a filter aside) that no chain keeps: the filter's paragraphs
    hits = ix.search("kind:op \U0003ce1a ' \u200d", limit=5)
    assert len(hits) == 5 and {h.kind for h in hits} == {"op"}
