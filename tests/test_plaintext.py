"""The ``.txt`` reader: raw text of resolution PDFs, and any other plain text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from search.documents import Document, read_document, symbol_from_filename
from search.sources import plaintext
from tests.conftest import CORPUS, RESOLUTIONS

EN_TXT = RESOLUTIONS / "en-txt"

JOB_NUMBER = re.compile(r"\b\d{2}-\d{5}\b")
BARCODE = re.compile(r"\*\d{7}\*")
RECYCLE = re.compile(r"Please recycle", re.IGNORECASE)


def page_counter(raw: str) -> re.Pattern[str]:
    """A page counter ``k/N`` of a document of N pages standing alone in running text
    (not a resolution number such as "resolution 5/12 of ...")."""
    counts = [int(n) for n in re.findall(r"(?m)^\s*\d{1,3}/(\d{1,3})\s*$", raw)]
    pages = max(counts, default=1)
    return re.compile(
        r"(?<!resolution )(?<!resolutions )(?<!decision )(?<!, )(?<!and )"
        rf"(?<!\S)\d{{1,2}}/{pages}(?!\S)(?! of)"
    )


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
    assert paras["PP1"].text.startswith("Recalling its resolutions 48/218 B of 29 July 1994")


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
        for p in doc.paragraphs:
            for name, pattern in (
                ("job", JOB_NUMBER),
                ("barcode", BARCODE),
                ("recycle", RECYCLE),
                ("counter", counter),
            ):
                if pattern.search(p.text):
                    failures.setdefault(name, []).append(f"{path.name} {p.label}")
    assert failures == {}


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


def test_charter_is_plain_text() -> None:
    doc = read_document(CORPUS / "charter" / "raw_un_charter_en.txt")
    assert doc.title == "WE THE PEOPLES OF THE UNITED NATIONS DETERMINED"
    assert doc.symbol == "raw_un_charter_en"
    assert doc.paragraphs[1].label == "P2"
    assert doc.paragraphs[1].text.startswith(
        "to save succeeding generations from the scourge of war"
    )
    assert {p.kind for p in doc.paragraphs} == {"text"}


def test_resolution_recognised_from_its_text_not_its_name(tmp_path: Path) -> None:
    path = tmp_path / "anything.txt"
    path.write_bytes((EN_TXT / "A_RES_79_100.txt").read_bytes())
    doc = read_document(path)
    assert doc.symbol == "A/RES/79/100"
    assert doc.title == "Question of Anguilla"
    assert by_label(doc)["OP1"].kind == "op"
