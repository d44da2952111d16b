"""Paragraph numbers as printed (`3.7`, `- 2.1.`, `52.`, `915`, `i.`): recognise them and check their order."""

from __future__ import annotations

import re
from typing import NamedTuple

from corpus.subitems import roman

# `3.7 Text`, `- 2.1. Text`, `52. Text`, `915 NOTICE`, `**1.** Text`; the number must be
# followed by white space (or end the line), so `81.8% of victims` and `2024/25` never match.
NUMBERED = re.compile(
    r"^\s*(?:[-–•▪]\s*)?(?:\*\*)?(?P<num>\d{1,4}(?:\.\d{1,3}){0,3}(?:\.(?:[a-z]|[ivx]{2,5})(?:\.(?:\d{1,2}|[a-z]|[ivx]{1,5})){0,3})?)(?P<dot>\.)?(?:\*\*)?"
    r"(?:[ \t]+(?:[-–][ \t]+)?(?P<rest>\S.*)|[ \t]*$)"
)
# `i.`, `(ii)`, `a.`, `(b)`, `- iv.`: items that belong to the paragraph that introduces them.
LETTERED = re.compile(r"^\s*(?:[-–•▪]\s*)?\(?(?P<item>[a-z]|[ivx]{1,5})[.)]\s+(?P<rest>\S.*)$")
BULLET = re.compile(r"^\s*(?:[-–•▪●◦○■□➢►*]|\d+\))\s+\S")
CAPTION = re.compile(r"^\s*(?:\d+\.\s*)?(?P<label>(?:Table|Figure|Chart|Graph)\s+\d+[A-Za-z]?)\b(?P<rest>(?:[.:–-].{0,400})|.{0,100})$")
ANNEX = re.compile(
    r"^\s*(?:\*\*)?(?P<label>(?:annex|appendix|schedule|attachment|enclosure)\s+"
    r"(?:[0-9]{1,2}|[A-Z]|one|two|three|four|five|six|seven|eight|nine|ten)\b)(?:\*\*)?\s*$",
    re.I,
)
SENTENCE_END = re.compile(r"[.!?:;)\]”\"'’*]\s*$")
YEARISH = re.compile(r"^(19|20)\d\d$")


# Reference-style labels: a printed prefix names the scheme, a number runs within it. Each shape is a
# layout convention, not a body's wording: `LW 64/2122` (committee ref / school year), `Item 3:` or
# `Action 4:` (a word and a number closed by a colon or stop), `TB(5)2` (a paper series and meeting),
# `AGM-2006/3` (a series and year), `Jan26.01` (month, year, number).
_REFERENCES = (
    re.compile(r"^(?P<pre>[A-Z][A-Za-z&]{1,7} )(?P<n>\d{1,4})(?P<post>/\d{2,4})(?![\d/])"),
    re.compile(r"^(?P<pre>[A-Z][a-z]{2,11} )(?P<n>\d{1,3})(?P<post>)(?=\s*:|\.(?!\d)|\s+[-–]\s|\s*$)"),
    re.compile(r"^(?P<pre>[A-Z]{1,6} ?\(\d{1,3}\) ?)(?P<n>\d{1,2})(?P<post>(?:\.[ivx]{1,4})?)(?![\w(])"),
    re.compile(r"^(?P<pre>[A-Z]{2,6}-\d{2,4}/)(?P<n>\d{1,3})(?P<post>)(?![\d/])"),
    re.compile(r"^(?P<pre>[A-Z][a-z]{2}\d{2}\.)(?P<n>\d{1,3})(?P<post>)(?![\d.])"),
    # an action log's `103b/2122`, `72a1)/2122`: the minute it comes from, a sub-item, the year
    re.compile(r"^(?P<pre>)(?P<n>(?!(?:19|20)\d\d)\d{1,4})(?P<sub>[a-z]\d?\)?)?(?P<post>/\d{4})(?![\d/])"),
    # an annex's own sections `A.1`, `B.2`
    re.compile(r"^(?P<pre>[A-Z]\.)(?P<n>\d{1,2})(?P<post>)(?![\d.])"),
    # a resolution's clauses `I`, `II`, `III` printed without a stop, the clause's words after them
    re.compile(r"^(?P<pre>)(?P<n>[IVX]{1,4})(?P<post>)(?=\s+[A-Z][a-z])"),
)
REFERENCE_REST = re.compile(r"^[\s:.–-]*(?P<rest>.*)$")


def reference(text: str) -> tuple[str, str, str] | None:
    """(label as printed, scheme, rest of the line) for a reference-style label at the start of `text`."""
    stripped = text.strip().lstrip("*")
    for pattern in _REFERENCES:
        m = pattern.match(stripped)
        if m:
            label = m.group(0).strip()
            rest = REFERENCE_REST.match(stripped[m.end():]).group("rest").strip(" *")
            return label, scheme_of(m) + ("" if m.group("n").isdigit() else "roman"), rest
    return None


def scheme_of(m: re.Match) -> str:
    pre = " ".join(m.group("pre").split()) or "#"
    return f"{pre}#{m.group('post')}" if not m.group("post").startswith(".") else f"{pre}#"


def _reference_label(text: str) -> "Label | None":
    for pattern in _REFERENCES:
        # the label alone, or as if the words of its paragraph followed it (`II` before `This AGM ...`)
        m = pattern.match(text) or pattern.match(f"{text} Xx")
        if m and m.end() == len(text):
            n = m.group("n")
            return Label((int(n) if n.isdigit() else roman(n),), scheme_of(m) + ("" if n.isdigit() else "roman"))
    return None


class Label(NamedTuple):
    """A parsed paragraph number: `3.7` -> parts (3, 7); `LW 64/2122` -> parts (64,), scheme `LW #/2122`."""

    parts: tuple[int, ...]
    scheme: str = ""

    @classmethod
    def parse(cls, text: str) -> "Label":
        ref = _reference_label(text)
        if ref is not None:
            return ref
        parts: list[int] = []
        previous = ""
        for piece in (p for p in re.split(r"\.\.?| ", text) if p):
            if piece.isdigit():
                parts.append(int(piece))
            elif previous.isalpha() or len(piece) > 1:
                parts.append(roman(piece))  # a letter under a letter is a roman number: `3.1.f.ii`
            else:
                parts.append(ord(piece.lower()) - ord("a") + 1)  # a letter under a number: `3.1.a`
            previous = piece
        return cls(tuple(parts))

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.parts)

    @property
    def depth(self) -> int:
        return len(self.parts)


def is_successor(prev: Label | None, cand: Label, slack: int = 0) -> bool:
    """Whether `cand` can follow `prev` in one numbering scheme.

    Next sibling (`3.6`->`3.7`), first child (`3`->`3.1`), or next item at a higher level
    (`3.13`->`4` or `4.1`). `slack` tolerates a few missing numbers (printing slips).
    """
    if prev is None:
        return True
    if prev.scheme != cand.scheme:
        return False
    p, c = prev.parts, cand.parts
    if len(c) == len(p):
        return c[:-1] == p[:-1] and 1 <= c[-1] - p[-1] <= 1 + slack
    if len(c) == len(p) + 1:
        return c[:-1] == p and c[-1] in (0, 1)
    if len(c) < len(p):
        head = p[: len(c) - 1]
        return c[:-1] == head and 1 <= c[len(c) - 1] - p[len(c) - 1] <= 1 + slack
    if len(c) == len(p) + 2:
        return False
    return False


def is_restart(cand: Label) -> bool:
    """`1`, `1.1`, `1.0`: where a new paper or annex starts its numbering."""
    return not cand.scheme and cand.parts[0] == 1 and all(x in (0, 1) for x in cand.parts[1:])


def children_of(parent: Label, cand: Label) -> bool:
    return parent.scheme == cand.scheme and cand.depth == parent.depth + 1 and cand.parts[:-1] == parent.parts


def plausible_number(num: str) -> bool:
    """A bare 4-digit year (`2024 saw...`) is prose, not a paragraph number."""
    return not YEARISH.match(num)
