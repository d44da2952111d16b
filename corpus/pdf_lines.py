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
