"""Take the README's screenshot of the page: ``unsearch serve`` on the given index,
a query, and Chromium (Debian's, driven by Playwright) writing docs/screenshot.png.

    .venv/bin/python docs/screenshot.py [--index index] [--query "coopération triangulaire"]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="index")
    parser.add_argument("--query", default="coopération triangulaire")
    parser.add_argument("--lang", default="en", help="interface language")
    parser.add_argument("--out", type=Path, default=HERE / "screenshot.png")
    args = parser.parse_args()
    cmd = [sys.executable, "-m", "search", "serve", "--port", "0", "--index", args.index]
    server = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        if " on http://" not in line:
            raise SystemExit(f"the server did not start: {line}")
        base = line.split(" on ", 1)[1].split()[0]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 820}, locale=args.lang)
            page.goto(f"{base}?{urlencode({'q': args.query, 'ui': args.lang})}")
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(args.out)


if __name__ == "__main__":
    main()
