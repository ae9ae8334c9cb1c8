"""The HTML reader on the Universal Declaration of Human Rights and on hostile pages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import CORPUS

from search.documents import Document, read_document
from search.errors import DocumentError
from search.sources import html
from search.symbols import normalize

UDHR = CORPUS / "udhr"


def labels(doc: Document) -> list[str]:
    return [p.label for p in doc.paragraphs]


def paragraph(doc: Document, label: str):
    return next(p for p in doc.paragraphs if p.label == label)


@pytest.fixture(scope="module")
def fra(corpus: Path) -> Document:
    return read_document(UDHR / "fra.html")


@pytest.fixture(scope="module")
def eng(corpus: Path) -> Document:
    return read_document(UDHR / "eng.html")


def test_udhr_symbol_is_resolution_217_a_iii(fra: Document) -> None:
    assert fra.symbol == normalize("217 A (III)") == "A/RES/217A(III)"


def test_udhr_metadata(fra: Document) -> None:
    assert (fra.lang, fra.session, fra.adopted, fra.format) == ("fr", 3, "1948-12-10", "html")
    assert fra.source == str(UDHR / "fra.html")


def test_udhr_french_title(fra: Document) -> None:
    assert fra.title == "Déclaration universelle des droits de l’homme"
    assert paragraph(fra, "T").kind == "title"
    assert paragraph(fra, "T").text == fra.title


def test_udhr_french_preamble(fra: Document) -> None:
    preamble = [p for p in fra.paragraphs if p.kind == "pp"]
    assert [p.label for p in preamble] == [f"PP{n}" for n in range(1, 10)]
    assert preamble[0].text.startswith("Considérant que la reconnaissance de la dignité")
    assert preamble[7].text == "L’Assemblée générale"


def test_udhr_french_article_1_without_heading(fra: Document) -> None:
    art1 = paragraph(fra, "ART1")
    assert art1.kind == "article"
    assert art1.text == (
        "Tous les êtres humains naissent libres et égaux en dignité et en droits. "
        "Ils sont doués de raison et de conscience et doivent agir les uns envers les "
        "autres dans un esprit de fraternité."
    )


def test_udhr_french_article_items(fra: Document) -> None:
    items = [p for p in fra.paragraphs if p.parent == "ART21"]
    assert [p.label for p in items] == ["ART21(1)", "ART21(2)", "ART21(3)"]
    assert {p.kind for p in items} == {"article"}
    assert items[1].text == (
        "Toute personne a droit à accéder, dans des conditions d’égalité, "
        "aux fonctions publiques de son pays."
    )
    assert paragraph(fra, "ART21").text.startswith("Toute personne a le droit de prendre part")


def test_udhr_article_with_two_paragraphs_keeps_both(fra: Document) -> None:
    text = paragraph(fra, "ART2").text
    assert text.startswith("Chacun peut se prévaloir")
    assert "De plus, il ne sera fait aucune distinction" in text
    assert not any(p.parent == "ART2" for p in fra.paragraphs)


def test_udhr_labels_in_reading_order(fra: Document) -> None:
    assert labels(fra)[:3] == ["T", "PP1", "PP2"]
    assert labels(fra)[10:12] == ["ART1", "ART2"]
    assert labels(fra)[-1] == "ART30"
    assert [p.order for p in fra.paragraphs] == list(range(len(fra.paragraphs)))


def test_udhr_english(eng: Document) -> None:
    assert (eng.symbol, eng.lang) == ("A/RES/217A(III)", "en")
    assert eng.title == "Universal Declaration of Human Rights"
    preamble = [p for p in eng.paragraphs if p.kind == "pp"]
    assert len(preamble) == 10
    assert preamble[0].text.startswith("Whereas recognition of the inherent dignity")
    assert paragraph(eng, "ART1").text == (
        "All human beings are born free and equal in dignity and rights. They are endowed "
        "with reason and conscience and should act towards one another in a spirit of "
        "brotherhood."
    )
    assert paragraph(eng, "ART21(2)").text == (
        "Everyone has the right of equal access to public service in his country."
    )
    assert paragraph(eng, "ART21(3)").parent == "ART21"


@pytest.mark.parametrize(
    ("name", "lang", "title"),
    [
        ("cmn_hans.html", "zh", "世界人权宣言"),
        ("arb.html", "ar", "الإعلان العالمي لحقوق الإنسان"),
        ("rus.html", "ru", "Всеобщая декларация прав человека"),
        ("spa.html", "es", "Declaración Universal de Derechos Humanos"),
    ],
)
def test_udhr_other_languages(corpus: Path, name: str, lang: str, title: str) -> None:
    doc = read_document(UDHR / name)
    assert (doc.symbol, doc.lang, doc.title) == ("A/RES/217A(III)", lang, title)
    articles = [p.label for p in doc.paragraphs if p.kind == "article" and not p.parent]
    assert articles == [f"ART{n}" for n in range(1, 31)]
    assert [p.label for p in doc.paragraphs if p.parent == "ART21"] == [
        "ART21(1)",
        "ART21(2)",
        "ART21(3)",
    ]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_generic_page_gives_block_paragraphs(tmp_path: Path) -> None:
    page = write(
        tmp_path,
        "page.html",
        """<!doctype html><html lang="en-GB"><head><title>Statement</title>
        <style>p { color: red }</style><script>var secret = "hidden";</script></head>
        <body><nav><a href="/">Home</a></nav>
        <h1>Statement by the President</h1>
        <p>The General Assembly met <b>today</b>.<br>It adopted a resolution.</p>
        <!-- a comment -->
        <ul><li>First item</li><li>Second <i>item</i></li></ul>
        <iframe src="x">frame text</iframe><noscript>enable scripts</noscript>
        <template><p>template text</p></template>
        <table><tr><td>cell one</td><td>cell two</td></tr></table>
        </body></html>""",
    )
    doc = read_document(page)
    assert [(p.label, p.kind, p.text) for p in doc.paragraphs] == [
        ("P1", "text", "Statement by the President"),
        ("P2", "text", "The General Assembly met today. It adopted a resolution."),
        ("P3", "text", "First item"),
        ("P4", "text", "Second item"),
        ("P5", "text", "cell one"),
        ("P6", "text", "cell two"),
    ]
    assert (doc.title, doc.lang, doc.symbol, doc.format) == ("Statement", "en", "page", "html")


def test_text_around_a_nested_block_is_its_own_paragraph(tmp_path: Path) -> None:
    page = write(tmp_path, "n.html", "<div>before<p>inside</p>after</div>")
    doc = read_document(page)
    assert [p.text for p in doc.paragraphs] == ["before", "inside", "after"]


def test_page_without_lang_is_detected(tmp_path: Path) -> None:
    text = "L'Assemblée générale rappelle les résolutions et la coopération des États."
    doc = read_document(write(tmp_path, "fr.html", f"<p>{text}</p>"))
    assert doc.lang == "fr"


def test_ten_thousand_nested_tags(tmp_path: Path) -> None:
    depth = 10_000
    page = write(
        tmp_path,
        "deep.html",
        "<html><body>" + "<div><span>" * depth + "deep text" + "</span></div>" * depth,
    )
    doc = read_document(page)
    assert [p.text for p in doc.paragraphs] == ["deep text"]


def test_ten_thousand_unclosed_inline_tags(tmp_path: Path) -> None:
    page = write(tmp_path, "bold.html", "<p>" + "<b>" * 10_000 + "bold text")
    assert [p.text for p in read_document(page).paragraphs] == ["bold text"]


def test_random_bytes_are_not_html(tmp_path: Path) -> None:
    page = write(tmp_path, "noise.html", random.Random(217).randbytes(4096))
    with pytest.raises(DocumentError, match=r"noise\.html: not an HTML document$"):
        read_document(page)


def test_binary_with_tags_is_not_html(tmp_path: Path) -> None:
    page = write(tmp_path, "bin.html", b"<html>\x00\x01\x02\x03" + bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match=r"bin\.html: not an HTML document$"):
        read_document(page)


def test_page_of_only_scripts_has_no_text(tmp_path: Path) -> None:
    page = write(tmp_path, "s.html", "<html><script>alert(1)</script><style>p{}</style></html>")
    with pytest.raises(DocumentError, match=r"s\.html: no text found$"):
        read_document(page)


def test_cp1252_page(tmp_path: Path) -> None:
    page = write(tmp_path, "w.html", "<p>Coopération « Sud-Sud » – 2003</p>".encode("cp1252"))
    assert read_document(page).paragraphs[0].text == "Coopération « Sud-Sud » – 2003"


def test_utf8_bom_page(tmp_path: Path) -> None:
    page = write(tmp_path, "b.html", "\ufeff<p>Déclaration</p>".encode())
    assert read_document(page).paragraphs[0].text == "Déclaration"


def test_declared_charset_is_honoured(tmp_path: Path) -> None:
    page = write(
        tmp_path,
        "k.html",
        '<meta charset="koi8-r"><p>Генеральная Ассамблея</p>'.encode("koi8-r"),
    )
    assert read_document(page).paragraphs[0].text == "Генеральная Ассамблея"


def test_udhr_structure_needs_thirty_articles() -> None:
    page = "<header><p>Whereas</p></header>" + "".join(
        f'<article data-number="{n}"><h2>Article {n}</h2><p>Text {n}</p></article>'
        for n in range(1, 4)
    )
    doc = html.read(Path("short.html"), page.encode())
    assert doc.symbol == ""
    assert {p.kind for p in doc.paragraphs} == {"text"}
