"""Start-up: what a search imports, and the Whoosh import shim (search/engine/startup.py).

Each check runs in a fresh interpreter, since this test process has imported
everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


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
shimmed = [m for m in ("urllib.request", "asyncio", "whoosh.lang.morph_en") if m in sys.modules]
import urllib.request, asyncio
import whoosh.compat, whoosh.query.terms
from whoosh.lang import morph_en
print(json.dumps({
    "shimmed": shimmed,
    "urllib": urllib.request.__file__,
    "urlopen": callable(urllib.request.urlopen),
    "attr": sys.modules["urllib"].request is urllib.request,
    "asyncio": asyncio.__file__,
    "run": callable(asyncio.run),
    "urlretrieve": whoosh.compat.urlretrieve.__module__,
    "morph_en": morph_en.__file__,
    "variations": sorted(whoosh.query.terms.variations("cooperate"))[:2],
}))
"""
    )
    assert got["shimmed"] == []
    assert got["urllib"].endswith(os.path.join("urllib", "request.py"))
    assert got["urlopen"] and got["attr"]
    assert got["asyncio"].endswith(os.path.join("asyncio", "__init__.py"))
    assert got["run"]
    assert got["urlretrieve"] == "search.engine.startup"
    assert got["morph_en"].endswith(os.path.join("lang", "morph_en.py"))
    assert got["variations"] == ["cooperate", "cooperated"]


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


def test_segment_files_read_as_bytesio_reads_without_copying():
    import io
    import mmap
    import pickle
    import tempfile

    from search.engine.codec import PEEK_BYTES, _MappedFile, _MapView

    objs = [{"text": "x" * n, "n": n} for n in (0, 10, PEEK_BYTES, 3 * PEEK_BYTES)]
    data = b"head\nline two\n" + b"".join(pickle.dumps(o, -1) for o in objs)
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.flush()
        source = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        view, ref = _MapView(memoryview(source)), io.BytesIO(data)
        for file in (view, ref):
            file.readline()
        assert view.readline() == ref.readline()
        assert view.tell() == ref.tell()
        for _ in objs:
            assert pickle.load(view) == pickle.load(ref)
            assert view.tell() == ref.tell()
        assert view.read() == ref.read() == b""
        for offset, whence in ((3, 0), (2, 1), (-5, 2)):
            assert view.seek(offset, whence) == ref.seek(offset, whence)
            assert view.read(4) == ref.read(4)
        view.seek(0)
        assert view.peek(4)[:4] == b"head" and view.tell() == 0
        buf = bytearray(6)
        assert view.readinto(buf) == 6 and bytes(buf) == b"head\nl"

        mapped = _MappedFile(memoryview(source), name="segment")
        assert mapped.get(5, 8) == b"line two"
        mapped.seek(5)
        assert mapped.read(4) == b"line" and mapped.tell() == 9
        mapped.close()
        assert view.closed is False and mapped.file.closed
        view.close()
        assert view.closed


def test_a_search_imports_only_what_it_needs(sample_index):
    got = _run(
        """
import sys
from search.cli import main
try:
    main(["coopération triangulaire"], prog_name="unsearch")
except SystemExit as exc:
    code = exc.code
unwanted = ("json", "pdfminer", "bs4", "urllib.request", "asyncio",
            "http", "email", "ssl", "search.ingestion", "search.documents", "search.engine.writing",
            "search.sources", "search.paragraphs", "whoosh.lang.morph_en")
loaded = sorted(m for m in sys.modules if any(m == u or m.startswith(u + ".") for u in unwanted))
import json
print()
print(json.dumps({"code": code, "loaded": loaded}))
""",
        UNSEARCH_INDEX=str(sample_index),
    )
    assert got == {"code": 0, "loaded": []}


#: Every module of the package that imports Whoosh, directly or through another.
WHOOSH_USERS = [
    "search.analysis",
    "search.query",
    "search.hits",
    "search.index",
    "search.ingestion",
    "search.similar",
    "search.history",
    "search.citations",
    "search.checking",
    "search.engine.check",
    "search.engine.codec",
    "search.engine.matching",
    "search.engine.phrases",
    "search.engine.scoring",
    "search.engine.storage",
    "search.engine.store",
    "search.engine.writing",
]


@pytest.mark.parametrize("module", WHOOSH_USERS)
def test_whoosh_starts_without_its_extra_modules_whichever_module_comes_first(module):
    got = _run(
        f"""
import json, sys
import {module}
import whoosh.compat, whoosh.filedb.compound, whoosh.filedb.structfile
print(json.dumps({{
    "loaded": [m for m in ("urllib.request", "asyncio", "whoosh.lang.morph_en") if m in sys.modules],
    "urlretrieve": whoosh.compat.urlretrieve.__module__,
    "bufferfile": whoosh.filedb.compound.BufferFile is whoosh.filedb.structfile.BufferFile,
}}))
"""
    )
    assert got == {"loaded": [], "urlretrieve": "search.engine.startup", "bufferfile": True}


def test_the_posting_format_is_read_without_whoosh():
    got = _run(
        """
import json, sys
from search.engine.postings import Postings, encode_postings
p = Postings.from_bytes(encode_postings([3, 7], [1.0, 2.0], [b"a", b"bc"]))
print(json.dumps({
    "ids": p.ids.tolist(),
    "whoosh": sorted(m for m in sys.modules if m.split(".")[0] == "whoosh"),
}))
"""
    )
    assert got == {"ids": [3, 7], "whoosh": []}


def test_segment_files_are_read_through_the_memory_map(sample_index):
    got = _run(
        """
import json
import search
from search.engine.codec import _MappedFile
with search.open_index() as ix:
    reader = ix.searcher().reader().leaf_readers()[0][0]
    files = [reader._terms._postfile, reader._terms._tindex.dbfile]
    print(json.dumps({"mapped": [isinstance(f, _MappedFile) for f in files]}))
""",
        UNSEARCH_INDEX=str(sample_index),
    )
    assert got == {"mapped": [True, True]}
