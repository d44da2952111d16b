"""Paragraphs being assembled (`Draft`) and a paper's drafts with its head (`ChunkedPaper`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.lines import SENTENCE_END, Line
from corpus.papers import PaperHead
from corpus.records import EMPHASIS


@dataclass
class Draft:
    """A paragraph being assembled."""

    label: str
    kind: str
    section: str
    part: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (joiner, text)
    pages: set[int] = field(default_factory=set)
    last_ends_sentence: bool = True
    last_kind: str = ""
    last_large: bool = False  # the last line was printed larger than the body text
    parent: str = ""
    # A numbered paragraph that ended a line with a colon ("the following were received:") goes on to list
    # what it introduced: the short lines after it (table cells, a list) are its own, not a block of their own.
    introduces: bool = False
    row: bool = False  # a numbered row of a table: its number printed in a cell of its own
    # where a long unnumbered list may be cut into its groups: (index into `lines`, the group's label, its page)
    groups: list[tuple[int, str, int]] = field(default_factory=list)

    def add(self, line: Line, text: str | None = None, joiner: str | None = None) -> None:
        text = line.text if text is None else text
        if line.page_from:
            self.pages.add(line.page_from)
        if not text.strip():
            self.pages.add(line.page)
            return
        if joiner is None:
            structural = line.kind in ("bullet", "lettered", "table")
            joiner = "\n" if (structural or (line.gap and self.last_ends_sentence)) else " "
        if not self.lines:
            joiner = ""
        self.lines.append((joiner, text.strip() if line.kind != "table" else text))
        self.pages.add(line.page)
        self.last_ends_sentence = line.ends_sentence or line.kind == "table"
        if self.kind in ("numbered", "titled") and text.rstrip().endswith(":"):
            self.introduces = True
        self.last_kind = line.kind
        self.last_large = line.size >= EMPHASIS

    @property
    def text(self) -> str:
        return "".join(j + t for j, t in self.lines).strip()


# A list longer than this (an action log of a dozen workstreams, printed as one table) is cut into its groups;
# a shorter one is read as one passage anyway, and its groups are often the cells of one small table.
SPLIT_GROUPS_FROM = 1500
MIN_GROUPS = 3
MAX_SENTENCE_SHARE = 0.2


def split_groups(draft: Draft) -> list[Draft]:
    """A long unnumbered list as its groups, each named by its first line; anything else as it is."""
    if draft.kind != "list" or len(draft.groups) < MIN_GROUPS or len(draft.text) < SPLIT_GROUPS_FROM:
        return [draft]
    # a log's entries are cells, not sentences; where space separates sentences, it separates a page's paragraphs
    sentences = sum(1 for _, t in draft.lines if SENTENCE_END.search(t))
    if sentences > MAX_SENTENCE_SHARE * len(draft.lines):
        return [draft]
    starts = [(0, draft.label, min(draft.pages))] if draft.groups[0][0] > 0 else []
    starts += draft.groups
    last_page = max(draft.pages)
    out = []
    for n, (first, label, page) in enumerate(starts):
        end, next_page = (starts[n + 1][0], starts[n + 1][2]) if n + 1 < len(starts) else (len(draft.lines), last_page)
        part = Draft(label=label, kind="list", section=draft.section, part=draft.part, parent=draft.parent)
        part.lines = [("", draft.lines[first][1])] + draft.lines[first + 1:end]
        part.pages = {p for p in draft.pages if page <= p <= next_page}
        if part.text:
            out.append(part)
    return out


@dataclass
class ChunkedPaper:
    head: PaperHead
    items: list[Draft]
    front: list[str] = field(default_factory=list)  # the paper's first lines, where its body and date are printed
