"""What the app shows, as plain strings: answers in Markdown, the source panel in escaped HTML, filter checks."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING, Mapping, Sequence

from corpus.records import Paragraph
from qa.contract import REFUSAL, Answer, Citation

if TYPE_CHECKING:
    from boardqa.pageview import PageShown

ABSTAINED = "The papers don't answer this"
SOURCE_HINT = "Choose a reference to read it in its paper."
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
NO_MEETING = "meeting not stated in the paper"
NO_DATE = "date not stated"


class FilterError(ValueError):
    """A filter the user typed cannot be used (says which field and the format expected)."""


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _md_escape(text: str) -> str:
    """Text shown literally in Markdown: no links, emphasis or HTML taken from the papers."""
    return re.sub(r"([\\`*_{}\[\]<>#|~])", r"\\\1", text)


def long_date(iso: str) -> str:
    """`2025-05-20` -> `20 May 2025`, `2025-05` -> `May 2025`; anything else as it is."""
    parts = (iso or "").split("-")
    try:
        if len(parts) >= 2 and 1 <= int(parts[1]) <= 12:
            month = _MONTHS[int(parts[1]) - 1]
            return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"
    except ValueError:
        pass
    return iso or ""


def meeting_of(c: Citation, p: Paragraph | None = None) -> str:
    """The meeting a citation comes from, in full: `Learning & Wellbeing Committee, Decoy School, 9 May 2022`.

    Says so when the paper states no meeting or date, so an undated figure is never read as a recent one.
    """
    return f"{', '.join(_who(c, p)) or NO_MEETING}, {long_date(c.date) if c.date else NO_DATE}"


def _who(c: Citation, p: Paragraph | None) -> list[str]:
    """The committee and the body a citation comes from, each once (a body inside the committee's name is not
    said again)."""
    committee = (p.committee if p is not None else "") or c.meeting
    body = p.body if p is not None else ""
    return [x for x in dict.fromkeys((committee.strip(), body.strip())) if x
            and not (x != committee.strip() and x.casefold() in committee.casefold())]


def cited_line(c: Citation, p: Paragraph | None = None) -> str:
    """A reference with its paper's meeting and date beside it (for the chat and the reply's list), unless the
    reference already names both (`Police and Crime Plan Performance (Accountability and Governance Board, May
    2025), ¶3.7`); an undated paper always says so."""
    from corpus.meta import short_date

    who = _who(c, p)
    said = bool(who) and bool(c.date) and short_date(c.date) in c.reference and all(x in c.reference for x in who)
    return c.reference if said else f"{c.reference} — {meeting_of(c, p)}"


def with_meetings(answer: Answer, paragraphs: Mapping[str, Paragraph]) -> Answer:
    """`answer` with each citation's reference naming its meeting and date (for reply drafts)."""
    from dataclasses import replace

    cites = [replace(c, reference=cited_line(c, paragraphs.get(c.key))) for c in answer.citations]
    return replace(answer, citations=cites)


def answer_markdown(answer: Answer, paragraphs: Mapping[str, Paragraph] | None = None) -> str:
    """The chat message: the answer with its `[n]` markers, then the numbered references (or the see-also list),
    each with its paper's meeting and date; `paragraphs` (by key) adds the body and committee."""
    paragraphs = paragraphs or {}
    lines: list[str] = []
    if answer.abstained:
        lines.append(f"**{ABSTAINED}.**")
        rest = answer.answer.strip()
        rest = rest[len(REFUSAL):].strip() if rest.startswith(REFUSAL) else rest
        if rest:
            lines += ["", _md_escape(rest)]
        see_also = [c for c in answer.citations if c.role != "support"]
        if see_also:
            lines += ["", "**See also** (the nearest paragraphs; they do not answer the question):"]
            lines += [f"- {_md_escape(cited_line(c, paragraphs.get(c.key)))}" for c in see_also]
        return "\n".join(lines)
    # Keep the `[n]` markers readable: escape everything else, then restore them.
    text = re.sub(r"\\\[(\d+)\\\]", r"[\1]", _md_escape(answer.answer.strip()))
    lines.append(text.replace("\n", "  \n"))
    if answer.support:
        lines += ["", "**References**"]
        lines += [f"{c.n}. {_md_escape(cited_line(c, paragraphs.get(c.key)))}" for c in answer.support]
    lines += ["", f"<small>Confidence {answer.confidence:.2f} · {html.escape(answer.answerer)}</small>"]
    return "\n".join(lines)


def reference_choices(answer: Answer) -> list[tuple[str, str]]:
    """(label, value) pairs for the reference picker; value is the citation number as text."""
    out = []
    for c in answer.citations:
        prefix = f"[{c.n}]" if c.role == "support" else "See also:"
        out.append((f"{prefix} {c.reference}", str(c.n)))
    return out


QUOTE_START = '<span class="bqa-sr">Quoted words start: </span>'
QUOTE_END = '<span class="bqa-sr"> (quoted words end)</span>'


def highlight(text: str, quote: str) -> str:
    """`text` as HTML with the first occurrence of `quote` (white space folded) inside `<mark>`; all else escaped.

    The mark is announced by screen readers through visually hidden words, not by its colour alone.
    """
    words = quote.split()
    match = None
    if words:
        pattern = r"\s+".join(re.escape(w) for w in words)
        match = re.search(pattern, text)
    if match is None:
        return html.escape(text)
    return (html.escape(text[:match.start()]) + "<mark>" + QUOTE_START + html.escape(match.group(0)) + QUOTE_END
            + "</mark>" + html.escape(text[match.end():]))


def _pages(pages: Sequence[int]) -> str:
    if not pages:
        return ""
    return f"p.{pages[0]}" if pages[0] == pages[-1] else f"pp.{pages[0]}-{pages[-1]}"


def _neighbour(p: Paragraph | None, which: str) -> str:
    if p is None:
        return ""
    label = html.escape(p.label)
    body = html.escape(p.text)
    return (f'<div class="bqa-neighbour"><p class="bqa-neighbour-label">{which} paragraph: {label}</p>'
            f'<p class="bqa-text">{body}</p></div>')


def source_html(c: Citation, previous: Paragraph | None = None, following: Paragraph | None = None,
                missing: bool = False, *, paragraph: Paragraph | None = None, page: "PageShown | None" = None
                ) -> str:
    """The source panel for one citation: where it is, its PDF page with the paragraph marked (when there is
    one), the whole paragraph with the quote marked, and (in the text view) its neighbours."""
    p = paragraph
    rows = [("Paper", c.paper), ("Body", p.body if p else ""), ("Committee", p.committee if p else ""),
            ("Meeting", c.meeting), ("Date", long_date(c.date) or NO_DATE), ("Section", c.section),
            ("Part", c.part), ("Paragraph", c.paragraph), ("Page(s)", _pages(c.pages)), ("File", c.doc)]
    facts = "".join(f"<dt>{name}</dt><dd>{html.escape(str(value))}</dd>" for name, value in rows if value)
    role = "" if c.role == "support" else '<p class="bqa-note">See also: a nearby paragraph, not an answer.</p>'
    gone = '<p class="bqa-note">This file has since been removed from the library.</p>' if missing else ""
    note = f'<p class="bqa-note" role="note">{html.escape(page.note)}</p>' if page is not None and page.note else ""
    para = (f'<blockquote class="bqa-para" aria-label="Paragraph {html.escape(c.paragraph)} as text">'
            f'<p class="bqa-text">{highlight(c.text, c.quote)}</p></blockquote>')
    if page is not None and page.ok:
        body = f'{page.html}<h3 class="bqa-subhead">The paragraph as text</h3>{para}'
    else:
        body = f'{_neighbour(previous, "Previous")}{para}{_neighbour(following, "Next")}'
    return (f'<section class="bqa-source" aria-label="Source paragraph">'
            f'<h2 class="bqa-refhead">[{c.n}] {html.escape(c.reference)}</h2>{role}{gone}{note}<dl class="bqa-facts">{facts}</dl>'
            f'{body}</section>')


def hint_html(text: str = SOURCE_HINT) -> str:
    return f'<p class="bqa-hint">{html.escape(text)}</p>'


def neighbours(paragraphs: Sequence[Paragraph], positions: dict[str, int], key: str
               ) -> tuple[Paragraph | None, Paragraph | None, bool]:
    """(previous, next, missing) for the paragraph `key` (`doc_id#seq`) among the indexed paragraphs."""
    pos = positions.get(key)
    if pos is None:
        return None, None, True
    here = paragraphs[pos]
    before = paragraphs[pos - 1] if pos > 0 and paragraphs[pos - 1].doc_id == here.doc_id else None
    after = paragraphs[pos + 1] if pos + 1 < len(paragraphs) and paragraphs[pos + 1].doc_id == here.doc_id else None
    return before, after, False


def check_date(value: str | None, field: str) -> str:
    """An ISO date (YYYY-MM-DD, or YYYY-MM / YYYY) or ''; raises FilterError naming the field otherwise."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _DATE.match(value):
        raise FilterError(f"{field}: {value!r} is not a date; type it as YYYY-MM-DD, e.g. 2025-05-01")
    try:
        parts = [int(x) for x in value.split("-")] + [1, 1]
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        raise FilterError(f"{field}: {value!r} is not a real date; type it as YYYY-MM-DD") from None
    return value


def check_dates(date_from: str | None, date_to: str | None) -> tuple[str, str]:
    """Both meeting-date filters checked, and in order."""
    start = check_date(date_from, "Meeting date from")
    end = check_date(date_to, "Meeting date to")
    if start and end and start[:len(end)] > end:
        raise FilterError(f"Meeting date from ({start}) is after meeting date to ({end}); swap them")
    return start, end


def as_list(value) -> list[str]:
    """A dropdown value (None, one string or many) as a list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if isinstance(v, str) and v.strip()]
