"""Text normalisation for loaders: odd Unicode, PDF word splits, running headers, footers and page numbers."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

from corpus.records import Page

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
             "\ufb06": "st"}
SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# C0 controls but tab, line ends and form feed (a page break), plus DEL and the C1 block: never text in a paper.
CONTROLS = "".join(chr(c) for c in [*range(0, 9), *range(14, 32), *range(0x7F, 0xA0)])
EDGE_LINES = 3

_TABLE = str.maketrans({**LIGATURES, **{c: " " for c in SPACES}, **{c: None for c in INVISIBLE + CONTROLS}})
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b]")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.M)
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n")
_SPLIT_WORD = re.compile(r"([^\W\d_])[-\u2010][ \t]*\n[ \t]*([^\W\d_]\S*)[ \t]*(\n?)")
_DIGITS = re.compile(r"\d+")
# two table cells' figures the PDF prints with no space between (`73,72783,357`): a thousands group is three digits,
# so a digit straight after a complete group starts the next figure
_GLUED_FIGURES = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+)(?=\d{1,3}(?:,\d{3})+(?![\d,]))")
# Shapes that are paragraph labels (`3.7`, `(a)`, `iv.`), never running lines, even when several pages start with one.
_LABEL_SHAPE = re.compile(r"^[(\[]?(?:#(?:\.#)*|[a-z]{1,4})[.)\]]?$")
_EXPLICIT_PAGE_NUMBER = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*(?:of|/)\s*\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—])$", re.I
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")


def clean_text(text: str, *, pdf: bool = False) -> str:
    """Normalise text from a loader; quotes, dashes and everything else a reader could quote stay as they are.

    Ligatures become letters, exotic spaces become spaces, soft hyphens, zero-width characters and control
    characters go, line ends become `\\n`, trailing spaces go. With `pdf=True`, a word split by a hyphen at a line
    end is joined when it continues in lower case (`inves-\\ntigation` -> `investigation`), and two figures printed
    with no space between are parted (`73,72783,357` -> `73,727 83,357`).
    """
    text = _NEWLINES.sub("\n", text)
    if pdf:
        # A soft hyphen at a line end is where the PDF broke a word; make it a hyphen so the join below sees it.
        text = _SOFT_HYPHEN_BREAK.sub("-\n", text)
    text = unicodedata.normalize("NFC", text.translate(_TABLE))
    text = _TRAILING_SPACE.sub("", text)
    if pdf:
        text = _SPLIT_WORD.sub(_join_split_word, text)
        text = _GLUED_FIGURES.sub(r"\1 ", text)
    return text


def _join_split_word(match: re.Match[str]) -> str:
    """Move the word's second half up to its first half; the rest of that line stays on its own line."""
    if not match[2][0].islower():
        return match[0]
    at_end = match.end() == len(match.string) and not match[3]
    return f"{match[1]}{match[2]}{'' if at_end else chr(10)}"


def strip_running_lines(pages: list[Page], dropped: list[str] | None = None) -> list[Page]:
    """Drop running headers, footers and page numbers, looking only at the first and last lines of each page.

    A line among the first or last three non-empty lines of a page is running when, with each run of digits read
    as `#`, it recurs there on at least three pages, and either on half of all pages (and rarely inside pages) or
    on half the pages of its own stretch (a paper's header inside a pack; never inside pages). Paragraph labels
    (`3.7`, `(a)`) never count. Running lines go only from the edges inwards: the walk stops at the first line that
    is not one, so a repeated sentence inside a page stays. The first copy of a running line stays when it heads
    its page (it is often the title) or is a sentence (boilerplate repeated on slides).

    The first and last lines of a page also go while they are page numbers: `Page 12`, `Page 12 of 90`, `12/90`,
    `- 12 -` always; a bare `12` only when such numbers track the page sequence (printed number minus page number
    the same on half the pages, or on three or more pages that are half a stretch or most of the bare numbers at
    that edge), so a paragraph number printed on its own line stays. Pages left empty are dropped; blank lines at
    a page's edges go. Every line dropped is appended to `dropped` when given, so nothing goes unreported.
    """
    lines = [page.text.split("\n") for page in pages]
    keep = [[True] * len(page_lines) for page_lines in lines]
    numbers = [page.number for page in pages]
    running = _running(lines, numbers)
    firsts = [where[0] for where in running.values()]
    kept = {(p, i) for p, i in firsts if i in _edge_indices(lines[p], bottom=False) or _is_prose(lines[p][i])}
    changed = True
    while changed:  # a footer under a page number goes once the number has gone, and the other way round
        changed = _drop_running(lines, keep, set(running), kept)
        changed = _drop_page_numbers(numbers, lines, keep, last=False) or changed
        changed = _drop_page_numbers(numbers, lines, keep, last=True) or changed
    if dropped is not None:
        dropped.extend(" ".join(line.split()) for page_lines, page_keep in zip(lines, keep)
                       for line, wanted in zip(page_lines, page_keep) if not wanted and line.strip())
    out = []
    for page, page_lines, page_keep in zip(pages, lines, keep):
        text = "\n".join(line for line, wanted in zip(page_lines, page_keep) if wanted).strip("\n")
        if text.strip():
            out.append(Page(page.number, text, page.styled))
    return out


def running_summary(dropped: list[str]) -> tuple[tuple[str, int], ...]:
    """Dropped running lines grouped by shape (digits read as `#`): (first copy, how many), most frequent first."""
    groups: dict[str, list] = {}
    for line in dropped:
        groups.setdefault(_shape(line), [line, 0])[1] += 1
    return tuple(sorted(((first, n) for first, n in groups.values()), key=lambda x: -x[1]))


def _shape(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def _edge_indices(page_lines: list[str], k: int = EDGE_LINES, bottom: bool = True) -> list[int]:
    filled = [i for i, line in enumerate(page_lines) if line.strip()]
    return sorted(set(filled[:k] + (filled[-k:] if bottom else [])))


def _running(lines: list[list[str]], numbers: list[int]) -> dict[str, list[tuple[int, int]]]:
    """Running shapes, each with its (page index, line index) places at page edges, in page order."""
    at_edge: dict[str, list[tuple[int, int]]] = defaultdict(list)
    inside: Counter[str] = Counter()
    for p, page_lines in enumerate(lines):
        edges = _edge_indices(page_lines)
        for i in edges:
            at_edge[_shape(page_lines[i])].append((p, i))
        inside.update({_shape(line) for i, line in enumerate(page_lines) if line.strip() and i not in edges})
    running = {}
    for shape, where in at_edge.items():
        on = sorted({numbers[p] for p, _ in where})
        # A shape common inside pages too is a pattern of the body (list rows, repeated phrasing), not a header.
        common = len(on) * 2 >= len(lines) and inside[shape] * 4 <= len(on)
        local = inside[shape] == 0 and len(on) * 2 >= on[-1] - on[0] + 1
        if len(on) >= 3 and (common or local) and _may_run(shape):
            running[shape] = where
    return running


def _drop_running(lines: list[list[str]], keep: list[list[bool]], running: set[str],
                  kept: set[tuple[int, int]]) -> bool:
    """Drop running lines working inwards from each edge; the first line that is not one stops the walk."""
    dropped = False
    for p, (page_lines, page_keep) in enumerate(zip(lines, keep)):
        for last in (False, True):
            for _ in range(EDGE_LINES):
                i = _edge_line(page_lines, page_keep, last)
                if i is None or (p, i) in kept or _shape(page_lines[i]) not in running:
                    break
                page_keep[i], dropped = False, True
    return dropped


def _is_prose(line: str) -> bool:
    """A sentence (repeated boilerplate on slides), not a footer: keep its first copy so the text is indexed once."""
    return len(line.split()) >= 5 and line.rstrip().rstrip("”’\"')").endswith((".", "!", "?"))


def _may_run(shape: str) -> bool:
    """Labels and lone numbers are left to the page-number rule; a running line has words or several numbers."""
    if _LABEL_SHAPE.match(shape):
        return False
    return any(ch.isalpha() for ch in shape) or shape.count("#") >= 2


def _edge_line(page_lines: list[str], page_keep: list[bool], last: bool) -> int | None:
    order = range(len(page_lines) - 1, -1, -1) if last else range(len(page_lines))
    return next((i for i in order if page_keep[i] and page_lines[i].strip()), None)


def _drop_page_numbers(numbers: list[int], lines: list[list[str]], keep: list[list[bool]], last: bool) -> bool:
    """One pass over the top (or bottom) line of every page; True if it dropped anything."""
    dropped = False
    bare: dict[int, list[tuple[int, int]]] = defaultdict(list)  # printed minus page number -> places
    for p, (page_lines, page_keep) in enumerate(zip(lines, keep)):
        i = _edge_line(page_lines, page_keep, last)
        if i is None:
            continue
        line = " ".join(page_lines[i].split())
        if _EXPLICIT_PAGE_NUMBER.match(line):
            page_keep[i], dropped = False, True
        elif _BARE_NUMBER.match(line):
            bare[int(line) - numbers[p]].append((p, i))
    candidates = sum(map(len, bare.values()))
    for offset, where in bare.items():
        on = [numbers[p] for p, _ in where]
        # Page numbers: on half the pages, or half the pages of a stretch, or most bare numbers at this edge.
        tracks = (len(on) >= 2 and len(on) * 2 >= len(lines)) or (
            len(on) >= 3 and (len(on) * 2 >= on[-1] - on[0] + 1 or len(on) * 2 > candidates))
        if tracks or (len(lines) == 1 and offset == 0):
            for p, i in where:
                keep[p][i] = False
            dropped = True
    return dropped
