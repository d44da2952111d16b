"""Pages to typed lines: what each printed line looks like (numbered, bullet, table row, heading, prose)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections import defaultdict

from corpus.numbering import ANNEX, BULLET, CAPTION, LETTERED, NUMBERED, SENTENCE_END, Label, reference
from corpus.records import EMPHASIS, Page, style_key
from corpus.subitems import SUBITEM, roman

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\((?:#|[^)\s]*)\)")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(\S[^*\n]*?\S|\S)\*(?![\w*])")
_SPACES = re.compile(r"[ \u00a0]{2,}")

END_MARKER = re.compile(r"^\s*(?:author\(?s?\)?\s*:|job title\s*:|(?:the\s+)?meeting (?:closed|ended)\b|chair(?:man|person)?\s*$"
                        r"|signed\s*:?\s*$|signed as a (?:true|correct) record)", re.I)
_META = re.compile(
    r"^\s*(?:presented by|report of|report author|author|date|email|e-mail|tel|telephone|contact(?: officer)?|"
    r"job title|wards? affected|key decision|classification|purpose|lead officer)\b\s*:?",
    re.I,
)


@dataclass
class Line:
    """One printed line. `gap` is True when a blank line (or a new page) comes before it."""

    text: str
    page: int
    gap: bool
    kind: str = "text"
    num: str = ""
    rest: str = ""
    index: int = 0
    page_from: int = 0  # the page where a paragraph number printed at the foot of a page stood
    page_line: int = 0  # how many lines of its page stand before it
    opens_paper: bool = False  # a paper's own reference at the head of its first page (`AGM-2007/04: Minutes`)
    size: float = 1.0  # font size relative to the document's body text (PDFs; 1.0 when unknown)
    bold: bool = False

    @property
    def ends_sentence(self) -> bool:
        return bool(SENTENCE_END.search(self.text))

    @property
    def starts_lower(self) -> bool:
        first = self.text.lstrip("-–•*( \"'‘“")[:1]
        return first.islower()


def display_type(line: Line) -> bool:
    """Whether a line is printed larger than the body text or in bold, as titles and headings are."""
    return line.size >= EMPHASIS or line.bold


def clean_inline(text: str) -> str:
    """Remove markup left by extraction (`**bold**`, `[link](#)`, HTML tags); keep the words."""
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _BOLD.sub("", text)
    text = _ITALIC.sub(r"\1", text)
    text = text.replace("\\(", "(").replace("\\)", ")")
    return _SPACES.sub(" ", text).rstrip()


def is_short(text: str) -> bool:
    """Heading-sized: a few words, no sentence punctuation at the end."""
    t = text.strip()
    words = t.split()
    if not words or len(t) > 110 or len(words) > 15:
        return False
    if t.endswith((".", ";", ",")) and not t.endswith("etc."):
        return False
    if t.endswith(":") and len(words) > 6:
        return False  # a sentence introducing a list
    return True


def is_meta(text: str) -> bool:
    return bool(_META.match(text))


_DATE_REST = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|/\d{1,2}/\d{2,4}\b", re.I)


_DIGIT_SHAPE = re.compile(r"\d+")
_FIGURE = re.compile(r"^[£$€(-]?\d[\d,.]*%?\)?$")


def _paragraph_like(text: str, m: re.Match) -> bool:
    """`- 183 ISC orders` is a bullet with a number, `31 homicides were` a wrapped line: neither
    is a paragraph number. Paragraph text starts with a capital, a quote or a bracket."""
    rest = (m.group("rest") or "").lstrip("*")
    first = rest.split()[0] if rest.split() else ""
    if _DIGIT_SHAPE.sub("#", first.rstrip(".,;:")) == _DIGIT_SHAPE.sub("#", m.group("num")):
        return False  # `11.10 - 11.30 Welcome`, `12 - 14 May`: a range of times or numbers, not a label
    if rest and not any(ch.isalpha() for ch in rest):
        return False  # `296 70 521 68`, `1.0 2.0 3.0`: a chart's axis or a row of figures, not a paragraph
    words = rest.split()
    figures = sum(1 for w in words if _FIGURE.match(w))
    if figures >= 3 and figures * 2 >= len(words):
        return False  # `3150 Grants and Donations 22,305 27,702.70 ...`: an account code leading a row of figures
    path = m.group("num").count(".") >= 2 or any(ch.isalpha() for ch in m.group("num"))
    if (rest[:1].islower() and not path) or _DATE_REST.match(rest):
        return False  # `31 homicides were`, `28 July 2025`: prose and dates, not paragraph numbers
    bulleted = text.lstrip()[:1] in "-–•▪"
    return not (bulleted and "." not in m.group("num") and not m.group("dot"))


# `01.26..03`, `01.26 08`: a doubled stop or a space where a dotted number's stop was misprinted.
_MISPRINT = re.compile(r"^(\s*\d{1,4}\.\d{1,4})(?:\.\.| )(\d{1,4}\b)(?![.,/:]\d)")


def classify(text: str) -> tuple[str, str, str]:
    """(kind, number, rest) of one cleaned line."""
    if "\t" in text and len([c for c in text.split("\t") if c.strip()]) >= 2:
        return "table", "", text
    if ANNEX.match(text):
        return "annex", "", ANNEX.match(text).group("label")
    m = CAPTION.match(text)
    if m:
        return "caption", m.group("label"), m.group("rest").strip(" .:–-")
    m = NUMBERED.match(_MISPRINT.sub(r"\1.\2", text))
    if m and _paragraph_like(text, m):
        return "numbered", m.group("num"), (m.group("rest") or "").strip()
    ref = reference(text)
    # `Item 6 of the last minutes` wraps onto a line's start; `TB(5)5 data.gov.uk` is a label before lower case
    if ref and (not ref[2][:1].islower() or any(ch in ref[0] for ch in "()/-.")):
        return "numbered", ref[0], ref[2]
    m = LETTERED.match(text)
    if m:
        return "lettered", m.group("item"), m.group("rest")
    m = SUBITEM.match(text)
    if m and not (m.group("close") == "." and m.group("item").isdigit()):
        return "lettered", m.group("item"), m.group("rest")
    if BULLET.match(text):
        return "bullet", "", text
    if END_MARKER.match(text):
        return "end", "", text
    if is_short(text):
        return "short", "", text
    return "text", "", text


_MARKER = re.compile(r"^\s*(?:[-–•▪●◦*](?:\s|$)|\(?[a-z]{1,4}[.)](?:\s|$)|\(?\d{1,4}(?:\.\d{1,3})*[.)]?(?:\s|$))")
# `3.1`, `3.1.a`, `3.2.a.viii.1`: a dotted number at a line's start is kept on its own line (the chunker decides).
_DOTTED = re.compile(r"^\s*\d{1,4}\.(?:\d{1,3}|[a-z]|[ivx]{1,5})(?:\.(?:\d{1,3}|[a-z]|[ivx]{1,5}))*\.?\s")
_BARE_NUMBER = re.compile(r"^\s*(?:[-–•]\s*)?\(?(?:\d{1,4}(?:\.\d{1,3})*|[a-z]|[ivx]{1,5})[.)]?\s*$")


def _join_bare_numbers(raw_lines: list[str]) -> list[str]:
    """`3.7` printed on a line of its own with the paragraph on the next line: one line, as printed in other layouts."""
    out: list[str] = []
    for raw in raw_lines:
        if out and raw.strip() and _BARE_NUMBER.match(out[-1]) and out[-1].strip():
            out[-1] = f"{out[-1].strip()} {raw.strip()}"
        else:
            out.append(raw)
    return out


# `(a)`, `(1)`, `(iv)`, `b)`: a bracketed item marker at a line's start begins an item, whatever ended the line above
_BRACKETED = re.compile(r"^\s*(?:\((?:[a-z]|[ivx]{1,5}|\d{1,2})\)|(?:[a-z]|\d{1,2})\))\s+\S")
_LEADING_NUMBER = re.compile(r"^\s*\(?(\d{1,3}|[a-z]|[IVX]{1,5})[.)]?\s")


def _next_in_list(prev: str, line: str) -> bool:
    """`3. Reports` under `2. Mr. Secretary to move ...`, `c.` under `b.`: the next number or letter of a list
    starts a new line."""
    a, b = _LEADING_NUMBER.match(prev), _LEADING_NUMBER.match(line)
    if not (a and b) or a.group(1).isdigit() != b.group(1).isdigit():
        return False
    if a.group(1).isdigit():
        return int(b.group(1)) == int(a.group(1)) + 1
    if a.group(1).isupper() and b.group(1).isupper():
        return roman(b.group(1)) == roman(a.group(1)) + 1
    return len(a.group(1)) == 1 and len(b.group(1)) == 1 and ord(b.group(1)) == ord(a.group(1)) + 1


def wrap_width(pages: list[Page]) -> int:
    """The printed line width of a PDF's text layer (its 90th-percentile line length); 0 when the
    text is not wrapped (one line per paragraph, as in text files)."""
    lengths = sorted(len(line) for page in pages for line in page.text.split("\n") if line.strip() and "\t" not in line)
    if len(lengths) < 20:
        return 0
    p90 = lengths[int(len(lengths) * 0.9)]
    return p90 if p90 <= 160 else 0


def _unwrap(raw_lines: list[str], width: int) -> list[str]:
    """Join a paragraph's printed lines: a line that runs to the right margin continues on the next
    one, unless the next starts a new item (a bullet or a number) after a finished sentence."""
    out: list[str] = []
    printed = ""  # the last printed line: whether it ran to the margin, not the joined paragraph
    for raw in raw_lines:
        line = raw.strip()
        if out and out[-1] and line:
            prev = out[-1]
            full = len(printed) >= 0.8 * width
            new_item = (bool(_MARKER.match(line)) and bool(SENTENCE_END.search(prev))) or reference(line) is not None \
                or bool(_DOTTED.match(line)) or _next_in_list(prev, line) or bool(_BRACKETED.match(line))
            if full and not new_item and "\t" not in prev and "\t" not in line:
                out[-1] = f"{prev} {line}"
                printed = line
                continue
        out.append(raw if line else "")
        printed = line
    return out


def to_lines(pages: list[Page]) -> list[Line]:
    """Split pages into typed lines, keeping page numbers and where blank lines were.

    Text layers of PDFs break paragraphs into printed lines; those are joined back first, so a
    line that happens to start with `31 homicides` is never read as paragraph 31.
    """
    width = wrap_width(pages)
    lines: list[Line] = []
    carry: Line | None = None  # a bare paragraph number left at the foot of the previous page
    for page in pages:
        gap = True
        styles = {key: (size, bold) for key, size, bold in page.styled}
        raw_lines = page.text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "").split("\n")
        raw_lines = _join_bare_numbers(raw_lines)
        if width:
            raw_lines = _unwrap(raw_lines, width)
        for raw in raw_lines:
            text = clean_inline(raw)
            if not text.strip():
                gap = True
                continue
            # Table rows keep their tab structure; everything else is trimmed.
            text = text.rstrip() if "\t" in text else text.strip()
            page_from = 0
            if carry is not None:
                text, gap, page_from = f"{carry.text} {text}", carry.gap, carry.page
                lines.pop()
                carry = None
            kind, num, rest = classify(text)
            size, bold = _style(styles, text)
            lines.append(Line(text=text, page=page.number, gap=gap, kind=kind, num=num, rest=rest, index=len(lines),
                              page_from=page_from, size=size, bold=bold))
            gap = False
        if lines and lines[-1].page == page.number and _BARE_NUMBER.match(lines[-1].text) and "." in lines[-1].text + "0.":
            carry = lines[-1] if lines[-1].kind == "numbered" else None
    for before, line in zip(lines, lines[1:]):
        if line.kind == "end" and not line.gap and before.kind in ("text", "short", "numbered") and not before.ends_sentence:
            line.kind = "short"  # `the discretion of the` / `Chair`: a wrapped title's last word, not a signature
    _mark_filler_pages(lines)
    _letter_entries(lines)
    for i, line in enumerate(lines):
        line.index = i
        # Only a file with pages says where a page starts (a text file is one long page).
        if len(pages) > 1 and i and lines[i - 1].page == line.page:
            line.page_line = lines[i - 1].page_line + 1
    _drop_lone_schemes(lines)
    return lines


def _mark_filler_pages(lines: list[Line]) -> None:
    """A page that holds one short line of words and nothing else (a blank page's notice) ends what came before
    it; it never names the paper that follows."""
    by_page: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_page[line.page].append(line)
    if len(by_page) < 2:
        return
    for page_lines in by_page.values():
        if len(page_lines) == 1:
            only = page_lines[0]
            before = lines[only.index - 1] if only.index else None
            stands_alone = only.text[:1].isupper() and not only.ends_sentence \
                and (before is None or before.ends_sentence or before.kind != "text")
            if stands_alone and len(only.text.split()) <= 8 and not any(ch.isdigit() for ch in only.text) \
                    and only.kind in ("short", "text"):
                only.kind = "end"


def _style(styles: dict[str, tuple[float, bool]], text: str) -> tuple[float, bool]:
    """A line's font size and weight from its page's styled lines (a line joined from several: its first)."""
    if not styles:
        return 1.0, False
    key = style_key(text)
    if key in styles:
        return styles[key]
    for styled, style in styles.items():
        if len(styled) >= 8 and key.startswith(styled):
            return style
    return 1.0, False


# `A.` or `G. (a little off the map)` alone on its line: the letter of an entry whose words follow on the next lines.
_LETTER_ENTRY = re.compile(r"^(?P<letter>[A-Z])\.(?:\s+(?P<rest>\(.*\)))?$")
_ENTRY_LINES = 6


def _letter_entries(lines: list[Line]) -> None:
    """Capital letters alone on their lines, each heading a few lines (a list of venues, of options), are the
    entries of a lettered list: kind `entry`, labelled by the letter. When the letters of a page are A, B, C...
    without a gap or a repeat, four or more, but out of order, the list was printed in columns that the text layer
    interleaves (A, F, B, G, ...): the entries are put back in letter order."""
    pages: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        pages.setdefault(line.page, []).append(i)
    for where in pages.values():
        heads = [i for i in where if _LETTER_ENTRY.match(lines[i].text.strip())]
        letters = [lines[i].text.strip()[0] for i in heads]
        if len(heads) < 4 or sorted(letters) != [chr(ord("A") + k) for k in range(len(heads))]:
            continue
        sizes = [b - a for a, b in zip(heads, heads[1:])]
        if max(sizes) > _ENTRY_LINES:
            continue
        end = min(where[-1] + 1, heads[-1] + max(sizes))
        blocks = sorted((lines[a:b] for a, b in zip(heads, heads[1:] + [end])), key=lambda block: block[0].text.strip())
        lines[heads[0]:end] = [line for block in blocks for line in block]
        for block in blocks:
            m = _LETTER_ENTRY.match(block[0].text.strip())
            block[0].kind, block[0].num, block[0].rest = "entry", m.group("letter"), m.group("rest") or ""


def _drop_lone_schemes(lines: list[Line]) -> None:
    """A reference-style label counts only when its scheme runs through the file: at least three labels, or two
    that start at 1 (`Item 1:`, `Item 2:`); `Page 3` or a lone `Ward 5:` is prose."""
    members: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.kind == "numbered" and not line.num[:1].isdigit():
            members[Label.parse(line.num).scheme].append(line)
    for scheme, found in members.items():
        heads = sum(1 for x in found if x.page_line <= 2 and x.page > 1)
        if len(found) >= 2 and heads >= 0.75 * len(found):
            # Nearly every one heads a page: the references of the papers in a pack, titles, not paragraphs.
            for line in found:
                line.kind, line.opens_paper = "short", True
            continue
        values = sorted(Label.parse(x.num).parts[0] for x in found)
        distinct = sorted(set(values))
        if len(distinct) >= 3 or (len(distinct) == 2 and distinct[0] == 1):
            continue
        for line in found:
            line.kind, line.num, line.rest = "text", "", line.text
