"""The tables of concepts (kinds, languages) and what is derived from them."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import RESOLUTIONS, ROOT

from search import kinds, languages
from search.cli import main
from search.errors import QueryError


def test_readme_lists_every_kind_of_the_table():
    readme = (ROOT / "README.md").read_text()
    line = next(line for line in readme.splitlines() if "(`kind`:" in line)
    listed = re.search(r"\(`kind`: (.*?)\)", line).group(1)
    assert tuple(re.findall(r"`(\w+)`", listed)) == kinds.NAMES


def test_query_help_lists_every_kind():
    result = CliRunner().invoke(main, ["query", "--help"])
    assert result.exit_code == 0
    assert "kind:op|pp|fn|annex|title|heading|article|text" in result.output


def test_unknown_kind_names_every_kind(ix):
    with pytest.raises(QueryError) as err:
        ix.search("development kind:chapter")
    assert str(err.value) == (
        "kind:chapter: use one of op, pp, fn, annex, title, heading, article, text"
    )


@pytest.mark.parametrize("word", ["heading", "HEADING", "Annexe", "note", "preambular"])
def test_every_alias_finds_paragraphs_of_its_kind(ix, word):
    hits = ix.search(f"development kind:{word}", limit=5)
    assert hits and {h.kind for h in hits} == {kinds.lookup(word)}


def test_paragraph_kinds_of_the_index_are_in_the_table(ix):
    labels = {p.kind: p.paragraph for p in ix.document("A/RES/78/1")}
    labels |= {p.kind: p.paragraph for p in ix.document("A/RES/217A(III)", lang="en")}
    assert set(labels) <= set(kinds.NAMES)
    for kind, label in labels.items():
        (entry,) = (k for k in kinds.KINDS if k.name == kind)
        assert label.startswith(entry.labels), (kind, label)


def test_each_language_has_one_chain_and_the_index_a_field_per_chain():
    from search.index import make_schema

    assert languages.CHAINS == ("fr", "en", "es", "ru", "ar", "zh", "xx")
    assert [languages.chain_name(code) for code in languages.LANGUAGES] == [
        "fr", "en", "es", "ru", "ar", "zh"
    ]  # fmt: skip
    assert {f"text_{c}" for c in languages.CHAINS} <= set(make_schema().names())


def test_lang_option_help_names_the_languages():
    result = CliRunner().invoke(main, ["query", "--help"])
    assert "(fr, en, es, ru, ar, zh)" in " ".join(result.output.split())


def test_passage_and_json_keys_follow_the_field_table():
    from dataclasses import fields as dataclass_fields

    from search.documents import Document
    from search.fields import METADATA, NAMES
    from search.hits import Hit, Passage

    assert tuple(f.name for f in dataclass_fields(Passage)) == NAMES
    assert {f.attr for f in METADATA} <= {f.name for f in dataclass_fields(Document)}
    readme = (ROOT / "README.md").read_text()
    example = json.loads(re.search(r"```json\n(.*?)```", readme, re.DOTALL).group(1))
    assert tuple(example) == tuple(f.name for f in dataclass_fields(Hit))


def test_stored_fields_come_back_as_the_passage_that_was_indexed():
    from search.documents import read_document
    from search.index import _passage, paragraph_fields

    doc = read_document(RESOLUTIONS / "fr" / "A_RES_58_220.md")
    stored = paragraph_fields(doc)
    op4 = _passage(next(s for s in stored if s["paragraph"] == "OP4"))
    assert (op4.symbol, op4.date, op4.session, op4.notes) == (
        "A/RES/58/220", "2003-12-23", 58, ("FN6",)
    )  # fmt: skip
    assert op4.citation == "A/RES/58/220, par. 4"
    assert (op4.meeting, op4.report) == (doc.meeting, doc.report)
