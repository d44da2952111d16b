"""The sample papers rendered to PDF (wrapped lines, running headers, page numbers, page breaks mid-paragraph)
chunk to the same paragraphs as their text, with the right pages."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from pdfgen import render_pdf

from corpus.ingest import read_file

NUMBERED = ("numbered", "titled", "row")
LAYOUTS = {
    "header+page-of": dict(header="Accountability and Governance Board – May 2025", footer="Page {n} of {total}"),
    "bare-page-numbers": dict(footer="{n}"),
    "number-on-own-line": dict(footer="- {n} -", number_on_own_line=True),
    "short-pages": dict(footer="Page {n}", lines_per_page=28),
}


def dotted(sections):
    return [f"{s}.{i}" for s, n in sections.items() for i in range(1, n + 1)]


def inventory(paragraphs):
    out = defaultdict(list)
    for p in paragraphs:
        if p.kind in NUMBERED:
            out[(p.meeting, p.part)].append(p.label)
    return out


@pytest.fixture(scope="module")
def rendered(samples_dir, tmp_path_factory):
    """Render each sample paper once per layout: {(file, layout): (paragraphs, source text, line pages)}."""
    out = {}
    folder = tmp_path_factory.mktemp("pdfs")
    for name in ("agb-2025-05-police-and-crime-plan-performance.txt", "pcp-2026-01-05-agenda-pack.txt"):
        text = (samples_dir / name).read_text()
        for layout, options in LAYOUTS.items():
            if name.startswith("pcp") and layout not in ("bare-page-numbers", "number-on-own-line"):
                continue
            path = folder / f"{layout}-{name}.pdf"
            line_pages = render_pdf(text, path, two_blank_page_break=True, **options)
            report = read_file(path, max_bytes=10**9)
            assert report.ok, report.error
            out[(name, layout)] = (report.paragraphs, text, line_pages)
    return out


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_agb_pdf_keeps_every_paragraph_and_page(rendered, layout):
    paragraphs, text, line_pages = rendered[("agb-2025-05-police-and-crime-plan-performance.txt", layout)]
    inv = inventory(paragraphs)
    assert inv[("Accountability and Governance Board", "")] == dotted(
        {1: 3, 2: 8, 3: 13, 4: 9, 5: 8, 6: 4, 7: 21, 8: 7, 9: 10, 10: 6, 11: 4, 12: 1})
    assert paragraphs[0].paper == "Police and Crime Plan Performance"
    # Each paragraph starts on the page where its number was printed.
    source_lines = text.split("\n")
    for p in paragraphs:
        if p.kind != "numbered":
            continue
        line_no = next(i for i, line in enumerate(source_lines) if re.match(rf"^\s*-?\s*{re.escape(p.label)}\.?\s", line))
        assert p.pages[0] == line_pages[line_no], p.reference
    # Running headers, footers and page numbers never leak into paragraph text.
    for p in paragraphs:
        if p.kind != "cover":  # a running header's first copy is the paper's own heading
            assert "Page " not in p.text and "Governance Board – May 2025" not in p.text


def test_agb_pdf_joins_page_break_splits(rendered):
    paragraphs, _, _ = rendered[("agb-2025-05-police-and-crime-plan-performance.txt", "short-pages")]
    by_label = {p.label: p for p in paragraphs}
    assert "a decrease of 72.5 percent. The improvement reflects increased efficiency" in by_label["7.5"].text
    assert len(by_label["7.5"].pages) >= 1
    spread = [p for p in paragraphs if len(p.pages) > 1]
    assert spread, "with 28 lines a page some paragraphs must run over a page break"


@pytest.mark.parametrize("layout", ["bare-page-numbers", "number-on-own-line"])
def test_agenda_pack_pdf_keeps_numbered_papers(rendered, layout):
    paragraphs, _, _ = rendered[("pcp-2026-01-05-agenda-pack.txt", layout)]
    inv = inventory(paragraphs)
    panel, board = "West Midlands Police and Crime Panel", "Accountability and Governance Board"
    pcc = [p.label for p in paragraphs if p.paper == "Bringing Offenders to Justice" and p.date == "2026-01-05"
           and p.part == "" and p.kind in NUMBERED]
    assert pcc == [str(i) for i in range(1, 119)]
    minutes = [x for x in inv[(panel, "")] if x.isdigit() and 915 <= int(x) <= 925]
    assert list(dict.fromkeys(minutes)) == [str(i) for i in range(915, 926)]  # long minutes split, never merged
    assert inv[(board, "")] == ["1.1"] + dotted({2: 5, 3: 5, 4: 6, 5: 2, 6: 1, 7: 1})
    assert inv[(board, "Annex One")] == dotted({1: 15, 2: 8, 3: 13, 4: 9, 5: 5, 6: 10, 7: 16})
    work = [p.label for p in paragraphs if p.paper == "Work Programme 2025/2026" and p.kind in NUMBERED]
    assert work[:21] == ["1.1", "1.2", "2.1"] + dotted({3: 3, 4: 4, 5: 3, 6: 1, 7: 1, 8: 3, 9: 3})
    papers = list(dict.fromkeys((p.paper, p.date) for p in paragraphs))
    assert ("Bringing Offenders to Justice", "2025-12-16") in papers
    assert any(title.startswith("Minutes of the meeting held on 17 November 2025") for title, _ in papers)
