"""The library as listed (grouped by body, committee and meeting date; filters), example questions taken from the
library in use, meeting and date beside every reference, and what an upload reports per paper."""

from __future__ import annotations

from corpus.records import FileReport, Paragraph
from qa.contract import Answer, Citation


def para(doc: str, paper: str, label: str, section: str = "", *, body: str = "", committee: str = "",
         meeting: str = "", date: str = "", seq: int = 0) -> Paragraph:
    return Paragraph(doc_id=f"{doc}@0123456789ab", doc=doc, doc_title=paper, paper=paper, label=label,
                     text=f"Paragraph {label} of {paper}.", section=section, meeting=meeting, date=date,
                     body=body, committee=committee, seq=seq)


LIBRARY = [
    para("school-lw.pdf", "Minutes", "LW 1", "LW 72/2122 Governors", body="Decoy Primary School",
         committee="Learning & Wellbeing Committee", date="2022-05-09"),
    para("school-lw.pdf", "Minutes", "LW 2", "Pupil Premium Strategy", body="Decoy Primary School",
         committee="Learning & Wellbeing Committee", date="2022-05-09", seq=1),
    para("school-fgb.pdf", "Minutes", "FGB 1", "3. Headteacher's Report", body="Decoy Primary School",
         committee="Full Governing Body", date="2022-05-23"),
    para("parish.pdf", "Minutes of the Parish Council", "01.26.12", "Finance and Precept",
         body="Souldern Parish Council", date="2026-01-29"),
    para("parish.pdf", "Minutes of the Parish Council", "01.26.13", "Playground Inspection Report",
         body="Souldern Parish Council", date="2026-01-29", seq=1),
    para("old-panel.txt", "Agenda", "1", "Introduction", meeting="Local Public Data Panel", date="2013-10-17"),
]


def test_papers_are_grouped_by_body_then_committee_newest_meeting_first():
    from boardqa.libraryview import bodies, committees, library_html, paper_rows

    rows = paper_rows(LIBRARY)
    assert [(r.doc, r.paragraphs) for r in rows] == [("school-lw.pdf", 2), ("school-fgb.pdf", 1),
                                                      ("parish.pdf", 2), ("old-panel.txt", 1)]
    # No body printed: the meeting named on the paper stands in for it.
    assert bodies(rows) == ["Decoy Primary School", "Local Public Data Panel", "Souldern Parish Council"]
    assert committees(rows) == ["Full Governing Body", "Learning & Wellbeing Committee"]
    assert committees(rows, ["Souldern Parish Council"]) == []
    page = library_html(rows)
    school = page.index("Decoy Primary School")
    assert school < page.index("Full Governing Body (1 paper)") < page.index("Learning &amp; Wellbeing Committee")
    assert page.index("Local Public Data Panel") < page.index("Souldern Parish Council")
    assert "29 January 2026" in page and "9 May 2022" in page and "4 of 4 papers, 6 paragraphs" in page


def test_filters_narrow_the_list_and_the_questions_scope():
    from boardqa.libraryview import library_html, paper_rows, scope

    rows = paper_rows(LIBRARY)
    page = library_html(rows, committee=["Full Governing Body"])
    assert "school-fgb.pdf" in page and "school-lw.pdf" not in page and "1 of 4 papers" in page
    assert scope(rows) is None
    assert scope(rows, ["Souldern Parish Council"]) == (["parish.pdf"], ["Minutes of the Parish Council"])
    assert scope(rows, ["Decoy Primary School"], ["Learning & Wellbeing Committee"]) == (["school-lw.pdf"],
                                                                                       ["Minutes"])
    assert scope(rows, ["No such body"]) == ([], [])
    assert "No paper matches these filters" in library_html(rows, ["No such body"])


def test_example_questions_come_from_the_headings_of_the_library_in_use():
    from boardqa.libraryview import example_questions, heading_topic

    assert heading_topic("3. Preventing and Tackling Violence") == "preventing and tackling violence"
    assert heading_topic("2. Update on the National Information Infrastructure (NII)") == \
        "update on the national information infrastructure (NII)"
    for junk in ("Introduction", "1. Purpose of report", "The meeting closed at 2016", "Page 1 of 12",
                 "Acting Chairperson Jones called to order the monthly meeting of the board", "Finance"):
        assert heading_topic(junk) == "", junk
    asked = example_questions(LIBRARY, 4)
    # Newest paper first, then one topic per paper in turn; no numbers or scaffolding; nothing hard-coded.
    assert asked == ["What do the papers say about finance and precept?",
                     "What do the papers say about headteacher's report?",
                     "What do the papers say about pupil premium strategy?",
                     "What do the papers say about playground inspection report?"]
    assert example_questions([para("x.txt", "X", "1", "Introduction")]) == []


def test_every_reference_names_its_meeting_and_date():
    from boardqa.views import answer_markdown, meeting_of, with_meetings

    lw, parish, panel = LIBRARY[0], LIBRARY[3], LIBRARY[5]
    cites = [Citation.of(1, lw, lw.text, 0.9), Citation.of(2, parish, parish.text, 0.8),
             Citation.of(3, panel, panel.text, 0.7)]
    assert meeting_of(cites[0], lw) == "Learning & Wellbeing Committee, Decoy Primary School, 9 May 2022"
    assert meeting_of(cites[1], parish) == "Souldern Parish Council, 29 January 2026"
    assert meeting_of(cites[2], panel) == "Local Public Data Panel, 17 October 2013"
    undated = Citation.of(4, para("u.pdf", "U", "1"), "", 0.1)
    assert meeting_of(undated) == "meeting not stated in the paper, date not stated"
    answer = Answer("q", "A [1], B [2] and C [3].", False, cites, 0.8)
    by_key = {p.key: p for p in LIBRARY}
    chat = answer_markdown(answer, by_key)
    assert "1. Minutes (Learning & Wellbeing Committee, 9 May 2022), ¶LW 1 — Learning & Wellbeing Committee, Decoy " \
        "Primary School, 9 May 2022" in chat
    # the reference already names the council and the date: not said twice
    assert "2. Minutes of the Parish Council (Souldern Parish Council, 29 Jan 2026), ¶01.26.12\n" in chat
    undated_cite = Citation.of(4, para("u.pdf", "U", "1"), "", 0.1)
    assert answer_markdown(Answer("q", "D [4].", False, [undated_cite], 0.5)).endswith(
        "— meeting not stated in the paper, date not stated\n\n<small>Confidence 0.50 · extractive</small>")
    dated = with_meetings(answer, by_key)
    assert dated.citations[0].reference.endswith("— Learning & Wellbeing Committee, Decoy Primary School, 9 May 2022")
    assert dated.answer == answer.answer and [c.quote for c in dated.citations] == [c.quote for c in cites]


def test_an_upload_lists_each_paper_found_with_its_paragraphs_and_warnings():
    from boardqa.uploads import paper_lines

    report = FileReport(path="pack.pdf", paragraphs=(LIBRARY[0], LIBRARY[1], LIBRARY[2]),
                        papers=("Minutes",), notes=("pages 4-5 have no text layer (scanned?): run OCR",))
    lines = paper_lines(report)
    assert lines[0].strip() == "- Minutes: 3 paragraphs (Learning & Wellbeing Committee, Decoy Primary School, " \
        "9 May 2022)"
    assert lines[-1].strip() == "warning: pages 4-5 have no text layer (scanned?): run OCR"
    bare = FileReport(path="x.txt", paragraphs=(para("x.txt", "Notes", "1"),), papers=("Notes",))
    assert paper_lines(bare) == ["         - Notes: 1 paragraph (no meeting or date found)"]


def test_a_reference_names_its_meeting_in_words_a_reader_can_read():
    """Initials only for a name too long to read whole; a name the paper's title already says is not repeated; a
    document's name (`Agenda`) is no meeting's name."""
    from corpus.meta import short_meeting

    assert short_meeting("Accountability and Governance Board", "2025-05", "Police and Crime Plan Performance") == \
        "Accountability and Governance Board, May 2025"
    assert short_meeting("Minutes of the Meeting of Souldern Parish Council", "2026-01-29",
                         "Minutes of the Meeting of Souldern Parish Council", "Souldern Parish Council") == "29 Jan 2026"
    assert short_meeting("TB (5) 1.i Action Log as of 2 March 2011", "2011-03-02",
                         "TB (5) 1.i Action Log as of 2 March 2011") == "2 Mar 2011"
    assert short_meeting("Agenda", "2023-10-24", "Access to GP's and Primary Medical Care", "",
                         "Adult Social Care and Health Select Committee") == \
        "Adult Social Care and Health Select Committee, 24 Oct 2023"
    assert short_meeting("Decoy Community Primary School Board of Governors", "2022-05-23", "Full Governing Body",
                         "Decoy Community Primary School Board of Governors", "Full Governing Body") == \
        "Decoy Community Primary School Board of Governors, 23 May 2022"
    assert short_meeting("North Riding Combined Fire and Rescue Authority Audit Board", "2024-03-01", "Minutes",
                         committee="Audit Board") == "Audit Board, 1 Mar 2024"  # a long name, a short one
    assert short_meeting("North Riding Combined Fire and Rescue Authority Audit Board", "2024-03-01", "Minutes") == \
        "NRCFRAAB, 1 Mar 2024"
