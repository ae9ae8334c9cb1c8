"""Incremental ingest: a second ``unsearch ingest`` over an unchanged corpus.

Ingests ``resolutions/{fr,en-md,en-txt}`` and ``udhr`` into a fresh index, then
runs the same command again, each as a fresh ``python -m search ingest`` process
(wall-clock time, interpreter start-up included), and prints both times and their
ratio.  The second run should read nothing and take under 10% of the first.

    .venv/bin/python benchmarks/incremental.py [--corpus DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from harness import CORPUS, WORK

FOLDERS = ["resolutions/fr", "resolutions/en-md", "resolutions/en-txt", "udhr"]


def timed_ingest(paths: list[Path], index_dir: Path) -> tuple[float, str]:
    """Seconds taken by ``unsearch ingest PATHS --index INDEX_DIR``, and its summary line."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "search", "ingest", *map(str, paths), "--index", str(index_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode:
        sys.exit(f"ingest failed ({proc.returncode}):\n{proc.stderr}")
    return seconds, proc.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--work", type=Path, default=WORK, help="folder for the index")
    args = parser.parse_args(argv)
    index_dir = args.work / "incremental" / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    paths = [args.corpus / folder for folder in FOLDERS]
    first, summary = timed_ingest(paths, index_dir)
    print(f"first run:  {first:7.2f} s  ({summary})")
    second, summary = timed_ingest(paths, index_dir)
    print(f"second run: {second:7.2f} s  ({summary})")
    print(f"ratio:      {second / first:7.2%}")


if __name__ == "__main__":
    main()
