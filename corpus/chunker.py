"""Pages to `Paragraph` records, one per printed paragraph number (or per labelled table, list or slide)."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.front import read_front
from corpus.lines import Line, to_lines
from corpus.drafts import ChunkedPaper, Draft
from corpus.paper_chunker import PaperChunker
from corpus.papers import BODY, PaperHead, read_head, starts_paper, walk_back
from corpus.records import Page, Paragraph

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")


def _segments(lines: list[Line]) -> list[tuple[int, int]]:
    """Split at lines that open a paper and after the lines that close one (author, `Meeting closed`)."""
    cuts, content = [0], False
    for i, line in enumerate(lines):
        if i and starts_paper(lines, i) and content:
            cuts.append(i)
            content = False
        elif i and lines[i - 1].kind == "end" and line.kind not in ("end", "annex") and content:
            cuts.append(i)
            content = False
        if line.kind in ("numbered", "table", "text", "bullet", "lettered"):
            content = True
    cuts.append(len(lines))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _chunk_segment(lines: list[Line], a: int, b: int) -> list[ChunkedPaper]:
    papers = []
    start = a
    while start < b:
        head = read_head(lines, start, b)
        chunker = PaperChunker(lines, start, b)
        chunker.title_label = _short_title(head)
        chunker.items = _front(lines, start, head)
        restart = chunker.run(start + head.used)
        if restart is None:
            papers.append(ChunkedPaper(head, chunker.items, _front_lines(lines, start, b)))
            break
        boundary = walk_back(lines, start, restart)
        if boundary <= start:
            boundary = restart
        chunker = PaperChunker(lines, start, boundary)
        chunker.title_label = _short_title(head)
        chunker.items = _front(lines, start, head)
        chunker.run(start + head.used)
        papers.append(ChunkedPaper(head, chunker.items, _front_lines(lines, start, boundary)))
        start = boundary
    return papers


FRONT_LINES = 25


def _front_lines(lines: list[Line], start: int, end: int) -> list[str]:
    return [line.text for line in lines[start:min(end, start + FRONT_LINES)]]


def _short_title(head: PaperHead) -> str:
    """`West Midlands Police and Crime Panel – Action Tracker – Outstanding Actions` -> `Action Tracker`:
    the part of a paper's title that is not the body's name, to label an uncaptioned table."""
    parts = [p.strip(" -–") for p in re.split(r"\s[-–]|[-–]\s", head.title) if p.strip(" -–")]
    meeting = head.meeting.lower()
    for part in parts:
        names_body = part.lower() in meeting if meeting else bool(BODY.search(part))
        if not names_body:
            return part
    return head.title


def _front(lines: list[Line], start: int, head: PaperHead) -> list[Draft]:
    """The cover lines (presenter, contact, venue) as a block, so they can be asked about."""
    front = lines[start:start + head.used]
    if not front:
        return []
    item = Draft(label="Cover", kind="cover", section="", part="")
    for line in front:
        item.add(line, joiner="\n")
    return [item]


def _split_long(text: str, max_chars: int, by_line: bool = False) -> list[str]:
    """Pieces of at most `max_chars`, cut between sentences (between rows for tables and lists)."""
    if len(text) <= max_chars:
        return [text]
    pieces, current = [], ""
    joiner = "\n" if by_line else " "
    for sentence in (text.split("\n") if by_line else _SENTENCE_SPLIT.split(text)):
        while len(sentence) > max_chars:
            head, sentence = sentence[:max_chars], sentence[max_chars:]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current}{joiner}{sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def chunk_pages(pages: list[Page], doc: str, doc_id: str, max_chars: int = 6000) -> list[Paragraph]:
    """Cut a file's pages into paragraph records, paper by paper, in document order.

    Args:
        pages: the file's pages as a loader returned them.
        doc: the file name shown in citations.
        doc_id: the file's stable id (name plus content hash).
        max_chars: a longer paragraph is split at sentence ends into records with the same label.
    """
    lines = to_lines(pages)
    papers: list[ChunkedPaper] = []
    for a, b in _segments(lines):
        papers.extend(_chunk_segment(lines, a, b))
    papers = [p for p in papers if p.items]
    first = papers[0].head if papers else PaperHead("", "", "", 0)
    stem = Path(doc).stem
    doc_meeting = first.meeting or (first.title if not first.date else "")
    doc_title = " ".join(x for x in (first.meeting or first.title, _pretty(first.date)) if x) or stem
    out: list[Paragraph] = []
    seen_titles: dict[tuple[str, str, str], int] = {}
    doc_front = read_front(papers[0].front) if papers else read_front([])
    for n, paper in enumerate(papers):
        title = paper.head.title or paper.head.meeting or f"{stem} (paper {n + 1})"
        meeting = paper.head.meeting or doc_meeting
        front = read_front(paper.front)
        # A pack's papers keep the pack's body where their own front says nothing of it.
        body = front.body or doc_front.body
        committee = front.committee or (doc_front.committee if not front.body else "")
        date = paper.head.date or first.date or front.date or doc_front.date
        # Labels are unique within a paper, so two papers of one file must differ by name.
        key = (title, meeting, date)
        seen_titles[key] = seen_titles.get(key, 0) + 1
        if seen_titles[key] > 1:
            title = f"{title} ({seen_titles[key]})"
        used_labels: dict[tuple[str, str], int] = {}
        for item in paper.items:
            label = item.label
            if item.kind in ("block", "list", "table", "cover"):
                key = (item.part, label)
                used_labels[key] = used_labels.get(key, 0) + 1
                if used_labels[key] > 1:
                    label = f"{label} ({used_labels[key]})"
            for piece_no, piece in enumerate(_split_long(item.text, max_chars, by_line=item.kind in ("table", "list"))):
                out.append(Paragraph(
                    doc_id=doc_id, doc=doc, doc_title=doc_title, paper=title, label=label, text=piece,
                    section=item.section, part=item.part, kind=item.kind, meeting=meeting, date=date,
                    body=body, committee=committee,
                    pages=tuple(sorted(n for n in item.pages if n > 0)), seq=len(out),
                    parent=item.parent, printed=_printed(item.kind, label), piece=piece_no,
                ))
    return out


_CAPTIONED = re.compile(r"^(?:Table|Figure|Chart|Graph)\s+\d+[A-Za-z]?$")


def _printed(kind: str, label: str) -> bool:
    """Whether `label` is printed in the paper (a number, a reference, a table's own caption number)."""
    if kind in ("numbered", "titled"):
        return True
    if kind == "row":
        return label[:1].isdigit()
    return kind == "table" and bool(_CAPTIONED.match(label))


def _pretty(date: str) -> str:
    from corpus.meta import short_date

    return short_date(date)
