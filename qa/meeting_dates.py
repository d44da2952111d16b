"""Which meeting a question asks about by its date, and whether the papers found are of it."""

from __future__ import annotations

import re

from corpus.meta import find_date
from index.results import Hit

__all__ = ["other_meeting"]

# "at the Panel's meeting on 18 December 2013", "at its 2 March 2011 meeting", "minutes of 23 May 2022": a date
# naming the meeting whose business is asked about (not "actions from", "items planned for" a meeting)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
_MEETING_DATE = re.compile(rf"\bat\s+(?:[\w'’&-]+\s+){{0,8}}?meeting\s+(?:held\s+)?on\s+(?:the\s+)?({_DAY})"
                           rf"|\bat\s+(?:its|the|their)\s+(?:[\w'’&-]+\s+){{0,6}}?({_DAY})\s+meeting\b"
                           rf"|\bminutes\s+of\s+(?:the\s+)?(?:\w+\s+)?({_DAY})", re.I)


def other_meeting(question: str, hits: list[Hit]) -> str:
    """The meeting date the question asks about, when every paper found is dated and none is of that day
    ("What was agreed at the meeting on 18 December 2013?" asked of the October papers that announce it)."""
    m = _MEETING_DATE.search(question)
    asked = find_date(next(g for g in m.groups() if g)) if m else ""
    if len(asked) != 10:
        return ""
    dates = {h.paragraph.date for h in hits}
    if not dates or "" in dates or any(asked.startswith(d) for d in dates):
        return ""
    return next(g for g in m.groups() if g)
