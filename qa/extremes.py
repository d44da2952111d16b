"""Which row of a table has the highest or lowest figure: "Which module had the lowest completion rate in March 2025?"
is answered by the row whose figure in the column asked about is the least, read off the table as printed.

The column is the only one of figures, or the one whose own header or the cell before it (`[March 2025] | 66.0%`)
gives the month the question asks about, or the one whose header names the question's words. When no column is
clearly the one asked about, or a row cannot be read cell by cell, nothing is chosen and the answer is left to the
usual scoring.
"""

from __future__ import annotations

import re

from qa.evidence import Evidence, Unit
from qa.question import QuestionPart
from qa.vocabulary import tokens

__all__ = ["extreme_rows"]

_HIGHEST = re.compile(r"\b(?:highest|largest|biggest|greatest|maximum)\b", re.I)
_LOWEST = re.compile(r"\b(?:lowest|smallest|fewest|minimum)\b", re.I)
# a cell that is one figure: "66.0%", "£1,200", "-3.5 pp", "⬆ 17.0pp", "(4)"
_FIGURE_CELL = re.compile(r"[^\w£$€.-]*(?P<sign>-)?[£$€]?(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?:%|pp|percent|k|m|bn)?\W*", re.I)
MIN_ROWS = 3  # two rows are a comparison, not a ranking


def _direction(text: str) -> int:
    high, low = bool(_HIGHEST.search(text)), bool(_LOWEST.search(text))
    return 0 if high == low else (1 if high else -1)


def _figure(cell: str) -> float | None:
    m = _FIGURE_CELL.fullmatch(cell.strip())
    if m is None:
        return None
    value = float(m.group("n").replace(",", ""))
    return -value if m.group("sign") else value


def _column(part: QuestionPart, header: list[str], cells: list[list[str]]) -> int | None:
    """The column of figures the question asks about, or None when it is not clear which."""
    numeric = [j for j in range(len(header)) if all(_figure(row[j]) is not None for row in cells)]
    if len(numeric) <= 1:
        return numeric[0] if numeric else None
    months = [c for c in part.concepts if c.dated and not c.context]
    if len(months) == 1:
        month = months[0]
        dated = [j for j in numeric if month.found_in(frozenset(tokens(header[j])))
                 or j and all(month.found_in(frozenset(tokens(row[j - 1]))) for row in cells)]
        if len(dated) == 1:
            return dated[0]
    asked = {t for c in part.concepts if not c.generic and not c.context for alt in c.alternatives for t in alt}
    named = [j for j in numeric if asked & set(tokens(header[j]))]
    return named[0] if len(named) == 1 else None


def extreme_rows(part: QuestionPart, ev: Evidence, best: Unit) -> list[Unit]:
    """The rows of `best`'s table with the highest (or lowest) figure in the column asked about, when the question
    asks for the highest or lowest and `best` is a row of a table of at least `MIN_ROWS` rows; else []."""
    direction = _direction(part.text)
    if not direction or not best.row or len(best.spans) != 2:
        return []
    text = ev.paragraph(best.rank).text
    rows = [u for u in ev.units if u.rank == best.rank and u.row and len(u.spans) == 2 and u.spans[0] == best.spans[0]]
    if len(rows) < MIN_ROWS:
        return []
    header = text[best.spans[0][0]:best.spans[0][1]].split("\t")
    cells = [text[u.spans[-1][0]:u.spans[-1][1]].split("\t") for u in rows]
    widths = {len(row) for row in cells}
    if len(widths) != 1 or min(widths) < len(header):
        return []  # a ragged table: no column can be read off it
    header = header + [""] * (min(widths) - len(header))  # a last column printed without a heading
    col = _column(part, header, cells)
    if col is None:
        return []
    values = [_figure(row[col]) for row in cells]
    target = max(values) if direction > 0 else min(values)
    return [u for u, v in zip(rows, values) if v == target]
