"""The unsearch command: exit codes, output and JSON, through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, RESOLUTIONS

from search.cli import main

JSON_KEYS = {
    "symbol",
    "paragraph",
    "kind",
    "lang",
    "title",
    "date",
    "session",
    "score",
    "text",
    "matches",
    "citation",
    "source",
}


@pytest.fixture()
def run(sample_index):
    def invoke(*args, **kwargs):
        return CliRunner().invoke(main, [*args, "--index", str(sample_index)], **kwargs)

    return invoke


def test_query_is_the_default_command(run):
    result = run("coopération triangulaire", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert result.output == (FIXTURES / "cli_cooperation_triangulaire.txt").read_text("utf-8")


def test_unquoted_words_make_one_query(run):
    assert run("coopération", "triangulaire").output == run("coopération triangulaire").output


def test_colour_only_when_asked(run):
    plain = run("triangulaire", "--limit", "1").output
    assert "\x1b[" not in plain
    coloured = run("triangulaire", "--limit", "1", color=True).output
    assert "\x1b[33m\x1b[1mtriangulaire\x1b[0m" in coloured


def test_json_output(run):
    result = run("coopération triangulaire", "--json", "--limit", "3")
    assert result.exit_code == 0
    hits = json.loads(result.output)
    assert len(hits) == 2
    assert set(hits[0]) >= JSON_KEYS
    assert hits[0]["citation"] == "A/RES/58/220, par. 4"
    assert hits[0]["date"] == "2003-12-23"
    assert hits[0]["session"] == 58
    start, end = hits[0]["matches"][-1]
    assert hits[0]["text"][start:end] == "triangulaire"
    assert "coopération" in result.output  # ensure_ascii=False: French stays readable


def test_no_hits_is_success(run):
    result = run("zzzyxquux", "--json")
    assert (result.exit_code, result.output) == (0, "[]\n")
    result = run("zzzyxquux")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no hits for 'zzzyxquux'\n"


def test_lang_option(run):
    hits = json.loads(run("droits", "--lang", "fr", "--json").output)
    assert hits and {h["lang"] for h in hits} == {"fr"}


def test_context_option_prints_neighbours(run):
    out = run("coopération triangulaire", "--limit", "1", "--context", "1").output
    lines = out.splitlines()
    assert lines[0] == "A/RES/58/220  OP4  (A/RES/58/220, par. 4)"
    assert lines[1].startswith("  OP3: Réaffirme qu'il est nécessaire")
    assert lines[3].startswith("  OP5: Considère que les initiatives")


def test_bad_query_is_an_error_not_a_traceback(run):
    result = run("(")
    assert result.exit_code == 1
    assert result.output == "Error: nothing to search for in '('\n"


def test_missing_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(main, ["triangulaire", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no index in {tmp_path / 'none'}/ (build one with: unsearch ingest [PATH...])\n"
    )


def test_index_from_environment(sample_index):
    result = CliRunner().invoke(
        main, ["triangulaire", "--json"], env={"UNSEARCH_INDEX": str(sample_index)}
    )
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["symbol"] == "A/RES/58/220"


@pytest.mark.parametrize(
    "args", [["triangulaire", "--limit", "0"], ["triangulaire", "--bogus"], ["show"]]
)
def test_usage_errors_exit_2(run, args):
    assert run(*args).exit_code == 2


def test_show_paragraph_with_neighbours(run):
    result = run("show", "A/RES/58/220", "OP8")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert (
        lines[0]
        == "A/RES/58/220 (fr)  Coopération économique et technique entre pays en développement"
    )
    assert [line.split()[0] for line in lines[1:]] == ["OP7", "OP8", "OP9"]
    assert "dans le domaine du développement et les organisations" in lines[2]


def test_show_whole_document_as_json(run):
    result = run("show", "58/220", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert [i["paragraph"] for i in shown["paragraphs"]][:4] == ["T", "PP1", "PP2", "PP3"]
    assert len(shown["paragraphs"]) == 24
    assert shown["cites"][0] == {
        "symbol": "A/RES/57/263",
        "title": "",
        "count": 1,
        "paragraphs": ["OP10"],
    }
    assert shown["cited_by"] == []


def test_show_unknown_paragraph(run):
    result = run("show", "58/220", "OP40")
    assert result.exit_code == 1
    assert result.output == "Error: 58/220 has no paragraph OP40\n"


def test_ingest_reports_counts_and_failures(tmp_path):
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "noise.html").write_bytes(bytes(range(256)) * 4)
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            str(RESOLUTIONS / "fr"),
            str(tmp_path),
            "--index",
            str(tmp_path / "ix"),
        ],
    )
    assert result.exit_code == 1
    assert result.stdout == "indexed 24 paragraphs from 1 documents; 2 files failed\n"
    assert f"error: {tmp_path / 'empty.md'}: empty file\n" in result.stderr
    assert f"error: {tmp_path / 'noise.html'}: " in result.stderr
    found = CliRunner().invoke(main, ["triangulaire", "--index", str(tmp_path / "ix"), "--json"])
    assert json.loads(found.output)[0]["citation"] == "A/RES/58/220, par. 4"


def test_ingest_of_nothing_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "no documents found in" in result.output


def test_version_and_module_entry_point():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("unsearch, version ")
    proc = subprocess.run(
        [sys.executable, "-m", "search", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "Search United Nations documents" in proc.stdout


def test_ingest_into_a_place_that_cannot_hold_an_index(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    index = tmp_path / "file" / "index"
    result = CliRunner().invoke(main, ["ingest", str(RESOLUTIONS / "fr"), "--index", str(index)])
    assert result.exit_code == 1
    assert result.output == f"Error: {index}/: cannot write the index (Not a directory)\n"


def test_ingest_onto_a_full_disk_is_one_line_and_keeps_the_index(tmp_path, monkeypatch):
    index = tmp_path / "index"
    args = ["ingest", str(RESOLUTIONS / "fr"), "--index", str(index)]
    assert CliRunner().invoke(main, args).exit_code == 0
    hits = CliRunner().invoke(main, ["coopération triangulaire", "--index", str(index)]).output

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("search.engine.writing.IndexWriter.commit", full)
    result = CliRunner().invoke(main, [*args, str(RESOLUTIONS / "en-md")])
    assert result.exit_code == 1
    assert result.output == (
        "ingesting\nwriting the index …\n"
        f"Error: {index}/: cannot write the index (No space left on device)\n"
    )
    again = CliRunner().invoke(main, ["coopération triangulaire", "--index", str(index)])
    assert again.output == hits
