"""The sentence after a chosen one, when the chosen one needs it: what it refers back to goes on, the figure it lacks,
the owner in a row's next cell, the outcome of what was asked for, what follows an item's bare title."""

from __future__ import annotations

import re

from qa.evidence import ANAPHOR, Evidence, Unit, facts_in
from qa.sentences import Sentence, display
from qa.vocabulary import STOPWORDS, tokens

__all__ = ["appended", "extend", "following", "who", "with_previous"]

# what was asked for ("TCC had requested that ..."): whether it happens is what follows
_REQUESTED = re.compile(r"\b(?:requested|asked (?:for|that|whether|if)|proposed|applied for|sought|wanted)\b", re.I)
# minutes recording a question put ("A question was asked on the training needs ...", "Members asked about ...")
_PUT = re.compile(r"\b(?:questions? (?:was|were) (?:asked|raised|put)|asked (?:about|whether|if|what|how|why|when|on)"
                  r"|queried|enquired|sought clarification)\b", re.I)
# ... and the reply that follows it ("The Commissioner responded that ...", "He confirmed ...")
_REPLY = re.compile(r"^(?:in (?:response|reply),?\s+)?[\w'’ -]{0,50}?\b(?:responded|replied|answered|explained"
                    r"|confirmed|advised|clarified|said|stated)\b", re.I)


def following(u: Unit, ev: Evidence) -> list[Sentence]:
    """The sentences of `u`'s paragraph after it (table rows left out), in order."""
    return [x for x in ev.sentences[u.rank] if x.start >= u.end and not x.row]


def with_previous(u: Unit, ev: Evidence) -> Unit:
    """`u` quoted with the sentence before it ("Response times for priority incidents have also improved markedly.
    The median time to attend these incidents ..."), when there is one in its paragraph."""
    prev = [x for x in ev.sentences[u.rank] if x.end <= u.start and not x.row]
    if not prev:
        return u
    x = prev[-1]
    raw = ev.paragraph(u.rank).text[x.start:x.end]
    return Unit(u.rank, ((x.start, x.end),) + u.spans, f"{display(raw)} {u.text}", u.tokens | frozenset(tokens(raw)),
                u.facts | facts_in(raw))


def appended(u: Unit, ev: Evidence, after: list[Sentence]) -> Unit:
    """`u` quoted on with the sentences `after` it (consecutive, from `following`)."""
    raw = ev.paragraph(u.rank).text[after[0].start:after[-1].end]
    return Unit(u.rank, u.spans + tuple((x.start, x.end) for x in after), f"{u.text} {display(raw)}",
                u.tokens | frozenset(tokens(raw)), u.facts | facts_in(raw), u.before)


def who(facts: frozenset[str], text: str) -> frozenset[str]:
    """A name in a row of cells, not a sentence (`... December 2013 Jos Creese` in a work plan's lead column,
    `Proposed: Debbie Chay`), says who the row assigns; prose names many people in passing."""
    row = not re.search(r"[.!?]['’\"”)]?\s*$", text)
    return facts | {"person"} if "name" in facts and row else facts


def extend(u: Unit, s) -> Unit | None:
    """`u` with the next sentence of its paragraph when that one goes on about it ("This represents a reduction of
    13.1 percent."), when `u` gives no figure and the next sentence does, or when the next sentence gives what `u`
    lacks (see the module). `s` is the answerer's scorer for one part of the question."""
    nxt = next(iter(following(u, s.ev)), None)
    if nxt is None or len(u.spans) > 2:
        return None
    raw = s.ev.paragraph(u.rank).text[nxt.start:nxt.end]
    facts = facts_in(raw)
    follows = bool(ANAPHOR.match(display(raw))) and bool(re.search(r"\d", raw))
    bare = not re.search(r"\d", u.text) or bool(s.expected) and not s.expected & u.facts
    # a row's cells after its text: who owns it, by when (`... from 6 June 2022).` / `Paul Evemy/Sandra Cartwright`)
    gives = (s.expected - s.facts_of(u)) & who(facts, raw)
    # "Is that going to happen?" answered by what was asked for ("TCC had requested that ..."): its outcome follows
    outcome = "yesno" in s.part.facts and bool(_REQUESTED.search(u.text))
    reply = bool(_PUT.search(u.text)) and bool(_REPLY.match(display(raw)))  # a question put, then its answer
    if not follows and not (bare and re.search(r"\d", raw) and (not s.expected or s.expected & facts)) \
            and not _echoes(u, s) and not gives and not outcome and not reply:
        return None
    return appended(u, s.ev, [nxt])


def _echoes(u: Unit, s) -> bool:
    """Whether `u` only repeats the question's own words (an item's title: "Annual Parent/Pupil/Staff
    questionnaire(s)."), so that what the paragraph says about it follows. A yes/no question may be
    answered in its own words."""
    if "yesno" in s.part.facts:
        return False
    asked = set(tokens(s.part.text)) | {t for c in s.part.concepts for alt in c.alternatives for t in alt}
    content = {t for t in u.tokens if t.isalpha() and len(t) > 2 and t not in STOPWORDS}
    return bool(content) and not content - asked - s.ev.meta_tokens[u.rank]
