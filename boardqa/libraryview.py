"""The library as people look for it: papers grouped by body, committee and meeting date, with filters, and
example questions taken from the headings of the papers in use."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from corpus.records import Paragraph

NOT_STATED = "Body not stated in the papers"
_NUMBERING = re.compile(r"^\s*(?:[A-Z]{1,4}\s*)?\d+(?:[./]\d+)*[a-z]?[.):]?\s+")
_LETTERS = re.compile(r"[^\W\d_]", re.U)
# Report scaffolding that every body's papers share: a question about it says nothing about the library.
_SCAFFOLD = {"introduction", "introductions", "background", "purpose", "summary", "recommendation",
             "recommendations", "appendix", "appendices", "annex", "contents", "cover", "apologies", "agenda",
             "minutes", "declarations", "welcome", "any other business", "aob", "date of next meeting",
             "purpose of report", "purpose of the report", "executive summary", "conclusion", "conclusions",
             "contact", "contact officer", "background papers", "next steps", "actions", "attendance",
             "declarations of interest", "notes", "glossary", "matters arising", "chair's remarks"}


@dataclass(frozen=True)
class PaperRow:
    """One indexed paper as the library lists it."""

    doc: str
    paper: str
    body: str
    committee: str
    meeting: str
    date: str
    paragraphs: int


def body_of(p: Paragraph) -> str:
    """The body a paragraph's paper belongs to: as the chunker read it, else the meeting named on the paper."""
    return (p.body or p.meeting or "").strip()


def committee_of(p: Paragraph) -> str:
    """The committee, else the meeting when it differs from the body ('' when neither is printed)."""
    if p.committee:
        return p.committee.strip()
    meeting = (p.meeting or "").strip()
    return meeting if p.body and meeting.casefold() != p.body.strip().casefold() else ""


def paper_rows(paragraphs: Iterable[Paragraph]) -> list[PaperRow]:
    """One row per (file, paper), in index order, counting its paragraphs (a removed file's positions in a
    segmented index read as records of no file: skipped)."""
    rows: dict[tuple[str, str], list] = {}
    for p in paragraphs:
        if not p.doc_id:
            continue
        row = rows.setdefault((p.doc, p.paper), [p, 0])
        row[1] += 1
    return [PaperRow(p.doc, p.paper, body_of(p), committee_of(p), p.meeting, p.date, n) for p, n in rows.values()]


def bodies(rows: Sequence[PaperRow]) -> list[str]:
    return sorted({r.body or NOT_STATED for r in rows}, key=str.casefold)


def committees(rows: Sequence[PaperRow], among: Sequence[str] = ()) -> list[str]:
    """Committees named in the library (of the bodies `among`, when given)."""
    chosen = {b for b in among}
    return sorted({r.committee for r in rows if r.committee and (not chosen or (r.body or NOT_STATED) in chosen)},
                  key=str.casefold)


def select(rows: Sequence[PaperRow], body: Sequence[str] = (), committee: Sequence[str] = ()) -> list[PaperRow]:
    """The rows of the chosen bodies and committees (all of them when nothing is chosen)."""
    return [r for r in rows if (not body or (r.body or NOT_STATED) in body)
            and (not committee or r.committee in committee)]


def scope(rows: Sequence[PaperRow], body: Sequence[str] = (), committee: Sequence[str] = ()
          ) -> tuple[list[str], list[str]] | None:
    """The (files, papers) a question is restricted to by a body/committee choice; None when nothing is chosen.

    Both lists are empty when the choice matches no paper (the question then finds nothing, as it should).
    """
    if not body and not committee:
        return None
    chosen = select(rows, body, committee)
    return sorted({r.doc for r in chosen}), sorted({r.paper for r in chosen})


def _when(iso: str) -> str:
    from boardqa.views import long_date

    return long_date(iso) if iso else "Date not stated"


def library_html(rows: Sequence[PaperRow], body: Sequence[str] = (), committee: Sequence[str] = ()) -> str:
    """The papers grouped by body, then committee, newest meeting first; one table per committee."""
    from boardqa.views import hint_html

    if not rows:
        return hint_html("Nothing is indexed yet: add PDF or text files above.")
    shown = select(rows, body, committee)
    if not shown:
        return hint_html("No paper matches these filters: clear them to see the whole library.")
    groups: dict[str, dict[str, list[PaperRow]]] = {}
    for r in shown:
        groups.setdefault(r.body or NOT_STATED, {}).setdefault(r.committee, []).append(r)
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Meeting date", "Paper", "File", "Paragraphs"))
    parts = [f'<p class="bqa-count">{len(shown)} of {len(rows)} papers, '
             f"{sum(r.paragraphs for r in shown)} paragraphs.</p>"]
    for b in sorted(groups, key=str.casefold):
        parts.append(f'<h3 class="bqa-body">{html.escape(b)}</h3>')
        for c in sorted(groups[b], key=lambda x: (x == "", x.casefold())):
            papers = sorted(groups[b][c], key=lambda r: (r.date or "", r.doc, r.paper), reverse=True)
            name = c or "No committee named"
            body_rows = "".join(
                f'<tr><td>{html.escape(_when(r.date))}</td><td>{html.escape(r.paper)}</td>'
                f"<td>{html.escape(r.doc)}</td><td>{r.paragraphs}</td></tr>" for r in papers)
            caption = f"{html.escape(name)} ({len(papers)} paper{'s' if len(papers) != 1 else ''})"
            parts.append(f'<div class="bqa-table" role="region" aria-label="{html.escape(b)}: {html.escape(name)}" '
                         f'tabindex="0"><table><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
                         f"<tbody>{body_rows}</tbody></table></div>")
    return '<div class="bqa-library">' + "".join(parts) + "</div>"


def heading_topic(section: str) -> str:
    """A section heading as the topic of a question (`3. Preventing and Tackling Violence` ->
    `preventing and tackling violence`), or '' when it is no topic (too short or long, numbers, scaffolding)."""
    text = _NUMBERING.sub("", section.strip()).strip(" :;.-–—›")
    words = text.split()
    if not 2 <= len(words) <= 8 or any(ch.isdigit() for ch in text) or len(text) > 70:
        return ""
    if text.casefold() in _SCAFFOLD or len(_LETTERS.findall(text)) < 0.8 * len(text.replace(" ", "")):
        return ""
    if sum(w[:1].isupper() for w in words) < len(words) / 2 and not _NUMBERING.match(section):
        return ""  # a sentence caught as a heading, not a title
    # Title Case and CAPITALS read as prose; acronyms (NII, ASB) keep their capitals.
    return " ".join(w if (w.isupper() and len(w) <= 5 and text != text.upper()) else w.lower() for w in words)


def example_questions(paragraphs: Sequence[Paragraph], n: int = 4) -> list[str]:
    """Up to `n` questions about the library in use, from its papers' headings: newest papers first, one topic
    per paper in turn, numbered headings before others, no topic that most papers share."""
    per_paper: dict[tuple[str, str], list[tuple[bool, str]]] = {}
    dates: dict[tuple[str, str], str] = {}
    for p in paragraphs:
        key = (p.doc, p.paper)
        dates.setdefault(key, p.date or "")
        topic = heading_topic(p.section) if p.section else ""
        if topic and all(topic != t for _, t in per_paper.get(key, [])):
            per_paper.setdefault(key, []).append((not _NUMBERING.match(p.section), topic))
    if not per_paper:
        return []
    spread: dict[str, int] = {}
    for topics in per_paper.values():
        for t in {t for _, t in topics}:
            spread[t] = spread.get(t, 0) + 1
    common = {t for t, k in spread.items() if len(per_paper) >= 3 and k > len(per_paper) / 2}
    queues = [[t for _, t in sorted(per_paper[k], key=lambda x: x[0]) if t not in common]
              for k in sorted(per_paper, key=lambda k: dates[k], reverse=True)]
    out: list[str] = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                topic = q.pop(0)
                question = f"What do the papers say about {topic}?"
                if question not in out:
                    out.append(question)
    return out
