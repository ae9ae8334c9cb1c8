"""The segmenter: labels and metadata from cleaned blocks, whatever the source format."""

from __future__ import annotations

from search.paragraphs import Cleaned, fn_call, segment

HEADER_EN = [
    "United Nations A/RES/78/1",
    "General Assembly Distr.: General 16 October 2023",
    "Seventy-eighth session Agenda items 13 and 117",
    "Resolution adopted by the General Assembly on 29 September 2023",
    "[on the report of the Second Committee (A/78/461, para. 9)]",
]


def labels(paragraphs):
    return [p.label for p in paragraphs]


def test_english_header_metadata():
    meta, _ = segment(Cleaned([*HEADER_EN, "78/1. A title", "The General Assembly,", "1. Acts."]))
    assert meta["symbol"] == "A/RES/78/1"
    assert meta["session"] == 78
    assert meta["distributed"] == "2023-10-16"
    assert meta["adopted"] == "2023-09-29"
    assert meta["agenda_item"] == "13 and 117"
    assert (meta["committee"], meta["report"]) == ("Second Committee", "A/78/461")
    assert (meta["title"], meta["lang"]) == ("A title", "en")


def test_french_header_metadata_and_closing_date():
    blocks = [
        "Distr. générale 19 février 2004",
        "Soixante-dix-huitième session",
        "Point 97, b, de l'ordre du jour",
        "Résolution adoptée par l'Assemblée générale",
        "78/5. Titre",
        "L'Assemblée générale,",
        "1. Décide d'agir.",
        "78e séance plénière 23 décembre 2003",
    ]
    meta, paragraphs = segment(Cleaned(blocks))
    assert (meta["session"], meta["agenda_item"], meta["lang"]) == (78, "97 (b)", "fr")
    assert (meta["adopted"], meta["meeting"]) == ("2003-12-23", "78e séance plénière")
    assert labels(paragraphs) == ["T", "OP1"]


def test_source_metadata_wins():
    meta, _ = segment(Cleaned(["80/1. Title", "The General Assembly,", "1. Acts."], meta={
        "symbol": "A/RES/80/1/Rev.1", "lang": "en"}))  # fmt: skip
    assert (meta["symbol"], meta["lang"], meta["session"]) == ("A/RES/80/1/Rev.1", "en", 80)


def test_single_unnumbered_operative_paragraph_and_annex():
    blocks = [
        *HEADER_EN,
        "78/1. Political declaration",
        "The General Assembly",
        "Endorses the political declaration contained in the annex to the present resolution.",
        "15th plenary meeting 29 September 2023",
        "Annex",
        "Political Declaration adopted at the High-level Political Forum",
        "I. Our shared commitment",
        "1. We, the Heads of State and Government, have gathered",
        "at United Nations Headquarters;",
        "2. We commit to:",
        "(a) Act now;",
        "(b) Act together.",
        "We thank the hosts.",
    ]
    meta, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == [
        "T", "OP1", "AN-H1", "AN-H2", "AN1", "AN2", "AN2(a)", "AN2(b)", "AN-P1",
    ]  # fmt: skip
    by = {p.label: p for p in paragraphs}
    assert by["OP1"].kind == "op"
    assert by["AN-H2"].kind == "heading" and by["AN-H2"].section == "annex"
    assert (
        by["AN1"].text
        == "We, the Heads of State and Government, have gathered at United Nations Headquarters;"
    )
    assert by["AN2(b)"].parent == "AN2" and by["AN2(b)"].text == "Act together."
    assert meta["meeting"] == "15th plenary meeting"


def test_several_annexes_are_numbered():
    blocks = ["80/2. Title", "The General Assembly,", "1. Approves the annexes.",
              "Annex I", "1. First rule.", "Text without number.",
              "Annex II", "Scope", "1. Second rule."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "AN1.1", "AN1-P1", "AN2-H1", "AN2.1"]
    assert [p.section for p in paragraphs[2:]] == ["annex I", "annex I", "annex II", "annex II"]


def test_parts_restart_numbering_with_unique_labels():
    blocks = ["79/300. Questions relating to the budget", "A", "Revised estimates",
              "The General Assembly,", "Recalling its resolution 78/1,", "1. Approves.",
              "B", "Other matters", "The General Assembly,", "1. Decides."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "A.T", "A.PP1", "A.OP1", "B.T", "B.OP1"]
    assert paragraphs[1].kind == "heading"


def test_sub_sub_paragraphs_and_roman_after_h():
    letters = [f"({c}) item {c};" for c in "abcdefgh"]
    blocks = ["80/3. Title", "The General Assembly,", "1. Decides:", *letters,
              "(i) item i;", "(j) item j, including:", "(i) first;", "(ii) second;"]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs)[-4:] == ["OP1(i)", "OP1(j)", "OP1(j)(i)", "OP1(j)(ii)"]
    assert paragraphs[-1].parent == "OP1(j)"


def test_paragraph_split_by_page_break_is_joined():
    blocks = ["80/4. Title", "The General Assembly,", "Recalling the Agreement between the",
              "United Nations and the Agency,", "1. Invites all States to take part in",
              "the Conference;", "2. Decides."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "PP1", "OP1", "OP2"]
    assert (
        paragraphs[1].text == "Recalling the Agreement between the United Nations and the Agency,"
    )
    assert paragraphs[2].text == "Invites all States to take part in the Conference;"


def test_footnote_calls_removed_and_linked():
    blocks = ["80/5. Title", "The General Assembly,",
              "Noting the Declaration of 25 September 2003" + fn_call(1) + ", in which",
              "1. Takes note of the report" + fn_call(2) + " and the decisions" + fn_call(1)
              + " ;"]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks, {"1": "A/58/413.", "2": "See A/58/39."}))
    by = {p.label: p for p in paragraphs}
    assert by["PP1"].text == "Noting the Declaration of 25 September 2003, in which"
    assert by["OP1"].text == "Takes note of the report and the decisions ;"
    assert by["OP1"].notes == ("FN2", "FN1")
    assert by["FN1"].notes == ("PP1", "OP1")
    assert labels(paragraphs)[-2:] == ["FN1", "FN2"]


def test_heading_glued_to_numbered_paragraph_is_split():
    blocks = ["80/6. Title", "The General Assembly,", "1. Decides;",
              "II. Follow-up 2. Requests a report."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert [(p.label, p.text) for p in paragraphs[2:]] == [
        ("H1", "II. Follow-up"), ("OP2", "Requests a report."),
    ]  # fmt: skip


def test_text_without_un_structure_is_plain_paragraphs():
    meta, paragraphs = segment(Cleaned(["Mr. President,", "We gather here today."]))
    assert labels(paragraphs) == ["P1", "P2"]
    assert {p.kind for p in paragraphs} == {"text"}
    assert "symbol" not in meta


def test_resumed_meeting_closes_the_body():
    blocks = ["78/9. Title", "The General Assembly,", "Recalling its resolution 77/1,",
              "Decides to act.", "50th (resumed) plenary meeting 22 December 2023"]  # fmt: skip
    meta, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "PP1", "OP1"]
    assert (meta["meeting"], meta["adopted"]) == ("50th (resumed) plenary meeting", "2023-12-22")


def test_title_ends_where_the_body_begins_without_body_line():
    blocks = ["78/9. Enhancing the contributions of the Commission", "to the 2030 Agenda",
              "Reaffirming its resolution 70/1,", "1. Decides to act."]  # fmt: skip
    meta, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "PP1", "OP1"]
    assert meta["title"] == "Enhancing the contributions of the Commission"
    assert paragraphs[0].text.endswith("Commission to the 2030 Agenda")


def test_numbered_list_after_a_colon_hangs_under_its_chapeau():
    blocks = ["80/7. Title", "The General Assembly,", "1. Decides;",
              "2. Approves the following agenda:", "1. Opening.", "2. Adoption of the report.",
              "3. Requests a report."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP2", "OP2(1)", "OP2(2)", "OP3"]
    assert (paragraphs[3].text, paragraphs[3].parent) == ("Opening.", "OP2")


def test_unnumbered_blocks_after_a_colon_join_it():
    blocks = ["80/8. Title", "The General Assembly,", "1. Decides that meetings will be held:",
              "Monday: from 9 a.m. to 1 p.m.", "Tuesday: from 3 to 6 p.m.;",
              "2. Requests a report."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP2"]
    assert paragraphs[1].text == (
        "Decides that meetings will be held: Monday: from 9 a.m. to 1 p.m. "
        "Tuesday: from 3 to 6 p.m.;"
    )


def test_list_items_that_lost_their_letters():
    blocks = ["80/9. Title", "The General Assembly,", "1. Requests the Secretary-General:",
              "To continue the practice;", "To circulate a note;", "(c) To consult;",
              "2. Decides."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP1(a)", "OP1(b)", "OP1(c)", "OP2"]
    assert paragraphs[3].text == "To circulate a note;"


def test_list_that_lost_its_letters_with_a_sub_chapeau():
    blocks = ["80/11. Title", "The General Assembly,", "1. Requests the Commission:",
              "To plan its work;", "To support States by:", "Assisting them;",
              "(ii) Inviting the banks;", "To follow up;", "(d) To report;",
              "To inform the public;", "2. Decides."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == [
        "T", "OP1", "OP1(a)", "OP1(b)", "OP1(b)(i)", "OP1(b)(ii)", "OP1(c)", "OP1(d)",
        "OP1(e)", "OP2",
    ]  # fmt: skip
    assert (paragraphs[4].text, paragraphs[4].parent) == ("Assisting them;", "OP1(b)")


def test_lost_letter_of_an_item_split_by_a_page_break():
    blocks = ["80/34. Title", "The General Assembly,", "1. Recalls the adoption of:",
              "Decision 1, of 2018;", "Decision 2 of the", "Conference, of 2023; and stresses",
              "their implementation;", "2. Decides."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP1(a)", "OP1(b)", "OP2"]
    assert paragraphs[3].text == (
        "Decision 2 of the Conference, of 2023; and stresses their implementation;"
    )


def test_unlettered_lines_of_a_lettered_list_are_not_lettered():
    blocks = ["79/273. Title", "The General Assembly,", "1. Decides as follows:",
              "(a) The panels will be held in parallel;", "(b) The panels will address:",
              "Panel 1: Health;", "Panel 2: Financing;", "(c) Each panel will be chaired;",
              "2. Requests a report."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP1(a)", "OP1(b)", "OP1(c)", "OP2"]
    assert paragraphs[3].text == "The panels will address: Panel 1: Health; Panel 2: Financing;"


def test_sections_restarting_numbering_prefix_their_labels():
    blocks = ["78/10. Title", "The General Assembly,", "I. Oversight",
              "Recalling its resolution 48/218 B,", "1. Reaffirms its role;", "2. Decides.",
              "II. Audit", "Having considered the report,", "1. Notes the work;",
              "III. Trade", "Approves resources for the Centre;"]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "H1", "I.PP1", "I.OP1", "I.OP2", "H2", "II.PP1",
                                  "II.OP1", "H3", "III.OP1"]  # fmt: skip


def test_sections_continuing_numbering_keep_plain_labels():
    blocks = ["78/11. Title", "The General Assembly,", "I. Oversight", "1. Reaffirms;",
              "II. Audit", "Recalling its resolution 77/1,", "2. Notes the work."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "H1", "OP1", "H2", "PP1", "OP2"]


def test_operative_labels_follow_printed_numbers():
    blocks = ["78/12. Title", "The General Assembly,", "1. Decides;",
              "Abbreviations: GS, General Service.", "2. Requests.",
              "27 Affirms its commitment;"]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP-P1", "OP2", "OP-P2"]
    blocks[-1] = "3 Affirms its commitment;"
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs)[-1] == "OP3"


def test_unnumbered_operative_paragraph_takes_a_lost_number():
    blocks = ["78/13. Title", "The General Assembly,", "1. Endorses the declaration;",
              "Expresses its gratitude to the host;", "3. Decides."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "OP2", "OP3"]


def test_annex_articles_number_their_paragraphs():
    blocks = ["78/14. Title", "The General Assembly,", "Adopts the Convention.", "Annex",
              "Article 5", "Protection of sovereignty", "1. States shall act.",
              "2. Nothing shall entitle.", "Rule 8 Acting President", "1. If absent."]  # fmt: skip
    _, paragraphs = segment(Cleaned(blocks))
    assert labels(paragraphs) == ["T", "OP1", "AN-H1", "AN-H2", "AN-ART5(1)", "AN-ART5(2)",
                                  "AN-H3", "AN-R8(1)"]  # fmt: skip


def test_blocks_with_much_white_space_are_squashed():
    big = "peace  and\n security " * 200_000
    _, paragraphs = segment(Cleaned(["80/9. Title", "The General Assembly,", f"1. {big}"]))
    assert paragraphs[1].text == ("peace and security " * 200_000).strip()
