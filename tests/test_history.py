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


# -- series tied otherwise than by their title (the KIN index) --------------------------

FREEDOM = ["A/RES/78/212", "A/RES/79/174", "A/RES/80/202"]


def test_the_masthead_gives_the_agenda_items_title(corpus):
    from search.documents import read_document

    def agenda(path):
        doc = read_document(corpus / "resolutions" / path)
        return doc.agenda_item, doc.agenda_title

    assert agenda("en-txt/A_RES_78_167.txt") == (
        "22 (b)",
        "Operational activities for development: South-South cooperation for development",
    )
    assert agenda("en-txt/A_RES_78_27.txt") == (
        "99 (aa)",
        "General and complete disarmament: follow-up to the 2013 high-level meeting of the"
        " General Assembly on nuclear disarmament",
    )
    assert agenda("en-md/A_RES_80_46.md") == (
        "99 (y)",
        "General and complete disarmament: the Arms Trade Treaty",
    )
    assert (
        agenda("en-pdf/A_RES_79_100.pdf")
        == agenda("en-txt/A_RES_79_100.txt")
        == (
            "58",
            "Implementation of the Declaration on the Granting of Independence to Colonial"
            " Countries and Peoples",
        )
    )
    assert agenda("fr/A_RES_58_220.md") == ("97 (b)", "")  # the number alone in French


def test_a_renamed_series_is_joined_by_the_resolution_it_recalls(kin_ix):
    # A/RES/79/174 is entitled "Freedom of religion and belief", between two "Freedom
    # of religion or belief"; its preamble recalls A/RES/78/212
    for member in FREEDOM:
        assert [e.symbol for e in kin_ix.history(member)] == FREEDOM
    entries = kin_ix.history("A/RES/79/174")
    assert [(e.title, e.joined) for e in entries] == [
        ("Freedom of religion or belief", "same title as A/RES/80/202"),
        ("Freedom of religion and belief", "recalls A/RES/78/212"),
        ("Freedom of religion or belief", "recalls A/RES/79/174"),
    ]
    assert [(e.unchanged, e.amended, e.new, e.dropped) for e in entries[1:]] == [
        (54, 3, 0, 0),
        (54, 3, 0, 0),
    ]
    versions = kin_ix.history("A/RES/80/202", "OP1")
    assert [(v.symbol, v.paragraph, v.status) for v in versions] == [
        ("A/RES/78/212", "OP1", "new"),
        ("A/RES/79/174", "OP1", "unchanged"),
        ("A/RES/80/202", "OP1", "unchanged"),
    ]


def test_a_series_whose_titles_change_under_one_agenda_item(kin_ix):
    entries = kin_ix.history("A/RES/80/53")
    assert [(e.symbol, e.title, e.joined) for e in entries] == [
        ("A/RES/78/239", "Nuclear disarmament verification", ""),
        (
            "A/RES/79/240",
            "Group of Scientific and Technical Experts on Nuclear Disarmament Verification",
            "recalls A/RES/78/239",
        ),
        (
            "A/RES/80/53",
            "Establishment of the Group of Scientific and Technical Experts on Nuclear"
            " Disarmament Verification",
            "recalls A/RES/79/240",
        ),
    ]


def test_titles_that_differ_by_their_year_under_one_agenda_item(kin_ix):
    entries = kin_ix.history("A/RES/79/261")
    assert [(e.symbol, e.title, e.joined) for e in entries] == [
        ("A/RES/78/256", "Working Capital Fund for 2024", ""),
        ("A/RES/79/261", "Working Capital Fund for 2025", "same agenda item as A/RES/78/256"),
        ("A/RES/80/246", "Working Capital Fund for 2026", "same agenda item as A/RES/78/256"),
    ]


def test_unrelated_resolutions_are_never_joined(kin_ix):
    from search.history import pair_paragraphs

    def series(symbol):
        return [e.symbol for e in kin_ix.history(symbol)]

    # one agenda item, and most paragraphs alike, yet two territories
    anguilla, bermuda = kin_ix.document("A/RES/80/91"), kin_ix.document("A/RES/79/101")
    shared = len(pair_paragraphs(bermuda, anguilla).old)
    assert shared >= 0.85 * sum(1 for p in bermuda if p.kind in ("pp", "op"))  # 32 of 36
    assert series("A/RES/80/91") == ["A/RES/78/87", "A/RES/79/100", "A/RES/80/91"]
    assert series("A/RES/80/92") == ["A/RES/78/88", "A/RES/79/101", "A/RES/80/92"]
    # "Women, disarmament, non-proliferation and arms control" recalls "Youth,
    # disarmament and non-proliferation": titles too far apart (0.43 of their words)
    assert series("A/RES/79/57") == ["A/RES/79/57"]
    assert series("A/RES/80/55") == ["A/RES/78/31", "A/RES/80/55"]
    # one agenda item, but Bhutan is not Cambodia and Senegal
    assert series("A/RES/79/230") == ["A/RES/79/230"]
    # each recalls the other series of the same session
    assert series("A/RES/79/257") == ["A/RES/78/252", "A/RES/79/257"]
    assert series("A/RES/79/258") == ["A/RES/78/253", "A/RES/79/258"]
    # the Decade's title holds every word of "Combating sand and dust storms", under
    # the same agenda item, but that series has a resolution of its own in session 78
    assert series("A/RES/80/143") == ["A/RES/78/158", "A/RES/79/212", "A/RES/80/143"]
    assert series("A/RES/78/314") == ["A/RES/78/314"]


def test_cli_prints_the_other_titles_of_the_series(kin_ix):
    from click.testing import CliRunner

    from search.cli import main

    result = CliRunner().invoke(main, ["history", "79/174", "--index", str(kin_ix.path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Freedom of religion and belief"
    assert [line.split()[0] for line in lines[1:] if line.startswith("A/RES/")] == FREEDOM
    assert lines[2] == "  Freedom of religion or belief  (same title as A/RES/80/202)"
    assert lines[5] == "  Freedom of religion or belief  (recalls A/RES/79/174)"
    result = CliRunner().invoke(main, ["history", "79/174", "--json", "--index", str(kin_ix.path)])
    assert [e["joined"] for e in json.loads(result.output)][1] == "recalls A/RES/78/212"
