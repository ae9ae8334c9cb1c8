"""Benchmark unsearch at scale on the UN General Debate corpus (10,957 speeches,
about 350,000 paragraphs), against stock Whoosh, SQLite FTS5 and tantivy.

The archive is unpacked once into the work folder and reused.  ``--copies 3``
indexes the corpus three times over (about a million paragraphs): the second and
third copies are the same files under names ending in ``_r1`` and ``_r2``, so
that their documents get distinct symbols.

    .venv/bin/python benchmarks/bench_scale.py --copies 1|3 [--procs N] [--baselines ...]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tarfile
from pathlib import Path

from harness import CORPUS, WORK, common_options, log, q, run_benchmark

QUERIES = [
    q("phrase 2 words", '"United Nations"'),
    q("phrase 2 words", '"General Assembly"'),
    q("phrase 2 words (fr)", '"Nations Unies"'),
    q("phrase 2 words (fr)", '"coopération Sud-Sud"'),
    q("phrase 4 words", '"the Secretary-General to submit"'),
    q("phrase 5 words", '"human rights and fundamental freedoms"'),
    q("rare term", "desertification"),
    q("common term", "development"),
    q("common term", "nations"),
    q("AND 2 words", "nuclear disarmament"),
    q("AND 3 words", "international peace security"),
    q("prefix", "cooperat*"),
    q("filtered", "development year:2024"),
    q("filtered", "session:79 climate"),
]
COLD_QUERIES = ['"United Nations"', "development", "cooperat*"]
NOTES = [
    "Speeches take their session and year from their `ISO_SESSION_YEAR` file names "
    "(unsearch and the baselines alike), so `year:`/`session:` filters apply.",
    "The corpus is English only: the French phrases find nothing in any engine.",
]


def unpack(archive: Path, scale_dir: Path) -> Path:
    """The unpacked corpus folder, unpacking ``archive`` the first time."""
    done = scale_dir / ".unpacked"
    folder = scale_dir / "ungdc"
    if not done.exists():
        log(f"unpacking {archive} …")
        shutil.rmtree(folder, ignore_errors=True)
        scale_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(scale_dir, filter="data")
        done.touch()
    return folder


def renamed_copy(folder: Path, target: Path, suffix: str) -> Path:
    """``folder`` again under ``target``, every ``X.txt`` linked as ``X{suffix}.txt``."""
    done = target / ".complete"
    if done.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    for src in folder.rglob("*.txt"):
        dst = target / src.parent.relative_to(folder) / f"{src.stem}{suffix}{src.suffix}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    done.touch()
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--archive",
        type=Path,
        default=CORPUS / "scale" / "ungdc.tar.xz",
        help="the General Debate corpus archive",
    )
    parser.add_argument(
        "--copies", type=int, choices=(1, 3), default=1, help="1: ~350k paragraphs, 3: ~1M"
    )
    common_options(parser, repeats=5)
    args = parser.parse_args(argv)
    if not args.archive.is_file():
        parser.error(f"archive not found: {args.archive}")
    scale_dir = WORK / "scale-corpus"
    folder = unpack(args.archive, scale_dir)
    paths = [folder] + [
        renamed_copy(folder, scale_dir / f"r{i}", f"_r{i}") for i in range(1, args.copies)
    ]
    notes = list(NOTES)
    size = "350k"
    if args.copies == 3:
        size = "1M"
        notes.insert(
            0,
            "1M point: the 10,957 speeches indexed three times over, the copies renamed "
            "`X_r1.txt`, `X_r2.txt` so that their document ids differ.",
        )
    run_benchmark(
        f"scale-{size}",
        f"General Debate corpus, {args.copies}× ({size} paragraphs)",
        paths,
        QUERIES,
        work=args.work or WORK / f"scale-{size}",
        repeats=args.repeats,
        cold_queries=COLD_QUERIES,
        cold_runs=args.cold_runs,
        procs=args.procs,
        baselines=args.baselines.split(","),
        reuse=args.reuse,
        reuse_baselines=args.reuse or args.reuse_baselines,
        notes=notes,
        command=shlex.join(["python", "benchmarks/bench_scale.py", *sys.argv[1:]]),
    )


if __name__ == "__main__":
    main()
