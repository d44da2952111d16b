"""Is the confidence a probability? A reliability table of answers' `confidence`, and a leave-one-body-out check.

Reliability: the answers the system gave (not abstained) are put in equal-width confidence bins; each bin shows its
count, mean confidence and observed accuracy (share of its answers that are right: an answerable question with
every fact stated; an answer to an unanswerable question is wrong). A calibrated confidence has accuracy close to
its mean confidence in every bin; the expected calibration error (ECE) is the count-weighted mean gap.

Leave-one-body-out: a logistic rule "answer when P(right | confidence) >= 0.5" fit on every body but one and
applied to the one left out (`evals.crossval`), over every question (an abstention counts as not right): the
pooled and held-out accuracy of that rule show whether the confidence transfers across bodies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evals.metrics import Outcome, answer_correct, is_abstained

BINS = 10
MIN_LOBO_GROUPS = 3


@dataclass(frozen=True)
class Bin:
    """One confidence bin [lo, hi) (the last includes 1.0)."""

    lo: float
    hi: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def reliability_table(confidences: Sequence[float], correct: Sequence[bool], bins: int = BINS) -> list[Bin]:
    """Equal-width bins over [0, 1]; empty bins are kept (count 0) so tables line up across systems."""
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} outcomes")
    members: list[list[int]] = [[] for _ in range(bins)]
    for i, c in enumerate(confidences):
        members[min(bins - 1, max(0, int(float(c) * bins)))].append(i)
    out = []
    for b, idx in enumerate(members):
        mean = sum(float(confidences[i]) for i in idx) / len(idx) if idx else None
        acc = sum(bool(correct[i]) for i in idx) / len(idx) if idx else None
        out.append(Bin(lo=b / bins, hi=(b + 1) / bins, count=len(idx), mean_confidence=mean, accuracy=acc))
    return out


def expected_calibration_error(table: Sequence[Bin]) -> float | None:
    """Count-weighted mean |accuracy - mean confidence| over the bins; None when no answer was given."""
    total = sum(b.count for b in table)
    if not total:
        return None
    return sum(b.count * abs(b.accuracy - b.mean_confidence) for b in table if b.count) / total


def right(outcome: Outcome) -> bool:
    """The answer given is right: an answerable question, not abstained, every fact stated."""
    return answer_correct(outcome.item, outcome.answer)


def reliability(outcomes: Sequence[Outcome], bins: int = BINS) -> dict:
    """`{"bins": [...], "ece", "answered"}` over the outcomes that were answered."""
    answered = [o for o in outcomes if not is_abstained(o.answer)]
    table = reliability_table([o.answer.confidence for o in answered], [right(o) for o in answered], bins)
    return {"bins": [b.__dict__ for b in table], "ece": expected_calibration_error(table), "answered": len(answered)}


def lobo_confidence(outcomes: Sequence[Outcome], body_of: Mapping[str, str]) -> dict | None:
    """Pooled vs held-out accuracy (and Brier) of the confidence-only answer rule; None with too few bodies."""
    from evals.crossval import brier, fit_logistic, leave_one_group_out

    rows = [o for o in outcomes if o.answer is not None]
    groups = [body_of.get(o.item.id, "(none)") for o in rows]
    if len(set(groups)) < MIN_LOBO_GROUPS:
        return None
    x = [[o.answer.confidence] for o in rows]
    y = [right(o) for o in rows]
    acc = leave_one_group_out(x, y, groups, fit_logistic, metric_name="accuracy")
    result = acc.to_json()
    result["pooled_brier"] = brier(y, acc.pooled)
    result["held_out_brier"] = brier(y, acc.held_out)
    return result


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown(name: str, rel: Mapping, lobo: Mapping | None) -> str:
    """The reliability table of one system and its leave-one-body-out line."""
    lines = [f"## Confidence of `{name}`", "",
             f"Reliability over the {rel['answered']} answered questions (abstentions left out); "
             f"expected calibration error {_fmt(rel['ece'])}.", "",
             "| confidence | n | mean confidence | observed accuracy |", "|---|---|---|---|"]
    for b in rel["bins"]:
        if b["count"]:
            lines.append(f"| {b['lo']:.1f}-{b['hi']:.1f} | {b['count']} | {_fmt(b['mean_confidence'])} | "
                         f"{_fmt(b['accuracy'])} |")
    if lobo:
        lines += ["", f"Leave-one-body-out ({len(lobo['by_group'])} bodies, {lobo['rows']} questions): "
                      f"answer when P(right | confidence) >= 0.5, fit by logistic regression: accuracy pooled "
                      f"{_fmt(lobo['pooled'])}, held out {_fmt(lobo['held_out'])} (gap {_fmt(lobo['gap'])}); Brier "
                      f"pooled {_fmt(lobo['pooled_brier'])}, held out {_fmt(lobo['held_out_brier'])}."]
    return "\n".join(lines) + "\n"
