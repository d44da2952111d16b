"""How many of what: a figure answers "how many parents attended?" only where it counts parents."""

from __future__ import annotations

import re

from qa.fact_patterns import FIGURE, NOT_COUNT_AFTER
from qa.question import Concept, QuestionPart
from qa.vocabulary import fold, tokens

__all__ = ["counted_thing", "counts", "how_often_verb"]

# "how many GP appointments did ...": the words after "how many" up to the verb name what is counted
_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w'’-]+\s+){0,3}?)([\w'’-]+)\s+(?=(?:did|do|does|was|were|is|are|has|have"
                       r"|had|will|would|can|could|should|in|on|at|for|from|by|per)\b)", re.I)
_FIRST_AFTER = re.compile(r"\bhow many\s+([\w'’-]+)", re.I)
_WORD_COUNT = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
                         r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|dozens?|hundreds?"
                         r"|thousands?)\b|\d(?:hundred|thousand|million|billion)s?\b", re.I)  # `20thousands`
AFTER_WORDS = 4  # "31 homicides", "4,203 enforcement actions", "12 new members"
BEFORE_WORDS = 25  # the sentence's subject before its figure: "Unallocated investigations ... have reduced to 1,000"


def counted_thing(part: QuestionPart) -> Concept | None:
    """The question's concept for what it asks the number of ("parents" in "how many parents attended?")."""
    m = _HOW_MANY.search(part.text) or _FIRST_AFTER.search(part.text)
    if m is None:
        return None
    words = " ".join(g for g in m.groups() if g).split()
    # a past tense ends the thing counted: "how many people died on ...", "how many stops recovered a knife"
    verb = next((i for i, w in enumerate(words) if i and re.fullmatch(r"[a-z]+ed", w.lower())), len(words))
    head = fold(words[verb - 1].lower())
    for c in part.concepts:
        if any(head in alt for alt in c.alternatives):
            return None if c.generic else c  # "how many people": people are counted under many names
    return None


def counts(text: str, thing: Concept) -> bool:
    """Whether `text` gives a number of `thing`: a figure (or a number word) with `thing` just after it, or just
    before it ("Two presentations for parents" counts presentations, not parents)."""
    words = list(re.finditer(r"\S+", text))
    starts = [w.start() for w in words]
    for m in list(FIGURE.finditer(text)) + list(_WORD_COUNT.finditer(text)):
        if re.fullmatch(r"(?:19|20)\d\d", m.group(0)) or NOT_COUNT_AFTER.match(text, m.end()) \
                or re.search(r"\bper\s*$", text[max(0, m.start() - 6):m.start()], re.I):
            continue  # a year, a percentage, a date, or a rate's base ("appointments per 1,000 population")
        at = max(0, next((i for i, s in enumerate(starts) if s > m.start()), len(starts)) - 1)
        after = " ".join(w.group() for w in words[at + 1:at + 1 + AFTER_WORDS])
        before = " ".join(w.group() for w in words[max(0, at - BEFORE_WORDS):at])
        if thing.found_in(frozenset(tokens(after))) or thing.found_in(frozenset(tokens(before))):
            return True
    return False


# "How often does the panel meet?", "how frequently are the accounts audited?": the verb whose frequency is asked
_HOW_OFTEN = re.compile(r"\bhow (?:often|frequently)\s+(?:does|do|did|is|are|was|were|will|would|should|must|has|have)"
                        r"\s+(?:[\w'’-]+\s+){0,5}?([a-z][\w'’-]*?)"
                        r"(?=\s*(?:[?,;.]|$)|\s+(?:in|on|at|each|every|per|a|an|the|with|for|to|by|during|this|that|its"
                        r"|their)\b)", re.I)


def how_often_verb(part: QuestionPart) -> str | None:
    """The folded last word of a "how often does X <verb>?" question (`meet`): a frequency answers it only where it
    says that ("The Panel will meet on an 8 weekly cycle", not "The Panel will review it every six months")."""
    m = _HOW_OFTEN.search(part.text)
    return fold(m.group(1).lower()) if m else None
