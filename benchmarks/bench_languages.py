"""Benchmark unsearch in the six official languages: the Declaration and the Charter.

Ingests ``udhr/`` and ``charter/`` (six languages each) into a fresh index a few
times, then times a word query and a phrase per language on a warm searcher, and
the same queries with each hit's twins in the five other languages (``also``),
and writes the tables to ``benchmarks/RESULTS.md``.

    .venv/bin/python benchmarks/bench_languages.py [--ingests 3] [--repeats 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from harness import CORPUS, WORK, log, q, run_worker, time_queries, write_results

LANGS = ("fr", "en", "es", "ru", "ar", "zh")
QUERIES = {
    "fr": [q("words", "droits homme"), q("phrase", '"Nations Unies"')],
    "en": [q("words", "threat force"), q("phrase", '"human rights"')],
    "es": [q("words", "derecho humano"), q("phrase", '"Naciones Unidas"')],
    "ru": [q("words", "право человека"), q("phrase", '"Организация Объединенных Наций"')],
    "ar": [q("words", "حقوق الانسان"), q("phrase", '"الامم المتحده"')],
    "zh": [q("words", "人权"), q("phrase", '"联合国宪章"')],
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--work", type=Path, default=WORK / "languages")
    parser.add_argument("--ingests", type=int, default=3, help="fresh ingests to time")
    parser.add_argument("--repeats", type=int, default=50, help="timed runs per query")
    args = parser.parse_args(argv)
    paths = [str(args.corpus / "udhr"), str(args.corpus / "charter")]
    index = args.work / "index"
    args.work.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]

    ingests = []
    for i in range(args.ingests):
        log(f"ingest {i + 1}/{args.ingests}")
        ingests.append(run_worker("ingest", "--index", str(index), *paths))
    seconds = [r["seconds"] for r in ingests]

    import search

    rows = []
    with search.open_index(index) as ix:
        ix.searcher()
        for lang in LANGS:
            queries = QUERIES[lang]
            plain = time_queries(
                lambda query, lang=lang: len(ix.search(query.text, lang=lang)),
                queries,
                args.repeats,
            )
            others = [x for x in LANGS if x != lang]
            twins = time_queries(
                lambda query, lang=lang, others=others: len(
                    ix.search(query.text, lang=lang, also=others)
                ),
                queries,
                args.repeats,
            )
            rows += [(lang, p, t) for p, t in zip(plain, twins, strict=True)]
    load_end = os.getloadavg()[0]

    first = ingests[0]
    command = "python benchmarks/bench_languages.py" + "".join(
        f" {shlex.quote(a)}" for a in (argv if argv is not None else sys.argv[1:])
    )
    lines = [
        "## Six languages: the Declaration and the Charter",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; cores: {os.cpu_count()};"
        f" Python {platform.python_version()}; load average {load_start:.1f} at the start,"
        f" {load_end:.1f} at the end (a load above the core count means other processes"
        " shared the CPU)",
        f"- {first['paragraphs']:,} paragraphs from {first['documents']} documents"
        " (`udhr/`, `charter/`: six languages each)",
        "",
        "### Ingest",
        "",
        "| runs | median s | min s | paragraphs/s (median) | index MB | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {len(seconds)} | {statistics.median(seconds):.2f} | {min(seconds):.2f}"
        f" | {first['paragraphs'] / statistics.median(seconds):,.0f}"
        f" | {first['size_mb']:.1f} | {first['rss_mb']:.0f} |",
        "",
        "### Warm queries (ms)",
        "",
        f"Each query run once to warm up, then {args.repeats} times, top 10, `--lang` its"
        " language; “with twins” adds `also=` the five other languages.",
        "",
        "| lang | class | query | hits | p50 | p95 | p50 with twins | p95 with twins |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for lang, p, t in rows:
        if "error" in p or "error" in t:
            lines.append(
                f"| {lang} | {p['cls']} | `{p['query']}` | error: {p.get('error') or t.get('error')} | | | | |"
            )
            continue
        lines.append(
            f"| {lang} | {p['cls']} | `{p['query']}` | {p['hits']} | {p['p50']:.1f}"
            f" | {p['p95']:.1f} | {t['p50']:.1f} | {t['p95']:.1f} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    write_results("languages", report)
    log(f"written to benchmarks/RESULTS.md ({time.strftime('%H:%M:%S')})")


if __name__ == "__main__":
    main()
