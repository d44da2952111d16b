"""What kind of fact a question asks for (a count, a date, a person, a trend...), read from its own words."""

from __future__ import annotations

import re

from qa.vocabulary import TREND_WORDS

__all__ = ["QUOTED", "compared_qualifies", "fact_types"]

_FACT_CUES = {
    "money": r"[£$€]|\bmoney\b|\bfees?\b|\bbudget\w*|\bcosts?\b|\bcosting\b|\bspen[dt]\w*|\bfunding\b|\bfunded\b|\bprecept\b"
             r"|\bprice\b|\bsavings?\b|\boverspend\w*|\bdeficit\b|\bgrant\b|\bbalances?\b(?! sheets?)|\bincome\b|\bexpenditure\b"
             r"|\breserves\b|\brevenue\b|\bsalar(?:y|ies)\b|\bwages?\b|\bremuneration\b",
    "count": r"\bhow many\b|\bnumber of\b|\bhow much\b|\btotal\b|\bcount\b(?!\s+as\b)"
             # how many people or staff: "What is the population of ...?", "What was the officer headcount in ...?"
             r"|\bwhat (?:is|was|are|were) (?:the|its|their) (?:[\w'’-]+ ){0,3}?(?:population|headcount)s?"
             r"(?=\s+(?:of|in|at|for|as|on|by)\b|\s*[?,.]|\s*$)",
    # "When did ...?" asks for a date; "When the data was published, did ...?" sets the scene of a yes/no question
    "date": r"\bwhen\s+(?:is|are|was|were|will|would|did|does|do|has|have|had|can|could|should|must|might)\b"
            r"|\bwhen\s*\?|\bwhat (?:date|month|year|day)\b|\bwhich (?:month|year|day|date|quarter)\b"
            r"|\bby when\b|\bdeadline\b|\b(?:start|finish|end|due|closing|target|completion) date\b",
    "time": r"\bwhat time\b|\bwhich time\b|\bwhat hour\b"
            # when a meeting started or ended is a time of its day ("When did the board meeting adjourn?")
            r"|\bwhen\s+(?:did|does|will|was|is)\s+(?:the\s+)?(?:[\w'’&-]+\s+){0,5}?(?:meeting|session)\s+(?:be\s+)?"
            r"(?:start|began|begin|open|commence|close|end|finish|adjourn|conclude)",
    "rate": r"\bpercentage\b|\bproportion\b|\brates?\b|%|\bper ?cent\b|\bshare\b|\bhow likely\b",
    "person": r"\bwho\b|\bwhom\b|\bwhich (?:officer|member|councillor|person|organisation)\b",
    "name": r"\bname of\b|\bnamed\b|\bwhat (?:is|was|are|were) (?:\w+ ){0,3}called\b",
    "reason": r"^\s*why\b|[,;]\s*(?:and\s+)?why\b|\bfor what reason\b|\bwhat (?:is|was|were) the reasons?\b",
    "frequency": r"\bhow often\b|\bhow frequently\b|\bhow many times (?:a|per|each)\b",
    "duration": r"\bhow long\b|\bhow quickly\b|\bhow fast\b|\bwait\w*\b|\bresponse times?\b|\bdelays?\b",
    "yesno": r"^(?:(?:when|if|after|before|since|once|while)\b[^,?]*,\s*)?"
             r"(?:is|are|was|were|has|have|had|did|does|do|will|can|could|should|would)\b",
    # "up" and "down" alone are not a trend ("down on the agenda", "set up"); "gone up", "going down" are
    "trend": r"\b(?:" + "|".join(sorted(TREND_WORDS - {"up", "down", "go", "going", "gone", "getting"}))
             + r"|(?:go|goes|going|gone|went|got|getting) (?:up|down))\b",
}

_DECIDED = re.compile(r"\bwhat (?:did|was|were|has|have|had)\b[^?]*\b(?:decide|decided|agree|agreed|resolve|resolved"
                      r"|approve|approved)\b")
# what a question quotes: 'Requires Improvement', “not in the public interest”
QUOTED = re.compile(r"'[^']{2,80}'(?!\w)|‘[^’]{2,80}’|\"[^\"]{2,80}\"|“[^”]{2,80}”")
# "who" asking: at the start of a question or clause, or after a preposition ("and to whom?")
_ASKS_WHO = re.compile(r"(?:^|[,;:?.]\s*|\b(?:and|or|but|to|by|from|with|for|of)\s+)(?:who|whom)\b"
                       r"|\bwhich (?:officer|member|councillor|person|organisation)\b")


_COMPARED = re.compile(r"\bcompared (?:with|to)\b")


def compared_qualifies(low: str) -> bool:
    """Whether "compared with" qualifies a noun ("the request for data compared with similar force areas"), not
    compares: "how does X compare", "is X ... compared with", or a period or figure after it do compare."""
    m = _COMPARED.search(low)
    return bool(m) and not re.match(r"\s*(?:how|is|are|was|were|does|do|did|has|have)\b", low) \
        and not re.search(r"\d", low[m.end():]) \
        and not re.search(r"\b(?:be|been|being|is|are|was|were)\s+$", low[:m.start()])  # "can't be compared with"


# a trend word in a phrasal verb of leaving ("drop out of cases", "fell out with") asks for no rise or fall
_LEAVING = re.compile(r"\b(?:drop(?:s|ped|ping)?|fall(?:s|ing|en)?|fell)\s+out\b")


def fact_types(text: str) -> frozenset[str]:
    """The kinds of fact a question (or part) wants: count, date, rate, money, person, duration, yesno, trend."""
    # what the question quotes ('Requires Improvement') or names (the "General Practice Improvement Programme")
    # is what it is about, not what it asks for
    plain = QUOTED.sub(" ", text.strip())
    low = plain.lower()
    unnamed = re.sub(r"(?<=[a-z,;] )(?:[A-Z][\w'’-]*\s*)+", " ", plain).lower()
    unnamed = _LEAVING.sub(" ", unnamed)  # "why do victims drop out?": they leave, no figure drops
    found = {kind for kind, cue in _FACT_CUES.items() if re.search(cue, unnamed if kind == "trend" else low)}
    if "person" in found and not _ASKS_WHO.search(low):
        found.discard("person")  # "the people who sit on the panel": a relative clause, not "who?"
    if "money" in found and re.search(r"\bhow many\b|\bnumber of\b", low) and not re.search(r"[£$€]|\bmoney\b", low):
        found.discard("money")  # "how many devices has it funded?" wants a count
    elif "money" in found:
        found.discard("count")  # "how much money" wants an amount, not a count
    if "money" in found and found & {"date", "time", "duration"}:
        found.discard("money")  # "by what date ... the precept?": the precept is the topic, the date the answer
    if "trend" in found and re.search(r"\b(?:what|which) changes?\b", low) and not re.search(
            _FACT_CUES["trend"], re.sub(r"\b(?:what|which) changes?\b", " ", low)):
        found.discard("trend")  # "what change did they announce?" asks what was decided, not a rise or fall
    if "trend" in found and _DECIDED.search(low):
        found.discard("trend")  # "what did they decide about the pay increase?": the increase is the topic
    if "trend" in found and compared_qualifies(low) and not re.search(_FACT_CUES["trend"], _COMPARED.sub(" ", unnamed)):
        found.discard("trend")  # "what happened to the request for data compared with similar areas?"
    return frozenset(found)
