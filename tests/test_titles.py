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


def test_an_address_and_a_chairs_name_are_not_the_title_of_minutes(tmp_path):
    path = _pdf(tmp_path / "minutes.pdf", [
        ("Harbour Users Advisory Panel", "Helvetica-Bold", 11),
        ("10:00-11:30, 14 February 2014", "Helvetica", 10),
        ("Ground Floor, Quay House, 12 Harbour Road, Plymouth, PL1 2AB", "Helvetica", 10),
        ("Chair: Dr Ann Example", "Helvetica", 10),
        ("Minutes", "Helvetica-Bold", 10),
        ("1. Welcome", "Helvetica-Bold", 10),
        (BODY[:90], "Helvetica", 10),
        (BODY[90:], "Helvetica", 10),
        ("2. The minutes of the last meeting were agreed as a true record by the panel.", "Helvetica", 10),
    ])
    report = read_file(path, max_bytes=10_000_000)
    assert {p.paper for p in report.paragraphs} == {"Minutes"}
    assert {p.meeting for p in report.paragraphs} == {"Harbour Users Advisory Panel"}


def test_a_memorandum_is_called_by_its_subject_and_its_sender_without_the_address(tmp_path):
    path = _pdf(tmp_path / "memo.pdf", [
        ("RIVER TRUST INVESTMENT BOARD 77 K Street NE, Washington, DC 20002", "Helvetica-Bold", 10),
        ("MEMORANDUM FOR THE EXECUTIVE DIRECTOR", "Helvetica-Bold", 10),
        ("FROM: Sam Example, Chief Investment Officer", "Helvetica", 10),
        ("DATE: December 9, 2021", "Helvetica", 10),
        ("SUBJECT: November 2021 Performance Review of the Funds", "Helvetica", 10),
        ("1. Summary", "Helvetica-Bold", 10),
        (BODY[:90], "Helvetica", 10),
        (BODY[90:], "Helvetica", 10),
        ("2. Every fund tracked its index within the limits the board has set for the year.", "Helvetica", 10),
    ])
    report = read_file(path, max_bytes=10_000_000)
    assert {p.paper for p in report.paragraphs} == {"November 2021 Performance Review of the Funds"}
    assert {p.meeting for p in report.paragraphs} == {"River Trust Investment Board"}


def test_minutes_are_titled_by_the_day_held_wherever_the_line_gives_it():
    from corpus.papers import _minutes_title

    assert _minutes_title("Minutes of a meeting of the above Council held in the Village Hall on Monday 29th "
                          "October 2018 at 7.00pm.") == "Minutes of the meeting held on 29th October 2018"
    assert _minutes_title("MINUTES OF THE MEETING HELD ON 17 NOVEMBER 2025") == \
        "Minutes of the meeting held on 17 November 2025"
    # a date printed after the name, with no "held on": the paper's date, not part of its name
    assert _minutes_title("MINUTES OF THE MEETING OF THE BOARD MEMBERS December 17, 2021") == \
        "Minutes of the Meeting of the Board Members"
    assert _minutes_title("Minutes of the Second Annual General Meeting (AGM) of the Society, 11th February, 2006, at "
                          "11:30am.") == "Minutes of the Second Annual General Meeting (AGM) of the Society"


def test_addresses_are_told_from_names():
    from corpus.front import is_address, without_address

    assert without_address("Lower Ground 6, Ministry of Justice, 102 Petty France, London, SW1H 9AJ") == ""
    assert without_address("BOARD OF THE FUND 77 K Street NE, Washington, DC 20002") == "BOARD OF THE FUND"
    assert not is_address("Police and Crime Panel, 5 January 2026")
    assert not is_address("Item 3: 2024/25 outturn of £12.5 million")


def test_a_front_sheet_laid_out_as_a_form_names_the_meeting_not_the_first_table(tmp_path):
    path = _pdf(tmp_path / "governors.pdf", [
        ("RIVERSIDE PRIMARY SCHOOL BOARD OF GOVERNORS", "Helvetica-Bold", 10),
        ("COMMITTEE Full Governing Body DATE 23 May 2022", "Helvetica", 10),
        ("GOVERNOR ATTENDANCE", "Helvetica-Bold", 10),
        ("1. Welcome", "Helvetica-Bold", 10),
        (BODY[:90], "Helvetica", 10),
        (BODY[90:], "Helvetica", 10),
        ("2. The minutes of the last meeting were agreed as a true record by the governors.", "Helvetica", 10),
    ])
    report = read_file(path, max_bytes=10_000_000)
    assert {p.paper for p in report.paragraphs} == {"Full Governing Body"}
    assert {p.date for p in report.paragraphs} == {"2022-05-23"}


def test_a_signature_left_over_from_the_paper_before_is_not_the_next_ones_title(tmp_path):
    path = _pdf(tmp_path / "minutes.pdf", [
        ("RIVER FUND BOARD", "Helvetica-Bold", 10),
        ("MINUTES OF THE MEETING OF THE BOARD MEMBERS", "Helvetica-Bold", 10),
        ("December 17, 2021", "Helvetica", 10),
        ("1. Approval of the Minutes of the November Board Meeting.", "Helvetica-Bold", 10),
        (BODY[:90], "Helvetica", 10),
        (BODY[90:], "Helvetica", 10),
        ("2. Adjourn. The members closed the meeting at 10:14 a.m. and the Chair adjourned it.", "Helvetica", 10),
        ("", "Helvetica", 10),
        ("Jane Example", "Helvetica", 10),
        ("General Counsel and Secretary", "Helvetica", 10),
        ("", "Helvetica", 10),
        ("Attachments", "Helvetica-Bold", 10),
        ("1. Fund Statistics November 2021", "Helvetica", 10),
        ("2. November 2021 Performance Review", "Helvetica", 10),
        ("3. Quarterly Vendor Risk Assessment", "Helvetica", 10),
    ])
    papers = _papers(path)
    assert "Jane Example" not in papers, papers
    assert papers[-1] == "Attachments", papers
