"""The PDF reader on the official PDFs of resolutions 80/1 to 80/55, checked against
their Markdown versions, and on broken, encrypted and image-only PDFs.

Run as a script to print the operative-paragraph accuracy, the five worst documents
and the time taken to read every PDF of the corpus::

    .venv/bin/python tests/test_pdf.py
"""

from __future__ import annotations

import hashlib
import re
import struct
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import RESOLUTIONS

from search.documents import Document, read_document
from search.errors import DocumentError
from search.paragraphs import Paragraph
from search.sources import pdf

PDFS = RESOLUTIONS / "en-pdf"
MARKDOWN = RESOLUTIONS / "en-md"
#: Resolutions published both as PDF and as Markdown.
BOTH = [f"A_RES_80_{n}" for n in range(1, 56)]
MIN_ACCURACY = 95.0


def paragraph(doc: Document, label: str) -> Paragraph:
    return next(p for p in doc.paragraphs if p.label == label)


@pytest.fixture(scope="module")
def res_80_7(corpus: Path) -> Document:
    return read_document(PDFS / "A_RES_80_7.pdf")


# ----------------------------------------------------------------- A/RES/80/7


def test_labels_in_reading_order(res_80_7: Document) -> None:
    assert [p.label for p in res_80_7.paragraphs] == [
        "T", "PP1", "PP2", "PP3", "PP4", "OP1", "OP2", "OP3", "OP4", "OP5",
        "FN1", "FN2", "FN3",
    ]  # fmt: skip


def test_metadata_from_the_first_page(res_80_7: Document) -> None:
    doc = res_80_7
    assert (doc.symbol, doc.format, doc.lang, doc.session) == ("A/RES/80/7", "pdf", "en", 80)
    assert doc.title == "Report of the International Atomic Energy Agency"
    assert (doc.distributed, doc.adopted) == ("2025-11-18", "2025-11-14")
    assert (doc.agenda_item, doc.report) == ("89", "A/80/L.7")
    assert doc.meeting == "40th plenary meeting"


def test_paragraph_continued_across_the_page_break(res_80_7: Document) -> None:
    op2 = paragraph(res_80_7, "OP2")
    assert op2.text.startswith("Takes note of resolutions GC(69)/RES/7, entitled “Nuclear and")
    assert "“Implementation of the NPT safeguards agreement between the Agency and" in op2.text
    assert op2.text.endswith("all as reflected in the official records of the General Conference;")
    assert "held from 15 to 19 September 2025; and of the statements" in op2.text
    assert "“Election of Members to the Board of Governors”; item 15" in op2.text
    assert op2.notes == ("FN2", "FN3")


def test_operative_number_set_apart_is_joined_to_its_text(res_80_7: Document) -> None:
    assert paragraph(res_80_7, "OP4").text == (
        "Appeals to Member States to continue to support the activities of the Agency;"
    )


def test_footnotes_set_apart(res_80_7: Document) -> None:
    fn1 = paragraph(res_80_7, "FN1")
    assert (fn1.kind, fn1.text, fn1.notes) == ("fn", "See A/80/348.", ("PP1",))
    assert paragraph(res_80_7, "PP1").text == (
        "Having received the report of the International Atomic Energy Agency for 2024,"
    )
    assert paragraph(res_80_7, "FN2").text.endswith(
        "15–19 September 2025 (GC(69)/RES/DEC(2025)) for the full texts of relevant "
        "resolutions and decisions and information regarding their adoption."
    )


def test_no_page_furniture_in_any_text(res_80_7: Document) -> None:
    text = "\n".join(p.text for p in res_80_7.paragraphs)
    assert "25-18769" not in text  # job number
    assert "2518769" not in text  # barcode
    assert not re.search(r"\b[12]/2\b", text)  # page counter
    assert "A/RES/80/7" not in text  # running header
    assert "United Nations" not in paragraph(res_80_7, "T").text


def test_annex_heading_apart(corpus: Path) -> None:
    doc = read_document(PDFS / "A_RES_80_5.pdf")
    assert paragraph(doc, "OP1").text.startswith("Adopts the Doha Political Declaration")
    assert paragraph(doc, "AN-H1").section == "annex"
    assert paragraph(doc, "AN1").text.startswith("We, Heads of State and Government")
    assert paragraph(doc, "AN18(a)").parent == "AN18"


# ----------------------------------------------------------------- against Markdown


@dataclass
class Accuracy:
    """Operative paragraphs read from the PDFs that match their Markdown version."""

    matched: int = 0
    total: int = 0
    #: (name, mismatched labels, operative labels) per document
    documents: list[tuple[str, list[str], int]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.matched / self.total if self.total else 0.0

    def worst(self, n: int = 5) -> list[tuple[str, list[str], int]]:
        return sorted(self.documents, key=lambda d: (-len(d[1]), d[0]))[:n]

    def summary(self, n: int = 5) -> str:
        lines = [f"{self.matched}/{self.total} operative paragraphs match: {self.percent:.2f}%"]
        for name, bad, total in self.worst(n):
            lines.append(f"  {name}: {len(bad)}/{total} differ: {' '.join(bad[:8])}")
        return "\n".join(lines)


def operative_paragraphs(doc: Document) -> dict[str, str]:
    return {p.label: " ".join(p.text.split()) for p in doc.paragraphs if p.kind == "op"}


def compare(name: str) -> tuple[str, list[str], int]:
    """The operative labels whose text (whitespace normalised) differs between the PDF
    and the Markdown version of resolution ``name``, and the number of labels."""
    from_pdf = operative_paragraphs(read_document(PDFS / f"{name}.pdf"))
    from_md = operative_paragraphs(read_document(MARKDOWN / f"{name}.md"))
    labels = list(dict.fromkeys([*from_md, *from_pdf]))
    return (
        name,
        [label for label in labels if from_pdf.get(label) != from_md.get(label)],
        len(labels),
    )


def measure_accuracy(names: list[str] = BOTH) -> Accuracy:
    """Compare the operative paragraphs of the PDF and Markdown versions, two at a time
    (pdfminer is slow)."""
    accuracy = Accuracy()
    with ProcessPoolExecutor(max_workers=2) as pool:
        for name, bad, total in pool.map(compare, names):
            accuracy.matched += total - len(bad)
            accuracy.total += total
            accuracy.documents.append((name, bad, total))
    return accuracy


def test_operative_paragraphs_match_markdown(corpus: Path) -> None:
    accuracy = measure_accuracy()
    assert accuracy.total > 600
    assert accuracy.percent >= MIN_ACCURACY, accuracy.summary()


# ----------------------------------------------------------------- bad PDFs


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file made of ``objects`` (numbered from 1, the catalog first)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def _one_page(
    content: bytes, resources: bytes = b"", extra: list[bytes] | None = None
) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << %s >> >>" % resources,
        _stream(content),
        *(extra or []),
    ]


TEXT = (
    b"BT /F1 10 Tf 72 700 Td (The General Assembly,) Tj 0 -18 Td "
    b"(1. Decides to remain seized of the matter.) Tj ET"
)
FONT = b"/Font << /F1 5 0 R >>"
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

# the Standard security handler, revision 2 (40-bit RC4), as the PDF reference gives it
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_FILE_ID = b"0123456789abcdef"


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _encrypted_pdf(user_password: bytes) -> bytes:
    """A one-page text PDF encrypted with ``user_password`` (owner password "owner")."""
    padded = (user_password + _PAD)[:32]
    owner = _rc4(hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5], padded)
    permissions = -4
    key = hashlib.md5(padded + owner + struct.pack("<i", permissions) + _FILE_ID).digest()[:5]
    user = _rc4(key, _PAD)
    object_key = hashlib.md5(key + (4).to_bytes(3, "little") + b"\0\0").digest()[:10]
    objects = _one_page(_rc4(object_key, TEXT), FONT, [HELVETICA])
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner.hex().encode(), user.hex().encode(), permissions)
    )
    file_id = _FILE_ID.hex().encode()
    return _pdf(objects, b"/Encrypt 6 0 R /ID [<%s> <%s>]" % (file_id, file_id))


def _reason(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert info.value.path == str(path)
    return info.value.reason


def test_hand_made_text_pdf_is_read(tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    path.write_bytes(_pdf(_one_page(TEXT, FONT, [HELVETICA])))
    doc = read_document(path)
    assert [(p.label, p.text) for p in doc.paragraphs] == [
        ("OP1", "Decides to remain seized of the matter.")
    ]


def test_not_a_pdf(tmp_path: Path) -> None:
    assert _reason(tmp_path, b"<html><body>A/RES/80/7</body></html>") == (
        "not a valid PDF (no %PDF header)"
    )


def test_pdf_without_catalog(tmp_path: Path) -> None:
    assert _reason(tmp_path, b"%PDF-1.7\nnothing else") == (
        "not a valid PDF (PDFSyntaxError: No /Root object! - Is this really a PDF?)"
    )


def test_truncated_pdf(tmp_path: Path, corpus: Path) -> None:
    data = (PDFS / "A_RES_80_7.pdf").read_bytes()
    assert _reason(tmp_path, data[: len(data) // 2]) == "not a valid PDF (truncated)"


def test_encrypted_pdf(tmp_path: Path) -> None:
    assert _reason(tmp_path, _encrypted_pdf(b"secret")) == "encrypted PDF"


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted_pdf(b""))
    doc = read_document(path)
    assert [p.text for p in doc.paragraphs] == ["Decides to remain seized of the matter."]


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    image = _stream(
        b"\x80",
        b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8",
    )
    data = _pdf(
        _one_page(b"q 500 0 0 700 56 46 cm /Im1 Do Q", b"/XObject << /Im1 5 0 R >>", [image])
    )
    assert _reason(tmp_path, data) == "no text layer: needs OCR"


def test_blank_pdf_needs_ocr(tmp_path: Path) -> None:
    assert _reason(tmp_path, _pdf(_one_page(b""))) == "no text layer: needs OCR"


# ----------------------------------------------------------------- as a script


def main() -> None:
    """Print the accuracy against Markdown and the time to read every PDF."""
    paths = sorted(PDFS.glob("*.pdf"))
    wall, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        pdf.read(path, path.read_bytes())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(measure_accuracy().summary())
    print(
        f"read {len(paths)} PDFs in {wall:.1f} s ({cpu:.1f} s CPU, {cpu / len(paths):.2f} s a PDF)"
    )


if __name__ == "__main__":
    main()
