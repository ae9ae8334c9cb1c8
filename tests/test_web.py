"""The web app through Starlette's test client: the JSON API, its errors, the pages
without JavaScript, escaping, static files and the index shared between requests."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import search
from search.cli import main
from search.web import create_app, listen
from search.web.app import MAX_QUERY, Guard
from search.web.series import series_grid


@pytest.fixture(scope="module")
def client(web_index):
    with TestClient(create_app(web_index)) as c:
        yield c


def cli_json(index, *args):
    result = CliRunner().invoke(main, [*args, "--json", "--index", str(index)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- GET /api/v1/search ------------------------------------------------------------


def test_search_answers_the_cli_json_objects(client, web_index):
    response = client.get("/api/v1/search", params={"q": "coopération triangulaire", "limit": 5})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["query", "partial", "hits"]
    assert body["query"] == "coopération triangulaire"
    assert body["partial"] is False
    assert body["hits"] == cli_json(web_index, "coopération triangulaire", "--limit", "5")
    assert body["hits"][0]["citation"] == "A/RES/58/220, par. 4"
    assert "coopération" in response.text  # not \u-escaped


def test_search_limit_lang_and_context(client):
    hits = client.get("/api/v1/search", params={"q": "droits", "limit": 3, "lang": "fr"}).json()
    assert len(hits["hits"]) == 3
    assert {h["lang"] for h in hits["hits"]} == {"fr"}
    hit = client.get("/api/v1/search", params={"q": "zebracorn", "context": 1}).json()["hits"][0]
    assert hit["paragraph"] == "OP2(a)"
    assert hit["chapeau"] == "Requests the Secretary-General:"
    assert [c["paragraph"] for c in hit["context"]] == ["OP2", "OP2(b)"]


def test_search_without_hits_is_an_empty_list(client):
    response = client.get("/api/v1/search", params={"q": "zzzyxquux"})
    assert (response.status_code, response.json()["hits"]) == (200, [])


def test_unversioned_api_is_the_current_version(client):
    params = {"q": "triangulaire"}
    assert client.get("/api/search", params=params).json() == (
        client.get("/api/v1/search", params=params).json()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": '"'}, "nothing to search for in '\"': only stop words"),
        ({"q": "aid session:x"}, "session:x: expected a number or a range like 2020..2024"),
        ({"q": "   "}, "the query is empty"),
        (
            {"q": "kind:verse aid"},
            "kind:verse: use one of op, pp, fn, annex, title, heading, article, text",
        ),
        ({"q": "aid", "limit": "0"}, "limit: Input should be greater than or equal to 1"),
        ({"q": "aid", "limit": "ten"}, "limit: Input should be a valid integer"),
        ({"q": "aid", "lang": "french"}, "lang: String should match pattern"),
        ({}, "q: Field required"),
    ],
)
def test_malformed_search_is_400(client, params, message):
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["error"].startswith(message)


def test_query_over_the_limit_is_413(client):
    assert client.get("/api/v1/search", params={"q": "x" * MAX_QUERY}).status_code == 200
    response = client.get("/api/v1/search", params={"q": "x" * (MAX_QUERY + 1)})
    assert response.status_code == 413
    assert response.json() == {"status": 413, "error": "the query is longer than 2,000 characters"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(alphabet=st.sampled_from('ab é"()*:-~/.OR AND NOT 12'), max_size=40))
def test_no_query_is_a_server_error(client, q):
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code in (200, 400), (q, response.text)
    assert "error" in response.json() or "hits" in response.json()


# -- GET /api/v1/documents -----------------------------------------------------------


def test_document_is_the_cli_show_json(client, web_index):
    response = client.get("/api/v1/documents", params={"symbol": "A/RES/99/1"})
    assert response.status_code == 200
    body = response.json()
    assert body == cli_json(web_index, "show", "A/RES/99/1")
    assert list(body) == ["symbol", "paragraphs", "cites", "cited_by"]
    labels = [p["paragraph"] for p in body["paragraphs"]]
    assert labels == ["T", "PP1", "OP1", "OP2", "OP2(a)", "OP2(b)"]
    cited = client.get("/api/v1/documents", params={"symbol": "A/RES/58/220"}).json()["cites"]
    assert "A/RES/57/263" in [g["symbol"] for g in cited]


def test_document_paragraph_with_context(client, web_index):
    params = {"symbol": "A/RES/58/220", "paragraph": "OP4", "context": 1}
    items = client.get("/api/v1/documents", params=params).json()
    assert [p["paragraph"] for p in items] == ["OP3", "OP4", "OP5"]
    assert items[1]["citation"] == "A/RES/58/220, par. 4"
    assert items == cli_json(web_index, "show", "A/RES/58/220", "OP4", "--context", "1")


def test_document_language(client):
    params = {"symbol": "A/RES/217A(III)", "paragraph": "ART1", "lang": "fr"}
    (art1,) = client.get("/api/v1/documents", params=params).json()
    assert art1["text"].startswith("Tous les êtres humains naissent libres")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"symbol": "A/RES/12/345"}, "A/RES/12/345: no such document in the index"),
        ({"symbol": "A/RES/58/220", "paragraph": "OP99"}, "A/RES/58/220 has no paragraph OP99"),
        ({"symbol": "A/RES/58/220", "lang": "ru"}, "A/RES/58/220: no such document in the index"),
    ],
)
def test_unknown_document_is_404(client, params, message):
    response = client.get("/api/v1/documents", params=params)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": message}


def test_document_without_symbol_is_400(client):
    response = client.get("/api/v1/documents")
    assert (response.status_code, response.json()["error"]) == (400, "symbol: Field required")


# -- the rest of the API -------------------------------------------------------------


def test_openapi_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["version"] == "1"
    assert set(spec["paths"]) == {
        "/api/v1/search",
        "/api/v1/documents",
        "/api/v1/similar",
        "/api/v1/similar/draft",
        "/api/v1/history",
    }
    params = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert params == {"q", "limit", "lang", "context", "also"}
    assert "citation" in spec["components"]["schemas"]["Hit"]["properties"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "nothing at /api/v1/nothing"}


def test_wrong_method_is_405(client):
    response = client.post("/api/v1/search", params={"q": "aid"})
    assert (response.status_code, response.json()["status"]) == (405, 405)


def test_oversized_body_is_413(client):
    response = client.post("/api/v1/search", content=b"x" * 1_000_001)
    assert response.status_code == 413
    assert response.json()["error"] == "request body over 1,000,000 bytes"


def test_oversized_streamed_body_is_413():
    async def echo(scope, receive, send):  # an endpoint that reads its whole body
        size, more = 0, True
        while more:
            message = await receive()
            size, more = size + len(message.get("body", b"")), message.get("more_body", False)
        await JSONResponse({"size": size})(scope, receive, send)

    def chunks(n):
        for _ in range(n):
            yield b"x" * 100_000

    c = TestClient(Guard(echo))
    assert c.post("/", content=chunks(10)).json() == {"size": 1_000_000}
    response = c.post("/", content=chunks(11))  # streamed: no content-length
    assert response.status_code == 413
    assert response.json() == {"status": 413, "error": "request body over 1,000,000 bytes"}


def test_security_headers(client):
    headers = client.get("/").headers
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-content-type-options"] == "nosniff"


# -- the pages, without JavaScript ----------------------------------------------------


def test_search_page_shows_citations_and_highlights(client):
    page = client.get("/", params={"q": "coopération triangulaire"}).text
    assert ">A/RES/58/220, par. 4</a>" in page
    assert 'href="/document?symbol=A%2FRES%2F58%2F220&amp;lang=fr&amp;hit=OP4#OP4"' in page
    assert "<mark>coopération</mark> <mark>triangulaire</mark>" in page
    assert 'data-copy="A/RES/58/220, par. 4"' in page


def test_search_page_shows_the_chapeau(client):
    page = client.get("/", params={"q": "zebracorn"}).text
    assert "Chapeau: </span>Requests the Secretary-General:</p>" in page


def test_search_page_filters(client):
    def citations(**params):
        page = client.get("/", params=params).text
        lines = [line for line in page.split("\n") if "title=" in line and "</a>" in line]
        return [line.split(">")[1].split("<")[0] for line in lines]

    assert citations(q="zebracorn", kind="op") == ["A/RES/99/1, para. 2 (a)", "A/RES/99/1, para. 1"]
    assert citations(q="zebracorn", kind="pp") == []
    assert citations(q="zebracorn", session="98..99") == citations(q="zebracorn")
    assert citations(q="zebracorn", session="58") == []
    assert citations(q="zebracorn", year_from="2044", year_to="2050") == citations(q="zebracorn")
    assert citations(q="zebracorn", year_to="2043") == []
    assert citations(q="zebracorn", lang="en") == citations(q="zebracorn")
    assert citations(q="zebracorn", lang="fr") == []


def test_search_page_error_is_a_page(client):
    response = client.get("/", params={"q": "aid", "year_from": "last year"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "year &#39;last year&#39;: expected a year like 2003" in response.text


def test_paragraph_text_is_escaped(client):
    page = client.get("/document", params={"symbol": "A/RES/99/1"}).text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "<script>window" not in page
    assert "&lt;em&gt;tags&lt;/em&gt;" in page
    results = client.get("/", params={"q": "zebracorn"}).text
    assert "fixture &amp; its &lt;em&gt;tags&lt;/em&gt;;" in results


def test_document_page_anchors_every_paragraph(client):
    page = client.get("/document", params={"symbol": "A/RES/58/220", "hit": "OP4"}).text
    assert '<li id="OP4" class="para kind-op is-hit" aria-current="true">' in page
    assert '<li id="PP1" class="para kind-pp">' in page
    assert '<a class="label" href="#OP4"' in page


def test_document_page_twins_side_by_side(client):
    params = {"symbol": "A/RES/217A(III)", "lang": "fr", "also": "en"}
    page = client.get("/document", params=params).text
    art1 = page.split('<li id="ART1" ', 1)[1].split("</li>", 1)[0]
    assert '<p lang="fr">Tous les êtres humains naissent libres' in art1
    assert '<p lang="en" class="twin">All human beings are born free' in art1
    english_chinese = {"symbol": "A/RES/217A(III)", "lang": "en", "also": "zh"}
    page = client.get("/document", params=english_chinese).text
    assert '<p class="twin missing">the Chinese version of A/RES/217A(III) has no paragraph' in page


def test_search_also_gives_twins(client, web_index):
    params = {"q": "dignité", "lang": "fr", "limit": 2, "also": "en,zh"}
    hits = client.get("/api/v1/search", params=params).json()["hits"]
    args = ["dignité", "--lang", "fr", "--limit", "2", "--also", "en,zh"]
    assert hits == cli_json(web_index, *args)
    assert list(hits[0]["parallel"]) == ["en", "zh"]
    assert hits[0]["parallel"]["en"]["citation"].startswith("A/RES/217A(III), ")


def test_unknown_also_is_400(client):
    response = client.get("/api/v1/search", params={"q": "aid", "also": "en,xx"})
    assert response.status_code == 400
    assert response.json()["error"] == "also=xx: use fr, en, es, ru, ar, zh"


def test_search_page_shows_twins(client):
    page = client.get("/", params={"q": "dignité", "lang": "fr", "also": "en"}).text
    assert '<p class="twin-hit" lang="en"><span class="twin-lang" lang="en">English</span>' in page
    assert "(A/RES/217A(III), first preambular paragraph)" in page


def test_unknown_document_page_is_404(client):
    response = client.get("/document", params={"symbol": "A/RES/12/345"})
    assert response.status_code == 404
    assert "A/RES/12/345: no such document in the index" in response.text


def test_interface_language_from_the_browser(client):
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french.text
    assert ">Rechercher</button>" in french.text
    english = client.get("/", headers={"Accept-Language": "de,en;q=0.5"})
    assert ">Search</button>" in english.text


def test_interface_language_switch_is_remembered(web_index):
    with TestClient(create_app(web_index)) as c:
        switched = c.get("/", params={"ui": "fr"}, headers={"Accept-Language": "en"})
        assert ">Rechercher</button>" in switched.text
        assert 'href="/?ui=en" hreflang="en"' in switched.text
        later = c.get("/", headers={"Accept-Language": "en"})
        assert ">Rechercher</button>" in later.text


# -- static files and path tricks -------------------------------------------------------


def test_static_files_from_the_package(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fapp.py",
        "/static/%2E%2E/app.py",
        "/static/....//app.py",
        "/static/%252e%252e/app.py",
        "/static//etc/passwd",
        "/static/templates/../app.py",
    ],
)
def test_path_tricks_are_404(live_server, path):
    # raw HTTP: a client library would normalise the dots away
    url = urlsplit(live_server)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 404
    assert "root:" not in body and "import" not in body


# -- the index shared by requests -------------------------------------------------------


def test_a_running_app_sees_what_an_ingest_commits(tmp_path):
    index = tmp_path / "index"
    search.ingest([FIXTURES / "web" / "A_RES_99_1.txt"], index)
    with TestClient(create_app(index)) as c:
        assert c.get("/api/v1/search", params={"q": "zebracorn"}).json()["hits"]
        assert c.get("/api/v1/search", params={"q": "quokka"}).json()["hits"] == []
        text = (FIXTURES / "web" / "A_RES_99_1.txt").read_text("utf-8")
        second = tmp_path / "A_RES_99_2.txt"
        second.write_text(text.replace("99/1", "99/2").replace("zebracorn", "quokka"), "utf-8")
        search.ingest([second], index)
        hits = c.get("/api/v1/search", params={"q": "quokka"}).json()["hits"]
        assert [h["citation"] for h in hits] == ["A/RES/99/2, para. 2 (a)", "A/RES/99/2, para. 1"]


def test_concurrent_requests_get_the_same_answers(live_server):
    url = urlsplit(live_server)
    queries = ["coopération triangulaire", "human rights", "zebracorn", "Sud-Sud", "dignity"]

    def fetch(i: int) -> tuple[int, str, list[str]]:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        q = queries[i % len(queries)]
        conn.request("GET", "/api/v1/search?" + urlencode({"q": q}))
        response = conn.getresponse()
        body = json.loads(response.read())
        conn.close()
        return response.status, q, [h["citation"] for h in body["hits"]]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(fetch, range(80)))
    assert {status for status, *_ in results} == {200}
    for q in queries:
        assert len({tuple(c) for _, qq, c in results if qq == q}) == 1


# -- POST /api/v1/similar, GET /api/v1/history ---------------------------------------------

DRAFT = "Calls upon States to strengthen South-South and triangular cooperation"


def test_similar_answers_the_cli_json_objects(client, web_index):
    response = client.post("/api/v1/similar", json={"text": DRAFT, "limit": 3})
    assert response.status_code == 200
    hits = response.json()
    assert hits == cli_json(web_index, "similar", DRAFT, "--limit", "3")
    assert len(hits) == 3
    assert {"similarity", "diff", "citation"} <= set(hits[0])


def test_similar_filter_and_language(client):
    body = {"text": DRAFT, "limit": 5, "filter": "session:79 kind:op", "lang": "en"}
    hits = client.post("/api/v1/similar", json=body).json()
    assert hits
    assert {(h["session"], h["kind"], h["lang"]) for h in hits} == {(79, "op", "en")}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"limit": 3}, 400, "text: Field required"),
        ({"text": DRAFT, "limit": 0}, 400, "limit: Input should be greater than or equal to 1"),
        (
            {"text": DRAFT, "min_similarity": 2},
            400,
            "min_similarity: Input should be less than or equal to 1",
        ),
        ({"text": "   "}, 400, "the draft is empty: nothing to compare"),
        ({"text": "x" * 50_001}, 413, "the text is longer than 50,000 characters"),
    ],
)
def test_similar_errors(client, body, status, message):
    response = client.post("/api/v1/similar", json=body)
    assert response.status_code == status
    assert response.json() == {"status": status, "error": message}


def test_similar_not_json_is_400(client):
    response = client.post(
        "/api/v1/similar", content=b"{text", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_similar_streamed_body_over_the_limit_is_413(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(11):
            yield b"x" * 100_000

    response = client.post("/api/v1/similar", content=chunks())
    assert response.status_code == 413


def test_similar_draft_file_is_the_cli_json(client, web_index, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(
        f"{DRAFT}\n\nRequests the Secretary-General to report on the implementation\n", "utf-8"
    )
    with draft.open("rb") as f:
        response = client.post(
            "/api/v1/similar/draft", files={"file": ("draft.txt", f)}, data={"limit": "2"}
        )
    assert response.status_code == 200
    results = response.json()
    assert [(r["position"], len(r["hits"])) for r in results] == [(1, 2), (2, 2)]
    assert results == cli_json(web_index, "similar", "--file", str(draft), "--limit", "2")


def test_similar_draft_of_unknown_type_is_400(client):
    response = client.post("/api/v1/similar/draft", files={"file": ("draft.exe", b"MZ")})
    assert response.status_code == 400
    assert response.json()["error"].startswith("draft.exe: unsupported draft type '.exe'")


def test_history_is_the_cli_json(client, web_index):
    series = client.get("/api/v1/history", params={"symbol": "A/RES/80/156"}).json()
    assert series == cli_json(web_index, "history", "A/RES/80/156")
    assert [e["symbol"] for e in series] == ["A/RES/78/167", "A/RES/79/236", "A/RES/80/156"]
    params = {"symbol": "A/RES/80/156", "paragraph": "PP4"}
    versions = client.get("/api/v1/history", params=params).json()
    assert versions == cli_json(web_index, "history", "A/RES/80/156", "PP4")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"symbol": "A/RES/12/345"}, "A/RES/12/345: no such document in the index"),
        ({"symbol": "A/RES/80/156", "paragraph": "OP99"}, "A/RES/80/156 has no paragraph OP99"),
    ],
)
def test_unknown_history_is_404(client, params, message):
    response = client.get("/api/v1/history", params=params)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": message}


def test_precedents_page_without_javascript(client):
    response = client.post("/similar", data={"text": DRAFT, "kind": "op"})
    assert response.status_code == 200
    first = response.text.split('<li class="hit"', 2)[1]
    assert 'class="similarity"' in first
    assert "<del>" in first or "<ins>" in first
    empty = client.post("/similar", data={"text": ""})
    assert empty.status_code == 400
    assert "paste a draft paragraph, or choose a draft file" in empty.text


def test_series_grid_agrees_with_history(web_index):
    with search.open_index(web_index) as ix:
        grid = series_grid(ix, "A/RES/80/156")
        entries = ix.history("A/RES/80/156")
    assert grid.entries == entries
    for col, entry in enumerate(entries):
        statuses = [row.cells[col].status for row in grid.rows if col in row.cells]
        counts = {s: statuses.count(s) for s in ("unchanged", "amended", "new", "dropped")}
        assert counts == {
            "unchanged": entry.unchanged,
            "amended": entry.amended,
            "new": entry.new,
            "dropped": entry.dropped,
        }


def test_series_page_draws_every_cell(client, web_index):
    page = client.get("/series", params={"symbol": "A/RES/80/156"}).text
    with search.open_index(web_index) as ix:
        grid = series_grid(ix, "A/RES/80/156")
    figure = page.split('<svg class="series"', 1)[1].split("</svg>", 1)[0]
    assert figure.count('<rect class="cell ') == sum(len(row.cells) for row in grid.rows)
    assert '<svg class="series" role="img"' in page
    assert page.count('<tr><th scope="row">') == 3


def test_versions_page(client, web_index):
    page = client.get("/series", params={"symbol": "A/RES/80/156", "paragraph": "PP4"}).text
    with search.open_index(web_index) as ix:
        versions = ix.history("A/RES/80/156", "PP4")
    for v in versions:
        assert f'<li class="para version status-{v.status}" id="{v.symbol}">' in page


# -- the command ----------------------------------------------------------------------------


def test_serve_help_says_where_it_listens():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host TEXT" in result.output
    assert "[default: 127.0.0.1]" in result.output
    assert "--host 0.0.0.0 serves every network the machine is on" in " ".join(
        result.output.split()
    )


def test_serve_without_index(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no index in {tmp_path / 'none'}/ (build one with: unsearch ingest [PATH...])\n"
    )


def test_serve_on_a_busy_port(web_index):
    taken = listen("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--index", str(web_index)])
    finally:
        taken.close()
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert result.output.endswith("(choose another --port, or stop the program using it)\n")
