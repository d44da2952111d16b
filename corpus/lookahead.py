"""What the lines around a numbered line say about it: the next number, lists of one-line entries, dates, headings."""

from __future__ import annotations

from corpus.lines import Line, is_short
from corpus.numbering import Label, is_restart, plausible_number


def _next_numbered(lines: list[Line], i: int, end: int) -> Line | None:
    for k in range(i + 1, min(end, i + 60)):
        if lines[k].kind == "numbered" and not plausible_number(lines[k].num) and not lines[k].gap:
            continue  # `2. November` / `2021 Performance Review`: a year that goes on the line above
        if lines[k].kind == "numbered" and (lines[k].gap or lines[k - 1].ends_sentence or lines[k - 1].kind != "text"):
            return lines[k]
        if lines[k].kind in ("annex", "end"):
            return None
    return None


def _date_like(num: str) -> bool:
    """`02.03.11`, `18.04.24`: three two-digit parts, zero-padded, as dates are printed."""
    parts = num.split(".")
    return len(parts) == 3 and all(len(p) == 2 for p in parts) and any(p.startswith("0") for p in parts) \
        or (len(parts) == 3 and all(len(p) == 2 for p in parts) and 1 <= int(parts[1]) <= 12 and int(parts[0]) <= 31)


def _capitals(text: str) -> bool:
    """`CONSENT AGENDA`: a short line in capitals is a heading, never the tail of the paragraph above."""
    letters = [ch for ch in text if ch.isalpha()]
    if text.rstrip(" *").endswith((":", "–", "-", "—", ",")):
        return False  # `RESOLVED –`: it introduces the words that follow
    # words, not a row of figures (`TOTAL $ 334,023.59`)
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and 2 * len(letters) >= len(text.replace(" ", ""))


def _adjacent(lines: list[Line], i: int, nxt: Line) -> bool:
    """The next number comes on the very next line, or after an entry's wrapped tail with no gap between
    (`2. November` / `2021 Performance Review` / `3. Quarterly ...`): a list of entries."""
    return nxt.index == i + 1 or (nxt.index - i <= 3 and all(not lines[k].gap and lines[k].kind != "text"
                                                            for k in range(i + 1, nxt.index + 1)))


def _one_line_entries(lines: list[Line], i: int, nxt: Line, end: int) -> bool:
    """`8 Elections to the Board` / `8.1 Chair` / `8.2 Vice-Chair`: each number on one short line, the next
    number on the very next line; entries of a list, not a heading and its paragraphs."""
    after = nxt.index + 1
    return _adjacent(lines, i, nxt) and is_short(nxt.rest) and after < end and lines[after].kind == "numbered"


def _last_entry(lines: list[Line], i: int, end: int) -> bool:
    """`9 Other Business` / `10 Close` and then the paper ends or another numbering starts: the last entry of a
    list of one-line entries, with nothing under it to be the heading of."""
    before = lines[i - 1] if i > 0 else None
    if before is None or before.kind != "numbered" or not is_short(before.rest):
        return False
    if i + 1 >= end or lines[i + 1].kind in ("annex", "end") or lines[i + 1].opens_paper:
        return True
    after = lines[i + 1]
    if after.kind != "numbered":
        return False
    label = Label.parse(after.num)
    return bool(label.scheme) or is_restart(label)


def _body_follows(lines: list[Line], i: int, end: int) -> bool:
    """After a numbered title line: does prose follow (a minute) or only more headings/numbers (a section)?"""
    for k in range(i + 1, min(end, i + 12)):
        kind = lines[k].kind
        if kind == "short":
            continue
        return kind in ("text", "bullet", "lettered")
    return False
