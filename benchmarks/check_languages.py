"""Check the twins of the Declaration and the Charter in the six official languages.

Ingests ``udhr/`` and ``charter/`` into a temporary index (or reads ``--index``)
and prints, for each of the two documents, per language: its paragraphs, its
articles, and how many of its paragraphs have a twin in each other language;
then, for each pair of languages, the paragraphs left without a twin and the
twins whose lengths disagree by more than ``--factor`` once scaled by the two
versions' length ratio (a paragraph cut short in one file, or paired with the
wrong one).  Nothing is timed and nothing is written: it is a check anyone can
re-run after a change to the sources or to :mod:`search.twins`.

    .venv/bin/python benchmarks/check_languages.py [--index DIR] [--factor 1.6]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from itertools import combinations
from pathlib import Path

from harness import CORPUS

LANGS = ("ar", "en", "es", "fr", "ru", "zh")
DOCUMENTS = {"A/RES/217A(III)": "Universal Declaration of Human Rights", "CHARTER": "Charter"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--index", type=Path, help="an index of udhr/ and charter/ to read")
    parser.add_argument(
        "--factor", type=float, default=1.6, help="length disagreement to report (default 1.6)"
    )
    args = parser.parse_args(argv)
    if args.index:
        check(args.index, args.factor)
        return
    import search

    with tempfile.TemporaryDirectory() as tmp:
        report = search.ingest([args.corpus / "udhr", args.corpus / "charter"], Path(tmp))
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failures}")
        check(Path(tmp), args.factor)


def check(index: Path, factor: float) -> None:
    import search
    from search.twins import misfit

    with search.open_index(index) as ix:
        for symbol, name in DOCUMENTS.items():
            versions = {}
            for lang in LANGS:
                others = [x for x in LANGS if x != lang]
                try:
                    versions[lang] = ix.document(symbol, lang=lang, also=others)
                except search.NotFoundError:
                    print(f"{symbol}: no {lang} version in the index")
            print(f"## {name} ({symbol})\n")
            print(
                "| language | paragraphs | articles | "
                + " | ".join(f"twins in {x}" for x in LANGS)
                + " |"
            )
            print("|---" * (3 + len(LANGS)) + "|")
            for lang, paragraphs in versions.items():
                articles = {
                    m.group(1) for p in paragraphs if (m := re.match(r"ART(\d+)", p.paragraph))
                }
                twinned = [
                    "—"
                    if x == lang
                    else str(sum(1 for p in paragraphs if not p.parallel[x].missing))
                    for x in LANGS
                ]
                print(
                    f"| {lang} | {len(paragraphs)} | {len(articles)} | "
                    + " | ".join(twinned)
                    + " |"
                )
            print()
            for a, b in combinations(versions, 2):
                lonely = [p.paragraph for p in versions[a] if p.parallel[b].missing]
                lonely_b = [p.paragraph for p in versions[b] if p.parallel[a].missing]
                ratio = sum(len(p.text) for p in versions[b]) / sum(
                    len(p.text) for p in versions[a]
                )
                odd = []
                for p in versions[a]:
                    twin = p.parallel[b]
                    if twin.missing:
                        continue
                    off = misfit(len(p.text), len(twin.text), ratio)
                    if off > factor:
                        odd.append((p, twin, off))
                print(
                    f"{a}–{b}: without a twin: {a} {', '.join(lonely) or 'none'}; "
                    f"{b} {', '.join(lonely_b) or 'none'}; lengths disagree: {len(odd)}"
                )
                for p, twin, off in odd:
                    print(
                        f"  {p.paragraph} ({len(p.text)} characters) ~ {twin.paragraph} "
                        f"({len(twin.text)}): ×{off:.2f}  {_start(p.text)} | {_start(twin.text)}"
                    )
            print()


def _start(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    main()
