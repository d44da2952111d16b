"""The label inventory check: label recall/precision, doubles, traps, text coverage and pages, computed by hand."""

from __future__ import annotations

import json

import pytest

from corpus.records import FileReport, Paragraph
from evals.cli import load_thresholds, main
from evals.inventory import (
    InventoryEntry, InventoryFileError, check, load_inventory, normalise_label, our_labels, page_check, pool,
    record_words, score_file, words,
)


def para(label, text, seq, printed=True, paper="P", part="", pages=(1,), section="", doc_title="T", piece=0):
    return Paragraph(doc_id="f.pdf@1", doc="f.pdf", doc_title=doc_title, paper=paper, label=label, text=text,
                     section=section, part=part, pages=tuple(pages), seq=seq, printed=printed, piece=piece)


def test_labels_are_normalised_before_comparing():
    assert normalise_label("  ¶ 3.7 ") == "3.7"
    assert normalise_label("Item  4\n¶2") == "Item 4 ¶2"
    assert normalise_label("FGB 98/2122") == "FGB 98/2122"


def test_derived_labels_and_the_pieces_of_one_split_paragraph_are_not_counted_twice():
    records = [
        para("Cover", "Front sheet", 0, printed=False),
        para("1", "first half", 1), para("1", "second half", 2, piece=1),  # one paragraph split in two
        para("2", "two", 3),
        para("2", "2 printed again just after (a repeated number)", 4),
        para("1", "a later paragraph 1 of another paper", 5, paper="Q"),
        para("2", "two again, not adjacent", 6),
    ]
    assert our_labels(records) == ["1", "2", "2", "1", "2"]


def test_words_are_letter_runs_of_two_or_more_case_folded_without_soft_hyphens():
    assert words("The £8,358 ﬁnal in\u00adternal A-team x 2024") == ["the", "final", "internal", "team"]


def test_file_scores_by_hand():
    entry = InventoryEntry(name="f.pdf", labels=("1", "2", "3", "3", "4"), traps=("7.30pm", "5", "¶9"))
    records = [
        para("1", "Apologies were received.", 0),
        para("2", "The clerk reported.", 1, pages=(2,)),
        para("2", "The clerk reported again.", 3, pages=(2,)),  # a second `2`: found twice
        para("3", "Planning was noted.", 4, pages=(2,)),
        para("9", "Stray.", 5, pages=(2,)),                      # a trap, and not in the inventory
        para("Table 1", "Payee Amount", 6, printed=False, pages=(2,)),
    ]
    pages = ["Minutes Apologies were received", "The clerk reported The clerk reported again Planning was noted "
             "Stray Payee Amount Dropped footer words"]
    report = FileReport(path="f.pdf", doc_id="f.pdf@1", paragraphs=tuple(records))
    s = score_file(entry, report, pages)
    assert (s.expected, s.ours, s.matched) == (5, 5, 3)              # 1, 2, 3 matched
    assert s.recall == pytest.approx(3 / 5) and s.precision == pytest.approx(3 / 5)
    assert sorted(s.missing_labels) == ["3", "4"] and sorted(s.extra_labels) == ["2", "9"]
    assert s.found_twice == (("2", 2),)
    assert s.traps_taken == ("9",)
    # Source words: minutes apologies were received | the clerk reported (x2) again planning was noted stray payee
    # amount dropped footer words = 4 + 3 + 4 + 3 + 1 + 2 + 3 = 20; the records lack `minutes`, `dropped`,
    # `footer`, `words`; `t` (doc title) is one letter, not a word.
    assert s.words == 20 and s.covered_words == 16
    assert s.coverage == pytest.approx(16 / 20)
    assert dict(s.missing_words) == {"minutes": 1, "dropped": 1, "footer": 1, "words": 1}
    # Quotable sentences (3+ words): `Apologies were received`, `The clerk reported`, `The clerk reported again`,
    # `Planning was noted`; all on their pages.
    assert (s.quotes, s.quotes_on_page) == (4, 4)


def test_running_lines_the_reader_reports_count_as_accounted_for_but_not_as_in_the_records():
    entry = InventoryEntry(name="f.pdf", labels=("1",))
    records = [para("1", "Apologies were received.", 0)]
    pages = ["Minutes May Apologies were received Page of", "Minutes May Page of", "Minutes May Page of"]
    silent = score_file(entry, FileReport(path="f.pdf", doc_id="f.pdf@1", paragraphs=tuple(records)), pages)
    # Reported: the header twice (its first copy is `Minutes May` heading page 1, say) and `Page # of #` three times.
    running = (("Minutes May", 2), ("Page 1 of 3", 3))
    reported = score_file(entry, FileReport(path="f.pdf", doc_id="f.pdf@1", paragraphs=tuple(records),
                                            running=running), pages)
    assert silent.words == reported.words == 15
    assert silent.covered_words == silent.record_words == reported.record_words == 3
    assert reported.covered_words == 3 + 2 * 2 + 3 * 2  # one `minutes may` is neither in a record nor reported
    assert reported.in_records == pytest.approx(3 / 15) and reported.coverage == pytest.approx(13 / 15)
    assert dict(reported.missing_words) == {"minutes": 1, "may": 1}
    assert pool([reported])["in_records"] == pytest.approx(3 / 15)


def test_a_sentence_on_another_page_than_the_record_says_is_reported():
    records = [para("1", "Budget was approved today. Ok.", 0, pages=(1,)), para("2", "Grants were agreed.", 1, pages=(1,))]
    total, ok, off = page_check(records, ["Budget was approved today", "Grants were agreed"])
    assert (total, ok) == (2, 1)
    assert off == ("2 p.1: Grants were agreed.",)


def test_titles_and_sections_cover_words_once_however_many_records_repeat_them():
    records = [para(f"Item {i}", "x", i, section="Finance report", paper="Finance minutes") for i in range(5)]
    records.append(para("Item 4", "continued", 5, section="Finance report", paper="Finance minutes", piece=1))
    assert record_words(records) == {"finance": 2, "report": 1, "minutes": 1, "item": 5, "continued": 1}


def test_pooled_figures_are_micro_averages_and_the_lowest_file_recall():
    a = score_file(InventoryEntry("a", ("1", "2")), FileReport("a", paragraphs=(para("1", "x", 0),)), None)
    b = score_file(InventoryEntry("b", ("1", "2", "3", "4")),
                   FileReport("b", paragraphs=tuple(para(str(i), "x", i) for i in (1, 2, 3, 4))), None)
    c = score_file(InventoryEntry("c", ()), FileReport("c", paragraphs=(para("7", "x", 0),)), None)
    broken = score_file(InventoryEntry("d", ("1",)), FileReport("d", error="d: cannot read"), None)
    o = pool([a, b, c, broken])
    assert (o["expected"], o["ours"], o["matched"]) == (7, 6, 5)
    assert o["recall"] == pytest.approx(5 / 7) and o["precision"] == pytest.approx(5 / 6)
    assert o["min_file_recall"] == 0.0 and o["errors"] == 1          # the unreadable file counts as recall 0
    assert c.recall is None and c.precision == 0.0
    assert o["coverage"] is None                                      # no text was read


def test_threshold_bounds_lower_and_upper():
    overall = {"recall": 0.95, "precision": 0.99, "traps_taken": 1, "min_coverage": 0.995}
    failures = check(overall, {"recall": 0.98, "precision": 0.97, "traps_max": 0, "min_coverage": 0.99,
                               "note": "ignored"})
    assert failures == ["inventory recall: 0.950 is below the threshold 0.98",
                        "inventory traps_taken: 1 is above the maximum 0"]


@pytest.mark.parametrize("data, reason", [
    ([], "expected an object"),
    ({"f.pdf": {"labels": []}}, "papers"),
    ({"f.pdf": {"papers": [{"labels": [1]}]}}, "paper 1 labels should be a list of strings"),
    ({"f.pdf": {"papers": [], "traps": "5"}}, "traps should be a list of strings"),
])
def test_a_malformed_inventory_is_named(tmp_path, data, reason):
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InventoryFileError, match=reason):
        load_inventory(path)


SAMPLE = """Minutes of the Finance Committee

1. The committee approved the budget for the year.

2. The clerk reported that the audit had been completed.

3. Members noted the grant of 1000 pounds.
"""


def test_eval_inventory_end_to_end_on_a_text_file(tmp_path, capsys):
    (tmp_path / "minutes.txt").write_text(SAMPLE, encoding="utf-8")
    inventory = {"minutes.txt": {"papers": [{"title": "Minutes", "labels": ["1", "2", "3", "4"]}],
                                 "traps": ["1000"]},
                 "absent.pdf": {"papers": [{"title": "Gone", "labels": ["1"]}], "traps": []}}
    (tmp_path / "inventory.json").write_text(json.dumps(inventory), encoding="utf-8")
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps({"system": {}, "inventory": {"recall": 0.7, "traps_max": 0}}))
    code = main(["--inventory", str(tmp_path / "inventory.json"), "--report", str(tmp_path / "out"),
                 "--check-thresholds", "--thresholds", str(thresholds)])
    out = capsys.readouterr()
    assert code == 1                                                  # recall 3/5 < 0.7
    assert "inventory recall: 0.600 is below the threshold 0.7" in out.err
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    files = {f["file"]: f for f in data["inventory"]["files"]}
    assert (files["minutes.txt"]["matched"], files["minutes.txt"]["expected"]) == (3, 4)
    assert files["minutes.txt"]["coverage"] == 1.0
    assert "no such file" in files["absent.pdf"]["error"]
    assert "| **overall** | 5 | 3 | 3 | 0.600 | 1.000 |" in (tmp_path / "out" / "report.md").read_text()


def test_inventory_thresholds_reject_unknown_bounds(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"system": {}, "inventory": {"recal": 0.9}}))
    with pytest.raises(ValueError, match="unknown inventory bound 'recal'"):
        load_thresholds(path)
