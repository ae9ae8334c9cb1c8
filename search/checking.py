"""Checking an index: every file's checksum, every posting list and stored field.

>>> report = check_index("index/")          # doctest: +SKIP
>>> report.ok, [d.file for d in report.damaged]  # doctest: +SKIP
(False, ['index/MAIN_yuaz8meetwsoqf42.seg'])
"""

from __future__ import annotations

import os
from pathlib import Path

from .engine.check import CheckReport, Damage, check
from .index import default_index_dir, make_schema

__all__ = ["CheckReport", "Damage", "check_index"]


def check_index(index_dir: str | os.PathLike[str] | None = None) -> CheckReport:
    """Read the whole index and report every damaged or missing file (see
    :mod:`search.engine.check`); raise :class:`~search.errors.IndexNotFoundError`
    where there is no index and :class:`~search.errors.IndexFormatError` for an
    index this version does not read."""
    path = Path(index_dir) if index_dir is not None else default_index_dir()
    return check(path, make_schema)
