"""The ``.txt`` reader: raw text of resolution PDFs, and any other plain text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from search.documents import Document, read_document, symbol_from_filename
from search.paragraphs import FN_CLOSE, FN_OPEN
from search.sources import plaintext
from tests.conftest import CORPUS, RESOLUTIONS

EN_TXT = RESOLUTIONS / "en-txt"

JOB_NUMBER = re.compile(r"\b\d{2}-\d{5}\b")
BARCODE = re.compile(r"\*\d{7}\*")
RECYCLE = re.compile(r"Please recycle", re.IGNORECASE)
_MARKER = re.compile(f"{FN_OPEN}[^{FN_CLOSE}]*{FN_CLOSE}")


def page_counter(raw: str) -> re.Pattern[str]:
    """A page counter ``k/N`` of a document of N pages standing alone in running text
    (not a resolution number such as "resolution 5/12 of ...")."""
    counts = [int(n) for n in re.findall(r"(?m)^\s*\d{1,3}/(\d{1,3})\s*$", raw)]
    pages = max(counts, default=1)
    return re.compile(
        r"(?<!resolution )(?<!resolutions )(?<!decision )(?<!, )(?<!and )"
        rf"(?<!\S)\d{{1,2}}/{pages}(?!\S)(?! of)"
    )


#: A label made unique by a suffix: the segmenter met the same label twice.
DEDUPLICATED = re.compile(r"\)-\d+$|\d-\d+$")
_OP_LABEL = re.compile(r"((?:[A-Z]\.)?(?:[IVXL]+\.)?)OP(\d+)")


def misnumbered(raw: str, doc: Document) -> list[str]:
    """The ``OPn`` labels of ``doc`` whose text does not follow a printed ``n.`` (or
    ``n``) in the cleaned source; a lone unnumbered ``OP1`` is fine."""
    blocks = plaintext.clean_resolution(raw.replace("\r\n", "\n")).blocks
    flat = " ".join(" ".join(_MARKER.sub(" ", b) for b in blocks).split())
    ops = {p.label: p for p in doc.paragraphs if _OP_LABEL.fullmatch(p.label)}
    bad = []
    for label, p in ops.items():
        prefix, n = _OP_LABEL.fullmatch(label).groups()  # type: ignore[union-attr]
        start = p.text[:60]
        if n == "1" and f"{prefix}OP2" not in ops and start in flat:
            continue
        if f"{n}. {start}" not in flat and f"{n} {start}" not in flat:
            bad.append(f"{doc.symbol} {label}")
    return bad


def read(name: str) -> Document:
    return read_document(EN_TXT / f"{name}.txt")


def by_label(doc: Document) -> dict:
    return {p.label: p for p in doc.paragraphs}


@pytest.fixture(scope="module")
def res_78_1() -> Document:
    return read("A_RES_78_1")


def test_78_1_metadata(res_78_1: Document) -> None:
    assert res_78_1.symbol == "A/RES/78/1"
    assert res_78_1.title == (
        "Political declaration of the high-level political forum on sustainable development "
        "convened under the auspices of the General Assembly"
    )
    assert res_78_1.adopted == "2023-09-29"
    assert res_78_1.distributed == "2023-10-16"
    assert res_78_1.meeting == "15th plenary meeting"
    assert res_78_1.format == "text"


def test_78_1_single_operative_paragraph(res_78_1: Document) -> None:
    ops = [p for p in res_78_1.paragraphs if p.kind == "op"]
    assert [p.label for p in ops] == ["OP1"]
    assert ops[0].text.startswith("Endorses the political declaration")
    assert ops[0].text.endswith("contained in the annex to the present resolution.")


def test_78_1_annex_paragraph_joined_and_footnote_call_removed(res_78_1: Document) -> None:
    paras = by_label(res_78_1)
    an1 = paras["AN1"]
    assert an1.text.startswith("We, the Heads of State and Government")
    assert "Sustainable Development Goals Summit, to review progress" in an1.text
    assert an1.notes == ("FN1",)
    assert paras["FN1"].text == (
        "High-level political forum on sustainable development convened under the auspices "
        "of the General Assembly (Sustainable Development Goals Summit)."
    )
    assert paras["FN1"].notes == ("AN1",)


def test_78_1_annex_headings(res_78_1: Document) -> None:
    headings = [p.text for p in res_78_1.paragraphs if p.kind == "heading"]
    assert headings[1:3] == [
        "I. Our shared commitment",
        "II. Our changed world – Progress and remaining gaps and challenges",
    ]


def test_78_1_no_page_furniture(res_78_1: Document) -> None:
    for p in res_78_1.paragraphs:
        for furniture in ("23-20100", "*2320100*", "2/12", "A/RES/78/1"):
            assert furniture not in p.text, (p.label, furniture)


def test_79_100_preamble_footnote_calls() -> None:
    paras = by_label(read("A_RES_79_100"))
    # "... for 2024,1" glued, "Anguilla 2 and other" between two words
    assert paras["PP1"].text.endswith("Colonial Countries and Peoples for 2024,")
    assert paras["PP1"].notes == ("FN1",)
    assert paras["PP2"].text == (
        "Taking note of the working paper prepared by the Secretariat on Anguilla and other "
        "relevant information,"
    )
    assert paras["PP2"].notes == ("FN2",)
    assert paras["FN2"].text == "A/AC.109/2024/2."
    # a call at a line end, on the last page
    assert paras["OP14"].text.startswith(
        "Takes into account the 2030 Agenda for Sustainable Development, including"
    )
    assert paras["OP14"].notes == ("FN8",)


def test_footnote_call_before_to_is_no_quantity() -> None:
    # "Agenda, 1 to close": a call before "to" ("5 to 10" is a range only after a
    # number word); the words are those the Markdown reader uses too
    paras = by_label(read("A_RES_80_122"))
    assert "Addis Ababa Action Agenda, to close with urgency" in paras["PP3"].text
    assert paras["PP3"].notes == ("FN1", "FN2")
    paras = by_label(read("A_RES_79_89"))
    assert "13 September 1993, to commence negotiations" in paras["PP7"].text


def test_79_100_line_end_hyphen_kept_in_compound() -> None:
    paras = by_label(read("A_RES_79_100"))
    # "self-" at a line end, "determination" on the next line
    assert "the options for self-determination, without any prejudice" in paras["PP6"].text


def test_79_100_last_operative_paragraph_and_meeting() -> None:
    doc = read("A_RES_79_100")
    ops = [p.label for p in doc.paragraphs if p.kind == "op"]
    assert ops == [f"OP{n}" for n in range(1, 18)]
    assert by_label(doc)["OP17"].text.endswith("implementation of the present resolution.")
    assert doc.meeting == "47th plenary meeting"
    assert doc.adopted == "2024-12-04"


def test_78_128_sub_paragraphs_after_number_alone_on_its_line() -> None:
    paras = by_label(read("A_RES_78_128"))
    assert paras["OP4"].text == "Decides that the Conference shall:"
    subs = [label for label in paras if label.startswith("OP4(")]
    assert subs == [f"OP4({c})" for c in "abcdefghij"]
    assert paras["OP4(a)"].parent == "OP4"
    assert (
        paras["OP4(b)"].text
        == "Identify further ways and means to support the implementation of Goal 14;"
    )
    assert paras["OP4(i)"].notes == ("FN8",)


def test_78_128_hyphenated_word_across_a_page_break_and_footnote() -> None:
    paras = by_label(read("A_RES_78_128"))
    op8 = paras["OP8"]
    assert "and 13 Vice-Presidents, one of whom shall be designated" in op8.text
    assert op8.notes == ("FN9",)
    assert paras["FN9"].text.startswith("Three from each of the following groups: African States;")
    assert paras["FN9"].text.endswith("from which each of the Presidents is elected.")


def test_78_17_paragraphs_across_pages() -> None:
    doc = read("A_RES_78_17")
    paras = by_label(doc)
    assert [p.label for p in doc.paragraphs if p.kind == "pp"] == [f"PP{n}" for n in range(1, 13)]
    assert paras["PP12"].text == (
        "Having examined the report of the Secretary-General on the implementation of "
        "resolution 77/38,"
    )
    assert paras["PP12"].notes == ("FN2",)
    assert paras["OP4"].text.startswith("Notes the importance of the ongoing bilateral Middle East")
    assert paras["OP8"].text == (
        "Takes note of the report of the Secretary-General on the implementation of "
        "resolution 77/38;"
    )
    assert doc.committee == "First Committee"


def test_78_247_section_number_alone_joined_to_its_heading() -> None:
    paras = by_label(read("A_RES_78_247"))
    assert paras["H1"].text == "I. Activities of the Office of Internal Oversight Services"
    assert paras["I.PP1"].text.startswith("Recalling its resolutions 48/218 B of 29 July 1994")


def test_78_247_sections_restarting_numbering_carry_their_number() -> None:
    doc = read("A_RES_78_247")
    labels = [p.label for p in doc.paragraphs if p.kind in ("pp", "op")]
    assert labels == [
        "I.PP1", "I.PP2", *(f"I.OP{n}" for n in range(1, 11)),
        "II.PP1", "II.PP2", "II.OP1", "II.OP2",
    ]  # fmt: skip
    paras = by_label(doc)
    assert paras["II.OP1"].text.startswith("Notes with appreciation the work of the Independent")
    assert doc.meeting == "50th (resumed) plenary meeting"


def test_78_253_every_section_restarts() -> None:
    paras = by_label(read("A_RES_78_253"))
    assert paras["II.OP1"].text == "Takes note of the report of the Secretary-General;"
    assert paras["XXVI.PP1"].text.startswith("Recalls its resolution 77/263 A, in which the level")
    assert paras["XXVI.OP2"].text.startswith("Decides that the contingency fund for the year 2025")
    # a section with one unnumbered operative paragraph
    assert paras["XX.OP1"].text.startswith("Approves resources in the amount of 21,723,500")


def test_resumed_meeting_closes_the_body() -> None:
    for name, meeting, adopted, op1 in (
        ("A_RES_78_246", "50th (resumed) plenary meeting", "2023-12-22",
         "Takes note of the report of the Ethics Office."),
        ("A_RES_79_233", "55th (resumed) plenary meeting", "2024-12-24",
         "Adopts the Programme of Action for Landlocked Developing Countries"),
    ):  # fmt: skip
        doc = read(name)
        assert (doc.meeting, doc.adopted) == (meeting, adopted)
        assert by_label(doc)["OP1"].text.startswith(op1)
        assert not any("plenary meeting" in p.text for p in doc.paragraphs if p.kind != "fn")


def test_meeting_date_glued_to_its_year() -> None:
    doc = read("A_RES_79_85")  # "4 December2024"
    assert (doc.meeting, doc.adopted) == ("47th plenary meeting", "2024-12-04")


def test_78_225_title_ends_without_body_line() -> None:
    doc = read("A_RES_78_225")
    assert doc.title == (
        "Enhancing the contributions of the Commission on Crime Prevention and Criminal "
        "Justice to the accelerated implementation of the 2030 Agenda for Sustainable "
        "Development"
    )
    paras = by_label(doc)
    assert paras["PP1"].text.startswith("Reaffirming its resolution 70/1 of 25 September 2015")
    assert paras["OP15"].text.startswith("Invites Member States and relevant United Nations")


def test_78_223_agenda_list_hangs_under_its_paragraph() -> None:
    paras = by_label(read("A_RES_78_223"))
    assert paras["OP11"].text.startswith("Approves the following provisional agenda")
    assert [label for label in paras if label.startswith("OP11(")] == [
        f"OP11({n})" for n in range(1, 8)
    ]
    assert (paras["OP11(1)"].text, paras["OP11(1)"].parent) == ("Opening of the Congress.", "OP11")
    assert paras["OP11(7)"].text == "Adoption of the report of the Congress."
    assert paras["OP12"].text.startswith("Decides that the following issues shall be considered")


def test_78_128_timetable_joined_and_numbers_as_printed() -> None:
    paras = by_label(read("A_RES_78_128"))
    assert paras["OP10"].text.endswith(
        "Friday, 13 June: from 10 a.m. to 1 p.m. and from 4 to 7 p.m.;"
    )
    assert "Monday, 9 June: from 9 a.m. to 1 p.m. and from 3 to 6 p.m." in paras["OP10"].text
    assert paras["OP11"].text.startswith("Decides that 10 Ocean Action panels will be held")
    assert paras["OP12"].text.startswith("Also decides that all the Ocean Action panels")


def test_78_128_annex_rules_number_their_paragraphs() -> None:
    paras = by_label(read("A_RES_78_128"))
    assert paras["AN3-R8(1)"].text.startswith("If both Presidents are to be absent from a meeting")
    assert paras["AN3-R8(2)"].text.startswith("A Vice-President acting as President shall have")


def test_78_124_final_footnote_call_and_single_operative() -> None:
    doc = read("A_RES_78_124")
    assert [p.label for p in doc.paragraphs] == ["T", "PP1", "OP1", "FN1"]
    paras = by_label(doc)
    assert paras["OP1"].text == "Approves the report of the Credentials Committee."
    assert paras["OP1"].notes == ("FN1",)
    assert paras["FN1"].text == "A/78/605."


def test_79_160_number_without_full_stop() -> None:
    paras = by_label(read("A_RES_79_160"))  # "26" and "27" printed without a full stop
    assert paras["OP27"].text.startswith("Affirms its deep commitment to the duty of remembrance")
    assert paras["OP28"].text.startswith("Recalls the conclusions of the Special Rapporteur")


def test_79_1_actions_are_headings() -> None:
    paras = by_label(read("A_RES_79_1"))
    assert paras["H7"].text == (
        "Action 6. We will invest in people to end poverty and strengthen trust and social "
        "cohesion."
    )
    assert paras["OP25"].text.startswith("We express our deep concern at persistent inequalities")


def test_front_matter_blocks() -> None:
    raw = (EN_TXT / "A_RES_78_1.txt").read_text(encoding="utf-8")
    cleaned = plaintext.clean_resolution(raw)
    assert cleaned.blocks[:4] == [
        "Distr.: General",
        "16 October 2023",
        "Seventy-eighth session",
        "Agenda items 13 and 117",
    ]
    assert "Resolution adopted by the General Assembly on 29 September 2023" in cleaned.blocks
    assert "[without reference to a Main Committee (A/78/L.1)]" in cleaned.blocks
    assert "15th plenary meeting 29 September 2023" in cleaned.blocks
    assert "Annex" in cleaned.blocks
    assert cleaned.meta == {"symbol": "A/RES/78/1"}


def test_every_resolution_text_reads_cleanly() -> None:
    files = sorted(EN_TXT.glob("*.txt"))
    assert len(files) == 902
    failures: dict[str, list[str]] = {}
    for path in files:
        raw = path.read_text(encoding="utf-8")
        counter = page_counter(raw)
        try:
            doc = read_document(path)
        except Exception as exc:  # collect every failure, not just the first
            failures.setdefault("exception", []).append(f"{path.name}: {exc!r}")
            continue
        if doc.symbol != symbol_from_filename(path):
            failures.setdefault("symbol", []).append(path.name)
        if not doc.title:
            failures.setdefault("title", []).append(path.name)
        if not any(p.kind == "op" for p in doc.paragraphs):
            failures.setdefault("op", []).append(path.name)
        if not (doc.adopted and doc.meeting):
            failures.setdefault("adopted or meeting", []).append(path.name)
        labels = [p.label for p in doc.paragraphs]
        if len(set(labels)) != len(labels) or any(DEDUPLICATED.search(x) for x in labels):
            failures.setdefault("labels", []).append(path.name)
        failures.setdefault("op number", []).extend(misnumbered(raw, doc))
        for p in doc.paragraphs:
            for name, pattern in (
                ("job", JOB_NUMBER),
                ("barcode", BARCODE),
                ("recycle", RECYCLE),
                ("counter", counter),
            ):
                if pattern.search(p.text):
                    failures.setdefault(name, []).append(f"{path.name} {p.label}")
    assert {k: v for k, v in failures.items() if v} == {"labels": ["A_RES_80_117.txt"]}


def test_speech_paragraphs_split_at_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "XYZ_78_2023.txt"
    path.write_text(
        "Mr. President, allow me to congratulate you on your election\n"
        "to the presidency of the General Assembly.\n"
        "\n"
        "Our world faces many crises. We must act\n"
        "together, and we must act now.\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert [(p.label, p.kind) for p in doc.paragraphs] == [("P1", "text"), ("P2", "text")]
    assert doc.paragraphs[0].text == (
        "Mr. President, allow me to congratulate you on your election to the presidency "
        "of the General Assembly."
    )
    assert (
        doc.paragraphs[1].text
        == "Our world faces many crises. We must act together, and we must act now."
    )
    assert doc.symbol == "XYZ_78_2023"
    assert doc.title == ""
    assert doc.lang == "en"
    assert doc.format == "text"


def test_one_paragraph_a_line_when_not_wrapped(tmp_path: Path) -> None:
    long_line = "We reaffirm our commitment to the Charter of the United Nations. " * 5
    path = tmp_path / "speech.txt"
    path.write_text(f"{long_line}\n{long_line}\n{long_line}\n", encoding="utf-8")
    doc = read_document(path)
    assert [p.label for p in doc.paragraphs] == ["P1", "P2", "P3"]
    assert doc.paragraphs[2].text == long_line.strip()


def test_cp1252_and_bom_text(tmp_path: Path) -> None:
    cp1252 = tmp_path / "discours.txt"
    cp1252.write_bytes("Coopération Sud-Sud\n\nL’Assemblée générale décide.\n".encode("cp1252"))
    doc = read_document(cp1252)
    assert doc.title == "Coopération Sud-Sud"
    assert [p.text for p in doc.paragraphs] == [
        "Coopération Sud-Sud",
        "L’Assemblée générale décide.",
    ]
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfSouth-South cooperation\n\nThe text.\n")
    assert read_document(bom).paragraphs[0].text == "South-South cooperation"


def test_huge_single_line_becomes_one_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("peace and security " * 300_000, encoding="utf-8")
    doc = read_document(path)
    assert [p.label for p in doc.paragraphs] == ["P1"]
    assert len(doc.paragraphs[0].text) == len("peace and security " * 300_000) - 1


def test_the_charter_is_read_as_the_charter_not_as_plain_paragraphs() -> None:
    doc = read_document(CORPUS / "charter" / "raw_un_charter_en.txt")
    assert (doc.symbol, doc.title, doc.format) == (
        "CHARTER",
        "Charter of the United Nations",
        "text",
    )
    assert doc.paragraphs[1].label == "PP2"
    assert doc.paragraphs[1].text.startswith(
        "to save succeeding generations from the scourge of war"
    )


def test_resolution_recognised_from_its_text_not_its_name(tmp_path: Path) -> None:
    path = tmp_path / "anything.txt"
    path.write_bytes((EN_TXT / "A_RES_79_100.txt").read_bytes())
    doc = read_document(path)
    assert doc.symbol == "A/RES/79/100"
    assert doc.title == "Question of Anguilla"
    assert by_label(doc)["OP1"].kind == "op"
