"""``unsearch serve``: the web page and the JSON API over one index.

>>> from search.web import create_app
>>> app = create_app("index/")        # doctest: +SKIP

:func:`serve` runs the app with uvicorn until interrupted.
"""

from __future__ import annotations

from .app import create_app
from .server import listen, serve

__all__ = ["create_app", "listen", "serve"]
