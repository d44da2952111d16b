"""Lettered and bracketed sub-items (`a.`, `(b)`, `1)`, `(iv)`, `II.`) that are citable units of their parent."""

from __future__ import annotations

import re
from typing import NamedTuple

# A sub-item label printed at the start of a line with no bullet glyph before it: `a.`, `(b)`, `c)`, `1)`,
# `(2)`, `iv.`, `II.`. A plain `1.` is the paper's own numbering, not a sub-item.
SUBITEM = re.compile(
    r"^\s*(?P<open>\()?(?P<item>[a-z]|[ivx]{1,5}|[IVX]{1,5}|\d{1,2})(?P<close>[.)])\s+(?P<rest>\S.*)$"
)
_ROMAN = {"i": 1, "v": 5, "x": 10}


def roman(text: str) -> int:
    """`iv` -> 4, `II` -> 2 (0 when `text` is not a roman number)."""
    total, prev = 0, 0
    for ch in reversed(text.lower()):
        value = _ROMAN.get(ch, 0)
        if not value:
            return 0
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


class Marker(NamedTuple):
    """One sub-item marker: its style (`alpha`, `roman`, `ROMAN`, `digit`, each with its brackets) and value."""

    style: str
    value: int
    printed: str

    @property
    def qualified(self) -> str:
        return f"({self.printed})"


def readings(text: str) -> list[Marker]:
    """Every way the marker at the start of `text` can be read (`i.` is the letter i or roman one)."""
    m = SUBITEM.match(text)
    if not m or (m.group("close") == "." and m.group("item").isdigit()):
        return []
    item, brackets = m.group("item"), ("(" if m.group("open") else "") + m.group("close")
    if m.group("open") and m.group("close") != ")":
        return []
    out = []
    if item.isdigit():
        out.append(Marker(f"digit{brackets}", int(item), item))
    if len(item) == 1 and item.islower():
        out.append(Marker(f"alpha{brackets}", ord(item) - ord("a") + 1, item))
    if roman(item):
        style = "roman" if item.islower() else "ROMAN"
        out.append(Marker(f"{style}{brackets}", roman(item), item))
    return out


def rest_of(text: str) -> str:
    m = SUBITEM.match(text)
    return m.group("rest").strip() if m else text


class Nesting:
    """The open sub-item levels under one numbered unit: each new marker must start a level (its first value)
    or continue one of the open levels (the next value); anything else is not a sub-item."""

    def __init__(self) -> None:
        self.levels: list[Marker] = []

    def continues(self, text: str) -> bool:
        """Whether `text` starts with the next marker of an open level (`c.` after `b.`)."""
        return any(marker.style == level.style and marker.value == level.value + 1
                   for marker in readings(text) for level in self.levels)

    def place(self, text: str, fresh: bool = False, under_heading: bool = False) -> list[Marker] | None:
        """The marker path (outermost first) if `text` opens or continues a level, else None.

        `fresh`: a paragraph of the unit's own stood between the last item and this one, so a list that opens
        here is a new list of the unit, not a list inside the last item.
        `under_heading`: the last item is a heading (a few words, no sentence), so a list that opens here is
        the item's own even in the same style as its parent's (`h. Committee Reports` / `a.` / `b.` / `i.`).
        """
        options = readings(text)
        for depth in range(len(self.levels) - 1, -1, -1):
            for marker in options:
                if marker.style == self.levels[depth].style and marker.value == self.levels[depth].value + 1:
                    self.levels = self.levels[:depth] + [marker]
                    return list(self.levels)
        for marker in options:
            if marker.value == 1 and (fresh or under_heading or all(level.style != marker.style
                                                                    for level in self.levels)):
                self.levels = [marker] if fresh else self.levels + [marker]
                return list(self.levels)
        return None
