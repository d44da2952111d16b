"""Headings told by their type size: a line printed larger than the body text after body text heads what follows,
and a row of figures in capitals is no heading."""

from __future__ import annotations

from pdfgen import styled_rows_pdf

from corpus.ingest import read_file


def _pdf(path, rows):
    """`rows`: (text, font, size) drawn from the top of an A4 page down, a blank line's space between them."""
    return styled_rows_pdf(path, rows, leading=2.2)


def _records(path):
    report = read_file(path, max_bytes=10_000_000)
    assert report.ok, report.error
    return {p.label: p.text for p in report.paragraphs}


def test_a_larger_line_after_a_list_heads_its_own_record(tmp_path):
    path = _pdf(tmp_path / "minutes.pdf", [
        ("Open Period Comments", "Helvetica", 18),
        ("● Mary Ann: the budget is not on the website. Some records for properties", "Helvetica", 10),
        ("have not been received from title companies yet.", "Helvetica", 10),
        ("Approval of Previous Minutes", "Helvetica", 18),
        ("Justin motioned to approve the minutes, Pat seconded the motion. The", "Helvetica", 10),
        ("minutes were approved.", "Helvetica", 10),
        ("Treasurer's Report", "Helvetica", 18),
        ("Bank Balances as of 1-22-26", "Helvetica", 12),
        ("Water $ 218,967.89", "Helvetica", 12),
        ("Operating $ 66,696.01", "Helvetica", 12),
        ("TOTAL $ 334,023.59", "Helvetica-Bold", 12),
        ("Eleven residents have already paid the second half assessments for a total of $18,150.", "Helvetica", 10),
        ("The treasurer's report was approved by the board at the meeting.", "Helvetica", 10),
    ])
    records = _records(path)
    assert "Approval of Previous Minutes" in records, list(records)
    assert "minutes were approved" in records["Approval of Previous Minutes"]
    assert not any("Approval" in text for label, text in records.items() if label != "Approval of Previous Minutes")
    assert "Water $ 218,967.89" in records["Treasurer's Report"]
    assert not any(label.startswith("TOTAL") for label in records), list(records)


def test_a_lead_in_ending_with_a_colon_inside_a_numbered_item_stays_in_the_item():
    from corpus.chunker import chunk_pages
    from corpus.records import Page

    text = ("1. Apologies were received from Councilor Ruble and from the City Engineer.\n\n"
            "2. Continuation of the hearing on the proposed tree ordinance. The City Attorney explained the ordinance.\n\n"
            "Proponents:\n\nNone.\n\nOpposed:\n\nMary Mann said that the old ordinance will save residents money.\n\n"
            "3. The financial report for November was accepted as presented by the Treasurer.\n")
    records = {p.label: p.text for p in chunk_pages([Page(1, text)], "minutes.txt", "minutes@1")}
    assert "Opposed:" in records["2"] and "Mary Mann" in records["2"], records
    assert not any(label.startswith(("Proponents", "Opposed")) for label in records)
