"""Start-up: what a search imports, and the Whoosh import shim (search/_whoosh.py).

Each check runs in a fresh interpreter, since this test process has imported
everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _run(code: str, **env: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_later_imports_get_the_real_modules():
    got = _run(
        """
import json, sys
import search.index
shimmed = [m for m in ("urllib.request", "asyncio") if m in sys.modules]
import urllib.request, asyncio
import whoosh.compat
print(json.dumps({
    "shimmed": shimmed,
    "urllib": urllib.request.__file__,
    "urlopen": callable(urllib.request.urlopen),
    "attr": sys.modules["urllib"].request is urllib.request,
    "asyncio": asyncio.__file__,
    "run": callable(asyncio.run),
    "urlretrieve": whoosh.compat.urlretrieve.__module__,
}))
"""
    )
    assert got["shimmed"] == []
    assert got["urllib"].endswith(os.path.join("urllib", "request.py"))
    assert got["urlopen"] and got["attr"]
    assert got["asyncio"].endswith(os.path.join("asyncio", "__init__.py"))
    assert got["run"]
    assert got["urlretrieve"] == "search._whoosh"


def test_cached_property_still_tells_coroutines_apart():
    got = _run(
        """
import json, sys
import search.index
import cached_property

class C:
    @cached_property.cached_property
    def plain(self):
        return 42

    @cached_property.cached_property
    async def coro(self):
        return 43

c = C()
plain = c.plain, c.plain
is_coro = cached_property.asyncio.iscoroutinefunction(C.__dict__["coro"].func)
loaded = "asyncio" in sys.modules
import asyncio

async def main():
    return await c.coro

print(json.dumps({"plain": plain, "is_coro": is_coro, "loaded": loaded, "coro": asyncio.run(main())}))
"""
    )
    assert got == {"plain": [42, 42], "is_coro": True, "loaded": False, "coro": 43}


def test_real_modules_already_imported_are_left_alone():
    got = _run(
        """
import json, urllib.request, asyncio
import search.index, whoosh.compat, cached_property
print(json.dumps({
    "urlretrieve": whoosh.compat.urlretrieve is urllib.request.urlretrieve,
    "asyncio": cached_property.asyncio is asyncio,
}))
"""
    )
    assert got == {"urlretrieve": True, "asyncio": True}


def test_whoosh_works_after_the_shim(sample_index):
    got = _run(
        """
import json
import search
with search.open_index() as ix:
    hits = ix.search("coopération triangulaire")
print(json.dumps({"hits": len(hits), "first": hits[0].symbol}))
""",
        UNSEARCH_INDEX=str(sample_index),
    )
    assert got["hits"] > 0
    assert got["first"] == "A/RES/58/220"
