"""Names written out in the question and abbreviated in the papers: "the Public Data Corporation" is the `PDC` of the
minutes, an "outside family support adviser" the school's `FSA`, the "Out of Area Directed Enhanced Service" the
data pack's `Out of Area DES`. Papers spell a name out once and abbreviate it after; a question asked in plain words
spells it out. The initials of a run of the question's words, printed in capitals in the papers, stand for those words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.vocabulary import STOPWORDS, fold

if TYPE_CHECKING:
    from qa.question import QuestionPart

__all__ = ["initialisms", "question_initialisms", "with_initialisms"]

MIN_LETTERS = 3  # two capitals (`TB`, `DE`) stand for too many things
MAX_WORDS = 6
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_JOINERS = frozenset({"of", "and", "for", "the", "&", "to", "in", "on"})  # `Department for Transport`: not initials
_CAPITALS = re.compile(r"\b[A-Z]{%d,%d}\b" % (MIN_LETTERS, MAX_WORDS))


def _runs(text: str) -> Iterable[tuple[str, tuple[str, ...]]]:
    """(initials, folded words) of each run of 3-6 words of `text` in a row, with `of`, `and` ... between them
    skipped, that starts and ends on a word of its own (not a stopword)."""
    words = [m.group() for m in _WORD.finditer(text)]
    for i, first in enumerate(words):
        if first.lower() in STOPWORDS or first.lower() in _JOINERS:
            continue
        kept: list[str] = []
        for word in words[i:]:
            low = word.lower()
            if low in _JOINERS:
                continue
            if low in STOPWORDS:
                break
            kept.append(word)
            if len(kept) > MAX_WORDS:
                break
            if len(kept) >= MIN_LETTERS:
                yield "".join(w[0] for w in kept).upper(), tuple(fold(w) for w in kept)


_NAME = re.compile(r"\b[A-Z][A-Za-z'’-]*(?:\s+(?:(?:of|and|for|the|&)\s+)?[A-Z][A-Za-z'’-]*)+")


def question_initialisms(question: str) -> list[str]:
    """The initials of the names the question writes out in capitals (`the Public Data Corporation` -> `PDC`, `the Out
    of Area Directed Enhanced Service` -> `OADES`, `ADES`, `DES`): what a lexical search also looks for, since the
    papers may only abbreviate the name."""
    out = [initials for m in _NAME.finditer(question) for initials, _ in _runs(m.group())]
    return list(dict.fromkeys(out))


def initialisms(texts: Iterable[str]) -> frozenset[str]:
    """The words printed in capitals (3-6 letters) in `texts`."""
    return frozenset(m.group() for text in texts for m in _CAPITALS.finditer(text))


def with_initialisms(part: "QuestionPart", printed: frozenset[str], question: str) -> "QuestionPart":
    """`part` with each concept also found where the papers print the initials of the question's words it is made
    of: the run of words is replaced by its initials in the concept's alternatives. `question` is the whole question,
    where the words stand in order (a part's concepts may come from the sentence that sets the scene)."""
    runs = [(initials.lower(), words) for initials, words in _runs(question) if initials in printed]
    if not runs:
        return part
    out = []
    for c in part.concepts:
        extra = []
        for alt in c.alternatives:
            for short, words in runs:
                if set(alt) <= set(words):
                    extra.append((short,))  # `support` of "family support adviser": the FSA
                    continue
                n = len(words)
                at = next((k for k in range(len(alt) - n + 1) if alt[k:k + n] == words), None)
                if at is not None:
                    extra.append(alt[:at] + (short,) + alt[at + n:])  # `Out of Area` + `DES`
        extra = [e for e in dict.fromkeys(extra) if e not in c.alternatives]
        if extra:
            c = replace(c, alternatives=c.alternatives + tuple(extra), literal=c.literal or c.alternatives)
        out.append(c)
    return replace(part, concepts=tuple(out))
