"""UN document symbols: recognise them in text and queries, and normalise them.

A symbol is written in many ways: ``A/RES/58/220``, ``58/220`` ("resolution
58/220"), ``S/RES/2728 (2024)``, ``A/58/413``.  :func:`normalize` gives the one
spelling the index stores, so that any of them finds the document and the
paragraphs that cite it.
"""

from __future__ import annotations

import re

# A full symbol: series letters, then slash-separated parts (A/58/L.7, A/RES/58/220,
# S/RES/2728 (2024), E/CN.6/2024/3, A/RES/ES-10/21).
_FULL = (
    r"[A-Z]{1,4}(?:/(?:[A-Z]{1,6}(?:\.\d+)?|ES-\d+|\d+(?:/Add\.\d+|/Rev\.\d+)?|[A-Z]\.\d+))+"
    r"(?:\s?\(\d{4}\))?"
)
# A General Assembly resolution number as resolutions cite each other: 57/263, 1145 (XII).
_SHORT = (
    r"\d{1,3}/\d{1,4}(?:\s?[A-Z](?![\w/]))?"
    r"|\d{1,4}\s?(?:[A-Z]\s)?\((?:[IVXL]+|S-[IVXL]+|ES-[IVXL]+)\)"
)

# Each pattern starts with a lookahead for its first character: Python's engine then
# skips to where a match can begin instead of trying the lookbehind everywhere.
FULL_RE = re.compile(rf"(?=[A-Z])(?<![\w/])(?:{_FULL})(?![\w/])")
SHORT_RE = re.compile(rf"(?=\d)(?<![\w/.])(?:{_SHORT})(?![\w/])")
_RESOLUTION_WORD = re.compile(r"(?i)\b(?:r[ée]solutions?|resolutions?)\b")
# Security Council resolutions are cited with their year: "resolution 2250 (2015)".
_COUNCIL_RE = re.compile(r"(?=\d)(?<![\w/.])(\d{1,4}) ?\(((?:19|20)\d\d)\)")
_QUERY_RE = re.compile(rf"^\s*(?:{_FULL}|{_SHORT})\s*$")

#: Documents known by a name rather than a symbol: their id (what ``show`` and
#: ``symbol:`` accept) and their title in each official language, which their
#: citations begin with ("Charter of the United Nations, Article 2, para. 4").
INSTRUMENTS = {
    "CHARTER": {
        "ar": "ميثاق الأمم المتحدة",
        "en": "Charter of the United Nations",
        "es": "Carta de las Naciones Unidas",
        "fr": "Charte des Nations Unies",
        "ru": "Устав Организации Объединенных Наций",
        "zh": "联合国宪章",
    },
}


def normalize(symbol: str) -> str:
    """The canonical spelling of a symbol.

    >>> normalize("58/220")
    'A/RES/58/220'
    >>> normalize("a/res/58/220")
    'A/RES/58/220'
    >>> normalize("S/RES/2728 (2024)")
    'S/RES/2728(2024)'
    >>> normalize("1145 (XII)")
    'A/RES/1145(XII)'
    >>> normalize("217 A (III)")
    'A/RES/217A(III)'
    """
    s = re.sub(r"\s+", "", symbol.strip()).upper()
    if re.fullmatch(r"\d{1,3}/\d{1,4}[A-Z]?", s) or re.fullmatch(r"\d{1,4}[A-Z]?\([A-Z-]+\)", s):
        s = "A/RES/" + s
    return s


def looks_like_symbol(query: str) -> bool:
    """Whether a whole query is a symbol and nothing else.

    >>> looks_like_symbol("A/RES/58/220"), looks_like_symbol("58/220")
    (True, True)
    >>> looks_like_symbol("a/res/58/220"), looks_like_symbol("and/or")
    (True, False)
    >>> looks_like_symbol("coopération 58/220")
    False
    """
    return bool(_QUERY_RE.match(query.upper())) and any(c.isdigit() for c in query)


def cited(text: str) -> list[str]:
    """Normalised symbols cited in ``text``, in order of first appearance.

    Bare numbers like ``57/263`` count only as GA resolutions when they look like
    one; full symbols (``A/58/413``) always count.

    >>> cited("dans sa résolution 57/263 du 20 décembre 2002 (voir A/58/413, annexe)")
    ['A/RES/57/263', 'A/58/413']
    >>> cited("Security Council resolutions 1325 (2000) and 2250 (2015)")
    ['S/RES/1325(2000)', 'S/RES/2250(2015)']
    """
    found: dict[str, int] = {}
    slash, bracket = "/" in text, "(" in text
    if not (slash or bracket):  # every symbol has one or the other: most paragraphs
        return []
    for m in FULL_RE.finditer(text) if slash else ():
        found.setdefault(normalize(m.group()), m.start())
    for m in SHORT_RE.finditer(text):
        # "57/263" is a resolution number; a date-like "2/3" in a table is not.
        before = text[max(0, m.start() - 40) : m.start()]
        if "/" in m.group() or _RESOLUTION_WORD.search(before):
            found.setdefault(normalize(m.group()), m.start())
    for m in _COUNCIL_RE.finditer(text) if bracket else ():
        if _RESOLUTION_WORD.search(text[max(0, m.start() - 80) : m.start()]):
            found.setdefault(f"S/RES/{m.group(1)}({m.group(2)})", m.start())
    return sorted(found, key=found.__getitem__)


def occurrences(text: str, symbol: str) -> list[tuple[int, int]]:
    """Character spans in ``text`` where the (normalised) ``symbol`` is cited.

    >>> occurrences("voir la résolution 57/263 et A/RES/57/263", "A/RES/57/263")
    [(19, 25), (29, 41)]
    >>> occurrences("Council resolution 2250 (2015)", "S/RES/2250(2015)")
    [(19, 30)]
    """
    found = [
        (m.start(), m.end())
        for pattern in (FULL_RE, SHORT_RE)
        for m in pattern.finditer(text)
        if normalize(m.group()) == symbol
    ]
    found += [
        (m.start(), m.end())
        for m in _COUNCIL_RE.finditer(text)
        if f"S/RES/{m.group(1)}({m.group(2)})" == symbol
    ]
    return sorted(found)
