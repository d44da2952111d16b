"""Every gold evidence string is in the text of its gold paragraph as the chunker produces it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus.ingest import read_file, sample_files

GOLD = Path(__file__).resolve().parent.parent / "evals" / "gold" / "gold.jsonl"


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().lower()


@pytest.fixture(scope="module")
def paragraphs():
    return {f.name: read_file(f, max_bytes=10**8).paragraphs for f in sample_files()}


def test_gold_evidence_is_in_the_gold_paragraph(paragraphs):
    missing = []
    for line in GOLD.read_text().splitlines():
        item = json.loads(line)
        for gold in item["gold"]:
            found = [p for p in paragraphs[gold["doc"]]
                     if p.label == gold["label"] and p.part == gold["part"] and _fold(gold["evidence"]) in _fold(p.text)]
            if not found:
                missing.append((item["id"], gold["part"], gold["label"], gold["evidence"][:60]))
    assert missing == []
