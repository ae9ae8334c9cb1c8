"""Profile warm ``Index.search`` calls with cProfile, sorted by cumulative time.

The index is opened and the query run once before profiling, so that the profile
shows searching, not opening segments.  For a cold profile of the whole command,
use ``python -m cProfile -s cumtime -m search QUERY`` instead.

    .venv/bin/python benchmarks/profile_query.py --index DIR [--runs 5] [--top 15] QUERY...
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

import search


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="the index folder")
    parser.add_argument("--runs", type=int, default=5, help="profiled runs of each query")
    parser.add_argument("--top", type=int, default=15, help="lines of the profile to print")
    parser.add_argument("--limit", type=int, default=10, help="hits asked for")
    parser.add_argument("queries", nargs="+", help="queries in unsearch syntax")
    args = parser.parse_args(argv)
    index = search.open_index(args.index)
    for text in args.queries:
        index.search(text, limit=args.limit)
        profile = cProfile.Profile()
        t0 = time.perf_counter()
        profile.enable()
        for _ in range(args.runs):
            index.search(text, limit=args.limit)
        profile.disable()
        per_run = (time.perf_counter() - t0) / args.runs * 1000
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(f"=== {text}  ({args.runs} runs, {per_run:.0f} ms per run under the profiler)")
        print(out.getvalue().split("\n", 4)[-1].strip("\n"), end="\n\n")


if __name__ == "__main__":
    main()
