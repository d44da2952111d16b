"""Shared fixtures: the bundled sample papers, a temporary index folder, quiet offline settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return ROOT / "corpus" / "samples"


@pytest.fixture
def tmp_settings(tmp_path):
    from boardqa.settings import Settings

    return Settings.load(index_dir=tmp_path / "index")
