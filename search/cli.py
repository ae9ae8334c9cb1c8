"""The ``unsearch`` command: a thin click layer over the library.

Each command parses its options, calls one public function of :mod:`search`, and
formats the result.  Library errors become one-line messages (exit 1); usage
errors exit 2.  The library is imported lazily so that ``--help`` is instant.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click

from . import kinds, languages, symbols
from .errors import UnknownValueError

SNIPPET_CHARS = 320


class DefaultGroup(click.Group):
    """A group whose first argument, when it names no command, is a query (the
    ``query`` command), and whose commands take their options before their name
    too: ``unsearch --index DIR show A/RES/58/220`` is ``unsearch show A/RES/58/220
    --index DIR``.  A command name is never read as query words."""

    default_command = "query"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        values = self._option_values()
        lead, i = [], 0
        while i < len(args) and args[i].startswith("-") and args[i] != "--":
            if args[i] in ("-h", "--help", "--version"):
                return super().parse_args(ctx, [args[i]])
            name, attached = args[i].partition("=")[0], "=" in args[i]
            if name not in values and name[:2] in values and not name.startswith("--"):
                name, attached = name[:2], True  # -n5
            if name not in values:
                break  # not an option of any command: the query command says so
            n = 2 if values[name] and not attached else 1
            lead += args[i : i + n]
            i += n
        rest = args[i:]
        if rest and rest[0] in self.commands:
            args = [rest[0], *lead, *rest[1:]]
        elif args:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def _option_values(self) -> dict[str, bool]:
        """Every option of every command, and whether it takes a value."""
        return {
            name: not (p.is_flag or p.count)
            for command in self.commands.values()
            for p in command.params
            if isinstance(p, click.Option)
            for name in (*p.opts, *p.secondary_opts)
        }


def _fail(exc: Exception) -> click.ClickException:
    """The one-line error (exit 1) for a library error; a usage error (exit 2) for
    an unknown value of an option or of a query's filter."""
    if isinstance(exc, UnknownValueError):
        ctx = click.get_current_context(silent=True)
        if exc.option:
            return click.BadParameter(str(exc), ctx=ctx, param_hint=f"'--{exc.option}'")
        return click.UsageError(str(exc), ctx=ctx)
    hint = getattr(exc, "hint", "")
    return click.ClickException(f"{exc}{f' ({hint})' if hint else ''}")


def _index_option(f):
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False),
        envvar="UNSEARCH_INDEX",
        default="index",
        show_default=True,
        help="Index folder (or set UNSEARCH_INDEX).",
    )(f)


def _number_option(
    name: str, default: float, type: click.ParamType, help: str | None = None, short: str = ""
):
    """An option taking a number in a range, its default shown in ``--help``."""
    names = (short, name) if short else (name,)
    return click.option(*names, default=default, show_default=True, type=type, help=help)


def _parse_also(ctx, param, value) -> tuple[str, ...]:
    """``--also en,fr`` (or repeated): language codes, checked."""
    codes = tuple(
        dict.fromkeys(c.strip().lower() for v in value for c in v.split(",") if c.strip())
    )
    unknown = [c for c in codes if c not in languages.LANGUAGES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: use {languages.codes()}")
    return codes


def _also_option(f):
    return click.option(
        "--also",
        multiple=True,
        callback=_parse_also,
        metavar="LANG[,LANG…]",
        help="Show each paragraph's twins in these languages too (e.g. en,fr).",
    )(f)


def _echo_twins(item, indent: str = "  ", width: int | None = SNIPPET_CHARS) -> None:
    """A paragraph's twins, under it, each labelled by its language."""
    for lang, twin in item.parallel.items():
        if twin.missing:
            click.echo(f"{indent}[{lang}] {twin.missing}")
            continue
        click.echo(indent + click.style(f"[{lang}] {twin.paragraph}  ({twin.citation})", dim=True))
        text = twin.text if width is None else _shorten(twin.text, width)
        click.echo(f"{indent}     {text}")


def _dump_json(items) -> None:
    import dataclasses
    import json

    data = [dataclasses.asdict(i) for i in items]
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unsearch", prog_name="unsearch")
def main() -> None:
    """Search United Nations documents paragraph by paragraph.

    \b
    unsearch "coopération triangulaire"       search (the default command)
    unsearch query ingest                     search for a word that names a command
    unsearch ingest ../shared/corpus/resolutions   build or update the index
    unsearch show A/RES/58/220 OP4            read a paragraph in its document
    unsearch serve                            the web page and JSON API on 127.0.0.1:8000
    unsearch check                            verify the index, file by file

    A command's options go before or after its name: `unsearch --index DIR show
    A/RES/58/220` and `unsearch show A/RES/58/220 --index DIR` are the same.
    Run `unsearch query --help` for the query syntax.
    """


_QUERY_HELP = f"""Search the index (the default command: `unsearch WORDS` is
    `unsearch query WORDS`).

    \b
    Syntax (operators in capitals only):
      coopération triangulaire     all words must match
      "Nations Unies"  "…"~2       exact phrase, optional slop
      sud OR nord   sud OU nord    either;  AND / ET: both (default)
      NOT nord  SAUF nord  -nord   without (alone: every paragraph but those)
      NOT 58/220  -A/RES/58/220    without that document
      (a OR b) coopér*             grouping, prefix
      symbol:58/220 session:58 session:..79 year:2003 year:2020..2024 year:2020..
      lang:fr cites:57/263 kind:{kinds.choices("|")}
      58/220  A/RES/58/220         that document, or the paragraphs citing it

    A query starting with - follows --: unsearch -- -A/RES/58/220
    """


@main.command(help=_QUERY_HELP)
@click.argument("words", nargs=-1, required=True)
@_number_option("--limit", 10, click.IntRange(min=1), short="-n")
@click.option("--lang", help=f"Only documents in this language ({languages.codes()}).")
@click.option(
    "--context", default=0, type=click.IntRange(min=0), help="Neighbouring paragraphs to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print hits as a JSON array.")
@_number_option(
    "--timeout",
    10.0,
    click.FloatRange(min=0, min_open=True),
    "Seconds before a search returns the best hits found so far.",
)
@_also_option
@_index_option
def query(words, limit, lang, context, as_json, timeout, also, index_dir) -> None:
    from . import SearchError, open_index

    text = " ".join(words)
    try:
        with open_index(index_dir) as ix:
            hits = ix.search(
                text, limit=limit, lang=lang, context=context, timeout=timeout, also=also
            )
    except SearchError as exc:
        raise _fail(exc) from None
    if hits.partial:
        click.echo(f"warning: search stopped after {timeout:g} s; hits are partial", err=True)
    if as_json:
        _dump_json(hits)
        return
    if not hits:
        click.echo(f"no hits for {text!r}", err=True)
        return
    for i, hit in enumerate(hits):
        if i:
            click.echo()
        _echo_hit(hit)


# Styles are always applied: click.echo strips them unless stdout is a terminal.
def _echo_hit(hit) -> None:
    click.echo(click.style(f"{hit.symbol}  {hit.paragraph}  ({hit.citation})", bold=True))
    if hit.chapeau:
        click.echo("  " + _shorten(hit.chapeau, 160))
    for p in (c for c in hit.context if c.order < hit.order):
        click.echo(f"  {p.paragraph}: {_shorten(p.text, 200)}")
    click.echo("  " + snippet(hit.text, hit.matches))
    for p in (c for c in hit.context if c.order > hit.order):
        click.echo(f"  {p.paragraph}: {_shorten(p.text, 200)}")
    _echo_twins(hit)


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def snippet(text: str, matches, width: int = SNIPPET_CHARS) -> str:
    """The part of ``text`` (at most ``width`` characters) holding the most matches,
    matched words styled."""
    start, end = 0, len(text)
    if len(text) > width:
        lead = width // 4
        best = max(
            (m[0] for m in matches),
            key=lambda a: sum(a - lead <= x and y <= a - lead + width for x, y in matches),
            default=0,
        )
        start = max(0, best - lead)
        if start:
            start = text.find(" ", start, best) + 1 or start
        end = min(len(text), start + width)
        if end < len(text) and " " in text[start:end]:
            end = text.rfind(" ", start, end)
    out = []
    pos = start
    for a, b in matches:
        if a < start or b > end:
            continue
        out.append(text[pos:a])
        out.append(click.style(text[a:b], fg="yellow", bold=True))
        pos = b
    out.append(text[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_index_option
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone.")
@click.option(
    "--wait",
    default=0.0,
    type=click.FloatRange(min=0),
    help="Seconds to wait for another ingest to finish.",
)
@click.option(
    "--procs",
    type=click.IntRange(min=1),
    help="Processes that read and index files (default: one per CPU core for a large ingest).",
)
def ingest(paths, index_dir, prune, wait, procs) -> None:
    """Read UN documents (.md .txt .html .pdf, files or folders; default: corpus/)
    and index their paragraphs."""
    from contextlib import ExitStack

    from . import IndexLockedError, SearchError, iter_sources
    from . import ingest as run_ingest

    files = list(iter_sources(paths or ["corpus"]))
    if not files:
        raise click.ClickException(
            f"no documents found in {', '.join(paths or ['corpus/'])} "
            "(expected .md, .txt, .html or .pdf files)"
        )
    with ExitStack() as stack:
        bar = None

        def advance(path) -> None:
            # the bar starts once the index is locked: a locked index prints only the error
            nonlocal bar
            if bar is None:
                bar = stack.enter_context(
                    click.progressbar(
                        length=len(files),
                        label="ingesting",
                        file=sys.stderr,
                        show_pos=True,
                        item_show_func=_short,
                    )
                )
            bar.update(1, path)

        def committing() -> None:
            # a large ingest merges its segments now: say so rather than sit at 100%
            stack.close()
            click.echo("writing the index …", err=True)

        options = dict(prune=prune, progress=advance, procs=procs, committing=committing)
        try:
            try:
                report = run_ingest(files, index_dir, **options)
            except IndexLockedError:
                if not wait:
                    raise
                click.echo(
                    f"{index_dir}/ is locked by another ingest: waiting up to {wait:g} s", err=True
                )
                report = run_ingest(files, index_dir, wait=wait, **options)
        except SearchError as exc:
            raise _fail(exc) from None
    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    summary = f"indexed {report.paragraphs} paragraphs from {report.documents} documents"
    extras = []
    if report.unchanged:
        extras.append(f"{report.unchanged} files unchanged")
    if report.duplicates:
        extras.append(f"{report.duplicates} duplicate sources skipped")
    if report.removed:
        extras.append(f"{report.removed} documents removed")
    if report.failures:
        extras.append(f"{len(report.failures)} files failed")
    click.echo(summary + "".join(f"; {e}" for e in extras))
    if report.failures:
        sys.exit(1)


def _short(path) -> str:
    return path.name if path is not None else ""


@main.command()
@click.argument("symbol")
@click.argument("paragraph", required=False)
@click.option("--lang", help=f"Language version ({languages.codes()}).")
@_number_option("--context", 1, click.IntRange(min=0))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: a paragraph and its neighbours as an array; a document as an object "
    "with its paragraphs, cites and cited_by.",
)
@_also_option
@_index_option
def show(symbol, paragraph, lang, context, as_json, also, index_dir) -> None:
    """Print a whole document with what it cites and what cites it, or one
    PARAGRAPH (OP4, PP2, FN1, 4…) with its neighbours."""
    import dataclasses
    import json

    from . import SearchError, open_index

    try:
        with open_index(index_dir) as ix:
            if paragraph:
                hit = ix.paragraph(symbol, paragraph, lang=lang, context=context, also=also)
                items = [*[c for c in hit.context if c.order < hit.order], hit]
                items += [c for c in hit.context if c.order > hit.order]
            else:
                items = ix.document(symbol, lang=lang, also=also)
                cited = ix.citations(symbol, lang=lang)
    except SearchError as exc:
        raise _fail(exc) from None
    if as_json and paragraph:
        _dump_json(items)
        return
    if as_json:
        data = {
            "symbol": items[0].symbol,
            "paragraphs": [dataclasses.asdict(p) for p in items],
            "cites": [dataclasses.asdict(g) for g in cited.cites],
            "cited_by": [dataclasses.asdict(g) for g in cited.cited_by],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    first = items[0]
    click.echo(click.style(f"{first.symbol} ({first.lang})  {first.title}", bold=True))
    for p in items:
        label = f"{p.paragraph:>7}"
        if paragraph and p.paragraph != hit.paragraph:
            label = click.style(label, dim=True)
        click.echo(f"{label}  {p.text}")
        if p.parallel:
            _echo_twins(p, indent=" " * 9, width=None)
    if not paragraph:
        _echo_citations("Cites", cited.cites)
        _echo_citations("Cited by", cited.cited_by)


def _echo_citations(heading: str, groups) -> None:
    if not groups:
        return
    click.echo()
    click.echo(click.style(f"{heading} ({len(groups)} documents)", bold=True))
    for g in groups:
        where = ", ".join(g.paragraphs)
        title = f"  {_shorten(g.title, 60)}" if g.title else ""
        click.echo(f"  {g.symbol:<16} {g.count:>3} × {where}{title}")


@main.command()
@click.argument("words", nargs=-1)
@click.option(
    "--file",
    "draft_file",
    type=click.Path(dir_okay=False),
    help="A draft (.docx .md .txt .html .pdf): results for each of its paragraphs.",
)
@_number_option("--limit", 10, click.IntRange(min=1), short="-n")
@click.option("--lang", help="Only documents in this language (fr, en, …).")
@click.option("--filter", "filters", help='Query filters, e.g. "session:1..79 kind:op".')
@_number_option(
    "--min-similarity",
    0.0,
    click.FloatRange(0, 1),
    "Leave out paragraphs sharing less of the draft's words (0 to 1).",
)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@_also_option
@_index_option
def similar(
    words, draft_file, limit, lang, filters, min_similarity, as_json, also, index_dir
) -> None:
    """Adopted paragraphs closest to a draft (TEXT, - for standard input, or --file),
    with a word diff from the draft to each.

    Similarity is the share of the draft's and the paragraph's word sequences that
    they have in common, in order (1.0: the same words)."""
    from . import SearchError, open_index

    if bool(words) == bool(draft_file):
        raise click.UsageError("give the draft as TEXT, as - (standard input) or with --file")
    text = " ".join(words)
    if text == "-":
        text = sys.stdin.read()
    options = dict(limit=limit, lang=lang, filter=filters, min_similarity=min_similarity, also=also)
    try:
        with open_index(index_dir) as ix:
            if draft_file:
                results = ix.similar_draft(draft_file, **options)
            else:
                hits = ix.similar(text, **options)
    except SearchError as exc:
        raise _fail(exc) from None
    if as_json:
        _dump_json(results if draft_file else hits)
        return
    style = _diff_style()
    if not draft_file:
        if not hits:
            click.echo("no similar paragraphs", err=True)
        _echo_similar(hits, style, indent="")
        return
    for i, result in enumerate(results):
        if i:
            click.echo()
        head = f"¶{result.position} {result.label}: {_shorten(result.text, 100)}"
        click.echo(click.style(head, bold=True))
        if not result.hits:
            click.echo("  no similar paragraphs")
        _echo_similar(result.hits, style, indent="  ")


def _diff_style() -> Callable[[str, str], str] | None:
    """Colour for removed and added words on a terminal; None in a pipe, for
    ``[-removed-]{+added+}``."""
    ctx = click.get_current_context()
    if click.utils.should_strip_ansi(sys.stdout, ctx.color):
        return None
    colours = {
        "-": functools.partial(click.style, fg="red", strikethrough=True),
        "+": functools.partial(click.style, fg="green", bold=True),
    }
    return lambda op, text: colours[op](text)


def _echo_similar(hits, style, indent: str) -> None:
    from .wording import word_diff

    for hit in hits:
        head = f"{hit.symbol}  {hit.paragraph}  ({hit.citation})  similarity {hit.similarity:.2f}"
        click.echo(indent + click.style(head, bold=True))
        click.echo(f"{indent}  {word_diff(hit.diff, style)}")
        _echo_twins(hit, indent=indent + "  ")


@main.command()
@click.argument("symbol")
@click.argument("paragraph", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the series as a JSON array.")
@_index_option
def history(symbol, paragraph, as_json, index_dir) -> None:
    """A resolution's series across sessions, with the paragraphs unchanged, amended,
    new and dropped against each predecessor; or one PARAGRAPH's versions."""
    from . import SearchError, open_index
    from .wording import word_diff

    try:
        with open_index(index_dir) as ix:
            items = ix.history(symbol, paragraph)
    except SearchError as exc:
        raise _fail(exc) from None
    if as_json:
        _dump_json(items)
        return
    if paragraph is None:
        # the series under the title of the resolution asked for; another title under
        # its resolution, with what ties it to the series
        from .history import title_key

        wanted = symbols.normalize(symbol)
        title = next((e.title for e in items if symbols.normalize(e.symbol) == wanted), "")
        title = title or items[0].title
        click.echo(click.style(title, bold=True))
        for e in items:
            click.echo(
                f"{e.symbol:<14} {e.date:<10}  {e.paragraphs:>3} paragraphs: {e.unchanged} unchanged,"
                f" {e.amended} amended, {e.new} new, {e.dropped} dropped"
            )
            if title_key(e.title) != title_key(title):
                click.echo(f"  {e.title}" + (f"  ({e.joined})" if e.joined else ""))
        return
    style = _diff_style()
    for i, v in enumerate(items):
        if i:
            click.echo()
        similarity = f" {v.similarity:.2f}" if v.status == "amended" else ""
        head = f"{v.symbol}  {v.paragraph}  ({v.citation})  {v.status}{similarity}"
        click.echo(click.style(head, bold=True))
        click.echo("  " + (v.text if v.status == "new" else word_diff(v.diff, style)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as a JSON object.")
@_index_option
def check(as_json, index_dir) -> None:
    """Verify every file of the index and decode all of it; exit 1 if anything is damaged."""
    import dataclasses
    import json

    from . import SearchError, check_index

    try:
        report = check_index(index_dir)
    except SearchError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
        if not report.ok:
            sys.exit(1)
        return
    for d in report.damaged:
        click.echo(f"{d.file}: {d.problem}")
    if not report.ok:
        n = len(report.damaged)
        raise click.ClickException(
            f"{index_dir}/ is damaged: {n} problem{'s' if n > 1 else ''}"
            " (delete the index folder and ingest again)"
        )
    click.echo(
        f"{index_dir}/: ok (commit {report.generation}: {report.files} files, "
        f"{report.segments} segment{'s' if report.segments != 1 else ''}, {report.documents} paragraphs, "
        f"{report.terms} terms, {report.postings} postings)"
    )


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default answers this machine only; "
    "--host 0.0.0.0 serves every network the machine is on.",
)
@_number_option("--port", 8000, click.IntRange(0, 65535), "Port to listen on (0: any free port).")
@_index_option
def serve(host, port, index_dir) -> None:
    """Serve the web page and the JSON API (/api/v1/) until Ctrl-C."""
    from . import SearchError
    from .web import serve as run_server

    def ready(url: str) -> None:
        click.echo(f"serving {index_dir}/ on {url} (Ctrl-C to stop)", err=True)

    try:
        run_server(index_dir, host=host, port=port, ready=ready)
    except SearchError as exc:
        raise _fail(exc) from None


if __name__ == "__main__":  # pragma: no cover
    main()
