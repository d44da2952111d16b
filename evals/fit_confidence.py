"""Refit the answerer's confidence (`qa/confidence.json`) on both gold sets, leave-one-body-out.

    python -m evals.fit_confidence [--index DIR] [--corpus ../shared/papers] [--write]

Each row is one single-part question the papers do not answer by number: the five features the answerer weighs
for it (key words covered, closest meaning, kind of fact found, a name or year missing from the papers, one found
only away from the answer) and whether its answer, given at any confidence, is right (unanswerable questions are
never right). The groups are bodies: the sample papers are one body; the development set's are the files' bodies
(`evals.groups`, by file name, as its gold file's groups say for unanswerable questions), so that one body's papers
read under several names cannot leak between folds.

A logistic regression (standardised features, L2, C=1) is fit on every body but one and scored on the one left out;
the report gives the held-out utility (`utility`: answered rightly where the papers answer, refused where they do
not) and Brier score beside the pooled ones, and the same for the weights in use. The threshold is the one with
the best held-out utility. With `--write` the fit on every row is
stored, its intercept moved so that `answer.min_confidence` sits where the fit's probability is that threshold.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from pathlib import Path

import numpy as np

from evals.crossval import brier, fit_logistic, leave_one_group_out

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS_FILE = ROOT / "qa" / "confidence.json"
NAMES = ("cover", "similarity", "fact", "absent", "elsewhere")
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.10, 0.65, 0.05))


def rows_of(engine, items, settings, group_of) -> tuple[list[list[float]], list[int], list[str], list[bool]]:
    """(features, right, body, answerable) for each single-part question of `items` not asked by number."""
    from evals.metrics import answer_correct
    from qa.chain import with_parts
    from qa.extractive import EXACT_FLAG, answer_extractive, answer_parts

    forced = settings.model_copy(deep=True)
    forced.answer.min_confidence = 0.0
    rows, labels, groups, answerable = [], [], [], []
    for item in items:
        hits = with_parts(engine, item.question, engine.retrieve(item.question, second_stage=False))
        if not hits or hits[0].lexical == EXACT_FLAG:
            continue
        kwargs = dict(embed=engine._stored_embed, fronts={h.paragraph.doc_id: engine.front(h.paragraph.doc_id)
                                                          for h in hits}, library=engine.library_words)
        _, parts = answer_parts(item.question, hits, forced, **kwargs)
        if len(parts) != 1 or not parts[0].features:
            continue
        answer = answer_extractive(item.question, hits, forced, **kwargs)
        rows.append(list(parts[0].features))
        labels.append(int(answer_correct(item, answer)))
        groups.append(group_of(item))
        answerable.append(item.answerable)
    return rows, labels, groups, answerable


def answered_scores(engine, items, group_of) -> tuple[list[float], list[int], list[str]]:
    """(answerer's score, right, body) of each question the system answers (not by number): what the shown
    confidence is calibrated on. The score is read back from the shown probability (`qa.confidence.score_of`)."""
    from evals.metrics import answer_correct, is_abstained
    from qa.confidence import score_of

    scores, labels, groups = [], [], []
    for item in items:
        answer = engine.ask(item.question)
        if is_abstained(answer) or answer.note.startswith("exact reference"):
            continue
        scores.append(score_of(answer.confidence))
        labels.append(int(answer_correct(item, answer)))
        groups.append(group_of(item))
    return scores, labels, groups


def _logit(scores: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(scores, dtype=float), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def fit_platt(scores: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """P(right | score) = sigmoid(slope * logit(score) + intercept), by logistic regression (L2, C=1)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels, dtype=int)
    if len(np.unique(labels)) < 2:  # one class only: no slope can be learned, the map is that class's frequency
        rate = float(np.clip(labels.mean() if len(labels) else 0.5, 1e-4, 1 - 1e-4))
        return {"slope": 0.0, "intercept": float(np.log(rate / (1 - rate)))}
    model = LogisticRegression(max_iter=1000).fit(_logit(scores)[:, None], labels)
    return {"slope": round(float(model.coef_[0][0]), 4), "intercept": round(float(model.intercept_[0]), 4)}


def _ece(probabilities, labels) -> float:
    from evals.reliability import expected_calibration_error, reliability_table

    return float(expected_calibration_error(reliability_table(list(probabilities), [bool(v) for v in labels])) or 0.0)


def calibration_report(scores, labels, groups) -> dict:
    """The shown confidence's calibration: the Platt map fit on every row, and expected calibration error and Brier
    of the raw scores, of the map fit without each body (held out) and of the map fit on all (pooled), overall and
    by set (`samples` against every other body)."""
    from qa.confidence import shown_probability

    def fit(rows: np.ndarray, labels: np.ndarray):
        shown = fit_platt(rows[:, 0], labels)
        return lambda held: np.array([shown_probability(v, shown) for v in held[:, 0]])

    x, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    fitted = leave_one_group_out(x, y, groups, fit, metric=brier, metric_name="brier")
    shown = fit_platt(x, y)
    pooled = np.array([shown_probability(v, shown) for v in x])
    sets = {"all": np.ones(len(y), dtype=bool), "samples": np.asarray(groups) == "samples"}
    sets["other bodies"] = ~sets["samples"]
    figures = {name: {"answered": int(m.sum()), "right": round(float(y[m].mean()), 3) if m.any() else None,
                      "ece_raw": round(_ece(x[m], y[m]), 3), "ece_held_out": round(_ece(fitted.held_out[m], y[m]), 3),
                      "ece_pooled": round(_ece(pooled[m], y[m]), 3), "brier_raw": round(brier(y[m], x[m]), 3),
                      "brier_held_out": round(brier(y[m], fitted.held_out[m]), 3)}
               for name, m in sets.items() if m.any()}
    return {"shown": shown, "bodies": len(fitted.groups), "figures": figures}


def _current(rows: np.ndarray) -> np.ndarray:
    from qa.confidence import learned_confidence

    return np.array([learned_confidence(*r) for r in rows])


def utility(right: np.ndarray, answerable: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """Share of questions handled as the product should: answered rightly where the papers answer, refused where
    they do not. A wrong answer to an answerable question gains nothing, and neither does refusing it."""
    answered = scores >= threshold
    return float(np.mean((answered & (right == 1)) | (~answered & ~answerable)))


def _best_threshold(right: np.ndarray, answerable: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    best = max((utility(right, answerable, scores, t), -abs(t - 0.5), t) for t in THRESHOLDS)
    return best[2], best[0]


def _raw_weights(rows: np.ndarray, labels: np.ndarray) -> tuple[dict[str, float], float]:
    """The logistic fit on every row, its standardisation folded into plain weights and an intercept."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(max_iter=1000).fit((rows - mean) / scale, labels)
    coef = model.coef_[0] / scale
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * mean / scale))
    return {n: round(float(w), 4) for n, w in zip(NAMES, coef)}, round(bias, 4)


def gold_sets(args, settings):
    """(engine, gold items, settings, body of an item) for the sample papers (one body) and for the development set
    of other bodies' papers (its files' bodies, as `evals.groups` reads them)."""
    from boardqa.settings import Settings
    from evals.corpus_index import corpus_index
    from evals.gold import load_gold
    from evals.groups import item_groups, load_groups
    from qa.engine import Engine

    yield Engine.load(settings), load_gold(args.gold), settings, lambda item: "samples"
    outside = corpus_index(args.corpus, Settings.load())
    items = load_gold(args.corpus_gold or args.corpus / "gold.jsonl")
    bodies = item_groups(items, (), load_groups(args.groups) if args.groups.exists() else {})
    yield Engine.load(outside.settings), items, outside.settings, lambda item: bodies[item.id].body


def main(argv: list[str] | None = None) -> int:
    from boardqa.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="the sample papers' index (default: the settings' index)")
    parser.add_argument("--gold", type=Path, default=ROOT / "evals" / "gold" / "gold.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "papers")
    parser.add_argument("--corpus-gold", type=Path, default=None, help="default: CORPUS/gold.jsonl")
    parser.add_argument("--groups", type=Path, default=ROOT / "evals" / "gold" / "papers-groups.json")
    parser.add_argument("--write", action="store_true", help="store the fit in qa/confidence.json")
    parser.add_argument("--calibrate", action="store_true",
                        help="fit the shown confidence's map instead (Platt, leave-one-body-out); "
                             "with --write, store it")
    args = parser.parse_args(argv)

    settings = Settings.load()
    if args.index:
        settings.index_dir = args.index
    if args.calibrate:
        return _calibrate(args, settings)
    rows, labels, groups, answerable = [], [], [], []
    for engine, items, set_settings, group_of in gold_sets(args, settings):
        more = rows_of(engine, items, set_settings, group_of)
        rows, labels, groups, answerable = rows + more[0], labels + more[1], groups + more[2], answerable + more[3]
    x, y, a = np.asarray(rows, dtype=float), np.asarray(labels, dtype=int), np.asarray(answerable, dtype=bool)

    fitted = leave_one_group_out(x, y, groups, fit_logistic, metric=brier, metric_name="brier")
    threshold, held_utility = _best_threshold(y, a, fitted.held_out)
    current = _current(x)
    min_confidence = Settings().answer.min_confidence
    report = {
        "rows": len(y), "right": int(y.sum()), "bodies": len(fitted.groups), "threshold": threshold,
        "held_out": {"utility": held_utility, "brier": fitted.held_out_metric},
        "pooled": {"utility": utility(y, a, fitted.pooled, threshold), "brier": fitted.pooled_metric},
        "weights_in_use": {"utility": utility(y, a, current, min_confidence), "brier": brier(y, current)},
    }
    print(json.dumps(report, indent=1))
    if args.write:
        weights, bias = _raw_weights(x, y)
        shift = math.log(min_confidence / (1 - min_confidence)) - math.log(threshold / (1 - threshold))
        WEIGHTS_FILE.write_text(json.dumps({
            "weights": weights, "bias": round(bias + shift, 4),
            "note": (f"Fit by `python -m evals.fit_confidence --write` on {date.today().isoformat()}: logistic "
                     f"regression on {len(y)} single-part questions of both gold sets, {len(fitted.groups)} bodies; "
                     f"intercept moved so that min_confidence {min_confidence} is the fit's probability {threshold}."),
            "leave_one_body_out": report}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")
    return 0


def _calibrate(args, settings) -> int:
    scores, labels, groups = [], [], []
    for engine, items, _, group_of in gold_sets(args, settings):
        more = answered_scores(engine, items, group_of)
        scores, labels, groups = scores + more[0], labels + more[1], groups + more[2]
    report = calibration_report(scores, labels, groups)
    print(json.dumps(report, indent=1))
    if args.write:
        fit = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        fit["shown"] = {**report["shown"], "note": (
            f"Fit by `python -m evals.fit_confidence --calibrate --write` on {date.today().isoformat()}: Platt "
            f"scaling of the answerer's score on the {report['figures']['all']['answered']} questions answered (not "
            f"by number) of both gold sets, {report['bodies']} bodies; its figures held out body by body are in "
            "`calibration`."), "calibration": report["figures"]}
        WEIGHTS_FILE.write_text(json.dumps(fit, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
