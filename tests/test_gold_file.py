"""Schema and evidence checks for the hand-written evaluation gold set (evals/gold/gold.jsonl)."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD_PATH = ROOT / "evals" / "gold" / "gold.jsonl"
SAMPLES = ROOT / "corpus" / "samples"

KINDS = {"numeric", "paraphrase", "public", "minutes", "action_tracker", "table", "multipart", "unanswerable"}
SPLITS = {"dev", "test"}
ITEM_KEYS = {"id", "split", "kind", "question", "answer", "facts", "gold", "answerable"}
GOLD_KEYS = {"doc", "paper", "part", "label", "evidence"}
MIN_ITEMS = 150
MIN_UNANSWERABLE_SHARE = 0.15


def fold(text: str) -> str:
    """Case-insensitive, whitespace-folded form used for every containment check."""
    return re.sub(r"\s+", " ", text).strip().lower()


def load_gold() -> list[dict]:
    rows = []
    for n, line in enumerate(GOLD_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{GOLD_PATH}:{n}: not valid JSON ({exc}); fix the line") from exc
    return rows


@lru_cache(maxsize=None)
def sample_blocks(doc: str) -> tuple[str, ...]:
    """The sample file split at blank lines (page breaks and paragraph gaps), each block folded."""
    text = (SAMPLES / doc).read_text(encoding="utf-8")
    return tuple(fold(block) for block in re.split(r"\n\s*\n", text) if block.strip())


GOLD = load_gold()
ANSWERABLE = [row for row in GOLD if row.get("answerable")]


def test_gold_file_has_enough_items() -> None:
    assert len(GOLD) >= MIN_ITEMS


def test_every_item_has_exactly_the_schema_keys() -> None:
    bad = [row.get("id") for row in GOLD if set(row) != ITEM_KEYS]
    assert not bad, f"items with missing or extra keys: {bad}"


def test_ids_are_unique() -> None:
    dupes = [i for i, n in Counter(row["id"] for row in GOLD).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_kinds_and_splits_come_from_the_allowed_sets() -> None:
    assert {row["kind"] for row in GOLD} <= KINDS
    assert {row["split"] for row in GOLD} <= SPLITS


def test_every_kind_appears_in_both_splits() -> None:
    seen = {(row["kind"], row["split"]) for row in GOLD}
    missing = [(k, s) for k in KINDS for s in SPLITS if (k, s) not in seen]
    assert not missing, f"kind/split combinations with no items: {missing}"


def test_at_least_fifteen_percent_are_unanswerable() -> None:
    unanswerable = [row for row in GOLD if not row["answerable"]]
    assert len(unanswerable) / len(GOLD) >= MIN_UNANSWERABLE_SHARE


def test_unanswerable_items_have_no_facts_and_no_gold() -> None:
    bad = [row["id"] for row in GOLD if not row["answerable"] and (row["facts"] or row["gold"])]
    assert not bad, f"unanswerable items carrying facts or gold: {bad}"
    assert all(row["kind"] == "unanswerable" for row in GOLD if not row["answerable"])
    assert all(row["answerable"] for row in GOLD if row["kind"] != "unanswerable")


def test_answerable_items_have_gold_and_facts() -> None:
    bad = [row["id"] for row in ANSWERABLE if not row["gold"] or not row["facts"]]
    assert not bad, f"answerable items without gold paragraphs or facts: {bad}"


def test_questions_and_answers_are_non_empty_strings() -> None:
    bad = [row["id"] for row in GOLD if not (row["question"].strip() and row["answer"].strip())]
    assert not bad


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda row: row["id"])
def test_every_fact_is_in_the_answer_or_an_evidence_string(row: dict) -> None:
    haystack = fold(" || ".join([row["answer"], *(g["evidence"] for g in row["gold"])]))
    missing = [fact for fact in row["facts"] if fold(fact) not in haystack]
    assert not missing, f"{row['id']}: facts not supported by answer or evidence: {missing}"


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda row: row["id"])
def test_gold_entries_are_well_formed(row: dict) -> None:
    for gold in row["gold"]:
        assert set(gold) == GOLD_KEYS, f"{row['id']}: gold keys {sorted(gold)}"
        assert (SAMPLES / gold["doc"]).is_file(), f"{row['id']}: unknown doc {gold['doc']!r}"
        assert gold["label"] and gold["paper"], f"{row['id']}: empty label or paper"
        evidence = gold["evidence"]
        assert 10 <= len(evidence) <= 200, f"{row['id']}: evidence length {len(evidence)}"
        # Markdown markers are not part of the paragraph text a reader sees.
        assert "**" not in evidence and "](#)" not in evidence, f"{row['id']}: markdown in evidence"
        leading_label = re.match(rf"^\s*-?\s*{re.escape(gold['label'])}\.?\s", evidence)
        assert not leading_label, f"{row['id']}: evidence starts with its paragraph number: {evidence[:30]!r}"


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda row: row["id"])
def test_every_evidence_occurs_verbatim_in_its_sample_file(row: dict) -> None:
    for gold in row["gold"]:
        text = fold((SAMPLES / gold["doc"]).read_text(encoding="utf-8"))
        assert fold(gold["evidence"]) in text, f"{row['id']}: evidence not in {gold['doc']}: {gold['evidence']!r}"


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda row: row["id"])
def test_no_evidence_spans_a_blank_line(row: dict) -> None:
    for gold in row["gold"]:
        needle = fold(gold["evidence"])
        assert any(needle in block for block in sample_blocks(gold["doc"])), (
            f"{row['id']}: evidence crosses a blank line (page break) in {gold['doc']}: {gold['evidence']!r}"
        )
