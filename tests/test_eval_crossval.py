"""Leave-one-body-out cross-validation and the reliability table, on small hand-checked data."""

from __future__ import annotations

import numpy as np
import pytest

from evals.crossval import accuracy, brier, fit_isotonic, fit_logistic, leave_one_group_out
from evals.gold import GoldEntry, GoldItem
from evals.metrics import Outcome
from evals.reliability import expected_calibration_error, lobo_confidence, reliability, reliability_table
from qa.contract import REFUSAL, Answer


def mean_fit(rows, labels):
    """Predicts the training labels' mean everywhere: its held-out prediction for a group is the others' rate."""
    value = float(np.mean(labels))
    return lambda x: np.full(len(x), value)


def test_each_group_is_predicted_by_a_model_that_never_saw_it():
    labels = [1, 1, 0, 0, 0, 1]
    groups = ["a", "a", "b", "b", "c", "c"]
    r = leave_one_group_out(np.zeros((6, 1)), labels, groups, mean_fit)
    # held out a: mean of b, c = 1/4; b: mean of a, c = 3/4; c: mean of a, b = 2/4
    assert r.held_out.tolist() == [0.25, 0.25, 0.75, 0.75, 0.5, 0.5]
    assert r.pooled.tolist() == [0.5] * 6
    assert r.groups == ("a", "b", "c")
    # accuracy at 0.5: held out -> predictions 0,0,1,1,1,1 vs 1,1,0,0,0,1 -> 1 of 6; pooled all 1 -> 3 of 6
    assert r.held_out_metric == pytest.approx(1 / 6) and r.pooled_metric == pytest.approx(0.5)
    assert r.gap == pytest.approx(0.5 - 1 / 6)
    assert r.by_group == {"a": 0.0, "b": 0.0, "c": 0.5}


def test_a_rule_that_only_fits_its_own_body_shows_a_gap():
    # Each body has its own wording (feature value) and its own outcome; a rule that memorises wordings is perfect
    # pooled and no better than chance on a body it has not seen.
    def memorise(rows, labels):
        seen = {float(r[0]): float(v) for r, v in zip(rows, labels)}
        return lambda x: np.array([seen.get(float(r[0]), 0.4) for r in x])

    groups = np.repeat(["a", "b", "c", "d"], 5)
    rows = np.repeat([[1.0], [2.0], [3.0], [4.0]], 5, axis=0)
    labels = np.repeat([1, 0, 0, 1], 5)
    r = leave_one_group_out(rows, labels, groups, memorise)
    assert r.pooled_metric == 1.0
    assert r.held_out_metric == 0.5 and r.gap == 0.5      # unseen wording -> 0.4 -> "no", right for b and c only


def test_a_rule_that_holds_for_every_body_transfers():
    rng = np.random.default_rng(1)
    groups = np.repeat(["a", "b", "c"], 40)
    x = rng.standard_normal((120, 1))
    y = (x[:, 0] > 0).astype(int)
    r = leave_one_group_out(x, y, groups, fit_logistic)
    assert r.held_out_metric > 0.9 and abs(r.gap) < 0.05


def test_a_training_fold_with_one_class_predicts_its_rate():
    predict = fit_logistic(np.zeros((3, 1)), np.array([1, 1, 1]))
    assert predict(np.zeros((2, 1))).tolist() == [1.0, 1.0]
    iso = fit_isotonic(np.array([[0.1], [0.9], [0.5], [0.7]]), np.array([0, 1, 0, 1]))
    assert iso(np.array([[0.05], [0.95]])).tolist() == [0.0, 1.0]


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="two or more groups"):
        leave_one_group_out([[0], [1]], [0, 1], ["a", "a"], mean_fit)
    with pytest.raises(ValueError, match="differ in length"):
        leave_one_group_out([[0], [1]], [0], ["a", "b"], mean_fit)


def test_accuracy_and_brier_by_hand():
    assert accuracy(np.array([1, 0, 1]), np.array([0.9, 0.2, 0.4])) == pytest.approx(2 / 3)
    assert brier(np.array([1, 0]), np.array([0.8, 0.4])) == pytest.approx((0.04 + 0.16) / 2)


def test_reliability_bins_by_hand():
    table = reliability_table([0.05, 0.15, 0.12, 0.95, 1.0], [False, True, False, True, True], bins=10)
    assert [b.count for b in table] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert table[1].mean_confidence == pytest.approx(0.135) and table[1].accuracy == 0.5
    assert table[9].accuracy == 1.0 and table[2].accuracy is None
    # ECE = (1*|0-0.05| + 2*|0.5-0.135| + 2*|1-0.975|) / 5
    assert expected_calibration_error(table) == pytest.approx((0.05 + 0.73 + 0.05) / 5)
    assert expected_calibration_error(reliability_table([], [])) is None


def _outcome(i, answerable, text, confidence, abstained=False):
    gold = (GoldEntry(doc="d.pdf", label="1", evidence="e"),) if answerable else ()
    item = GoldItem(id=f"q{i}", split="all", kind="k", question="q", answer="", facts=("31",) if answerable else (),
                    gold=gold, answerable=answerable)
    return Outcome(item=item, answer=Answer("q", REFUSAL if abstained else text, abstained, [], confidence))


def test_reliability_counts_answered_questions_only_and_wrong_answers_to_unanswerable_ones():
    outs = [_outcome(1, True, "31 [1].", 0.88), _outcome(2, True, "30 [1].", 0.85), _outcome(3, False, "5 [1].", 0.8),
            _outcome(4, True, "", 0.1, abstained=True)]
    rel = reliability(outs)
    assert rel["answered"] == 3
    eighty = [b for b in rel["bins"] if b["count"]]
    assert [(b["lo"], b["count"], b["accuracy"]) for b in eighty] == [(0.8, 3, pytest.approx(1 / 3))]


def test_lobo_confidence_needs_three_bodies():
    outs = [_outcome(i, True, "31 [1]." if i % 2 else "no [1].", 0.9 if i % 2 else 0.2) for i in range(12)]
    bodies = {f"q{i}": "abc"[i % 3] for i in range(12)}
    result = lobo_confidence(outs, bodies)
    assert result["held_out"] == 1.0 and set(result["by_group"]) == {"a", "b", "c"}
    assert lobo_confidence(outs, {f"q{i}": "ab"[i % 2] for i in range(12)}) is None


def test_the_confidence_fit_scores_answering_rightly_and_refusing_what_the_papers_do_not_answer():
    import numpy as np

    from evals.fit_confidence import utility

    right = np.array([1, 0, 0, 0])
    answerable = np.array([True, True, False, False])
    scores = np.array([0.9, 0.8, 0.2, 0.6])
    # answered rightly (row 0), refused an unanswerable one (row 2); a wrong answer and a wrong refusal gain nothing
    assert utility(right, answerable, scores, 0.5) == 0.5
    assert utility(right, answerable, scores, 0.95) == 0.5  # refusing all: the two unanswerable ones only


def test_the_confidence_weights_are_data_beside_their_fit():
    import json
    from pathlib import Path

    import qa.confidence as confidence

    stored = json.loads((Path(confidence.__file__).with_name("confidence.json")).read_text())
    assert confidence._WEIGHTS == stored["weights"] and confidence._BIAS == stored["bias"]
    assert confidence.learned_confidence(1.0, 0.8, 1.0, False, False) > confidence.learned_confidence(0.2, 0.3, 0.0,
                                                                                                     True, False)


def test_the_shown_confidence_is_a_monotone_map_of_the_score_so_refusals_do_not_change():
    from qa.confidence import score_of, shown_probability

    shown = {"slope": 0.73, "intercept": 1.1}
    scores = np.linspace(0.01, 0.99, 99)
    probabilities = [shown_probability(s, shown) for s in scores]
    assert all(a < b for a, b in zip(probabilities, probabilities[1:]))  # the same order: the same threshold
    assert all(abs(score_of(p, shown) - s) < 1e-9 for p, s in zip(probabilities, scores))
    assert shown_probability(0.4, {"slope": 1.0, "intercept": 0.0}) == pytest.approx(0.4)  # identity
    # an answer's shown confidence is the stored map of the score its note gives
    from boardqa.settings import Settings
    from corpus.records import Paragraph
    from index.results import Hit
    from qa.extractive import answer_extractive

    p = Paragraph(doc_id="d@1", doc="d.txt", doc_title="D", paper="Performance", label="3.7", pages=(1,), seq=0,
                  text="In 2024/25, there were 31 homicides recorded, a reduction of 14 on the year before.")
    answer = answer_extractive("How many homicides were recorded in 2024/25?", [Hit(p, 1.0, 0.7, 3.0)], Settings())
    score = float(answer.note.rsplit("conf ", 1)[1])
    assert not answer.abstained and answer.confidence == pytest.approx(shown_probability(score), abs=0.006)


def test_platt_scaling_held_out_body_by_body_corrects_a_score_that_is_too_low():
    from evals.fit_confidence import calibration_report, fit_platt

    rng = np.random.default_rng(7)
    scores = rng.uniform(0.3, 0.9, 600)
    right = (rng.uniform(0, 1, 600) < np.clip(scores + 0.15, 0, 1)).astype(int)  # right more often than it says
    groups = [f"body{i % 6}" for i in range(600)]
    report = calibration_report(scores.tolist(), right.tolist(), groups)
    figures = report["figures"]["all"]
    assert figures["ece_held_out"] < figures["ece_raw"] / 2 and figures["brier_held_out"] < figures["brier_raw"]
    assert report["shown"]["slope"] > 0 and report["bodies"] == 6
    one_class = fit_platt(np.array([0.5, 0.6]), np.array([1, 1]))  # no slope can be learned: the class's rate
    assert one_class == {"slope": 0.0, "intercept": pytest.approx(9.21, abs=0.01)}
