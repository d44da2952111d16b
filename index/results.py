"""Typed search results: callers never index into anonymous tuples."""

from __future__ import annotations

from typing import NamedTuple

from corpus.records import Paragraph


class Hit(NamedTuple):
    """One retrieved paragraph. `score` orders hits (higher is better); `dense` is the cosine
    similarity to the question (0.0 when the dense retriever did not return it) and `lexical`
    the BM25 score (0.0 likewise)."""

    paragraph: Paragraph
    score: float
    dense: float = 0.0
    lexical: float = 0.0
