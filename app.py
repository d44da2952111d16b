"""The Gradio app: ask with cited answers and a source panel, draft an officer's reply, manage the library."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import shutil
import sys
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

# Before gradio is imported anywhere: no usage pings, no version checks, no model downloads.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from boardqa import libraryview, views  # noqa: E402
from boardqa.settings import Settings  # noqa: E402

USER = "boardqa"
EXAMPLE_SLOTS = 4  # example buttons; their questions come from the headings of the papers in the library
COPY_JS = "(text) => { navigator.clipboard.writeText(text || ''); return []; }"
CSS = """
.bqa-source { line-height: 1.5; overflow-wrap: anywhere; }
.bqa-source h3 { margin: 0 0 .5rem; font-size: 1.05rem; }
.bqa-facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: 0 0 .75rem; }
.bqa-facts dt { font-weight: 600; }
.bqa-facts dd { margin: 0; }
.bqa-para { margin: .5rem 0; padding: .5rem .75rem; border-left: 4px solid #2563eb; }
.bqa-source mark { background: #fde68a; color: #111; padding: 0 .1em; text-decoration: underline 2px;
  text-underline-offset: 2px; }
.bqa-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.bqa-pagefig { margin: .5rem 0; }
.bqa-pagecap { font-size: .92rem; margin: 0 0 .35rem; }
.bqa-page { position: relative; line-height: 0; border: 1px solid #9ca3af; max-width: 100%; }
.bqa-pageimg { display: block; width: 100%; height: auto; }
.bqa-box { position: absolute; border: 3px dashed #1d4ed8; outline: 1px solid #fff; box-sizing: border-box; }
.bqa-hl { position: absolute; background: rgba(250, 204, 21, .38); border-bottom: 3px solid #b45309;
  mix-blend-mode: multiply; }
.bqa-openline { margin: .35rem 0 .75rem; }
.bqa-subhead { margin: .75rem 0 .25rem; font-size: 1rem; }
.bqa-body { margin: 1rem 0 .25rem; font-size: 1.1rem; }
.bqa-count { margin: .25rem 0; }
#bqa-source a, .bqa-library a { text-decoration: underline; }
.bqa-neighbour { opacity: .8; font-size: .92rem; }
.bqa-neighbour-label, .bqa-note, .bqa-hint { font-style: italic; margin: .25rem 0; }
.bqa-text { white-space: pre-wrap; margin: 0; }
.bqa-table { overflow-x: auto; }
.bqa-table table { min-width: 600px; width: 100%; border-collapse: collapse; }
.bqa-table caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.bqa-table th, .bqa-table td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #d1d5db;
  overflow-wrap: anywhere; vertical-align: top; }
"""


def theme():
    """Gradio's default look with the system's own fonts: nothing is fetched from Google Fonts."""
    import gradio as gr

    return gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                             font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"])


class _ReadWrite:
    """Many questions at once, or one library reload alone (the engine swaps its index while reloading)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self):
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self):
        with self._cond:
            self._writing = True  # new questions wait, so a stream of them cannot starve the reload
            self._cond.wait_for(lambda: self._readers == 0)
            try:
                yield
            finally:
                self._writing = False
                self._cond.notify_all()


class BoardApp:
    """The state behind the UI (settings, engine, library lock) and one method per user action."""

    def __init__(self, settings: Settings, engine=None) -> None:
        from qa.engine import get_engine

        self.settings = settings
        self.engine = engine or get_engine(settings)
        self.engine.embedder  # load the model now, not inside the first user's question
        self.lock = _ReadWrite()
        self.library_lock = threading.Lock()
        self._positions: tuple[list | None, dict[str, int]] = (None, {})
        self._library: tuple[list | None, list] = (None, [])
        from boardqa.pageview import PageViews

        self.pages = PageViews(settings.library_dir, settings.index_dir.parent / "cache" / "pages")
        self.downloads = Path(tempfile.mkdtemp(prefix="boardqa-replies-"))
        atexit.register(shutil.rmtree, self.downloads, True)

    # -- asking ----------------------------------------------------------------------
    def ask(self, question: str, doc=None, paper=None, date_from=None, date_to=None, body=None, committee=None):
        """The cited Answer; raises EmptyQuestion or FilterError (both ValueError) for unusable input."""
        from qa.engine import Filters

        start, end = views.check_dates(date_from, date_to)
        docs, papers = views.as_list(doc), views.as_list(paper)
        with self.lock.read():
            scoped = libraryview.scope(self._rows(), views.as_list(body), views.as_list(committee))
            if scoped is not None:
                # A body or committee is the set of its papers: narrow the file and paper filters to them.
                docs = [d for d in docs if d in scoped[0]] if docs else scoped[0]
                papers = [p for p in papers if p in scoped[1]] if papers else scoped[1]
                if not docs or not papers:
                    raise views.FilterError("No indexed paper matches the body, committee, file and paper chosen; "
                                            "clear one of these filters")
            return self.engine.ask(question or "", Filters.of(docs, papers, start, end))

    def api_ask(self, question: str, doc: str | None = None, paper: str | None = None,
                date_from: str | None = None, date_to: str | None = None, body: str | None = None,
                committee: str | None = None) -> dict:
        """Answer a question from the indexed papers: the answer contract (answer with [n] markers, citations)."""
        import gradio as gr

        try:
            return self.ask(question, doc, paper, date_from, date_to, body, committee).to_json()
        except ValueError as exc:
            raise gr.Error(str(exc)) from None

    def api_reply(self, question: str, body_name: str = "the Panel") -> dict:
        """Draft an officer's reply to a public question: {"reply": text, "answer": the answer contract}."""
        import gradio as gr
        try:
            answer = self.ask(question)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        text, _ = self.engine.draft_reply(question, self._dated(answer), body_name=body_name or "the Panel")
        return {"reply": text, "answer": answer.to_json()}

    def on_ask(self, question, history, doc, paper, date_from, date_to, body=None, committee=None):
        import gradio as gr

        history = list(history or [])
        try:
            answer = self.ask(question, doc, paper, date_from, date_to, body, committee)
        except ValueError as exc:
            return (history, question, gr.update(), gr.update(), gr.update(), f"⚠ {exc}", None,
                    *self._turn_buttons(None))
        history += [{"role": "user", "content": question.strip()},
                    {"role": "assistant", "content": views.answer_markdown(answer, self._paragraphs_of(answer))}]
        choices = views.reference_choices(answer)
        label = "References: choose one to see it on its page" if choices else "No references for this answer"
        return (history, "", answer.to_json(), gr.update(choices=choices, value=None, label=label),
                views.hint_html(), "", None, *self._turn_buttons(None))

    def on_pick(self, n, answer: dict | None, page: int | None = None):
        """The source panel for citation `n` (on `page` of its PDF, else its first cited page), the page state,
        and the previous/next page buttons."""
        from qa.contract import Answer

        citation = None
        if n and answer:
            citation = next((c for c in Answer.from_json(answer).citations if str(c.n) == str(n)), None)
        if citation is None:
            return views.hint_html(), None, *self._turn_buttons(None)
        with self.lock.read():
            paragraphs = self.engine.paragraphs
            positions = self._key_positions(paragraphs)
            before, after, missing = views.neighbours(paragraphs, positions, citation.key)
            here = paragraphs[positions[citation.key]] if citation.key in positions else None
            known = [(d.doc_id, d.sha256) for d in getattr(self.engine.index, "docs", [])]
        shown = None
        if citation.pages and citation.doc.lower().endswith(".pdf"):
            from boardqa.pageview import doc_id_of

            shown = self.pages.show(doc=citation.doc, doc_id=doc_id_of(citation.key),
                                    page=int(page or citation.pages[0]), cited_pages=list(citation.pages),
                                    label=citation.paragraph, text=citation.text, quote=citation.quote, known=known)
        state = {"n": str(citation.n), "page": shown.page, "pages": shown.pages} if shown and shown.ok else None
        html = views.source_html(citation, before, after, missing, paragraph=here, page=shown)
        return html, state, *self._turn_buttons(state)

    def on_turn(self, step: int, answer: dict | None, state: dict | None):
        """Show the previous (step -1) or next (+1) page of the PDF whose citation is open."""
        if not state:
            return self.on_pick(None, None)
        page = min(max(1, int(state["page"]) + step), int(state["pages"]))
        return self.on_pick(state["n"], answer, page)

    @staticmethod
    def _turn_buttons(state: dict | None):
        import gradio as gr

        if not state:
            return gr.update(visible=False), gr.update(visible=False)
        return (gr.update(visible=True, interactive=state["page"] > 1),
                gr.update(visible=True, interactive=state["page"] < state["pages"]))

    def original(self, doc_id: str):
        """The kept original PDF of an indexed doc id: (path, sha256), or None (for the PDF route)."""
        with self.lock.read():
            docs = getattr(self.engine.index, "docs", [])
            known = [(d.doc_id, d.sha256) for d in docs]
            indexed = any(d.doc_id == doc_id for d in docs)
        return self.pages.original(doc_id, known) if indexed else None

    def _key_positions(self, paragraphs) -> dict[str, int]:
        # Rebuilt only when the engine's paragraph list changes (after a library reload).
        if self._positions[0] is not paragraphs:
            self._positions = (paragraphs, {p.key: i for i, p in enumerate(paragraphs)})
        return self._positions[1]

    def _paragraphs_of(self, answer) -> dict:
        """The indexed paragraphs an answer cites, by key (for body, committee and meeting beside references)."""
        with self.lock.read():
            paragraphs = self.engine.paragraphs
            positions = self._key_positions(paragraphs)
            return {c.key: paragraphs[positions[c.key]] for c in answer.citations if c.key in positions}

    def _dated(self, answer):
        """The answer with each reference naming its meeting and date, for the reply draft."""
        return views.with_meetings(answer, self._paragraphs_of(answer))

    def _rows(self) -> list:
        # Rebuilt only when the engine's paragraph list changes; call with the read lock held.
        paragraphs = self.engine.paragraphs
        if self._library[0] is not paragraphs:
            self._library = (paragraphs, libraryview.paper_rows(paragraphs))
        return self._library[1]

    # -- officer's reply -------------------------------------------------------------
    def on_draft(self, question, body_name):
        import gradio as gr
        try:
            answer = self.ask(question)
        except ValueError as exc:
            return gr.update(), None, gr.update(), gr.update(), f"⚠ {exc}"
        body = (body_name or "").strip() or "the Panel"
        dated = self._dated(answer)  # the reply names each paper's meeting and date beside its reference
        text, _ = self.engine.draft_reply(question, dated, body_name=body)
        state = {"question": question, "answer": dated.to_json(), "body": body, "text": text}
        md, docx = self._write_reply(text, state)
        note = ("The papers don't answer this: the draft says so politely." if answer.abstained
                else f"Drafted from {len(answer.support)} cited paragraph(s). Edit it before sending.")
        return text, state, md, docx, note

    def on_edit(self, text, state):
        if not state:
            return None, None
        return self._write_reply(text or "", state)

    def _write_reply(self, text: str, state: dict) -> tuple[str, str]:
        """The reply as .md and .docx files: the rich draft until the officer edits it, then their words."""
        from qa.contract import Answer
        from qa.reply import reply_docx_bytes, reply_markdown

        folder = self.downloads / uuid.uuid4().hex
        folder.mkdir()
        if text == state["text"]:
            answer = Answer.from_json(state["answer"])
            md = reply_markdown(state["question"], answer, body_name=state["body"])
            docx = reply_docx_bytes(state["question"], answer, body_name=state["body"])
        else:
            md, docx = text, _docx_from_text(text)
        (folder / "draft-reply.md").write_text(md, encoding="utf-8")
        (folder / "draft-reply.docx").write_bytes(docx)
        return str(folder / "draft-reply.md"), str(folder / "draft-reply.docx")

    # -- library ---------------------------------------------------------------------
    def library_view(self):
        """The grouped papers list; the choices of every filter and of the remove list; the example questions."""
        import gradio as gr

        # From the engine's paragraphs, not `list_docs`: every page load would otherwise re-read the index.
        with self.lock.read():
            rows = self._rows()
            examples = libraryview.example_questions(self.engine.paragraphs, EXAMPLE_SLOTS)
        docs = sorted({r.doc for r in rows})
        papers = sorted({r.paper for r in rows if r.paper})
        bodies, committees = libraryview.bodies(rows), libraryview.committees(rows)
        buttons = [gr.update(value=q, visible=True) for q in examples]
        buttons += [gr.update(value="", visible=False)] * (EXAMPLE_SLOTS - len(examples))
        return (libraryview.library_html(rows), gr.update(choices=docs), gr.update(choices=papers),
                gr.update(choices=bodies), gr.update(choices=committees), gr.update(choices=docs, value=None),
                gr.update(choices=bodies, value=[]), gr.update(choices=committees, value=[]),
                gr.update(visible=bool(examples)), *buttons)

    def on_library_filter(self, body, committee):
        """The papers list narrowed to the chosen bodies and committees; committees offered for those bodies."""
        import gradio as gr

        body, committee = views.as_list(body), views.as_list(committee)
        with self.lock.read():
            rows = self._rows()
        offered = libraryview.committees(rows, body)
        committee = [c for c in committee if c in offered]
        return libraryview.library_html(rows, body, committee), gr.update(choices=offered, value=committee)

    def on_upload(self, files, progress=None):
        from boardqa.uploads import add_files

        uploads = [(Path(f), Path(f).name) for f in (files or [])]
        if not uploads:
            return ("error  choose one or more PDF, .txt or .md files first", None, *self.library_view())

        def tick(stage: str, done: int, total: int) -> None:
            if progress is not None:
                progress((done, max(total, 1)), desc=f"{stage}: {done} of {total}")

        with self.library_lock:
            change = add_files(uploads, self.settings, progress=tick)
            self._reload(change.changed)
        return (change.text, None, *self.library_view())

    def on_remove(self, name):
        from boardqa.uploads import remove_files

        with self.library_lock:
            try:
                change = remove_files(views.as_list(name), self.settings)
            except (ValueError, RuntimeError, OSError) as exc:  # e.g. IndexBusy: another update holds the index
                return (f"error  nothing was removed: {exc}", *self.library_view())
            self._reload(change.changed)
        return (change.text, *self.library_view())

    def _reload(self, changed: bool) -> None:
        if changed:
            with self.lock.write():
                self.engine.reload()


def _docx_from_text(text: str) -> bytes:
    """An edited reply as a Word document: one paragraph per blank-line-separated block."""
    import io

    from docx import Document

    doc = Document()
    doc.core_properties.title = "Draft reply"
    for block in text.split("\n\n"):
        if block.strip():
            doc.add_paragraph(block.strip("\n"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build_app(settings: Settings, engine=None):
    """The whole app as a `gr.Blocks` (not launched): tabs Ask, Draft a reply, Library, and the `/ask` API."""
    import gradio as gr

    from boardqa.uploads import ALLOWED

    state = BoardApp(settings, engine)
    private = {"api_visibility": "private"}
    with gr.Blocks(title="Board Papers QA", analytics_enabled=False) as demo:
        demo.boardqa = state  # tests and embedding apps reach the engine through this
        gr.Markdown("# Board Papers QA\nAnswers from the published board papers, citing their own paragraph numbers.")
        with gr.Tab("Ask", id="ask"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=300):
                    chat = gr.Chatbot(label="Questions and cited answers", height=420, buttons=["copy"],
                                      feedback_options=None, elem_id="bqa-chat")
                    with gr.Row():
                        question = gr.Textbox(label="Your question", placeholder="Ask about the papers in the "
                                              "library: a figure, a decision, a minute number", scale=5,
                                              min_width=220, max_length=2000, elem_id="bqa-question",
                                              autofocus=True)
                        ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="bqa-ask")
                    status = gr.Markdown(elem_id="bqa-status")
                    with gr.Column(visible=False) as example_box:
                        gr.Markdown("**Try an example** (from the headings of the papers in the library)")
                        with gr.Row():
                            example_btns = [gr.Button("", size="sm", min_width=160, visible=False,
                                                      elem_classes=["bqa-example"]) for _ in range(EXAMPLE_SLOTS)]
                    with gr.Accordion("Filters", open=False):
                        with gr.Row():
                            f_body = gr.Dropdown(label="Body", multiselect=True, choices=[], min_width=200,
                                                 allow_custom_value=True, elem_id="bqa-f-body")
                            f_committee = gr.Dropdown(label="Committee", multiselect=True, choices=[],
                                                      min_width=200, allow_custom_value=True,
                                                      elem_id="bqa-f-committee")
                        with gr.Row():
                            f_doc = gr.Dropdown(label="Document", multiselect=True, choices=[], min_width=200,
                                                allow_custom_value=True)
                            f_paper = gr.Dropdown(label="Paper", multiselect=True, choices=[], min_width=200,
                                                  allow_custom_value=True)
                        with gr.Row():
                            f_from = gr.Textbox(label="Meeting date from", placeholder="YYYY-MM-DD", min_width=140)
                            f_to = gr.Textbox(label="Meeting date to", placeholder="YYYY-MM-DD", min_width=140)
                with gr.Column(scale=2, min_width=280):
                    refs = gr.Radio(label="References", choices=[], elem_id="bqa-refs")
                    with gr.Row():
                        prev_btn = gr.Button("Previous page", size="sm", visible=False, elem_id="bqa-prev")
                        next_btn = gr.Button("Next page", size="sm", visible=False, elem_id="bqa-next")
                    source = gr.HTML(views.hint_html(), label="Source paragraph", elem_id="bqa-source")
            answer_state = gr.State(None)
            page_state = gr.State(None)
            ask_inputs = [question, chat, f_doc, f_paper, f_from, f_to, f_body, f_committee]
            ask_outputs = [chat, question, answer_state, refs, source, status, page_state, prev_btn, next_btn]
            gr.on([question.submit, ask_btn.click], state.on_ask, ask_inputs, ask_outputs,
                  concurrency_limit=4, concurrency_id="ask", **private)
            for btn in example_btns:
                btn.click(lambda t: t, btn, question, queue=False, **private).then(
                    state.on_ask, ask_inputs, ask_outputs, concurrency_limit=4, concurrency_id="ask", **private)
            page_outputs = [source, page_state, prev_btn, next_btn]
            refs.change(state.on_pick, [refs, answer_state], page_outputs, concurrency_limit=4,
                        concurrency_id="page", **private)
            prev_btn.click(lambda a, s: state.on_turn(-1, a, s), [answer_state, page_state], page_outputs,
                           concurrency_limit=4, concurrency_id="page", **private)
            next_btn.click(lambda a, s: state.on_turn(1, a, s), [answer_state, page_state], page_outputs,
                           concurrency_limit=4, concurrency_id="page", **private)

        with gr.Tab("Draft a reply", id="reply"):
            gr.Markdown("Paste a question from a member of the public. The draft quotes the papers and lists them; "
                        "check and edit it before sending.")
            public_q = gr.Textbox(label="Question from the public", lines=3, elem_id="bqa-public-question")
            with gr.Row():
                body_name = gr.Textbox(label="Reply on behalf of", value="the Panel", min_width=200, scale=3)
                draft_btn = gr.Button("Draft reply", variant="primary", min_width=120, scale=1,
                                      elem_id="bqa-draft")
            draft_note = gr.Markdown(elem_id="bqa-draft-note")
            # No built-in copy icon: Gradio puts it inside the <label>, which then no longer names the text area.
            reply = gr.Textbox(label="Draft reply (editable)", lines=14, max_lines=40, interactive=True,
                               elem_id="bqa-reply")
            with gr.Row():
                copy_btn = gr.Button("Copy reply", min_width=140, elem_id="bqa-copy")
                md_btn = gr.DownloadButton("Download .md", value=None, min_width=140, elem_id="bqa-md")
                docx_btn = gr.DownloadButton("Download .docx", value=None, min_width=140, elem_id="bqa-docx")
            reply_state = gr.State(None)
            gr.on([public_q.submit, draft_btn.click], state.on_draft, [public_q, body_name],
                  [reply, reply_state, md_btn, docx_btn, draft_note], concurrency_limit=4, concurrency_id="ask",
                  **private)
            copy_btn.click(None, reply, None, js=COPY_JS, **private)
            reply.input(state.on_edit, [reply, reply_state], [md_btn, docx_btn], trigger_mode="always_last",
                        **private)

        with gr.Tab("Library", id="library"):
            gr.Markdown(f"Add board papers as PDF, .txt or .md files (up to {settings.app.max_upload_mb} MB each). "
                        "A file that cannot be read is reported and leaves the library as it was.")
            uploads = gr.File(label="Files to add", file_count="multiple", file_types=list(ALLOWED),
                              elem_id="bqa-upload")
            add_btn = gr.Button("Add to library", variant="primary", elem_id="bqa-add")
            result = gr.Textbox(label="Result", lines=4, max_lines=30, interactive=False, elem_id="bqa-result")
            gr.Markdown("### Papers in the library\nGrouped by body and committee, newest meeting first.")
            with gr.Row():
                l_body = gr.Dropdown(label="Show body", multiselect=True, choices=[], min_width=200,
                                     elem_id="bqa-l-body")
                l_committee = gr.Dropdown(label="Show committee", multiselect=True, choices=[], min_width=200,
                                          elem_id="bqa-l-committee")
            table = gr.HTML(views.hint_html("Loading the list of papers..."), label="Papers indexed",
                            elem_id="bqa-papers")
            with gr.Row():
                # Custom values allowed: another session may have removed a file this page still lists.
                to_remove = gr.Dropdown(label="File to remove", choices=[], min_width=220, scale=3,
                                        allow_custom_value=True)
                remove_btn = gr.Button("Remove from library", variant="stop", min_width=160, scale=1)
            lib_outputs = [table, f_doc, f_paper, f_body, f_committee, to_remove, l_body, l_committee,
                           example_box, *example_btns]
            gr.on([l_body.input, l_committee.input], state.on_library_filter, [l_body, l_committee],
                  [table, l_committee], **private)

            def upload(files, progress=gr.Progress()):
                return state.on_upload(files, progress)

            add_btn.click(upload, uploads, [result, uploads, *lib_outputs], concurrency_limit=1,
                          concurrency_id="library", **private)
            remove_btn.click(state.on_remove, to_remove, [result, *lib_outputs], concurrency_limit=1,
                             concurrency_id="library", **private)
        demo.load(state.library_view, None, lib_outputs, **private)
        gr.api(state.api_ask, api_name="ask", concurrency_limit=4, concurrency_id="ask")
        gr.api(state.api_reply, api_name="reply", concurrency_limit=4, concurrency_id="ask")
    demo.queue(default_concurrency_limit=1)
    return demo



def launch(demo, settings: Settings, *, prevent_thread_lock: bool = False, quiet: bool = False):
    """Serve `demo` on settings.app.host:port, offline (no share link, system fonts), with login if a password is set.

    Returns:
        Gradio's (app, local_url, share_url).
    """
    from boardqa.routes import add_pdf_route

    password = settings.app.password
    launched = demo.launch(
        server_name=settings.app.host, server_port=settings.app.port, share=False,
        auth=(USER, password) if password else None,
        auth_message="Board Papers QA: sign in as `boardqa` with the app's password." if password else None,
        max_file_size=settings.max_file_bytes, theme=theme(), css=CSS, footer_links=["api"],
        ssr_mode=False, pwa=False, mcp_server=False, prevent_thread_lock=True, quiet=quiet,
    )
    # "Open the PDF at this page": the kept originals, served behind the same login as the app.
    add_pdf_route(launched[0], demo.boardqa.original)
    if not prevent_thread_lock:
        demo.block_thread()
    return launched


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Board Papers QA web app (Gradio), offline.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 exposes it to the network)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--password", help="require login as user `boardqa` (default: $BOARDQA_PASSWORD)")
    parser.add_argument("--index", help="index folder (default: $BOARDQA_INDEX or ~/.local/share/boardqa/index)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse flags, load the engine once, and serve until interrupted."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.load(index_dir=args.index)
    settings.app.host = args.host or settings.app.host
    settings.app.port = args.port or settings.app.port
    settings.app.password = args.password or settings.app.password
    if settings.app.host not in ("127.0.0.1", "localhost", "::1") and not settings.app.password:
        print(f"warning: serving on {settings.app.host} without a password; anyone on the network can use "
              "and change the library (set --password or BOARDQA_PASSWORD)", file=sys.stderr)
    try:
        launch(build_app(settings), settings)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
