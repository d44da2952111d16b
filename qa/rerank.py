"""The second stage of retrieval: the paragraphs the answerer reads, re-ranked by how well their sentences answer.

The first stage (dense and BM25 fused by reciprocal rank) ranks paragraphs by how much they are about the question;
a long paragraph or table about the topic can outrank the one whose sentence gives what is asked. The second stage
reads the first stage's `top_k` paragraphs as the answerer does (each sentence scored for the facts and words the
question asks for by `qa.scorer`, see `qa.extractive.paragraph_scores`) and fuses that order with the first stage's
by reciprocal rank, as the first stage fuses its two searches: nothing is fit. It only reorders those paragraphs: the set the
answerer reads, and so every answer, is the same (the answerer weighs the first stage's order itself).
"""

from __future__ import annotations

from index.results import Hit

__all__ = ["reranked"]


def reranked(hits: list[Hit], scores: list[float], rrf_k: int, exact_flag: float,
             places: list[int] | None = None) -> list[Hit]:
    """`hits` reordered by reciprocal-rank fusion of their first-stage places (`places`, by default their order)
    with `scores` (one per hit, higher answers better); paragraphs asked for by number (`lexical == exact_flag`)
    stay first, in their order."""
    places = list(range(len(hits))) if places is None else places
    exact = [h for h in hits if h.lexical == exact_flag]
    rest = [i for i, h in enumerate(hits) if h.lexical != exact_flag]
    by_answer = {i: r for r, i in enumerate(sorted(rest, key=lambda i: (-scores[i], places[i], i)))}
    fused = {i: 1.0 / (rrf_k + places[i] + 1) + 1.0 / (rrf_k + by_answer[i] + 1) for i in rest}
    return exact + [hits[i] for i in sorted(rest, key=lambda i: (-fused[i], places[i], i))]
