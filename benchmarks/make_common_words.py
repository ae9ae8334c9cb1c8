"""Regenerate search/data/common-{en,fr}.txt: the stems whose pairs are indexed.

The most frequent stems of UN English and French, by the number of sentences of
the UN Parallel Corpus (development and test sets) they occur in.  Phrases made of
these words are looked up as indexed word pairs (see search.analysis).  Run it
again whenever the analysis chains change, then re-ingest.

    python benchmarks/make_common_words.py [--corpus ../shared/corpus] [--top 300]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from search.analysis import tokens

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--top", type=int, default=300)
    args = parser.parse_args()
    for lang in ("en", "fr"):
        df: Counter[str] = Counter()
        for part in ("devset", "testset"):
            path = args.corpus / "unpc" / f"UNv1.0.{part}.{lang}"
            for line in path.read_text(encoding="utf-8").splitlines():
                df.update({t for t in tokens(lang, line) if t.isalpha()})
        words = sorted(w for w, _ in df.most_common(args.top))
        out = ROOT / "search" / "data" / f"common-{lang}.txt"
        out.write_text("\n".join(words) + "\n", encoding="utf-8")
        print(f"{out.relative_to(ROOT)}: {len(words)} stems")


if __name__ == "__main__":
    main()
