"""Import Whoosh without two standard-library packages it loads and never uses here.

``whoosh.compat`` does ``from urllib.request import urlretrieve`` (urllib.request
brings http.client, email, ssl…: about 60 ms of start-up) and never calls it;
``whoosh.reading`` imports the ``cached_property`` package, which imports
``asyncio`` (about 30 ms) only to ask whether a cached function is a coroutine.

Importing this module, before anything else imports Whoosh, loads those two
modules against small stand-ins, then takes the stand-ins out of ``sys.modules``:
any later ``import urllib.request`` or ``import asyncio`` gets the real package.
The stand-ins stay bound only inside ``whoosh.compat`` and ``cached_property``,
and behave as the real functions do:

* ``urlretrieve`` imports and calls the real one;
* ``iscoroutinefunction`` answers as asyncio's does (``inspect`` decides, unless
  asyncio is loaded after all, then asyncio does), and every other attribute is
  read from the real asyncio, imported on first use.

Nothing is replaced when the real module is already imported.  The modules that
import Whoosh (:mod:`search.analysis`, :mod:`search.query`, :mod:`search.index`)
import this one first.
"""

from __future__ import annotations

import sys
from contextlib import suppress
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


_urllib_request = ModuleType("urllib.request", "Stand-in: see search._whoosh.")
_urllib_request.urlretrieve = _urlretrieve
_asyncio = ModuleType("asyncio", "Stand-in: see search._whoosh.")
_asyncio.iscoroutinefunction = _iscoroutinefunction
_asyncio.__getattr__ = _asyncio_getattr


def _import_whoosh() -> None:
    stand_ins = {}
    if "whoosh.compat" not in sys.modules and "urllib.request" not in sys.modules:
        stand_ins["urllib.request"] = _urllib_request
    if "cached_property" not in sys.modules and "asyncio" not in sys.modules:
        stand_ins["asyncio"] = _asyncio
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401

        with suppress(ImportError):  # a Whoosh that does without it
            import cached_property  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        urllib = sys.modules.get("urllib")
        if getattr(urllib, "request", None) is _urllib_request:
            del urllib.request


_import_whoosh()
