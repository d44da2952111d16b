"""A paper's title read from its typography (font size and weight through pypdf's visitor), and markings never titles."""

from __future__ import annotations

from pdfgen import styled_rows_pdf

from corpus.ingest import read_file

BODY = ("The panel considered the report on the release of the data and agreed the recommendations set out below, "
        "subject to the comments made at the meeting.")


def _pdf(path, rows):
    """`rows`: (text, font, size) drawn from the top of an A4 page down."""
    return styled_rows_pdf(path, rows)


def _papers(path):
    report = read_file(path, max_bytes=10_000_000)
    assert report.ok, report.error
    return list(dict.fromkeys(p.paper for p in report.paragraphs))


def test_the_title_is_the_display_line_that_says_more_than_the_bodys_name(tmp_path):
    path = _pdf(tmp_path / "paper.pdf", [
        ("UNCLASSIFIED", "Helvetica", 10),
        ("Open Data User Group (ODUG)", "Helvetica-Bold", 16),
        ("Vehicle Licensing Bulk Data: the Case for", "Helvetica-Bold", 14),
        ("an Open Release", "Helvetica-Bold", 14),
        ("August 2013", "Helvetica", 10),
        ("1. Summary", "Helvetica-Bold", 10),
        (BODY[:90], "Helvetica", 10),
        (BODY[90:], "Helvetica", 10),
        ("2. The recommendations were agreed by every member of the group present.", "Helvetica", 10),
    ])
    assert _papers(path) == ["Vehicle Licensing Bulk Data: the Case for an Open Release"]


def test_a_plainly_printed_title_is_kept_and_a_marking_is_never_a_title(tmp_path):
    path = _pdf(tmp_path / "paper.pdf", [
        ("OFFICIAL", "Helvetica", 10),
        ("Report on the Street Level Crime Data", "Helvetica", 10),
        ("1. Introduction", "Helvetica-Bold", 12),
        (BODY[:90], "Helvetica", 10),
        (BODY[90:], "Helvetica", 10),
        ("2. The data were published every month from January 2011 by the force.", "Helvetica", 10),
    ])
    assert _papers(path) == ["Report on the Street Level Crime Data"]


def test_a_room_or_chamber_named_after_a_committee_or_council_is_where_the_meeting_is_held():
    from corpus.front import names

    assert names("HELD ON 17 NOVEMBER 2025 AT 14:00 HOURS – COMMITTEE ROOM 3, CITY OF") == []
    assert names("Adult Social Care and Health Select Committee") == [("Adult Social Care and Health Select Committee",
                                                                       True)]
