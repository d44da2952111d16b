"""Fusing ranked lists of paragraphs: reciprocal-rank fusion, with each list's own first kept near the top."""

from __future__ import annotations

__all__ = ["FIRSTS_BY", "rrf", "with_firsts"]


def rrf(rankings, rrf_k: int) -> dict[int, float]:
    """Reciprocal-rank fusion of ranked result lists: position -> score."""
    fused: dict[int, float] = {}
    for results in rankings:
        for rank, item in enumerate(results):
            fused[item.position] = fused.get(item.position, 0.0) + 1.0 / (rrf_k + rank + 1)
    return fused


FIRSTS_BY = 3  # each search's own best paragraph stands among the first few of the fused ranking


def with_firsts(order: list[int], *rankings) -> list[int]:
    """`order` with each ranking's first paragraph moved up to within the first `FIRSTS_BY` places: the paragraph
    that matches the question's meaning best, missed by the words' search (a paraphrase), would otherwise fall
    behind paragraphs both searches rank in the middle."""
    top = order[:FIRSTS_BY]
    missing = list(dict.fromkeys(r[0].position for r in rankings if r and r[0].position not in top))
    if not missing:
        return order
    head = order[:max(1, FIRSTS_BY - len(missing))] + missing
    return head + [pos for pos in order if pos not in head]
