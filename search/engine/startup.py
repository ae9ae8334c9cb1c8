"""Whoosh, imported and opened without work a search does not need.

Imports.  ``whoosh.compat`` does ``from urllib.request import urlretrieve``
(urllib.request brings http.client, email, ssl…: about 60 ms of start-up) and
never calls it;
``whoosh.reading`` imports the ``cached_property`` package, which imports
``asyncio`` (about 30 ms) only to ask whether a cached function is a coroutine;
``whoosh.query.terms`` imports ``whoosh.lang.morph_en`` (5 ms of regular
expressions) for the ``Variations`` query, which unsearch does not use.

Importing this module, before anything else imports Whoosh, loads those
modules against small stand-ins, then takes the stand-ins out of ``sys.modules``:
any later ``import urllib.request``, ``import asyncio`` or ``import
whoosh.lang.morph_en`` gets the real module.  The stand-ins stay bound only
inside ``whoosh.compat``, ``cached_property`` and ``whoosh.query.terms``, and
behave as the real functions do:

* ``urlretrieve`` and ``variations`` import and call the real ones;
* ``iscoroutinefunction`` answers as asyncio's does (``inspect`` decides, unless
  asyncio is loaded after all, then asyncio does), and every other attribute is
  read from the real asyncio, imported on first use.

Nothing is replaced when the real module is already imported.

Segments.  Whoosh memory-maps a segment and wraps each file in it in a
``BytesIO``, a copy of the file: every process that opens the resolutions index
copied its 100 MB of terms, postings and stored fields (about 50 ms), though a
search reads a few pages of them.  Here the files are read through a view that
shares the map's memory (:class:`_MappedFile`).

The modules that import Whoosh (:mod:`search.analysis`, :mod:`search.query`,
:mod:`search.index`) import this one first.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager, suppress
from io import RawIOBase
from types import ModuleType


def _urlretrieve(*args, **kwargs):
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _iscoroutinefunction(func) -> bool:
    real = sys.modules.get("asyncio")
    if real is not None and real is not _asyncio:
        return real.iscoroutinefunction(func)
    import inspect

    # what asyncio checks besides this is a marker only asyncio itself can set
    return inspect.iscoroutinefunction(func)


def _asyncio_getattr(name: str):
    if name.startswith("__"):
        raise AttributeError(f"module 'asyncio' stand-in has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module("asyncio"), name)


def _variations(word):
    from whoosh.lang.morph_en import variations

    return variations(word)


def _stand_in(name: str, **attrs) -> ModuleType:
    module = ModuleType(name, "Stand-in: see search.engine.startup.")
    vars(module).update(attrs)
    return module


_urllib_request = _stand_in("urllib.request", urlretrieve=_urlretrieve)
_asyncio = _stand_in(
    "asyncio", iscoroutinefunction=_iscoroutinefunction, __getattr__=_asyncio_getattr
)
_morph_en = _stand_in("whoosh.lang.morph_en", variations=_variations)


@contextmanager
def _standing_in(*pairs: tuple[ModuleType, str]):
    """Put each stand-in in ``sys.modules`` unless its module, or the module that
    would import it (the string of its pair), is imported already; take them out
    again on leaving."""
    placed = [m for m, user in pairs if m.__name__ not in sys.modules and user not in sys.modules]
    for module in placed:
        sys.modules[module.__name__] = module
    try:
        yield
    finally:
        for module in placed:
            if sys.modules.get(module.__name__) is module:
                del sys.modules[module.__name__]
            parent, _, child = module.__name__.rpartition(".")
            if getattr(sys.modules.get(parent), child, None) is module:
                delattr(sys.modules[parent], child)


def _import_whoosh() -> None:
    with _standing_in((_urllib_request, "whoosh.compat"), (_asyncio, "cached_property")):
        import whoosh.compat

        with suppress(ImportError):  # a Whoosh that does without it
            import cached_property  # noqa: F401
    with _standing_in((_morph_en, "whoosh.query.terms")):
        import whoosh.query  # noqa: F401


_import_whoosh()

# isort: split
from whoosh.filedb import compound  # noqa: E402
from whoosh.filedb.structfile import BufferFile  # noqa: E402

#: How much :meth:`_MapView.peek` returns at most.
PEEK_BYTES = 8192


class _MapView(RawIOBase):
    """A read-only file over a buffer that shares the buffer's memory."""

    def __init__(self, buf) -> None:
        super().__init__()
        self._buf = memoryview(buf)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("read of closed file")
        pos = self._pos
        data = self._buf[pos:] if size is None or size < 0 else self._buf[pos : pos + size]
        self._pos = pos + len(data)
        return data.tobytes()

    def peek(self, size: int = 0) -> bytes:
        # pickle.load reads ahead through peek instead of calling read for each
        # opcode; a few KB hold most of Whoosh's pickles
        if self.closed:
            raise ValueError("peek of closed file")
        pos = self._pos
        return self._buf[pos : pos + min(max(size, 1), PEEK_BYTES)].tobytes()

    def readinto(self, b) -> int:
        data = self.read(len(memoryview(b).cast("B")))
        memoryview(b).cast("B")[: len(data)] = data
        return len(data)

    def seek(self, pos: int, whence: int = 0) -> int:
        if self.closed:
            raise ValueError("seek of closed file")
        if whence:
            pos += self._pos if whence == 1 else len(self._buf)
        if pos < 0:
            raise ValueError(f"negative seek value {pos}")
        self._pos = pos
        return pos

    def tell(self) -> int:
        if self.closed:
            raise ValueError("tell of closed file")
        return self._pos

    def close(self) -> None:
        super().close()
        self._buf = memoryview(b"")


class _MappedFile(BufferFile):
    """Whoosh's file over a part of a memory-mapped segment, read through a view
    that shares the map's memory.

    Whoosh's ``BufferFile`` wraps the part in a ``BytesIO``, which copies it: for
    the resolutions index, 100 MB copied (about 50 ms) and freed again by every
    process that opens the index, though searches read little of it.
    """

    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = view = _MapView(buf)
        # one call instead of two for what Whoosh reads most through the file
        self.read, self.seek, self.tell = view.read, view.seek, view.tell


compound.BufferFile = _MappedFile
