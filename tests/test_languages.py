"""Search in the six official languages, on the Declaration and the Charter."""

from __future__ import annotations

import pytest
from conftest import LANGS

from search.analysis import tokens


def _marked(hit) -> list[str]:
    return [hit.text[a:b] for a, b in hit.matches]


def test_spanish_singular_finds_the_plural(six):
    hits = six.search("derecho humano", lang="es")
    assert hits
    assert all("derechos humanos" in h.text.lower() or "derecho" in h.text.lower() for h in hits)
    title = next(h for h in hits if h.paragraph == "T")
    assert _marked(title) == ["Derechos", "Humanos"]


def test_spanish_matching_ignores_accents(six):
    plain = six.search("Organizacion", lang="es", limit=50)
    accented = six.search("Organización", lang="es", limit=50)
    assert [h.paragraph for h in plain] == [h.paragraph for h in accented]
    assert "Organización" in _marked(plain[0])


def test_russian_inflected_forms_find_each_other(six):
    hits = six.search("право человека", lang="ru", limit=50)
    assert any("права человека" in h.text for h in hits)
    genitive = six.search('"Организация Объединенных Наций"', lang="ru", limit=200)
    assert any("Организации Объединенных Наций" in h.text for h in genitive)
    art2 = next(h for h in genitive if h.symbol == "CHARTER" and h.paragraph == "ART2(2)")
    assert _marked(art2)[:3] == ["Организации", "Объединенных", "Наций"]


def test_russian_prefix_keeps_short_i(six):
    # й is a letter of its own in Russian: a prefix query keeps it, as the index does
    hits = six.search("Содейств*", lang="ru", limit=50)
    assert len(hits) == 12
    assert all(m.lower().startswith("содейств") for h in hits for m in _marked(h))


def test_russian_yo_is_e():
    assert tokens("ru", "Объединённых") == tokens("ru", "Объединенных")
    assert tokens("ru", "её") == tokens("ru", "ее") == []


@pytest.mark.parametrize(
    ("typed", "written"),
    [("الامم المتحده", "الأمم المتحدة"), ("حقوق الانسان", "حقوق الإنسان")],
)
def test_arabic_spellings_without_hamza_or_with_ha_find_the_text(six, typed, written):
    hits = six.search(f'"{typed}"', lang="ar", limit=100)
    assert any(written in h.text for h in hits)
    # each hit marks the phrase as written there (الأمم, للأمم …)
    assert all(tokens("ar", " ".join(_marked(h)[:2])) == tokens("ar", written) for h in hits)


def test_arabic_prefixed_forms_are_one_word():
    assert tokens("ar", "وللأمم المتحدة") == tokens("ar", "الأمم المتحدة") == ["امم", "متحد"]
    assert tokens("ar", "والأمن") == tokens("ar", "الأمن")


def test_chinese_phrases_are_exact_and_highlighted_whole(six):
    hits = six.search("国际和平", lang="zh", limit=100)
    assert len(hits) > 5
    assert all("国际和平" in h.text for h in hits)
    assert all(set(_marked(h)) == {"国际和平"} for h in hits)


def test_chinese_single_character_query(six):
    hits = six.search("法", lang="zh", limit=500)
    assert hits and all("法" in h.text for h in hits)
    assert {"ART92", "ART13(1)(a)"} <= {h.paragraph for h in hits if h.symbol == "CHARTER"}


def test_chinese_bigrams_do_not_join_across_punctuation():
    assert tokens("zh", "人权，宣言") == ["人权", "宣言"]
    assert tokens("zh", "联合国") == ["联合", "合国"]


def test_lang_restricts_hits_to_that_language(six):
    for lang in LANGS:
        hits = six.search("symbol:charter", lang=lang, limit=5)
        assert hits and {h.lang for h in hits} == {lang}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Charter of the United Nations, Article 2, para. 4"),
        ("fr", "Charte des Nations Unies, Article 2, par. 4"),
        ("es", "Carta de las Naciones Unidas, Artículo 2, párr. 4"),
        ("ru", "Устав Организации Объединенных Наций, статья 2, п. 4"),
        ("ar", "ميثاق الأمم المتحدة، المادة 2، الفقرة 4"),
        ("zh", "联合国宪章，第2条第4段"),
    ],
)
def test_charter_citation_in_each_language(six, lang, expected):
    assert six.paragraph("charter", "ART2(4)", lang=lang).citation == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "A/RES/217A(III), art. 21, párr. 2"),
        ("ru", "A/RES/217A(III), ст. 21, п. 2"),
        ("ar", "A/RES/217A(III)، المادة 21، الفقرة 2"),
        ("zh", "A/RES/217A(III)，第21条第2款"),
    ],
)
def test_declaration_citation_in_each_language(six, lang, expected):
    assert six.paragraph("217 A (III)", "ART21(2)", lang=lang).citation == expected


def test_every_document_is_in_the_language_it_is_written_in(six):
    for symbol in ("CHARTER", "A/RES/217A(III)"):
        assert {p.lang for p in six.document(symbol)} == set(LANGS)
