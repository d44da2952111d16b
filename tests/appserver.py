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
