"""List questions ("Which of the pubs listed are on Warwick Way?"): every entry found that matches, not the best alone."""

from __future__ import annotations

import re

from qa.evidence import Evidence, Unit, leads_in
from qa.fact_kinds import QUOTED
from qa.question import QuestionPart
from qa.vocabulary import tokens

__all__ = ["LIST_ASK", "continued_list", "counted_rows", "matching_entries", "quoted_entries"]

# "Which of the pubs listed are ...", "What items were ...", "List the ...": a plural asked for, so every match
LIST_ASK = re.compile(r"^\s*(?:which|what)\s+(?:of\s+the\s+)?(?:(?!of\b)[\w-]+\s+){0,2}?[\w-]+s\s+(?:[\w-]+\s+){0,6}?"
                      r"(?:are|were|have|had|did|do|does)\b|^\s*(?:list|name)\s+(?:all\s+|every\s+|the\s+)", re.I)
MAX_ENTRIES = 8  # a list longer than this is better read in the paper: the answer says where it is
ENTRY_CHARS = 300  # an entry is a line or two (a name, an address); a longer unit is a paragraph of its own
LEAD_SHARE = 0.8  # a closing lead-in answers a list question if it scores this share of the best unit or more


def matching_entries(part: QuestionPart, ev: Evidence, chosen: list[Unit]) -> list[Unit]:
    """For a question asking for a list, the other short entries among the paragraphs found that name every name
    the best entry names from the question ("Warwick Way"), in the papers' order; none for other questions."""
    if not chosen or not LIST_ASK.search(part.text):
        return []
    best = chosen[0]
    keys = [c for c in part.concepts if c.specific and not c.numeric and not c.dated and c.found_in(best.tokens)]
    if not keys or len(best.text) > ENTRY_CHARS:
        return []
    taken = {u.rank for u in chosen}
    found: dict[int, Unit] = {}
    for u in ev.units:
        if u.rank in taken or u.rank in found or len(u.text) > ENTRY_CHARS or not ev.says_something(u):
            continue
        if all(c.found_in(u.tokens) for c in keys):
            found[u.rank] = u
    return sorted(found.values(), key=lambda u: (ev.paragraph(u.rank).seq, u.start))[:MAX_ENTRIES - len(chosen)]


def quoted_entries(part: QuestionPart, ev: Evidence, chosen: list[Unit]) -> list[Unit]:
    """The other entries of the best unit's paragraph (a table's rows, a list's items) that print the words the
    question quotes: "Is a case closed as 'not in the public interest' a positive outcome?" is answered by every
    row that says "not in the public interest" (one for the CPS, one for the police), not by the first alone."""
    quoted = (" ".join(m.group()[1:-1].lower().split()) for m in QUOTED.finditer(part.text))
    phrases = [p for p in quoted if len(p) >= 3]
    if not chosen or not phrases:
        return []
    best = chosen[0]
    if not any(p in " ".join(best.text.lower().split()) for p in phrases):
        return []
    out = []
    for u in ev.units:
        own = u.spans[-1]  # a row's own line (its table's header row, which every row is shown under, is shared)
        if u.rank != best.rank or len(u.text) > ENTRY_CHARS or any(
                c.rank == u.rank and any(a < own[1] and own[0] < b for a, b in c.spans) for c in chosen + out):
            continue
        if any(p in " ".join(u.text.lower().split()) for p in phrases):
            out.append(u)
    return sorted(out, key=lambda u: u.start)[:MAX_ENTRIES - len(chosen)]


def _entries_after(ev: Evidence, rank: int) -> list[int]:
    """The retrieved paragraphs printed straight after paragraph `rank` in its document, in order."""
    p = ev.paragraph(rank)
    where = {(h.paragraph.doc_id, h.paragraph.seq): r for r, h in enumerate(ev.hits)}
    out: list[int] = []
    while len(out) < MAX_ENTRIES and (p.doc_id, p.seq + len(out) + 1) in where:
        out.append(where[(p.doc_id, p.seq + len(out) + 1)])
        last = ev.sentences[out[-1]][-1] if ev.sentences[out[-1]] else None
        if last is not None and leads_in(last.text):
            break  # this entry's paragraph goes on to open a list of its own
    return out


def continued_list(s, best: Unit) -> list[Unit]:
    """For a question asking for a list, a paragraph's closing lead-in ("The Board summarised their points as:") with
    the entries the paper prints as the paragraphs after it ("(i) ...", "(ii) ...", each its own numbered record),
    when it answers about as well as the best unit and those paragraphs were found; else []. Of several lead-ins,
    the one whose own words state most of what the question asks (a lead-in says what its list is). `s` is the
    answerer's scorer for one part of the question."""
    ev = s.ev
    # (also after a clause setting the scene: "When the Board discussed X, what three points did it summarise?")
    if not any(LIST_ASK.search(clause) for clause in re.split(r"[,;:]\s*", s.part.text)):
        return []
    closing = [u for u in ev.units if len(u.spans) == 1 and leads_in(u.text) and ev.sentences[u.rank]
               and u.end == ev.sentences[u.rank][-1].end and s.scores[u] >= LEAD_SHARE * s.scores[best]]
    for lead in sorted(closing, key=lambda u: (-round(s.cover([u]), 2), -s.scores[u])):
        after = _entries_after(ev, lead.rank)
        firsts = [next((u for u in ev.units if u.rank == r and u.start == ev.sentences[r][0].start), None)
                  for r in after if ev.sentences[r]]
        firsts = [u for u in firsts if u is not None and len(u.text) <= ENTRY_CHARS]
        if len(firsts) >= 2:
            return [lead] + firsts
    return []


# "How many outstanding actions are on the Panel's action tracker?": the number of entries a list or table holds
_HOW_MANY_ON = re.compile(r"\bhow many\b[^?]*?\b(?:are|were|is|was)\s+(?:there\s+)?(?:on|in|listed)\b", re.I)


def counted_rows(s) -> list[Unit]:
    """For "How many outstanding actions are on the Panel's action tracker?": the rows of the table the question
    names (its paper's title names the question's other words: "tracker") that lists what is counted (its title and
    its header name it: "Outstanding Actions", "Action No."), each quoted under the header so that the reader counts
    them; [] for other questions, or a table longer than an answer shows. `s` is the answerer's scorer for one part
    of the question (`counted`: what is counted)."""
    thing, ev = s.counted, s.ev
    if thing is None or "count" not in s.expected or not _HOW_MANY_ON.search(s.part.text):
        return []
    others = [c for c in s.part.concepts if c != thing and not c.generic and not c.context and not c.dated]
    for rank in range(len(ev.hits)):
        rows = [u for u in ev.units if u.rank == rank and u.row and len(u.spans) == 2]
        if len(rows) < 2 or len({u.spans[0] for u in rows}) != 1 or len(rows) > MAX_ENTRIES:
            continue
        a, b = rows[0].spans[0]
        header = frozenset(tokens(ev.paragraph(rank).text[a:b]))
        meta = ev.meta_tokens[rank]
        if thing.found_in(meta) and thing.found_in(header) and any(c.found_in(meta) for c in others):
            return sorted(rows, key=lambda u: u.start)
    return []
