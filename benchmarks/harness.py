"""Shared machinery of the unsearch benchmarks: queries, measuring workers, reports.

Every measured phase (unsearch ingest, unsearch queries, each baseline) runs in a
fresh worker process (``python harness.py PHASE ...``) that prints one JSON object,
so that the peak RSS of a phase (``resource.getrusage``) is that phase's alone.

Baselines, all fed the very paragraphs ``search.read_document`` gives (the same
document de-duplication as ``search.ingest``), with ``year``/``session`` columns
for the filtered queries:

* ``whoosh``: stock Whoosh, ``StandardAnalyzer``, one ``TEXT`` field with
  positions, default writer (single process), stock ``QueryParser``;
* ``fts5``: SQLite FTS5, ``unicode61 remove_diacritics 2``, ``bm25``, ``LIMIT 10``;
* ``tantivy``: tantivy with the ``en_stem`` tokenizer (plus an unstemmed
  ``words`` field for prefix queries, as unsearch has), top 10.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CORPUS = REPO.parent / "shared" / "corpus"
WORK = BENCH_DIR / "work"
RESULTS = BENCH_DIR / "RESULTS.md"
ENGINES = ("whoosh", "fts5", "tantivy")
TOP_K = 10


# --- queries ---------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A benchmark query: its class, and its parts as (kind, text) pairs.

    Kinds: ``word``, ``phrase``, ``prefix`` and ``year``/``session`` filters; all
    parts must match.  Each engine gets the parts in its own syntax.
    """

    cls: str
    parts: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """The query in unsearch syntax (also what stock Whoosh's parser reads)."""
        out = []
        for kind, value in self.parts:
            if kind == "phrase":
                out.append(f'"{value}"')
            elif kind == "prefix":
                out.append(f"{value}*")
            elif kind in ("year", "session"):
                out.append(f"{kind}:{value}")
            else:
                out.append(value)
        return " ".join(out)


def q(cls: str, text: str) -> Query:
    """A :class:`Query` from unsearch syntax restricted to words, "phrases", prefix*
    and year:/session: filters."""
    parts = []
    for m in re.finditer(r'"([^"]+)"|(\S+)', text):
        if m.group(1):
            parts.append(("phrase", m.group(1)))
            continue
        token = m.group(2)
        field, _, value = token.partition(":")
        if field in ("year", "session") and value:
            parts.append((field, value))
        elif token.endswith("*"):
            parts.append(("prefix", token.rstrip("*")))
        else:
            parts.append(("word", token))
    return Query(cls, tuple(parts))


# --- measuring helpers -------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time (user and system) of this process, its threads and its waited-for
    children: what a busy machine inflates less than the wall-clock time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its waited-for children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


class AnonymousMemory:
    """Peak anonymous memory (``RssAnon``, Linux) of this process and its children
    together, sampled every 0.1 s in a thread.  Unlike the peak RSS it leaves out
    the pages of files read through memory maps, which the system can drop."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> AnonymousMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_mb = max(self.peak_mb, sum(map(_anon_kb, _tree(os.getpid()))) / 1024)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    pids, i = [pid], 0
    while i < len(pids):
        try:
            children = Path(f"/proc/{pids[i]}/task/{pids[i]}/children").read_text().split()
        except OSError:
            children = []
        pids.extend(int(c) for c in children)
        i += 1
    return pids


def _anon_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^RssAnon:\s+(\d+)", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def dir_size_mb(path: Path) -> float:
    """Total size of the files under ``path`` (or of the file ``path``), in MB."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.499999))
    return ordered[min(rank, len(ordered)) - 1]


def latency_stats(samples: list[float]) -> dict[str, float]:
    """p50, p95 and max of ``samples`` (seconds), in milliseconds."""
    return {
        "p50": statistics.median(samples) * 1000,
        "p95": percentile(samples, 95) * 1000,
        "max": max(samples) * 1000,
    }


def time_queries(
    run: Callable[[Query], int], queries: list[Query], repeats: int
) -> list[dict[str, object]]:
    """Run every query once to warm up, then ``repeats`` times, timing each run.

    ``run`` returns how many hits it got; an exception is recorded as the query's
    error instead of stopping the benchmark.
    """
    out = []
    for query in queries:
        row: dict[str, object] = {"cls": query.cls, "query": query.text}
        try:
            row["hits"] = run(query)
            samples = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                run(query)
                samples.append(time.perf_counter() - t0)
            row.update(latency_stats(samples))
            row["samples"] = samples
        except Exception as exc:  # a crashing query is a finding, not the end of the run
            row["error"] = f"{type(exc).__name__}: {exc}"
        out.append(row)
    return out


# --- workers -------------------------------------------------------------------------


def run_worker(*args: str) -> dict:
    """Run ``harness.py ARGS`` in a fresh interpreter and return the JSON it prints."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def worker_ingest(paths: list[str], index_dir: str, procs: int) -> dict:
    """Ingest ``paths`` into a fresh ``index_dir`` with :func:`search.ingest`."""
    import search

    shutil.rmtree(index_dir, ignore_errors=True)
    kwargs = {}
    note = ""
    if "procs" in inspect.signature(search.ingest).parameters:
        kwargs["procs"] = procs
    elif procs != 1:
        note = "search.ingest takes no procs argument: ingested in one process"
    t0, cpu0 = time.perf_counter(), cpu_seconds()
    with AnonymousMemory() as anon:
        report = search.ingest(paths, index_dir, **kwargs)
    seconds = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    from whoosh.index import open_dir

    return {
        "segments": len(open_dir(index_dir)._segments()),
        "anon_mb": anon.peak_mb,
        "documents": report.documents,
        "paragraphs": report.paragraphs,
        "duplicates": report.duplicates,
        "failures": [str(f) for f in report.failures],
        "seconds": seconds,
        "cpu_s": cpu,
        "size_mb": dir_size_mb(Path(index_dir)),
        "rss_mb": peak_rss_mb(),
        "note": note,
    }


def worker_query(index_dir: str, queries: list[Query], repeats: int) -> dict:
    """Warm-searcher latencies of ``Index.search`` (top 10, with highlighting)."""
    import search

    t0 = time.perf_counter()
    index = search.open_index(index_dir)
    index.searcher()
    opened = time.perf_counter() - t0
    rows = time_queries(lambda query: len(index.search(query.text, limit=TOP_K)), queries, repeats)
    return {"open_s": opened, "queries": rows, "rss_mb": peak_rss_mb()}


def worker_extract(paths: list[str], out: str) -> dict:
    """Read ``paths`` with :func:`search.read_document`, keep one source per document
    as ingest does, and write the paragraphs as JSON lines for the baselines."""
    from search.documents import FORMAT_RANK, iter_sources, read_document
    from search.errors import DocumentError

    t0, cpu0 = time.perf_counter(), cpu_seconds()
    best: dict[str, tuple[int, object]] = {}
    with AnonymousMemory() as anon:
        for path in iter_sources(paths):
            try:
                doc = read_document(path)
            except DocumentError:
                continue
            rank = FORMAT_RANK.get(doc.format, len(FORMAT_RANK))
            if doc.key not in best or rank < best[doc.key][0]:
                best[doc.key] = (rank, doc)
    seconds = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    count = 0
    with open(out, "w", encoding="utf-8") as f:
        for _, doc in best.values():
            for p in doc.paragraphs:
                row = {
                    "id": f"{doc.key}#{p.label}",
                    "text": p.text,
                    "year": doc.year or 0,
                    "session": doc.session or 0,
                }
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    return {
        "documents": len(best),
        "paragraphs": count,
        "read_s": seconds,
        "read_cpu_s": cpu,
        "anon_mb": anon.peak_mb,
    }


def _paragraphs(jsonl: str) -> Iterator[dict]:
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


class Whoosh:
    """Stock Whoosh: default analyzer, default writer, stock query parser."""

    def __init__(self, work: Path) -> None:
        self.path = work / "whoosh"

    def build(self, rows: Iterable[dict]) -> None:
        from whoosh import fields, index

        schema = fields.Schema(
            id=fields.ID(stored=True),
            text=fields.TEXT(phrase=True),
            year=fields.NUMERIC,
            session=fields.NUMERIC,
        )
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        writer = index.create_in(str(self.path), schema).writer()
        for row in rows:
            writer.add_document(**row)
        writer.commit()

    def open(self) -> None:
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.index = index.open_dir(str(self.path))
        self.searcher = self.index.searcher()
        self.parser = QueryParser("text", self.index.schema)

    def search(self, query: Query) -> int:
        results = self.searcher.search(self.parser.parse(query.text), limit=TOP_K)
        return len([hit["id"] for hit in results])


class Fts5:
    """SQLite FTS5 with accent folding and bm25 ranking."""

    def __init__(self, work: Path) -> None:
        self.path = work / "fts5.sqlite"

    def build(self, rows: Iterable[dict]) -> None:
        import sqlite3

        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        db.execute(
            "CREATE VIRTUAL TABLE p USING fts5(text, id UNINDEXED, year UNINDEXED, "
            "session UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
        )
        with db:
            db.executemany(
                "INSERT INTO p (text, id, year, session) VALUES (?, ?, ?, ?)",
                ((r["text"], r["id"], r["year"], r["session"]) for r in rows),
            )
        db.close()

    def open(self) -> None:
        import sqlite3

        self.db = sqlite3.connect(self.path)

    def search(self, query: Query) -> int:
        match, where, args = [], [], []
        for kind, value in query.parts:
            if kind in ("year", "session"):
                where.append(f" AND {kind} = ?")
                args.append(int(value))
            elif kind == "prefix":
                match.append(f"{value}*")
            else:
                match.append('"' + value.replace('"', '""') + '"')
        sql = f"SELECT id FROM p WHERE p MATCH ?{''.join(where)} ORDER BY bm25(p) LIMIT {TOP_K}"
        return len(self.db.execute(sql, [" AND ".join(match), *args]).fetchall())


class Tantivy:
    """tantivy: ``en_stem`` text field, unstemmed ``words`` field for prefixes."""

    def __init__(self, work: Path) -> None:
        self.path = work / "tantivy"

    @staticmethod
    def schema():
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("text", stored=False, tokenizer_name="en_stem")
        sb.add_text_field("words", stored=False, tokenizer_name="default", index_option="freq")
        sb.add_integer_field("year", indexed=True)
        sb.add_integer_field("session", indexed=True)
        return sb.build()

    def build(self, rows: Iterable[dict]) -> None:
        import tantivy

        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        writer = tantivy.Index(self.schema(), path=str(self.path)).writer()
        for row in rows:
            writer.add_document(
                tantivy.Document(
                    id=row["id"],
                    text=row["text"],
                    words=row["text"],
                    year=row["year"],
                    session=row["session"],
                )
            )
        writer.commit()
        writer.wait_merging_threads()

    def open(self) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(self.path))
        self.searcher = self.index.searcher()

    def search(self, query: Query) -> int:
        import tantivy

        schema = self.index.schema
        musts = []
        for kind, value in query.parts:
            if kind in ("year", "session"):
                sub = tantivy.Query.term_query(schema, kind, int(value))
            elif kind == "prefix":
                sub = tantivy.Query.regex_query(schema, "words", re.escape(value.lower()) + ".*")
            elif kind == "phrase":
                sub = self.index.parse_query(f'"{value}"', ["text"])
            else:
                sub = self.index.parse_query(value, ["text"])
            musts.append((tantivy.Occur.Must, sub))
        result = self.searcher.search(tantivy.Query.boolean_query(musts), TOP_K)
        return len([self.searcher.doc(address)["id"] for _, address in result.hits])


BASELINES = {"whoosh": Whoosh, "fts5": Fts5, "tantivy": Tantivy}
PACKAGES = {"whoosh": "whoosh", "fts5": "sqlite3", "tantivy": "tantivy"}


def baseline_missing(engine: str) -> str:
    """Why ``engine`` cannot run here, or ``""``."""
    import importlib.util

    if importlib.util.find_spec(PACKAGES[engine]) is None:
        return f"package {PACKAGES[engine]!r} not installed (pip install -e '.[bench]')"
    if engine == "fts5":
        import sqlite3

        try:
            sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        except sqlite3.OperationalError:
            return f"SQLite {sqlite3.sqlite_version} was built without FTS5"
    return ""


def worker_baseline(
    engine: str, jsonl: str, work: str, queries: list[Query], repeats: int, build: bool
) -> dict:
    """Index the extracted paragraphs with a baseline engine, then time the queries."""
    impl = BASELINES[engine](Path(work))
    out: dict[str, object] = {}
    if build:
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        with AnonymousMemory() as anon:
            impl.build(_paragraphs(jsonl))
        out["seconds"] = time.perf_counter() - t0
        out["cpu_s"] = cpu_seconds() - cpu0
        out["anon_mb"] = anon.peak_mb
        out["size_mb"] = dir_size_mb(impl.path)
        out["rss_mb"] = peak_rss_mb()
    impl.open()
    out["queries"] = time_queries(impl.search, queries, repeats)
    return out


def cold_cli(index_dir: Path, query: str, runs: int) -> dict:
    """Median wall time of ``unsearch QUERY`` as a fresh process, and its exit status."""
    exe = Path(sys.executable).with_name("unsearch")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "search"]
    env = {**os.environ, "UNSEARCH_INDEX": str(index_dir)}
    times, status = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([*cmd, *query.split()], env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        status = proc.returncode
    return {"query": query, "median_s": statistics.median(times), "exit": status}


# --- the benchmark -------------------------------------------------------------------


def _queries_arg(queries: list[Query]) -> str:
    return json.dumps([[query.cls, [list(p) for p in query.parts]] for query in queries])


def _queries_from(arg: str) -> list[Query]:
    return [Query(cls, tuple(tuple(p) for p in parts)) for cls, parts in json.loads(arg)]


def run_benchmark(
    name: str,
    title: str,
    paths: list[Path],
    queries: list[Query],
    *,
    work: Path,
    repeats: int,
    cold_queries: list[str],
    cold_runs: int,
    procs: int,
    baselines: list[str],
    reuse: bool,
    reuse_baselines: bool,
    notes: list[str],
    command: str,
) -> str:
    """Ingest ``paths`` with unsearch and the baselines, time ``queries`` on each, print
    the tables and write them into ``RESULTS.md`` under ``name``; return the tables."""
    load_start = os.getloadavg()[0]
    work.mkdir(parents=True, exist_ok=True)
    index_dir = work / "index"
    saved = work / "ingest.json"
    str_paths = [str(p) for p in paths]
    if reuse and saved.exists() and index_dir.exists():
        ingest = json.loads(saved.read_text())
        log(f"[{name}] reusing the index in {index_dir}")
    else:
        log(f"[{name}] unsearch ingest of {len(paths)} folders …")
        ingest = run_worker("ingest", "--index", str(index_dir), "--procs", str(procs), *str_paths)
        saved.write_text(json.dumps(ingest))
    log(
        f"[{name}] unsearch: {ingest['paragraphs']} paragraphs, {ingest['documents']} documents "
        f"in {ingest['seconds']:.1f} s"
    )
    if ingest["note"]:
        notes.append(ingest["note"])
    if "segments" in ingest:
        notes.append(
            f"unsearch's index: {ingest['segments']} segment(s). Its peak anonymous memory "
            f"(all its processes together, sampled every 0.1 s): {ingest['anon_mb']:.0f} MB; "
            "the peak RSS also counts the pages of index files read through memory maps"
        )
    if ingest["failures"]:
        notes.append(f"{len(ingest['failures'])} files failed: {ingest['failures'][:3]}")
    qarg = _queries_arg(queries)
    log(f"[{name}] unsearch queries …")
    ours = run_worker(
        "query", "--index", str(index_dir), "--repeats", str(repeats), "--queries", qarg
    )
    log(f"[{name}] cold unsearch CLI …")
    floor = cold_cli(index_dir, "--version", cold_runs)
    cold = [cold_cli(index_dir, text, cold_runs) for text in cold_queries]

    extracted = work / "paragraphs.jsonl"
    extract: dict | None = None
    base: dict[str, dict] = {}
    wanted = [e for e in baselines if e in ENGINES]
    for engine in wanted:
        missing = baseline_missing(engine)
        if missing:
            notes.append(f"baseline {engine} skipped: {missing}")
            log(f"[{name}] {engine} skipped: {missing}")
            continue
        if extract is None:
            saved_extract = work / "extract.json"
            if reuse_baselines and saved_extract.exists() and extracted.exists():
                extract = json.loads(saved_extract.read_text())
            else:
                log(f"[{name}] reading paragraphs for the baselines …")
                extract = run_worker("extract", "--out", str(extracted), *str_paths)
                saved_extract.write_text(json.dumps(extract))
        saved_base = work / f"{engine}.json"
        build = not (reuse_baselines and saved_base.exists())
        log(f"[{name}] {engine}{' build and' if build else ''} queries …")
        result = run_worker(
            "baseline",
            engine,
            "--jsonl",
            str(extracted),
            "--work",
            str(work),
            "--repeats",
            str(repeats),
            "--queries",
            qarg,
            *(["--build"] if build else []),
        )
        if build:
            saved_base.write_text(json.dumps({k: v for k, v in result.items() if k != "queries"}))
        else:
            result.update(json.loads(saved_base.read_text()))
        base[engine] = result

    load = (load_start, os.getloadavg()[0])
    report = format_report(
        title, ingest, ours, floor, cold, extract, base, notes, command, repeats, cold_runs, load
    )
    print(report)
    write_results(name, report)
    return report


def _num(value: object, fmt: str = ".1f") -> str:
    return format(value, fmt) if isinstance(value, (int, float)) else "–"


def ingest_comparison(ingest: dict, extract: dict | None, base: dict[str, dict]) -> list[str]:
    """Markdown lines setting ``unsearch ingest`` beside the project's own reader
    (``read_document`` over the same files) plus tantivy indexing the paragraphs it
    gives, measured in the same run; empty without both."""
    tantivy = base.get("tantivy", {})
    if not extract or not tantivy.get("seconds"):
        return []
    n = ingest["paragraphs"]
    wall = extract["read_s"] + tantivy["seconds"]
    cpus = (extract.get("read_cpu_s"), tantivy.get("cpu_s"))
    cpu = cpus[0] + cpus[1] if None not in cpus else None
    anons = (extract.get("anon_mb"), tantivy.get("anon_mb"))
    anon = max(anons) if None not in anons else None
    rows = [
        (
            "`unsearch ingest` (`search.ingest`)",
            ingest["seconds"],
            ingest.get("cpu_s"),
            n,
            ingest.get("anon_mb"),
        ),
        (
            "reader: `read_document` over the same files",
            extract["read_s"],
            cpus[0],
            extract["paragraphs"],
            anons[0],
        ),
        (
            "tantivy indexing the paragraphs read",
            tantivy["seconds"],
            cpus[1],
            extract["paragraphs"],
            anons[1],
        ),
        ("reader + tantivy", wall, cpu, extract["paragraphs"], anon),
    ]
    lines = [
        "",
        "### Ingest against reader + tantivy",
        "",
        "| | wall s | CPU s | paragraphs/s | peak anonymous MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, secs, cpu_s, count, mb in rows:
        lines.append(
            f"| {label} | {secs:.1f} | {_num(cpu_s)} | {count / secs:,.0f} | {_num(mb, '.0f')} |"
        )
    ratio = f"**{ingest['seconds'] / wall:.2f}×** wall-clock"
    if ingest.get("cpu_s") and cpu:
        ratio += f", {ingest['cpu_s'] / cpu:.2f}× CPU time"
    lines += [
        "",
        f"`unsearch ingest` / (reader + tantivy): {ratio} (target: within 2×). CPU time "
        "counts every process and thread (a busy machine inflates it less than the "
        "wall-clock time); the peak anonymous memory (`RssAnon`, sampled every 0.1 s) "
        "is that of all of unsearch's ingest processes together, and for reader + "
        "tantivy the larger of the two.",
    ]
    return lines


def compare_ingest(
    name: str, title: str, paths: list[Path], *, work: Path, procs: int, command: str
) -> str:
    """Only the ingest, side by side in one run: ``search.ingest`` of ``paths``, the
    reader over the same files and tantivy indexing what it read; no queries.
    Prints the lines (:func:`ingest_comparison`) and returns them; RESULTS.md is
    left as it is."""
    missing = baseline_missing("tantivy")
    if missing:
        raise SystemExit(f"tantivy is needed: {missing}")
    load_start = os.getloadavg()[0]
    work.mkdir(parents=True, exist_ok=True)
    str_paths = [str(p) for p in paths]
    log(f"[{name}] unsearch ingest of {len(paths)} folders …")
    ingest = run_worker("ingest", "--index", str(work / "index"), "--procs", str(procs), *str_paths)
    log(f"[{name}] reading paragraphs for tantivy …")
    jsonl = work / "paragraphs.jsonl"
    extract = run_worker("extract", "--out", str(jsonl), *str_paths)
    log(f"[{name}] tantivy build …")
    tantivy = run_worker(
        "baseline",
        "tantivy",
        "--jsonl",
        str(jsonl),
        "--work",
        str(work),
        "--repeats",
        "0",
        "--queries",
        "[]",
        "--build",
    )
    load = (load_start, os.getloadavg()[0])
    lines = [
        f"## {title}: ingest",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; cores: {os.cpu_count()}; "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end",
        f"- {ingest['paragraphs']:,} paragraphs from {ingest['documents']:,} documents; "
        f"unsearch in {procs} process(es), {ingest['segments']} segment(s)",
        *ingest_comparison(ingest, extract, {"tantivy": tantivy}),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    return report


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ms(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else "–"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}×" if a and b else "–"


def format_report(
    title: str,
    ingest: dict,
    ours: dict,
    floor: dict,
    cold: list[dict],
    extract: dict | None,
    base: dict[str, dict],
    notes: list[str],
    command: str,
    repeats: int,
    cold_runs: int,
    load: tuple[float, float],
) -> str:
    """The Markdown tables of one benchmark run; ``load``: the 1-minute load average
    at the start and at the end of the run."""
    n = ingest["paragraphs"]
    lines = [
        f"## {title}",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; cores: {os.cpu_count()}; "
        f"Python {platform.python_version()}; {platform.machine()}; "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end "
        "(a load above the core count would mean that other processes shared the CPU)",
        f"- {n:,} paragraphs from {ingest['documents']:,} documents"
        + (f" ({ingest['duplicates']} duplicate sources skipped)" if ingest["duplicates"] else ""),
        f"- warm searcher: each query run once to warm up, then {repeats} times; "
        f"top {TOP_K}; unsearch times `Index.search` (ranking, re-ranking, highlighting)",
        "",
        "### Ingest",
        "",
        "| engine | seconds | paragraphs/s | paragraphs/s incl. reading | index MB | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
        f"| unsearch | {ingest['seconds']:.1f} | {n / ingest['seconds']:,.0f} | "
        f"{n / ingest['seconds']:,.0f} | {ingest['size_mb']:.1f} | {ingest['rss_mb']:.0f} |",
    ]
    for engine, result in base.items():
        secs = result.get("seconds")
        if not secs:
            continue
        with_read = secs + extract["read_s"] if extract else None
        lines.append(
            f"| {engine} | {secs:.1f} | {extract['paragraphs'] / secs:,.0f} | "
            f"{extract['paragraphs'] / with_read:,.0f} | {result['size_mb']:.1f} | "
            f"{result['rss_mb']:.0f} |"
        )
    if extract:
        lines += [
            "",
            f"Reading and segmenting the files alone (`read_document`): {extract['read_s']:.1f} s "
            f"({extract['paragraphs']:,} paragraphs). Baselines index the extracted paragraphs; "
            "“incl. reading” adds that time. unsearch's figure always includes it.",
        ]
        whoosh = base.get("whoosh", {}).get("seconds")
        if whoosh:
            ratio = (n / ingest["seconds"]) / (extract["paragraphs"] / (whoosh + extract["read_s"]))
            lines.append(
                f"Ingest speed vs stock Whoosh (both incl. reading): **{ratio:.2f}×** "
                "(target ≥ 2×)."
            )
    lines += ingest_comparison(ingest, extract, base)
    lines += ["", "### Warm queries (ms)", ""]
    head = "| class | query | hits | p50 | p95 | max |"
    rule = "|---|---|---:|---:|---:|---:|"
    for engine in base:
        head += f" {engine} p95 | ×{engine} |"
        rule += "---:|---:|"
    lines += [head, rule]
    all_samples = []
    for i, row in enumerate(ours["queries"]):
        if "error" in row:
            cells = f"| {row['cls']} | `{row['query']}` | ERROR: {row['error']} | | | |"
        else:
            all_samples += row["samples"]
            cells = (
                f"| {row['cls']} | `{row['query']}` | {row['hits']} | {_ms(row['p50'])} | "
                f"{_ms(row['p95'])} | {_ms(row['max'])} |"
            )
        for result in base.values():
            other = result["queries"][i]
            hits = f" ({other['hits']})" if "hits" in other else ""
            cells += (
                f" {_ms(other.get('p95'))}{hits} | {_ratio(row.get('p95'), other.get('p95'))} |"
            )
        lines.append(cells)
    if all_samples:
        overall = latency_stats(all_samples)
        lines += [
            "",
            f"All unsearch queries together: p50 {overall['p50']:.1f} ms, "
            f"p95 {overall['p95']:.1f} ms, max {overall['max']:.1f} ms "
            f"(index opened in {ours['open_s'] * 1000:.0f} ms).",
        ]
    lines += [
        "",
        "“hits”: hits returned (at most 10); a baseline's hits are in brackets. "
        "×engine: unsearch p95 / engine p95.",
    ]
    errors = [
        f"{engine} failed on `{r['query']}`: {r['error']}"
        for engine, result in base.items()
        for r in result["queries"]
        if "error" in r
    ]
    lines += [
        "",
        f"### Cold `unsearch QUERY` (fresh process, median of {cold_runs})",
        "",
        "| command | seconds | exit |",
        "|---|---:|---:|",
        f"| `unsearch --version` (start-up floor) | {floor['median_s']:.2f} | {floor['exit']} |",
    ]
    lines += [f"| `unsearch {c['query']}` | {c['median_s']:.2f} | {c['exit']} |" for c in cold]
    if notes or errors:
        lines += ["", "### Notes", ""] + [f"- {note}" for note in notes + errors]
    return "\n".join(lines) + "\n"


def write_results(name: str, report: str) -> None:
    """Put ``report`` into RESULTS.md in place of the previous section ``name``."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{report}{end}\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if not text:
        text = (
            "# Benchmark results\n\n"
            "Written by the scripts in this folder (see README.md); each section is "
            "replaced when its benchmark runs again.\n\n"
        )
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block
    RESULTS.write_text(text, encoding="utf-8")


def common_options(parser: argparse.ArgumentParser, repeats: int) -> None:
    """Options shared by the benchmark scripts."""
    parser.add_argument("--work", type=Path, help="work folder (default: benchmarks/work/NAME)")
    parser.add_argument("--repeats", type=int, default=repeats, help="timed runs per query")
    parser.add_argument("--cold-runs", type=int, default=5, help="runs of the cold CLI")
    parser.add_argument("--procs", type=int, default=1, help="ingest processes")
    parser.add_argument(
        "--baselines",
        default=",".join(ENGINES),
        help="comma-separated baselines to run (whoosh,fts5,tantivy) or 'none'",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the indexes of the previous run in the work folder (queries only)",
    )
    parser.add_argument(
        "--reuse-baselines",
        action="store_true",
        help="reuse the baseline indexes of the previous run, ingest unsearch afresh",
    )


def _worker_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="harness.py")
    sub = parser.add_subparsers(dest="phase", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("--index", required=True)
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("paths", nargs="+")
    p = sub.add_parser("query")
    p.add_argument("--index", required=True)
    p.add_argument("--repeats", type=int, required=True)
    p.add_argument("--queries", required=True)
    p = sub.add_parser("extract")
    p.add_argument("--out", required=True)
    p.add_argument("paths", nargs="+")
    p = sub.add_parser("baseline")
    p.add_argument("engine", choices=ENGINES)
    p.add_argument("--jsonl", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--repeats", type=int, required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--build", action="store_true")
    args = parser.parse_args(argv)
    if args.phase == "ingest":
        result = worker_ingest(args.paths, args.index, args.procs)
    elif args.phase == "query":
        result = worker_query(args.index, _queries_from(args.queries), args.repeats)
    elif args.phase == "extract":
        result = worker_extract(args.paths, args.out)
    else:
        result = worker_baseline(
            args.engine,
            args.jsonl,
            args.work,
            _queries_from(args.queries),
            args.repeats,
            args.build,
        )
    print(json.dumps(result))


if __name__ == "__main__":
    _worker_main(sys.argv[1:])


def resolutions_index(work: Path | None = None) -> Path:
    """An index of ``resolutions/{fr,en-md,en-txt}`` and ``udhr`` (what
    ``bench_resolutions.py`` ingests), built once under ``work`` and reused."""
    import search

    work = work or WORK / "similar-resolutions"
    index_dir = work / "index"
    if not (work / ".complete").exists():
        paths = [CORPUS / "resolutions" / sub for sub in ("fr", "en-md", "en-txt")]
        log(f"ingesting the resolutions into {index_dir} …")
        shutil.rmtree(index_dir, ignore_errors=True)
        report = search.ingest([*paths, CORPUS / "udhr"], index_dir)
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failures[:3]}")
        (work / ".complete").touch()
    return index_dir
