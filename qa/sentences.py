"""Split a paragraph into sentences (table rows and list items included) with exact character offsets."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from corpus.records import Paragraph

# Words whose trailing full stop does not end a sentence (compared lower-cased, without the stop).
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "eg", "ie", "cf", "viz", "approx", "c", "ca", "cllr", "councillor", "mr", "mrs", "ms", "dr",
    "prof", "rev", "st", "no", "nos", "para", "paras", "fig", "figs", "ref", "refs", "vs", "v", "p", "pp",
    "ch", "sec", "art", "vol", "op", "dept", "est", "govt", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "bros", "hon", "supt", "insp", "sgt",
    "det", "ch.supt", "asst", "mbe", "obe", "cbe", "jp", "llb", "a.m", "p.m",
})
# Where a sentence may end: terminal punctuation, optional closing quotes/brackets, then white space.
_END = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s)")
# What may start the next sentence.
_STARTER = re.compile(r"[A-Z0-9£\"'‘“(\[•\-–]")
# A list or paragraph marker at the start of a block: `- `, `• `, `3.7. `, `115. `, `i. `, `(a) `, `2) `.
_MARKER = re.compile(
    r"(?:[-–•▪●◦*]\s+)?"
    r"(?:(?:\d{1,3}(?:\.\d{1,3}){0,3}\.|\(?[ivx]{1,5}[.)]|\(?[a-z][.)]|\(\d{1,2}\)|\d{1,2}\))\s+)?"
)
_BULLET_START = re.compile(r"^\s*(?:[-–•▪●◦*]\s+|\(?[ivx]{1,5}[.)]\s+|\(?[a-z][.)]\s+|\(\d{1,2}\)\s+"
                           r"|\d{1,3}(?:\.\d{1,3}){0,3}\.\s+[A-Z]|\d{1,3}(?:\.\d{1,3}){1,3}\s+[A-Z])")
# a list entry naming someone and then what they are ("Simon Down – Head of Policy, ..."): one line each
_ENTRY = re.compile(r"^(?:(?:Cllr|Councillor|Dr|Mr|Mrs|Ms|Miss|Prof)\.?\s+)?[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.?|[A-Z][a-z'’-]+)){1,3}"
                    r"(?:,?\s+[–-]\s+\S"
                    # "Cllr Suky Samra, LLB (Walsall Metropolitan Borough Council – Chair)": a list of who was present
                    r"|(?:,?\s+[A-Z]{2,5}\b)*,?\s*\([^()\n]{3,}\)\s*$)")
_LINE_END = re.compile(r"[.!?:;][\"'’”)\]*]*\s*$")
_HEADING_MAX = 60
_FOOTNOTE = re.compile(r"\s*\[\d+\]")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")  # HTML left inside table cells; replaced by a space, never joined
_LEADERS = re.compile(r"^(?:in addition|additionally|furthermore|moreover|also|further)\s*,\s*", re.I)


class Sentence(NamedTuple):
    """One sentence of a paragraph, `text == paragraph_text[start:end]`; `row` for a table row, `item`
    for a sentence of a list item (`- `, `i.`) that follows the paragraph's opening."""

    start: int
    end: int
    text: str
    row: bool = False
    item: bool = False


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, trailing white space excluded."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        stripped = line.rstrip()
        lead = len(line) - len(line.lstrip())
        if stripped.strip():
            spans.append((m.start() + lead, m.start() + len(stripped)))
    return spans


def _blocks(text: str) -> list[tuple[int, int, bool, bool]]:
    """Group lines into blocks (start, end, is_row, is_item): table rows and list items stand alone; a
    line broken mid-sentence (a page break inside a paragraph) is joined to the line before it."""
    blocks: list[list] = []
    for start, end in _lines(text):
        line = text[start:end]
        if "\t" in line:
            blocks.append([start, end, True, False])
            continue
        bullet = bool(_BULLET_START.match(line)) or bool(_ENTRY.match(line))
        if blocks and not blocks[-1][2] and not bullet:
            prev = text[blocks[-1][0]:blocks[-1][1]]
            prev_line = prev.rsplit("\n", 1)[-1]
            heading = len(prev_line) <= _HEADING_MAX and line[:1].isupper()
            if not _LINE_END.search(prev_line) and not heading:
                blocks[-1][1] = end
                continue
        blocks.append([start, end, False, bullet and bool(blocks)])
    return [(s, e, r, i) for s, e, r, i in blocks]


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` closes an abbreviation or an initial rather than a sentence."""
    if text[dot] != ".":
        return False
    head = text[:dot]
    word = re.search(r"[A-Za-z][A-Za-z.]*$", head)
    if not word:
        return False
    token = word.group()
    if len(token) == 1 and token.isupper():
        return True  # an initial: `Cllr J. Scott`
    return token.lower().rstrip(".") in ABBREVIATIONS


def _split_block(text: str, start: int, end: int, skip_label: str, item: bool) -> list[Sentence]:
    """Sentences of one prose block, its leading list marker (or the paragraph's label) left out."""
    body = text[start:end]
    offset = 0
    if skip_label:
        m = re.match(r"(?:[-–•▪*]\s+)?(?:\*\*)?" + re.escape(skip_label) + r"\.?(?:\*\*)?\s+", body)
        if m:
            offset = m.end()
    if not offset:
        offset = _MARKER.match(body).end()
    out: list[Sentence] = []
    cut = offset
    for m in _END.finditer(body, offset):
        nxt = re.compile(r"\s+").match(body, m.end())
        follow = body[nxt.end():nxt.end() + 1] if nxt else ""
        if not follow or not _STARTER.match(follow) or _ends_with_abbreviation(body, m.start()):
            continue
        out.append(Sentence(start + cut, start + m.end(), body[cut:m.end()], False, item))
        cut = nxt.end()
    if cut < len(body):
        out.append(Sentence(start + cut, end, body[cut:], False, item))
    return [s for s in out if re.search(r"[A-Za-z0-9]", s.text)]


def split_sentences(text: str, label: str = "") -> list[Sentence]:
    """Sentences of `text` in order, each an exact slice `text[start:end]`.

    Table rows (lines with tabs) and list items (`- `, `i.`, `(a)`) are one sentence each; full stops
    inside numbers (`10.5`, `2024/25` has none), abbreviations (`e.g.`, `Cllr.`, `No.`) and initials
    never end a sentence. A leading paragraph number (`3.7.`, or `label` when given) is left out.

    Args:
        text: the paragraph's text.
        label: the paragraph's printed number, stripped when the text starts with it.
    """
    sentences: list[Sentence] = []
    for i, (start, end, row, item) in enumerate(_blocks(text)):
        if row:
            sentences.append(Sentence(start, end, text[start:end], True))
        else:
            sentences.extend(_split_block(text, start, end, label if i == 0 else "", item))
    return sentences


def display(text: str) -> str:
    """A sentence as the answer shows it: white space folded, table cells ` | `, footnote marks
    such as `[2]` dropped (they would read as citations), HTML tags dropped, a leading `In addition,`
    trimmed, and a capital first letter. Digits are never touched."""
    t = _TAG.sub(" ", _FOOTNOTE.sub(" ", text))
    t = re.sub(r"[ \u00a0]*\t[\t \u00a0]*", " | ", t.strip())
    t = re.sub(r"\s+", " ", t).strip(" |")
    t = t.replace("**", "")
    t = _LEADERS.sub("", t)
    return t[:1].upper() + t[1:] if t else t


def paragraph_sentences(p: "Paragraph") -> list[Sentence]:
    """A paragraph's sentences, its printed number left out (a label the reader made from its first words is text)."""
    return split_sentences(p.text, p.label if p.printed else "")
