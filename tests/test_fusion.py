"""Fusing the meaning search and the word search: each one's own best paragraph stays among the first few."""

from __future__ import annotations

from types import SimpleNamespace

from qa.fusion import FIRSTS_BY, rrf, with_firsts


def _ranking(*positions):
    return [SimpleNamespace(position=p, score=1.0 / (k + 1)) for k, p in enumerate(positions)]


def test_the_meaning_searchs_best_paragraph_is_not_lost_behind_paragraphs_both_searches_rank_in_the_middle():
    # "Do the police get to emergencies quicker?": the response-time paragraph (7) is the meaning search's first,
    # and the word search misses it; paragraphs both searches rank in the middle outscore it under RRF
    dense = _ranking(7, 1, 2, 3, 4, 5, 6)
    words = _ranking(8, 2, 1, 4, 3, 6, 5)
    fused = rrf((dense, words), 60)
    order = sorted(fused, key=lambda pos: -fused[pos])
    assert order.index(7) >= FIRSTS_BY
    firsts = with_firsts(order, dense, words)
    assert firsts[0] == order[0] and 7 in firsts[:FIRSTS_BY] and 8 in firsts[:FIRSTS_BY]
    assert sorted(firsts) == sorted(order)  # nothing added or lost, only moved up
    assert with_firsts(order, dense[1:], words[1:]) == order  # firsts already near the top: order unchanged
    assert with_firsts(order) == order
