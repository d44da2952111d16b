"""Comparisons ("per the AGB paper and per the Commissioner", "between the May and December papers"): the same
measure from each source, each source giving every figure the others give."""

from __future__ import annotations

from qa.evidence import Unit
from qa.next_sentence import with_previous

__all__ = ["counterparts"]


def counterparts(s, ranked: list[Unit], chosen: list[Unit], compare: int, max_paragraphs: int) -> list[Unit]:
    """For a comparison, the same measure in other papers (else other paragraphs): their best units. `s` is the
    answerer's scorer for one part of the question (`qa.extractive`), `chosen` its answer so far."""
    out: list[Unit] = []
    if not compare:
        return out
    best = chosen[0]
    topical = list(s.part.measured)
    base = s.cover([best], topical)
    papers = {s.ev.paragraph(u.rank).paper for u in chosen}
    ranks = {u.rank for u in chosen}
    fits = [u for u in ranked if u.rank not in ranks and s.scores[u] >= 0.6 * s.scores[best]
            and s.cover([u], topical) >= 0.6 * base and (not s.expected or s.gives(u))]
    candidates = [u for u in fits if s.ev.paragraph(u.rank).paper not in papers] or fits[:1]
    # "between the May 2025 and December 2025 papers": a paper of each month named that the answer lacks comes first
    months = [c for c in s.part.concepts if c.dated and c.source]
    lacking = [m for m in months if not any(s.ev.where_from(m, x.rank) for x in chosen)] if len(months) >= 2 else []
    dated = [u for u in ranked if lacking and u.rank not in ranks and s.scores[u] >= 0.5 * s.scores[best]
             and s.cover([u], topical) >= 0.6 * base and any(s.ev.where_from(m, u.rank) for m in lacking)]
    for u in dated[:1] + candidates:
        if len(out) >= compare or len(ranks) >= max_paragraphs:
            break
        if u.rank in ranks or any(s.ev.paragraph(u.rank).paper == s.ev.paragraph(o.rank).paper for o in out):
            continue
        out.append(u)
        ranks.add(u.rank)
    sources = [best] + out if out else []
    for u in sources:  # "emergency and priority": each source's priority figure too
        rest = _rest_of_source(s, ranked, u, [o for o in sources if o is not u], ranks)
        if rest is not None and len(ranks) <= max_paragraphs:
            out.append(rest)
            ranks.add(rest.rank)
    return out


def _rest_of_source(s, ranked: list[Unit], u: Unit, others: list[Unit], ranks: set[int]) -> Unit | None:
    """Another paragraph of `u`'s paper that states what the other sources' answers state and `u` does not
    ("emergency and priority incidents": `u` gives the emergency time, this one the priority time), with the fact
    asked for."""
    missing = [c for c in s.part.measured if not c.generic and c in s.weights
               and any(c.found_in(o.tokens) for o in others) and not c.found_in(u.tokens)]
    if not missing:
        return None
    paper = s.ev.paragraph(u.rank).paper
    top = max(s.scores[o] for o in [u, *others])
    rest = next((v for v in ranked if v.rank not in ranks and s.ev.paragraph(v.rank).paper == paper
                 and s.scores[v] >= 0.6 * top and (not s.expected or s.gives(v))
                 and all(c.found_in(v.tokens) or c.found_in(v.before) for c in missing)), None)
    # what the sentence before names ("priority incidents" for "these incidents") is quoted with it
    return with_previous(rest, s.ev) if rest is not None and not all(c.found_in(rest.tokens) for c in missing) \
        else rest
