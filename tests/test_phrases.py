"""The one exact-phrase test (search/engine/phrases.py) against its definition."""

from __future__ import annotations

import random

import pytest

from search.engine.phrases import phrase_spans, token_spans


def _in_a_row(toks: list[tuple[str, int]], terms: list[tuple[str, int]]) -> list[int]:
    """The definition: the phrase's words are consecutive tokens of the text, with
    the same gaps between their positions (a gap is a stop word)."""
    n = len(terms)
    return [
        toks[i][1]
        for i in range(len(toks) - n + 1)
        if all(
            toks[i + k][0] == terms[k][0]
            and toks[i + k][1] - toks[i][1] == terms[k][1] - terms[0][1]
            for k in range(n)
        )
    ]


def _analysed(rng: random.Random, n: int, words: str) -> list[tuple[str, int]]:
    """``n`` tokens of a text analysed with stop words dropped: positions ascending,
    with a gap where a stop word stood."""
    toks, pos = [], 0
    for _ in range(n):
        pos += rng.choice([1, 1, 1, 2, 3])
        toks.append((rng.choice(words), pos))
    return toks


@pytest.mark.parametrize("seed", range(300))
def test_a_phrase_is_found_where_its_words_stand_in_a_row(seed):
    rng = random.Random(seed)
    toks = _analysed(rng, rng.randint(1, 60), "abc")
    if rng.random() < 0.5:  # a phrase taken from the text, or made up
        start = rng.randrange(len(toks))
        terms = toks[start : start + rng.randint(1, 4)]
    else:
        terms = _analysed(rng, rng.randint(1, 4), "abc")
    assert [first for first, _ in token_spans(toks, terms)] == _in_a_row(toks, terms)


def test_slop_allows_extra_positions_in_order():
    toks = [("a", 0), ("x", 1), ("b", 2), ("c", 5)]
    assert token_spans(toks, [("a", 0), ("b", 1)]) == []
    assert token_spans(toks, [("a", 0), ("b", 1)], slop=1) == [(0, 2)]
    assert token_spans(toks, [("a", 0), ("b", 1), ("c", 2)], slop=2) == []
    assert token_spans(toks, [("a", 0), ("b", 1), ("c", 2)], slop=3) == [(0, 5)]
    assert token_spans(toks, [("b", 0), ("a", 1)], slop=4) == []


def test_stop_positions_are_read_only_when_the_words_line_up():
    asked = []

    def stopped():
        asked.append(True)
        return {4}

    assert phrase_spans([[1, 3], [7]], [0, 2], 0, stopped, [1]) == []
    assert asked == []
    assert phrase_spans([[1, 3], [5]], [0, 2], 0, stopped, [1]) == [(3, 5)]
    assert asked == [True]
