"""The Gradio app: ask with cited answers and a source panel, draft an officer's reply, manage the library."""

from __future__ import annotations

import argparse
import logging
import os
import sys

# Before gradio is imported anywhere: no usage pings, no version checks, no model downloads.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from boardqa import views  # noqa: E402
from boardqa.appstate import EXAMPLE_SLOTS, BoardApp  # noqa: E402,F401  (BoardApp: tests and embedders use app.BoardApp)
from boardqa.settings import Settings  # noqa: E402

USER = "boardqa"
COPY_JS = "(text) => { navigator.clipboard.writeText(text || ''); return []; }"
CSS = """
.bqa-source { line-height: 1.5; overflow-wrap: anywhere; }
.bqa-source h2 { margin: 0 0 .5rem; font-size: 1.05rem; }
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
.bqa-library h3.bqa-body { margin: 1rem 0 .25rem; font-size: 1.1rem; }
.bqa-count { margin: .25rem 0; }
#bqa-source a, .bqa-library a { text-decoration: underline; }
footer .show-api, footer .show-api *, footer a { color: #374151 !important; }
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

    # Button colours dark enough for white text at WCAG AA (4.5:1): Gradio's orange-500/600 gives 2.8-3.6:1.
    return gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                             font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"]).set(
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700", button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color="white", button_primary_text_color_dark="white",
        button_cancel_background_fill="#b91c1c", button_cancel_background_fill_hover="#991b1b",
        button_cancel_background_fill_dark="#b91c1c", button_cancel_background_fill_hover_dark="#991b1b",
        button_cancel_text_color="white", button_cancel_text_color_dark="white",
        # Gradio's grey for secondary text (#bbbbc2, 1.9:1 on white) is too faint to read: gray-600 gives 7.5:1.
        body_text_color_subdued="#4b5563", input_placeholder_color="#4b5563",
        # Links ("Open the PDF at page N") readable in every state: Gradio's visited blue-500 is 3.7:1 on white;
        # blue-700/800 give 6.7/8.7:1, and blue-400/300 on the dark theme's background 7.6/10.9:1.
        link_text_color="*secondary_700", link_text_color_hover="*secondary_800",
        link_text_color_active="*secondary_800", link_text_color_visited="*secondary_800",
        link_text_color_dark="*secondary_400", link_text_color_hover_dark="*secondary_300",
        link_text_color_active_dark="*secondary_300", link_text_color_visited_dark="*secondary_300")


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
                with gr.Column(scale=1, min_width=300):
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
                with gr.Column(scale=1, min_width=300):
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
            gr.Markdown("## Papers in the library\nGrouped by body and committee, newest meeting first.")
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
    parser.add_argument("--store", help="milvus://HOST:PORT or milvus:///abs/path/lib.db: keep the library in Milvus "
                        "(default: $BOARDQA_STORE, else the index folder)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse flags, load the engine once, and serve until interrupted."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.load(index_dir=args.index, store=args.store)
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
