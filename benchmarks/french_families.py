"""How well French stemming designs keep word families together, with or without accents.

The reference families are the words of UN French that the Snowball project's
French stemmer (``snowballstemmer``, on the words as written) gives one stem.
The vocabulary is every word of A/RES/58/220, the Charter of the United Nations
and the French sentences of the UN Parallel Corpus (development and test sets),
after elision and the stop list.  For each design this prints:

- **split**: the share of reference families (of two words or more) whose words
  do not all reach one common index term;
- **outside**: the share of word occurrences whose term is not their family's
  most frequent one;
- **merged**: index terms that join words of several reference families;
- **pairs**: of pairs of forms of one family, the share where a query for one
  finds the other (both ways), typed as written and typed without accents; on all
  pairs, and on the held-out pairs (families the restoration rules were not
  tuned on: a fixed hash of their reference stem).

    .venv/bin/python benchmarks/french_families.py [--corpus ../shared/corpus] [--show N]
"""

from __future__ import annotations

import argparse
import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import snowballstemmer
from whoosh.lang.snowball.french import FrenchStemmer as WhooshFrenchStemmer

from search.analysis import (
    ELISION,
    FRENCH_STOP_WORDS,
    TOKEN_PATTERN,
    fold,
    restore_accents,
    tokens,
)

ROOT = Path(__file__).resolve().parents[1]
#: Pairs drawn per family at most (big families would otherwise weigh most).
PAIRS_PER_FAMILY = 6

_snowball = snowballstemmer.stemmer("french").stemWord
_whoosh = WhooshFrenchStemmer().stem


def vocabulary(corpus: Path) -> Counter[str]:
    """Occurrences of each word of the UN French texts, lower-cased, elision
    stripped, stop words left out."""
    texts = [(corpus / "resolutions" / "fr" / "A_RES_58_220.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((corpus / "charter").glob("*fr*"))]
    texts += [
        (corpus / "unpc" / f"UNv1.0.{part}.fr").read_text(encoding="utf-8")
        for part in ("devset", "testset")
    ]
    counts: Counter[str] = Counter()
    for text in texts:
        for raw in TOKEN_PATTERN.findall(text):
            word = ELISION.sub("", raw.lower().replace("’", "'"), count=1)
            if word.isalpha() and word not in FRENCH_STOP_WORDS:
                counts[word] += 1
    return counts


# -- designs: word -> the terms it is indexed under, and the terms a query for it looks up


def savoy_light(word: str) -> str:
    """Savoy's light French stemmer (UniNE, 1999) on folded text: plural and
    feminine endings only (-x, -s, -r, -e, -é, a doubled last letter)."""
    w = fold(word)
    if len(w) <= 5:
        return w
    if w.endswith("x"):
        return w[:-3] + "al" if w.endswith("aux") else w[:-1]
    for end in "sree":
        if len(w) > 5 and w.endswith(end):
            w = w[:-1]
    if len(w) > 5 and w[-1] == w[-2]:
        w = w[:-1]
    return w


def single(term: Callable[[str], str]) -> Callable[[str], frozenset[str]]:
    return lambda word: frozenset((term(word),))


DESIGNS: dict[str, Callable[[str], frozenset[str]]] = {
    "before: fold, then Whoosh's Snowball port": single(lambda w: _whoosh(fold(w))),
    "fold, then reference Snowball": single(lambda w: _snowball(fold(w))),
    "stem as written, fold the stem": single(lambda w: fold(_snowball(w))),
    "stem as written, fold; unaccented words restored": single(
        lambda w: fold(_snowball(restore_accents(w) if w.isascii() else w))
    ),
    "index both (stem as written folded, stem of folded)": lambda w: frozenset(
        (fold(_snowball(w)), _snowball(fold(w)))
    ),
    "Savoy light stemmer, folded": single(savoy_light),
    "fold, restore accents, stem, fold": single(
        lambda w: fold(_snowball(restore_accents(fold(w))))
    ),
}


def chain_terms(word: str) -> frozenset[str]:
    """What ``search.analysis``'s French chain makes of the word."""
    return frozenset(tokens("fr", word))


def held_out(stem: str) -> bool:
    """Families kept aside from tuning: a fixed quarter of them, by reference stem."""
    return zlib.crc32(stem.encode("utf-8")) % 4 == 0


def family_pairs(families: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """``(reference stem, form, form)`` pairs of distinct forms of one family."""
    rng = random.Random(11)
    pairs = []
    for stem in sorted(families):
        words = sorted(families[stem])
        every = [(a, b) for i, a in enumerate(words) for b in words[i + 1 :]]
        chosen = every if len(every) <= PAIRS_PER_FAMILY else rng.sample(every, PAIRS_PER_FAMILY)
        pairs.extend((stem, a, b) for a, b in chosen)
    return pairs


def measure(
    terms: Callable[[str], frozenset[str]],
    counts: Counter[str],
    families: dict[str, list[str]],
    pairs: list[tuple[str, str, str]],
) -> dict[str, object]:
    cache: dict[str, frozenset[str]] = {}

    def of(word: str) -> frozenset[str]:
        got = cache.get(word)
        if got is None:
            got = cache[word] = terms(word)
        return got

    split = []
    outside = total = 0
    for stem, words in families.items():
        if len(words) > 1 and not frozenset.intersection(*(of(w) for w in words)):
            split.append(stem)
        main = Counter(t for w in words for t in of(w) for _ in range(counts[w])).most_common(1)
        for w in words:
            total += counts[w]
            if main and main[0][0] not in of(w):
                outside += counts[w]
    owners: dict[str, set[str]] = defaultdict(set)
    for stem, words in families.items():
        for w in words:
            for t in of(w):
                owners[t].add(stem)
    merged = sum(1 for stems in owners.values() if len(stems) > 1)

    def finds(query: str, other: str) -> bool:
        return bool(of(query) & of(other))

    rates = {}
    for name, subset in (("all", pairs), ("held-out", [p for p in pairs if held_out(p[0])])):
        written = plain = 0
        for _, a, b in subset:
            written += finds(a, b) + finds(b, a)
            plain += finds(fold(a), b) + finds(fold(b), a)
        n = 2 * len(subset)
        rates[name] = (written / n, plain / n, len(subset))
    big = [s for s, words in families.items() if len(words) > 1]
    return {
        "split": (len(split), len(big)),
        "split_families": sorted(split, key=lambda s: -sum(counts[w] for w in families[s])),
        "outside": outside / total,
        "merged": merged,
        "pairs": rates,
    }


def report(name: str, got: dict[str, object]) -> str:
    n_split, n_big = got["split"]
    pairs = got["pairs"]
    return (
        f"| {name} | {n_split / n_big:.1%} ({n_split}/{n_big}) | {got['outside']:.1%} "
        f"| {got['merged']} | {pairs['all'][0]:.1%} | {pairs['all'][1]:.1%} "
        f"| {pairs['held-out'][0]:.1%} | {pairs['held-out'][1]:.1%} |"
    )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--show", type=int, default=0, help="list N split families per design")
    parser.add_argument("--design", help="only designs whose name holds this text")
    args = parser.parse_args(argv)
    counts = vocabulary(args.corpus)
    families: dict[str, list[str]] = defaultdict(list)
    for word in counts:
        families[_snowball(word)].append(word)
    pairs = family_pairs(families)
    held = sum(1 for p in pairs if held_out(p[0]))
    print(
        f"UN French vocabulary: {len(counts)} words, {len(families)} reference families, "
        f"{sum(len(w) > 1 for w in families.values())} of two words or more; "
        f"{len(pairs)} pairs of forms ({held} held out)\n"
    )
    print(
        "| design | families split | occurrences outside | merged terms "
        "| pairs as written | pairs unaccented | held-out as written | held-out unaccented |"
    )
    print("|---|---|---|---|---|---|---|---|")
    designs = dict(DESIGNS, **{"this chain (search.analysis)": chain_terms})
    for name, terms in designs.items():
        if args.design and args.design not in name:
            continue
        got = measure(terms, counts, families, pairs)
        print(report(name, got))
        for stem in got["split_families"][: args.show]:
            print(
                f"    {stem}: "
                + ", ".join(f"{w}→{'/'.join(sorted(terms(w)))}" for w in families[stem])
            )


if __name__ == "__main__":
    main()
