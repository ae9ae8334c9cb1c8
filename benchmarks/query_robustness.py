"""Random and hostile queries through ``Index.search`` on the index of every resolution.

Builds (once) an index of ``resolutions/{fr,en-md,en-txt}`` in a folder outside
the repository, then runs the queries the issue names (bare and open ranges,
negations alone, NOT before a symbol…) and ``--queries`` more, generated from a
fixed seed: words, phrases and prefixes taken from the indexed paragraphs, mixed
with operators, quotes and parentheses balanced or not, filters with good, bad,
empty, open and reversed values, ``~`` and slops, symbols, control characters and
random Unicode.  Prints how many answered, how many raised a ``SearchError`` and
how many raised anything else (with the first few of each kind), and exits 1 if
any did; a query still running after ``--max-seconds`` is stopped and counted
apart.  Only the public API is used, so the same script measures an older
checkout: ``PYTHONPATH=/path/to/old/checkout python benchmarks/query_robustness.py``.

    .venv/bin/python benchmarks/query_robustness.py [--index DIR] [--queries 5000] [--seed 10]
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import search

ROOT = Path(__file__).resolve().parents[1]
RESOLUTIONS = ROOT.parent / "shared" / "corpus" / "resolutions"
SOURCES = ("fr", "en-md", "en-txt")

#: The queries the issue reports, first.
NAMED = [
    "year:2020..2024", "session:..79", "year:2020..", "session:58..80 development",
    "-i~2", '-"Nations Unies"', "-coop*", "-A/RES/58/220", "NOT development",
    '"Nations Unies" NOT 58/220', "NOT symbol:A/RES/58/220", "lang:xx", "kind:zz",
    "year:2024..2020", "year:abc..def", "symbol:", '"a b"~999999999', "(", ")", '"',
    "~", "^", "*", "year:2003 NOT kind:op", "a OR -b", "\ud800", "(" * 5000 + "a",
]  # fmt: skip

OPERATORS = ["AND", "OR", "NOT", "ET", "OU", "SAUF", "-", "+", "&&", "||", "!", "and", "or"]
FIELDS = ["symbol", "session", "year", "lang", "kind", "cites", "Year", "foo"]
VALUES = [
    "", '""', "2003", "2020..2024", "..79", "2020..", "..", "2024..2020", "80-78", "abc..def",
    "58", "99999999999999999999", "-5", "fr", "en", "xx", "French", "op", "pp", "zz",
    "Annexe", "58/220", "A/RES/58/220", "(", ")", "*", "1..2..3",
]  # fmt: skip
SYMBOLS = [
    "A/RES/58/220", "58/220", "A/RES/217A(III)", "217 A (III)", "S/RES/2250 (2015)",
    "1145 (XII)", "A/58/L.7", "A/RES/ES-10/21", "CHARTER", "99/999", "A/RES/80/7",
]  # fmt: skip
PUNCTUATION = ["(", ")", "((", "))", "()", '"', "*", "~", "^", ":", "**", "\\", "'"]
ODD = "\x00\t\n\r\x0b\x1b\u00a0\u200b\u200d\u200f\u202e\u0301\ufeff\ufffd\U0001f600"


class _TooLong(BaseException):  # not Exception: the code measured must not catch it
    """A query ran past ``--max-seconds``."""


def build(index: Path) -> None:
    paths = [RESOLUTIONS / s for s in SOURCES]
    start = time.perf_counter()
    report = search.ingest(paths, index)
    print(
        f"indexed {report.paragraphs:,} paragraphs of {report.documents:,} documents"
        f" in {time.perf_counter() - start:.0f} s ({len(report.failures)} files failed)"
    )


def vocabulary(ix, rng: random.Random, n: int = 400) -> list[str]:
    """Texts of ``n`` paragraphs picked at random."""
    s = ix.searcher()
    total = s.doc_count_all()
    texts = []
    for docnum in rng.sample(range(total), min(n, total)):
        if not s.reader().is_deleted(docnum):
            texts.append(s.stored_fields(docnum).get("text", ""))
    return [t for t in texts if t.strip()]


def piece(rng: random.Random, texts: list[str]) -> str:
    words = rng.choice(texts).split()
    at = rng.randrange(len(words))
    kind = rng.randrange(20)
    if kind < 6:
        return words[at]
    if kind < 8:
        return rng.choice(OPERATORS)
    if kind < 10:  # a phrase from a paragraph, closed or not, with or without slop
        run = " ".join(words[at : at + rng.randint(0, 6)])
        close = rng.choice(['"', '"', ""])
        slop = rng.choice(["", "", "~", "~1", "~3", "~100", "~101", "~99999"])
        return f'"{run}{close}{slop}'
    if kind == 10:
        return f"{rng.choice(FIELDS)}:{rng.choice(VALUES)}"
    if kind == 11:
        return rng.choice(SYMBOLS)
    if kind == 12:
        return rng.choice(PUNCTUATION)
    if kind == 13:  # a prefix, or a word with ~ or ^
        word = words[at]
        return word[: rng.randint(0, len(word))] + rng.choice(["*", "**", "~", "~2", "^2", "?"])
    if kind == 14:
        return rng.choice(["-", "NOT ", "SAUF "]) + rng.choice([*SYMBOLS, words[at]])
    if kind == 15:  # any code point, surrogates included
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randint(1, 3)))
    if kind == 16:
        return "".join(rng.choice(ODD) for _ in range(rng.randint(1, 3)))
    if kind == 17:  # a negation alone in a group
        return f"(-{words[at]})"
    return words[at]


def query(rng: random.Random, texts: list[str]) -> str:
    if rng.random() < 0.01:
        return rng.choice(["(" * 200, "NOT " * 500, "x* " * 40, "a " * 4000]) + rng.choice(texts)
    parts = [piece(rng, texts) for _ in range(rng.randint(1, 7))]
    return "".join(p + rng.choice([" ", " ", " ", "", "\t"]) for p in parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="index folder (built there if missing)")
    parser.add_argument("--queries", type=int, default=5000, help="generated queries")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=30, help="per query")
    args = parser.parse_args(argv)
    index = args.index or Path(tempfile.gettempdir()) / "unsearch-query-robustness"
    if not (index.is_dir() and any(index.iterdir())):
        build(index)
    rng = random.Random(args.seed)
    ix = search.open_index(index)
    texts = vocabulary(ix, rng)
    queries = NAMED + [query(rng, texts) for _ in range(args.queries)]
    outcomes: Counter[str] = Counter()
    crashes: dict[str, list[tuple[str, str]]] = {}
    slow: list[str] = []

    def stop(signum, frame):
        raise _TooLong

    signal.signal(signal.SIGALRM, stop)
    start = time.perf_counter()
    for q in queries:
        signal.setitimer(signal.ITIMER_REAL, args.max_seconds)
        try:
            ix.search(q, limit=10)
            outcomes["answered"] += 1
        except search.SearchError:
            outcomes["SearchError"] += 1
        except _TooLong:
            slow.append(q)
        except Exception as exc:  # what this script counts
            outcomes["other"] += 1
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            crashes.setdefault(key, []).append((q, str(exc)[:120]))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.perf_counter() - start
    print(f"{len(ix):,} paragraphs in {index}")
    print(
        f"{len(queries):,} queries in {elapsed:.0f} s: {outcomes['answered']:,} answered,"
        f" {outcomes['SearchError']:,} raised SearchError,"
        f" {outcomes['other']:,} raised something else,"
        f" {len(slow):,} stopped after {args.max_seconds:g} s"
    )
    for q in slow[:3]:
        print(f"  still running: {q[:70]!r}")
    for key, found in sorted(crashes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(found):>4} × {key}")
        for q, message in found[:3]:
            print(f"         {q[:70]!r}: {message}")
    return 1 if outcomes["other"] or slow else 0


if __name__ == "__main__":
    sys.exit(main())
