"""The web page in a real browser: Playwright driving Debian's Chromium against
``unsearch serve`` (a separate process on a loopback port).

Playwright cannot download its own browsers here; ``.ci/run`` installs the
``chromium`` package when it is missing.  A failing test leaves a screenshot of
the page in its temporary folder.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, tmp_path):
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


@contextmanager
def screenshot_on_failure(page, tmp_path: Path):
    try:
        yield
    except BaseException:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing page: {shot}")
        raise


def test_search_then_open_the_document_at_its_anchor(page, live_server, tmp_path):
    from playwright.sync_api import expect

    with screenshot_on_failure(page, tmp_path):
        page.goto(live_server + "/")
        box = page.get_by_label("Words, phrases or a symbol")
        expect(box).to_be_focused()
        box.type("coopération triangulaire")
        box.press("Enter")
        first = page.locator("ol.hits > li").first
        expect(first.locator("a.citation")).to_have_text("A/RES/58/220, par. 4")
        expect(first.locator("mark").first).to_have_text("coopération")
        expect(first.get_by_role("button", name="Copy citation")).to_be_visible()

        first.locator("a.citation").click()
        page.wait_for_url("**/document?**#OP4")
        hit = page.locator("#OP4")
        expect(hit).to_have_class("para kind-op is-hit")
        expect(hit).to_be_in_viewport()
        expect(hit).to_be_focused()
        expect(hit).to_contain_text("coopération triangulaire")
        assert page.errors == []


def test_switch_the_interface_to_french(page, live_server, tmp_path):
    from playwright.sync_api import expect

    with screenshot_on_failure(page, tmp_path):
        page.goto(live_server + "/?q=zebracorn")
        expect(page.get_by_role("button", name="Search", exact=True)).to_be_visible()
        page.get_by_role("link", name="Français").click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("button", name="Rechercher")).to_be_visible()
        expect(page.get_by_label("Type de paragraphe")).to_be_visible()
        expect(page.locator("a.citation").first).to_have_text("A/RES/99/1, para. 2 (a)")
        # the choice stays for the next page
        page.get_by_label("Mots, expressions ou une cote").fill("dignité")
        page.keyboard.press("Enter")
        expect(page.locator("h2#results-title")).to_contain_text("Résultats")


def test_markup_in_a_paragraph_is_shown_as_text(page, live_server, tmp_path):
    from playwright.sync_api import expect

    with screenshot_on_failure(page, tmp_path):
        page.goto(live_server + "/document?symbol=A/RES/99/1")
        expect(page.locator("#PP1")).to_contain_text("<script>window.pwned = 1</script>")
        assert page.evaluate("window.pwned") is None
        assert page.errors == []


def test_copy_button_copies_the_citation(browser, live_server, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        with screenshot_on_failure(page, tmp_path):
            page.goto(live_server + "/?q=zebracorn&kind=op")
            button = page.locator("ol.hits button.copy").first
            button.click()
            expect(button).to_have_text("Copied")
            assert page.evaluate("navigator.clipboard.readText()") == "A/RES/99/1, para. 2 (a)"
    finally:
        context.close()


def test_find_precedents_then_the_series(page, live_server, tmp_path):
    from playwright.sync_api import expect

    with screenshot_on_failure(page, tmp_path):
        page.goto(live_server + "/")
        page.get_by_role("link", name="Find precedents").click()
        draft = page.get_by_label("Draft paragraph")
        expect(draft).to_be_focused()
        draft.fill(
            "Encourages developing countries to strengthen South-South and triangular cooperation"
        )
        page.get_by_role("button", name="Find precedents").click()
        first = page.locator("ol.hits > li").first
        expect(first.locator(".similarity")).to_have_text(re.compile(r"^\d+ %$"))
        expect(first.locator("del, ins").first).to_be_visible()

        page.goto(live_server + "/document?symbol=A/RES/80/156")
        page.get_by_role("link", name="Series across sessions").click()
        figure = page.get_by_role("img", name="Series across sessions: South-South cooperation")
        expect(figure).to_be_visible()
        expect(figure.locator("text.col-head")).to_have_text(["78", "79", "80"])
        figure.locator("rect.cell.amended").first.click()
        expect(page.locator("h1")).to_have_text(re.compile(r"^Versions of (PP|OP)\d+"))
        expect(page.locator(".badge.amended").first).to_be_visible()
