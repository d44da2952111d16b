"""Shared by the index tests: a small fake embedder, three source files and an index built from them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fakes import FakeEmbedder as BaseFakeEmbedder

from boardqa.settings import Settings
from corpus.records import Paragraph, make_doc_id
from index import Index, update_index

ROOT = Path(__file__).resolve().parents[1]


class FakeEmbedder(BaseFakeEmbedder):
    """Deterministic bag-of-words vectors (tests/fakes.py) with this file's small dimension and model id."""

    def __init__(self, model_id: str = "fake@0123456789ab", dim: int = 16, delay: float = 0.0) -> None:
        super().__init__(dim=dim, delay=delay, model_id=model_id)


def make_file(name: str, texts: list[str], paper: str = "", date: str = "2025-05-14", body: str = "",
              committee: str = "") -> tuple:
    """A source file as update_index receives it: (name, sha256, paragraphs)."""
    sha = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    doc_id = make_doc_id(name, sha)
    paper = paper or f"Report {name}"
    paras = [Paragraph(doc_id=doc_id, doc=name, doc_title=paper, paper=paper, label=f"{i + 1}", text=t,
                       section="Performance", date=date, pages=(1,), seq=i, body=body, committee=committee)
             for i, t in enumerate(texts)]
    return name, sha, paras


POLICE = make_file("agb-2025-05.txt", [
    "In 2024/25, there were 31 homicides recorded by WMP, a reduction of 14 compared to the previous year.",
    "The force budget for 2025/26 is £1,140 million, an increase of 3.7 per cent.",
    "Victim satisfaction with the service was 71 per cent.",
], paper="Police and Crime Plan Performance")
FIRE = make_file("fire-2025-01.txt", [
    "Fire engines reached 80 per cent of incidents within five minutes.",
    "Home fire safety visits rose to 12,000.",
], paper="Fire Service Report", date="2025-01-20", body="County Fire Authority", committee="Scrutiny Committee")
UNDATED = make_file("notes.txt", ["Notes of an informal briefing on estates."], paper="Briefing", date="")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index")


@pytest.fixture
def built(settings: Settings) -> Index:
    update_index(settings.index_dir, settings, [POLICE, FIRE, UNDATED], embedder=FakeEmbedder())
    return Index.load(settings.index_dir)


def texts_of(index: Index) -> list[str]:
    return [p.text for p in index.paragraphs]
