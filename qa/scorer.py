"""How well each sentence of the retrieved paragraphs answers one part of a question: the words and kinds of fact it
asks for, the scene it sets, closeness in meaning, the month of the meeting asked about, the measure it names and
the question's own phrases. The answerer (`qa.extractive`) chooses from these scores; so does the second stage of
retrieval (`qa.rerank`)."""

from __future__ import annotations

import re
from dataclasses import replace

from corpus.meta import find_date
from qa.acronyms import initialisms, with_initialisms
from qa.counts import counted_thing, counts, how_often_verb
from qa.evidence import Evidence, Unit, coverage, dense_norm, near_part, similarities, weights
from qa.fact_patterns import FIGURE_FACTS, ROLE, TITLED
from qa.initials import asked_offices, named
from qa.next_sentence import who
from qa.question import Concept, Question, QuestionPart
from qa.siblings import PHRASE, PHRASE_MIN_WORDS, phrases, prints_phrase
from qa.specifics import asked_month, meeting_month
from qa.vocabulary import fold

__all__ = ["Scorer", "scorers"]

MEASURE_NAMED = 0.2  # a sentence naming the measure as the question does ("proportion", "median", "total")
OTHER_MEETING = 0.5  # "at the November 2025 meeting": a sentence of a paper of another month ranks below
SEMANTIC_WEIGHT = 0.3  # cosine of a sentence to the question, beside its key-word coverage (chosen on dev)


def _plain(c: Concept) -> Concept:
    """A scene-setting concept weighed like any other (for the scene's own small bonus)."""
    return replace(c, context=False, optional=False, restrictive=False)


class Scorer:
    """Scores the units of the evidence for one part of the question."""

    def __init__(self, part: QuestionPart, ev: Evidence, semantic: dict[Unit, float] | None = None) -> None:
        part = near_part(part, ev.vocabulary)
        self.part, self.ev = part, ev
        self.semantic = semantic or {}
        self.floor = min(self.semantic.values(), default=0.0)
        # a later sentence of an embedded paragraph is as close as that paragraph's typical sentence
        per_rank: dict[int, list[float]] = {}
        for u, value in self.semantic.items():
            per_rank.setdefault(u.rank, []).append(value)
        self.typical = {r: sorted(v)[len(v) // 2] for r, v in per_rank.items()}
        self.weights = weights(part, ev)
        self.expected = part.facts - {"yesno"}  # a yes/no question is answered by the fact it asks about
        # "by how much did the pay increase?" wants a figure with the change it is: the word "increase" alone does
        # not answer it, and any figure may (a count, an amount or a percentage: "fell by 4.2%")
        self.by_how_much = "trend" in self.expected and bool(self.expected & FIGURE_FACTS)
        self.counted = counted_thing(part) if "count" in self.expected else None  # "how many parents": parents
        self.often = how_often_verb(part) if "frequency" in self.expected else None  # "how often ... meet": meet
        self._facts: dict[Unit, frozenset[str]] = {}
        self.office = asked_offices(part.text)  # "Who is the Vice Chair?": its holder is asked for
        # "When is the next meeting?" asks for a day after the papers' own meeting
        self.next_meeting = bool(re.search(r"\bnext\s+(?:[\w'’&-]+\s+){0,4}?meetings?\b", part.text, re.I))
        # "When will the data be released?" asks for a time to come, not the paper's past ("since 2003")
        self.future = bool(re.search(r"^\W*when\s+(?:will|shall|would)\b|\bwhen\s+(?:is|are)\s+[^?]*\b(?:expected|due"
                                     r"|planned|scheduled|going to|set to|likely)\b", part.text, re.I))
        # "Who is the Police and Crime Commissioner?" asks who holds an office: only a name answers it
        self.identity = bool(ROLE.search(part.text)) and bool(re.match(r"\W*who\s+(?:is|was|are|were)\s+(?:the|a|an)\b",
                                                                      part.text, re.I))
        self._holders: dict[Unit, bool] = {}
        self.top = max((h.score for h in ev.hits), default=0.0)
        self.measures = frozenset(fold(w) for w in re.findall(r"\b(?:proportion|percentage|share|average|median|"
                                                              r"total)\b", part.text.lower()))
        self.about_questions = bool(re.search(r"\bquestions?\b|\bask(?:ed|s|ing)?\b|\bquer(?:y|ied|ies)\b", part.text, re.I))
        self.month = asked_month(part, sourced=False)
        self.meeting_month = self.month is not None and meeting_month(part, self.month)
        scene = [c for c in part.concepts if c.context]
        self.scene = weights(replace(part, concepts=tuple(_plain(c) for c in scene)), ev)
        self.phrases = phrases(part.text)  # "car parking firms": three words of the question in a row
        self.scores = {u: self.score(u) for u in ev.units}

    def facts_of(self, u: Unit) -> frozenset[str]:
        """The kinds of fact `u` gives; a figure counts what the question asks the number of only where it
        counts that ("Two presentations for parents" is no count of parents)."""
        if u not in self._facts:
            keep = self.counted is None or "count" not in u.facts or counts(u.text, self.counted)
            facts = u.facts if keep else u.facts - {"count"}
            if self.often and self.often not in u.tokens:
                facts = facts - {"frequency"}  # how often something else happens
            self._facts[u] = who(facts, u.text)
        return self._facts[u]

    def gives(self, u: Unit) -> bool:
        """Whether `u` carries the kind of fact asked for; who holds an office is a name, not the office again."""
        facts = self.facts_of(u)
        if self.office and "person" in self.expected and not self.names_holder(u):
            facts = facts - {"person"}  # a line naming someone else, or the office without its holder
        if self.next_meeting and "date" in facts and self._not_after_own_meeting(u):
            facts = facts - {"date"}  # "held on 17 November 2025" in that meeting's minutes: this meeting, not the next
        if self.future and "date" in facts and self._only_years_before_paper(u):
            facts = facts - {"date"}  # "visible on vehicles manufactured since 2003": no time to come
        if self.identity and "person" in facts and not (re.search(TITLED, u.text) or "name" in u.facts):
            facts = facts - {"person"}  # "the Commissioner presented ...": an office, not who holds it
        if self.by_how_much:
            return "trend" in facts and bool(facts & (self.expected - {"trend"} | FIGURE_FACTS))
        return bool(self.expected & facts)

    def _not_after_own_meeting(self, u: Unit) -> bool:
        """Whether the first full date `u` prints is no later than its own paper's meeting."""
        own = self.ev.paragraph(u.rank).date
        printed = find_date(u.text, full_only=True)
        return bool(own) and bool(printed) and printed[:len(own)] <= own

    def _only_years_before_paper(self, u: Unit) -> bool:
        """Whether every year `u` prints is before its paper's year (and it prints one)."""
        own = self.ev.paragraph(u.rank).date[:4]
        years = re.findall(r"\b(?:19|20)\d\d\b", u.text)
        return own.isdigit() and bool(years) and max(years) < own

    def names_holder(self, u: Unit) -> bool:
        """Whether `u` names the holder of the office the question asks about (read once a unit)."""
        if u not in self._holders:
            self._holders[u] = any(o in named(u.text) for o in self.office)
        return self._holders[u]

    def cover(self, units: list[Unit], only: list[Concept] | None = None) -> float:
        w = self.weights if only is None else {c: self.weights[c] for c in only if c in self.weights}
        return coverage(units, w, self.ev)

    def score(self, u: Unit) -> float:
        hit = self.ev.hits[u.rank]
        prior = 0.5 * (hit.score / self.top if self.top > 0 else 0.0) + 0.5 / (1 + u.rank)
        fact = 0.3 if self.gives(u) else 0.0
        scene = 0.3 * coverage([u], self.scene, self.ev) if self.scene else 0.0
        # papers answer with figures: when no kind of fact is asked for, or a trend, a figure helps
        figure = 0.1 if (not self.expected or "trend" in self.expected) \
            and (re.search(r"\d", u.text) or "count" in u.facts) else 0.0  # "from six to nine" is a figure too
        long = 0.0 if u.row else 0.15 * max(0, len(u.text) - 400) / 400  # a row is as long as its record
        meaning = SEMANTIC_WEIGHT * dense_norm(self.closeness(u)) if self.semantic else 0.0
        # the month of the meeting asked about is its paper's: another paper's sentence answers of another meeting
        month = OTHER_MEETING if self.meeting_month and not self.ev.where_from(self.month, u.rank) else 0.0
        # the measure named as the question names it ("what proportion of calls ..." / "The proportion of calls ...")
        named = MEASURE_NAMED if self.measures and self.measures & u.tokens else 0.0
        # the question's own words printed in a row ("Car parking firms (who use ...)") say what the sentence is about
        # (in a sentence giving what is asked, not a heading, of a paragraph saying every name the question asks about)
        phrase = PHRASE if prints_phrase(u, self.phrases) \
            and (self.gives(u) if self.expected else len(u.text.split()) > PHRASE_MIN_WORDS) \
            and all(self.ev.names(c, u.rank) for c in self.part.specifics if not (c.dated or c.numeric)) else 0.0
        return (self.cover([u]) + fact + 0.25 * prior + 0.1 * dense_norm(hit.dense) + scene + figure - long + meaning
                - month + named + phrase)

    def similarity(self, units: list[Unit]) -> float:
        """The closest meaning any of `units` has to the question (0 when nothing was embedded)."""
        return max((self.closeness(u) for u in units), default=0.0) if self.semantic else 0.0

    def closeness(self, u: Unit) -> float:
        """`u`'s cosine to the question; for a sentence not embedded (past the first few of its paragraph),
        its paragraph's median sentence, else the lowest seen: a later sentence is not assumed unrelated."""
        return self.semantic.get(u, self.typical.get(u.rank, self.floor))

    def ranked(self, avoid: set[int]) -> list[Unit]:
        # a sentence that asks ("Is there a variation in access ...?", a review's scoping questions) states nothing,
        # unless questions are what is asked about
        out = sorted((u for u in self.ev.units if self.ev.says_something(u)
                      and (self.about_questions or not u.text.rstrip().endswith("?"))),
                     key=lambda u: (-self.scores[u], u.rank, u.start))
        fresh = [u for u in out if u.rank not in avoid]
        return fresh if avoid and fresh and self.scores[fresh[0]] >= 0.6 * self.scores[out[0]] else out


def scorers(q: Question, ev: Evidence, embed=None):
    """A scorer for each part of the question, in order."""
    # one part asks the whole question (scene included); several are each read on their own
    queries = [p.text for p in q.parts] if q.multi else [q.text]
    semantic = similarities(queries, ev, embed) if embed is not None else [{} for _ in q.parts]
    printed = initialisms(h.paragraph.text for h in ev.hits)  # `PDC`, `FSA`: names the papers abbreviate
    for i, part in enumerate(q.parts):
        yield Scorer(with_initialisms(part, printed, q.text), ev, semantic[i])
