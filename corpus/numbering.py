"""Paragraph numbers as printed (`3.7`, `- 2.1.`, `52.`, `915`, `i.`): recognise them and check their order."""

from __future__ import annotations

import re
from typing import NamedTuple

# `3.7 Text`, `- 2.1. Text`, `52. Text`, `915 NOTICE`, `**1.** Text`; the number must be
# followed by white space (or end the line), so `81.8% of victims` and `2024/25` never match.
NUMBERED = re.compile(
    r"^\s*(?:[-–•▪]\s*)?(?:\*\*)?(?P<num>\d{1,4}(?:\.\d{1,3}){0,3})(?P<dot>\.)?(?:\*\*)?"
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


class Label(NamedTuple):
    """A parsed paragraph number: `3.7` -> parts (3, 7), printed as `3.7`."""

    parts: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> "Label":
        return cls(tuple(int(p) for p in text.split(".")))

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
    return cand.parts[0] == 1 and all(x in (0, 1) for x in cand.parts[1:])


def children_of(parent: Label, cand: Label) -> bool:
    return cand.depth == parent.depth + 1 and cand.parts[:-1] == parent.parts


def plausible_number(num: str) -> bool:
    """A bare 4-digit year (`2024 saw...`) is prose, not a paragraph number."""
    return not YEARISH.match(num)
