"""The chunker on the sample papers (pinned inventory) and on generated layouts (properties)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.chunker import chunk_pages
from corpus.records import Page

NUMBERED = ("numbered", "titled", "row")


def labels_by_paper(paragraphs, kinds=NUMBERED):
    out = defaultdict(list)
    for p in paragraphs:
        if p.kind in kinds:
            out[(p.paper, p.meeting, p.part)].append(p.label)
    return out


def dotted(sections):
    """`{1: 3, 2: 8}` -> ['1.1', '1.2', '1.3', '2.1', ...]."""
    return [f"{s}.{i}" for s, n in sections.items() for i in range(1, n + 1)]


def unique_in_order(labels):
    return list(dict.fromkeys(labels))


def test_agb_paper_inventory(agb_paragraphs):
    inv = labels_by_paper(agb_paragraphs)
    body = inv[("Police and Crime Plan Performance", "Accountability and Governance Board", "")]
    expected = dotted({1: 3, 2: 8, 3: 13, 4: 9, 5: 8, 6: 4, 7: 21, 8: 7, 9: 10, 10: 6, 11: 4, 12: 1})
    assert body == expected  # every numbered paragraph exactly once, in order
    others = {(p.part, p.label) for p in agb_paragraphs if p.kind not in NUMBERED}
    assert {("", "Table 1"), ("", "Table 2"), ("Appendix 1", "Glossary of Outcome Codes")} <= others
    assert agb_paragraphs[0].date == "2025-05"


def test_agenda_pack_inventory(pack_paragraphs):
    inv = labels_by_paper(pack_paragraphs)
    papers = unique_in_order((p.paper, p.date) for p in pack_paragraphs)
    titles = [t for t, _ in papers]
    assert titles[:2] == ["Agenda", "Minutes of the meeting held on 17 November 2025"]
    assert "Action Tracker" in titles[2]
    # Two papers with one title, told apart by meeting and date.
    assert papers[3:5] == [("Bringing Offenders to Justice", "2026-01-05"), ("Bringing Offenders to Justice", "2025-12-16")]
    assert "Work Programme 2025/2026" in titles

    assert inv[("Agenda", "West Midlands Police and Crime Panel", "")] == [str(i) for i in range(1, 12)]
    minutes = inv[("Minutes of the meeting held on 17 November 2025", "West Midlands Police and Crime Panel", "")]
    assert unique_in_order(minutes) == [str(i) for i in range(915, 926)]  # long minutes are split, never merged

    pcc = inv[("Bringing Offenders to Justice", "West Midlands Police and Crime Panel", "")]
    assert pcc == [str(i) for i in range(1, 119)]
    commitments = inv[("Bringing Offenders to Justice", "West Midlands Police and Crime Panel", "Appendix 1")]
    assert commitments[:8] == [str(i) for i in range(222, 230)] and "341" in commitments and "238, 239, 240" in commitments

    cover = inv[("Bringing Offenders to Justice", "Accountability and Governance Board", "")]
    assert cover == ["1.1"] + dotted({2: 5, 3: 5, 4: 6, 5: 2, 6: 1, 7: 1})
    annex = inv[("Bringing Offenders to Justice", "Accountability and Governance Board", "Annex One")]
    assert annex == dotted({1: 15, 2: 8, 3: 13, 4: 9, 5: 5, 6: 10, 7: 16})
    annex_two = inv[("Bringing Offenders to Justice", "Accountability and Governance Board", "Annex Two")]
    assert "Action ref 230" in annex_two

    work = inv[("Work Programme 2025/2026", "West Midlands Police and Crime Panel", "")]
    assert work == ["1.1", "1.2", "2.1"] + dotted({3: 3, 4: 4, 5: 3, 6: 1, 7: 1, 8: 3, 9: 3})


def test_sections_and_headings(pack_paragraphs):
    by_key = {(p.meeting, p.part, p.label): p for p in pack_paragraphs}
    annex = by_key[("Accountability and Governance Board", "Annex One", "2.1")]
    assert annex.section.startswith("2. Action ref 230")
    assert by_key[("West Midlands Police and Crime Panel", "", "103")].section == "7. Police and Crime Panel Key Performance Indicators"
    # Headings are not paragraphs.
    assert not any(p.text.startswith("Purpose of report") for p in pack_paragraphs)


def test_resolutions_and_bullets_stay_with_their_paragraph(pack_paragraphs):
    minute = " ".join(p.text for p in pack_paragraphs if p.label == "921" and p.kind == "titled")
    assert "ii. The Panel to form a working group" in minute
    assert "Violence Against Women and Girls (VAWG):" in minute
    p105 = next(p for p in pack_paragraphs if p.label == "105" and p.meeting.startswith("West"))
    assert "Outcome 8: Community Resolution (CR)" in p105.text
    p21 = next(p for p in pack_paragraphs if p.label == "2.1" and p.paper.startswith("Work"))
    assert "v. Appoints a minimum of four Panel members" in p21.text


def test_page_break_splits_are_joined(agb_paragraphs):
    p75 = next(p for p in agb_paragraphs if p.label == "7.5")
    assert "decrease of 72.5 percent. The improvement reflects" in p75.text
    p79 = next(p for p in agb_paragraphs if p.label == "7.9")
    assert "This 76.0 percent reduction" in p79.text  # `76.0` after a page break is not paragraph 76.0


def test_percent_is_not_a_paragraph_number(pack_paragraphs):
    assert not any(p.label in ("81.8", "91.2", "84.6") for p in pack_paragraphs)
    slide = next(p for p in pack_paragraphs if p.label == "Supporting Victims to engage with the CJS")
    assert "81.8% of Victims are kept informed" in slide.text


def test_tables_keep_their_rows(agb_paragraphs, pack_paragraphs):
    table2 = next(p for p in agb_paragraphs if p.label == "Table 2")
    assert table2.text.count("\n") == 8 and "Special Constables: Women." in table2.text
    tracker = next(p for p in pack_paragraphs if "Action Tracker" in p.paper and p.kind == "table")
    assert tracker.text.count("\n921\t") == 4


def test_every_record_is_found_in_its_source(agb_text, pack_text, agb_paragraphs, pack_paragraphs):
    for source, paragraphs in ((agb_text, agb_paragraphs), (pack_text, pack_paragraphs)):
        folded = _fold(source)
        for p in paragraphs:
            for line in p.text.split("\n"):
                assert _fold(line) in folded, (p.reference, line[:80])


def test_no_body_text_is_lost(agb_text, pack_text, agb_paragraphs, pack_paragraphs):
    for source, paragraphs in ((agb_text, agb_paragraphs), (pack_text, pack_paragraphs)):
        kept = _fold(" ".join(p.text for p in paragraphs) + " ".join(f" {p.paper} {p.section} {p.label}" for p in paragraphs))
        lines = [line for line in source.splitlines() if line.strip()]
        # A dropped figure's caption, title and legend are the only lines allowed to go.
        figure = {i - k for i, line in enumerate(lines) if re.match(r"\s*Figure \d", line) for k in range(3)}
        lost = [line for i, line in enumerate(lines)
                if i not in figure and len(line.split()) > 6 and _fold(_strip_number(line)) not in kept]
        assert lost == []


# -- generated layouts -------------------------------------------------------------

WORDS = st.sampled_from("council budget report housing police crime officers panel review data year rate plan".split())
SENTENCE = st.lists(WORDS, min_size=4, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
STYLE = st.sampled_from(["{n} {t}", "{n}. {t}", "- {n}. {t}", "- {n} {t}", "{n}\n{t}"])


def wrap(text: str, width: int) -> str:
    """Break a paragraph into printed lines, as a PDF's text layer gives them."""
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(out + [line])


@st.composite
def numbered_paper(draw):
    sections = draw(st.integers(1, 4))
    style = draw(STYLE)
    width = draw(st.sampled_from([60, 80, 100, 10_000]))
    lines, expected = ["Housing Committee", "12 March 2025", "Annual Housing Report", ""], []
    for s in range(1, sections + 1):
        lines += [f"{s}. {draw(WORDS).title()} {draw(WORDS).title()}", ""]
        for i in range(1, draw(st.integers(1, 5)) + 1):
            label, text = f"{s}.{i}", draw(PARAGRAPH)
            expected.append((label, text))
            lines += [wrap(style.format(n=label, t=text), width), ""]
    return "\n".join(lines), expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(numbered_paper(), st.integers(2, 12))
def test_generated_papers_keep_labels_order_and_text(paper, page_lines):
    source, expected = paper
    # Cut into pages every few printed lines, so page breaks fall mid-paragraph as in PDFs.
    lines = source.split("\n")
    pages = [Page(n + 1, "\n".join(lines[i:i + page_lines])) for n, i in enumerate(range(0, len(lines), page_lines))]
    records = [p for p in chunk_pages(pages, "gen.txt", "gen@1") if p.kind in NUMBERED]
    assert [p.label for p in records] == [label for label, _ in expected]
    for p, (_, text) in zip(records, expected):
        assert _fold(p.text) == _fold(text)
    pages_seen = [p.pages[0] for p in records]
    assert pages_seen == sorted(pages_seen)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\*|\[|\]\(#\)|<[^>]+>|\\", "", text)).strip().lower()


def _strip_number(line: str) -> str:
    return re.sub(r"^\s*-?\s*\d+(\.\d+)*\.?\s+", "", line)


@pytest.fixture(scope="module")
def agb_text(samples_dir):
    return (samples_dir / "agb-2025-05-police-and-crime-plan-performance.txt").read_text()


@pytest.fixture(scope="module")
def pack_text(samples_dir):
    return (samples_dir / "pcp-2026-01-05-agenda-pack.txt").read_text()


@pytest.fixture(scope="module")
def agb_paragraphs(agb_text):
    return chunk_pages([Page(1, agb_text)], "agb.txt", "agb@1")


@pytest.fixture(scope="module")
def pack_paragraphs(pack_text):
    return chunk_pages([Page(1, pack_text)], "pack.txt", "pack@1")


def test_a_tables_numbered_row_keeps_its_other_cells():
    """A work plan whose rows have their number in a cell of their own: the dates and the lead printed after the
    task's text belong to the row, not to a list named by the first date."""
    rows = []
    for n, (task, start, finish, lead) in enumerate([
            ("Produce a web page on the benefits of transparency.", "January 2012", "December 2013", "Will Perrin"),
            ("Open data and planning work with officials.", "November 2011", "July 2013", "Sub-group"),
            ("Agree a set of principles on open data in procurement.", "May 2012", "December 2013", "Sub-group"),
            ("Work with officials on guidelines to counteract fraud.", "August 2012", "December 2013", "Jos Creese")],
            start=1):
        rows += [f"{n}.", "", task, "", start, "(brought", "forward)", "", finish, "", lead, ""]
    text = "WORK PLAN 2013-14\n\nTask\nStart date\nFinish date\nLead Panel member\n\n" + "\n".join(rows)
    records = {p.label: p.text for p in chunk_pages([Page(1, text)], "plan.txt", "plan@1")}
    assert "Jos Creese" in records["4"] and "December 2013" in records["4"], records
    assert not any(label.startswith(("August", "May", "November")) for label in records), list(records)


def test_an_action_rows_owner_and_deadline_printed_right_under_it_are_the_rows():
    text = ("ACTIONS TO BE TAKEN\n\nITEM BY WHOM BY WHEN\n"
            "1. Minutes to be placed on the website by the clerk.\nHeather Poustie/Clerk asap\n"
            "2. Make arrangements for the Literacy visits in the second week in June.\nPaul Evemy/Sandra\nCartwright\nasap\n"
            "3. Annual Parent/Pupil/Staff questionnaire(s) to be produced in general agreed format.\nHeather Poustie asap\n")
    paragraphs = chunk_pages([Page(1, text)], "actions.txt", "actions@1")
    records = {p.label: p for p in paragraphs}
    assert "Paul Evemy/Sandra Cartwright asap" in records["2"].text, [p.label for p in paragraphs]
    assert records["3"].text.endswith("Heather Poustie asap")
    assert not any("Poustie" in p.section for p in paragraphs)
