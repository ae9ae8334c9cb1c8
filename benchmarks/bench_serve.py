"""Benchmark ``unsearch serve``: requests per second and latency with concurrent clients.

Serves the resolutions index (``resolutions/{fr,en-md,en-txt}`` + ``udhr``, as
``bench_resolutions.py`` builds it; built here when missing) with ``unsearch
serve`` on a loopback port, then sends each endpoint's requests from
``--clients`` threads, each on its own keep-alive connection, ``--requests``
requests a client.  Prints a Markdown table and writes it into
``benchmarks/RESULTS.md``.

    .venv/bin/python benchmarks/bench_serve.py [--clients 16] [--requests 50]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shlex
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench_resolutions import QUERIES
from harness import CORPUS, REPO, WORK, latency_stats, log, write_results

#: Documents the document endpoint is asked for (all in the resolutions index).
DOCUMENTS = [
    {"symbol": "A/RES/58/220"},
    {"symbol": "A/RES/58/220", "paragraph": "OP4"},
    {"symbol": "A/RES/80/7"},
    {"symbol": "A/RES/79/1", "paragraph": "OP2"},
    {"symbol": "A/RES/217A(III)", "lang": "fr"},
]


def build_index(index_dir: Path, procs: int) -> None:
    import search

    paths = [CORPUS / "resolutions" / sub for sub in ("fr", "en-md", "en-txt")]
    log(f"ingesting the resolutions into {index_dir} …")
    report = search.ingest([*paths, CORPUS / "udhr"], index_dir, procs=procs)
    log(f"  {report.paragraphs:,} paragraphs from {report.documents} documents")


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "search", "serve", "--port", "0", "--index", str(index_dir)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=REPO)
    line = proc.stderr.readline()
    if " on http://" not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}{proc.stderr.read()}")
    return proc, line.split(" on ", 1)[1].split()[0].rstrip("/")


def run_load(
    base: str, method: str, targets: list[tuple[str, bytes | None]], clients: int, per_client: int
) -> dict:
    """``clients`` threads, each sending ``per_client`` requests (cycling through
    ``targets``) on one keep-alive connection; latencies and the wall time."""
    url = urlsplit(base)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        mine, codes = [], {}
        barrier.wait()
        for i in range(per_client):
            path, body = targets[(n + i) % len(targets)]
            headers = {"Content-Type": "application/json"} if body is not None else {}
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes[response.status] = codes.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": wall,
        "rps": len(latencies) / wall,
        "statuses": statuses,
        **latency_stats(latencies),
    }


def has_endpoint(base: str, path: str) -> bool:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", "/api/v1/openapi.json")
    paths = json.loads(conn.getresponse().read())["paths"]
    conn.close()
    return path in paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="index to serve (default: the resolutions one)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=50, help="requests per client and endpoint")
    parser.add_argument(
        "--procs", type=int, default=2, help="ingest processes, if it must be built"
    )
    args = parser.parse_args(argv)
    index_dir = args.index or WORK / "resolutions" / "index"
    if not index_dir.is_dir():
        build_index(index_dir, args.procs)
    load_start = os.getloadavg()[0]
    proc, base = start_server(index_dir)
    try:
        search = [(f"/api/v1/search?{urlencode({'q': q.text})}", None) for q in QUERIES]
        docs = [(f"/api/v1/documents?{urlencode(d)}", None) for d in DOCUMENTS]
        scenarios = [("GET /api/v1/search", "GET", search), ("GET /api/v1/documents", "GET", docs)]
        if has_endpoint(base, "/api/v1/similar"):
            drafts = [q.text.replace('"', "") for q in QUERIES if "year" not in q.text]
            bodies = [
                json.dumps({"text": f"Calls upon States to strengthen {d}"}).encode()
                for d in drafts
            ]
            scenarios.append(
                ("POST /api/v1/similar", "POST", [("/api/v1/similar", b) for b in bodies])
            )
        page = [(f"/?{urlencode({'q': q.text})}", None) for q in QUERIES]
        scenarios.append(("GET / (results page)", "GET", page))
        rows = []
        for name, method, targets in scenarios:
            run_load(base, method, targets, 2, 2)  # warm-up
            log(f"{name}: {args.clients} clients × {args.requests} requests …")
            rows.append(
                (name, len(targets), run_load(base, method, targets, args.clients, args.requests))
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load_end = os.getloadavg()[0]
    command = "python benchmarks/bench_serve.py" + (
        " " + shlex.join(argv if argv is not None else sys.argv[1:])
        if (argv or sys.argv[1:])
        else ""
    )
    lines = [
        "## unsearch serve: concurrent clients",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; cores: {os.cpu_count()}; "
        f"Python {platform.python_version()}; load average {load_start:.1f} at the start, "
        f"{load_end:.1f} at the end (above the core count, other processes shared the CPU)",
        f"- index: `{index_dir.relative_to(REPO) if index_dir.is_relative_to(REPO) else index_dir}`; "
        f"one `unsearch serve` process (uvicorn, one worker); {args.clients} client threads in "
        f"another process, each on one keep-alive connection, {args.requests} requests each, "
        "cycling through the endpoint's requests (search: the queries of `bench_resolutions.py`)",
        "",
        "| endpoint | distinct requests | requests | requests/s | p50 ms | p95 ms | max ms | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, distinct, r in rows:
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(r["statuses"].items()))
        lines.append(
            f"| {name} | {distinct} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['max']:.1f} | {codes} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    write_results("serve", report)


if __name__ == "__main__":
    main()
