"""Read a question: its concepts (terms with plain-language synonyms), the kind of fact it wants, and its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qa.fact_kinds import compared_qualifies, fact_types
from qa.vocabulary import (GENERIC, MONTHS, STOPWORDS, SYNONYM_RES, TOKEN, TREND_WORDS, YEAR, YEAR_RANGE,
                           expanded_query, fold, number_tokens, phrase, tokens)

if TYPE_CHECKING:
    from qa.library_words import LibraryWords

__all__ = ["BODY_WORDS", "Concept", "Question", "QuestionPart", "analyse", "expanded_query", "fact_types", "split_parts",
           "tokens", "with_library"]

# words every body's name uses: a name made only of them names no body in particular
BODY_WORDS = frozenset(fold(w) for w in GENERIC | frozenset(
    "report paper papers nhs trust authority cabinet chair government ministry office home service mayor".split()))
_GENERIC_FOLDED = frozenset(fold(w) for w in GENERIC)
_MONTH_YEAR = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november"
                         r"|december)\s+((?:19|20)\d\d)\b")
# Capitalised words in a row (with "of", "and", "the" between), and a short number after them:
# "Operation Hercules", "Crown Prosecution Service", "Ethics Module 8".
# A number followed by a month is a date's day ("the Board's 2 March 2011 meeting"), never part of a name.
_ENTITY = re.compile(r"\b[A-Z][A-Za-z0-9'’&-]*(?:\s+(?:of|and|for|the|to|&)?\s*[A-Z][A-Za-z0-9'’&-]*)*"
                     r"(?:\s+\d{1,3}[A-Za-z]?(?![\w/.,])(?!\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))?")
# A possessive ends the owner's name: "the Open Data User Group's DVLA paper" names two things.
_POSSESSIVE = re.compile(r"['’]s\b")
_RESTRICTS = re.compile(r"\b(?:in|at|across|within|around|near|for)\s+(?:the\s+)?$", re.I)
# "How many Operation Hydrant investigations ...?" counts only the ones the name qualifies
_COUNTED = re.compile(r"\bhow many\s+(?:of\s+(?:the\s+)?)?$", re.I)
_CUES = frozenset({"percentage", "proportion", "percent", "cent", "total", "compare", "compared", "comparison",
                   "difference", "versus", "vs", "each", "both", "long", "quickly", "fast", "likely", "date", "share",
                   "deadline"})


@dataclass(frozen=True)
class Concept:
    """One thing the question asks about; it is found where all the tokens of any alternative occur.

    `generic`: a vague word that weighs little. `specific`: a name, year or amount that must be found
    in the papers (`numeric` for years and amounts; `restrictive` for a name after "in", "at", "for",
    which must occur beside the answer). `dated`: a month and year, also found in a paper's date.
    `context`: from a sentence that sets the scene ("I run a shop in Walsall."), not from the question;
    `optional`: the same when the question names no topic itself, so it counts only where found.
    """

    name: str
    alternatives: tuple[tuple[str, ...], ...]
    generic: bool = False
    specific: bool = False
    numeric: bool = False
    literal: tuple[tuple[str, ...], ...] = ()
    dated: bool = False
    restrictive: bool = False
    context: bool = False
    optional: bool = False
    source: bool = False  # names the papers asked ("according to the AGB paper"), not what they are asked about

    def found_in(self, token_set: set[str] | frozenset[str]) -> bool:
        return any(all(t in token_set for t in alt) for alt in self.alternatives)

    def strength(self, token_set: set[str] | frozenset[str]) -> float:
        """1.0 where the question's own words occur, 0.9 where only a synonym does, else 0."""
        if any(all(t in token_set for t in alt) for alt in self.literal or self.alternatives):
            return 1.0
        return 0.9 if self.found_in(token_set) else 0.0


@dataclass(frozen=True)
class QuestionPart:
    """One answerable part of a question, with its own concepts and the fact types it expects."""

    text: str
    concepts: tuple[Concept, ...]
    facts: frozenset[str]
    label: str

    @property
    def topical(self) -> tuple[Concept, ...]:
        return tuple(c for c in self.concepts if not c.specific)

    @property
    def measured(self) -> tuple[Concept, ...]:
        """What a comparison asks each source for: the topic without the words naming the sources."""
        return tuple(c for c in self.topical if not c.source)

    @property
    def specifics(self) -> tuple[Concept, ...]:
        return tuple(c for c in self.concepts if c.specific)


@dataclass(frozen=True)
class Question:
    """A question read for answering: its parts, whether it compares papers or periods, and whether it
    asks what each (or all) of the papers say."""

    text: str
    parts: tuple[QuestionPart, ...]
    compare: bool = False
    each: bool = False

    @property
    def multi(self) -> bool:
        return len(self.parts) > 1

    @property
    def concepts(self) -> tuple[Concept, ...]:
        return tuple(c for p in self.parts for c in p.concepts)


def with_library(q: Question, library: "LibraryWords | None") -> Question:
    """`q` read for one library (`qa.library_words.LibraryWords`): the words it uses all the time are vague
    words (they weigh little, and a name made only of them names nothing in particular there), and an
    acronym it defines is also found where its name is written out ("PCC": "Police and Crime Commissioner")."""
    if library is None or not (library.common or library.acronyms):
        return q
    common = library.common

    def vague(alt: tuple[str, ...]) -> bool:
        return bool(alt) and all(t.isalpha() and (t in common or t in BODY_WORDS) for t in alt)

    def read(c: Concept) -> Concept:
        extra = tuple(e for alt in c.alternatives if c.specific and len(alt) == 1
                      for e in library.expansions(alt[0]) if e not in c.alternatives)
        if extra:
            c = replace(c, alternatives=c.alternatives + extra, literal=c.literal or c.alternatives)
        if c.generic or c.numeric or c.dated or not all(vague(alt) for alt in c.alternatives):
            return c
        return replace(c, generic=True, specific=False, restrictive=False)

    parts = tuple(replace(p, concepts=tuple(read(c) for c in p.concepts)) for p in q.parts)
    return replace(q, parts=parts)


def _entities(text: str) -> list[tuple[int, int, str, bool]]:
    """Names and acronyms: (start, end, name, restrictive), leaving out the question's first word,
    months, and words naming the body or its papers ("Police", "Panel", "WMP")."""
    out = []
    for m in _ENTITY.finditer(text):
        cuts = [m.start()] + [p.end() for p in _POSSESSIVE.finditer(text, m.start(), m.end())] + [m.end()]
        for start, end in zip(cuts, cuts[1:]):
            segment = _POSSESSIVE.sub("", text[start:end])
            found = list(re.finditer(r"[A-Za-z0-9'’&-]+", segment))
            at_start = start == 0 or re.search(r"[?.!:;]\s*$", text[:start])
            if at_start and found and not found[0].group().isupper():
                found = found[1:]  # "Is", "How", "Compare": capitalised only because a sentence starts
            found = [w for w in found if w.group().lower() not in MONTHS and w.group().lower() not in STOPWORDS
                     or w.group() in ("to", "of")]
            while found and found[-1].group() in ("to", "of"):
                found.pop()
            words = [w.group() for w in found]
            # a name of three capitalised words or more is a name even when each word is common
            # ("Local Public Data Panel"); "Police" or "the Panel" alone names no body in particular
            capitalised = [w for w in words if w[0].isupper()]
            if any(w[0].isalpha() and fold(w) not in BODY_WORDS for w in words) or len(capitalised) >= 3:
                restricts = _RESTRICTS.search(text[:start]) or _COUNTED.search(text[:start])
                # the name as the question prints it, joining words kept ("Accountability and Governance Board")
                name = " ".join(segment[found[0].start():found[-1].end()].split())
                out.append((start, end, name, start == m.start() and bool(restricts)))
    return out


def _entity_concept(name: str, restrictive: bool) -> Concept:
    toks = tuple(t for t in tokens(name) if t not in STOPWORDS)
    pair = [t for t in toks if "_" in t]
    if pair:  # "Ethics Module 8": the words and the pair "modul_8"; a number of two digits or more alone
        words = tuple(t for t in toks if "_" not in t and not t[0].isdigit())
        number = pair[-1].split("_", 1)[1]
        toks = words[:-1] + (pair[-1],)
        alts = [toks] + ([words + (number,)] if len(number.replace(".", "")) >= 2 else [])
    else:
        alts = [toks]
    letters = [w for w in re.findall(r"[A-Za-z][A-Za-z'’&-]*", name) if w.lower() not in STOPWORDS]
    if len(letters) >= 3:
        alts.append(("".join(w[0] for w in letters).lower(),))  # Crown Prosecution Service -> cps
    return Concept(name, tuple(alts), specific=True, restrictive=restrictive)


_REFERENCE = re.compile(r"\b(minute|min|action|ref|reference|item|paragraph|para|section|commitment|recommendation"
                        r"|resolution|page|no|number|question|module|code|outcome|table|figure|appendix|annex)\.?"
                        r"\s*(?:ref\.?\s*)?$", re.I)
_LABEL_NOUNS = frozenset({"minute", "min", "action", "ref", "reference", "item", "paragraph", "para", "section",
                          "page", "no", "number", "commitment"})


def _number_concept(raw: str, before: str = "") -> Concept:
    """Years and amounts must be in the papers, and so must a reference ("minute 926", "commitment 225",
    found in a paragraph's label or text); any other number ("16-year-old") weighs little."""
    ref = _REFERENCE.search(before)
    if ref:
        noun = ref.group(1).lower()
        num = number_tokens(raw)[0]
        alts = ((num,),) if noun in _LABEL_NOUNS else ((f"{fold(noun)}_{num}",),)
        return Concept(f"{noun} {raw}", alts, specific=True, numeric=True)
    parts = number_tokens(raw)
    yearish = bool(YEAR.match(parts[0]) or YEAR_RANGE.match(raw.lstrip("£")))
    alts = ((parts[0],),) + ((tuple(parts[1:]),) if len(parts) == 3 and yearish else ())
    hard = yearish or raw.startswith("£")
    return Concept(raw, alts, generic=not hard, specific=hard, numeric=hard)


# "Does OC22 count as a positive outcome?": a verb that only says what something is classed as (the papers say
# it in a table's column or with "is")
CLASSED_AS = re.compile(r"\b(?:count(?:s|ed)?|class(?:es|ed)?|regard(?:s|ed)?|deem(?:s|ed)?)(?=\s+as\b)", re.I)


# "..., according to the AGB paper and the November 2025 Panel meeting?", "According to the ICB presentation, what
# ...": the words up to a comma or the question's end name where from
_INTRO = r"\b(?:according to|per|between|as (?:reported|given|stated|presented) (?:in|to|by))\s+"
_SOURCE = re.compile(_INTRO + r"(?=[^?,]*\b(?:paper|report|minutes|meeting|presentation|slides|pack|panel|commissioner"
                     r"|board|committee|tracker)s?\b)[^?,]*", re.I)


def _concepts(text: str) -> tuple[Concept, ...]:
    """Concepts in question order: names of several words, synonym phrases, other names, dates, words."""
    text = CLASSED_AS.sub(lambda m: " " * len(m.group()), text)  # (same length: offsets stay)
    low = text.lower()
    taken = [False] * len(text)
    found: list[tuple[int, Concept]] = []

    def claim(start: int, end: int) -> bool:
        if any(taken[start:end]):
            return False
        taken[start:end] = [True] * (end - start)
        return True

    entities = _entities(text)
    for start, end, name, restrictive in entities:
        if len(name.split()) >= 2 and claim(start, end):
            found.append((start, _entity_concept(name, restrictive)))
    for pattern, alts in SYNONYM_RES:
        for m in pattern.finditer(low):
            if claim(m.start(), m.end()):
                own = phrase(m.group())
                options = sorted({phrase(a) for a in alts} | {own})
                literal = (own,) if own else ()
                found.append((m.start(), Concept(alts[0], tuple(o for o in options if o), literal=literal)))
    for start, end, name, restrictive in entities:
        if claim(start, end):
            found.append((start, _entity_concept(name, restrictive)))
    for m in TOKEN.finditer(low):
        if any(taken[m.start():m.end()]):
            continue
        raw = m.group()
        if raw in ("st", "nd", "rd", "th") and m.start() and low[m.start() - 1].isdigit():
            continue  # "13th": the ordinal's ending is not a word
        if raw[0] in "£0123456789":
            found.append((m.start(), _number_concept(raw, low[max(0, m.start() - 20):m.start()])))
            continue
        word = fold(raw)
        if (raw in STOPWORDS or word in STOPWORDS or raw in TREND_WORDS or raw in MONTHS or len(raw) < 2
                or raw in _CUES):
            continue
        found.append((m.start(), Concept(raw, ((word,),), generic=raw in GENERIC or word in _GENERIC_FOLDED)))
    for m in _MONTH_YEAR.finditer(low):
        # "December 2024" tells two figures of one year apart; the year alone is also a concept
        found.append((m.start(), Concept(m.group(), ((fold(m.group(1)), m.group(2)),), dated=True)))
    # "per" and "according to" only say a source follows; the source runs to a comma or the question's end
    sources = [(m.start(), m.end()) for m in _SOURCE.finditer(low)]
    intros = [(m.start(), m.end()) for m in re.finditer(_INTRO, low) if any(a <= m.start() < e for a, e in sources)]
    # (a source's words count where found, and their absence says nothing: "the minutes ... included in the 2007
    # AGM bundle" are not words the answer must print)
    found = [(at, replace(c, source=True, optional=True) if any(a <= at < e for a, e in sources) else c)
             for at, c in found
             if not any(a <= at < e for a, e in intros)]
    seen: set[tuple] = set()
    ordered = []
    for _, concept in sorted(found, key=lambda x: x[0]):
        if concept.alternatives not in seen:
            seen.add(concept.alternatives)
            ordered.append(concept)
    return tuple(ordered)


def _label(concepts: tuple[Concept, ...]) -> str:
    """A short name for a part, from its concepts (letters only, so a label never adds a number)."""
    own = [c for c in concepts if not c.context]
    names = [c.name for c in own if not c.numeric and not c.generic] or [c.name for c in own if not c.numeric]
    words = " ".join(names[:3])
    words = re.sub(r"[^A-Za-z'’ -]", " ", words)
    words = re.sub(r"\s+", " ", words).strip()
    return words[:1].upper() + words[1:] if words else ""


_COMPARE = re.compile(r"\bcompar\w*|\bversus\b|\bvs\.?|\bdiffer\w*|\beach (?:of the )?(?:reports?|papers?)"
                      r"|\bboth (?:the )?(?:reports|papers)|\ball (?:the |three |two )?(?:reports|papers)"
                      r"|\bthe (?:two|three|different) (?:reports|papers)|\bbetween\b.+\band\b|\bover time\b"
                      r"|\bsince\b|\bagree\b|\bhow (?:has|have) [^?]*\b(?:moved|changed)\b"
                      # "according to the AGB paper and the November 2025 Panel meeting", "per X and per Y"
                      r"|\b(?:according to|per|in)\s+(?:the\s+)?[^?,]*\b(?:paper|report|minutes|meeting|presentation"
                      r"|slides|pack)\b[^?]*\band\s+(?:per\s+|in\s+)?(?:the\s+)?[^?,]*\b(?:paper|report|minutes"
                      r"|meeting|presentation|slides|pack|panel|commissioner|board|committee)\b"
                      # "the AGB paper's figure or the one given to the Panel": one source's figure or another's
                      r"|\b(?:paper|report|minutes|presentation|slides|pack)(?:['’]s)?\b[^?]{0,40}\bor\s+(?:the\s+)?"
                      r"(?:one|ones|figure|figures|that|those)\b[^?]{0,40}\b(?:paper|report|minutes|meeting|presentation"
                      r"|slides|pack|panel|commissioner|board|committee)\b", re.I)
_ANAPHOR = re.compile(r"\b(?:it|its|this|these|those|they|them|the related|the same)\b"
                      r"|\bthat\s+[a-z-]+\s*(?:\?|$)"  # "... and who leads that workstream?"
                      # "... and what business are the new owners proposing there?" (not "there is")
                      r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bwill )"
                      r"\bthere\b(?!\s+(?:is|are|was|were|will|would|has|have|had|be|been|being|seems?)\b)", re.I)
_OWN_ASK = re.compile(r"\b(?:what|which|how|why|where|who|whom|when)\b", re.I)
_BARE_ASK = re.compile(r"^\s*(?:who|what|when|where|which|how)\s+[a-z]+\s*$", re.I)  # "Who proposed"
_SOURCES = re.compile(r"\b(?:paper|report|minutes|tracker|presentation|slides)\b", re.I)
_NUMBERED_PARTS = re.compile(r"(?:^|\s)(?:\(?\d{1,2}\)|\d{1,2}\.|\([a-e]\)|[a-e]\))\s+")
_CLAUSE = re.compile(r",?\s+(?:and|also|plus)\s+(?=(?:what|how|when|who|which|where|why|is|are|was|were|has|have|"
                     r"did|does|do|can|will)\b)", re.I)
_ASKS = re.compile(r"^(?:what|how|when|who|whom|which|where|why|is|are|was|were|has|have|had|did|does|do|can|could"
                   r"|will|would|should|tell|list|give|show|compare|explain|describe|please)\b", re.I)
_COMPARE_HEAD = re.compile(r"^\s*(?:please\s+)?compare\s+(?P<rest>.+?)\s*[?.]?\s*$", re.I)
_COMPARE_TAIL = re.compile(r"^(?P<a>.+?)\s+(?:compare[sd]?|compared)\s+(?:with|to|against)\s+(?P<b>.+?)\s*[?.]?\s*$",
                           re.I)


def _compare_parts(q: str) -> list[str]:
    """`Compare X and Y` / `Compare X with Y` / `How does X compare with Y` -> [X, Y]; else []. "What happened to the
    request for data compared with similar areas?" compares nothing: "compared with" qualifies a noun there, unless
    what follows it is a period or a figure ("... in September 2025 compared with September 2024?")."""
    m = _COMPARE_TAIL.match(q)
    if m and not compared_qualifies(q.lower()):
        return [m.group("a"), m.group("b")]
    m = _COMPARE_HEAD.match(q)
    if not m:
        return []
    rest = m.group("rest")
    pair = re.split(r"\s+(?:with|against|versus|vs\.?)\s+", rest, maxsplit=1)
    if len(pair) == 2:
        return pair
    pair = rest.rsplit(" and ", 1)
    return pair if len(pair) == 2 else []


def _sentences(question: str) -> tuple[list[str], list[str]]:
    """(question sentences, scene-setting sentences): "I run a shop in Walsall." sets the scene."""
    pieces = [p.strip() for p in re.split(r"(?<=[?.!])\s+(?=[A-Z\"'‘“(0-9])", question.strip()) if p.strip()]
    asking = [p for p in pieces if p.endswith("?") or _ASKS.match(p)]
    if not asking:
        return pieces, []
    return asking, [p for p in pieces if p not in asking]


def split_parts(question: str) -> list[str]:
    """The separately answerable parts of a question (one part when it is a single question);
    sentences that only set the scene are left out (see `analyse`)."""
    asking, _ = _sentences(question)
    q = " ".join(asking) or question.strip()
    numbered = _NUMBERED_PARTS.split(" " + q)
    pieces = [p for p in numbered if p.strip()]
    if len(pieces) >= 2 and len(_NUMBERED_PARTS.findall(" " + q)) >= 2:
        return [p.strip(" ;,") for p in pieces if re.search(r"[A-Za-z]{3}", p)]
    compared = _compare_parts(q)
    if compared:
        return compared
    out: list[str] = []
    for chunk in re.split(r"(?<=\?)\s+(?=\S)|;\s*", q):
        for piece in _CLAUSE.split(chunk):
            out.extend(p for p in _repeated_preposition(piece) if p.strip())
    return [p.strip() for p in out if re.search(r"[A-Za-z]{3}", p)] or [q]


_AND_AGAIN = re.compile(r",?\s+and\s+(?=(on|in|for|about|at|after|before|during|from|by|under|within)\s)", re.I)


def _repeated_preposition(text: str) -> list[str]:
    """"How did they vote on the minutes and on the financials?": two things asked about, each its own part
    (the second borrows the first's question); "in 2023 and 2024" stays one."""
    m = _AND_AGAIN.search(text)
    first = re.search(rf"\b{m.group(1)}\s", text[:m.start()], re.I) if m is not None else None
    if first is None:
        return [text]
    stem = text[:first.start()]  # "When were the next meetings scheduled " asks the second part too
    return [text[:m.start()], stem + text[m.end():] if _OWN_ASK.match(stem.strip()) else text[m.end():]]


def _key(concepts: tuple[Concept, ...]) -> list[Concept]:
    return [c for c in concepts if not c.specific and not c.generic and not c.dated and not c.context]


def analyse(question: str) -> Question:
    """Read `question`: parts (each with concepts, expected facts and a label) and the comparison flag.

    A part whose only words are names or years (`... and in 2023/24?`) borrows the topic of the part
    before it, so "Compare X in the AGB report and the PCC report" asks about X twice. Scene-setting
    sentences ("I run a shop in Walsall.") add their concepts as `context`, which only helps choose
    between sentences; when the question itself names no topic ("I was burgled. What happens now?")
    they count instead, as `optional` (and names as names).
    """
    _, scene = _sentences(question)
    setting = _concepts(" ".join(scene)) if scene else ()
    whole_facts = fact_types(question)
    parts: list[QuestionPart] = []
    for text in split_parts(question):
        concepts = _concepts(text)
        # a part asking in its own words ("what kind of group...") wants what they ask; one that does not
        # ("... and in 2023/24?") wants what the whole question does
        facts = fact_types(text) or (frozenset() if _OWN_ASK.search(text) else whole_facts)
        label = _label(concepts)
        if parts and _ANAPHOR.search(text):
            # "..., and what new action on it did the log set?": the part is about what the first part names; "there"
            # is only the place it names ("... find at Hill Farm, and what are the owners proposing there?")
            place = all(m.group().lower() == "there" for m in _ANAPHOR.finditer(text))
            borrowed = tuple(replace(c, restrictive=False) for c in parts[0].concepts
                             if not c.generic and not c.context and c not in concepts and not c.numeric and not c.dated
                             and (c.specific or not place))
            concepts = concepts + borrowed
        elif parts and not _key(concepts):
            borrowed = tuple(c for c in parts[0].concepts if not c.specific and c not in concepts)
            concepts = concepts + borrowed
            facts = facts | parts[0].facts
            label = f"{parts[0].label} ({label})" if label and parts[0].label else parts[0].label or label
        if setting:
            has_topic = bool(_key(concepts))
            extra = tuple(c if c.specific and not has_topic else _as_context(c, has_topic)
                          for c in setting if c not in concepts)
            concepts = concepts + extra
            label = label if has_topic else _label(extra) or label
        parts.append(QuestionPart(text, concepts, frozenset(facts), label))
    if len(parts) >= 2 and _BARE_ASK.match(parts[0].text) and _key(parts[1].concepts):
        # "Who proposed and who seconded X's nomination?": the first part's object is the second's
        first, second = parts[0], parts[1]
        shared = tuple(c for c in second.concepts if c not in first.concepts and not c.context)
        parts[0] = QuestionPart(first.text, first.concepts + shared, first.facts, first.label or second.label)
    if not parts:
        parts.append(QuestionPart(question, (), whole_facts, ""))
    compare = bool(_COMPARE.search(question)) or len(_SOURCES.findall(question)) >= 2
    each = bool(re.search(r"\b(?:each|all|every|three)\b[^?]*\b(?:reports?|papers?|documents?)\b", question, re.I))
    return Question(question, tuple(parts), compare=compare or each, each=each)


def _as_context(c: Concept, has_topic: bool) -> Concept:
    specific = c.specific and not has_topic
    return replace(c, specific=specific, numeric=c.numeric and specific, restrictive=c.restrictive and specific,
                   context=has_topic, optional=not has_topic)
