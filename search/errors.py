"""Exceptions raised by the library; the CLI turns them into one-line messages."""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every error unsearch raises on purpose."""

    hint: str = ""


class _FileError(SearchError):
    """An error about one file: ``path``, ``reason``, and a message naming both."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class DocumentError(_FileError):
    """A source file cannot be read as a UN document.

    The message names the file and the reason, e.g.
    ``corpus/x.pdf: no text layer: needs OCR``.
    """


class IndexNotFoundError(SearchError):
    """No index exists in the folder that was named."""

    hint = "build one with: unsearch ingest [PATH...]"


class IndexFormatError(SearchError):
    """The index was written in a format this version does not read (another
    format or analysis version, or by an earlier unsearch)."""

    hint = "delete the index folder and ingest again"


class IndexCorruptError(_FileError):
    """A file of the index is damaged or missing; the message names it."""

    hint = (
        "run 'unsearch check' to see what is damaged, then delete the index folder and ingest again"
    )


class IndexLockedError(SearchError):
    """Another process is writing to the index."""

    hint = "wait for the other ingest to finish, or pass --wait SECONDS"


class QueryError(SearchError):
    """A query cannot be understood.

    ``position`` is the offset in the query (from 0) of the part that is wrong,
    where one part is; unless the message quotes that part whole, it names the
    place as a character counted from 1: ``year:2024..2020: the range is reversed;
    write year:2020..2024 (character 13)``.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        super().__init__(message)


class UnknownValueError(QueryError):
    """An option or a filter names a value that does not exist (``--lang xx``,
    ``lang:xx``, ``kind:zz``); ``choices`` are the values it takes, and the message
    lists them.  ``option`` is the parameter it came from (``"lang"``), or empty
    when the value was written in the query itself."""

    def __init__(
        self,
        message: str,
        choices: tuple[str, ...],
        position: int | None = None,
        option: str = "",
    ) -> None:
        self.choices = choices
        self.option = option
        super().__init__(message, position)


class NotFoundError(SearchError):
    """A document or paragraph asked for by symbol is not in the index."""


class ServeError(SearchError):
    """The web server cannot listen on the address it was given."""

    hint = "choose another --port, or stop the program using it"
