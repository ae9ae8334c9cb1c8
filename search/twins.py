"""Twins: the same paragraph of a document in its other language versions.

Every UN document is equally authentic in its six languages, and its versions
carry the same labels: ``ART2(4)`` of the Charter in French is ``ART2(4)`` in
Arabic.  Where two versions label a run of paragraphs differently (the English
Declaration has "Now, therefore," as a preambular paragraph of its own, the
Chinese one joins the last three in one), that run is aligned by order and
length instead, the way sentence aligners do (Gale and Church, 1993): each
paragraph is paired with the paragraph or paragraphs of the other version whose
length, in proportion, fits best, so that a paragraph is never paired with the
wrong one, and one that has no counterpart is said to have none.

Length cannot tell two short lines apart: against the French "L’Assemblée
générale", the English "Now, therefore," (15 characters) and "The General
Assembly" (20) fit equally well once the French is scaled to English length.
Where both versions are written in the same script, their *cognates* decide, as
in Simard, Foster and Isabelle (1992): words whose first four letters agree once
accents are folded ("General Assembly", "Assemblée générale") and numbers
written alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from .analysis import fold

#: Names of the official languages, to say which version a twin is missing from.
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ru": "Russian",
    "zh": "Chinese",
}


@dataclass(frozen=True)
class Twin:
    """A paragraph's counterpart in another language: its label(s), text and
    citation, or, when there is none, ``missing`` saying why."""

    paragraph: str
    text: str
    citation: str
    missing: str = ""


def missing(reason: str) -> Twin:
    return Twin(paragraph="", text="", citation="", missing=reason)


def _family(label: str) -> str:
    """The run a label belongs to: ``PP`` for PP1…, ``ART`` for ART2(4), ``A.OP`` …"""
    return re.sub(r"\d.*$", "", label)


# moves of the alignment: (paragraphs of one version, of the other) and their cost.
# A paragraph left without a twin costs less than two joined as one, the shorter it
# is: a wrong pair is worse than a missing one.
_MOVES = {(1, 1): 0.0, (2, 1): 1.5, (1, 2): 1.5, (3, 1): 3.0, (1, 3): 3.0, (1, 0): 0.4, (0, 1): 0.4}
#: Two paragraphs with the same label are twins unless their lengths, in proportion
#: to the two versions', differ by more than this factor.
_LENGTH_FACTOR = 2.0
#: What a pairing gains when its two sides' cognates all agree (their Dice
#: coefficient, 0 to 1, times this): enough to break a tie of lengths, far less than
#: the cost of a paragraph left without a twin.
_COGNATE_WEIGHT = 0.5


def align(
    source: Sequence[tuple[str, str]], target: Sequence[tuple[str, str]]
) -> dict[str, tuple[str, ...]]:
    """For each paragraph label of ``source``, the labels of its twins in ``target``
    (both ``(label, text)`` pairs in reading order); ``()`` where it has none.

    Runs of paragraphs (PP…, ART…, OP…) labelled alike in both are paired by label;
    a run labelled otherwise is aligned by order and relative length.

    >>> en = [("PP1", "Whereas " * 20), ("PP2", "Now, therefore,"), ("PP3", "Proclaims " * 30)]
    >>> zh = [("PP1", "鉴于" * 20), ("PP2", "因此现在，" + "发布" * 30)]
    >>> align(en, zh)  # a wrong pair is worse than a missing one
    {'PP1': ('PP1',), 'PP2': (), 'PP3': ('PP2',)}
    >>> en = [("PP1", "Whereas the peoples of the United Nations have in the Charter"),
    ...       ("PP2", "Now, therefore,"), ("PP3", "The General Assembly"),
    ...       ("PP4", "Proclaims this Universal Declaration")]
    >>> fr = [("PP1", "Considérant que dans la Charte les peuples des Nations Unies"),
    ...       ("PP2", "L’Assemblée générale"), ("PP3", "Proclame la présente Déclaration")]
    >>> align(en, fr)  # PP2 and PP3 fit PP2 alike by length: the cognates decide
    {'PP1': ('PP1',), 'PP2': (), 'PP3': ('PP2',), 'PP4': ('PP3',)}
    >>> align(fr, en)
    {'PP1': ('PP1',), 'PP2': ('PP3',), 'PP3': ('PP4',)}
    """
    out: dict[str, tuple[str, ...]] = {}
    text_of = dict(target)
    # how much longer the target's text is, from the paragraphs labelled alike
    src_len = sum(len(text) for label, text in source if label in text_of)
    tgt_len = sum(len(text_of[label]) for label, _ in source if label in text_of)
    ratio = (tgt_len / src_len) if src_len and tgt_len else 1.0
    tgt_runs = _runs(target)
    for family, run in _runs(source).items():
        other = tgt_runs.get(family, [])
        if [label for label, _ in run] == [label for label, _ in other] and all(
            _fits(len(x), len(y), ratio) for (_, x), (_, y) in zip(run, other, strict=True)
        ):
            out.update((label, (label,)) for label, _ in run)
        elif other:
            out.update(_by_length(run, other, ratio))
        else:
            out.update((label, ()) for label, _ in run)
    return {label: out[label] for label, _ in source}


def misfit(a: int, b: int, ratio: float) -> float:
    """How far apart two twins' lengths ``a`` and ``b`` are, as a factor (1 where
    they agree), once ``b`` is scaled by ``ratio``, how much longer its version is;
    20 characters are added to both so that short lines are not made much of.

    >>> misfit(100, 200, 2.0), round(misfit(40, 160, 2.0), 2)
    (1.0, 1.67)
    """
    return math.exp(abs(math.log((b / ratio + 20) / (a + 20))))


def _fits(a: int, b: int, ratio: float) -> bool:
    return misfit(a, b, ratio) <= _LENGTH_FACTOR


def _runs(items: Sequence[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    runs: dict[str, list[tuple[str, str]]] = {}
    for family, group in groupby(items, key=lambda item: _family(item[0])):
        runs.setdefault(family, []).extend(group)
    return runs


def _cognates(text: str) -> frozenset[str]:
    """The first four letters of each longer word, accents and case folded, and the
    numbers of ``text``: what two versions in the same script share.

    >>> sorted(_cognates("The General Assembly, 10 December 1948"))
    ['10', '1948', 'asse', 'dece', 'gene']
    >>> sorted(_cognates("L’Assemblée générale, 10 décembre 1948"))
    ['10', '1948', 'asse', 'dece', 'gene']
    """
    folded = fold(text).lower()
    return frozenset(
        [w[:4] for w in re.findall(r"[^\W\d_]{4,}", folded)] + re.findall(r"\d+", folded)
    )


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _by_length(
    run: Sequence[tuple[str, str]], other: Sequence[tuple[str, str]], ratio: float
) -> dict[str, tuple[str, ...]]:
    """Align two runs of paragraphs by order and length (dynamic programming over
    one-to-one, one-to-two or three, and one-to-none pairings), cognates breaking
    the ties that lengths leave."""
    a = [len(text) for _, text in run]
    b = [len(text) / ratio for _, text in other]
    words_a = [_cognates(text) for _, text in run]
    words_b = [_cognates(text) for _, text in other]
    n, m = len(a), len(b)
    total = sum(a) + sum(b) or 1
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), penalty in _MOVES.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                c = penalty
                if di and dj:
                    c += 2 * abs(math.log((sum(b[j:nj]) + 20) / (sum(a[i:ni]) + 20)))
                    shared = _dice(
                        frozenset().union(*words_a[i:ni]), frozenset().union(*words_b[j:nj])
                    )
                    c -= _COGNATE_WEIGHT * shared
                else:  # one left without a twin: the longer, the dearer
                    c += 8 * (a[i] if di else b[j]) / total
                if cost[i][j] + c < cost[ni][nj]:
                    cost[ni][nj] = cost[i][j] + c
                    back[ni][nj] = (di, dj)
    out: dict[str, tuple[str, ...]] = {}
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        labels = tuple(label for label, _ in other[j - dj : j])
        for label, _ in run[i - di : i]:
            out[label] = labels
        i, j = i - di, j - dj
    return out
