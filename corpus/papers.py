"""Where one paper ends and the next begins inside a file (an agenda pack), and what each paper is called."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lines import Line, is_meta
from corpus.front import MARKING, is_address, without_address
from corpus.meta import date_start, find_date
from corpus.titles import styled_title

MINUTES = re.compile(r"^\W*minutes of\b", re.I)
# a form field of a meeting's front sheet (`Chair: Dr Kieron O'Hara`, `Venue: Council Chamber`): says who or where
_FIELD = re.compile(r"^\W*(?:chair(?:man|person|woman)?|chaired by|vice[- ]chair|clerk|secretary|venue|location|"
                    r"place|time|present|attendees|apologies|minute[- ]?taker|members)\s*:\s*\S", re.I)
# a front sheet laid out as a form: `COMMITTEE Full Governing Body DATE 23 May 2022`, `Meeting: Audit Committee Date: ...`
_FORM_MEETING = re.compile(r"^\W*(?:committee|meeting|board|panel)\s*:?\s+(?P<name>\S.*?)\s+date\s*:?\s+(?P<date>\S.*)$",
                           re.I)
# a signature: a person's name, then the office they sign as (`Dharmesh Vashee` / `General Counsel and Secretary`)
_PERSON = re.compile(r"^(?:(?:Cllr|Dr|Mr|Mrs|Ms|Miss|Prof(?:essor)?)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z]\.?)?"
                     r"(?:\s+[A-Z][A-Za-z'’-]+){1,2}$")
_SIGNS_AS = re.compile(r"\b(?:counsel|secretary|clerk|chair(?:man|person|woman)?|officer|director|executive|manager"
                       r"|treasurer|head|lead|commissioner|governor)\b", re.I)
SUBJECT = re.compile(r"^\W*(?:subject|re)\s*:\s*(?P<subject>\S.{3,})$", re.I)  # a memorandum's subject line
AGENDA = re.compile(r"^\W*agenda\W*$", re.I)
REPORT_TO = re.compile(r"^\W*report to\b", re.I)
TRACKER = re.compile(r"\baction(?:s)? (?:tracker|log)\b", re.I)
BODY = re.compile(r"\b(board|panel|committee|council|cabinet|authority|assembly|forum|commission|scrutiny)\b", re.I)
ORG = re.compile(r"\b(commissioner|police|constabulary|nhs|trust|borough|county|city council|office of)\b", re.I)
_GENERIC = re.compile(r"^\W*(report|cover report|background report|covering report|agenda item \w+|item \w+|public|open|private)\W*$", re.I)
_DATE_ONLY = re.compile(r"^[\W\d]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+)?\d{0,2}(?:st|nd|rd|th)?\s*[a-z]+\.?\s+\d{4}\W*$", re.I)
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


PAPER_TOP_LINES = 4


@dataclass
class PaperHead:
    """What a paper's first lines say about it: title, meeting, date, and how many lines they took."""

    title: str
    meeting: str
    date: str
    used: int


def collapse_repeat(text: str) -> str:
    """`West Midlands Police and Crime West Midlands Police and Crime Panel` -> `West Midlands Police and Crime Panel`
    (a title printed twice over, as PDF text layers sometimes give it)."""
    words = text.split()
    for k in range(len(words) // 2, 1, -1):
        if words[:k] == words[k:2 * k]:
            return " ".join(words[k:])
    return text


def title_case(text: str) -> str:
    """`MINUTES OF THE MEETING` -> `Minutes of the Meeting`; mixed-case text is left alone."""
    if text.upper() != text:
        return text
    words = text.lower().split()
    return " ".join(w if (i and w in _SMALL) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def is_caps_meeting(lines: list[Line], i: int) -> bool:
    """`ACCOUNTABILITY AND GOVERNANCE BOARD` followed by a date line: a board paper's cover."""
    text = lines[i].text.strip(" *")
    if text.upper() != text or len(text.split()) < 2 or not BODY.search(text.split()[-1]):
        return False
    return any(find_date(lines[j].text) for j in range(i + 1, min(i + 3, len(lines))))


def starts_paper(lines: list[Line], i: int) -> bool:
    """A line that opens a new paper wherever it stands."""
    line = lines[i]
    if line.opens_paper:
        return True
    if line.kind not in ("short", "text"):
        return False
    if not line.gap and i and lines[i - 1].kind in ("numbered", "text", "short") and not lines[i - 1].ends_sentence:
        return False  # a title stands apart: this line continues the one above (a table cell, a wrapped item)
    t = line.text
    if MINUTES.match(t) or REPORT_TO.match(t):
        return True
    if TRACKER.search(t) and len(t) < 160:
        return True
    return is_caps_meeting(lines, i)


def _joined_block(lines: list[Line], i: int, end: int) -> tuple[str, int]:
    """A title printed over several lines with no blank between them (a bold block)."""
    parts, j = [lines[i].text], i + 1
    while j < end and not lines[j].gap and lines[j].kind in ("short", "text") and len(parts) < 5:
        parts.append(lines[j].text)
        j += 1
    return " ".join(parts), j


def _minutes_title(text: str) -> str:
    date = find_date(text)
    if date:
        # the day the meeting was held, wherever the line gives it (`held in Tintern Village Hall on Monday 29th
        # October 2018`, `held on 17 November 2025`)
        m = re.search(r"(?:\bon|\bof)\s+(?:\w+day,?\s+)?(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+,?\s+\d{4})", text, re.I)
        when = m.group(1) if m else ""
        if when:
            return f"Minutes of the meeting held on {title_case(when.upper()).replace(',', '')}"
        at = date_start(text)
        if at > len("minutes of "):  # `MINUTES OF THE MEETING OF THE BOARD MEMBERS December 17, 2021`: the date is the
            text = text[:at].rstrip(" ,–-:")  # paper's date (kept as such), not part of its name
    return title_case(text.split(" HELD ")[0].split(" held ")[0])


def read_head(lines: list[Line], start: int, end: int) -> PaperHead:
    """Title, meeting and date from a paper's opening lines (at most the first 8)."""
    title = meeting = date = ""
    used = start
    j = start
    limit = min(end, start + 8)
    for k in range(start, min(end, start + 14)):
        if lines[k].kind in ("table", "numbered", "annex"):
            break
        if AGENDA.match(lines[k].text):
            title = "Agenda"  # an agenda's title is the word itself; the lines above name the meeting
    weak = False  # the title is only the first short line: the typography may know better
    while j < limit:
        line = lines[j]
        if line.kind not in ("short", "text") or (line.kind == "text" and not title and len(line.text) > 200):
            break
        t = line.text.strip()
        if MARKING.match(t.strip(" *")):
            used = j = j + 1  # `UNCLASSIFIED` over the page: a marking, never the title
            continue
        if MINUTES.match(t):
            block, nxt = _joined_block(lines, j, end)
            title = _minutes_title(block)
            date = date or find_date(block)
            used, j = nxt, nxt
            continue
        if TRACKER.search(t) and not title:
            block, nxt = _joined_block(lines, j, end)
            title = title_case(block)
            used, j = nxt, nxt
            continue
        if AGENDA.match(t):
            title = title or "Agenda"
            used = j + 1
        elif REPORT_TO.match(t) and not title:
            body = list(BODY.finditer(t))
            rest = t[body[-1].end():].strip(" –-:") if body else ""
            if body and len(rest.split()) >= 2:
                meeting = meeting or collapse_repeat(t[len("report to"):body[-1].end()].strip().removeprefix("the ").strip())
                title = rest
            else:
                title = t
            used = j + 1
        elif not title and _PERSON.match(t) and not BODY.search(t) and j + 1 < limit \
                and not lines[j + 1].gap and lines[j + 1].kind == "short" and _SIGNS_AS.search(lines[j + 1].text):
            used = j = j + 2  # a signature left over from the paper before: who signed it, not a title
            continue
        elif not title and (form := _FORM_MEETING.match(t)) and find_date(t):
            title, weak = title_case(form.group("name").strip(" *")), False  # the meeting's own name
            date = date or find_date(t)
            used = j + 1
        elif _FIELD.match(t) and not title:
            used = j + 1  # who chaired, where and when: the front sheet's fields, not its title
        elif line.kind == "short" and is_address(t) and not without_address(t):
            used = j + 1  # where the meeting was held (`Lower Ground 6, ..., London, SW1H 9AJ`), not its title
        elif _DATE_ONLY.match(t) or (find_date(t) and len(t) < 60 and not date):
            date = date or find_date(t)
            used = j + 1
        elif is_meta(t):
            used = j + 1
            while j + 1 < limit and not lines[j + 1].gap and lines[j + 1].kind in ("short", "text"):
                j += 1  # the meta line runs on
                used = j + 1
        elif t.islower() and len(t.split()) <= 4:
            used = j + 1  # a logo printed as text
        elif line.kind == "short" and BODY.search(t) and find_date(t) and not title and t.upper() != t:
            title, date = t.strip(" *"), date or find_date(t)  # a deck's title slide: body, subject, date
            used = j + 1
        elif line.kind == "short" and BODY.search(t) and not meeting and (not title or title == "Agenda"):
            meeting = title_case(without_address(t).strip(" *"))
            date = date or find_date(t)
            used = j + 1
        elif line.kind == "short" and not title and ORG.search(t) and j + 1 < limit and lines[j + 1].kind == "short" \
                and not ORG.search(lines[j + 1].text) and not is_meta(lines[j + 1].text) \
                and not _GENERIC.match(lines[j + 1].text) and not find_date(lines[j + 1].text):
            used = j + 1  # the organisation's name above the paper's own title
        elif line.kind == "short" and not title and not _GENERIC.match(t) \
                and not (meeting and t.upper() == t and j + 1 < end and lines[j + 1].kind == "numbered"):
            # (under the meeting's name, a heading in capitals straight over a numbered item heads the item)
            title, weak = title_case(t.strip(" *")), not line.opens_paper  # `AGM-2007/6: Expense Accounts` is sure
            used = j + 1
        elif line.kind == "short" and _GENERIC.match(t):
            used = j + 1
        else:
            break
        j += 1
    if not title or weak:
        title = title_case(styled_title(lines, start, end)) or title
    subject = _subject(lines, start, end)
    if subject and title != "Agenda" and not MINUTES.match(title):
        title = subject  # a memorandum is called by its subject line, not by `MEMORANDUM FOR ...`
    if not title and meeting:
        title, meeting = meeting, ""
    return PaperHead(title=title, meeting=meeting, date=date, used=used - start)


def _subject(lines: list[Line], start: int, end: int) -> str:
    """The `SUBJECT:` (or `Re:`) line among a paper's opening lines, before its first numbered paragraph or table."""
    for k in range(start, min(end, start + 14)):
        if lines[k].kind in ("table", "numbered", "annex"):
            break
        m = SUBJECT.match(lines[k].text.strip())
        if m:
            return title_case(m.group("subject").strip(" *"))
    return ""


def walk_back(lines: list[Line], start: int, restart: int) -> int:
    """Where a paper whose numbering starts again at `restart` really begins: after the last
    table row, numbered paragraph or end line, at the first heading-sized line."""
    i = restart - 1
    while i >= start and lines[i].kind not in ("table", "end", "numbered", "bullet", "lettered", "annex"):
        i -= 1
    j = i + 1
    while j < restart and (lines[j].kind != "short" or _wraps_on(lines, j)):
        j += 1
    return j if j < restart else i + 1


def _wraps_on(lines: list[Line], j: int) -> bool:
    """A short line whose sentence runs on to the next line with no gap: the start of a wrapped paragraph,
    not a paper's title (`On a vote taken by the Chair, the members closed the` / `meeting at 10:14 a.m.`)."""
    nxt = lines[j + 1] if j + 1 < len(lines) else None
    if nxt is None or nxt.gap or lines[j].ends_sentence:
        return False
    return nxt.starts_lower or (nxt.kind == "text" and lines[j].text.rstrip()[-1:].islower())
