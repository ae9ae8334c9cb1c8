"""Documents: read a source file of any supported format into a :class:`Document`.

This is the first step of the data flow (documents → paragraphs → index → hits).
Each format has a reader in :mod:`search.sources`; this module picks the reader,
decodes bytes, fills in what the reader could not tell (language, symbol from the
file name) and turns every failure into a :class:`~search.errors.DocumentError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DocumentError
from .paragraphs import Paragraph

#: File suffixes ingest reads, mapped to the reader module that handles them.
READERS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "plaintext",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}

#: When one document (symbol + language) comes from several files, the source whose
#: format ranks first wins: Markdown keeps footnotes and paragraphs explicit, HTML is
#: structured, the PDF has layout, raw PDF text has neither.
FORMAT_RANK = {"markdown": 0, "html": 1, "pdf": 2, "text": 3}

#: Languages with a dedicated analysis chain; the others get the neutral chain.
ANALYZED_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Document:
    """A UN document and its paragraphs, ready to index."""

    symbol: str
    lang: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    source: str
    format: str
    session: int | None = None
    adopted: str = ""
    distributed: str = ""
    meeting: str = ""
    agenda_item: str = ""
    committee: str = ""
    report: str = ""

    @property
    def key(self) -> str:
        """Identity in the index: one document per symbol and language."""
        return f"{self.symbol}|{self.lang}"

    @property
    def year(self) -> int | None:
        date = self.adopted or self.distributed
        return int(date[:4]) if date[:4].isdigit() else None


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every file ingest should read under ``paths`` (files or folders), sorted.

    A path that does not exist is yielded as is, so that reading it reports the error.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [
                p
                for p in path.rglob("*")
                if p.suffix.lower() in READERS and not p.name.startswith(".")
            ]
            yield from sorted(found)
        else:
            yield path


def decode_text(data: bytes, path: object = "") -> str:
    """Bytes of a text file as ``str``: UTF-8 (with or without BOM), else cp1252.

    >>> decode_text("coopération".encode("cp1252"))
    'coopération'
    >>> decode_text(b"\\xef\\xbb\\xbfSud-Sud")
    'Sud-Sud'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise DocumentError(path, "binary data, not text")
    return text


_FR_WORDS = frozenset(
    "le la les des du de et est une dans pour que qui sur au aux par avec "
    "ses ces cette son sont leur".split()
)
_EN_WORDS = frozenset(
    "the of and to in is that for on with as by are this be its at from which".split()
)
_ES_WORDS = frozenset("el los las del de y en que por con para una se su al".split())
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """Guess the language of ``text``: ``fr``, ``en``, ``es``, ``ru``, ``ar``, ``zh``,
    or ``und`` when nothing fits.

    >>> detect_language("L'Assemblée générale, rappelant sa résolution 57/263 et les")
    'fr'
    >>> detect_language("The General Assembly, recalling its resolution 57/263")
    'en'
    """
    sample = text[:20000]
    scripts = {"ru": 0, "ar": 0, "zh": 0, "latin": 0}
    for ch in sample:
        o = ord(ch)
        if 0x0400 <= o <= 0x04FF:
            scripts["ru"] += 1
        elif 0x0600 <= o <= 0x06FF:
            scripts["ar"] += 1
        elif 0x4E00 <= o <= 0x9FFF:
            scripts["zh"] += 1
        elif ch.isalpha() and o < 0x250:
            scripts["latin"] += 1
    best = max(scripts, key=scripts.__getitem__)
    if best != "latin" and scripts[best]:
        return best
    words = [w.lower() for w in _WORD.findall(sample)]
    counts = {
        "fr": sum(w in _FR_WORDS for w in words),
        "en": sum(w in _EN_WORDS for w in words),
        "es": sum(w in _ES_WORDS for w in words),
    }
    lang = max(counts, key=counts.__getitem__)
    return lang if counts[lang] >= 2 else "und"


def symbol_from_filename(path: Path) -> str:
    """A symbol for a file that states none: ``A_RES_80_7.md`` → ``A/RES/80/7``;
    any other name is used as it is, without its suffix.

    >>> symbol_from_filename(Path("corpus/A_RES_58_220.md"))
    'A/RES/58/220'
    >>> symbol_from_filename(Path("USA_78_2023.txt"))
    'USA_78_2023'
    """
    stem = path.stem
    if re.fullmatch(r"[ASE](?:_RES)?(?:_ES-\d+)?_\d+(?:_[0-9A-Z.]+)*", stem):
        return stem.replace("_", "/")
    return stem


def read_document(path: str | Path) -> Document:
    """Read one source file; raise :class:`DocumentError` naming it if that fails."""
    from importlib import import_module

    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(path, f"unsupported file type {path.suffix or '(none)'!r}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(path, "no such file") from None
    except IsADirectoryError:
        raise DocumentError(path, "is a folder, not a file") from None
    except PermissionError:
        raise DocumentError(path, "permission denied") from None
    except OSError as exc:
        raise DocumentError(path, exc.strerror or str(exc)) from None
    if not data.strip():
        raise DocumentError(path, "empty file")
    module = import_module(f".sources.{reader}", __package__)
    try:
        doc = module.read(path, data)
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError(path, "markup nested too deeply") from None
    except Exception as exc:  # a reader bug must not stop the other files
        raise DocumentError(path, f"cannot be read ({type(exc).__name__}: {exc})") from exc
    return finish(doc, path)


def finish(doc: Document, path: Path) -> Document:
    """Fill in the symbol, language and source a reader left empty; reject empty text."""
    if not doc.paragraphs:
        raise DocumentError(path, "no text found")
    changes: dict[str, object] = {}
    if not doc.symbol:
        changes["symbol"] = symbol_from_filename(path)
    if not doc.lang:
        changes["lang"] = detect_language("\n".join(p.text for p in doc.paragraphs))
    if not doc.source:
        changes["source"] = str(path)
    return replace(doc, **changes) if changes else doc
