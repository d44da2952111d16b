"""Words for matching questions to papers: tokens and stems, stopwords, vague words, plain-language synonyms."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset("""
a about above after again against all am among amongst an and any are aren't as at be because been before being
below between both but by can can't could couldn't did didn't do does doesn't doing don't during each either few
for from further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd i'm
i've if in into is isn't it it's its itself just me might must my myself no nor not now of off on once only or
other ought our ours ourselves out over own please same she should so some such tell than that the their theirs
them themselves then there these they this those through to too under until upon us very was wasn't we we're
were weren't what whatever when where whether which while who whom whose why will with within without won't would
you you're your yours know give say said says saying anything something everything any much many get gets got
also according paper papers report reports document documents show shows shown mention mentioned mentions
regarding concerning
""".split())
# Words that name a public body in general, the papers, a vague quantity or the asker's own situation:
# they match almost any paragraph, or none, without saying what the question is about. They count for
# little when weighing what a sentence covers, are never "specific", and their absence never refuses.
# The words one library uses all the time (its body's name, its field: "police", "pupils") are counted
# in that library (`qa.library_words`), not listed here. Verbs of saying ("announced", "heard", "discussed")
# say how a meeting came to know something, not what: the paper may report it in any words; verbs of what a text
# holds ("what did the audit update cover / include / address?") ask what it says, in whatever words.
GENERIC = frozenset("""
number numbers total people person figure figures data level levels year years month months recent latest current
record recorded recording records panel board council committee commissioner chair
plan performance area areas region public local
service services work working time times update updates information statistics stats happen happening happened
often actually really still yet ever always lot lots thing things done doing make made take taken need needs want
special particular specific elsewhere taking takes took making makes background backgrounds
wants way ways kind sort enough like seem seems seemed control sure currently today recently new old big small
good bad right wrong someone anyone anybody somebody mean means meant common involved involve given giving figure
roughly approximately approximate around nearly almost exactly precisely date dates refer refers referred referring
one two three four five six seven eight nine ten eleven twelve first second third last next previous
announce announced announcement reported told discuss discussed discussion describe described note noted hear heard
state stated explain explained outline outlined raise raised highlight highlighted
cover covers covered include includes included contain contains contained address addressed
""".split())
TREND_WORDS = frozenset("""
rise rising rose risen fall falling fell fallen fewer more less increase increased increasing increases decrease
decreased decreasing decreases reduce reduced reducing reduction reductions decline declined declining improve
improved improving improvement worse worsen worsening better up down trend trends change changed changing compare
compared comparison higher lower grow growing grew growth drop dropped dropping going go gone getting
""".split())
MONTHS = frozenset("january february march april may june july august september october november december "
                   "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
                   "saturday sunday".split())
# Plain words councillors and residents use, mapped to the vocabulary of UK police, council and NHS
# papers. The first phrase names the topic in a reply (no digits); every phrase counts as the
# question's words. Earlier entries win where two could match the same words.
SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(?:killed|died|deaths?|fatalit\w*|injur\w*|hurt|casualt\w*)(?: or seriously injured)? on (?:the |our )?roads?"
     r"|road (?:deaths?|casualt\w*|collisions?|accidents?)|car crash\w*|crash\w*|collisions?|ksi",
     ("road casualties", "killed or seriously injured", "fatalities", "seriously injured", "collision")),
    # how safe the roads are is measured by who is killed or hurt on them
    (r"road safety|safer roads|(?:roads?|driving) (?:[\w']+ ){0,3}(?:safer|safe|dangerous)",
     ("road safety", "killed or seriously injured", "fatalities", "road casualties")),
    (r"murder\w*|kill(?:ed|ing|ings)?|homicides?|manslaughter", ("homicides", "homicide", "murder")),
    (r"stabb\w*|knife crimes?|knives|knife", ("knife crime", "knife", "stabbing", "bladed")),
    (r"gun crimes?|guns?|shootings?|firearms?", ("gun crime", "firearm", "shooting")),
    (r"shop ?lift\w*|shop theft|retail (?:crime|theft)|stealing from shops", ("shoplifting", "business crime")),
    (r"car crime|vehicle crime|car thefts?|stolen (?:cars?|vehicles?)|theft (?:of|from) (?:cars?|vehicles?)"
     r"|(?:cars?|vehicles?) (?:being |been |were |was )?(?:stolen|broken into)|cars?|vans?",
     ("vehicle crime", "vehicle offences", "vehicle theft", "vehicle")),
    (r"burglar\w*|break-ins?|broken into|house ?breaking", ("burglary",)),
    (r"(?:people's |their |our |my )?homes?|houses?|household\w*", ("homes", "residential", "household", "home")),
    (r"robber\w*|mugg\w*|pick-?pocket\w*|(?:phone|bag) snatch\w*", ("robbery", "theft from the person")),
    (r"999(?: calls?)?|emergency (?:calls?|line)", ("emergency calls", "999", "emergency call")),
    (r"101(?: calls?)?|non-emergency(?: calls?| number| line)?", ("non-emergency calls", "101")),
    (r"g[ai]ve up|giving up|hung up|hang up|abandon\w*", ("abandoned calls", "abandoned", "abandonment")),
    # (attending a meeting is attendance, not a response: "Who attended the November meeting as ...?")
    (r"response times?|turn(?:ed|s)? up|arriv\w*|attend\w*(?!(?:\s+[\w'’-]+){0,4}\s+meetings?\b)|respond\w*",
     ("response times", "response", "attend")),
    # a meeting starts when it is called to order or held, and ends when it is closed or adjourned (minutes say so
    # with the time: "The meeting was called to order at 7:01 p.m.", "the members closed the meeting at 10:14 a.m.")
    (r"(?:meeting|session)s? (?:start\w*|began|begin\w*|open\w*|commenc\w*)|(?:start|beginning|opening) of the meeting",
     ("called to order", "held", "opened", "commenced", "started")),
    (r"(?:meeting|session)s? (?:clos\w*|end\w*|finish\w*|adjourn\w*|conclud\w*)|(?:close|end) of the meeting",
     ("closed", "adjourned", "ended", "concluded", "finished")),
    # what a meeting cut out of a text is what its minutes say it struck out or deleted
    (r"cut (?:[\w']+ ){0,3}?out|str(?:ike|uck|icken) (?:[\w']+ ){0,3}?out|(?:taken|took|take) (?:[\w']+ ){0,3}?out of"
     r"|delet(?:e|ed|ing)", ("struck out", "stricken", "struck", "deleted", "removed")),
    (r"\bwhole\b|\bentire(?:ly)?\b|\bentirety\b", ("in full", "entirety", "entire", "whole")),
    (r"complain\w*", ("complaints", "complaint")),
    (r"solved|clear[- ]?ups?|cleared up|detect(?:ed|ions?)|charged|prosecut\w*|convict\w*|brought to justice"
     r"|caught|(?:criminals?|offenders?|culprits?|perpetrators?)(?: [\w']+){0,3}? dealt with",
     ("positive outcomes", "positive outcome", "outcome rate", "charge", "prosecution", "conviction")),
    (r"abusers?|perpetrators?|offenders?|criminals?|culprits?", ("offenders", "perpetrator", "suspect")),
    (r"ex-offenders?|ex-prisoners?|prison leavers?|released prisoners?|people leaving prison",
     ("prison leavers", "people with convictions", "rehabilitation", "resettlement")),
    (r"ordinary (?:people|folk|members of the public|citizens|residents)|(?:the )?(?:man|woman|person) in the street"
     r"|lay ?(?:people|persons|readers)|non-?experts?",
     ("general public", "the public", "public", "citizens")),
    (r"dumb(?:ed|ing)? (?:it |them )?down|simplif(?:y|ied|ying)|made? (?:it |them )?simpler|plain english",
     ("simplified", "understandable", "accessible", "plain english", "simpler")),
    (r"find (?:a )?(?:work|jobs?)|get (?:a )?jobs?|employment|unemploy\w*", ("employment", "jobs", "training")),
    (r"bobb(?:y|ies)|coppers?|police on the (?:beat|streets?)|beat officers?|officers? on the streets?"
     r"|police (?:numbers|presence)|more police|visible polic\w*"
     r"|(?:police )?officers?|(?:neighbourhood|community) polic\w*",
     ("police officers", "officer", "headcount", "neighbourhood policing", "pcso")),
    (r"waiting for (?:a )?trial|wait\w* for (?:a )?(?:court|trial)|court (?:delays?|backlogs?|waits?)"
     r"|trial delays?|backlogs?|crown court(?: delays?| backlogs?)?",
     ("court delays", "crown court", "backlog", "charge to completion")),
    (r"drop(?:ped|s|ping)? out|withdr[ae]w\w*|disengag\w*|pull(?:ed|s)? out", ("victim withdrawal", "withdraw",
                                                                              "disengage", "attrition")),
    (r"hate crimes?|racis\w*|homophob\w*", ("hate crime",)),
    (r"domestic (?:violence|abuse)|abus\w* by (?:my |a |her |his |their )?(?:partner|husband|wife|ex)"
     r"|partner abuse|coercive control", ("domestic abuse", "domestic violence", "domestic")),
    (r"anti-?social(?: behaviou?r)?|asb|nuisance|yobs?", ("anti-social behaviour", "asb", "nuisance")),
    (r"rapes?|sex(?:ual)? (?:assaults?|offences?|violence|attacks?)", ("sexual offences", "rape", "sexual")),
    (r"violence against women(?: and girls)?|vawg|women'?s safety|women and girls",
     ("violence against women and girls", "vawg", "women and girls")),
    (r"fraud\w*|scams?|scammed|cyber ?crimes?|online crimes?", ("fraud", "cybercrime", "action fraud")),
    (r"boy racers?|street rac\w*|road rac\w*|car cruis\w*", ("street racing", "racing", "car cruising")),
    (r"speeding|speed cameras?|drink[- ]driv\w*|drug[- ]driv\w*|dangerous driving|bad driving",
     ("driving offences", "speed", "fatal 4", "drink and drug driving")),
    (r"trams?|light rail", ("trams", "tram", "metro")),
    (r"buses|bus", ("buses", "bus")),
    (r"trains?|railways?", ("trains", "train", "rail")),
    (r"hooked on|addict\w*|substance (?:mis)?use", ("addiction", "substance misuse", "treatment")),
    (r"drink(?:ing)?|booze|alcohol\w*", ("alcohol",)),
    (r"county lines|drug deal\w*|dealers?", ("drug dealing", "county lines", "drug", "exploitation")),
    (r"drugs?|narcotics", ("drugs", "drug")),
    (r"nick(?:ed)?|arrest\w*|locked up", ("arrests", "arrest")),
    (r"ethnic minorit\w*|bame|black and (?:asian|minority ethnic)|people of colou?r",
     ("ethnic minorities", "racially minoritised", "minority ethnic", "black")),
    (r"scrap\w*|abolish\w*|abolition|axed?|disband\w*|get rid of|got rid of", ("abolition", "abolish", "disband",
                                                                             "scrap")),
    (r"oversee\w*|oversight|scrutin\w*|hold\w* (?:\w+ )?to account|supervis\w*",
     ("oversight", "scrutiny", "scrutinise", "hold to account")),
    (r"approv\w*|agree\w*|endors\w*|ratif\w*|sign(?:ed)? off|adopt\w*|decid\w*|decisions?",
     ("approval", "agreed", "approved", "resolved")),
    (r"set up|established|establishing|formed|created|launched", ("set up", "established", "formed", "created")),
    (r"budget\w*|spend\w*|funding|money|precept|council tax|financ\w*", ("the budget", "budget", "precept", "funding")),
    (r"stop(?:ped)?(?: and |-and-| & )search\w*", ("stop and search",)),
    (r"waiting lists?|waiting times?|a ?& ?e|accident and emergency|ambulance waits?|handover delays?",
     ("waiting times", "waiting list", "referral to treatment", "emergency department")),
    (r"bins?|rubbish|refuse|recycling|fly[- ]?tipping", ("waste", "recycling", "refuse", "fly-tipping")),
    (r"potholes?|road repairs?|roads? (?:maintenance|repairs)", ("potholes", "pothole", "highway", "carriageway")),
    (r"young people|youths?|teenagers?|kids|children", ("young people", "youth", "child")),
    # sending something in ("can I send it straight to the police?"), not being sent something
    (r"send(?:s|ing)? (?:in|it|them|footage|evidence|photos?|videos?)|hand(?:s|ed)? in|upload\w*",
     ("submit", "submitted", "submission", "send")),
    (r"straight|directly", ("directly", "direct", "straight")),
    (r"sent|circulated|distributed", ("circulated", "sent", "distributed", "shared")),  # a paper sent to members
    (r"joined|join(?:s|ing)?|new members?", ("appointed", "membership", "joined")),
    (r"stepp?(?:ed|ing)? down|resign\w*|left the", ("resigned", "in place of", "stepped down", "left")),
    (r"national(?:ly)?|across the country|country-?wide", ("national", "nationally", "england and wales")),
    (r"housing|nowhere to live|homeless\w*|somewhere to live|a place to live", ("accommodation", "housing",
                                                                              "homelessness")),
)
SYNONYM_RES = tuple((re.compile(r"(?<![\w-])(?:" + p + r")(?!\w)"), alts) for p, alts in SYNONYMS)
TOKEN = re.compile(r"£?\d+(?:[.,/\-–]\d+)*%?|[a-z][a-z0-9]*(?:['’][a-z]+)?")
YEAR_RANGE = re.compile(r"^((?:19|20)\d\d)[/\-–]((?:19|20)?\d\d)$")
YEAR = re.compile(r"^(?:19|20)\d\d$")


_POSSESSIVE = re.compile(r"['’]s$")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")  # `GPs`, `ICBs`: the plural of an acronym is the acronym
_ORDINAL = frozenset({"st", "nd", "rd", "th"})


# abbreviations board papers print for common words ("Ops SNAP" for Operation SNAP, "Cllr" for Councillor)
_ABBREVIATIONS = {"op": "operation", "ops": "operations", "cllr": "councillor", "cllrs": "councillors",
                  "govt": "government", "dept": "department", "depts": "departments"}


@lru_cache(maxsize=65536)  # pure, and called for every word of every retrieved paragraph
def fold(word: str) -> str:
    """A crude stem so `burglaries`/`burglary`, `recorded`/`recording` and `offences`/`offence` meet."""
    w = _POSSESSIVE.sub("", word.lower()).strip("'’").replace("’", "'")  # O’Hara and O'Hara are one name
    w = _ABBREVIATIONS.get(w, w)
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ions", "ion", "ments", "ment", "ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= (4 if suffix[0] in "im" else 3):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # stabbing -> stab
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def number_tokens(token: str) -> list[str]:
    """`2024-25` and `2024/2025` -> `2024/25`, `2024`, `2025`; `1,140` -> `1140`; `£5` -> `5`.

    Decimals stay as printed (`8.0` is not `8`): an identifier such as "Module 8" must not be found
    in a table's "8.0pp".
    """
    token = token.lstrip("£").rstrip("%").replace("–", "-")
    m = YEAR_RANGE.match(token)
    if m:
        first, second = m.group(1), m.group(2)
        full = second if len(second) == 4 else first[:2] + second
        return [f"{first}/{full[2:]}", first, full]
    if "/" in token or "-" in token:
        return [token] + [p.replace(",", "") for p in re.split(r"[/-]", token) if p]
    return [token.replace(",", "")]


def tokens(text: str) -> list[str]:
    """Folded tokens of `text`, numbers normalised (stopwords kept: matching ignores them).

    A word followed by a number also gives the pair (`Module 8` -> `modul_8`), so an identifier is
    found only where it is printed, not wherever a "module" and an "8" happen to occur.
    """
    out: list[str] = []
    word = ""
    number_end = -1
    text = _ACRONYM_PLURAL.sub(r"\1", text)
    for m in TOKEN.finditer(text.lower()):
        token = m.group()
        if m.start() == number_end and token in _ORDINAL:
            continue  # "13th" is the number 13
        if token[0] in "£0123456789":
            number_end = m.end()
            nums = number_tokens(token)
            out.extend(nums)
            if word:
                out.append(f"{word}_{nums[0]}")
            word = ""
        else:
            word = fold(token)
            out.append(word)
    return out


def phrase(text: str) -> tuple[str, ...]:
    """The folded tokens of a phrase without its stopwords: what a synonym requires in a sentence."""
    return tuple(t for t in tokens(text) if t not in STOPWORDS)


def expanded_query(question: str) -> str:
    """The question plus the board-paper phrases its plain-language words map to (for lexical search)."""
    low = question.lower()
    extra = [a for pattern, alts in SYNONYM_RES if pattern.search(low) for a in alts[1:]]
    extra += [a + "s" for a in extra if a.isalpha() and not a.endswith("s")]  # lexical search does not stem
    from qa.acronyms import question_initialisms  # (imports this module)

    extra += question_initialisms(question)  # the papers may only abbreviate a name the question writes out
    return " ".join([question.strip(), *dict.fromkeys(extra)])
