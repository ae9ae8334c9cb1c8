"""Whoosh, imported without work a search does not need.

``whoosh.compat`` does ``from urllib.request import urlretrieve`` (which brings
http.client, email, ssl…) and never calls it; ``whoosh.reading`` imports the
``cached_property`` package, which imports ``asyncio`` only to ask whether a
cached function is a coroutine; ``whoosh.query.terms`` imports
``whoosh.lang.morph_en`` for the ``Variations`` query, which unsearch does not
use.  Together they were most of a search's start-up (see benchmarks/RESULTS.md).

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

Nothing is replaced when the real module is already imported, and nothing of
Whoosh is changed but which module those three names come from.

Every module of unsearch that imports Whoosh imports this one first (the
engine's modules, and :mod:`search.analysis` for its filters), so whichever of
them a program imports first, Whoosh is imported here.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager, suppress
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
