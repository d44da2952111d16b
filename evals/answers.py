"""Answers files (JSON lines in the answer contract, from us or any other system) read and joined to the gold set."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from evals.gold import GoldItem
from evals.metrics import Outcome
from qa.contract import Answer, Citation


class AnswersFileError(ValueError):
    """An answers file that cannot be scored: names the file, the line and what is wrong."""


@dataclass(frozen=True)
class AnswerRecord:
    """One line of an answers file: its answer, the id it gave (if any) and its latency (if given)."""

    line: int
    id: str
    answer: Answer
    latency_ms: float | None = None


@dataclass
class Joined:
    """Answers matched to gold items; what could not be matched either way."""

    outcomes: list[Outcome]
    unknown: list[str] = field(default_factory=list)  # answers matching no gold item
    missing: list[str] = field(default_factory=list)  # gold item ids with no answer


def _citation(raw: object, index: int, where: str) -> Citation:
    if not isinstance(raw, dict):
        raise AnswersFileError(f"{where}: citation {index + 1} should be an object")
    for name in ("doc", "paper", "paragraph", "quote", "text", "reference", "role"):
        if name in raw and raw[name] is not None and not isinstance(raw[name], str):
            raise AnswersFileError(f"{where}: citation {index + 1} field {name!r} should be a string")
    try:
        n = int(raw.get("n", index + 1))
        score = float(raw.get("score") or 0.0)
        pages = [int(p) for p in raw.get("pages") or []]
    except (TypeError, ValueError) as exc:
        raise AnswersFileError(f"{where}: citation {index + 1} has a bad n, score or pages ({exc})") from exc
    # Outside systems give only some fields; the metrics need doc, paragraph, quote and text.
    return Citation(
        n=n, doc=raw.get("doc") or "", paper=raw.get("paper") or "", paragraph=str(raw.get("paragraph") or ""),
        pages=pages, reference=raw.get("reference") or "", quote=raw.get("quote") or "",
        text=raw.get("text") or "", score=score, role=raw.get("role") or "support",
    )


def _latency_ms(row: dict) -> float | None:
    # Ours write `timings: {"total_s": ...}`; other systems may give `latency_ms`.
    if row.get("latency_ms") is not None:
        return float(row["latency_ms"])
    timings = row.get("timings")
    if isinstance(timings, dict) and timings.get("total_s") is not None:
        return float(timings["total_s"]) * 1000
    return None


def parse_record(row: object, line: int, where: str) -> AnswerRecord:
    """One `AnswerRecord` from a decoded JSON line; `where` (`file:line`) prefixes errors."""
    if not isinstance(row, dict):
        raise AnswersFileError(f"{where}: expected a JSON object, got {type(row).__name__}")
    item_id = row.get("id")
    question = row.get("question")
    if item_id is not None and not isinstance(item_id, (str, int)):
        raise AnswersFileError(f"{where}: 'id' should be a string")
    if not isinstance(question, str) and item_id is None:
        raise AnswersFileError(f"{where}: needs an 'id' or a 'question' to join it with the gold set")
    if not isinstance(row.get("answer"), str):
        raise AnswersFileError(f"{where}: 'answer' should be a string (the answer text)")
    if not isinstance(row.get("abstained"), bool):
        raise AnswersFileError(f"{where}: 'abstained' should be true or false")
    citations = row.get("citations", [])
    if not isinstance(citations, list):
        raise AnswersFileError(f"{where}: 'citations' should be a list")
    cites = [_citation(c, i, where) for i, c in enumerate(citations)]
    try:
        confidence = float(row.get("confidence") or 0.0)
        latency = _latency_ms(row)
    except (TypeError, ValueError) as exc:
        raise AnswersFileError(f"{where}: 'confidence' and 'latency_ms' should be numbers ({exc})") from exc
    answer = Answer(question=question or "", answer=row["answer"], abstained=row["abstained"],
                    citations=cites, confidence=confidence)
    return AnswerRecord(line=line, id="" if item_id is None else str(item_id), answer=answer, latency_ms=latency)


def read_answers(path: Path | str) -> list[AnswerRecord]:
    """Every answer in a JSON-lines answers file, in file order (blank lines skipped).

    Raises:
        AnswersFileError: the file is unreadable or a line is not a valid answer; the message
            names the file and the line number.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(f"{path}: cannot read the answers file ({exc})") from exc
    records = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AnswersFileError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        records.append(parse_record(row, number, where))
    return records


def join_answers(items: list[GoldItem], records: list[AnswerRecord], source: str = "answers") -> Joined:
    """Pair each gold item with its answer: by `id`, else (no id, or an unknown one) by exact question text.

    Items without an answer get `Outcome(answer=None)` (scored as abstentions) and are listed
    in `missing`; answers that match no item are listed in `unknown` (`line N: id`).

    Raises:
        AnswersFileError: two answers claim the same gold item.
    """
    by_id = {item.id: item for item in items}
    by_question = {item.question: item for item in items}
    chosen: dict[str, AnswerRecord] = {}
    unknown = []
    for rec in records:
        item = by_id.get(rec.id) or by_question.get(rec.answer.question)
        if item is None:
            unknown.append(f"line {rec.line}: {rec.id or rec.answer.question[:60]!r}")
            continue
        if item.id in chosen:
            first = chosen[item.id].line
            raise AnswersFileError(f"{source}:{rec.line}: a second answer for gold item {item.id!r} "
                                   f"(first on line {first})")
        chosen[item.id] = rec
    outcomes = []
    for item in items:
        rec = chosen.get(item.id)
        outcomes.append(Outcome(item=item, answer=rec.answer if rec else None,
                                latency_ms=rec.latency_ms if rec else None))
    missing = [item.id for item in items if item.id not in chosen]
    return Joined(outcomes=outcomes, unknown=unknown, missing=missing)
