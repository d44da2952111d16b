"""The app in a real browser (Debian's chromium via Playwright): ask and open a source, draft and download, upload."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from appserver import indexed_settings, serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "corpus" / "samples" / "pcp-2026-01-05-agenda-pack.txt"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install chromium); Playwright never downloads a browser here"),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    demo, address = serve(indexed_settings(tmp_path_factory, "browser"))
    yield address
    demo.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=30_000)  # the first answer may wait for a busy CI machine
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _page(browser, url: str, width: int, height: int, outside: list[str]):
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    # Everything must come from the app itself: no fonts, scripts or pings from the internet.
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    page.set_default_timeout(30_000)
    page.goto(url)
    return page


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("BOARDQA_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)


def _minutes_pdf(path: Path) -> Path:
    """Minutes 915-920 of the sample agenda pack (with its cover lines) as a two-page PDF."""
    from pdfgen import render_pdf

    lines = PACK.read_text(encoding="utf-8").split("\n")
    render_pdf("\n".join(lines[:4] + lines[29:34] + lines[72:102]), path, lines_per_page=30)
    return path


def _ask(page, question: str) -> None:
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")


def test_ask_open_a_source_draft_a_reply_and_upload(browser, url, tmp_path):
    from playwright.sync_api import expect

    outside: list[str] = []
    page = _page(browser, url, 1280, 800, outside)

    # Ask: a cited answer, then the source panel with the quoted sentence marked.
    _ask(page, "How many homicides were recorded in 2024/25?")
    chat = page.locator("#bqa-chat")
    expect(chat).to_contain_text("31 homicides")
    expect(chat).to_contain_text("¶3.7")
    page.get_by_role("radio", name=re.compile(r"\[1\].*¶3\.7")).check()
    mark = page.locator("#bqa-source mark")
    expect(mark).to_contain_text("there were 31 homicides recorded by WMP")
    expect(page.locator("#bqa-source")).to_contain_text("Previous paragraph: 3.6")
    _shot(page, tmp_path, "ask")

    # Draft a reply and download it as Markdown.
    page.get_by_role("tab", name="Draft a reply").click()
    page.get_by_label("Question from the public").fill("Are fewer people being murdered?")
    page.get_by_role("button", name="Draft reply").click()
    reply = page.get_by_label("Draft reply (editable)")
    expect(reply).to_have_value(re.compile(r"Dear \[name\].*31 homicides.*Papers cited", re.S))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download .md").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".md" and "¶3.7" in saved.read_text(encoding="utf-8")
    _shot(page, tmp_path, "reply")

    # Upload a PDF, see it listed, and ask about it.
    pdf = _minutes_pdf(tmp_path / "pcp-minutes-2025-11-17.pdf")
    page.get_by_role("tab", name="Library").click()
    page.locator("#bqa-upload input[type=file]").set_input_files(str(pdf))
    expect(page.locator("#bqa-upload")).to_contain_text(pdf.name)
    page.get_by_role("button", name="Add to library").click()
    expect(page.get_by_label("Result")).to_have_value(re.compile(rf"ok\s+{re.escape(pdf.name)}: added"))
    expect(page.locator("#bqa-papers")).to_contain_text("Minutes of the meeting held on 17 November 2025")
    _shot(page, tmp_path, "library")

    page.get_by_role("tab", name="Ask").click()
    _ask(page, "What did the Panel resolve at minute 919?")
    expect(chat).to_contain_text("discharged")
    page.get_by_role("radio", name=re.compile(r"\[1\].*¶919")).check()
    expect(page.locator("#bqa-source")).to_contain_text(pdf.name)
    expect(page.locator("#bqa-source mark")).to_be_visible()
    assert outside == [], f"the page fetched from outside the app: {outside}"


def test_phone_width_example_question(browser, url, tmp_path):
    from playwright.sync_api import expect

    outside: list[str] = []
    page = _page(browser, url, 390, 844, outside)
    page.get_by_role("button", name="Are fewer people being murdered?").click()
    expect(page.locator("#bqa-chat")).to_contain_text("31 homicides")
    page.get_by_role("radio", name=re.compile(r"\[1\]")).check()
    expect(page.locator("#bqa-source mark")).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, tmp_path, "ask-phone")
    assert outside == []


EIGHT = [
    ("How many homicides were recorded in 2024/25?", "31 homicides", "¶3.7"),
    ("How many knife crime offences were there in 2024?", "4,577", "¶3.9"),
    ("How many 999 calls did WMP receive in 2024/25?", "732,440", "¶7.2"),
    ("What was the police officer headcount in March 2025?", "8,094", "¶2.2"),
    ("How many people died on West Midlands roads in 2024/25?", "56 fatalities", "¶4.2"),
    ("How many shoplifting offences were recorded?", "32,703", "¶5.5"),
    ("How many positive outcomes did WMP record in 2024/25?", "38,519", "¶9.2"),
    ("What is the average answer time for 101 calls now?", "37 seconds", "¶7.8"),
]


def test_eight_browser_sessions_asking_at_once(browser, url):
    """Eight separate browser sessions (own cookies and Gradio sessions) ask at the same moment."""
    from playwright.sync_api import expect

    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in EIGHT]
    try:
        pages = []
        for context in contexts:
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(url)
            pages.append(page)
        for page, (question, _, _) in zip(pages, EIGHT):
            _ask(page, question)  # all eight are sent before any answer is awaited
        for page, (_, figure, label) in zip(pages, EIGHT):
            chat = page.locator("#bqa-chat")
            expect(chat).to_contain_text(figure, timeout=90_000)
            expect(chat).to_contain_text(label, timeout=90_000)
    finally:
        for context in contexts:
            context.close()
