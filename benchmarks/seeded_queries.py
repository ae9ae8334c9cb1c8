"""Warm query times averaged over Python hash seeds, for before/after comparisons.

The work a search does depends a little on the order of Python sets and dicts
(which candidates re-ranking reads first, ties), and so on ``PYTHONHASHSEED``:
one process's p50 of the same query on the same index varies by ±25% from seed
to seed.  This runs the benchmark's queries (``--set resolutions`` or ``scale``)
in one fresh process per seed and prints the mean over seeds of each query's
p50, p95 and CPU time per search.

To compare two checkouts, run this file with each one's interpreter, each on the
index it built (``search`` is imported from that interpreter's installation):

    .venv/bin/python benchmarks/seeded_queries.py --index benchmarks/work/resolutions/index --set resolutions
    ../before/.venv/bin/python benchmarks/seeded_queries.py --index ../before/benchmarks/work/resolutions/index --set resolutions
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _queries(name: str) -> list[str]:
    if name == "resolutions":
        from bench_resolutions import QUERIES
    else:
        from bench_scale import QUERIES
    return [query.text for query in QUERIES]


def _one_process(index: str, queries: list[str], repeats: int) -> dict[str, list[float]]:
    """p50, p95 and median CPU (ms) of each query, warm, in this process."""
    import search

    out = {}
    with search.open_index(index) as ix:
        for text in queries:
            ix.search(text, limit=10)
            wall, cpu = [], []
            for _ in range(repeats):
                t, c = time.perf_counter(), time.process_time()
                ix.search(text, limit=10)
                wall.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            wall.sort()
            p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
            out[text] = [wall[len(wall) // 2] * 1e3, p95 * 1e3, statistics.median(cpu) * 1e3]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="the index folder")
    parser.add_argument("--set", choices=("resolutions", "scale"), default="resolutions")
    parser.add_argument("--seeds", type=int, default=10, help="processes, one hash seed each")
    parser.add_argument("--repeats", type=int, default=40, help="timed runs per query")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    queries = _queries(args.set)
    if args.one:
        print(json.dumps(_one_process(args.index, queries, args.repeats)))
        return
    runs = []
    for seed in range(1, args.seeds + 1):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        command = [sys.executable, __file__, "--one", "--index", args.index]
        command += ["--set", args.set, "--repeats", str(args.repeats)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    print(f"{args.index}: mean over {args.seeds} hash seeds, {args.repeats} runs each (ms)")
    print("| query | p50 | p95 | CPU |\n|---|---:|---:|---:|")
    for text in queries:
        p50, p95, cpu = (statistics.mean(run[text][i] for run in runs) for i in range(3))
        print(f"| `{text}` | {p50:.2f} | {p95:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
