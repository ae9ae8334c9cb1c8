"""The engine: the only code of unsearch that knows Whoosh's internals.

Importing any module of this package first runs :mod:`search.engine.startup`,
which imports Whoosh without the work a search does not need.
"""

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)
