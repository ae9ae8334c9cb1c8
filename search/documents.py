"""Documents: read a source file of any supported format into a :class:`Document`.

This is the first step of the data flow (documents → paragraphs → index → hits).
Each format has a reader in :mod:`search.sources`; this module picks the reader,
decodes bytes, fills in what the reader could not tell (language, symbol from the
file name) and turns every failure into a :class:`~search.errors.DocumentError`.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import formats
from .errors import DocumentError
from .fields import Proceedings
from .languages import LANGUAGES, RIVAL_WORDS
from .paragraphs import Paragraph

#: File suffixes ingest reads, mapped to the reader module that handles them.
READERS = {suffix: fmt.reader for suffix, fmt in formats.BY_SUFFIX.items()}

#: Each format's rank: the source whose format ranks first wins (see :mod:`search.formats`).
FORMAT_RANK = {name: formats.rank(name) for name in formats.NAMES}


@dataclass(frozen=True)
class _DocumentHead:
    symbol: str
    lang: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    source: str
    format: str
    session: int | None = None
    adopted: str = ""


@dataclass(frozen=True)
class Document(Proceedings, _DocumentHead):
    """A UN document and its paragraphs, ready to index: the fields of its head, then
    its :class:`~search.fields.Proceedings`."""

    @property
    def key(self) -> str:
        """Identity in the index: one document per symbol and language."""
        return f"{self.symbol}|{self.lang}"

    @property
    def year(self) -> int | None:
        date = self.adopted or self.distributed
        return int(date[:4]) if date[:4].isdigit() else None


def iter_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every file ingest should read under ``paths`` (files or folders), each once.

    Folders are searched recursively and give their files in sorted order; hidden
    files and everything under a hidden folder are skipped.  A path that does not
    exist is yielded as is, so that reading it reports the error.
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        found = sorted(_files_under(path)) if path.is_dir() else [path]
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file


def _files_under(folder: Path) -> Iterator[Path]:
    """Readable-looking files under ``folder``, not descending into hidden folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and formats.of_path(name) is not None:
                yield Path(root, name)


_NOT_TEXT = re.compile(r"[\x01-\x08\x0e-\x1f\x7f\ufffd]")


def decode_text(data: bytes, path: object = "") -> str:
    """Bytes of a text file as ``str``, with ``\\n`` line ends.

    UTF-8 (with or without BOM) or UTF-16 with a BOM; cp1252 (a superset of
    latin-1) when the bytes are not UTF-8.  A UTF-8 file spoiled by a few stray
    bytes stays UTF-8.  Binary data raises :class:`DocumentError`.

    >>> decode_text("coopération".encode("cp1252"))
    'coopération'
    >>> decode_text(b"\\xef\\xbb\\xbfSud-Sud\\r\\n")
    'Sud-Sud\\n'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = _decode_8bit(data)
    text = text.removeprefix("\ufeff")
    sample = text[:65536]
    if "\x00" in sample or len(_NOT_TEXT.findall(sample)) > len(sample) / 20:
        raise DocumentError(path, "binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf8 = data.decode("utf-8", errors="replace")
    bad = utf8.count("\ufffd")
    good = sum(ch > "\x7f" for ch in utf8) - bad
    # cp1252 accents are lone high bytes, never valid UTF-8 sequences: many valid
    # sequences and a few bad bytes mean damaged UTF-8, not cp1252.
    if good > 2 * bad:
        return utf8
    return data.decode("cp1252", errors="replace")


# Frequent short words of each Latin-script language, with rivals that count as "und".
_LATIN = [la for la in LANGUAGES.values() if la.script is None]
_WORDS_OF = {**{la.code: la.words for la in _LATIN if la.words}, **RIVAL_WORDS}
_DETECTED = tuple(la.code for la in _LATIN if la.words)

_SCRIPTS = {
    **{la.code: la.script for la in LANGUAGES.values() if la.script is not None},
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
}
_LETTER = re.compile(r"[^\W\d_]")
_SCRIPT_NAMES = (*_SCRIPTS, "letter")
_SCRIPT_PATTERNS = (*_SCRIPTS.values(), _LETTER)
#: Which of :data:`_SCRIPT_PATTERNS` each character seen so far matches (0 or 1 each).
_CHAR_SCRIPTS: dict[int, tuple[int, ...]] = {}
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
#: Each byte of UTF-8 text as :func:`_lower_words` splits it: an ASCII letter lower-cased,
#: any other ASCII character a space, the bytes of other characters as they are.
_ASCII_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or c >= 128 else 32 for c in range(256)
)


def _script_counts(sample: str) -> tuple[dict[str, int], list[str]]:
    """Letters of each script in ``sample`` ("other": letters of any other script),
    and the characters of ``sample`` beyond ASCII that are not letters.

    Counted per distinct character: each is matched against the scripts' patterns
    once, then its count in ``sample`` is added to theirs.
    """
    if sample.isascii():
        raw = sample.encode("ascii")
        return {"latin": len(raw) - len(raw.translate(None, _ASCII_LETTERS))}, []
    codes = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(codes.max()) < 0x10000:
        counts = np.bincount(codes)
        chars = np.flatnonzero(counts)
        counts = counts[chars]
    else:
        chars, counts = np.unique(codes, return_counts=True)
    codes = chars.tolist()
    table = [_CHAR_SCRIPTS.get(c) or _char_scripts(c) for c in codes]
    totals = np.asarray(counts, dtype=np.int64) @ np.array(table, dtype=np.int64)
    got = dict(zip(_SCRIPT_NAMES, totals.tolist(), strict=True))
    letters = got.pop("letter")
    got["other"] = letters - sum(got.values())
    others = [chr(c) for c, row in zip(codes, table, strict=True) if c > 127 and not row[-1]]
    return got, others


def _char_scripts(code: int) -> tuple[int, ...]:
    ch = chr(code)
    got = _CHAR_SCRIPTS[code] = tuple(int(p.match(ch) is not None) for p in _SCRIPT_PATTERNS)
    return got


def _lower_words(sample: str, others: Iterable[str]) -> list[str]:
    """The words of ``sample`` lower-cased: the runs of letters (``[^\\W\\d_]+``), each
    ``str.lower``-ed.  ``others``: its characters beyond ASCII that
    are not letters (see :func:`_script_counts`).  Split by bytes and
    ``str.split`` rather than found by the pattern: four times faster."""
    for ch in others:
        sample = sample.replace(ch, " ")
    spaced = sample.encode("utf-8").translate(_ASCII_WORD_BYTES).decode("utf-8")
    return (spaced if spaced.isascii() else spaced.lower()).split()


def detect_language(text: str) -> str:
    """Guess the language of ``text``: ``fr``, ``en``, ``es``, ``ru``, ``ar``, ``zh``,
    or ``und`` when nothing fits or the text is in another language.

    >>> detect_language("L'Assemblée générale, rappelant sa résolution 57/263 et les")
    'fr'
    >>> detect_language("The General Assembly, recalling its resolution 57/263")
    'en'
    >>> detect_language("La Asamblea General, recordando su resolución 57/263")
    'es'
    >>> detect_language("Все Члены Организации Объединенных Наций разрешают свои споры")
    'ru'
    >>> detect_language("Усі члени Організації Об'єднаних Націй")
    'und'
    >>> detect_language("نحن شعوب الأمم المتحدة"), detect_language("联合国之宗旨为")
    ('ar', 'zh')
    >>> detect_language("xq zzv plokt wrrm 12/4")
    'und'
    """
    sample = text[:20000]
    scripts, others = _script_counts(sample)
    best = max(scripts, key=scripts.__getitem__)
    if not scripts[best]:
        return "und"
    if best == "other" or (best == "zh" and _has_kana(sample)):
        return "und"
    if best != "latin":
        return best if _is_own_script_language(best, sample, others) else "und"
    words = Counter(_lower_words(sample, others))
    counts = {
        lang: sum(map(words.__getitem__, known & words.keys())) for lang, known in _WORDS_OF.items()
    }
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    first, second = counts[ranked[0]], counts[ranked[1]]
    # Shared words ("de", "que", "la") score for several languages: the winner must
    # lead clearly, and function words must make up a real share of the text.
    if first < 2 or first * 10 < words.total() or first < 1.3 * second:
        return "und"
    return ranked[0] if ranked[0] in _DETECTED else "und"


def _is_own_script_language(lang: str, sample: str, others: Iterable[str]) -> bool:
    """Whether a text in the script of ``lang`` is in ``lang`` itself, not in another
    language written in that script."""
    language = LANGUAGES[lang]
    if language.others is None:
        return True
    letters = len(_SCRIPTS[lang].findall(sample))
    if len(language.others.findall(sample)) * 200 > letters:
        return False
    words = _lower_words(sample, others)
    if len(words) < 30:
        return True  # too short to count function words: the script decides
    known = sum(w in language.words for w in words)
    return known * 25 >= len(words)


def _has_kana(text: str) -> bool:
    """Whether ``text`` has Japanese kana, so that its Han characters are not Chinese."""
    return any("\u3040" <= ch <= "\u30ff" for ch in text)


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


def read_document(path: str | os.PathLike[str]) -> Document:
    """Read one source file; raise :class:`DocumentError` naming it if that fails."""
    from importlib import import_module

    path = Path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise DocumentError(path, "is a folder, not a file")
        if not stat.S_ISREG(mode):  # a FIFO or a device would block or never end
            raise DocumentError(path, "not a regular file")
        fmt = formats.of_path(path)
        if fmt is None:
            raise DocumentError(path, f"unsupported file type {path.suffix or '(none)'!r}")
        data = path.read_bytes()
    except OSError as exc:
        raise _os_error(path, exc) from None
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise DocumentError(path, "empty file")
    module = import_module(f".sources.{fmt.reader}", __package__)
    try:
        doc = module.read(path, data)
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError(path, "markup nested too deeply") from None
    except Exception as exc:  # a reader bug must not stop the other files
        detail = " ".join(str(exc).split())
        raise DocumentError(path, f"cannot be read ({type(exc).__name__}: {detail})") from exc
    return finish(doc, path)


def _os_error(path: Path, exc: OSError) -> DocumentError:
    """The :class:`DocumentError` for a file the system cannot open or read."""
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return DocumentError(path, "no such file")
    if isinstance(exc, PermissionError):
        return DocumentError(path, "permission denied")
    if isinstance(exc, IsADirectoryError):
        return DocumentError(path, "is a folder, not a file")
    return DocumentError(path, (exc.strerror or type(exc).__name__).lower())


def normalize_lang(code: str) -> str:
    """An ISO 639-1 code for a language tag (``fr-FR``, ``fra``, ``zh-Hans``), else ``""``.

    >>> normalize_lang("fr-FR"), normalize_lang("arb"), normalize_lang("zh_Hans")
    ('fr', 'ar', 'zh')
    """
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if len(primary) == 2 and primary.isalpha():
        return primary
    return _ISO_639_3.get(primary, "")


_ISO_639_3 = {
    "fra": "fr", "fre": "fr", "eng": "en", "spa": "es", "rus": "ru",
    "ara": "ar", "arb": "ar", "zho": "zh", "chi": "zh", "cmn": "zh",
}  # fmt: skip


def finish(doc: Document, path: Path) -> Document:
    """Fill in the symbol, language and source a reader left empty; reject empty text."""
    if not any(p.text.strip() for p in doc.paragraphs):
        raise DocumentError(path, "no text found")
    symbol = doc.symbol or symbol_from_filename(path)
    lang = normalize_lang(doc.lang) if doc.lang != "und" else "und"
    if not lang:
        lang = detect_language("\n".join(p.text for p in doc.paragraphs))
    source = doc.source or str(path)
    if (symbol, lang, source) == (doc.symbol, doc.lang, doc.source):
        return doc
    return replace(doc, symbol=symbol, lang=lang, source=source)
