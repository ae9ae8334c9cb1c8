"""The Markdown reader, on the real resolutions in both Markdown dialects."""

from __future__ import annotations

import re

import pytest
from conftest import RESOLUTIONS

from search.documents import read_document
from search.paragraphs import FN_OPEN

FR = RESOLUTIONS / "fr" / "A_RES_58_220.md"
EN_MD = RESOLUTIONS / "en-md"


@pytest.fixture(scope="module")
def fr():
    return read_document(FR)


@pytest.fixture(scope="module")
def iaea():
    return read_document(EN_MD / "A_RES_80_7.md")


def by_label(doc):
    return {p.label: p for p in doc.paragraphs}


def test_fr_labels_in_reading_order(fr):
    expected = ["T", "PP1", "PP2", "PP3"]
    expected += [f"OP{n}" for n in range(1, 13)] + [f"FN{n}" for n in range(1, 9)]
    assert [p.label for p in fr.paragraphs] == expected
    assert [p.order for p in fr.paragraphs] == list(range(len(expected)))


def test_fr_metadata(fr):
    assert (fr.symbol, fr.lang, fr.session) == ("A/RES/58/220", "fr", 58)
    assert fr.title == "Coopération économique et technique entre pays en développement"
    assert (fr.adopted, fr.distributed) == ("2003-12-23", "2004-02-19")
    assert (fr.agenda_item, fr.report, fr.committee) == (
        "97 (b)",
        "A/58/487",
        "Deuxième Commission",
    )
    assert fr.meeting == "78e séance plénière"
    assert fr.format == "markdown"


def test_fr_paragraph_joined_across_page_break(fr):
    op8 = by_label(fr)["OP8"].text
    assert op8.startswith("Note avec intérêt que la Conférence de haut niveau")
    assert "dans le domaine du développement et les organisations internationales" in op8
    assert op8.endswith("coopération Sud-Sud ;")
    assert "55/2" not in op8


def test_fr_no_markup_and_no_footnote_calls(fr):
    for p in fr.paragraphs:
        assert not re.search(r"[<>*#]|" + FN_OPEN, p.text), p.label
    pp3 = by_label(fr)["PP3"].text
    assert "le 25 septembre 2003, dans laquelle" in pp3
    assert pp3.startswith("Prenant note de la Déclaration ministérielle")
    assert "Sud-Sud ;" in by_label(fr)["OP2"].text


def test_fr_footnotes_and_their_callers(fr):
    paras = by_label(fr)
    assert paras["FN6"].text == "Voir résolution 55/2."
    assert paras["FN6"].kind == "fn"
    assert paras["FN6"].notes == ("OP4",)
    assert "FN6" in paras["OP4"].notes
    assert paras["OP1"].notes == ("FN2", "FN3")
    assert paras["FN8"].text.startswith("Rapport de la Conférence des Nations Unies")


def test_fr_closing_lines_are_not_paragraphs(fr):
    assert not any("séance plénière" in p.text for p in fr.paragraphs)
    assert by_label(fr)["OP12"].text.endswith("l'application de la présente résolution.")


def test_en_labels_and_metadata(iaea):
    labels = [p.label for p in iaea.paragraphs]
    ops = [f"OP{n}" for n in range(1, 6)]
    assert labels == ["T", "PP1", "PP2", "PP3", "PP4", *ops, "FN1", "FN2", "FN3"]
    assert (iaea.symbol, iaea.lang, iaea.session) == ("A/RES/80/7", "en", 80)
    assert (iaea.adopted, iaea.distributed) == ("2025-11-14", "2025-11-18")
    assert (iaea.meeting, iaea.agenda_item) == ("40th plenary meeting", "89")
    assert (iaea.committee, iaea.report) == ("", "A/80/L.7")


def test_en_title_from_body_not_truncated_front_matter(iaea):
    assert iaea.title == "Report of the International Atomic Energy Agency"


def test_en_bare_footnote_calls_removed(iaea):
    paras = by_label(iaea)
    assert paras["PP1"].text.endswith("Energy Agency for 2024,")
    assert paras["PP1"].notes == ("FN1",)
    assert paras["FN1"].text == "See A/80/348."
    op2 = paras["OP2"].text
    assert "held from 15 to 19 September 2025; and of the statements" in op2
    assert "“Election of Members to the Board of Governors”; item 15 entitled" in op2
    assert paras["OP2"].notes == ("FN2", "FN3")


def test_en_real_numbers_are_kept(iaea):
    paras = by_label(iaea)
    assert "its resolution 1145 (XII) of 14 November 1957," in paras["PP4"].text
    assert "General Conference agenda item 8 entitled" in paras["OP2"].text


def test_en_footnote_with_continuation_lines(iaea):
    fn2 = by_label(iaea)["FN2"].text
    assert fn2.startswith("See International Atomic Energy Agency, Resolutions Adopted")
    assert fn2.endswith("information regarding their adoption.")


def test_en_paragraph_joined_across_page_break(iaea):
    op2 = by_label(iaea)["OP2"].text
    assert "NPT safeguards agreement between the Agency and the Democratic People’s Republic" in op2
    assert "OP3" in by_label(iaea)
    assert sum(p.kind == "op" for p in iaea.paragraphs) == 5


def test_en_sub_paragraphs_and_running_header():
    doc = read_document(EN_MD / "A_RES_80_1.md")
    paras = by_label(doc)
    assert [p.label for p in doc.paragraphs if p.parent] == ["OP1(a)", "OP1(b)", "OP1(c)"]
    assert paras["OP1(b)"].parent == "OP1"
    assert paras["OP1(b)"].text.startswith("The State of Palestine may deliver statements")
    # the running header between two pages is dropped and the split paragraph joined
    assert "during the general debate of the Assembly at its eightieth session" in (
        paras["OP1(a)"].text
    )
    assert paras["FN1"].notes == ("PP1",)


def test_en_roman_sub_sub_paragraph_after_h():
    paras = by_label(read_document(EN_MD / "A_RES_80_12.md"))
    assert paras["OP7(h)"].text.startswith("To report on experiences gained")
    assert paras["OP7(i)"].parent == "OP7"
    assert "OP7(h)(i)" not in paras


def test_en_sub_paragraphs_whose_letters_were_lost():
    paras = by_label(read_document(EN_MD / "A_RES_80_12.md"))
    # "(a)" and "(b)" were lost in the conversion, "(c)" was kept
    assert paras["OP7"].text == "Requests the Secretary-General, within available resources:"
    assert paras["OP7(a)"].text.startswith("To continue the practice of sending an annual note")
    assert paras["OP7(b)"].parent == "OP7"
    assert paras["OP8(b)"].text.startswith("To continue to provide the Secretary-General")
    assert paras["OP9"].text.startswith("Decides to remain seized of the matter")


def test_en_unnumbered_operative_paragraph_takes_the_lost_number():
    paras = by_label(read_document(EN_MD / "A_RES_80_3.md"))
    assert paras["OP2"].text.startswith("Expresses its profound gratitude to the Government")


def test_en_bare_call_before_a_year():
    paras = by_label(read_document(EN_MD / "A_RES_80_28.md"))
    assert paras["PP3"].text.endswith("Member States for 2021, 2022, 2023 and 2024,")
    assert paras["PP3"].notes == ("FN1", "FN2", "FN3", "FN4")


def test_en_annex_labels():
    doc = read_document(EN_MD / "A_RES_80_3.md")
    paras = by_label(doc)
    assert paras["OP1"].text.startswith("Endorses the political declaration")
    assert paras["AN1"].text.startswith("We, the Heads of State and Government")
    assert paras["AN1"].section == "annex"
    assert paras["AN-H1"].text == "I. Global context and shared commitments"
    assert paras["AN3"].text.startswith("We gather at a critical juncture")
    assert paras["AN13(c)"].text == "Transit, transport and connectivity;"
    assert paras["AN13(c)"].parent == "AN13"
    assert paras["AN-H3"].text == "Partnerships and support mechanisms"
    assert paras["AN17"].kind == "annex"
    labels = [p.label for p in doc.paragraphs]
    assert labels.index("AN-H1") < labels.index("AN3") < labels.index("AN-H2")


def test_en_footnote_call_glued_to_a_year():
    paras = by_label(read_document(EN_MD / "A_RES_80_11.md"))
    assert "on peacebuilding and sustaining peace of 25 November 2024 and the inputs" in " ".join(
        p.text for p in paras.values()
    )
    assert paras["FN2"].notes


def test_en_compound_split_by_a_stray_space_is_joined():
    paras = by_label(read_document(EN_MD / "A_RES_80_17.md"))
    assert "pending the establishment of a nuclear-weapon-free zone in the region" in (
        paras["OP5"].text
    )
    assert "at its sixty-ninth regular session" in paras["OP3"].text


def test_en_suspended_hyphen_is_kept():
    paras = by_label(read_document(EN_MD / "A_RES_80_52.md"))
    assert "adequate, gender- and age-sensitive assistance" in paras["PP7"].text


def test_en_bare_call_glued_to_the_next_word():
    paras = by_label(read_document(EN_MD / "A_RES_80_46.md"))
    assert "endorsed by the relevant States Parties, and welcomes the adoption" in (
        paras["OP2"].text
    )
    assert paras["OP2"].notes == ("FN8",)
    assert paras["FN8"].notes == ("OP2",)


def test_en_lost_letters_of_a_list_with_a_sub_chapeau():
    doc = read_document(EN_MD / "A_RES_80_11.md")
    paras = by_label(doc)
    assert [p.label for p in doc.paragraphs if p.parent.startswith("OP1")] == [
        "OP1(a)", "OP1(b)", "OP1(b)(i)", "OP1(b)(ii)", "OP1(c)", "OP1(d)", "OP1(e)",
        "OP1(f)", "OP1(g)", "OP1(h)", "OP1(i)",
    ]  # fmt: skip
    assert paras["OP1(b)"].text.endswith("sustaining peace efforts by:")
    assert paras["OP1(b)(i)"].text.startswith("Assisting Member States in building")
    assert paras["OP1(c)"].text.startswith("Taking note of the decision of the Security Council")
    assert paras["OP1(i)"].text.startswith("Requesting the Department of Global Communications")


def test_en_lost_letter_of_an_item_split_by_a_page_break():
    paras = by_label(read_document(EN_MD / "A_RES_80_34.md"))
    op12d = paras["OP12(d)"]
    assert op12d.text.startswith("Decision C-28/DEC.12 of the Conference of the States Parties")
    assert "of 30 November 2023; and stresses the importance of their implementation" in op12d.text
    assert op12d.text.endswith("on the implementation of decision EC-94/DEC.2;")
    assert paras["OP13"].text.startswith("Reiterates its grave concern")


def test_every_en_markdown_resolution():
    files = sorted(EN_MD.glob("*.md"))
    assert len(files) == 55
    for path in files:
        doc = read_document(path)
        assert doc.symbol == path.stem.replace("_", "/"), path.name
        assert doc.title and doc.lang == "en", path.name
        assert any(p.kind == "op" for p in doc.paragraphs), path.name
        labels = [p.label for p in doc.paragraphs]
        assert len(set(labels)) == len(labels), path.name
        for p in doc.paragraphs:
            assert "[^" not in p.text and FN_OPEN not in p.text, (path.name, p.label)
