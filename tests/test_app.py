"""The Gradio app over a one-paper index: the /ask API contract, uploads, removal, login, concurrent users."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from appserver import free_port, indexed_settings, serve

SAMPLE_NAME = "agb-2025-05-police-and-crime-plan-performance.txt"
HOMICIDES = "How many homicides were recorded in 2024/25?"
# (question, a number the answer must state, the paragraph it must cite): one per concurrent session.
KNOWN = [
    (HOMICIDES, "31", "3.7"),
    ("Are fewer people being murdered?", "31", "3.7"),
    ("How many PCSOs were in post in March 2025?", "312", "2.3"),
    ("What was the police officer headcount in March 2025?", "8,094", "2.2"),
    ("How many ASB reports were recorded in 2024/25?", "29,334", "2.5"),
    ("How many vehicle recoveries were there in 2024/25?", "13,387", "4.8"),
    ("How many positive outcomes for violent offences were recorded?", "12,116", "3.13"),
    ("How many extra neighbourhood officers were secured?", "150", "2.4"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    settings = indexed_settings(tmp_path_factory, "app")
    demo, url = serve(settings)
    yield demo, url, settings
    demo.close()


@pytest.fixture(scope="module")
def client(served):
    from gradio_client import Client

    return Client(served[1], verbose=False)


def _answer(data: dict):
    from qa.contract import Answer

    return Answer.from_json(data)


def test_ask_api_returns_the_answer_contract(client):
    from qa.contract import violations

    data = client.predict(HOMICIDES, api_name="/ask")
    assert {"question", "answer", "abstained", "citations", "confidence"} <= set(data)
    answer = _answer(data)
    assert violations(answer) == []
    assert "31" in answer.answer and "[1]" in answer.answer and not answer.abstained
    first = answer.citations[0]
    assert first.paragraph == "3.7" and first.quote in first.text


def test_ask_api_abstains_when_the_papers_are_silent(client):
    from qa.contract import violations

    answer = _answer(client.predict("What is the weather on Mars?", api_name="/ask"))
    assert answer.abstained and not answer.support and violations(answer) == []


def test_ask_api_filters_and_refuses_bad_input(client):
    from gradio_client.exceptions import AppError

    outside = _answer(client.predict(HOMICIDES, "no-such-file.pdf", None, None, None, api_name="/ask"))
    assert outside.abstained
    inside = _answer(client.predict(HOMICIDES, None, None, "2025-01-01", "2025-12-31", api_name="/ask"))
    assert not inside.abstained and inside.citations[0].paragraph == "3.7"
    with pytest.raises(AppError, match="Meeting date from.*YYYY-MM-DD"):
        client.predict(HOMICIDES, None, None, "5 May 2025", None, api_name="/ask")
    with pytest.raises(AppError, match="empty"):
        client.predict("   ", api_name="/ask")


def test_ask_api_parameters_are_the_documented_ones_in_order(served):
    """Raw HTTP clients send one value per parameter, in order (README): a new filter goes last, with a default,
    and the README and the load test's client say so."""
    import json

    with urllib.request.urlopen(f"{served[1]}gradio_api/info", timeout=30) as reply:
        params = json.load(reply)["named_endpoints"]["/ask"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["question", "doc", "paper", "date_from", "date_to", "body",
                                                     "committee"]
    assert not params[0]["parameter_has_default"]
    assert all(p["parameter_has_default"] and p["parameter_default"] is None for p in params[1:])


def test_ask_api_scopes_by_body_through_the_http_api(served):
    import json

    from qa.contract import violations

    def call(*data):
        request = urllib.request.Request(f"{served[1]}gradio_api/call/ask", method="POST",
                                         data=json.dumps({"data": list(data)}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            event_id = json.load(reply)["event_id"]
        with urllib.request.urlopen(f"{served[1]}gradio_api/call/ask/{event_id}", timeout=120) as stream:
            lines = stream.read().decode().splitlines()
        kind = next(line for line in lines if line.startswith("event:")).removeprefix("event:").strip()
        data = json.loads(next(line for line in lines if line.startswith("data:")).removeprefix("data:"))
        return kind, data

    kind, data = call(HOMICIDES, None, None, None, None, ["Accountability and Governance Board"], None)
    assert kind == "complete"
    answer = _answer(data[0])
    assert violations(answer) == [] and answer.citations[0].paragraph == "3.7"
    kind, data = call(HOMICIDES, None, None, None, None, ["A body not in the library"], None)
    assert kind == "error" and "No indexed paper matches" in data["error"]


def test_eight_concurrent_sessions_get_their_own_cited_answers(served):
    from gradio_client import Client

    from qa.contract import violations

    results: dict[int, object] = {}

    def one(i: int, question: str) -> None:
        try:
            results[i] = _answer(Client(served[1], verbose=False).predict(question, api_name="/ask"))
        except Exception as exc:  # reported below with the question
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i, q)) for i, (q, _, _) in enumerate(KNOWN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for i, (question, number, label) in enumerate(KNOWN):
        answer = results.get(i)
        assert not isinstance(answer, Exception) and answer is not None, (question, answer)
        assert answer.question == question
        assert number in answer.answer and answer.support[0].paragraph == label, (question, answer.answer)
        assert violations(answer) == []


def test_the_app_loads_nothing_from_the_internet(served):
    import os

    html = urllib.request.urlopen(served[1]).read().decode()
    css = urllib.request.urlopen(served[1] + "theme.css").read().decode()
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert "fonts.googleapis" not in html and "fonts.googleapis" not in css
    assert "<script src=\"http" not in html


def test_source_panel_marks_the_quote_and_shows_neighbours(served):
    state = served[0].boardqa
    answer = state.ask(HOMICIDES)
    panel, page, prev_btn, next_btn = state.on_pick("1", answer.to_json())
    assert '<mark><span class="bqa-sr">Quoted words start: </span>In 2024/25, there were 31 homicides' in panel
    assert page is None and not prev_btn["visible"] and not next_btn["visible"]  # a text file: no page view
    assert "Previous paragraph: 3.6" in panel and "Next paragraph: 3.8" in panel
    assert "3. Preventing and Tackling Violence" in panel


def test_chat_shows_answers_abstentions_and_filter_errors(served):
    state = served[0].boardqa
    history, box, answer, refs, _, status, *_ = state.on_ask(HOMICIDES, [], None, None, "", "")
    assert box == "" and status == "" and "31 homicides" in history[-1]["content"]
    assert "**References**" in history[-1]["content"] and refs["choices"][0][1] == "1"
    # Each reference names the meeting and the date, so a figure is never read as another meeting's (once).
    assert "Plan Performance (Accountability and Governance Board, May 2025), ¶3.7" in history[-1]["content"]
    assert "¶3.7 — " not in history[-1]["content"]
    history, _, _, refs, *_ = state.on_ask("What is the weather on Mars?", history, None, None, "", "")
    said = history[-1]["content"]
    assert said.startswith("**The papers don't answer this.**") and "See also" in said
    assert all(label.startswith("See also:") for label, _ in refs["choices"])
    kept, box, _, _, _, status, *_ = state.on_ask(HOMICIDES, history, None, None, "2025-02-30", "")
    assert kept == history and box == HOMICIDES and "not a real date" in status


def test_source_html_escapes_the_papers_text():
    from boardqa.views import highlight, source_html
    from qa.contract import Citation

    marked = highlight("a <b>\n  quoted</b> & more", "<b> quoted")
    assert marked == ('a <mark><span class="bqa-sr">Quoted words start: </span>&lt;b&gt;\n  quoted'
                      '<span class="bqa-sr"> (quoted words end)</span></mark>&lt;/b&gt; &amp; more')

    c = Citation(1, "x.txt", "P <i>", "1", [2], "P, ¶1", "", "<script>alert(1)</script>", 0.5)
    assert "<script>" not in source_html(c) and "&lt;script&gt;" in source_html(c)


def test_draft_reply_with_downloads(served):
    state = served[0].boardqa
    text, reply_state, md, docx, note = state.on_draft(HOMICIDES, "the West Midlands Police and Crime Panel")
    assert "31" in text and "[1]" in text and "West Midlands Police and Crime Panel" in text
    assert "[1] Police and Crime Plan Performance (Accountability and Governance Board, May 2025), ¶3.7" in text
    assert "(Accountability and Governance Board, May 2025), ¶3.7" in Path(md).read_text(encoding="utf-8")
    assert Path(docx).read_bytes()[:2] == b"PK"
    edited_md, _ = state.on_edit(text + "\nP.S. edited by the officer", reply_state)
    assert Path(edited_md).read_text(encoding="utf-8").endswith("edited by the officer")
    polite, *_ = state.on_draft("What is the weather on Mars?", "the Panel")
    assert "do not answer" in polite


@pytest.mark.parametrize("name", ["../evil.txt", "..\\evil.txt", "a/b.txt", "/etc/passwd.txt", "..", ".hidden.txt",
                                  "nul\x00.txt", "..pdf"])
def test_path_traversal_names_are_refused(tmp_path, name):
    from boardqa.settings import Settings
    from boardqa.uploads import UnsafeFileName, add_files, safe_name

    with pytest.raises(UnsafeFileName, match="refused|no name"):
        safe_name(name)
    settings = Settings.load(index_dir=tmp_path / "lib" / "index")
    upload = tmp_path / "upload.txt"
    upload.write_text("1. A paragraph.\n")
    change = add_files([(upload, name)], settings)
    assert change.lines[0].startswith("error") and not change.changed
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "lib" / "evil.txt").exists()


def test_oversize_and_wrong_type_uploads_are_refused(tmp_path):
    from boardqa.settings import Settings
    from boardqa.uploads import add_files

    settings = Settings.load(index_dir=tmp_path / "index")
    settings.app.max_upload_mb = 1
    big = tmp_path / "big.txt"
    big.write_bytes(b"1. Words.\n" * 150_000)
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    change = add_files([(big, big.name), (exe, exe.name)], settings)
    assert "larger than the 1 MB limit" in change.lines[0] and "only PDF, .txt and .md" in change.lines[1]
    assert not change.changed and not settings.index_dir.exists()


def test_bad_file_is_reported_and_leaves_the_index_as_it_was(tmp_path_factory, tmp_path):
    from boardqa.library import list_docs
    from boardqa.uploads import add_files

    settings = indexed_settings(tmp_path_factory, "badfile")
    before = list_docs(settings)
    broken = tmp_path / "pack.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    change = add_files([(broken, "pack.pdf")], settings)
    assert change.lines[0].startswith("error  pack.pdf") and not change.changed
    assert list_docs(settings) == before and not (settings.library_dir / "pack.pdf").exists()


def test_removing_a_paper_reloads_the_engine(tmp_path_factory, served):
    import app
    from index import Index
    from qa.engine import Engine

    settings = indexed_settings(tmp_path_factory, "remove")
    model = served[0].boardqa.engine.embedder  # loaded once per test session
    state = app.BoardApp(settings, Engine(Index.load(settings.index_dir), settings, embedder=model))
    text, table, *_ = state.on_remove(SAMPLE_NAME)
    assert text.startswith("ok     removed") and "Nothing is indexed yet" in table
    assert state.ask(HOMICIDES).abstained
    assert state.on_remove(SAMPLE_NAME)[0].startswith("error")



def test_password_protected_app_refuses_anonymous_requests(served):
    from gradio_client import Client

    demo0, _, settings = served
    locked = settings.model_copy(deep=True)
    locked.app.port, locked.app.password = free_port(), "correct horse"
    demo, url = serve(locked, demo0.boardqa.engine)
    try:
        for path in ("config", "gradio_api/info"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url + path)
            assert refused.value.code == 401
        with pytest.raises(Exception, match="credentials|login"):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match="Could not login"):
            Client(url, auth=("boardqa", "wrong"), verbose=False)
        answer = Client(url, auth=("boardqa", "correct horse"), verbose=False).predict(HOMICIDES, api_name="/ask")
        assert "31" in answer["answer"]
    finally:
        demo.close()


def test_main_and_boardqa_serve_parse_their_flags(monkeypatch, tmp_path):
    import app
    from boardqa import cli

    seen = []
    monkeypatch.setattr(app, "build_app", lambda settings, engine=None: settings)
    monkeypatch.setattr(app, "launch", lambda demo, settings, **kw: seen.append(settings))
    monkeypatch.delenv("BOARDQA_PASSWORD", raising=False)
    assert app.main(["--port", "8123", "--password", "pw", "--index", str(tmp_path / "ix")]) == 0
    s = seen[-1]
    assert (s.app.host, s.app.port, s.app.password, s.index_dir) == ("127.0.0.1", 8123, "pw", tmp_path / "ix")
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8124"]) == 0
    assert (seen[-1].app.host, seen[-1].app.port, seen[-1].app.password) == ("0.0.0.0", 8124, "")
    monkeypatch.setenv("BOARDQA_PASSWORD", "from-env")
    assert app.main([]) == 0 and seen[-1].app.password == "from-env" and seen[-1].app.port == 7860


def test_examples_filters_and_library_come_from_the_library_in_use(served):
    from boardqa.views import FilterError

    state = served[0].boardqa
    table, *_, example_box, e1, e2, e3, e4 = state.library_view()
    asked = [e["value"] for e in (e1, e2, e3, e4) if e["visible"]]
    assert example_box["visible"] and len(asked) == 4
    assert asked[0] == "What do the papers say about rebuilding community policing?"
    assert "<h3 class=\"bqa-body\">Accountability and Governance Board</h3>" in table and "May 2025" in table
    answer = state.ask(HOMICIDES, body=["Accountability and Governance Board"])
    assert not answer.abstained and answer.citations[0].paragraph == "3.7"
    with pytest.raises(FilterError, match="No indexed paper matches"):
        state.ask(HOMICIDES, body=["A body not in the library"])
    narrowed, committees = state.on_library_filter(["A body not in the library"], None)
    assert "No paper matches these filters" in narrowed and committees["choices"] == []


def test_the_pdf_route_serves_kept_originals_only_by_doc_id(tmp_path_factory, served):
    import urllib.parse

    from appserver import AGB_PDF, pdf_settings
    from index import Index
    from qa.engine import Engine

    settings = pdf_settings(tmp_path_factory, "route")
    settings.app.password = "correct horse"
    engine = Engine(Index.load(settings.index_dir), settings, embedder=served[0].boardqa.engine.embedder)
    demo, url = serve(settings, engine)
    try:
        doc_id = next(d.doc_id for d in engine.index.docs if d.name == AGB_PDF)
        route = url + "boardqa/pdf/"
        with pytest.raises(urllib.error.HTTPError) as refused:  # behind the app's login like everything else
            urllib.request.urlopen(route + urllib.parse.quote(doc_id, safe=""))
        assert refused.value.code == 401
    finally:
        demo.close()
    settings.app.password, settings.app.port = "", free_port()
    demo, url = serve(settings, engine)
    try:
        route = url + "boardqa/pdf/"
        with urllib.request.urlopen(route + urllib.parse.quote(doc_id, safe="")) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            kept = next((settings.library_dir / "originals").glob("*.pdf")).read_bytes()
            assert response.read() == kept
        (settings.library_dir / "secret.pdf").write_bytes(b"%PDF-1.4 not in the index")
        for bad in ("..%2F..%2Fetc%2Fpasswd", "secret.pdf", "secret.pdf%40" + "0" * 12, "%2Fetc%2Fpasswd",
                    "..%2Flibrary%2Fsecret.pdf", urllib.parse.quote(doc_id.split("@")[0] + "@" + "f" * 12, safe="")):
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(route + bad)
            assert missing.value.code == 404, bad
    finally:
        demo.close()


def test_a_pdf_citation_opens_on_its_page_and_turns_pages(tmp_path_factory, served):
    import app
    from appserver import pdf_settings
    from index import Index
    from qa.engine import Engine

    settings = pdf_settings(tmp_path_factory, "pages")
    state = app.BoardApp(settings, Engine(Index.load(settings.index_dir), settings,
                                          embedder=served[0].boardqa.engine.embedder))
    answer = state.ask(HOMICIDES, body=["Accountability and Governance Board"]).to_json()
    panel, page, prev_btn, next_btn = state.on_pick("1", answer)
    assert page == {"n": "1", "page": 3, "pages": page["pages"]} and page["pages"] > 3
    assert "Page 3 of" in panel and 'class="bqa-box"' in panel and "Close-up: paragraph 3.7" in panel
    assert prev_btn["interactive"] and next_btn["interactive"]
    panel, page, *_ = state.on_turn(1, answer, page)
    assert page["page"] == 4 and "Page 4 of" in panel  # the paragraph runs on to page 4: boxed there too
    assert 'class="bqa-box"' in panel
    panel, page, prev_btn, _ = state.on_turn(-1, answer, {**page, "page": 1})
    assert page["page"] == 1 and not prev_btn["interactive"] and "is not on this page: it is on pages 3-4" in panel
