"""Other sentences that answer as well as the best one: the rest of its paragraph, the paragraph printed before or
after it under the same heading, a figure that refers back to what it names; and the question's own words printed
in a row, which say what a sentence is about."""

from __future__ import annotations

import re

from qa.evidence import Unit
from qa.fact_patterns import FIGURE_FACTS
from qa.question import Concept
from qa.vocabulary import STOPWORDS, tokens

__all__ = ["PHRASE", "PHRASE_MIN_WORDS", "phrases", "prints_phrase", "sibling"]


def sibling(s, ranked: list[Unit], best: Unit) -> Unit | None:
    """Another sentence of the best paragraph that answers as well ("56 fatalities ... A further 1,140"):
    it names every key concept the best one names and carries the expected kind of fact. `s` is the answerer's
    scorer for one part of the question, `ranked` its units best first."""
    keys = [c for c in s.part.concepts if not c.generic and not c.context and c.found_in(best.tokens)]
    here = s.ev.paragraph(best.rank)
    # the paragraph before or after under the same heading goes on about the same thing, unless the question asks
    # about something named: the next record naming it is another entry ("The Page, 11 Warwick Way")
    near = {best.rank} | {r for r in range(len(s.ev.hits)) if _neighbours(here, s.ev.paragraph(r))
                          and not any(c.specific for c in keys)}
    for u in ranked:
        if u.rank not in near or u is best or u.overlaps(best) or s.scores[u] < 0.8 * s.scores[best]:
            continue
        if keys and all(c.found_in(u.tokens) for c in keys) and (not s.expected or s.gives(u)):
            return u
    # a figure printed after it about what it names ("... dashcam footage submissions." then "The positive outcome
    # rate for these submissions now stands at 84.0 percent"): how much of what the best sentence says
    for u in ranked:
        after = u.rank == best.rank and u.start > best.end \
            or u.rank in near and s.ev.paragraph(u.rank).seq == here.seq + 1
        if after and (_refers_to(u, keys, best) or _adds(u, s, here)) \
                and (s.gives(u) if s.expected else bool(u.facts & FIGURE_FACTS)):
            return u
    return None


# "Another key reason is ...", "A further 1,140 ...": a paragraph that opens by adding to the one before it
_ADDS = re.compile(r"^\W*(?:another|a further|a second|a third|in addition|additionally)\b", re.I)


def _adds(u: Unit, s, here) -> bool:
    """Whether `u` opens the paragraph printed next under the same heading by adding to what it says."""
    p = s.ev.paragraph(u.rank)
    return p.seq == here.seq + 1 and not p.text[:u.start].strip() and bool(_ADDS.match(u.text))


# "these submissions", "this scheme": a demonstrative and the noun it points back with (not "this was ...")
_REFERS = re.compile(r"\b(?:these|this|those|such)\s+(?!(?:is|was|are|were|has|have|had|will|would|can|could|may|"
                     r"might|should|must|been|being|also|means?|shows?)\b)((?:[\w'’-]+\s+)?[\w'’-]+)", re.I)
# a sentence that turns to something else ("In contrast, Schedule 3 complaints ...") is not more of the same
_TURNS = re.compile(r"^\W*(?:in contrast|by contrast|however|whereas|on the other hand|conversely)\b", re.I)


def _refers_to(u: Unit, keys: list[Concept], best: Unit) -> bool:
    """Whether `u` refers back to what `best` names: "these submissions" for one of `keys`, or the short name `best`
    defines ("an Independent Custody Visitor (ICV) scheme", then "52 members ... across the ICV and AA schemes")."""
    if _TURNS.match(u.text):
        return False
    short = set(re.findall(r"\(([A-Z]{2,6})s?\)", best.text))
    return any(any(c.found_in(frozenset(tokens(m.group(1)))) for c in keys) for m in _REFERS.finditer(u.text)) \
        or any(re.search(rf"\b{a}s?\b", u.text) for a in short)


PHRASE = 0.1
PHRASE_MIN_WORDS = 8  # a line this short printing the question's words is a heading, not an answer


def _content(text: str) -> list[str]:
    return [t for t in tokens(text) if t.isalpha() and t not in STOPWORDS]


def phrases(question: str) -> list[tuple[str, ...]]:
    """Each run of three content words in a row in the question (no stopword or punctuation between them), unless
    it is a name (names are matched whole already)."""
    out = []
    for chunk in re.split(r"[^\w'’\s-]", question):
        words = re.findall(r"[\w'’-]+", chunk)
        for i in range(len(words) - 2):
            run = words[i:i + 3]
            if all(w[:1].isupper() for w in run):
                continue
            folded = tuple(_content(" ".join(run)))
            if len(folded) == 3:
                out.append(folded)
    return out


def prints_phrase(u: Unit, runs: list[tuple[str, ...]]) -> bool:
    """Whether `u` prints one of the question's `phrases` word for word (stopwords aside)."""
    if not any(set(g) <= u.tokens for g in runs):
        return False  # (cheap: most units lack a phrase's words)
    seq = _content(u.text)
    printed = {tuple(seq[i:i + 3]) for i in range(len(seq) - 2)}
    return any(g in printed for g in runs)


def _neighbours(a, b) -> bool:
    """Paragraphs printed one after the other under the same heading of the same paper."""
    return a.doc_id == b.doc_id and a.paper == b.paper and a.section == b.section and abs(a.seq - b.seq) == 1
