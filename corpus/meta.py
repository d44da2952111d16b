"""Meeting names and dates printed on papers: find them, and shorten them for references."""

from __future__ import annotations

import re

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_MONTH_RE = "(" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH_RE + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)  # `December 17, 2021`
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r"\.?,?\s+(\d{4})\b", re.I)
_MONTH_YEAR = re.compile(r"\b" + _MONTH_RE + r"\.?\s+(\d{4})\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
_DOTTED = re.compile(r"(?<![\d.])(\d{2})\.(\d{2})\.(\d{2}|\d{4})(?![\d.])")
MEETING_WORD = re.compile(r"\b(?:minutes|meeting|agenda|held)\b", re.I)
_STOP = {"and", "of", "the", "for", "on", "in", "&"}


def _month_number(name: str) -> int:
    name = name.lower()[:3]
    return [m[:3] for m in MONTHS].index(name) + 1


def find_date(text: str, *, dotted: bool = False, full_only: bool = False) -> str:
    """The first full date printed in `text` as ISO (`2026-01-05`), else the first month (`2025-05`), else ``.

    Full dates: `5 January 2026`, `December 17, 2021`, `05/01/2026`, and with `dotted` (a title that names a
    meeting: `Transparency Board Minutes` over `02.03.11`) two-digit day and month with dots, which a section
    number never is. A month alone counts only where no full date is printed, and not with `full_only`.
    """
    found: list[tuple[int, str]] = []
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        found.append((m.start(), f"{int(m.group(3)):04d}-{_month_number(m.group(2)):02d}-{int(m.group(1)):02d}"))
    m = _MONTH_DAY_YEAR.search(text)
    if m and 1 <= int(m.group(2)) <= 31:
        found.append((m.start(), f"{int(m.group(3)):04d}-{_month_number(m.group(1)):02d}-{int(m.group(2)):02d}"))
    for matches in (_NUMERIC.finditer(text), _DOTTED.finditer(text) if dotted else ()):
        for m in matches:
            year = int(m.group(3))
            year = year + 2000 if year < 100 else year
            day, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and 1 <= day <= 31:
                found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
                break
    if found:
        return min(found)[1]
    m = None if full_only else _MONTH_YEAR.search(text)
    return f"{int(m.group(2)):04d}-{_month_number(m.group(1)):02d}" if m else ""


def date_start(text: str) -> int:
    """Where the first full date printed in words starts in `text` (`11th February, 2006`, `December 17, 2021`),
    or -1."""
    starts = [m.start() for m in (_DAY_MONTH_YEAR.search(text), _MONTH_DAY_YEAR.search(text)) if m]
    return min(starts) if starts else -1


def acronym(name: str) -> str:
    """`Accountability and Governance Board` -> `AGB`; short names are kept as they are."""
    words = [w for w in re.split(r"[\s\-–]+", name.strip()) if w]
    significant = [w for w in words if w.lower() not in _STOP]
    if len(significant) < 3:
        return name.strip()
    return "".join(w[0].upper() for w in significant if w[0].isalnum())


def short_date(iso: str) -> str:
    """`2026-01-05` -> `5 Jan 2026`; `2025-05` -> `May 2025`."""
    parts = iso.split("-") if iso else []
    if len(parts) < 2:
        return iso
    month = MONTHS[int(parts[1]) - 1][:3].title()
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1].title()} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


SHORT_NAME = 52  # a meeting's name up to this long is shown whole in a reference; a longer one by its initials
_DOCUMENT_ONLY = re.compile(r"^\W*(?:(?:supplementary|draft|public|reports?\s+pack|agenda|minutes|papers?|pack)\W*)+$",
                            re.I)


def short_meeting(meeting: str, date: str, paper: str = "", body: str = "", committee: str = "") -> str:
    """Meeting and date in a few words for a reference: `Accountability and Governance Board, May 2025`.

    The name is the first of the meeting, committee and body that the paper's title does not already say
    (`Transparency Board Minutes`, `Minutes of the Meeting of Souldern Parish Council`) and that is more than a
    document's name (`Agenda`), preferring one short enough to read whole; a long one is given by its initials
    (`Decoy Community Primary School Board of Governors` -> `DCPSBG`); with none, the date alone."""
    names = [n for n in (meeting, committee, body)
             if n and not _DOCUMENT_ONLY.match(n) and not (paper and _within(n, paper))]
    name = next((n for n in names if len(n) <= SHORT_NAME), acronym(names[0]) if names else "")
    return ", ".join(p for p in (name, short_date(date)) if p)


def _within(name: str, title: str) -> bool:
    """Whether every word of `name` (but joining words and dates) is in `title`."""
    words = {w for w in re.findall(r"[a-z]+", name.lower()) if w not in _STOP}
    return words <= set(re.findall(r"[a-z]+", title.lower()))
