"""How sure an extractive answer is: a five-feature logistic rule (with a sentence embedder), else a lexical rule."""

from __future__ import annotations

import json
import math
from pathlib import Path

from corpus.front import names_body
from qa.evidence import dense_norm

_QUANTITIES = frozenset({"count", "rate", "money", "date", "time", "duration", "name"})


# Logistic regression on five features, fit leave-one-body-out on both gold sets by `evals/fit_confidence.py`
# and stored, with its held-out figures, in `qa/confidence.json`. Every weight has the sign it should: more
# coverage, meaning or the fact asked for raises confidence; a name or year the papers lack lowers it.
_FIT = json.loads((Path(__file__).with_name("confidence.json")).read_text(encoding="utf-8"))
_WEIGHTS = {name: float(_FIT["weights"][name]) for name in ("cover", "similarity", "fact", "absent", "elsewhere")}
_BIAS = float(_FIT["bias"])
# The confidence shown with an answer: the answerer's score mapped to the probability that the answer is right
# (Platt scaling, fit leave-one-body-out on both gold sets by `evals/fit_confidence.py --calibrate`). Monotone, so
# what is answered and what refused (the score against `answer.min_confidence`) does not change.
_SHOWN = _FIT.get("shown") or {"slope": 1.0, "intercept": 0.0}
_EDGE = 1e-4


def _logit(p: float) -> float:
    p = min(max(float(p), _EDGE), 1.0 - _EDGE)
    return math.log(p / (1.0 - p))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def shown_probability(score: float, shown: dict | None = None) -> float:
    """The probability that an answer of this score is right (`shown`: a Platt map, by default the stored one)."""
    shown = _SHOWN if shown is None else shown
    return _sigmoid(float(shown["slope"]) * _logit(score) + float(shown["intercept"]))


def score_of(probability: float, shown: dict | None = None) -> float:
    """The answerer's score an answer shown with `probability` had (`shown_probability` inverted)."""
    shown = _SHOWN if shown is None else shown
    return _sigmoid((_logit(probability) - float(shown["intercept"])) / float(shown["slope"]))


def learned_confidence(cover: float, similarity: float, fact: float, absent: bool, elsewhere: bool) -> float:
    """Confidence from the key words covered, the best cosine of the chosen sentences to the question,
    whether the kind of fact asked for is there, and names or years missing from the papers (or from
    the paragraphs answering)."""
    return _sigmoid(_BIAS + sum(w * v for w, v in zip(_WEIGHTS.values(), (cover, similarity, fact, absent, elsewhere))))


def lexical_confidence(expected: frozenset[str], specifics, cover: float, dense: float, fact: float,
                       absent: list[str], elsewhere: list[str]) -> float:
    """Confidence without a sentence embedder: coverage gates everything, a close paragraph embedding
    or the right kind of figure cannot make up for key words the chosen sentences lack."""
    conf = cover * (0.6 + 0.4 * dense_norm(dense) if dense > 0 else 0.85) * _fact_factor(expected, fact)
    if absent:
        return conf * 0.3
    if elsewhere:
        # "burglaries in Coventry" answered from a paragraph without Coventry answers another question
        # (or a body the question names: the answer is another body's)
        restrictive = any(c.restrictive or c.numeric or names_body(c.name) for c in specifics if c.name in elsewhere)
        return conf * (0.35 if restrictive else 0.6)
    return conf


def _fact_factor(expected: frozenset[str], fact: float) -> float:
    """A "how many" answered without a count is no answer; a "who" without a name is a weaker one."""
    if fact or not expected:
        return 1.0
    return 0.35 if expected & _QUANTITIES else 0.75
