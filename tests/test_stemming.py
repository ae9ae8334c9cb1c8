"""Stemming: the Snowball project's stemmers."""

from __future__ import annotations

import pytest

from search.analysis import stemmer


def _reference(corpus, language: str) -> list[tuple[str, str]]:
    folder = corpus / "analysis" / "snowball" / language
    words = (folder / "voc.txt").read_text(encoding="utf-8").splitlines()
    stems = (folder / "output.txt").read_text(encoding="utf-8").splitlines()
    assert len(words) == len(stems) > 1000
    return list(zip(words, stems, strict=True))


@pytest.mark.parametrize("language", ["french", "english", "spanish", "russian"])
def test_stemmer_gives_snowball_s_reference_stems(corpus, language):
    stem = stemmer(language)
    wrong = [(w, stem(w), s) for w, s in _reference(corpus, language) if stem(w) != s]
    assert wrong == []
