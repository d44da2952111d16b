"""A paper's title from its typography: the first line of its opening block printed larger or bolder than the body
text that says more than the body's name, a date or a form label."""

from __future__ import annotations

import re

from corpus.front import MARKING, is_address, names
from corpus.lines import Line, display_type, is_meta
from corpus.meta import find_date
from corpus.records import EMPHASIS

TITLE_WINDOW = 14  # a title stands in a paper's first lines
PLAIN_ABOVE = 1  # plain lines over a title block besides markings and dates (a running line `As discussed on ...`)
_FORM_LABEL = re.compile(r"^\W*(?:date|time|venue|place|present|apologies|attendees|contact|report of|author|"
                         r"agenda(?: item(?: \w+)?)?|item \w+|status|purpose|summary|introduction|background)\W*$", re.I)
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
           "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "am", "pm"}
_FILLERS = {"st", "nd", "rd", "th", "the", "of", "and", "at", "on"}


def styled_title(lines: list[Line], start: int, end: int) -> str:
    """The paper's title as its typography prints it, or "" when the opening lines carry no display type.

    The opening block is the run of styled lines (larger than the body text, or bold) among the first lines, before
    any numbered paragraph or table; unstyled lines above it are passed over when they are a protective marking, a date, a logo or one running
    line; more plain lines above it are the title printed plainly, and the typography says nothing. Lines of
    one size and weight in a row are one title printed over several lines (`Falls` / `Creek` / `Ranch` ...). The
    title is the first of those that names more than the body (`Open Data User Group (ODUG)` is a name; `Driver and
    Vehicle Licensing Agency Bulk Data` a title) and is not a date, a form label or a marking.
    """
    blocks: list[list] = []  # [text, size, bold]
    plain = 0
    for k in range(start, min(end, start + TITLE_WINDOW)):
        line = lines[k]
        if line.kind in ("numbered", "table", "annex", "end", "entry"):
            break
        text = line.text.strip(" *")
        if not display_type(line) or MARKING.match(text):
            if blocks:
                break
            plain += not (MARKING.match(text) or is_meta(text) or find_date(text) or text.islower())
            if plain > PLAIN_ABOVE:
                return ""  # plain type: the title is printed like the text, the typography says nothing
            continue  # a marking, a date, a logo or a running line above the title block

        last = blocks[-1] if blocks else None
        if last and (last[1], last[2]) == (line.size, line.bold) and (not line.gap or line.size >= EMPHASIS) \
                and len(last[0]) + len(text) <= 160:
            last[0] = f"{last[0]} {text}"
        else:
            blocks.append([text, line.size, line.bold])
    for text, _, _ in blocks:
        if _FORM_LABEL.match(text) or is_meta(text) or MARKING.match(text) or is_address(text) \
                or not _says_more_than_names(text):
            continue
        return text
    return ""


def _says_more_than_names(text: str) -> bool:
    """Whether `text` holds words beyond the organisations it names, dates and acronyms in brackets."""
    plain = re.sub(r"\([^)]*\)", " ", text)
    named = {word.casefold() for name, _ in names(plain) for word in name.split()}
    left = [w for w in re.findall(r"[A-Za-z]+", plain)
            if w.casefold() not in named and w.casefold() not in _MONTHS and w.casefold() not in _FILLERS]
    return bool(left)
