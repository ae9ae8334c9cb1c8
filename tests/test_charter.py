"""The Charter of the United Nations as a structured document in six languages."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import CORPUS, LANGS

from search.documents import read_document
from search.sources.charter import STRUCTURE, SYMBOL


@pytest.fixture(scope="module")
def charters(corpus):
    return {
        lang: read_document(CORPUS / "charter" / f"raw_un_charter_{lang}.txt") for lang in LANGS
    }


def _kinds(doc) -> Counter:
    return Counter(re.sub(r"\d.*", "", p.label) for p in doc.paragraphs)


def test_each_version_is_the_charter_in_its_language(charters):
    for lang, doc in charters.items():
        assert (doc.symbol, doc.lang, doc.adopted) == (SYMBOL, lang, "1945-06-26")
    assert {lang: doc.title for lang, doc in charters.items()} == {
        "ar": "ميثاق الأمم المتحدة",
        "en": "Charter of the United Nations",
        "es": "Carta de las Naciones Unidas",
        "fr": "Charte des Nations Unies",
        "ru": "Устав Организации Объединенных Наций",
        "zh": "联合国宪章",
    }


def test_structure_counts_agree_across_languages(charters):
    for doc in charters.values():
        assert _kinds(doc) == {"PP": 12, "CH": 19, "H": 16, "ART": 218, "CL": 1}
        articles = {
            re.match(r"ART(\d+)", p.label).group(1) for p in doc.paragraphs if p.kind == "article"
        }
        assert len(articles) == 111


def test_every_version_has_the_same_labels_in_the_same_order(charters):
    labels = {lang: [p.label for p in doc.paragraphs] for lang, doc in charters.items()}
    assert all(labels[lang] == labels["zh"] for lang in LANGS)


def test_chinese_numbers_are_the_structure_the_others_are_numbered_by(charters):
    # the Chinese text kept 一、 二、 and (子) (丑): read from it, they give STRUCTURE
    spec: dict[int, str] = {}
    for p in charters["zh"].paragraphs:
        m = re.fullmatch(r"ART(\d+)(?:\((\d+)\))?(?:\(([a-z])\))?", p.label)
        if m:
            code = m.group(3) or m.group(2) or "-"
            spec[int(m.group(1))] = spec.get(int(m.group(1)), "") + code
    assert spec == STRUCTURE


@pytest.mark.parametrize(
    ("lang", "start"),
    [
        ("en", "All Members shall refrain in their international relations from the threat"),
        ("fr", "Les Membres de l'Organisation s'abstiennent, dans leurs relations"),
        ("es", "Los Miembros de la Organización, en sus relaciones internacionales, se abstendrán"),
        ("ru", "Все Члены Организации Объединенных Наций воздерживаются в их международных"),
        ("ar", "يمتنع أعضاء الهيئة جميعاً في علاقاتهم الدولية عن التهديد"),
        ("zh", "各会员国在其国际关系上不得使用威胁或武力"),
    ],
)
def test_article_2_paragraph_4_in_each_language(charters, lang, start):
    p = next(p for p in charters[lang].paragraphs if p.label == "ART2(4)")
    assert p.text.startswith(start)
    assert (p.kind, p.parent) == ("article", "ART2")


def test_opening_words_sub_paragraphs_and_chapters(charters):
    en = {p.label: p for p in charters["en"].paragraphs}
    assert en["ART1"].text == "The Purposes of the United Nations are:"
    assert en["ART13(1)(b)"].parent == "ART13(1)"
    assert en["ART13(1)(b)"].text.startswith("promoting international co-operation in the economic")
    assert en["ART55(c)"].parent == "ART55"
    assert en["CH7"].text.startswith("Chapter VII: Action with Respect to Threats to the Peace")
    assert en["H1"].text == "COMPOSITION"
    assert en["ART4(1)"].parent == ""  # no opening words: the paragraphs stand alone
    assert en["CL"].text.startswith("In Faith Whereof the representatives")


def test_chinese_numbers_and_arabic_letters_are_not_kept_in_the_text(charters):
    zh = {p.label: p.text for p in charters["zh"].paragraphs}
    ar = {p.label: p.text for p in charters["ar"].paragraphs}
    assert zh["ART1(1)"].startswith("维持国际和平及安全")
    assert zh["ART13(1)(a)"].startswith("以促进政治上之国际合作")
    assert ar["ART13(1)(b)"].startswith("إنماء التعاون الدولي في الميادين الاقتصادية")


def test_other_plain_text_is_not_taken_for_the_charter(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text("Article 1\nWe meet again.\n\nArticle 2\nThank you.\n", encoding="utf-8")
    doc = read_document(path)
    assert [p.label for p in doc.paragraphs] == ["P1", "P2"]
