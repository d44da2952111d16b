"""What a body decided, quoted with what it decided on: a short verdict after a sentence, a yes/no question's decision."""

from __future__ import annotations

import re

from qa.evidence import Evidence, Unit
from qa.next_sentence import appended, following
from qa.question import QuestionPart
from qa.sentences import display

__all__ = ["DECISION", "decision_after", "whole_resolution", "with_verdict"]

VERDICT_WORDS = 3  # "Supported.", "No objection.", "Carried unanimously.": a decision on what was just said


def with_verdict(u: Unit, ev: Evidence) -> Unit:
    """`u` with the next sentence of its paragraph when that is only a few words: the decision, vote or
    outcome on what `u` says ("Journey's End - dormer extension." "Supported."); a motion with the outcome recorded
    a sentence or two after it ("X moved to accept the financials." "Y seconded the motion." "It passed 5-0.")."""
    carried = _with_outcome(u, ev)
    if carried is not u or _CARRIED.search(u.text) and _MOVED.search(u.text):
        return _with_votes(carried, ev)
    nxt = next(iter(following(u, ev)), None)
    if nxt is None or any(nxt.start < e and b < nxt.end for b, e in u.spans):
        return u
    raw = ev.paragraph(u.rank).text[nxt.start:nxt.end]
    words = re.findall(r"[A-Za-z]+", raw)
    if not words or len(words) > VERDICT_WORDS or re.search(r"\d", raw) or raw.rstrip().endswith(":"):
        return u
    return appended(u, ev, [nxt])


# what a body decided: "Were the councillors against the wall repair?" is answered by "NO OBJECTION"
DECISION = re.compile(r"\b(?:no objections?|objected|objections?|supported|not supported|agreed|approved|refused"
                      r"|rejected|resolved|carried|deferred|declined|adopted|accepted|passed|no action)\b", re.I)


# "What did the council decide about ...?", "How did the committee vote on ...?": a decision is asked for
_ASKS_DECISION = re.compile(r"\b(?:decide[ds]?|decision|vote[ds]?|resolve[ds]?|agree[ds]?|approve[ds]?|object(?:ed)?"
                            r"|support(?:ed)?)\b", re.I)
DECISION_CHARS = 200  # a decision is recorded in a few words, not a paragraph of its own
# how minutes record the outcome of a debate: a motion that passed or failed, a resolution, an agreement
_OUTCOME = re.compile(r"\bmotion\b[^.]*\b(?:passed|carried|failed|fell|lost|adopted)\b|\b(?:resolved|it was agreed"
                      r"|agreed that|unanimously)\b", re.I)


def decision_after(part: QuestionPart, ev: Evidence, chosen: list[Unit]) -> Unit | None:
    """For a yes/no question or one asking what was decided, the decision recorded next after the best unit, when
    the chosen units give none."""
    if not ("yesno" in part.facts or _ASKS_DECISION.search(part.text)) or any(DECISION.search(u.text) for u in chosen):
        return None
    best = chosen[0]
    here = ev.paragraph(best.rank)

    def later(u: Unit) -> bool:  # further on in the best unit's paragraph, or in a later piece of a long one
        if u.rank == best.rank:
            return u.start >= best.end
        p = ev.paragraph(u.rank)
        return (p.doc_id, p.paper, p.label) == (here.doc_id, here.paper, here.label) and p.piece > here.piece \
            and p.seq - here.seq == p.piece - here.piece

    after = [u for u in ev.units if later(u) and len(u.text) <= DECISION_CHARS
             and DECISION.search(u.text) and not any(u.overlaps(c) for c in chosen)]
    here_after = [u for u in after if u.rank == best.rank]
    if here_after:
        return min(here_after, key=lambda u: u.start)  # the decision recorded next after what it is on
    # a long item's later pieces: the debate's outcome is the last motion or resolution recorded
    outcome = [u for u in after if _OUTCOME.search(u.text)]
    last = max(outcome, key=lambda u: (ev.paragraph(u.rank).piece, u.start), default=None)
    return _with_motion(last, ev) if last is not None else None


MOTION_REACH = 3  # "Motion: X moved to adopt ..." / "Seconded by Y." / "The motion passed 5-0."
_MOVED = re.compile(r"\bmoved\b|^\W*motion\W", re.I)
# a motion's outcome: "It passed 5-0.", "Carried unanimously.", "The motion failed 2-3."
_CARRIED = re.compile(r"\b(?:passed|carried|failed|fell|lost|defeated|adopted|approved|unanimous(?:ly)?)\b"
                      r"|\b\d+\s*[-–]\s*\d+\b", re.I)


# how the members voted, recorded after the outcome: "Councilor Ruble abstained.", "Cllr Smith voted against."
_VOTES = re.compile(r"\b(?:abstain\w*|abstention\w*|voted|against|opposed|dissent\w*|nays?|ayes?)\b", re.I)


def _with_votes(u: Unit, ev: Evidence) -> Unit:
    """A motion and its outcome with the sentence after it when that records how members voted."""
    nxt = next(iter(following(u, ev)), None)
    if nxt is None or len(nxt.text) > DECISION_CHARS or not _VOTES.search(nxt.text) or _MOVED.search(nxt.text):
        return u
    return appended(u, ev, [nxt])


def _with_outcome(u: Unit, ev: Evidence) -> Unit:
    """A motion quoted without its outcome, with the sentences after it up to the one recording the outcome."""
    if not _MOVED.search(u.text) or _CARRIED.search(u.text):
        return u
    after = following(u, ev)[:MOTION_REACH]
    end = next((k for k, x in enumerate(after) if _CARRIED.search(x.text)), None)
    if end is None or any(_MOVED.search(x.text) for x in after[:end + 1]):
        return u  # no outcome recorded near, or another motion comes first
    return appended(u, ev, after[:end + 1])


def _with_motion(u: Unit, ev: Evidence) -> Unit:
    """"The motion passed 5-0." with the motion it is on, when that was moved a sentence or two before."""
    if not re.search(r"\bthe motion\b", u.text, re.I) or re.search(r"\bmoved\b", u.text, re.I):
        return u
    before = [x for x in ev.units if x.rank == u.rank and x.end <= u.start and len(x.spans) == 1]
    before = sorted(before, key=lambda x: x.start)[-MOTION_REACH:]
    moved = [k for k, x in enumerate(before) if re.search(r"\bmoved\b|^\W*motion\W", x.text, re.I)]
    if not moved:
        return u
    run = before[moved[-1]:]
    text = ev.paragraph(u.rank).text
    spans = tuple(sp for x in run for sp in x.spans) + u.spans
    return Unit(u.rank, spans, " ".join([display(text[a:b]) for a, b in spans]),
                u.tokens.union(*(x.tokens for x in run)), u.facts.union(*(x.facts for x in run)), run[0].before)


def whole_resolution(part: QuestionPart, ev: Evidence, best: Unit) -> Unit:
    """For a question asking what was decided, the whole decision when the best unit is one of its entries
    ("RESOLVED – that" over "i. the report be noted; ii. ...; v. ..."): a resolution is quoted whole, not one limb."""
    if not _ASKS_DECISION.search(part.text) or len(best.spans) != 2:
        return best
    lead = best.spans[0]
    if not DECISION.search(ev.paragraph(best.rank).text[lead[0]:lead[1]]):
        return best
    whole = [u for u in ev.units if u.rank == best.rank and u.spans[0] == lead and len(u.spans) > 2
             and u.start <= best.spans[-1][0] and best.end <= u.end]
    return max(whole, key=lambda u: len(u.spans)) if whole else best
