"""The app's state and one method per user action (ask, pick a reference, turn a page, draft, upload, remove)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from boardqa import libraryview, views
from boardqa.settings import Settings

EXAMPLE_SLOTS = 4  # example buttons; their questions come from the headings of the papers in the library


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

    def api_ask(self, question: str, doc: list[str] | str | None = None, paper: list[str] | str | None = None,
                date_from: str | None = None, date_to: str | None = None, body: list[str] | str | None = None,
                committee: list[str] | str | None = None) -> dict:
        """Answer a question from the indexed papers: the answer contract (answer with [n] markers, citations).

        Parameters are positional in Gradio's HTTP API: a new one goes last, with a default (README)."""
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
