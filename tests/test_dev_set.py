"""The development set of other bodies' papers (`../shared/papers`), read file by file: every file opens, no trap
becomes a label, no file reads below the issue's floor, and a citation's words stand on the page its record gives.

The pooled figures are gated by `boardqa eval --inventory` in CI's evaluation step; these tests name the file that
falls short, so a chunker change that breaks one body's papers fails here with that body's name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.inventory import load_inventory, score_inventory

PAPERS = Path(__file__).resolve().parents[2] / "shared" / "papers"
pytestmark = pytest.mark.skipif(not (PAPERS / "inventory.json").is_file(), reason="../shared/papers is not here")

FILE_RECALL = 0.90  # issue 11: no file below 0.90
QUOTES_ON_PAGE = 0.97  # per file; pooled, the evaluation gate asks 0.99
COVERAGE = 0.99  # issue 11: 99 % of each PDF's words in some record, nothing silently dropped
IN_RECORDS = 0.975  # the records alone, before the running headers and footers the reader reports


@pytest.fixture(scope="module")
def scores():
    return score_inventory(load_inventory(PAPERS / "inventory.json"), PAPERS, max_bytes=100_000_000).files


def test_every_file_is_read(scores):
    assert [(f.name, f.error) for f in scores if f.error] == []


def test_no_trap_is_taken_and_no_file_reads_below_the_floor(scores):
    assert [(f.name, f.traps_taken) for f in scores if f.traps_taken] == []
    assert [(f.name, f.recall, f.missing_labels[:5]) for f in scores
            if f.recall is not None and f.recall < FILE_RECALL] == []


def test_quoted_words_stand_on_the_pages_each_record_gives(scores):
    assert [(f.name, f.pages) for f in scores if f.pages is not None and f.pages < QUOTES_ON_PAGE] == []
    assert sum(f.quotes for f in scores) > 1000  # the check looked at real quotes, not none


def test_every_file_has_its_words_in_records_or_reported_as_running_lines(scores):
    assert [(f.name, f.coverage, f.missing_words[:5]) for f in scores
            if f.coverage is not None and f.coverage < COVERAGE] == []
    assert [(f.name, f.in_records) for f in scores if f.in_records is not None and f.in_records < IN_RECORDS] == []
