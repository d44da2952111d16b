"""Leave-one-body-out cross-validation: fit on every body but one, predict the one left out, for every body.

Anything fit on the gold questions (an abstention rule, weights, a ranker) is reported with these held-out
predictions: a rule that only helps the body it was fit on shows up as a gap between the pooled (fit and scored on
every row) and the held-out metric.

    result = leave_one_group_out(rows, labels, bodies, fit_logistic)
    result.pooled_metric, result.held_out_metric, result.by_group
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

Predictor = Callable[[np.ndarray], np.ndarray]   # rows (n, d) -> one score or probability per row
FitFn = Callable[[np.ndarray, np.ndarray], Predictor]
Metric = Callable[[np.ndarray, np.ndarray], float]


@dataclass(frozen=True)
class CrossValResult:
    """Held-out and pooled predictions (one per row, in row order) and the metric of each.

    `by_group` is the metric of each group's held-out predictions; `metric_name` says which metric it is.
    """

    held_out: np.ndarray
    pooled: np.ndarray
    groups: tuple[str, ...]
    pooled_metric: float
    held_out_metric: float
    by_group: dict[str, float] = field(default_factory=dict)
    metric_name: str = ""

    @property
    def gap(self) -> float:
        """Pooled minus held-out: how much of the pooled figure comes from fitting the body it is scored on."""
        return self.pooled_metric - self.held_out_metric

    def to_json(self) -> dict:
        return {"metric": self.metric_name, "pooled": self.pooled_metric, "held_out": self.held_out_metric,
                "gap": self.gap, "by_group": dict(self.by_group), "rows": int(len(self.held_out))}


def accuracy(labels: np.ndarray, scores: np.ndarray, threshold: float = 0.5) -> float:
    """Share of rows where `score >= threshold` agrees with the label."""
    labels = np.asarray(labels, dtype=bool)
    return float(np.mean((np.asarray(scores) >= threshold) == labels)) if len(labels) else float("nan")


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean squared error of probabilities against 0/1 labels (lower is better)."""
    labels = np.asarray(labels, dtype=float)
    return float(np.mean((np.asarray(probabilities, dtype=float) - labels) ** 2)) if len(labels) else float("nan")


def _constant(value: float) -> Predictor:
    return lambda rows: np.full(len(rows), value, dtype=float)


def fit_logistic(rows: np.ndarray, labels: np.ndarray, **options) -> Predictor:
    """A scikit-learn logistic regression's P(label) (standardised features); a training set holding one class
    only predicts that class's frequency, as no boundary can be learned from it."""
    labels = np.asarray(labels, dtype=int)
    if len(np.unique(labels)) < 2:
        return _constant(float(labels.mean()) if len(labels) else 0.5)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, **options))
    model.fit(np.asarray(rows, dtype=float), labels)
    return lambda x: model.predict_proba(np.asarray(x, dtype=float))[:, 1]


def fit_isotonic(rows: np.ndarray, labels: np.ndarray) -> Predictor:
    """A monotone calibration of the first feature (a confidence) into P(label), by isotonic regression."""
    from sklearn.isotonic import IsotonicRegression

    labels = np.asarray(labels, dtype=float)
    if len(np.unique(labels)) < 2:
        return _constant(float(labels.mean()) if len(labels) else 0.5)
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    model.fit(np.asarray(rows, dtype=float)[:, 0], labels)
    return lambda x: model.predict(np.asarray(x, dtype=float)[:, 0])


def leave_one_group_out(rows: Sequence | np.ndarray, labels: Sequence | np.ndarray, groups: Sequence[str],
                        fit: FitFn, metric: Metric = accuracy, metric_name: str = "") -> CrossValResult:
    """Held-out predictions for every row from a model fit without its group, and the pooled ones.

    Args:
        rows: one feature row per question, shape (n, d) (a 1-d sequence is taken as one feature).
        labels: one label per row.
        groups: one group (body) per row.
        fit: `fit(rows, labels) -> predict`, where `predict(rows)` gives one score per row.
        metric: `metric(labels, predictions) -> float` (default: accuracy at 0.5).
        metric_name: how the report names the metric (default: the function's name).

    Raises:
        ValueError: lengths differ, or fewer than two groups (nothing can be held out).
    """
    x = np.asarray(rows, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    y = np.asarray(labels)
    g = np.asarray([str(v) for v in groups])
    if not (len(x) == len(y) == len(g)):
        raise ValueError(f"rows, labels and groups differ in length ({len(x)}, {len(y)}, {len(g)})")
    names = tuple(dict.fromkeys(g.tolist()))
    if len(names) < 2:
        raise ValueError(f"leave-one-group-out needs two or more groups, got {len(names)}")
    held = np.zeros(len(x), dtype=float)
    for name in names:
        out = g == name
        predict = fit(x[~out], y[~out])
        held[out] = predict(x[out])
    pooled = np.asarray(fit(x, y)(x), dtype=float)
    by_group = {name: metric(y[g == name], held[g == name]) for name in names}
    return CrossValResult(held_out=held, pooled=pooled, groups=names, pooled_metric=metric(y, pooled),
                          held_out_metric=metric(y, held), by_group=by_group,
                          metric_name=metric_name or getattr(metric, "__name__", "metric"))
