"""What a body decided, quoted with what it decided on: a short verdict after a sentence, a yes/no question's decision."""

from __future__ import annotations

import re

from qa.evidence import Evidence, Unit, facts_in
from qa.question import QuestionPart
from qa.sentences import display
from qa.vocabulary import tokens

__all__ = ["DECISION", "decision_after", "with_verdict"]

VERDICT_WORDS = 3  # "Supported.", "No objection.", "Carried unanimously.": a decision on what was just said


def with_verdict(u: Unit, ev: Evidence) -> Unit:
    """`u` with the next sentence of its paragraph when that is only a few words: the decision, vote or
    outcome on what `u` says ("Journey's End - dormer extension." "Supported.")."""
    nxt = next((x for x in ev.sentences[u.rank] if x.start >= u.end and not x.row), None)
    if nxt is None or any(nxt.start < e and b < nxt.end for b, e in u.spans):
        return u
    raw = ev.paragraph(u.rank).text[nxt.start:nxt.end]
    words = re.findall(r"[A-Za-z]+", raw)
    if not words or len(words) > VERDICT_WORDS or re.search(r"\d", raw) or raw.rstrip().endswith(":"):
        return u
    return Unit(u.rank, u.spans + ((nxt.start, nxt.end),), f"{u.text} {display(raw)}",
                u.tokens | frozenset(tokens(raw)), u.facts | facts_in(raw), u.before)


# what a body decided: "Were the councillors against the wall repair?" is answered by "NO OBJECTION"
DECISION = re.compile(r"\b(?:no objections?|objected|objections?|supported|not supported|agreed|approved|refused"
                      r"|rejected|resolved|carried|deferred|declined|adopted|accepted|passed|no action)\b", re.I)


# "What did the council decide about ...?", "How did the committee vote on ...?": a decision is asked for
_ASKS_DECISION = re.compile(r"\b(?:decide[ds]?|decision|vote[ds]?|resolve[ds]?|agree[ds]?|approve[ds]?|object(?:ed)?"
                            r"|support(?:ed)?)\b", re.I)
DECISION_CHARS = 200  # a decision is recorded in a few words, not a paragraph of its own


def decision_after(part: QuestionPart, ev: Evidence, chosen: list[Unit]) -> Unit | None:
    """For a yes/no question or one asking what was decided, the decision recorded next after the best unit, when
    the chosen units give none."""
    if not ("yesno" in part.facts or _ASKS_DECISION.search(part.text)) or any(DECISION.search(u.text) for u in chosen):
        return None
    best = chosen[0]
    after = [u for u in ev.units if u.rank == best.rank and u.start >= best.end and len(u.text) <= DECISION_CHARS
             and DECISION.search(u.text) and not any(u.overlaps(c) for c in chosen)]
    return min(after, key=lambda u: u.start, default=None)  # the decision recorded next after what it is on
