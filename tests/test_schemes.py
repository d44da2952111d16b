"""One test per numbering scheme of other bodies' papers, on PDFs generated in several layouts.

Each paper is written the way such bodies print it, rendered with a running header, a page-of-N footer or bare
page numbers, and short or long pages; the labels must come out as a citation reads them, in order, whatever
the layout. The development set (`../shared/papers`) is scored as a whole by `boardqa eval --inventory`.
"""

from __future__ import annotations

import pytest

from corpus.ingest import read_file
from pdfgen import render_pdf

LAYOUTS = {
    "header-and-page-of-n": dict(header="Minutes of the meeting, 9 May 2022", footer="Page {n} of {total}"),
    "bare-page-numbers": dict(header=None, footer="{n}", lines_per_page=24),
    "short-pages": dict(header=None, footer="Page {n}", lines_per_page=14),
}

COMMITTEE_MINUTES = """ASHFORD PRIMARY SCHOOL BOARD OF GOVERNORS
Learning Committee
Minutes of the meeting held on 9 May 2022

LW 64/2122 Welcome and apologies
LW 65/2122 Declaration of interests
LW 66/2122 Minutes of the last meeting

LW 64/2122 Welcome and apologies. The chair welcomed governors and apologies were received from two members.

LW 65/2122 Declaration of interests. None were declared by any governor present at the meeting.

LW 66/2122 Minutes of the last meeting
a. The minutes were agreed as a true record and signed by the chair.
b. Matters arising were discussed and the following visits were reported:
1) Safeguarding visit by the link governor, with recommendations for the staff.
2) Reading visit by two governors, who heard pupils read in every class.
c. The clerk will place the minutes on the website.
"""

ITEMS_UNDER_HEADINGS = """City Council Meeting Minutes
December 10, 2018

UNFINISHED BUSINESS
1. Review of the decision on a development permit for a duplex on the main road.
The council discussed the findings and approved them unanimously.
2. Continuation of the hearing on the tree ordinance, which was read a third time.

CONSENT AGENDA
1. Minutes from the November City Council meeting were accepted with one amendment.
1. Note that there was an inconsistency in the plans presented to the council.
2. Financials for November were accepted as presented.

COMMITTEE REPORTS
1. Transportation. The chair reported on the new bus shelters along the main road.
2. Parks. The water was shut off in all the city parks for the winter months.
"""

MINUTE_PATHS = """Annual General Meeting
Minutes of the Annual General Meeting held on 11 February 2006

AGM-2006/1 The agenda, as presented, was accepted without dissent by the members present.
AGM-2006/2 The minutes of the previous meeting were read and signed as an accurate record.
AGM-2006/3 The national co-ordinator made his report first:
3.1 The chairman informed the meeting:
3.1.a The debate has now become a conflict between the campaign and the government
3.1.b He is pleased that the campaign is now found both in the media and in parliament
3.2 The treasurer reported:
3.2.a the accounts appear to be in order
3.2.a.i the association has remained solvent all year
3.2.a.ii a healthy contingency balance is kept for the roadshow
AGM-2006/4 The accounts were presented and accepted by the members present.
"""

NESTED_LIST = """Lessons learned report
1. Introduction
This paper sets out what the project learned about publishing open data for the board.
2. Learning for the Board
The board is asked to note three lessons from the project:
1. Create a shared and constructive space for the members to work together on the data.
2. Recognise that transparency means different things to different people in the public.
3. Understand the landscape for different transparency projects before starting a new one.
3. Next steps
The team will report back to the board at its next meeting in the autumn.
"""

ORDER_OF_BUSINESS = """Annual General Meeting
Order of Business
1 Election of the chair of the meeting
2 Apologies for absence
3 Elections to the Board
3.1 Chair
3.2 Vice-Chair
4 Other Business
5 Close

Minutes of the Previous Annual General Meeting
AGM-2006/1 The agenda was accepted without dissent by the members present.
AGM-2006/2 Board elections
Changes to the nominees were detailed: one candidate withdrew his candidature
2.1 For the post of the Chair, Mark Lowe was proposed and elected without dissent.
2.2 For the post of the Vice-Chair, Dana Shaw was proposed and elected
2.3 The three candidates for the ordinary members were:
2.3.a Jim Crane, a founding member
2.3.b Ann Roberts, a campaigner
AGM-2006/3 The meeting closed at 13:40.
"""

ANNEX_LIST = """Business case for the release of vehicle data
1. Summary
The agency holds a valuable data set which could be released to everyone at no charge.
2. Context
The data set is sold today to a few companies under licence, at a price set to recover costs.
Annex A: Case studies
A.1 Current licensees
There are eight companies which buy the data. Ideally, the savings would have these effects:
1. They are passed on to the end user as lower prices for the products built on the data.
2. This would encourage their role as intermediaries who build services on the data.
A.2 Case Study 2
The second case study shows strong demand for a more accessible release of the data.
"""

HEADING_SUB_ITEMS = """Minutes of the Full Governing Body, 23 May 2022
FGB 113/2122 Information from the clerk. New governors were advised of the documents they will receive.
FGB 114/2122 Matters for the next agenda
The following matters were agreed for the next agenda:
a. Teaching and Learning
b. Finance
c. Committee Reports
a. Learning Committee (27 June 2022)
b. Business Committee (4 July 2022)
d. Policies and other documents
FGB 115/2122 Date of next meeting: Monday 11 July 2022 at the school.
"""

REPEATED_NUMBER = """Panel minutes, 14 February 2014
4. Licensing
4.1 The panel discussed the type of licence that would suit the data best.
5. Updates from members
5.1 John Moss outlined his idea, which had recently been put to the board.
5.1 Mary Knox explained that in her force's case the data was already published.
5.2 Will Price described his experience of a similar process in another department.
"""


def _labels(tmp_path, text: str, layout: dict) -> list[str]:
    path = tmp_path / "paper.pdf"
    render_pdf(text, path, **layout)
    report = read_file(path, max_bytes=10_000_000)
    assert report.ok, report.error
    return [p.label for p in report.paragraphs if p.printed and not p.piece]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_committee_references_with_lettered_and_bracketed_sub_items(tmp_path, layout):
    labels = _labels(tmp_path, COMMITTEE_MINUTES, layout)
    # The agenda list at the top repeats the references: it is a contents list, not three more paragraphs.
    assert labels == ["LW 64/2122", "LW 65/2122", "LW 66/2122", "LW 66/2122(a)", "LW 66/2122(b)",
                      "LW 66/2122(b)(1)", "LW 66/2122(b)(2)", "LW 66/2122(c)"]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_items_numbered_again_under_each_heading_read_with_the_heading(tmp_path, layout):
    labels = _labels(tmp_path, ITEMS_UNDER_HEADINGS, layout)
    assert labels == ["Unfinished Business ¶1", "Unfinished Business ¶2", "Consent Agenda ¶1",
                      "Consent Agenda ¶1(1)", "Consent Agenda ¶2", "Committee Reports ¶1", "Committee Reports ¶2"]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_printed_paths_under_a_minute_take_its_reference(tmp_path, layout):
    labels = _labels(tmp_path, MINUTE_PATHS, layout)
    assert labels == ["AGM-2006/1", "AGM-2006/2", "AGM-2006/3", "AGM-2006/3.1", "AGM-2006/3.1.a", "AGM-2006/3.1.b",
                      "AGM-2006/3.2", "AGM-2006/3.2.a", "AGM-2006/3.2.a.i", "AGM-2006/3.2.a.ii", "AGM-2006/4"]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_a_list_numbered_inside_a_section_belongs_to_it(tmp_path, layout):
    labels = _labels(tmp_path, NESTED_LIST, layout)
    assert labels == ["1", "2", "2(1)", "2(2)", "2(3)", "3"]


def test_sub_items_keep_their_parent(tmp_path):
    path = tmp_path / "paper.pdf"
    render_pdf(COMMITTEE_MINUTES, path, header=None, footer="{n}")
    by_label = {p.label: p for p in read_file(path, max_bytes=10_000_000).paragraphs}
    assert by_label["LW 66/2122(b)(1)"].parent == "LW 66/2122"
    assert by_label["LW 66/2122(b)(1)"].text.startswith("Safeguarding visit")
    assert by_label["LW 66/2122"].parent == ""


def test_front_sheet_names_body_committee_and_date(tmp_path):
    path = tmp_path / "paper.pdf"
    render_pdf(COMMITTEE_MINUTES, path, header=None, footer="{n}")
    first = read_file(path, max_bytes=10_000_000).paragraphs[0]
    assert (first.body, first.committee, first.date) == ("Ashford Primary School Board of Governors", "Learning Committee", "2022-05-09")


WRAPPED_FRONT = """Overview and Scrutiny
and Health Select
Committee
Agenda

Date: Tuesday 7 March 2023 at 4.00 pm

1. The committee received the report on access to dental care and asked for figures by ward.

2. The committee agreed to hold a further evidence session in the spring.
"""


def test_a_committee_name_set_over_several_short_lines_of_a_front_sheet_is_read_whole(tmp_path):
    from corpus.front import read_front

    path = tmp_path / "pack.pdf"
    render_pdf(WRAPPED_FRONT, path, header=None, footer="{n}")
    paragraphs = read_file(path, max_bytes=10_000_000).paragraphs
    assert {p.committee for p in paragraphs} == {"Overview and Scrutiny and Health Select Committee"}
    # A line that names a body already is not a fragment: `Committee Room 2` is where it meets, not its name.
    assert read_front(["Police and Crime Panel", "Committee Room 2", "5 January 2026"]) == \
        ("Police and Crime Panel", "", "2026-01-05")
    assert read_front(["Committee:", "Date:"]) == ("", "", "")


def test_an_organisation_a_sentence_or_table_row_mentions_is_not_the_papers_body():
    from corpus.front import read_front

    row = ["Action Log as of 2 March 2011", "Meeting date Action Deadline Progress",
           "Team to support the Department in establishing a Transport Sector Panel. Mar-2011 On track"]
    assert read_front(row).body == ""
    assert read_front(["FEDERAL RETIREMENT THRIFT INVESTMENT BOARD 77 K Street NE, Washington, DC 20002"]).body == \
        "Federal Retirement Thrift Investment Board"
    assert read_front(["Minutes of the Meeting of Souldern Parish Council held on 29 January 2026"]).body == \
        "Souldern Parish Council"


@pytest.mark.parametrize("text", [
    "02.03.11 TRANSPARENCY BOARD\nThe board met in London and agreed its plan for the year.",
    "Meeting times\n11.10 - 11.30 Welcome and introductions from the chair of the panel.",
    "Chart of participants\n469\n558\n732",
])
def test_dates_times_and_figures_are_not_labels(tmp_path, text):
    assert _labels(tmp_path, text, dict(header=None, footer=None)) == []


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_an_order_of_business_keeps_every_entry_and_minute_paths_follow_any_line(tmp_path, layout):
    labels = _labels(tmp_path, ORDER_OF_BUSINESS, layout)
    # `3 Elections` over `3.1 Chair` is an entry of the list, not a heading; `5 Close` is its last entry.
    # `2.1` follows a line with no full stop and `2.3` follows one: each is the minute's next printed path.
    assert labels == ["1", "2", "3", "3.1", "3.2", "4", "5", "AGM-2006/1", "AGM-2006/2", "AGM-2006/2.1",
                      "AGM-2006/2.2", "AGM-2006/2.3", "AGM-2006/2.3.a", "AGM-2006/2.3.b", "AGM-2006/3"]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_a_list_numbered_inside_a_referenced_unit_belongs_to_it(tmp_path, layout):
    labels = _labels(tmp_path, ANNEX_LIST, layout)
    assert labels == ["1", "2", "A.1", "A.1(1)", "A.1(2)", "A.2"]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_a_list_under_a_heading_item_nests_even_in_the_same_style(tmp_path, layout):
    labels = _labels(tmp_path, HEADING_SUB_ITEMS, layout)
    assert labels == ["FGB 113/2122", "FGB 114/2122", "FGB 114/2122(a)", "FGB 114/2122(b)", "FGB 114/2122(c)",
                      "FGB 114/2122(c)(a)", "FGB 114/2122(c)(b)", "FGB 114/2122(d)", "FGB 115/2122"]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_a_number_printed_twice_is_two_paragraphs(tmp_path, layout):
    labels = _labels(tmp_path, REPEATED_NUMBER, layout)
    assert labels == ["4.1", "5.1", "5.1", "5.2"]


VENUES_IN_TWO_COLUMNS = """Annual General Meeting, 12 May 2007
Places to eat close to the hall
A.
The Clarendon
52 Cambridge Street
D.
The Constitution
42 Churton Street
B.
The Contented Vine
17 Sussex Street
E.
The Rising Sun
46 Ebury Bridge Road
C.
The White Ferry
1A Sutherland Street
"""


@pytest.mark.parametrize("layout", list(LAYOUTS.values())[:2], ids=list(LAYOUTS)[:2])
def test_lettered_entries_printed_in_two_columns_come_back_in_letter_order(tmp_path, layout):
    path = tmp_path / "paper.pdf"
    render_pdf(VENUES_IN_TWO_COLUMNS, path, **layout)
    entries = [p for p in read_file(path, max_bytes=10_000_000).paragraphs if p.printed]
    assert [p.label for p in entries] == ["A", "B", "C", "D", "E"]
    assert entries[3].text == "The Constitution 42 Churton Street"


@pytest.mark.parametrize("text, iso", [("December 17, 2021", "2021-12-17"), ("Jan 22, 2026 (approved)", "2026-01-22"),
                                       ("held on Monday 5th January 2026", "2026-01-05"), ("May 2025", "2025-05"),
                                       ("March 31, 2005 and 1 April 2006", "2005-03-31")])
def test_meeting_dates_read_in_either_order_of_day_and_month(text, iso):
    from corpus.meta import find_date

    assert find_date(text) == iso


SLIDES = """Access to GP services: presentation to the committee


Overview of general practices


21 Practices
Smallest list size: 2,303
4 Primary Care Networks
Registered population: 205,984


Number of practices and networks
Practices Smallest Largest Networks
21
2,303
21,555
4
The practices and their list sizes as of 31 August 2023 are shown in the table below.
"""

SUPPLEMENT = """Adult Social Care Committee
Supplementary agenda, 24 October 2023
8 Scrutiny Review of Access to GPs and Primary Medical Care
To consider information on this scrutiny topic from the Integrated Care Board.
(Pages 7 - 56)
"""

MINUTES_GO_ON = """Tintern Community Council
Minutes of a meeting held on 29 October 2018
Present: the chair, four councillors and the clerk.
Apologies were received from two councillors.


2587 Updates: the council will resurface the road in the new year.
2588 Planning: no objection was raised to the application for the barn.
"""


def test_a_small_number_first_met_inside_a_paper_is_not_a_label(tmp_path):
    # Each blank pair breaks the page: the slide's `4 Primary Care Networks` is on its third page.
    layout = dict(header=None, footer=None, two_blank_page_break=True)
    assert _labels(tmp_path, SLIDES, layout) == []
    assert _labels(tmp_path, SUPPLEMENT, layout) == ["8"]  # an agenda may start at its item 8, on its first page
    assert _labels(tmp_path, MINUTES_GO_ON, layout) == ["2587", "2588"]  # minutes continue their series


def test_a_front_sheets_date_is_its_titles_not_one_its_sentences_mention():
    from corpus.front import read_front

    minutes = ["UNCLASSIFIED", "Transparency Board Minutes", "02.03.11 TRANSPARENCY BOARD",
               "Minutes of the meeting held on 2 March at the Cabinet Office:",
               "Due: To be added to the Board forward agenda for May 2011."]
    assert read_front(minutes).date == "2011-03-02"
    assert read_front(minutes[:2] + minutes[3:]).date == ""  # no date of its own: never May 2011's
    timetable = ["Report to Cabinet /", "18.04.24 Cabinet / Approving Body"]
    assert read_front(timetable).date == ""  # dotted figures with no meeting named: not a date
    assert read_front(["Parish Council", "Minutes of the meeting held on 29 January 2026"]).date == "2026-01-29"


LEAD_IN = """Parish Council
Minutes of the meeting held on 29 January 2026

11. Planning - the following applications had been received and discussed:
25/03333/F Applegarth Bates Lane
NO OBJECTION - work is underway
Repair of part-fallen stone wall
25/03341/DISC Stonehaven High Street
NO OBJECTION
12. Finance - the accounts were approved for payment.
"""


def test_short_lines_after_a_paragraph_that_leads_in_with_a_colon_are_what_it_introduced(tmp_path):
    path = tmp_path / "minutes.pdf"
    render_pdf(LEAD_IN, path, header=None, footer=None)
    records = {p.label: p.text for p in read_file(path, max_bytes=10_000_000).paragraphs}
    assert "Applegarth Bates Lane" in records["11"] and "Stonehaven" in records["11"]
    assert "NO OBJECTION" in records["11"] and "Applegarth" not in records["12"]
    assert not any("Applegarth" in text for label, text in records.items() if label not in ("11",))


def _log(groups: int) -> str:
    rows = ["Open Data Group Action Log - 14 May 2013", "- All actions for next meeting unless otherwise stated", ""]
    for n in range(groups):
        rows += [f"Workstream Number {n} - Lead JC", f"Meet the working group about dataset {n} Carried forward",
                 f"Publish the benefits case for dataset {n} and circulate it to all members New",
                 f"Write to the department about the release of dataset {n} Completed", ""]
    return "\n".join(rows)


def test_a_long_unnumbered_log_is_read_as_its_groups_and_a_short_one_stays_whole(tmp_path):
    path = tmp_path / "log.pdf"
    render_pdf(_log(8), path, header=None, footer=None)
    records = read_file(path, max_bytes=10_000_000).paragraphs
    groups = [p for p in records if p.label.startswith("Workstream Number")]
    assert [p.label for p in groups] == [f"Workstream Number {n} - Lead JC" for n in range(8)]
    assert all(f"dataset {n}" in p.text and f"dataset {n + 1}" not in p.text for n, p in enumerate(groups))
    assert not any(p.printed for p in groups)  # labels made from the first line are not printed numbers
    render_pdf(_log(2), path, header=None, footer=None)
    short = read_file(path, max_bytes=10_000_000).paragraphs
    assert not any(p.label.startswith("Workstream Number") for p in short)  # a short list: one passage anyway
    assert any("dataset 0" in p.text and "dataset 1" in p.text for p in short)
