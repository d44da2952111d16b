"""The records that flow from files to the index: `Page`, `Paragraph`, `FileReport`."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Page:
    """One page of text as a loader read it (`number` is 1-based; text files are one page).

    `styled` lists the page's lines printed larger than the document's body text or in bold, as
    (`style_key` of the line, font size relative to the body text, bold): what the PDF's own
    typography says is a title or a heading. Text files have none.
    """

    number: int
    text: str
    styled: tuple[tuple[str, float, bool], ...] = ()


EMPHASIS = 1.15  # a line printed at least this much larger than the body text is display type (a title, a heading)


def style_key(text: str) -> str:
    """A line's letters and digits, case-folded: the same printed line before and after cleaning."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())[:80]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of one paper, exactly as it is indexed and cited.

    `label` is the number as printed (`3.7`, `52`, `921`, `Action ref 230`) or, for
    unnumbered blocks, a label derived from the nearest heading (`Table 2`,
    `Appendix 1`, a slide title). Labels are unique only within (`doc_id`, `paper`,
    `part`): an annex whose numbering starts again is a `part` of its paper.

    `printed` is True when `label` is a number or reference printed in the paper (`3.7`,
    `FGB 103/2122(a)`, an action log's `Jan26.01`), False when it was derived from a heading,
    caption or position (`Cover`, `Table 2`, a slide title). `parent` is the label of the unit
    a nested one belongs to (`292` for `292(3)`), so a question about minute 292 finds all of it.
    `body` and `committee` are read from the paper's front sheet or header (`Souldern Parish
    Council`, `Learning & Wellbeing Committee`). `piece` is 0 for a paragraph's first (or only)
    record and 1, 2, ... for the further records a long paragraph is split into, so a label printed
    twice (`5.1` and `5.1` again) stays two paragraphs.
    """

    doc_id: str
    doc: str
    doc_title: str
    paper: str
    label: str
    text: str
    section: str = ""
    part: str = ""
    kind: str = "numbered"
    meeting: str = ""
    date: str = ""
    pages: tuple[int, ...] = ()
    seq: int = 0
    body: str = ""
    committee: str = ""
    parent: str = ""
    printed: bool = False
    piece: int = 0

    @property
    def key(self) -> str:
        """Stable id of this paragraph inside the index (file, order)."""
        return f"{self.doc_id}#{self.seq}"

    @property
    def reference(self) -> str:
        """What a reader sees and can check, e.g. `Police and Crime Plan Performance (Accountability and Governance
        Board, May 2025), ¶3.7, p.4`."""
        where = f" ({self.meeting_short})" if self.meeting_short else ""
        numbered = self.kind in ("numbered", "titled") or (self.kind == "row" and self.label[:1].isdigit())
        label = f"¶{self.label}" if numbered else self.label
        if self.part:
            label = f"{self.part}, {label}"
        pages = ""
        if self.pages:
            first, last = self.pages[0], self.pages[-1]
            pages = f", p.{first}" if first == last else f", pp.{first}-{last}"
        return f"{self.paper}{where}, {label}{pages}"

    @property
    def meeting_short(self) -> str:
        """Meeting and date in a few words, e.g. `Accountability and Governance Board, May 2025`."""
        from corpus.meta import short_meeting

        return short_meeting(self.meeting, self.date, self.paper, self.body, self.committee)

    def to_json(self) -> dict:
        data = asdict(self)
        data["pages"] = list(self.pages)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Paragraph":
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["pages"] = tuple(values.get("pages") or ())
        return cls(**values)


@dataclass(frozen=True)
class FileReport:
    """What ingesting one file produced: its paragraphs, or the reason it failed."""

    path: str
    doc_id: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    papers: tuple[str, ...] = ()
    error: str = ""
    skipped: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Running headers, footers and page numbers left out of the records: (first copy, how many), shown by `inspect`.
    running: tuple[tuple[str, int], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error


def content_hash(data: bytes) -> str:
    """sha256 of a file's bytes, the identity used for incremental indexing."""
    return hashlib.sha256(data).hexdigest()


def make_doc_id(name: str, digest: str) -> str:
    """`name@hash12`: readable, and different for two files with one name and different content."""
    return f"{name}@{digest[:12]}"
