"""Paragraphs being assembled (`Draft`) and a paper's drafts with its head (`ChunkedPaper`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.lines import Line
from corpus.papers import PaperHead


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
    parent: str = ""

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
        self.last_kind = line.kind

    @property
    def text(self) -> str:
        return "".join(j + t for j, t in self.lines).strip()


@dataclass
class ChunkedPaper:
    head: PaperHead
    items: list[Draft]
    front: list[str] = field(default_factory=list)  # the paper's first lines, where its body and date are printed
