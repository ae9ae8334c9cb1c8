"""Speed of ``similar`` and ``history``: a 60-word draft on a warm index, a resolution's
series and a paragraph's versions, and ``unsearch similar --file`` on a 40-paragraph
Word draft (a whole process, start-up included: its wall time, and its CPU time,
which a machine busy with other work inflates less).

Drafts are the first 60 words of paragraphs of the index (a fixed random sample of
paragraphs of at least 60 words), with three words replaced by other words of the
same paragraph.

    .venv/bin/python benchmarks/bench_similar.py [--index DIR] [--label NAME] [--drafts 100]

Without ``--index``, the resolutions (fr, en-md, en-txt) and the UDHR are ingested
into ``benchmarks/work/similar-resolutions/index`` (once; reused after).  Writes the
section ``similar-NAME`` of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import REPO, latency_stats, log, resolutions_index, write_results

import search
from search.analysis import TOKEN_PATTERN

SEED = 12
DRAFT_WORDS = 60


def sample_paragraphs(ix, n: int, words: int, rng: random.Random) -> list[dict]:
    """Stored fields of ``n`` random paragraphs of at least ``words`` words."""
    s = ix.searcher()
    total = s.doc_count_all()
    out: list[dict] = []
    tried = 0
    while len(out) < n and tried < 200 * n:
        tried += 1
        f = s.stored_fields(rng.randrange(total))
        if f and f.get("kind") in ("op", "pp", "annex", "text") and len(f["text"].split()) >= words:
            out.append(f)
    return out


def make_draft(text: str, rng: random.Random, words: int = DRAFT_WORDS) -> str:
    tokens = TOKEN_PATTERN.findall(text)[:words]
    for _ in range(3):
        tokens[rng.randrange(len(tokens))] = rng.choice(tokens)
    return " ".join(tokens)


def _stats(samples: list[float]) -> dict:
    """p50, p95, max (milliseconds) and the number of ``samples`` (seconds)."""
    return {**latency_stats(samples), "n": len(samples)}


class Timer:
    """Wall and CPU time of each call measured."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, fn, *args):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(*args)
        self.wall.append(time.perf_counter() - t0)
        self.cpu.append(time.process_time() - c0)


def time_similar(ix, drafts: list[str], repeats: int) -> Timer:
    for d in drafts:  # warm-up: the searcher, postings and caches of the words
        ix.similar(d)
    timer = Timer()
    for _ in range(repeats):
        for d in drafts:
            timer(ix.similar, d)
    return timer


def time_history(ix, paragraphs: list[dict]) -> tuple[Timer, Timer]:
    series, versions = Timer(), Timer()
    for f in paragraphs:
        series(ix.history, f["symbol"])
        if f["kind"] in ("op", "pp", "annex"):
            versions(ix.history, f["symbol"], f["paragraph"])
    return series, versions


def time_file(index_dir: Path, texts: list[str], runs: int) -> dict:
    import docx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "draft.docx"
        draft = docx.Document()
        for t in texts:
            draft.add_paragraph(t)
        draft.save(path)
        exe = Path(sys.executable).with_name("unsearch")
        cmd = [str(exe), "similar", "--file", str(path), "--index", str(index_dir)]
        samples, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
            samples.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return _stats(samples), _stats(cpu)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="the index (default: the resolutions)")
    parser.add_argument("--label", default="resolutions", help="the RESULTS.md section name")
    parser.add_argument("--drafts", type=int, default=100, help="60-word drafts timed")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each draft")
    parser.add_argument("--file-runs", type=int, default=3, help="runs of similar --file")
    args = parser.parse_args(argv)
    index_dir = args.index or resolutions_index()
    rng = random.Random(SEED)
    load = os.getloadavg()[0]
    with search.open_index(index_dir) as ix:
        t0 = time.perf_counter()
        ix.searcher()
        paragraphs = len(ix)
        opened = time.perf_counter() - t0
        sample = sample_paragraphs(ix, args.drafts + 40, DRAFT_WORDS, rng)
        drafts = [make_draft(f["text"], rng) for f in sample[: args.drafts]]
        log(f"{paragraphs} paragraphs; timing {len(drafts)} drafts …")
        similar = time_similar(ix, drafts, args.repeats)
        log("timing history …")
        t0 = time.perf_counter()
        ix.history(sample[0]["symbol"])
        first_history = time.perf_counter() - t0
        series, versions = time_history(ix, sample[:50])
    log("timing similar --file …")
    texts = [make_draft(f["text"], rng, 80) for f in sample[-40:]]
    file_run, file_cpu = time_file(index_dir, texts, args.file_runs)
    ms = lambda v: f"{v:.0f} ms"  # noqa: E731
    rows = [
        ("`Index.similar`, 60-word draft, warm", similar),
        ("`Index.history(symbol)`", series),
        ("`Index.history(symbol, paragraph)`", versions),
    ]
    command = shlex.join(["python", "benchmarks/bench_similar.py", *sys.argv[1:]])
    report = "\n".join(
        [
            f"## similar and history: {args.label} ({paragraphs} paragraphs)",
            "",
            f"`{command}`; load average {load:.1f} at the start (other work was running "
            "on the machine); index opened in "
            f"{ms(opened * 1000)}.",
            "",
            "| what | runs | p50 | p95 | max | CPU p50 | CPU p95 |",
            "|---|---|---|---|---|---|---|",
            *(
                f"| {what} | {len(t.wall)} | {ms(w['p50'])} | {ms(w['p95'])} | {ms(w['max'])} "
                f"| {ms(c['p50'])} | {ms(c['p95'])} |"
                for what, t in rows
                if t.wall  # speeches have no operative paragraphs to follow
                for w, c in [(_stats(t.wall), _stats(t.cpu))]
            ),
            f"| `unsearch similar --file` 40-paragraph .docx (a process) | {file_run['n']} "
            f"| {ms(file_run['p50'])} | {ms(file_run['p95'])} | {ms(file_run['max'])} "
            f"| {ms(file_cpu['p50'])} | {ms(file_cpu['p95'])} |",
            "",
            "CPU: the time the process ran, which a machine busy with other work inflates "
            "less than the wall time.  `history(symbol)` reads each document of the series "
            "the first time it is asked for.",
            "",
            f"First `history` call on a fresh searcher (reads the titles): {ms(first_history * 1000)}.",
            "",
        ]
    )
    print(report)
    write_results(f"similar-{args.label}", report)


if __name__ == "__main__":
    main()
