"""Sentence vectors from the passages' own pass ("late chunking"): where each sentence lies in its paragraph's passages.

The answerer compares a question with a paragraph's sentences. Embedding every sentence again at ingest cost as
much model time as the passages themselves; reading each sentence's vector off the passage's token states (the mean
of its tokens, each read in the context of the whole passage) costs nothing more. A sentence that no passage holds
whole (across two windows of a long paragraph, or reworded for display) is embedded on its own, as before.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from corpus.records import Paragraph

_SPACE = re.compile(r"\s+")


def locate(passage: str | tuple[str, list[int]], sentence: str) -> tuple[int, int] | None:
    """The character span of `sentence` in `passage` (or in a passage already `_fold`ed), white space compared
    loosely; None when it is not there."""
    wanted = _SPACE.sub(" ", sentence).strip()
    if not wanted:
        return None
    folded, where = _fold(passage) if isinstance(passage, str) else passage
    at = folded.find(wanted)
    if at < 0:
        return None
    return where[at], where[at + len(wanted) - 1] + 1


def _fold(text: str) -> tuple[str, list[int]]:
    """`text` with each run of white space as one space, and the position in `text` of each kept character."""
    chars: list[str] = []
    where: list[int] = []
    for m in re.finditer(r"\S+|\s+", text):
        if m.group()[0].isspace():
            if chars:
                chars.append(" ")
                where.append(m.start())
        else:
            chars.extend(m.group())
            where.extend(range(m.start(), m.end()))
    return "".join(chars), where


def sentence_spans(paragraphs: Sequence[Paragraph], texts: Sequence[str], owners: np.ndarray,
                   sentence_texts: Callable[[Paragraph], Sequence[str]]
                   ) -> tuple[list[list[tuple[int, int]]], list[list[str]]]:
    """For each passage, the spans of the sentences it holds whole, and those sentences (each placed in the first
    passage of its paragraph that holds it)."""
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    held: list[list[str]] = [[] for _ in texts]
    first = np.searchsorted(owners, np.arange(len(paragraphs)))
    end = np.searchsorted(owners, np.arange(len(paragraphs)), side="right")
    for position, paragraph in enumerate(paragraphs):
        folded = {i: _fold(texts[i]) for i in range(first[position], end[position])}  # once per passage
        for sentence in dict.fromkeys(sentence_texts(paragraph)):
            for i in range(first[position], end[position]):
                span = locate(folded[i], sentence)
                if span is not None:
                    spans[i].append(span)
                    held[i].append(sentence)
                    break
    return spans, held
