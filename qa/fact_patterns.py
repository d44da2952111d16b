"""The kinds of fact a sentence carries (a count, a date, a person, a reason...), read from its words."""

from __future__ import annotations

import re

from qa.vocabulary import fold

__all__ = ["FIGURE", "FIGURE_FACTS", "NOT_COUNT_AFTER", "facts_in", "has_name"]

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# a title before a name: "Cllr Smith", "Councilor Nyberg", "Ms Hogg"
TITLED = r"\b(?:Cllr|Councill?or|Mr|Mrs|Ms|Miss|Mx|Dr|Professor|Sir|Dame|Lord|Baroness)\.?\s+[A-Z]"
# an office or role a sentence may name someone by ("the Commissioner presented the report")
ROLE = re.compile(r"\b(?:Chief Constable|Commissioner|Chair(?:man|person|ed by)?|Chief Executive|Director"
                  r"|Head of|Officer|Advocate|Governor|Leader|Mayor|Minister|Secretary|Lead|Clerk|Treasurer"
                  r"|President|Trustee|Headteacher|Principal)\b")
_FACTS = {
    # a rate is a figure: "12.5 percent", "1 in 4", "3.6pp", "1.9 times more likely", "9 per 1,000", a rate's
    # figure ("a rate of 4.2"); the word "rate" alone ("the positive outcome rate is rising") gives none
    "rate": re.compile(r"%|\d\s*per ?cent\b|\d\s*percent(?:age points?)?\b|\b\d+ in \d+\b|\d\s?pp\b"
                       r"|\btimes (?:more|less) likely\b|\bper \d|\brates? (?:of|at|was|is|stood at|stands at) [£$€]?\d",
                       re.I),
    # `20.02.24` and `1-22-26` are dates where both day and month are printed with two digits or a slash or dash
    # separates them; `3.4.12` is a paragraph number
    # (the verb "may" is no month: "This may happen"; "May 2025", "12 may 2024" and "May" capitalised are)
    "date": re.compile(rf"\b(?!may\b){_MONTH}\b|(?-i:\bMay\b)|\b\d{{1,2}}(?:st|nd|rd|th)?\s+may\b|\bmay\s+\d{{4}}\b|\b\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}\b|\b[0-3]\d\.[01]\d\.(?:19|20)?\d\d\b|\b(?:19|20)\d\d\b|\bquarter \d\b|\bQ[1-4]\b"
                       r"|\b(?:spring|summer|autumn|winter)\b", re.I),
    "time": re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:hrs|hours|am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b", re.I),
    "money": re.compile(r"[£$€]\s?\d|\b(?:pounds|dollars|euros)\b", re.I),  # "420 million hits" is a count
    "name": re.compile(r"\b[A-Z][a-z]+\.?\s+[A-Z]"),  # a prefilter: `_has_name` decides
    "person": re.compile(rf"{TITLED}|{ROLE.pattern}"
                         r"|\b(?:led|presented|chaired) by\b|\b(?:PCC|DPCC|ACC|DCC|CEO)\b"
                         # a role and a name side by side ("The new headteacher, Sally Herbert, has been ...")
                         r"|(?i:\b(?:head ?teacher|chair(?:man|person)?|clerk|treasurer|secretary|director|officer"
                         r"|manager|governor|councillor|mayor|president|lead))\b,?\s+[A-Z][a-z]+\s+[A-Z][a-z'’-]+"
                         # an action given to someone by name ("Chris Taggart to set up ...")
                         r"|(?:^|[:;–•-]\s*)[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)+\s+to\s+(?!the\b|a\b|an\b)[a-z]+"),
    # why: "because ...", "due to ...", "was not published ... until October 2022", "in order to ..."
    "reason": re.compile(r"\b(?:because|due to|owing to|as a result of|caused by|the reason|reasons? (?:for|why|is|was)"
                         r"|in order to|so that|so as to|therefore|thus|until|unless|since (?:the|it|they|there)"
                         r"|(?:who|which) (?:need|needs|use|uses|want|wants)\b)", re.I),
    # how often: "on an 8 weekly cycle", "every six months", "quarterly", "twice a year"
    "frequency": re.compile(r"\b(?:every|each)\s+(?:[\w-]+\s+)?(?:days?|weeks?|months?|years?|quarters?)\b"
                            r"|\b(?:\d+|two|three|four|six|eight)[- ]?(?:weekly|monthly|yearly)\b|\b(?:daily|weekly"
                            r"|fortnightly|monthly|quarterly|annually|yearly|bi-?annually|bi-?monthly)\b"
                            r"|\b(?:once|twice|\w+ times) (?:a|per|each) (?:day|week|month|quarter|year)\b", re.I),
    "duration": re.compile(r"\b\d+(?:\.\d+)?\s*(?:working\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?"
                           r"|seconds?)\b", re.I),
    "trend": re.compile(r"\b(?:increas|decreas|rise|rose|risen|rising|fell|fall|reduc|declin|improv|grew|grow"
                        r"|static|unchanged|stable|higher|lower|doubled|halved|up from|down from|more|less|fewer"
                        r"|times)\w*", re.I),
}
# an action row ending with its owner's initials ("... to the next meeting NO", "HS/BB"; not `5:30 PM MST`)
_OWNER = re.compile(r"(?<![AP]M)(?<![AP]\.M\.)\s[A-Z]{2,3}(?:/[A-Z]{2,3})*\s*$")
# ... but not a thing's initials ending a title ("Minutes of the AGM", "Minutes of the Previous AGM")
_NOT_OWNER = re.compile(r"\b(?:the|of|an?)(?:\s+[A-Z][a-z]+)?\s*$")
FIGURE_FACTS = frozenset({"count", "money", "rate"})  # the kinds of fact that are figures
FIGURE = re.compile(r"(?<![\w.£/])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w/]|\.\d)")
# (`3.0 times more likely`, `twice as likely`: how many times one rate is another's, no count of anything)
NOT_COUNT_AFTER = re.compile(rf"\s*(?:%|per ?cent|percent|pp\b|percentage|/|[:.]\d|(?:st|nd|rd|th)?\s+{_MONTH}\b"
                             r"|times\s+(?:more|less|as|higher|lower|greater|fewer|the)\b)", re.I)
_REFERENCE_BEFORE = re.compile(r"\b(?:ref|minute|paragraph|para|item|action|no|number|commitment|module|code|table"
                               r"|figure|appendix|annex|page|pages|section|quarter|q)\.?\s*$", re.I)
_WORD_COUNT = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundreds?"
                         r"|thousands?)\b|\d(?:hundred|thousand|million|billion)s?\b", re.I)  # `20thousands`
_NOT_NAMES = frozenset(fold(w) for w in """police crime panel board council commissioner chief constable officer
    city county borough parish town district region north south east west central upper lower great new
    metropolitan service services plan court courts crown justice criminal office home government national local
    community safety partnership team unit group committee report paper annex appendix table figure action
    operation strategy programme chair vice deputy assistant head director executive lead member members the
    january february march april may june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec monday tuesday wednesday
    thursday friday saturday sunday victims advocate code practice england wales prosecution probation prison""".split())


def facts_in(text: str) -> frozenset[str]:
    """The kinds of fact a sentence carries (`count`, `date`, `time`, `rate`, `money`, `person`, `duration`,
    `trend`): a count is a number that is not a year, a percentage, part of a date or a reference
    ("Action ref 222", "Module 4")."""
    found = {kind for kind, pattern in _FACTS.items() if pattern.search(text)}
    m = _OWNER.search(text)
    if m and not _NOT_OWNER.search(text[:m.start()]):
        found.add("person")
    if "name" in found and not has_name(text):
        found.discard("name")
    for m in FIGURE.finditer(text):
        year = re.fullmatch(r"(?:19|20)\d\d", m.group(0))
        reference = _REFERENCE_BEFORE.search(text[max(0, m.start() - 16):m.start()])
        if not year and not reference and not NOT_COUNT_AFTER.match(text, m.end()):
            found.add("count")
            break
    if _WORD_COUNT.search(text):
        found.add("count")
    return frozenset(found)


def has_name(text: str, common: frozenset[str] = frozenset()) -> bool:
    """A person's name: a title and a name, or two capitalised words that are not an office, a kind of
    place or an organisation ("Chief Constable", "North Area", "Borough Council"), nor two words the papers also
    print in lower case (`common`: "Online Approved" on a status line is no one's name)."""
    if re.search(TITLED, text):
        return True
    for m in re.finditer(r"(?<![A-Z][a-z]\s)(?<![A-Z][a-z]{2}\s)\b([A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?([A-Z][a-z]+)\b"
                         r"(?!\s+[A-Z])", text):
        words = {fold(m.group(1)), fold(m.group(2))}
        if not words & _NOT_NAMES and not (m.group(1).lower() in common and m.group(2).lower() in common):
            return True
    return False
