"""Benchmark unsearch on the UN resolutions and the UDHR, against stock Whoosh,
SQLite FTS5 and tantivy.

Ingests ``resolutions/{fr,en-md,en-txt}`` and ``udhr`` into a fresh index, times
the query classes of the benchmark list on a warm searcher and as a cold
``unsearch QUERY`` process, and writes the tables to ``benchmarks/RESULTS.md``,
with the ingest set beside the project's reader plus tantivy indexing the same
paragraphs (wall-clock and CPU time, peak anonymous memory).  ``--ingest-only``
measures that comparison alone and prints it.

    .venv/bin/python benchmarks/bench_resolutions.py [--corpus DIR] [--baselines whoosh,fts5]
    .venv/bin/python benchmarks/bench_resolutions.py --ingest-only [--procs 2]
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from harness import CORPUS, WORK, common_options, compare_ingest, q, run_benchmark

QUERIES = [
    q("phrase 2 words", '"Nations Unies"'),
    q("phrase 2 words", '"United Nations"'),
    q("phrase 2 words", '"General Assembly"'),
    q("phrase 2 words (fr)", '"coopération Sud-Sud"'),
    q("phrase 4 words", '"the Secretary-General to submit"'),
    q("phrase 5 words", '"human rights and fundamental freedoms"'),
    q("rare term", "desertification"),
    q("common term", "development"),
    q("AND 2 words", "climate finance"),
    q("AND 3 words", "international peace security"),
    q("prefix", "cooperat*"),
    q("filtered", "development year:2024"),
    q("filtered", "session:79 climate"),
]
COLD_QUERIES = ['"United Nations"', "development", "cooperat*"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    common_options(parser, repeats=10)
    parser.add_argument(
        "--ingest-only",
        action="store_true",
        help="only the ingest beside the reader + tantivy (no queries, RESULTS.md untouched)",
    )
    args = parser.parse_args(argv)
    paths = [args.corpus / "resolutions" / sub for sub in ("fr", "en-md", "en-txt")]
    paths.append(args.corpus / "udhr")
    missing = [str(p) for p in paths if not p.is_dir()]
    if missing:
        parser.error(f"corpus folders not found: {', '.join(missing)}")
    command = shlex.join(["python", "benchmarks/bench_resolutions.py", *sys.argv[1:]])
    if args.ingest_only:
        compare_ingest(
            "resolutions",
            "Resolutions (fr, en-md, en-txt) + UDHR",
            paths,
            work=args.work or WORK / "resolutions-ingest",
            procs=args.procs,
            command=command,
        )
        return
    run_benchmark(
        "resolutions",
        "Resolutions (fr, en-md, en-txt) + UDHR",
        paths,
        QUERIES,
        work=args.work or WORK / "resolutions",
        repeats=args.repeats,
        cold_queries=COLD_QUERIES,
        cold_runs=args.cold_runs,
        procs=args.procs,
        baselines=args.baselines.split(","),
        reuse=args.reuse,
        reuse_baselines=args.reuse or args.reuse_baselines,
        notes=[],
        command=command,
    )


if __name__ == "__main__":
    main()
