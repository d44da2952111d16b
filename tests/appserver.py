"""Test helper for the app: one small sample index per test session (copied per use), and a served app."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
SAMPLE = SAMPLES / "agb-2025-05-police-and-crime-plan-performance.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def indexed_settings(tmp_path_factory, name: str):
    """Settings over a fresh copy of an index of one sample paper (built once per session with the real model)."""
    from boardqa.library import ingest_paths
    from boardqa.settings import Settings

    cached = tmp_path_factory.getbasetemp() / "app-sample-index" / "index"
    if not cached.exists():
        result = ingest_paths([SAMPLE], Settings.load(index_dir=cached))
        assert not result.failed, result.failed
    own = tmp_path_factory.mktemp(name) / "index"
    shutil.copytree(cached, own)
    settings = Settings.load(index_dir=own)
    settings.app.password = ""
    settings.app.port = free_port()
    return settings


def serve(settings, engine=None):
    """Build and launch the app without blocking; returns (demo, url). Call `demo.close()` when done."""
    import app

    demo = app.build_app(settings, engine)
    _, url, _ = app.launch(demo, settings, prevent_thread_lock=True, quiet=True)
    return demo, url


AGB_PDF = "agb-2025-05-police-and-crime-plan-performance.pdf"
PACK = SAMPLES / "pcp-2026-01-05-agenda-pack.txt"


PACK_FRONT = "pcp-2026-01-05-agenda-and-minutes.txt"
PACK_FRONT_LINES = 227  # the pack's agenda, the minutes of 17 November 2025 and the action tracker: 35 paragraphs


def pdf_settings(tmp_path_factory, name: str):
    """Settings over a fresh copy of a library of two bodies' papers: the sample performance report as a PDF
    (its original kept by hash) and the front of the sample agenda pack as text (the agenda, minutes and action
    tracker of the other body; the whole pack, ten times the paragraphs, would cost minutes of embedding here).
    Built once per session with the real model."""
    from boardqa.settings import Settings
    from boardqa.uploads import add_files
    from pdfgen import render_pdf

    base = tmp_path_factory.getbasetemp() / "app-pdf-library"
    if not (base / "data" / "index").exists():
        pdf, front = base / AGB_PDF, base / PACK_FRONT
        base.mkdir(parents=True, exist_ok=True)
        render_pdf(SAMPLE.read_text(encoding="utf-8"), pdf, two_blank_page_break=True)
        lines = PACK.read_text(encoding="utf-8").split("\n")[:PACK_FRONT_LINES]
        front.write_text("\n".join(lines) + "\n", encoding="utf-8")
        change = add_files([(pdf, pdf.name), (front, front.name)], Settings.load(index_dir=base / "data" / "index"))
        assert change.changed and not any(line.startswith("error") for line in change.lines), change.text
    own = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(base / "data", own)
    settings = Settings.load(index_dir=own / "index")
    settings.app.password = ""
    settings.app.port = free_port()
    return settings
