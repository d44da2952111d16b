"""The answer contract every interface returns (`Answer`, `Citation`) and its invariants, checked in code."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from corpus.records import Paragraph
from qa.numbers import number_set, numbers_in

REFUSAL = "The papers don't answer this question."
MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Citation:
    """One numbered reference: the paragraph, the words quoted from it, and how it was used.

    `role` is `support` for a citation the answer rests on, `see_also` for the nearest
    paragraphs listed beside an abstention (never support).
    """

    n: int
    doc: str
    paper: str
    paragraph: str
    pages: list[int]
    reference: str
    quote: str
    text: str
    score: float
    role: str = "support"
    section: str = ""
    part: str = ""
    key: str = ""
    meeting: str = ""
    date: str = ""

    @classmethod
    def of(cls, n: int, para: Paragraph, quote: str, score: float, role: str = "support") -> "Citation":
        return cls(
            n=n, doc=para.doc, paper=para.paper, paragraph=para.label, pages=list(para.pages),
            reference=para.reference, quote=quote, text=para.text, score=round(float(score), 4),
            role=role, section=para.section, part=para.part, key=para.key,
            meeting=para.meeting, date=para.date,
        )


@dataclass(frozen=True)
class Answer:
    """What the assistant says: text with `[n]` markers, the citations behind them, or an abstention."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    confidence: float
    answerer: str = "extractive"
    note: str = ""
    timings: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        data["confidence"] = round(float(self.confidence), 4)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Answer":
        cites = [Citation(**{k: v for k, v in c.items() if k in Citation.__dataclass_fields__})
                 for c in data.get("citations") or []]
        return cls(
            question=data.get("question", ""), answer=data.get("answer", ""),
            abstained=bool(data.get("abstained", False)), citations=cites,
            confidence=float(data.get("confidence", 0.0) or 0.0),
            answerer=data.get("answerer", "extractive"), note=data.get("note", ""),
            timings=data.get("timings") or {},
        )

    @property
    def support(self) -> list[Citation]:
        return [c for c in self.citations if c.role == "support"]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def violations(answer: Answer) -> list[str]:
    """Every way `answer` breaks the contract; empty when it holds.

    - every `[n]` marker has a citation, and every support citation is used;
    - every quote occurs verbatim (whitespace folded) in its paragraph's text;
    - every number in the answer text occurs in a cited paragraph;
    - an abstention carries no support citations.
    """
    problems = []
    by_n = {c.n: c for c in answer.citations}
    used = {int(m) for m in MARKER.findall(answer.answer)}
    for n in sorted(used):
        if n not in by_n:
            problems.append(f"marker [{n}] has no citation")
        elif by_n[n].role != "support":
            problems.append(f"marker [{n}] points to a see-also paragraph")
    for c in answer.citations:
        if c.quote and _fold(c.quote) not in _fold(c.text):
            problems.append(f"quote of [{c.n}] is not in its paragraph: {c.quote[:60]!r}")
        if c.role == "support" and c.n not in used:
            problems.append(f"citation [{c.n}] is never referred to")
    if answer.abstained:
        if answer.support:
            problems.append("an abstention lists support citations")
    else:
        cited_numbers = set()
        for c in answer.support:
            cited_numbers |= number_set(c.text)
        for num in numbers_in(MARKER.sub(" ", answer.answer)):
            if num not in cited_numbers:
                problems.append(f"number {num} is in no cited paragraph")
    return problems
