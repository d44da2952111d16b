"""The answer's text and references: each part's quoted sentences with `[n]` markers, numbered in order of use."""

from __future__ import annotations

from dataclasses import dataclass

from qa.contract import Citation
from qa.evidence import ROW_JOIN, Evidence, Unit
from qa.question import QuestionPart


@dataclass
class PartAnswer:
    """What answering one part of the question produced."""

    part: QuestionPart
    units: list[Unit]
    considered: list[Unit]
    confidence: float
    missing: str
    note: str
    features: tuple[float, ...] = ()  # what `qa.confidence.learned_confidence` weighed (evals/fit_confidence.py)

    @property
    def answered(self) -> bool:
        return bool(self.units)


class Numbering:
    """Citation numbers in order of first use, one per paragraph, with the span each one quotes."""

    def __init__(self, ev: Evidence) -> None:
        self.ev = ev
        self.order: list[int] = []
        self.units: dict[int, list[Unit]] = {}

    def n(self, u: Unit) -> int:
        if u.rank not in self.units:
            self.order.append(u.rank)
            self.units[u.rank] = []
        self.units[u.rank].append(u)
        return self.order.index(u.rank) + 1

    def citations(self, relevance: dict[int, float]) -> list[Citation]:
        out = []
        for i, rank in enumerate(self.order, 1):
            para = self.ev.paragraph(rank)
            units = self.units[rank]
            start, end = min(u.start for u in units), max(u.end for u in units)
            if end - start > 800:
                start, end = units[0].spans[-1]
            out.append(Citation.of(i, para, para.text[start:end], relevance.get(rank, 0.0)))
        return out


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def compose(results: list[PartAnswer], numbering: Numbering) -> str:
    """The answer text: each part's sentences, grouped by paragraph, each group followed by its `[n]`.

    A multi-part answer gives each part its own line of quoted sentences, never a heading made of the question's
    words; a part the sentences above already answer adds nothing, and a part the papers do not answer is named in
    one plain sentence (by its place, not by its words: a number asked about must not appear as if answered)."""
    lines = []
    shown: set[tuple[int, tuple[int, int]]] = set()  # (paragraph, sentence span) already quoted
    for i, r in enumerate(results):
        if not r.answered:
            which = _ORDINALS[i] if i < len(_ORDINALS) else "last"
            lines.append(f"The papers found do not answer the {which} part of the question.")
            continue
        fresh = [u for u in r.units if any((u.rank, span) not in shown for span in u.spans)]
        if not fresh:
            continue
        shown.update((u.rank, span) for u in fresh for span in u.spans)
        groups: dict[int, list[Unit]] = {}
        for u in fresh:
            groups.setdefault(u.rank, []).append(u)
        pieces = []
        for units in groups.values():
            units = sorted(units, key=lambda u: (u.start, u.end))  # rows of a table share their header's start
            n = 0
            for u in units:
                n = numbering.n(u)
            pieces.append(_joined(units) + f" [{n}]")
        lines.append(" ".join(pieces))
    return "\n".join(lines)


ROWS_ON_LINES = 3  # this many rows of one table or more are read better one to a line, under their header


def _joined(units: list[Unit]) -> str:
    """The units of one paragraph in order; rows of one table show its header row once ("Code | Positive — OC9 |
    Yes — OC10 | No"), not before each row; three rows or more each on a line of its own under the header."""
    out: list[list[str]] = []  # [header or sentence, row, row, ...]
    head = None
    for u in units:
        shown, _, row = u.text.partition(ROW_JOIN)
        if row and shown == head:
            out[-1].append(row)
            continue
        head = shown if row else None
        out.append([shown, row] if row else [u.text])
    text = ""
    for first, *rows in out:
        lines = len(rows) >= ROWS_ON_LINES
        piece = "\n".join([first, *(f"{ROW_JOIN.strip()} {row}" for row in rows)]) if lines \
            else ROW_JOIN.join([first, *rows])
        text += (" " if text and not text.endswith("\n") else "") + piece + ("\n" if lines else "")
    return text.rstrip("\n")
