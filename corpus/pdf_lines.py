"""A PDF page's text lines as pypdf's visitor sees them: where each stands, its type size and weight, and the page's
text rebuilt from them (running lines moved to the page's edges, words of one baseline joined, paragraph gaps)."""

from __future__ import annotations

import re
import statistics
from collections import Counter

from corpus.records import EMPHASIS, style_key

BLANK_GAP = 1.3
FEW_GAPS = 10
EDGE_BAND_PT = 54.0  # three quarters of an inch: where running headers and footers are printed
EDGE_BAND_SHARE = 0.075
SAME_LINE = 0.25  # two text runs whose baselines differ by less than this share of the type size share a line
WORD_PER_LINE = 0.6  # a page whose text layer gives at least this share of its lines as single words

PageLines = list[tuple[str, float | None, float, bool]]
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)


def body_size(pages: list[PageLines]) -> float:
    """The body text's font size: the size most of the document's characters are printed in."""
    sizes: Counter = Counter()
    for lines in pages:
        for text, _, size, _ in lines:
            if size > 0 and text.strip():
                sizes[round(size, 1)] += len(text.strip())
    return max(sizes.items(), key=lambda item: item[1])[0] if sizes else 0.0


def styled(lines: PageLines, body: float) -> tuple[tuple[str, float, bool], ...]:
    """The page's lines printed larger than the body text or in bold (see `Page.styled`)."""
    out = []
    for text, _, size, bold in lines:
        relative = round(size / body, 2) if body and size else 1.0
        key = style_key(text)
        if key and (relative >= EMPHASIS or bold):
            out.append((key, relative, bold))
    return tuple(out)


def page_lines(page) -> PageLines | str:
    """pypdf's text lines of a page, each with its height on the page, font size and weight (or the plain text)."""
    fragments: list[tuple[str, float | None, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text:
            return
        try:
            name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
        except Exception:  # a broken font dictionary only loses the weight
            name = ""
        try:
            fragments.append((text, tm[4] * cm[1] + tm[5] * cm[3] + cm[5], abs(float(size) * tm[3] * cm[3]),
                              bool(_BOLD.search(name))))
        except (TypeError, ValueError, IndexError):  # an odd matrix must not lose the page, only its spacing
            fragments.append((text, None, 0.0, False))

    raw = page.extract_text(visitor_text=visit)
    if "".join(fragment[0] for fragment in fragments) != raw:
        return raw
    lines: PageLines = [("", None, 0.0, False)]
    for text, y, height, bold in fragments:
        for k, piece in enumerate(text.split("\n")):
            if k:
                lines.append(("", None, 0.0, False))
            line, line_y, line_height, line_bold = lines[-1]
            if line_y is None and y is not None and piece.strip():
                line_y, line_height, line_bold = y, height, bold
            lines[-1] = (line + piece, line_y, line_height, line_bold)
    return same_line_rejoined(lines)


def same_line_rejoined(lines: PageLines) -> PageLines:
    """Runs of text printed on one line of the page, which the text layer gave as separate lines, joined again.

    Some exporters (Google Docs, some web-to-PDF tools) draw every word as its own text object, so pypdf
    puts each word on a line of its own; the words' baselines say they share one printed line. Only a page
    whose lines are mostly single words is read so: elsewhere a number printed in a column of its own, level
    with its paragraph, is a line the chunker needs as it is.
    """
    texts = [line[0].split() for line in lines if line[0].strip()]
    if not texts or sum(len(words) == 1 for words in texts) < WORD_PER_LINE * len(texts):
        return lines  # an ordinary text layer: a line of its own (a number in a margin column) stays one
    out: PageLines = []
    spaces: PageLines = []  # whitespace-only lines since the last line of text
    for line in lines:
        text, y, height, bold = line
        if not text.strip():
            spaces.append(line)
            continue
        if out and y is not None and out[-1][1] is not None and out[-1][0].strip():
            prev_text, prev_y, prev_height, prev_bold = out[-1]
            if abs(prev_y - y) < SAME_LINE * max(height, prev_height, 1.0):
                out[-1] = (f"{prev_text.rstrip()} {text.strip()}", prev_y, max(prev_height, height),
                           prev_bold and bold)
                spaces = []
                continue
        out.extend(spaces)
        spaces = []
        out.append(line)
    out.extend(spaces)
    return out


CELL_REACH = 8  # lines a table cell may run to: a longer jump back up the page is a new column of text
SAME_BASELINE = 1.0  # points
SENTENCE_END = re.compile(r"[.!?;:]$")
MIN_ROWS = 2  # one row alone is no table: a cell of a table read some other way
FIRST_CELL_WORDS = 5  # a row's key printed in its first cell: a date, a name, a short reference


def _labelled(text: str) -> bool:
    """Whether a line starts with a paragraph's number or letter (`FGB 101/2122`, `F.`, `3.4`): the chunker's to read."""
    from corpus.lines import classify

    return classify(text.strip())[0] in ("numbered", "lettered", "annex", "caption") \
        or bool(re.match(r"^\(?[A-Za-z0-9]{1,4}[.)]\s*$", text.strip()))


def _cell_end(placed: list[tuple[str, float]], b: int, baseline: float, leading: float) -> int | None:
    """The line at which a run of lines going down the page from `b` comes back to `baseline`, if it does within
    `CELL_REACH` lines, one line's spacing at a time."""
    previous = placed[b][1]
    if abs(previous - baseline) < SAME_BASELINE:
        return b
    for c in range(b + 1, min(len(placed), b + CELL_REACH + 1)):
        y = placed[c][1]
        if y > previous + SAME_BASELINE or previous - y > BLANK_GAP * leading:
            return None
        if abs(y - baseline) < SAME_BASELINE:
            return c
        previous = y
    return None


def cells_rejoined(lines: PageLines, leading: float | None) -> PageLines:
    """A table's row given cell by cell, joined again into one line with its cells tab-separated.

    A text layer gives a table's cells one after another: the first cell's lines, then the next cell's, which start
    back up the page (cells are printed side by side) and end on the same baseline as the first (a row's cells line
    up at its foot: `11/01/2011` beside the last line of `Cabinet Office ... to ensure the publication of ...`, then
    `As soon as` / `possible Plan in place`). Read as it comes, a row becomes a heading (the date) and stray lines;
    joined, it is one row of a table. Two columns of prose are not cells: a column is longer than `CELL_REACH` lines.
    """
    if not leading:
        return lines
    placed = [(text, y) for text, y, _, _ in lines if y is not None and text.strip()]
    where = [k for k, (text, y, _, _) in enumerate(lines) if y is not None and text.strip()]
    rows: list[list[list[int]]] = []  # each row: its cells, each a list of indices into `placed`
    taken: set[int] = set()
    i = 1
    while i < len(placed):
        a, b = i - 1, i
        rise = placed[b][1] - placed[a][1]
        if rows and a in taken and abs(rise) < SAME_BASELINE:
            rows[-1].append([b])  # a further cell printed level with the row's foot (`May 2011`, `On track`)
            taken.add(b)
            i += 1
            continue
        c = _cell_end(placed, b, placed[a][1], leading) if 0.5 * leading < rise <= CELL_REACH * leading else None
        if c is None:
            i += 1
            continue
        if rows and a in taken:
            row = rows[-1]  # a further cell of the row just joined
        else:
            top = placed[b][1] + 0.5 * leading  # the first cell's lines stand within the row: not above the next
            k = a - 1
            alone = k < 0 or k in taken or not placed[a][1] < placed[k][1] <= top
            if not alone or any(_labelled(placed[j][0]) for j in (a, b)) \
                    or len(placed[a][0].split()) > FIRST_CELL_WORDS:
                i += 1  # a row whose first cell is a paragraph's number, or runs over lines, is the chunker's to read
                continue
            row = [[a]]
            rows.append(row)
            taken.add(a)
        row.append(list(range(b, c + 1)))
        taken.update(range(b, c + 1))
        i = c + 1
    while True:  # a row left as it was leaves its lines to the row above too
        kept = [row for row in rows if not _runs_on(row, placed, taken, leading)]
        if len(kept) == len(rows):
            break
        rows, taken = kept, {k for row in kept for cell in row for k in cell}
    if len(rows) < MIN_ROWS:
        return lines
    out: PageLines = []
    starts = {where[row[0][0]]: row for row in rows}
    skip = {where[k] for row in rows for cell in row for k in cell}
    heads = {}  # the header row over a table: its columns' names, printed level with each other or spaced apart
    for row in rows:
        k = row[0][0] - 1
        group = [j for j in range(max(0, k - CELL_REACH), k + 1) if j not in taken
                 and abs(placed[j][1] - placed[k][1]) < SAME_BASELINE] if k >= 0 else []
        if not group or group[-1] != k or placed[k][1] <= placed[row[0][0]][1] or group != list(range(group[0], k + 1)):
            continue
        cells = [c for j in group for c in _cells(placed[j][0])]
        if len(cells) >= 2 and not SENTENCE_END.search(cells[-1]):
            heads[where[group[0]]] = ("\t".join(cells), {where[j] for j in group})
    skip |= {w for _, members in heads.values() for w in members}
    for k, line in enumerate(lines):
        if k in starts:
            row = starts[k]
            cells = [c for cell in row for c in _cells(" ".join(lines[where[j]][0].strip() for j in cell))]
            members = [lines[where[j]] for cell in row for j in cell]
            out.append(("\t".join(cells), placed[row[0][-1]][1], max(m[2] for m in members), all(m[3] for m in members)))
        elif k in heads:
            out.append((heads[k][0], *line[1:]))
        elif k not in skip:
            out.append(line)
    return out


def _runs_on(row: list[list[int]], placed: list[tuple[str, float]], taken: set[int], leading: float) -> bool:
    """Whether the line after a row goes on right under it, a line's spacing below: a cell's text running on past
    the row's foot, or rows printed on one line each; either way the joined row would leave part of the table
    behind, so the lines are left as they are."""
    after = max(k for cell in row for k in cell) + 1
    if after >= len(placed) or after in taken:
        return False
    bottom = min(placed[k][1] for cell in row for k in cell)
    return 0 < bottom - placed[after][1] <= BLANK_GAP * leading


def _cells(text: str) -> list[str]:
    """A line's cells where the text layer printed several on one baseline, a run of spaces apart
    (`crime data.  May-2011  On track`); a cell's own words are one space apart."""
    return [c for c in (c.strip() for c in re.split(r"\s{2,}", text)) if c]


def page_height(page) -> float:
    try:
        return abs(float(page.mediabox.height))
    except Exception:  # a broken mediabox only loses the reordering
        return 0.0


def edges_at_edges(lines: PageLines | str, height: float) -> PageLines | str:
    """Lines printed in the top or bottom margin (running headers, footers, page numbers) moved to the top or
    bottom of the page's text, in the order they stand on the page.

    Text layers often give a footer first (it was drawn first); where it stands on the page says what it is, and the
    running-line rule looks for running lines only at a page's edges.
    """
    if isinstance(lines, str) or height <= 0:
        return lines
    band = max(EDGE_BAND_PT, EDGE_BAND_SHARE * height)
    top = [ln for ln in lines if ln[1] is not None and ln[1] > height - band and ln[0].strip()]
    bottom = [ln for ln in lines if ln[1] is not None and ln[1] < band and ln[0].strip()]
    if not top and not bottom:
        return lines
    edge = {id(ln) for ln in top + bottom}
    body = [ln for ln in lines if id(ln) not in edge]
    top.sort(key=lambda ln: -ln[1])
    bottom.sort(key=lambda ln: -ln[1])
    if body == lines[len(top):len(top) + len(body)] and lines[:len(top)] == top:
        return lines  # already in place
    blank: PageLines = [("", None, 0.0, False)]
    return top + blank + body + blank + bottom


def _gaps(lines: PageLines) -> list[float]:
    placed = [line[1] for line in lines if line[1] is not None]
    return [a - b for a, b in zip(placed, placed[1:]) if a - b > 2.0]


def usual_leading(pages: list[PageLines]) -> float | None:
    """The document's usual line spacing: the most common gap between lines (body text outnumbers the rest)."""
    gaps = Counter(round(gap) for lines in pages for gap in _gaps(lines))
    if not gaps:
        return None
    leading = float(max(gaps.items(), key=lambda item: (item[1], -item[0]))[0])
    sizes = [height for lines in pages for _, y, height, _ in lines if y is not None and height > 0]
    if gaps.total() < FEW_GAPS and sizes:
        # Too few lines to trust the count: assume ordinary spacing (reportlab and Word use 1.15-1.4 em).
        leading = min(leading, 1.5 * statistics.median(sizes))
    return leading


def with_blank_lines(lines: PageLines, leading: float | None) -> str:
    """Join lines, with a blank line wherever the page leaves more than a line's space (a paragraph break)."""
    out: list[str] = []
    previous = None
    for line, y, _, _ in lines:
        if leading and y is not None and previous is not None and out and out[-1].strip():
            if previous - y > BLANK_GAP * leading or y - previous > leading:  # a gap, or a jump back up the page
                out.append("")
        out.append(line)
        previous = y if y is not None else previous
    return "\n".join(out)
