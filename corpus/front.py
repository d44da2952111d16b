"""Who a paper is from: the body, the committee and the meeting date printed on its front sheet or header."""

from __future__ import annotations

import re
from typing import NamedTuple

from corpus.meta import MEETING_WORD, MONTHS, find_date

# Nouns that end the name of an organisation or of one of its meetings. A committee, panel or working group of a
# body is its `committee`; a council, board, trust, authority, association ... is the `body`.
_PART_NOUNS = r"(?:sub-committee|select committee|committee|working group|governing body|sub-group)"
_BODY_NOUNS = (r"(?:council|board of governors|board|panel|commission|authority|trust|association|group|assembly|"
               r"forum|cabinet|agency|partnership|society|corporation|executive|governors)")
_JOINERS = {"and", "of", "&", "the", "for", "on", "in"}
_DOCUMENT_WORDS = {"minutes", "meeting", "meetings", "agenda", "report", "notes", "papers", "pack", "held",
                   "supplementary", "annual", "general", "extraordinary", "ordinary", "special", "draft"}
_WORD = re.compile(r"[A-Za-z][\w'’&.-]*|&")
_LABEL_WORDS = re.compile(r"^(?:committee|date|venue|time|meeting|title|report of|present|minutes of)\s*:?\s*$", re.I)
# A protective marking printed over a page (`UNCLASSIFIED`, `This document was classified as: OFFICIAL`).
MARKING = re.compile(r"^\W*(?:(?:this (?:document|page|report) (?:was|is|has been) )?(?:classified|classification|"
                     r"security classification)(?: as)?\W*)?(?:unclassified|official(?:[-‐ ]sensitive)?|restricted|"
                     r"not protectively marked|protect|public|confidential|draft)\W*$", re.I)


def names_body(name: str) -> bool:
    """Whether `name` is the name of a body or one of its committees: it ends in such a noun (`Rivergrove City
    Council`, `Ayton Community Council`, `Learning & Wellbeing Committee`), and says more than the noun."""
    return len(name.split()) >= 2 and bool(re.search(rf"\b(?:{_PART_NOUNS}|{_BODY_NOUNS})$", name.strip(), re.I))


# A postal address printed on a front sheet: a British postcode (`SW1H 9AJ`) or a US state and ZIP code (`DC 20002`).
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}|[A-Z]{2}\s+\d{5}(?:-\d{4})?)\b")
# where an address starts after a name on the same line: a number, a floor or a room (`77 K Street`, `Lower Ground 6`)
_ADDRESS_START = re.compile(r"(?:^|\s+)(?:\d+[A-Za-z]?\s+[A-Z]|(?:lower |upper )?(?:ground|floor|room|suite|level)\b)", re.I)


def is_address(text: str) -> bool:
    """A line giving a postal address (it ends in a postcode or ZIP code): where a meeting was held, never a title."""
    return bool(_POSTCODE.search(text)) and len(text) < 200


def without_address(text: str) -> str:
    """`FEDERAL RETIREMENT THRIFT INVESTMENT BOARD 77 K Street NE, Washington, DC 20002` -> the name before its
    address; a line that is only an address -> ""."""
    if not is_address(text):
        return text
    m = _ADDRESS_START.search(text)
    return text[:m.start()].strip(" ,–-") if m else ""


NAME_LINES = 12  # a body or committee is named in a front sheet's first lines; later names are the papers' subject


class Front(NamedTuple):
    """What a paper's first lines say about where it comes from."""

    body: str
    committee: str
    date: str


def _title(text: str) -> str:
    if text.upper() != text:
        return text
    words = text.lower().split()
    return " ".join(w if (i and w in _JOINERS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def names(line: str) -> list[tuple[str, bool]]:
    """Organisation names in `line`, each with True when it names a committee of a body: the run of capitalised
    words (and joining words) that ends with an organisation noun."""
    words = _WORD.findall(line)
    text = " ".join(words)
    found = []
    for m in re.finditer(rf"\b(?:{_PART_NOUNS}|{_BODY_NOUNS})\b", text, re.I):
        end = m.end()
        if re.match(r"\s+(?:rooms?|chamber|suite|centre|center|offices?)\b", text[end:], re.I):
            continue  # `COMMITTEE ROOM 3`, `Council Chamber`: where the meeting is held, not who holds it
        head = text[:m.start()].split()
        name = []
        for word in reversed(head):
            if word[:1].isupper() or word.lower() in _JOINERS and name:
                name.insert(0, word)
            else:
                break
        stops = [k for k, word in enumerate(name) if word.lower() in _DOCUMENT_WORDS]
        if stops:
            name = name[stops[-1] + 1:]  # `Minutes of the Meeting of Souldern Parish Council`
        if any(w != w.upper() for w in name):
            while name and name[0].isupper() and len(name[0]) > 1:
                name.pop(0)  # `COMMITTEE Learning & Wellbeing Committee`: a form's field name
        while name and name[0].lower() in _JOINERS:
            name.pop(0)
        full = " ".join(name + [text[m.start():end]])
        if len(name) >= 1 and len(full.split()) <= 12:
            part = bool(re.fullmatch(_PART_NOUNS, m.group(0), re.I))
            found.append((_title(full), part))
    # `Board of Governors of X School`: keep the longest name that ends at each noun
    return found


def _wrapped(lines: list[str], k: int) -> str:
    """`Adult Social Care` / `and Health Select` / `Committee`: a name set over several short lines of a front sheet,
    joined up to line `k`; the lines before `k` must be fragments (no organisation noun, no sentence end)."""
    run: list[str] = []
    for j in range(k, max(-1, k - 4), -1):
        text = lines[j].strip(" *")
        if not text or len(text.split()) > 4 or text.endswith((".", ";", ":", ",")) or MARKING.match(text) \
                or (j < k and (_LABEL_WORDS.match(text) or names(text))):
            break
        run.insert(0, text)
    joined = " ".join(run)
    # The name ends where its noun ends: `... Select` / `Committee`, never `MEMORANDUM F` / `OR THE EXECUTIVE DIRECTOR`.
    ends = re.search(rf"\b(?:{_PART_NOUNS}|{_BODY_NOUNS})\W*$", joined, re.I)
    return joined if len(run) > 1 and ends else ""


_CALENDAR = {*MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "at", "held", "on",
             "am", "pm", "to", "a", "an"}
MAX_WORDS_BEFORE = 1  # words before a name on its line, besides document words and dates (a form's field name)


def names_the_line(name: str, text: str) -> bool:
    """Whether `name` heads its line (`Minutes of the Meeting of Souldern Parish Council`, `FEDERAL ... BOARD 77 K
    Street`), rather than being an organisation a sentence or a table row mentions (`... to support the Department
    in establishing a Transport Sector Panel`): the words before it are document words, dates or joiners."""
    words = _WORD.findall(text)
    first = (_WORD.findall(name) or [""])[0].lower()
    at = next((i for i, w in enumerate(words) if w.lower() == first), 0)
    before = [w for w in words[:at] if w.lower() not in _DOCUMENT_WORDS and w.lower() not in _JOINERS
              and w.lower() not in _CALENDAR and not any(ch.isdigit() for ch in w)]
    return len(before) <= MAX_WORDS_BEFORE


DATE_CHARS = 80  # a long line's date counts only in its first words, where a title prints it


def read_front(lines: list[str]) -> Front:
    """Body, committee and meeting date from a paper's first lines (its front sheet or header)."""
    body = committee = date = ""
    titled = any(MEETING_WORD.search(line) for line in lines[:NAME_LINES])  # `Transparency Board Minutes`
    for k, line in enumerate(lines):
        text = line.strip(" *")
        wrapped = _wrapped(lines, k) if k < NAME_LINES else ""
        if _LABEL_WORDS.match(text) and k < NAME_LINES:
            text = wrapped  # `Committee` alone is a form's field name, unless it ends a wrapped name
        if not text or MARKING.match(text) or _LABEL_WORDS.match(text):
            continue
        if len(text.split()) > 20:  # a title run on into the text (`... Minutes 02.03.11 TRANSPARENCY BOARD ...`)
            date = date or find_date(text[:DATE_CHARS], full_only=True)
            continue
        sentence = len(text.split()) > 8 and text.rstrip().endswith((".", ";", ":"))
        found = [] if sentence or k >= NAME_LINES else \
            [(n, p) for n, p in names(wrapped) if names_the_line(n, wrapped)] or \
            [(n, p) for n, p in names(text) if names_the_line(n, text)]
        for name, part in found:
            if part and not committee:
                committee = name
            elif not part and not body:
                body = name
        if not date and not sentence:  # a date in a sentence is when something else happens ("for May 2011")
            date = find_date(text, dotted=titled and k < NAME_LINES, full_only=len(text.split()) > 8)
    if committee and body and committee.lower() in body.lower():
        committee = ""
    return Front(body, committee, date)
