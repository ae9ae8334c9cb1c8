"""The web application: the JSON API under ``/api/v1/`` and the HTML pages.

The app holds one open :class:`~search.index.Index` for all requests.  Whoosh
readers are not safe to share between threads while they read, so the index is
used under a lock (a search takes milliseconds); it refreshes itself when an
ingest commits, so a running server answers from the newest commit.  The app
never writes to the index.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import kinds
from ..citations import CitationGroup, Citations
from ..drafts import DRAFT_SUFFIXES
from ..errors import DocumentError, NotFoundError, QueryError, SearchError
from ..history import ParagraphVersion, SeriesEntry
from ..hits import Hit, Passage
from ..index import Index, open_index
from ..languages import LANGUAGES
from ..similar import DraftParagraphHits, SimilarHit
from .i18n import LANGUAGE_NAMES, MESSAGES, UI_LANGUAGES, negotiate
from .series import GEOMETRY, series_grid

API_VERSION = "1"
#: Longest query accepted (characters); longer ones are answered 413.
MAX_QUERY = 2_000
#: Longest pasted text accepted (characters); longer ones are answered 413.
MAX_TEXT = 50_000
#: Largest request body accepted (bytes).
MAX_BODY = 1_000_000
MAX_LIMIT = 100
PAGE_HITS = 20
PAGE_SIMILAR = 10

HERE = Path(__file__).resolve().parent
DOC_LANGS = tuple(LANGUAGES)

log = logging.getLogger(__name__)
T = TypeVar("T")


class SharedIndex:
    """One open index, used by one request at a time."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._lock = threading.Lock()

    def run(self, call: Callable[[Index], T]) -> T:
        with self._lock:
            return call(self._index)

    def close(self) -> None:
        with self._lock:
            self._index.close()


# -- errors -------------------------------------------------------------------------


class TooLarge(HTTPException):
    def __init__(self, what: str, limit: int) -> None:
        super().__init__(413, f"{what} is longer than {limit:,} characters")


def _check_query(q: str) -> str:
    if len(q) > MAX_QUERY:
        raise TooLarge("the query", MAX_QUERY)
    if not q.strip():
        raise QueryError("the query is empty")
    return q


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error_response(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"status": status, "error": message}, status_code=status)
    ui = _ui_language(request)
    title = MESSAGES[ui]["not_found" if status == 404 else "bad_request"]
    return _render(
        request, "error.html", {"status": status, "title": title, "message": message}, status
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
        parts.append(
            f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid")
        )
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    async def query_error(request: Request, exc: Exception) -> Response:
        return _error_response(request, 400, str(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error_response(request, 404, str(exc))

    async def index_error(request: Request, exc: Exception) -> Response:
        hint = getattr(exc, "hint", "")
        return _error_response(request, 503, f"{exc}{f' ({hint})' if hint else ''}")

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _error_response(request, 400, _validation_message(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        response = _error_response(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("error answering %s", request.url.path)
        return _error_response(request, 500, "internal error")

    app.add_exception_handler(QueryError, query_error)
    app.add_exception_handler(DocumentError, query_error)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(SearchError, index_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, crash)


# -- middleware ------------------------------------------------------------------------

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class Guard:
    """Bounds request bodies (413 past ``limit`` bytes, announced or streamed) and
    adds security headers to every response."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.limit:
            status = 413 if length.isdigit() else 400
            message = (
                f"request body over {self.limit:,} bytes" if status == 413 else "bad content-length"
            )
            response = JSONResponse({"status": status, "error": message}, status_code=status)
            await response(scope, receive, send_with_headers)
            return
        received = 0
        started = False

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except BodyTooLarge as exc:
            # the app let it through (FastAPI answers it with the handlers above)
            if started:
                raise
            response = JSONResponse({"status": 413, "error": exc.detail}, status_code=413)
            await response(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit:,} bytes")


# -- pages' helpers -----------------------------------------------------------------

templates = Jinja2Templates(directory=str(HERE / "templates"))


def _ui_language(request: Request) -> str:
    chosen = request.query_params.get("ui") or request.cookies.get("ui")
    if chosen in UI_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"))


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    ui = _ui_language(request)
    messages = MESSAGES[ui]
    params = {k: v for k, v in request.query_params.items() if k != "ui"}

    def switch(lang: str) -> str:
        return f"{request.url.path}?{urlencode({**params, 'ui': lang})}"

    context = {
        "ui": ui,
        "t": messages,
        "lang_names": LANGUAGE_NAMES[ui],
        "switch": switch,
        "other_ui": [u for u in UI_LANGUAGES if u != ui],
        "doc_langs": DOC_LANGS,
        "kinds": kinds.NAMES,
        # the choices of the filters (_filters.html): (value, what it shows)
        "lang_options": [(lang, LANGUAGE_NAMES[ui][lang]) for lang in DOC_LANGS],
        "kind_options": [(kind, messages[f"kind_{kind}"]) for kind in kinds.NAMES],
        **context,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if request.query_params.get("ui") in UI_LANGUAGES:
        response.set_cookie("ui", ui, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    response.headers["content-language"] = ui
    return response


def highlight(text: str, matches) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) pairs; the template escapes each piece.

    >>> highlight("coopération Sud-Sud", [(12, 15), (0, 11)])
    [('coopération', True), (' ', False), ('Sud', True), ('-Sud', False)]
    """
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(matches):
        start = max(start, pos)
        if end <= start:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


class _PageFilters(BaseModel):
    """The filters of the search and similar pages (``_filters.html``), from the
    query string or the form."""

    lang: str = Field("", max_length=3)
    kind: str = Field("", max_length=10)
    session: str = Field("", max_length=20)
    year_from: str = Field("", max_length=10)
    year_to: str = Field("", max_length=10)

    def terms(self) -> str:
        """The filters in the query language (``kind:op session:78..80``)."""
        extra = []
        if self.kind:
            if self.kind not in kinds.NAMES:
                raise QueryError(f"kind {self.kind!r}: use one of {kinds.choices()}")
            extra.append(f"kind:{self.kind}")
        if self.session.strip():
            extra.append(f"session:{self.session.strip()}")
        low, high = self.year_from.strip(), self.year_to.strip()
        if low or high:
            for y in (low, high):
                if y and not (y.isdigit() and len(y) <= 4):
                    raise QueryError(f"year {y!r}: expected a year like 2003")
            extra.append(f"year:{low or '0'}..{high or '9999'}")
        return " ".join(extra)

    def doc_lang(self) -> str | None:
        """The language documents must be in, if one is chosen."""
        if self.lang and self.lang not in DOC_LANGS:
            raise QueryError(f"language {self.lang!r}: use one of {', '.join(DOC_LANGS)}")
        return self.lang or None


def _also(value: str | None) -> tuple[str, ...]:
    """``also=en,fr``: the languages whose twins each paragraph carries."""
    codes = tuple(dict.fromkeys(c.strip().lower() for c in (value or "").split(",") if c.strip()))
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown:
        raise QueryError(f"also={','.join(unknown)}: use {', '.join(LANGUAGES)}")
    return codes


def _check_text(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise TooLarge("the text", MAX_TEXT)
    return text


def _similar_draft(shared: SharedIndex, name: str, data: bytes, **options: Any) -> list:
    """:meth:`Index.similar_draft` for an uploaded file, read from a temporary copy
    named with the upload's suffix (the reader goes by it)."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in DRAFT_SUFFIXES:
        raise DocumentError(
            name or "the draft",
            f"unsupported draft type {suffix or '(none)'!r} (use {', '.join(DRAFT_SUFFIXES)})",
        )
    with tempfile.TemporaryDirectory(prefix="unsearch-draft-") as tmp:
        path = Path(tmp) / f"draft{suffix}"
        path.write_bytes(data)
        try:
            return shared.run(lambda ix: ix.similar_draft(path, **options))
        except DocumentError as exc:
            raise DocumentError(name, exc.reason) from None


def diff_pieces(ops) -> list[tuple[str, str]]:
    """A word diff as (op, text) pairs for the template: ``=`` kept, ``-`` removed,
    ``+`` added (as :mod:`search.wording` gives them)."""
    return [(op, text) for op, text in ops if text]


# -- the app --------------------------------------------------------------------------


def create_app(index_dir: str | Path | None = None) -> FastAPI:
    """The web app serving the index in ``index_dir`` (default: ``$UNSEARCH_INDEX`` or
    ``index/``); raises :class:`~search.errors.IndexNotFoundError` when there is none."""
    shared = SharedIndex(open_index(index_dir))
    app = FastAPI(
        title="unsearch",
        version=API_VERSION,
        summary="Search United Nations documents paragraph by paragraph.",
        description=(
            "The JSON API of `unsearch serve`. Hits and paragraphs are the objects "
            '`unsearch --json` prints. Errors are `{"status": N, "error": message}`: '
            "400 a malformed query or parameter, 404 an unknown document or paragraph, "
            f"413 an input too long (query over {MAX_QUERY:,} characters)."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.index = shared
    _install_error_handlers(app)
    app.add_middleware(Guard)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(_api(shared), prefix="/api/v1")
    # /api/… answers as the current version, without repeating it in the description
    app.include_router(_api(shared), prefix="/api", include_in_schema=False)
    app.include_router(_pages(shared))
    return app


Lang = Annotated[
    str | None,
    Query(pattern=r"^[a-z]{2,3}$", description="Only documents in this language (fr, en, …)."),
]

Also = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Twins of each paragraph in these languages (e.g. en,fr).",
        examples=["en,fr"],
    ),
]


@dataclasses.dataclass(frozen=True)
class DocumentResult:
    """What ``GET /api/v1/documents`` answers for a whole document."""

    symbol: str
    paragraphs: list[Passage]
    cites: list[CitationGroup]
    cited_by: list[CitationGroup]


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """What ``GET /api/v1/search`` answers."""

    query: str
    partial: bool
    hits: list[Hit]


class SimilarRequest(BaseModel):
    """The body of ``POST /api/v1/similar``."""

    text: str = Field(description="The draft paragraph.")
    filter: str | None = Field(None, max_length=200, description='e.g. "session:1..79 kind:op"')
    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    lang: str | None = Field(None, pattern=r"^[a-z]{2,3}$")
    min_similarity: float = Field(0.0, ge=0, le=1)
    also: str | None = Field(None, max_length=40, description="Twins in these languages: en,fr")

    def options(self) -> dict[str, Any]:
        return {**self.model_dump(exclude={"text", "also"}), "also": _also(self.also)}


def _api(shared: SharedIndex) -> APIRouter:
    router = APIRouter(tags=["api"])

    @router.get("/search", response_model=SearchResult)
    def api_search(
        q: Annotated[str, Query(description="A query in unsearch syntax (see the README).")],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
        lang: Lang = None,
        context: Annotated[int, Query(ge=0, le=10)] = 0,
        also: Also = None,
    ) -> JSONResponse:
        """Ranked paragraphs for a query; with ``also``, each with its twins (``parallel``)."""
        _check_query(q)
        twins = _also(also)
        hits = shared.run(
            lambda ix: ix.search(q, limit=limit, lang=lang, context=context, also=twins)
        )
        body = {"query": q, "partial": hits.partial, "hits": [dataclasses.asdict(h) for h in hits]}
        return JSONResponse(body)

    @router.get("/documents", response_model=DocumentResult | list[Hit | Passage])
    def api_documents(
        symbol: Annotated[str, Query(max_length=200, description="e.g. A/RES/58/220")],
        paragraph: Annotated[str | None, Query(max_length=40, description="e.g. OP4")] = None,
        lang: Lang = None,
        context: Annotated[int, Query(ge=0, le=50)] = 0,
        also: Also = None,
    ) -> JSONResponse:
        """A document's paragraphs in order, with what it cites and what cites it; with
        ``paragraph``, that paragraph (with its chapeau) and ``context`` neighbours on
        each side.  Both as ``unsearch show --json``."""
        twins = _also(also)
        if paragraph:
            hit = shared.run(
                lambda ix: ix.paragraph(symbol, paragraph, lang=lang, context=context, also=twins)
            )
            items: list[Any] = [c for c in hit.context if c.order < hit.order]
            items += [hit, *(c for c in hit.context if c.order > hit.order)]
            return JSONResponse([dataclasses.asdict(p) for p in items])

        def read(ix: Index) -> tuple[list[Passage], Citations]:
            return ix.document(symbol, lang=lang, also=twins), ix.citations(symbol, lang=lang)

        paragraphs, cited = shared.run(read)
        result = DocumentResult(
            paragraphs[0].symbol, paragraphs, list(cited.cites), list(cited.cited_by)
        )
        return JSONResponse(dataclasses.asdict(result))

    @router.post("/similar", response_model=list[SimilarHit])
    def api_similar(request: SimilarRequest) -> JSONResponse:
        """The adopted paragraphs closest to a draft paragraph, closest first, with a
        word diff from the draft to each (as ``unsearch similar --json``)."""
        _check_text(request.text)
        options = request.options()
        hits = shared.run(lambda ix: ix.similar(request.text, **options))
        return JSONResponse([dataclasses.asdict(h) for h in hits])

    @router.post("/similar/draft", response_model=list[DraftParagraphHits])
    async def api_similar_draft(
        file: Annotated[UploadFile, File(description="A draft: .docx, .md, .txt, .html or .pdf")],
        limit: Annotated[int, Form(ge=1, le=MAX_LIMIT)] = 10,
        lang: Annotated[str | None, Form(pattern=r"^[a-z]{2,3}$")] = None,
        filter: Annotated[str | None, Form(max_length=200)] = None,
        min_similarity: Annotated[float, Form(ge=0, le=1)] = 0.0,
        also: Annotated[str | None, Form(max_length=40)] = None,
    ) -> JSONResponse:
        """:func:`api_similar` for each paragraph of a draft file (as ``unsearch similar
        --file --json``)."""
        data = await file.read()
        options: dict[str, Any] = dict(
            limit=limit, lang=lang, filter=filter, min_similarity=min_similarity
        )
        options["also"] = _also(also)
        results = await run_in_threadpool(
            _similar_draft, shared, file.filename or "", data, **options
        )
        return JSONResponse([dataclasses.asdict(r) for r in results])

    @router.get("/history", response_model=list[SeriesEntry] | list[ParagraphVersion])
    def api_history(
        symbol: Annotated[str, Query(max_length=200, description="e.g. A/RES/80/156")],
        paragraph: Annotated[str | None, Query(max_length=40, description="e.g. OP4")] = None,
    ) -> JSONResponse:
        """A resolution's series across sessions with counts of unchanged, amended, new
        and dropped paragraphs; with ``paragraph``, that paragraph's versions (as
        ``unsearch history --json``)."""
        items = shared.run(lambda ix: ix.history(symbol, paragraph))
        return JSONResponse([dataclasses.asdict(i) for i in items])

    return router


def _pages(shared: SharedIndex) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @router.get("/")
    def page_search(
        request: Request,
        filters: Annotated[_PageFilters, Query()],
        q: Annotated[str, Query()] = "",
        also: Annotated[str, Query(max_length=3)] = "",
    ) -> Response:
        form = {"also": also, "q": q, **filters.model_dump()}
        context: dict[str, Any] = {"form": form, "hits": None, "error": None}
        if len(q) > MAX_QUERY:
            raise TooLarge("the query", MAX_QUERY)
        if q.strip():
            doc_lang = filters.doc_lang()
            extra = filters.terms()  # the page's filters, as the query language's own
            text = f"({q}) {extra}" if extra else q
            twins = _also(also)
            hits = shared.run(
                lambda ix: ix.search(text, limit=PAGE_HITS, lang=doc_lang, also=twins)
            )
            context["hits"] = [(h, highlight(h.text, h.matches)) for h in hits]
            context["partial"] = hits.partial
        return _render(request, "search.html", context)

    @router.get("/document")
    def page_document(
        request: Request,
        symbol: Annotated[str, Query(max_length=200)],
        lang: Annotated[str, Query(max_length=3)] = "",
        also: Annotated[str, Query(max_length=3)] = "",
        hit: Annotated[str, Query(max_length=40)] = "",
    ) -> Response:
        paragraphs = shared.run(lambda ix: ix.document(symbol))
        by_lang: dict[str, list[Passage]] = {}
        for p in paragraphs:
            by_lang.setdefault(p.lang, []).append(p)
        ui = _ui_language(request)
        if lang and lang not in by_lang:
            raise NotFoundError(f"{symbol}: not in the index in {lang!r}")
        main_lang = lang or (ui if ui in by_lang else next(iter(by_lang)))
        twin = also if also in by_lang and also != main_lang else ""
        if twin:
            by_lang[main_lang] = shared.run(lambda ix: ix.document(symbol, main_lang, also=[twin]))
        rows = [(p, p.parallel.get(twin)) for p in by_lang[main_lang]]
        first = by_lang[main_lang][0]
        context = {
            "doc": first,
            "symbol": symbol,
            "main_lang": main_lang,
            "twin": twin,
            "langs": sorted(by_lang),
            "rows": rows,
            "hit": hit.upper(),
        }
        return _render(request, "document.html", context)

    @router.get("/similar")
    def page_similar(request: Request) -> Response:
        return _render(request, "similar.html", {"form": {}, "results": None})

    @router.post("/similar")
    async def page_similar_results(
        request: Request,
        filters: Annotated[_PageFilters, Form()],
        text: Annotated[str, Form()] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        form = {"text": text, **filters.model_dump()}
        _check_text(text)
        options = {
            "limit": PAGE_SIMILAR,
            "lang": filters.doc_lang(),
            "filter": filters.terms() or None,
        }
        data, name = b"", ""
        if file is not None and file.filename:
            data, name = await file.read(), file.filename
        if data:
            found = await run_in_threadpool(_similar_draft, shared, name, data, **options)
            results = [(f"{f.label}", f.text, _similar_view(f.hits)) for f in found]
        elif text.strip():
            hits = await run_in_threadpool(shared.run, lambda ix: ix.similar(text, **options))
            results = [("", "", _similar_view(hits))]
        else:
            raise QueryError("paste a draft paragraph, or choose a draft file")
        return _render(request, "similar.html", {"form": form, "results": results})

    @router.get("/series")
    def page_series(
        request: Request,
        symbol: Annotated[str, Query(max_length=200)],
        paragraph: Annotated[str, Query(max_length=40)] = "",
    ) -> Response:
        if paragraph:
            versions = shared.run(lambda ix: ix.history(symbol, paragraph))
            views = [(v, diff_pieces(v.diff)) for v in versions]
            context = {"symbol": symbol, "paragraph": paragraph.upper(), "versions": views}
            return _render(request, "versions.html", context)
        grid = shared.run(lambda ix: series_grid(ix, symbol))
        return _render(request, "series.html", {"symbol": symbol, "grid": grid, "geo": GEOMETRY})

    return router


def _similar_view(hits) -> list[tuple[SimilarHit, list[tuple[str, str]]]]:
    return [(h, diff_pieces(h.diff)) for h in hits]
