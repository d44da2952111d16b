"""Scoring as pure functions: retrieval recall@k and MRR, answer accuracy, citations, abstention, latency."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from evals.gold import GoldEntry, GoldItem
from qa.contract import MARKER, Answer, Citation
from qa.numbers import normalise_for_match

RECALL_KS = (1, 5, 10)
METRICS = (
    "recall@1", "recall@5", "recall@10", "mrr", "answer_accuracy", "citation_precision",
    "citation_recall", "gold_cited", "abstention_precision", "abstention_recall", "false_abstention_rate",
    "latency_p50_ms", "latency_p95_ms",
)
COUNTS = ("items", "answerable", "unanswerable", "missing")


@dataclass(frozen=True)
class Retrieved:
    """One retrieved paragraph as the metrics see it: where it is from and what it says."""

    doc: str
    label: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What one system did with one gold item.

    `answer` is None when the system gave no answer for the item (scored as an abstention);
    `retrieved` is None when retrieval was not measured (an answers file carries no ranking).
    """

    item: GoldItem
    answer: Answer | None
    retrieved: tuple[Retrieved, ...] | None = None
    latency_ms: float | None = None


def fold(text: str) -> str:
    """Whitespace runs to one space, ends stripped."""
    return re.sub(r"\s+", " ", text or "").strip()


def _doc_name(doc: str) -> str:
    # Outside systems may cite a path; ours cite the file name.
    return PurePath((doc or "").replace("\\", "/")).name


def _label(label: str) -> str:
    return (label or "").strip().lstrip("¶").strip()


def matches(entry: GoldEntry | Mapping, doc: str, label: str, text: str, quote: str) -> bool:
    """Whether a retrieved paragraph or a citation is the gold paragraph `entry`.

    True when it is the same file and label and the gold evidence (whitespace folded) is in
    its text; or, for systems that do not use our labels (fixed-size chunks, outside
    systems), when its `quote` or `text` contains the evidence, whitespace folded and case
    ignored. An empty evidence string never matches by text.
    """
    get = entry.get if isinstance(entry, Mapping) else lambda name, default="": getattr(entry, name, default)
    evidence = fold(get("evidence", ""))
    if not evidence:
        return False
    # the evidence may be quoted with the paragraph's number, as printed ("Jan26.02 Bushcraft Group - ...")
    if (doc and label and _doc_name(doc) == _doc_name(get("doc", ""))
            and _label(label) == _label(get("label", ""))
            and (_spaceless(evidence) in _spaceless(text) or evidence in fold(f"{_label(label)} {text}")
                 or _spaceless(_without_number(evidence, _label(label))) in _spaceless(text))):
        return True
    needle = _spaceless(evidence).lower()
    return any(needle in _spaceless(s).lower() for s in (text, quote) if s)


def _without_number(evidence: str, label: str) -> str:
    """The evidence without the paragraph's number printed before it in any style (`I. The Warwick`,
    `Action 7: Transparency Board ...`, `(a) ...`); unchanged when it does not open with the number."""
    m = re.match(rf"\W*{re.escape(label)}(?:[.:)\]]|\s+[-–—])?\s+", evidence) if label else None
    return evidence[m.end():] if m else evidence


def _spaceless(text: str) -> str:
    """`text` without whitespace: PDF text lays spaces out arbitrarily (`73,72783,357`, `Publi c`), so a reader that
    parts two figures or joins a word is matched on the characters, in order."""
    return re.sub(r"\s+", "", text or "")


def citation_matches(entry: GoldEntry | Mapping, citation: Citation) -> bool:
    """`matches` for one citation of an answer."""
    return matches(entry, citation.doc, citation.paragraph, citation.text, citation.quote)


def first_gold_rank(entries: Sequence[GoldEntry], ranked: Sequence[Retrieved]) -> int | None:
    """1-based rank of the first retrieved paragraph matching any gold entry; None if none does."""
    for rank, hit in enumerate(ranked, start=1):
        if any(matches(e, hit.doc, hit.label, hit.text, "") for e in entries):
            return rank
    return None


def recall_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of questions whose first gold paragraph is in the top `k`; None for no questions."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """Mean of 1/rank of the first gold paragraph (0 when not retrieved); None for no questions."""
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


INFLECTION = "(?:s|es|d|ed|ing)?"  # the endings a fact's last word may take in an answer


def fact_in(fact: str | Sequence[str], text: str) -> bool:
    """Whether `text` states `fact` (or any of a tuple of alternatives), after normalisation.

    Numbers are compared whole: fact `31` is not found in `310` nor in `3.31`. A fact ending in a word of four
    letters or more is also found inflected (`adopt` in "adopted", `car park` in "car parks", `abstain` in
    "abstaining"): the gold files write facts as stems, and their own answers use the inflected forms.
    """
    if not isinstance(fact, str):
        return any(fact_in(alt, text) for alt in fact)
    needle = normalise_for_match(fact)
    if not needle:
        return False
    hay = normalise_for_match(MARKER.sub(" ", text or ""))
    inflected = INFLECTION if re.search(r"[^\W\d_]{4}$", needle) else ""
    pattern = r"(?<!\w)(?<!\d[.,])" + re.escape(needle) + inflected + r"(?!\w)(?![.,]\d)"
    return re.search(pattern, hay) is not None


def is_abstained(answer: Answer | None) -> bool:
    """A missing answer counts as an abstention."""
    return answer is None or answer.abstained


def answer_correct(item: GoldItem, answer: Answer | None) -> bool:
    """An answerable item is answered correctly when not abstained and every fact is stated."""
    if not item.answerable or is_abstained(answer) or not item.facts:
        return False
    return all(fact_in(f, answer.answer) for f in item.facts)


def answer_accuracy(outcomes: Sequence[Outcome]) -> float | None:
    """Correct answers / answerable items; None when there are no answerable items."""
    answerable = [o for o in outcomes if o.item.answerable]
    if not answerable:
        return None
    return sum(answer_correct(o.item, o.answer) for o in answerable) / len(answerable)


def _support(answer: Answer | None) -> list[Citation]:
    return [] if is_abstained(answer) else answer.support


def citation_precision(outcomes: Sequence[Outcome]) -> float | None:
    """Support citations matching a gold entry / support citations, over answered answerable items.

    None when there are no such citations at all (nothing to be precise about).
    """
    cited = matched = 0
    for o in outcomes:
        if not o.item.answerable:
            continue
        for c in _support(o.answer):
            cited += 1
            matched += any(citation_matches(e, c) for e in o.item.gold)
    return matched / cited if cited else None


def citation_recall(outcomes: Sequence[Outcome]) -> float | None:
    """Gold entries matched by some support citation / gold entries, over all answerable items.

    An abstention cites nothing, so its gold entries count as missed.
    """
    total = found = 0
    for o in outcomes:
        if not o.item.answerable:
            continue
        support = _support(o.answer)
        for e in o.item.gold:
            total += 1
            found += any(citation_matches(e, c) for c in support)
    return found / total if total else None


def gold_cited(outcomes: Sequence[Outcome]) -> float | None:
    """Answerable items whose answer cites at least one gold paragraph / answerable items (issue 12's "citation
    of a gold paragraph"): where `citation_recall` asks for every gold paragraph, this asks whether the answer
    points to one that answers. An abstention cites nothing."""
    answerable = [o for o in outcomes if o.item.answerable]
    if not answerable:
        return None
    return sum(any(citation_matches(e, c) for e in o.item.gold for c in _support(o.answer))
               for o in answerable) / len(answerable)


def abstention_precision(outcomes: Sequence[Outcome]) -> float | None:
    """Abstentions on unanswerable items / all abstentions; None when nothing was abstained."""
    abstained = [o for o in outcomes if is_abstained(o.answer)]
    if not abstained:
        return None
    return sum(not o.item.answerable for o in abstained) / len(abstained)


def abstention_recall(outcomes: Sequence[Outcome]) -> float | None:
    """Abstentions on unanswerable items / unanswerable items; None when there are none."""
    unanswerable = [o for o in outcomes if not o.item.answerable]
    if not unanswerable:
        return None
    return sum(is_abstained(o.answer) for o in unanswerable) / len(unanswerable)


def false_abstention_rate(outcomes: Sequence[Outcome]) -> float | None:
    """Abstentions on answerable items / answerable items; None when there are none."""
    answerable = [o for o in outcomes if o.item.answerable]
    if not answerable:
        return None
    return sum(is_abstained(o.answer) for o in answerable) / len(answerable)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`th percentile (0-100) with linear interpolation between ranks; None for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def retrieval_ranks(outcomes: Sequence[Outcome]) -> list[int | None]:
    """First-gold ranks of the answerable items whose retrieval was measured."""
    return [first_gold_rank(o.item.gold, o.retrieved) for o in outcomes
            if o.item.answerable and o.retrieved is not None]


def score(outcomes: Sequence[Outcome]) -> dict[str, float | int | None]:
    """Every metric of `METRICS` plus the counts of `COUNTS`; None marks a metric not measurable here."""
    ranks = retrieval_ranks(outcomes)
    latencies = [o.latency_ms for o in outcomes if o.latency_ms is not None]
    result: dict[str, float | int | None] = {f"recall@{k}": recall_at_k(ranks, k) for k in RECALL_KS}
    result.update({
        "mrr": mean_reciprocal_rank(ranks),
        "answer_accuracy": answer_accuracy(outcomes),
        "citation_precision": citation_precision(outcomes),
        "citation_recall": citation_recall(outcomes),
        "gold_cited": gold_cited(outcomes),
        "abstention_precision": abstention_precision(outcomes),
        "abstention_recall": abstention_recall(outcomes),
        "false_abstention_rate": false_abstention_rate(outcomes),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "items": len(outcomes),
        "answerable": sum(o.item.answerable for o in outcomes),
        "unanswerable": sum(not o.item.answerable for o in outcomes),
        "missing": sum(o.answer is None for o in outcomes),
    })
    return result


def score_by_kind(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float | int | None]]:
    """`score` for each question kind, kinds in order of first appearance."""
    kinds: dict[str, list[Outcome]] = {}
    for o in outcomes:
        kinds.setdefault(o.item.kind, []).append(o)
    return {kind: score(group) for kind, group in kinds.items()}


def score_by_group(outcomes: Sequence[Outcome], group_of: Mapping[str, str]) -> dict[str, dict[str, float | int | None]]:
    """`score` for each group (`group_of`: question id -> group; unknown ids go to `(none)`), groups sorted."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(group_of.get(o.item.id, "(none)"), []).append(o)
    return {name: score(groups[name]) for name in sorted(groups)}


def bound_missed(name: str, value: float | None, bound: float, is_max: bool, shown: str = "", where: str = "") -> str:
    """The line for people when `value` misses `bound` (an upper bound when `is_max`), else ``."""
    if value is None:
        return f"{name}: not measured (threshold {bound})"
    if (value > bound) if is_max else (value < bound):
        word = "above the maximum" if is_max else "below the threshold"
        return f"{name}: {shown or f'{value:.3f}'} is {word} {bound}" + (f" ({where})" if where else "")
    return ""
