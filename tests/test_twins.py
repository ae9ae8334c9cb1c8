"""Twins: a paragraph in the other language versions of its document."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from click.testing import CliRunner
from conftest import CORPUS, LANGS

from search.cli import main
from search.documents import read_document
from search.twins import align

UDHR = {"en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "ar": "arb", "zh": "cmn_hans"}

# What each preambular paragraph of the six Declarations says: the seven "whereas"
# clauses w1…w7, "Now, therefore," (now), "The General Assembly" (ga) and the
# proclamation (pr).  The French and Russian texts have no "Now, therefore,"; the
# Arabic one leaves out w4 and splits the proclamation; the Chinese one joins the
# last three in one paragraph.
W = [{f"w{i}"} for i in range(1, 8)]
PREAMBLE = {
    "en": [*W, {"now"}, {"ga"}, {"pr"}],
    "es": [*W, {"now"}, {"ga"}, {"pr"}],
    "fr": [*W, {"ga"}, {"pr"}],
    "ru": [*W, {"ga"}, {"pr"}],
    "ar": [*W[:3], *W[4:], {"now", "ga"}, {"pr"}, {"pr"}],
    "zh": [*W, {"now", "ga", "pr"}],
}


@pytest.fixture(scope="module")
def declarations(corpus):
    return {lang: read_document(CORPUS / "udhr" / f"{name}.html") for lang, name in UDHR.items()}


def _pairs(doc):
    return [(p.label, p.text) for p in doc.paragraphs]


def test_the_six_declarations_have_71_to_73_paragraphs(declarations):
    assert sorted(len(d.paragraphs) for d in declarations.values()) == [71, 72, 72, 72, 73, 73]


def test_articles_are_twinned_by_label_in_every_pair_of_languages(declarations):
    for a in LANGS:
        for b in LANGS:
            twins = align(_pairs(declarations[a]), _pairs(declarations[b]))
            for label, found in twins.items():
                if label.startswith("ART"):
                    assert found == (label,), (a, b, label)


def test_preambles_that_disagree_are_aligned_by_order_and_length(declarations):
    en, zh, ar = (_pairs(declarations[lang]) for lang in ("en", "zh", "ar"))
    assert align(en, zh)["PP10"] == ("PP8",)
    assert align(zh, en)["PP8"] == ("PP10",)
    assert align(en, ar)["PP4"] == ()  # the Arabic text has no fourth "whereas"
    assert align(en, ar)["PP5"] == ("PP4",)
    assert align(ar, en)["PP9"] == ("PP10",)


def test_no_paragraph_of_a_preamble_is_paired_with_the_wrong_one(declarations):
    wrong = []
    for a in LANGS:
        for b in LANGS:
            if a == b:
                continue
            twins = align(_pairs(declarations[a]), _pairs(declarations[b]))
            for label, found in twins.items():
                if not label.startswith("PP"):
                    continue
                said = PREAMBLE[a][int(label[2:]) - 1]
                wrong += [(a, b, label, t) for t in found if not said & PREAMBLE[b][int(t[2:]) - 1]]
    assert wrong == []


def test_now_therefore_the_general_assembly_proclaims_in_each_language(six):
    # "Now, therefore," (15 characters) and "The General Assembly" (20) fit the French
    # "L’Assemblée générale" equally well by length: the cognates tell them apart
    others = [lang for lang in LANGS if lang != "en"]
    twins = {
        label: six.paragraph("217 A (III)", label, lang="en", also=others).parallel
        for label in ("PP8", "PP9", "PP10")
    }
    labels = {
        label: {lang: t.paragraph for lang, t in found.items()} for label, found in twins.items()
    }
    assert labels == {
        "PP8": {"ar": "", "es": "PP8", "fr": "", "ru": "", "zh": ""},
        "PP9": {"ar": "PP7", "es": "PP9", "fr": "PP8", "ru": "PP8", "zh": ""},
        "PP10": {"ar": "PP9", "es": "PP10", "fr": "PP9", "ru": "PP9", "zh": "PP8"},
    }
    assert {lang: t.text for lang, t in twins["PP9"].items() if t.text} == {
        "ar": "فإن الجمعية العامة",
        "es": "La Asamblea General,",
        "fr": "L’Assemblée générale",
        "ru": "Генеральная Ассамблея,",
    }
    assert twins["PP8"]["fr"].missing == (
        "the French version of A/RES/217A(III) has no paragraph matching PP8"
    )
    assert twins["PP10"]["zh"].text.startswith("因此现在,大会,发布这一世界人权宣言")
    back = six.paragraph("217 A (III)", "PP8", lang="fr", also=["en", "es"]).parallel
    assert (back["en"].text, back["es"].text) == ("The General Assembly", "La Asamblea General,")


def test_twins_are_the_same_read_from_either_side(declarations):
    for a in LANGS:
        for b in LANGS:
            forth = align(_pairs(declarations[a]), _pairs(declarations[b]))
            back = align(_pairs(declarations[b]), _pairs(declarations[a]))
            pairs = {(x, y) for x, found in forth.items() for y in found}
            assert pairs == {(x, y) for y, found in back.items() for x in found}, (a, b)


def test_every_charter_article_has_its_twin_in_every_language(six):
    labels = [p.paragraph for p in six.document("CHARTER", lang="en")]
    assert len(labels) == 266
    for lang in LANGS:
        for p in six.document("CHARTER", lang=lang, also=[x for x in LANGS if x != lang]):
            assert {t.paragraph for t in p.parallel.values()} == {p.paragraph}, (lang, p.paragraph)


def test_search_with_also_carries_the_twins(six):
    hits = six.search("menace emploi force", lang="fr", limit=1, also=["en", "zh"])
    assert (hits[0].symbol, hits[0].paragraph) == ("CHARTER", "ART2(4)")
    en, zh = hits[0].parallel["en"], hits[0].parallel["zh"]
    assert en.citation == "Charter of the United Nations, Article 2, para. 4"
    assert en.text.startswith("All Members shall refrain in their international relations")
    assert zh.paragraph == "ART2(4)" and zh.text.startswith(
        "各会员国在其国际关系上不得使用威胁或武力"
    )


def test_json_adds_parallel(six_index):
    result = CliRunner().invoke(
        main,
        ["derecho humano", "--lang", "es", "-n", "1", "--also", "en,ru", "--json"],
        env={"UNSEARCH_INDEX": str(six_index)},
    )
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)
    assert set(hit["parallel"]) == {"en", "ru"}
    assert hit["parallel"]["en"] == {
        "paragraph": "T",
        "text": "Universal Declaration of Human Rights",
        "citation": "A/RES/217A(III), title",
        "missing": "",
    }


def test_show_prints_the_twins_under_the_paragraph(six_index):
    result = CliRunner().invoke(
        main,
        ["show", "CHARTER", "ART2(4)", "--lang", "ru", "--also", "es", "--context", "0"],
        env={"UNSEARCH_INDEX": str(six_index)},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "CHARTER (ru)  Устав Организации Объединенных Наций"
    assert lines[1].startswith("ART2(4)  Все Члены Организации Объединенных Наций воздерживаются")
    assert lines[2] == "         [es] ART2(4)  (Carta de las Naciones Unidas, Artículo 2, párr. 4)"
    assert lines[3].startswith("              Los Miembros de la Organización, en sus relaciones")


def test_a_missing_twin_is_said(tmp_path):
    import search

    search.ingest([CORPUS / "charter" / "raw_un_charter_en.txt"], tmp_path / "ix")
    result = CliRunner().invoke(
        main,
        ["threat or use of force", "-n", "1", "--also", "fr", "--index", str(tmp_path / "ix")],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "  [fr] CHARTER has no French version in the index"
    with search.open_index(tmp_path / "ix") as ix:
        hit = ix.paragraph("CHARTER", "ART2(4)", also=["fr"])
    assert dataclasses.asdict(hit)["parallel"] == {
        "fr": {
            "paragraph": "",
            "text": "",
            "citation": "",
            "missing": "CHARTER has no French version in the index",
        }
    }


def test_a_paragraph_one_version_lacks_is_said_to_have_no_twin(six):
    hit = six.paragraph("217 A (III)", "PP4", lang="en", also=["ar", "fr"])
    assert hit.parallel["ar"].missing == (
        "the Arabic version of A/RES/217A(III) has no paragraph matching PP4"
    )
    assert hit.parallel["fr"].paragraph == "PP4"


def test_unknown_language_in_also_is_a_usage_error(six_index):
    result = CliRunner().invoke(
        main, ["charter", "--also", "en,de"], env={"UNSEARCH_INDEX": str(six_index)}
    )
    assert result.exit_code == 2
    assert "Invalid value for '--also': de: use fr, en, es, ru, ar, zh" in result.output


def test_show_lang_picks_the_language_version(six_index):
    runner = CliRunner()
    env = {"UNSEARCH_INDEX": str(six_index)}
    for lang, start in (
        ("zh", "CHARTER (zh)  联合国宪章"),
        ("ar", "CHARTER (ar)  ميثاق الأمم المتحدة"),
    ):
        result = runner.invoke(main, ["show", "charter", "ART1", "--lang", lang], env=env)
        assert result.exit_code == 0
        assert result.output.startswith(start)
        assert re.search(r"^ART1\(1\)  ", result.output, re.M)


def test_similar_with_also_carries_the_twins(six):
    draft = "All Members shall refrain in their international relations from the threat of force"
    hits = six.similar(draft, lang="en", limit=1, also=["fr"])
    assert (hits[0].symbol, hits[0].paragraph) == ("CHARTER", "ART2(4)")
    assert hits[0].parallel["fr"].citation == "Charte des Nations Unies, Article 2, par. 4"
