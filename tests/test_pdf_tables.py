"""A table whose text layer gives its rows cell by cell (a row's first cell, then the next cell's lines starting back
up the page) is read as a table: one row per line, its cells tab-separated, under its own heading, with no cell
taken for a heading."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from corpus.ingest import read_file

LEADING = 12.0
ROWS = [  # (meeting date, action lines, deadline lines, progress)
    ("11/01/2011", ["Transparency Team to work with the Home Office to", "develop a lessons learnt report on the",
                    "release of street level crime data."], ["May 2011"], "On track"),
    ("11/01/2011", ["Transparency Team to ensure the publication", "of the interim report on data.gov.uk"],
     ["As soon as", "possible"], "Plan in place"),
    ("19/11/2010", ["Transparency Team to confirm plan for", "publishing a Green Paper on the Right to Data."],
     ["Late Spring", "2011"], "Complete"),
]


def _action_log(path, rows=ROWS, gap: float = 2.5 * LEADING):
    """An action log drawn as office exporters draw it: each row's date at the row's foot first, then the action's
    lines from the top of the row down, then the deadline's and the progress cell."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(72, 780, "Action Log as of 2 March 2011")
    pdf.setFont("Helvetica-Bold", 10)
    for x, head in ((72, "Meeting date"), (150, "Action"), (380, "Deadline"), (460, "Progress")):
        pdf.drawString(x, 750, head)
    pdf.setFont("Helvetica", 10)
    top = 750 - gap
    for date, action, deadline, progress in rows:
        foot = top - (len(action) - 1) * LEADING
        pdf.drawString(72, foot, date)
        for k, line in enumerate(action):
            pdf.drawString(150, top - k * LEADING, line)
        for k, line in enumerate(deadline):
            pdf.drawString(380, foot + (len(deadline) - 1 - k) * LEADING, line)
        pdf.drawString(460, foot, progress)
        top = foot - gap
    pdf.save()
    return path


def test_a_table_given_cell_by_cell_is_read_row_by_row_under_its_heading(tmp_path):
    report = read_file(_action_log(tmp_path / "action-log.pdf"), max_bytes=10_000_000)
    assert report.ok, report.error
    labels = [p.label for p in report.paragraphs]
    assert not any(label[:2].isdigit() for label in labels), labels  # a meeting date is no paragraph number
    table = next(p for p in report.paragraphs if "Green Paper" in p.text)
    assert table.kind == "table" and table.label == "Action Log as of 2 March 2011"
    rows = [line.split("\t") for line in table.text.splitlines()]
    assert ["Meeting date", "Action", "Deadline", "Progress"] in rows
    assert ["11/01/2011", "Transparency Team to ensure the publication of the interim report on data.gov.uk",
            "As soon as possible", "Plan in place"] in rows
    assert ["19/11/2010", "Transparency Team to confirm plan for publishing a Green Paper on the Right to Data.",
            "Late Spring 2011", "Complete"] in rows


def test_lines_printed_one_under_another_are_never_taken_for_cells(tmp_path):
    # the same words printed as prose, and a single row on its own: nothing to rejoin
    pdf = canvas.Canvas(str(tmp_path / "minutes.pdf"), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 10)
    for k, line in enumerate(["1. The Board noted the action log.", "11/01/2011",
                              "Transparency Team to ensure the publication", "of the interim report."]):
        pdf.drawString(72, 760 - k * LEADING, line)
    pdf.save()
    report = read_file(tmp_path / "minutes.pdf", max_bytes=10_000_000)
    assert report.ok and not any("\t" in p.text for p in report.paragraphs)
    one = read_file(_action_log(tmp_path / "one-row.pdf", ROWS[:1]), max_bytes=10_000_000)
    assert one.ok and not any("\t" in p.text for p in one.paragraphs)
