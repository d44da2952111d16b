"""Words a library's papers use all the time, read from the library itself: they say little about where an answer is.

A police panel's papers say "police", "crime" and the force's name in most paragraphs; a school's governors'
minutes say "governors" and "pupils". Such a word in a question matches almost every paragraph, so it should
weigh little and never decide that the papers do not answer. Which words these are depends on whose papers
are in the library, so they are counted in the library (the share of paragraphs that use each word), never
listed by hand for one body.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.records import Paragraph
from qa.vocabulary import STOPWORDS, tokens

COMMON_SHARE = 0.12  # a word in at least this share of the library's paragraphs is one it uses all the time
MIN_PARAGRAPHS = 50  # fewer paragraphs than this are too few to tell a library's habits from one topic
SAMPLE = 5_000  # paragraphs read (evenly spread) to count: a share is within about a point of the whole library's


# "Police and Crime Commissioner (PCC)", "Integrated Care Board (ICB)": a name and the acronym the paper defines
_DEFINED = re.compile(r"((?:[A-Z][A-Za-z'’-]*\s+(?:(?:and|of|for|the|&)\s+)*){1,7}[A-Z][A-Za-z'’-]*)"
                      r"\s*\(([A-Z]{2,8})s?\)")  # "(PCSOs)": an acronym defined in the plural
_JOINERS = frozenset({"and", "of", "for", "the", "&"})


@dataclass(frozen=True)
class LibraryWords:
    """What one library's papers say all the time (`common`) and the acronyms they define (`acronyms`:
    folded acronym -> the folded words of its name, e.g. `pcc` -> (`polic`, `crim`, `commissioner`))."""

    common: frozenset[str] = frozenset()
    acronyms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, paragraphs: Sequence[Paragraph]) -> "LibraryWords":
        texts = _sample(paragraphs)  # read once: on a large or remote library each record read is I/O
        common = _common(texts) if len(paragraphs) >= MIN_PARAGRAPHS else frozenset()
        return cls(common, _acronyms(texts))

    def expansions(self, acronym: str) -> tuple[tuple[str, ...], ...]:
        return tuple(words for a, words in self.acronyms if a == acronym)


def _sample(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The texts of an evenly spread sample of at most about `SAMPLE` paragraphs."""
    return [paragraphs[i].text for i in range(0, len(paragraphs), max(1, len(paragraphs) // SAMPLE))]


def defined_acronyms(paragraphs: Sequence[Paragraph]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Acronyms the papers define beside their name ("Crown Prosecution Service (CPS)"), where the name's
    initials spell the acronym; read from the same evenly spread sample as `common_words`."""
    return _acronyms(_sample(paragraphs))


def _acronyms(texts: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found: dict[tuple[str, tuple[str, ...]], None] = {}
    for text in texts:
        if "(" not in text:
            continue
        for m in _DEFINED.finditer(text):
            words = m.group(1).split()
            acronym = m.group(2)
            for start in range(len(words)):  # the name ends at the bracket; where it starts, the initials say
                name = [w for w in words[start:] if w.lower() not in _JOINERS]
                if name and words[start].lower() not in _JOINERS and "".join(w[0] for w in name).upper() == acronym:
                    found[(acronym.lower(), tuple(t for t in tokens(" ".join(name)) if t not in STOPWORDS))] = None
                    break
    return tuple(found)


def common_words(paragraphs: Sequence[Paragraph], share: float = COMMON_SHARE) -> frozenset[str]:
    """The folded words (as `qa.vocabulary.tokens` gives them) that at least `share` of `paragraphs` use;
    none for a library of fewer than `MIN_PARAGRAPHS` paragraphs."""
    return _common(_sample(paragraphs), share) if len(paragraphs) >= MIN_PARAGRAPHS else frozenset()


def _common(texts: list[str], share: float = COMMON_SHARE) -> frozenset[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({t for t in tokens(text) if t.isalpha() and len(t) > 1 and t not in STOPWORDS})
    return frozenset(word for word, c in counts.items() if c >= share * len(texts))
