"""Profile ``search.ingest`` in one process: where the time of an ingest goes.

Two runs over the resolutions and the UDHR (or ``PATHS``) into a fresh index each:

* the phases, timed without a profiler: reading and segmenting the files
  (``read_document``), making the fields of each paragraph, analysing them
  (``IndexWriter.prepare``: the analysis chains), adding them to the segment
  (``add_prepared``: stored fields and postings in memory), and writing the
  index at commit (posting lists encoded, segment files, merge); wall and CPU
  seconds, with the load average;
* ``--profile``: cProfile of the whole ingest, by internal time and by cumulative
  time.

    .venv/bin/python benchmarks/profile_ingest.py [--profile] [--top 25] [PATHS...]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import time
from collections import defaultdict
from pathlib import Path

from harness import CORPUS, WORK

import search
from search import ingestion
from search.engine import writing

FOLDERS = ["resolutions/fr", "resolutions/en-md", "resolutions/en-txt", "udhr"]


class Phases:
    """Seconds spent in each wrapped function (wall and CPU), outermost calls only."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self._depth = 0

    def wrap(self, owner, attr: str, name: str) -> None:
        inner = getattr(owner, attr)

        def timed(*args, **kwargs):
            if self._depth:
                return inner(*args, **kwargs)
            self._depth += 1
            w, c = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - w
                self.cpu[name] += time.process_time() - c
                self._depth -= 1

        setattr(owner, attr, timed)


def phases(paths: list[str], index_dir: Path) -> None:
    timer = Phases()
    timer.wrap(ingestion, "_read", "reading and segmenting")
    timer.wrap(ingestion, "paragraph_fields", "fields of each paragraph")
    timer.wrap(writing.IndexWriter, "prepare", "analysis (prepare)")
    timer.wrap(writing.IndexWriter, "add_prepared", "postings in memory (add_prepared)")
    timer.wrap(writing.IndexWriter, "commit", "writing the index (commit)")
    shutil.rmtree(index_dir, ignore_errors=True)
    load = os.getloadavg()[0]
    w, c = time.perf_counter(), time.process_time()
    report = search.ingest(paths, index_dir, procs=1)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    print(
        f"ingest: {report.paragraphs:,} paragraphs, {wall:.2f} s wall "
        f"({report.paragraphs / wall:,.0f} paragraphs/s), {cpu:.2f} s CPU; "
        f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print("| phase | wall s | CPU s | share of CPU |\n|---|---:|---:|---:|")
    for name in timer.wall:
        print(
            f"| {name} | {timer.wall[name]:.2f} | {timer.cpu[name]:.2f} | "
            f"{timer.cpu[name] / cpu:.0%} |"
        )
    rest_w = wall - sum(timer.wall.values())
    rest_c = cpu - sum(timer.cpu.values())
    print(f"| everything else | {rest_w:.2f} | {rest_c:.2f} | {rest_c / cpu:.0%} |")


def profile(paths: list[str], index_dir: Path, top: int) -> None:
    shutil.rmtree(index_dir, ignore_errors=True)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    search.ingest(paths, index_dir, procs=1)
    prof.disable()
    print(f"\n=== cProfile of search.ingest(procs=1): {time.perf_counter() - t0:.1f} s under it")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(key).print_stats(top)
        print(f"\n--- by {key}")
        print(out.getvalue().split("\n", 4)[-1].strip("\n"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="store_true", help="also run under cProfile")
    parser.add_argument("--top", type=int, default=25, help="lines of each profile table")
    parser.add_argument("--index", type=Path, default=WORK / "profile-ingest" / "index")
    parser.add_argument("paths", nargs="*", help=f"default: {', '.join(FOLDERS)} of the corpus")
    args = parser.parse_args(argv)
    paths = args.paths or [str(CORPUS / folder) for folder in FOLDERS]
    phases(paths, args.index)
    if args.profile:
        profile(paths, args.index, args.top)


if __name__ == "__main__":
    main()
