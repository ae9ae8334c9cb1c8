"""Paragraphs: the unit unsearch indexes, and the segmenter that finds them.

A reader (``search.sources.*``) turns one source file into a :class:`Cleaned`
text: logical blocks in reading order with page furniture removed, hard line
wraps joined, footnote bodies set apart and footnote calls kept as markers made
by :func:`fn_call`.  :func:`segment` then labels the blocks as UN negotiators
cite them.

Labels
------
``T``            the title ("58/220. Coopération économique ...")
``PP1``…         preambular paragraphs
``OP1``…         operative paragraphs, numbered as the source prints them;
                 ``OP9(a)``, ``OP9(a)(i)`` sub-paragraphs (``parent`` names the
                 chapeau, ``OP9``); ``OP11(1)`` the items of a numbered list that
                 restarts at 1 after a chapeau ending with ":" (an agenda).  After such
                 a chapeau, blocks ending like list items (";") whose letters the source
                 lost are lettered in order, ``OP7(a)``, ``OP7(b)``, and the items under
                 one of them ending with ":" are ``OP7(b)(i)``…; other unnumbered text
                 ("Monday, 9 June: … p.m.") is joined to the paragraph before.
``OP-P1``        an unnumbered block among operative paragraphs (a table, a note)
``II.PP1``       sections whose numbering restarts at 1 ("II. Activities of …")
                 prefix every paragraph label with the section number: ``I.OP1``,
                 ``II.PP1``, ``II.OP1``; parts A, B … likewise: ``A.PP1``, ``B.OP3``
``FN1``…         footnotes (``notes`` of a footnote lists the paragraphs calling it;
                 ``notes`` of a paragraph lists the footnotes it calls)
``AN5``          annex paragraph 5, ``AN5(a)`` its sub-paragraphs, ``AN-P3`` the
                 third unnumbered annex paragraph, ``AN-H1`` an annex heading; with
                 several annexes the annex number follows: ``AN2.5``, ``AN2-P3``;
                 under an annex heading "Article 5" or "Rule 8" the paragraphs are
                 ``AN-ART5(1)``, ``AN3-R8(2)`` (their numbering restarts each article)
``ART1``         UDHR articles, ``ART21(2)`` their numbered items
``P1``…          paragraphs of a text without UN structure (speeches, plain text)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .kinds import NAMES

FN_OPEN = "\ue000"
FN_CLOSE = "\ue001"

#: Paragraph kinds, also the values of the ``kind:`` query filter (see :mod:`search.kinds`).
KINDS = NAMES


def fn_call(number: str | int) -> str:
    """The marker a reader leaves in a block where footnote ``number`` is called."""
    return f"{FN_OPEN}{number}{FN_CLOSE}"


@dataclass(frozen=True)
class Paragraph:
    """One citable paragraph of a document."""

    label: str
    kind: str
    text: str
    order: int
    parent: str = ""
    notes: tuple[str, ...] = ()
    section: str = ""


@dataclass
class Cleaned:
    """A source after cleaning, before segmentation.

    ``blocks`` are logical paragraphs in reading order (a paragraph split by a page
    break may still come as two blocks: :func:`segment` joins them), with footnote
    calls as :func:`fn_call` markers.  ``footnotes`` maps a footnote number to its
    text.  ``meta`` holds what the source states outright (front matter), using the
    keys of :class:`search.documents.Document`.
    """

    blocks: list[str]
    footnotes: dict[str, str] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)


# --------------------------------------------------------------------------- segmenter

_MONTHS = {
    **dict.fromkeys(("janvier", "january"), 1),
    **dict.fromkeys(("février", "fevrier", "february"), 2),
    **dict.fromkeys(("mars", "march"), 3),
    **dict.fromkeys(("avril", "april"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "june"), 6),
    **dict.fromkeys(("juillet", "july"), 7),
    **dict.fromkeys(("août", "aout", "august"), 8),
    **dict.fromkeys(("septembre", "september"), 9),
    **dict.fromkeys(("octobre", "october"), 10),
    **dict.fromkeys(("novembre", "november"), 11),
    **dict.fromkeys(("décembre", "decembre", "december"), 12),
}
_DATE = r"(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\s*(\d{4})"
_DATE_RE = re.compile(_DATE, re.IGNORECASE)

_EN_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_EN_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
             "sixteenth", "seventeenth", "eighteenth", "nineteenth")  # fmt: skip
_EN_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_ORDINALS = {
    **{w: i + 1 for i, w in enumerate(_EN_UNITS)},
    **{w: i + 10 for i, w in enumerate(_EN_TEENS)},
    **{w: 20 + 10 * i for i, w in enumerate(_EN_TENS)},
    **{w[:-1] + "ieth": 20 + 10 * i for i, w in enumerate(_EN_TENS)},
    "hundredth": 100,
}
_FR_NUMBERS = {
    "un": 1, "unième": 1, "premier": 1, "première": 1, "deux": 2, "trois": 3,
    "quatre": 4, "cinq": 5, "cinqu": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "neuv": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "cent": 100,
}  # fmt: skip

_TITLE_RE = re.compile(
    r"^(?:A/RES/)?((?:ES-\d+/|S-\d+/)?\d{1,3}/\d{1,4}(?:\s?[A-Z](?![\w.]))?)\.\s+(\S.*)$"
)
_SYMBOL_LINE_RE = re.compile(r"(?m)^\s*(A/RES/(?:ES-\d+/|S-\d+/)?\d{1,3}/\d{1,4}(?:\s?[A-Z])?)\s*$")
_BODY_RE = re.compile(
    r"^(?:The|L['’]|Le|La)\s*(?:General Assembly|Assemblée générale|Security Council"
    r"|Conseil de sécurité|Economic and Social Council|Conseil économique et social"
    r"|Human Rights Council|Conseil des droits de l['’]homme)\s*(?:[,:;.]\s*|$)(.*)$",
    re.IGNORECASE,
)
_MEETING = (
    r"(\d{1,4})\s?(e|ème|er|re|st|nd|rd|th)\s+(\((?:resumed|reprise)\)\s+)?"
    r"(séance plénière|plenary meeting)(\s+\((?:resumed|reprise)\))?"
)
_CLOSING_RE = re.compile(rf"^{_MEETING}\s*(?:,?\s*{_DATE})?\s*\.?$", re.IGNORECASE)
_TRAILING_CLOSING_RE = re.compile(rf"\s+({_MEETING}\s*(?:,?\s*{_DATE})?)\s*\.?$", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
_SUB_RE = re.compile(r"^\(([a-z]{1,3})\)\s+(\S.*)$")
_ROMAN_HEADING_RE = re.compile(r"^([IVXL]+|[A-H])\.\s+(\S.*)$")
_ANNEX_RE = re.compile(
    r"^Annexe?(?:\s+([IVXL]+|\d{1,2})(?![\w.]))?\s*[.:]?(?:\s+(\S.*))?$", re.IGNORECASE
)
_PART_RE = re.compile(r"^([A-Z])\.?$")
_MARKER_RE = re.compile(f"{FN_OPEN}([^{FN_CLOSE}]*){FN_CLOSE}")
_SECTION_RE = re.compile(r"^([IVXL]+)\.\s+\S")
_ARTICLE_RE = re.compile(r"^(Article|Rule)\s+(\d{1,3})(?![\w.])", re.IGNORECASE)
_ACTION_RE = re.compile(r"^Action\s+\d{1,2}\.\s+\S")  # "Action 6. We will invest …"
_ITEM_ENDS = (";", "; and", "; or", ".")
_VERB_RE = re.compile(r"^(?:(?:Also|Further|Again|Once again|Strongly)\s+)?[A-Z][a-z]+s\b")
_NO_STOP_RE = re.compile(r"^(\d{1,3})\s+([A-Z]\S*\s.*)$")
# how preambular paragraphs open: "Recalling", "Having considered", "Deeply concerned"
_PREAMBULAR_RE = re.compile(
    r"^(?!During\b)[A-Z][a-z]+ing\b|^(?:Mindful|Aware|Conscious|Convinced|Concerned|Deeply)\b"
)
_ENDED = (";", ".", ":", ",", "?", "!")
# a line ending with one of these words does not end a heading: a page break cut it
_DANGLING_RE = re.compile(
    r"\b(?:the|of|and|or|to|in|on|for|with|by|a|an|at|from|de|la|le|les|des|du|et|à|en)$"
)


def _ordinal_value(words: str) -> int | None:
    """Value of an English or French ordinal number written in words.

    >>> _ordinal_value("Seventy-eighth"), _ordinal_value("Cinquante-huitième")
    (78, 58)
    >>> _ordinal_value("quatre-vingtième"), _ordinal_value("soixante et onzième")
    (80, 71)
    """
    parts = [p for p in re.split(r"[\s-]+", words.lower()) if p and p != "et"]
    if not parts:
        return None
    if all(p in _EN_ORDINALS for p in parts):
        return sum(_EN_ORDINALS[p] for p in parts)
    total: list[int] = []
    for part in parts:
        word = part[:-4] if part.endswith("ième") and part not in _FR_NUMBERS else part
        word = word.rstrip("s")
        value = _FR_NUMBERS.get(word) or _FR_NUMBERS.get(word + "e")
        if value is None:
            return None
        if value == 20 and total and total[-1] == 4:  # quatre-vingt
            total[-1] = 80
        else:
            total.append(value)
    return sum(total)


def _iso_date(match: re.Match[str]) -> str:
    day, month, year = match.group(1), match.group(2), match.group(3)
    return f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}"


def _meeting_name(m: re.Match[str]) -> str:
    """The meeting as printed in a closing line, ``(resumed)`` kept where it stands.

    >>> _meeting_name(_CLOSING_RE.match("50th (resumed) plenary meeting 22 December 2023"))
    '50th (resumed) plenary meeting'
    >>> _meeting_name(_CLOSING_RE.match("72e séance plénière (reprise)"))
    '72e séance plénière (reprise)'
    """
    number, suffix, words = m.group(1), m.group(2).lower(), m.group(4).lower()
    before = f"{_clean(m.group(3)).lower()} " if m.group(3) else ""
    after = f" {_clean(m.group(5)).lower()}" if m.group(5) else ""
    if words.startswith("séance"):
        suffix = "e"
    return f"{number}{suffix} {before}{words}{after}"


def _header_meta(header: str) -> dict[str, object]:
    """Metadata stated in the header of a resolution (everything above the body)."""
    meta: dict[str, object] = {}
    text = re.sub(r"[ \t]+", " ", header)
    flat = re.sub(r"\s+", " ", text)
    if m := _SYMBOL_LINE_RE.search(text):
        meta["symbol"] = re.sub(r"\s", "", m.group(1))
    if m := re.search(r"([\w-]+(?:\s+et\s+\w+)?)\s+session\b", flat, re.IGNORECASE):
        words = m.group(1)
        session = _ordinal_value(words)
        if session is None and " " not in words:
            before = flat[: m.start(1)].split()[-2:]
            for k in (2, 1):
                session = _ordinal_value(" ".join([*before[-k:], words]))
                if session:
                    break
        if session:
            meta["session"] = session
    if m := re.search(rf"Distr\.?\s*:?\s*\w+\s*:?\s*{_DATE}", flat, re.IGNORECASE):
        meta["distributed"] = _iso_date(
            _DATE_RE.search(m.group()) or m  # the date inside the match
        )
    if m := re.search(
        rf"(?:Résolution adoptée par l['’]Assemblée générale le|Resolution adopted by the "
        rf"General Assembly on)\s+{_DATE}",
        flat,
        re.IGNORECASE,
    ):
        meta["adopted"] = _iso_date(_DATE_RE.search(m.group()) or m)
    item = r"\d{1,3}(?:\s*\([a-z]{1,2}\)|,\s*[a-z]{1,2}\b,?)?"
    agenda = (
        rf"Agenda items?\s+({item}(?:(?:\s*,\s*|\s+and\s+){item})*)",
        rf"Points?\s+({item}(?:(?:\s*,\s*|\s+et\s+){item})*)\s*,?\s+de l['’]ordre du jour",
    )
    for pattern in agenda:
        if m := re.search(pattern, flat, re.IGNORECASE):
            meta["agenda_item"] = _agenda(m.group(1))
            if title := _agenda_title(flat[m.end() :]):
                meta["agenda_title"] = title
            break
    if m := re.search(
        r"\[\s*(?:on the reports? of the|sur les? rapports? d(?:e la|u|es))\s+(.+?)\s*"
        r"\(([^)]*)\)\s*\]",
        flat,
        re.IGNORECASE,
    ):
        meta["committee"] = m.group(1).strip()
        meta["report"] = _report(m.group(2))
    elif m := re.search(r"\[\s*(?:without reference to|sans renvoi à)[^(\]]*\(([^)]*)\)", flat):
        meta["committee"] = ""
        meta["report"] = _report(m.group(1))
    if re.search(r"Assemblée générale|séance plénière|ordre du jour", flat):
        meta["lang"] = "fr"
    elif re.search(r"General Assembly|plenary meeting|Agenda item", flat):
        meta["lang"] = "en"
    return meta


def _report(raw: str) -> str:
    """The document symbols in a report reference: ``A/80/534, para. 7`` → ``A/80/534``."""
    found = re.findall(r"[A-Z]{1,4}(?:/[\w.-]+)+", raw)
    return ", ".join(found) if found else raw.strip()


def _agenda(raw: str) -> str:
    """``97, b,`` → ``97 (b)``; ``99 (aa)`` and ``13 and 117`` stay."""
    text = re.sub(r"(\d+),\s*([a-z]{1,2})\b,?", r"\1 (\2)", raw.strip())
    text = re.sub(r"(\d+)\s*\(([a-z]{1,2})\)", r"\1 (\2)", text)
    return re.sub(r"\s+", " ", text).strip(" ,")


def _agenda_title(after: str) -> str:
    """The agenda item's title, printed after its number and before the line that
    says the resolution was adopted (the French masthead gives the number alone).

    >>> _agenda_title(" Operational activities for development: South-South "
    ...     "cooperation for development Resolution adopted by the General Assembly on …")
    'Operational activities for development: South-South cooperation for development'
    >>> _agenda_title(" Résolution adoptée par l'Assemblée générale [sur le rapport …]")
    ''
    """
    m = re.match(
        r"\s*(.*?)\s*(?:Resolution adopted by|Résolution adoptée par|\[|$)", after, re.IGNORECASE
    )
    title = m.group(1) if m else ""
    return title if len(title) <= 500 else ""


def _roman(token: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    if not token or any(c not in values for c in token):
        return None
    total = 0
    for i, c in enumerate(token):
        v = values[c]
        total += -v if i + 1 < len(token) and values[token[i + 1]] > v else v
    return total


def _clean(text: str) -> str:
    return " ".join(text.split())


def _strip_calls(text: str) -> tuple[str, list[str]]:
    """Text without footnote-call markers, and the footnotes it calls, in order."""
    calls = [m.group(1) for m in _MARKER_RE.finditer(text)]
    if calls:
        text = _MARKER_RE.sub(_call_gap, text)
    return _clean(text), list(dict.fromkeys(calls))


def _call_gap(m: re.Match[str]) -> str:
    """What replaces a footnote call: a space only if it was glued between two words."""
    before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
    return " " if before.isalnum() and after.isalnum() else ""


def _colon(text: str) -> bool:
    """Whether ``text`` ends with a colon: what follows it belongs to it."""
    return _MARKER_RE.sub("", text).rstrip(' ”’"»)').endswith(":")


def _ended(text: str) -> bool:
    text = _MARKER_RE.sub("", text).rstrip(' ”’"»)')
    return text.endswith(_ENDED)


@dataclass
class _Item:
    """A paragraph while the segmenter may still relabel, extend or drop it."""

    label: str
    kind: str
    text: str
    parent: str = ""
    section: str = ""
    #: a heading told only by its shape (short, unpunctuated): it may be the start of
    #: a paragraph a page break cut, and is joined to what follows if that goes on
    guessed: bool = False

    def relabel(self, old: str, new: str) -> None:
        """Give ``new`` the label or parent ``old`` and its sub-paragraphs had."""
        if self.label == old or self.label.startswith(f"{old}("):
            self.label = new + self.label[len(old) :]
        if self.parent == old or self.parent.startswith(f"{old}("):
            self.parent = new + self.parent[len(old) :]


class _Builder:
    """Accumulates labelled paragraphs; keeps labels unique."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.labels: set[str] = set()

    def add(self, label: str, kind: str, text: str, parent: str = "", section: str = "") -> None:
        base, n = label, 2
        while label in self.labels:
            label, n = f"{base}-{n}", n + 1
        self.labels.add(label)
        self.items.append(_Item(label, kind, text, parent, section))

    def pop(self) -> None:
        self.labels.discard(self.items.pop().label)

    @property
    def last(self) -> _Item | None:
        return self.items[-1] if self.items else None


@dataclass
class _Annex:
    """Where the segmenter stands in the annexes."""

    count: int = 0  #: annexes met so far
    prefix: str = "AN"  #: of the current annex's labels: ``AN2`` with several annexes
    section: str = ""  #: the ``section`` of its paragraphs: "annex II"
    article: str = ""  #: "ART5" under the heading "Article 5", "R8" under "Rule 8"
    number: int = 0  #: its last numbered paragraph
    unnumbered: int = 0  #: its unnumbered paragraphs so far
    headings: int = 0  #: its headings so far


class _Segmenter:
    """The state machine behind :func:`segment`."""

    def __init__(
        self, n_annexes: int, title_text: str, symbol: str, sectioned: bool = False
    ) -> None:
        self.out = _Builder()
        self.n_annexes = n_annexes
        self.running = {t.lower() for t in (title_text, symbol) if t}
        self.meeting: tuple[str, str] = ("", "")
        self.part = ""  # "A." inside part A of a resolution in parts
        self.section = ""  # "II." inside section II when sections restart numbering
        self.sectioned = sectioned
        self.zone = "pp"  # pp, op, annex
        self.pp = self.op = self.op_unnumbered = 0
        self.headings = 0
        self.base = ""  # numbered paragraph sub-paragraphs hang from
        self.letter = ""  # current lettered sub-paragraph label
        self.last_letter = ""
        self.last_roman = 0
        self.hang = False  # the last paragraph ends with ":": what follows belongs to it
        self.sublist = ""  # the paragraph a numbered list restarting at 1 hangs from
        self.sub_number = 0
        self.implicit = False  # the source lost letters of the current chapeau's list
        self.lost: int | None = None  # item that may be an OP whose number the source lost
        self.annex = _Annex()

    # ----------------------------------------------------------------- helpers
    @property
    def prefix(self) -> str:
        return self.part + self.section

    def _kind(self) -> str:
        return {"pp": "pp", "op": "op", "annex": "annex"}[self.zone]

    def _section(self) -> str:
        return self.annex.section if self.zone == "annex" else ""

    def _reset(self, text: str = "") -> None:
        """Forget the chapeau and sub-paragraph state after a new paragraph ``text``."""
        self.letter = self.last_letter = self.sublist = ""
        self.last_roman = 0
        self.hang = _colon(text)
        self.implicit = False

    def _heading(self, text: str) -> None:
        if self.zone == "annex":
            self.annex.headings += 1
            label = f"{self.prefix}{self.annex.prefix}-H{self.annex.headings}"
            if m := _ARTICLE_RE.match(text):
                unit = "ART" if m.group(1).lower() == "article" else "R"
                self.annex.article = unit + m.group(2)
                self.annex.number = 0
        else:
            self.headings += 1
            label = f"{self.part}H{self.headings}"
            if self.sectioned and (m := _SECTION_RE.match(text)):
                self.section = f"{m.group(1)}."
                self.zone, self.pp, self.op, self.op_unnumbered = "pp", 0, 0, 0
        self.out.add(label, "heading", text, section=self._section())
        self.base = ""
        self._reset()

    def _numbered_ok(self, n: int) -> bool:
        last = self.annex.number if self.zone == "annex" else self.op
        return last < n <= last + 5 or (n == 1 and last > 0)

    def _numbered(self, n: int, text: str) -> None:
        if self.zone == "annex":
            self.annex.number = n
            if self.annex.article:
                label = f"{self.prefix}{self.annex.prefix}-{self.annex.article}({n})"
            else:
                sep = "." if self.annex.prefix != "AN" else ""
                label = f"{self.prefix}{self.annex.prefix}{sep}{n}"
        else:
            if n == self.op + 2:
                self.number_lost()
            self.zone = "op"
            self.op = n
            label = f"{self.prefix}OP{n}"
        self.lost = None
        self.out.add(label, self._kind(), text, section=self._section())
        self.base = self.out.items[-1].label
        self._reset(text)

    def _nested(self, n: int, text: str) -> bool:
        """A numbered list inside a paragraph ("approves the following agenda: 1. Opening
        …"): it restarts at 1 after a colon, and its items are labelled ``OP11(1)``."""
        last = self.annex.number if self.zone == "annex" else self.op
        if self.sublist and n == self.sub_number + 1 and n != last + 1:
            parent = self.sublist
        elif n == 1 and last > 0 and self.hang and self.base:
            parent = self.base
        else:
            return False
        label = f"{parent}({n})"
        self.out.add(label, self._kind(), text, parent, self._section())
        self.base = label
        self._reset(text)
        self.sublist, self.sub_number, self.hang = parent, n, True
        return True

    def _unnumbered(self, text: str) -> None:
        if self.zone == "annex":
            self.annex.unnumbered += 1
            label = f"{self.prefix}{self.annex.prefix}-P{self.annex.unnumbered}"
            self.out.add(label, "annex", text, section=self._section())
        elif self.zone == "op" and not (
            _PREAMBULAR_RE.match(text)
            and self.out.last is not None
            and self.out.last.kind in ("heading", "pp")
        ):
            # text among operative paragraphs without a number of its own (a table, a
            # note): OP numbers stay those the source prints
            last = self.out.last.label if self.out.last else ""
            after_op = re.match(rf"{re.escape(self.prefix)}OP{self.op}(?!\d)", last)
            self.lost = len(self.out.items) if after_op and _VERB_RE.match(text) else None
            self.op_unnumbered += 1
            self.out.add(f"{self.prefix}OP-P{self.op_unnumbered}", "op", text)
        else:
            # a preambular paragraph, also one opening a section ("II. … Recalling …")
            self.pp += 1
            self.out.add(f"{self.prefix}PP{self.pp}", "pp", text)
        self.base = self.out.items[-1].label
        self._reset(text)

    def number_lost(self) -> None:
        """Number ``OP(n+1)`` the unnumbered paragraph ("Expresses …") between ``OPn``
        and ``OP(n+2)`` or after the last ``OPn``: the source lost its number."""
        if self.lost is None:
            return
        item = self.out.items[self.lost]
        old, new = item.label, f"{self.prefix}OP{self.op + 1}"
        self.out.labels.discard(old)
        self.out.labels.add(new)
        for it in self.out.items[self.lost :]:
            it.relabel(old, new)
        self.op += 1
        self.op_unnumbered -= 1
        self.lost = None

    def _sub(self, token: str, text: str) -> bool:
        if not self.base:
            return False
        text = text[len(token) + 2 :].strip()
        roman = _roman(token)
        as_roman = bool(
            roman
            and self.letter
            and (
                (roman == 1 and self.last_letter != "h")
                or (self.last_roman and roman == self.last_roman + 1)
            )
        )
        if as_roman:
            self.last_roman = roman or 0
            self.out.add(
                f"{self.letter}({token})", self._kind(), text, self.letter, self._section()
            )
        else:
            self.letter = f"{self.base}({token})"
            self.last_letter = token
            self.last_roman = 0
            self.out.add(self.letter, self._kind(), text, self.base, self._section())
        self.hang = self.hang or _colon(text)  # the chapeau's list goes on
        return True

    def _implicit_letter(self, text: str) -> str:
        """The letter of a sub-paragraph whose "(a)" the source lost: a block ending like
        a list item (";", or ":" for a chapeau of its own) right after its chapeau's
        colon.  Once the list lost a letter, also a block after an item ending with ";"
        (or cut short by a page break, without closing punctuation), and ``(i)`` for a
        block after an item ending with ":"."""
        last = self.out.last
        end = _MARKER_RE.sub("", text).rstrip(' ”’"')
        if last is None or not self.base or not text[:1].isupper():
            return ""
        if not (end.endswith((*_ITEM_ENDS, ":")) or (self.implicit and not _ended(text))):
            return ""
        prev = _MARKER_RE.sub("", last.text).rstrip(' ”’"')
        if last.label == self.base and not self.letter and prev.endswith(":"):
            return "a" if end.endswith((*_ITEM_ENDS[:-1], ":")) else ""
        if not (self.implicit and self.letter):
            return ""
        if last.label == self.letter and prev.endswith(":"):
            return "i" if self.last_letter != "h" and not end.endswith(":") else ""
        if (
            self.letter in (last.label, last.parent)
            and prev.endswith(_ITEM_ENDS[:-1])
            and len(self.last_letter) == 1
            and self.last_letter < "z"
        ):
            return chr(ord(self.last_letter) + 1)
        return ""

    def _join(self, text: str) -> bool:
        last = self.out.last
        if (
            last is not None
            and last.guessed
            and (text[:1].islower() or _DANGLING_RE.search(last.text))
        ):
            # what looked like a heading was a paragraph cut by a page break
            self.out.pop()
            if self.zone == "annex":
                self.annex.headings -= 1
            else:
                self.headings -= 1
            self._unnumbered(f"{last.text} {text}")
            return True
        if last is None or last.kind in ("title", "heading"):
            return False
        prev = last.text
        if self.zone == "op" and last.kind == "op" and _MARKER_RE.sub("", prev).endswith(","):
            # operative paragraphs end with ";", "." or ":": this one goes on
            last.text = f"{prev} {text}"
            return True
        lower = text[:1].islower()
        hanging = self.hang and self.zone == "op" and not _ROMAN_HEADING_RE.match(text)
        if not hanging and _ended(prev) and not (lower and not prev.rstrip().endswith((".", ";"))):
            return False
        last.text = f"{prev} {text}"
        return True

    def _annex(self, numeral: str | None, rest: str | None) -> None:
        self.number_lost()
        self.zone = "annex"
        self.section = self.annex.article = ""
        self.annex.count += 1
        if self.n_annexes > 1:
            number = _roman(numeral.lower()) if numeral and not numeral.isdigit() else None
            number = number or (int(numeral) if numeral and numeral.isdigit() else None)
            self.annex.prefix = f"AN{number or self.annex.count}"
        self.annex.section = f"annex {numeral}" if numeral else "annex"
        self.annex.unnumbered = self.annex.headings = self.annex.number = 0
        self.base = ""
        self._reset()
        if rest:
            self._heading(rest)

    # ----------------------------------------------------------------- main
    def feed(self, block: str) -> None:
        if block.lower() in self.running:
            return
        if m := _CLOSING_RE.match(block):
            self._closing(m)
            return
        # a closing line glued to the end of a block is short: look at the end only
        tail = max(0, len(block) - 200)
        if (m := _TRAILING_CLOSING_RE.search(block, tail)) and self.zone != "pp":
            self._closing(_CLOSING_RE.match(m.group(1)))  # type: ignore[arg-type]  # it matched in m
            block = block[: m.start()].rstrip()
        if (m := _ANNEX_RE.match(block)) and len(block) < 300 and not _ended(block):
            self._annex(m.group(1), m.group(2))
            return
        m = _NUMBERED_RE.match(block)
        if m is None and self.zone == "op":
            # "27 Affirms …": the next paragraph, its number's full stop lost
            m = _NO_STOP_RE.match(block)
            if m and int(m.group(1)) != self.op + 1:
                m = None
        if m:
            n = int(m.group(1))
            if self._nested(n, m.group(2)):
                return
            if self._numbered_ok(n):
                self._numbered(n, m.group(2))
                return
        if (m := _SUB_RE.match(block)) and self._sub(m.group(1), block):
            return
        if self.hang and self.zone == "op" and (token := self._implicit_letter(block)):
            self._sub(token, f"({token}) {block}")
            self.implicit = True
            return
        if _ACTION_RE.match(block) and self.zone == "op":
            self._heading(block)
            return
        if self._join(block):
            return
        heading_like = not _ended(block) and block[:1].isupper()
        roman = _ROMAN_HEADING_RE.match(block)
        if heading_like and (roman or (len(block) < 200 and self.zone != "pp")):
            self._heading(block)
            self.out.items[-1].guessed = not roman
            return
        self._unnumbered(block)

    def _closing(self, m: re.Match[str]) -> None:
        if not self.meeting[0]:
            date = _DATE_RE.search(m.group())
            self.meeting = (
                _meeting_name(m),
                _iso_date(date) if date else "",
            )

    def feed_glued(self, block: str) -> None:
        """Feed a block that may hold several paragraphs the source ran together: a
        heading and the paragraph after it ("II. Title 13. We ..."), or two numbered
        paragraphs ("... Pact for the Future. 9. We note ...")."""
        while True:
            own = _NUMBERED_RE.match(block)
            last = self.annex.number if self.zone == "annex" else self.op
            if own and self._numbered_ok(int(own.group(1))):
                expected = int(own.group(1)) + 1
            elif self.zone == "pp":
                break
            else:
                expected = last + 1
                heading = _glued(expected)[0].match(block)
                previous = self.out.last.text if self.out.last else "."
                if heading and not _SUB_RE.match(block) and _ended(previous):
                    self._heading(heading.group(1))
                    block = block[heading.end(1) :].strip()
                    continue
            inner = _glued(expected)[1].search(block)
            if not inner:
                break
            self.feed(block[: inner.start(1)])
            block = block[inner.end(1) :]
        self.feed(block)


@cache
def _glued(expected: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What runs paragraph ``expected`` together with the text before it: a heading
    (``expected`` or one of the two numbers after it may follow the heading), and
    the end of the paragraph before."""
    numbers = f"{expected}|{expected + 1}|{expected + 2}"
    heading = re.compile(rf"^(.{{3,150}}?[^.;:,])\s+({numbers})\.\s+(?=[A-Z“\"])")
    note = f"{FN_OPEN}[^{FN_CLOSE}]*{FN_CLOSE}"
    number = re.compile(rf"[.;:](?:{note})?(\s+){expected}\.\s+(?=[A-Z“\"])")
    return heading, number


def segment(cleaned: Cleaned) -> tuple[dict[str, object], list[Paragraph]]:
    """Label the blocks of a cleaned UN resolution and read its metadata.

    Returns ``(meta, paragraphs)``: ``meta`` uses the keys of
    :class:`search.documents.Document` (``cleaned.meta`` wins where it is set) and the
    paragraphs come in reading order, footnotes last.  Resolutions in parts A, B …
    restart their numbering, so their labels carry the part: ``A.PP1``, ``B.OP3``.

    >>> meta, paras = segment(Cleaned(
    ...     ["Eightieth session", "80/9. Title", "The General Assembly,",
    ...      "Recalling its resolution 79/1,", "1. Decides to act" + fn_call(1) + ";",
    ...      "(a) first;", "(b) second;", "2. Requests a report.",
    ...      "40th plenary meeting 14 November 2025"],
    ...     {"1": "See A/80/1."}))
    >>> [p.label for p in paras]
    ['T', 'PP1', 'OP1', 'OP1(a)', 'OP1(b)', 'OP2', 'FN1']
    >>> meta["symbol"], meta["session"], meta["adopted"], paras[2].text, paras[-1].notes
    ('A/RES/80/9', 80, '2025-11-14', 'Decides to act;', ('OP1',))
    """
    blocks = [b for b in (_clean(b) for b in cleaned.blocks) if _MARKER_RE.sub("", b).strip()]
    title_at = next((i for i, b in enumerate(blocks) if _TITLE_RE.match(b)), None)
    body_at = next(
        (
            i
            for i, b in enumerate(blocks)
            if _BODY_RE.match(b) and (title_at is None or i > title_at)
        ),
        None,
    )
    header_end = title_at if title_at is not None else body_at
    meta: dict[str, object] = {}
    if header_end is not None:
        meta.update(_header_meta("\n".join(cleaned.blocks[:0] or blocks[:header_end])))
    title_text = ""
    if title_at is not None:
        m = _TITLE_RE.match(_strip_calls(blocks[title_at])[0])
        assert m is not None
        number, title_text = re.sub(r"\s", "", m.group(1)), m.group(2)
        meta.setdefault("symbol", f"A/RES/{number}")
        meta["title"] = title_text
    if "session" not in meta and (m := re.search(r"/(\d{1,3})/", str(meta.get("symbol", "")))):
        meta["session"] = int(m.group(1))

    n_annexes = sum(
        1 for b in blocks if (m := _ANNEX_RE.match(b)) and len(b) < 300 and not _ended(b)
    )
    seg = _Segmenter(n_annexes, title_text, str(meta.get("symbol", "")), _sectioned(blocks))
    structured = title_at is not None or body_at is not None
    if not structured:
        for i, block in enumerate(blocks):
            seg.out.add(f"P{i + 1}", "text", block)
    else:
        start = header_end or 0
        if title_at is not None:
            seg.out.add("T", "title", blocks[title_at])
            start = title_at + 1
        _feed_body(seg, blocks[start:], title_at is not None)

    meeting, closing_date = seg.meeting
    if meeting:
        meta["meeting"] = meeting
        if closing_date and "adopted" not in meta:
            meta["adopted"] = closing_date
    for key, value in cleaned.meta.items():
        if value not in ("", None):
            meta[key] = value
    return meta, _finish(seg.out.items, cleaned.footnotes)


def _feed_body(seg: _Segmenter, blocks: list[str], has_title: bool) -> None:
    """Feed the blocks after the title, handling parts A, B … and the body line."""
    in_preface = has_title  # between a title and "The General Assembly,"
    for block in blocks:
        if (m := _PART_RE.match(block)) and seg.zone != "annex":
            seg.part, seg.section = f"{m.group(1)}.", ""
            seg.zone, seg.pp, seg.op, seg.op_unnumbered, seg.headings = "pp", 0, 0, 0, 0
            seg.base = ""
            seg._reset()
            in_preface = True
            continue
        if m := _BODY_RE.match(block):
            in_preface = False
            seg.zone = "pp" if seg.zone != "annex" else seg.zone
            if m.group(1):
                seg.feed_glued(m.group(1))
            continue
        if in_preface and _title_goes_on(block):
            last = seg.out.last
            if last is not None and last.label == f"{seg.part}T":
                last.text = f"{last.text} {block}"
            else:
                seg.out.add(f"{seg.part}T", "heading", block)
            continue
        in_preface = False  # no "The General Assembly," line: the body has begun
        seg.feed_glued(block)
    seg.number_lost()
    _single_operative(seg)


def _title_goes_on(block: str) -> bool:
    """Whether a block between the title and the body line still belongs to the title
    (or to the heading of a part): short, unpunctuated, not a paragraph's opening."""
    return not (
        _ended(block)
        or len(block) > 250
        or _NUMBERED_RE.match(block)
        or _SUB_RE.match(block)
        or _PREAMBULAR_RE.match(block)
    )


def _sectioned(blocks: list[str]) -> bool:
    """Whether paragraph numbering restarts at 1 after a roman-numbered section heading
    ("II. Activities of the Independent Audit Advisory Committee"), above any annex."""
    headings = 0
    waiting = False
    for block in blocks:
        if (m := _ANNEX_RE.match(block)) and len(block) < 300 and not _ended(block):
            break
        if _SECTION_RE.match(block) and not _ended(block):
            headings += 1
            waiting = True
        elif waiting and (m := _NUMBERED_RE.match(block)):
            if headings > 1 and m.group(1) == "1":
                return True
            waiting = False
    return False


def _single_operative(seg: _Segmenter) -> None:
    """A resolution (or one of its parts or sections) with one unnumbered operative
    paragraph ("Endorses …") has no OP numbers: its last preambular paragraph, ending
    with a full stop (or a semicolon, when it opens with a verb: "Approves …;"), is
    ``OP1``."""
    groups: dict[str, list[_Item]] = {}
    for it in seg.out.items:
        if it.kind in ("pp", "op"):
            prefix = re.match(r"(?:[A-Z]\.)?(?:[IVXL]+\.)?", it.label).group()  # type: ignore[union-attr]  # always matches
            groups.setdefault(prefix, []).append(it)
    for items in groups.values():
        if any(it.kind == "op" for it in items):
            continue
        last = items[-1]
        text = _MARKER_RE.sub("", last.text).rstrip(' ”’"')
        # in a resolution in sections, the section's one paragraph may end with ";"
        verb = _VERB_RE.match(text) and not _PREAMBULAR_RE.match(text)
        if text.endswith(".") or (verb and text.endswith(";")):
            last.kind = "op"
            last.label = re.sub(r"PP\d+$", "OP1", last.label)


def _finish(items: list[_Item], footnotes: dict[str, str]) -> list[Paragraph]:
    """Strip footnote calls, link paragraphs and footnotes, number the reading order."""
    callers: dict[str, list[str]] = {}
    paragraphs: list[Paragraph] = []
    for it in items:
        text, calls = _strip_calls(it.text)
        if not text:
            continue
        label = it.label
        for n in calls:
            callers.setdefault(n, []).append(label)
        paragraphs.append(
            Paragraph(
                label=label,
                kind=it.kind,
                text=text,
                order=len(paragraphs),
                parent=it.parent,
                notes=tuple(f"FN{n}" for n in calls if n in footnotes),
                section=it.section,
            )
        )
    for n in sorted(footnotes, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k)):
        text = _strip_calls(footnotes[n])[0]
        if text:
            paragraphs.append(
                Paragraph(
                    label=f"FN{n}",
                    kind="fn",
                    text=text,
                    order=len(paragraphs),
                    notes=tuple(dict.fromkeys(callers.get(n, []))),
                )
            )
    return paragraphs
