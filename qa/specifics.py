"""Names, years and amounts a question restricts to: beside the answer, elsewhere in the evidence, or nowhere."""

from __future__ import annotations

import re

from qa.evidence import Evidence, Unit
from qa.question import Concept

__all__ = ["specific_check"]


def _same_section(ev: Evidence, a: int, b: int) -> bool:
    """Two retrieved paragraphs under one heading of one paper: a period one states ("In 2024/25, ...") is the
    period the next one goes on about ("... with 32,703 crimes recorded over the year")."""
    p, q = ev.paragraph(a), ev.paragraph(b)
    return bool(p.section) and p.doc_id == q.doc_id and p.paper == q.paper and p.section == q.section


_REFERS_BACK = re.compile(r"^(?:\W*[\w'’-]+\W+){0,5}?(?:these|this|those|such|the above)\b", re.I)


def _goes_on_from(ev: Evidence, a: int, b: int) -> bool:
    """Paragraph `a` opens by referring back ("Enforcement activity in these areas has risen ...") to paragraph
    `b`, printed just before it in the same paper: what `b` names ("the 'Fatal 4' offences") is what `a` is on."""
    p, q = ev.paragraph(a), ev.paragraph(b)
    return p.doc_id == q.doc_id and p.paper == q.paper and q.seq == p.seq - 1 and bool(_REFERS_BACK.match(p.text))


def _under(ev: Evidence, a: int, b: int) -> bool:
    """Paragraph `a` is an entry numbered under paragraph `b` of the same document (`AGM-2006/3.4.b` under
    `AGM-2006/3.4 Mr. Secretary reported`): what `b` says, `a` goes on to say."""
    p, q = ev.paragraph(a), ev.paragraph(b)
    return (p.doc_id == q.doc_id and p.printed and q.printed and len(q.label) < len(p.label)
            and p.label.startswith(q.label) and p.label[len(q.label)] in "./(-")


def specific_check(s, units: list[Unit]) -> tuple[list[str], list[str]]:
    """Names, years and amounts asked about: (absent from every paragraph, present but not where the answer is).
    `s` is the answerer's scorer for one part of the question (its `part` and `ev`)."""
    absent, elsewhere = [], []
    key = [c for c in s.part.topical if not c.generic and not c.context]
    for c in s.part.specifics:
        if not any(s.ev.names(c, r) for r in range(len(s.ev.hits))):
            absent.append(c.name)
            continue
        if c.source:
            continue  # a name of one of the papers compared ("the January 2026 PCC report") need not be beside each
        beside = any(s.ev.where_from(c, u.rank) or c.found_in(s.ev.haystack(u.rank)) and (
            not c.restrictive or not key or any(t.found_in(s.ev.para_tokens[u.rank]) for t in key)) for u in units) \
            or c.numeric and any(_same_section(s.ev, u.rank, r) and c.found_in(s.ev.haystack(r))
                                 for u in units for r in range(len(s.ev.hits))) \
            or any((_goes_on_from(s.ev, u.rank, r) or _under(s.ev, u.rank, r)) and c.found_in(s.ev.haystack(r))
                   for u in units for r in range(len(s.ev.hits)))
        if not beside:
            elsewhere.append(c.name)
    # a month asked for ("net return for October 2021") is stated beside the answer, or is its paper's date
    month = asked_month(s.part)
    if month is not None and not any(states_month(s.ev, month, u) for u in units):
        elsewhere.append(month.name)
    return absent, elsewhere


def asked_month(part, sourced: bool = True) -> Concept | None:
    """The one month a question part asks about ("net return for October 2021"); None for none or several (two
    months are a period or a comparison, printed in many ways). `sourced=False` leaves out a month naming one of
    the sources a comparison names ("according to the AGB paper and the November 2025 Panel meeting")."""
    months = [c for c in part.concepts if c.dated and not c.context and (sourced or not c.source)]
    return months[0] if len(months) == 1 else None


def meeting_month(part, month: Concept) -> bool:
    """Whether `month` is when a meeting was held ("at its April 2011 meeting", "the meeting held in May 2022",
    "the 13th meeting (14 May 2013)", "when it considered the tracker in November 2025"):
    the month of the paper's meeting, not one its text mentions ("due by April 2011")."""
    words = re.escape(month.name).replace(r"\ ", r"\s+")
    return bool(re.search(rf"{words}\s+(?:[\w'’&-]+\s+){{0,4}}?meeting|meeting\s*(?:\(|,\s*)?(?:held\s+)?(?:(?:on|in|of)\s+)?"
                          rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{words}"
                          # what a body considered, discussed or decided in a month is its meeting's business
                          rf"|\b(?:considered|discussed|debated|agreed|decided|resolved|approved)\b[^?,;]{{0,50}}?\bin\s+"
                          rf"{words}", part.text, re.I))


def states_month(ev: Evidence, month: Concept, u: Unit) -> bool:
    """Whether `month` is stated beside unit `u` (its paragraph, the sentence before it) or is its paper's date."""
    return ev.names(month, u.rank) or month.found_in(u.before)
