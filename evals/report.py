"""Scores as a report: Markdown tables (overall, by kind, by body, by document), JSON, and a PNG chart."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from evals.metrics import METRICS, Outcome, score, score_by_kind, score_by_group

Scores = dict[str, float | int | None]
# split -> system -> {"overall": Scores, "by_kind": {kind: Scores}}
Results = dict[str, dict[str, dict]]

HEADERS = {
    "items": "n", "answerable": "answerable", "recall@1": "R@1", "recall@5": "R@5", "recall@10": "R@10", "mrr": "MRR",
    "answer_accuracy": "answer acc", "citation_precision": "cite P", "citation_recall": "cite R", "gold_cited": "gold cited",
    "abstention_precision": "abstain P", "abstention_recall": "abstain R",
    "false_abstention_rate": "false abstain", "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms",
}
TABLE_COLUMNS = ("items", *METRICS)
KIND_COLUMNS = ("items", "recall@5", "answer_accuracy", "citation_precision", "citation_recall", "abstention_recall")
GROUP_COLUMNS = ("items", "answerable", "recall@5", "answer_accuracy", "citation_recall", "abstention_recall",
                 "false_abstention_rate")
GROUPINGS = {"by_body": "body", "by_doc": "document"}
CHART_METRICS = ("recall@5", "mrr", "answer_accuracy", "citation_precision", "citation_recall", "abstention_recall")
FILES = ("report.md", "report.json", "report.png")


def score_systems(outcomes: Mapping[str, Sequence[Outcome]], groups: Mapping | None = None) -> dict[str, dict]:
    """`{system: {"overall": scores, "by_kind": {kind: scores}}}` for one split.

    With `groups` (`{question id: evals.groups.Group}`), also `"by_body"` and `"by_doc"`.
    """
    out = {}
    for name, outs in outcomes.items():
        out[name] = {"overall": score(outs), "by_kind": score_by_kind(outs)}
        if groups:
            out[name]["by_body"] = score_by_group(outs, {k: g.body for k, g in groups.items()})
            out[name]["by_doc"] = score_by_group(outs, {k: g.doc for k, g in groups.items()})
    return out


def cell(name: str, value: float | int | None) -> str:
    """A table cell: `–` for not measured, whole ms for latency, counts as is, rates to 3 places."""
    if value is None:
        return "–"
    if name.startswith("latency"):
        return f"{value:.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def split_tables(split: str, systems: Mapping[str, dict]) -> str:
    """Markdown for one split: the overall table (a row per system) and the by-kind table."""
    overall = [[name, *(cell(c, s["overall"].get(c)) for c in TABLE_COLUMNS)] for name, s in systems.items()]
    by_kind = [[name, kind, *(cell(c, ks.get(c)) for c in KIND_COLUMNS)]
               for name, s in systems.items() for kind, ks in s["by_kind"].items()]
    lines = [f"## Split: {split}", ""]
    lines += _table(["system", *(HEADERS[c] for c in TABLE_COLUMNS)], overall)
    lines += ["", f"### By kind ({split})", ""]
    lines += _table(["system", "kind", *(HEADERS[c] for c in KIND_COLUMNS)], by_kind)
    # By body and by document for the first system only (the system, or the answers file); JSON has every system.
    first = next(iter(systems), None)
    for key, what in GROUPINGS.items():
        if first is None or key not in systems[first]:
            continue
        rows = [[group, *(cell(c, gs.get(c)) for c in GROUP_COLUMNS)] for group, gs in systems[first][key].items()]
        lines += ["", f"### By {what} ({split}, {first})", ""]
        lines += _table([what, *(HEADERS.get(c, c) for c in GROUP_COLUMNS)], rows)
    return "\n".join(lines) + "\n"


Sections = Mapping[str, tuple[str, object]]  # name -> (Markdown, JSON) of an extra part (inventory, reliability)


def markdown(results: Results, notes: Sequence[str] = (), sections: Sections | None = None) -> str:
    """The whole report as Markdown: one section per split, extra sections, notes (unknown ids, ...) at the end."""
    parts = ["# Evaluation", "",
             "Rates are 0-1; `–` means not measurable here (no such items, no citations, or no ranking "
             "in an answers file). A missing answer counts as an abstention.", ""]
    parts += [split_tables(split, systems) for split, systems in results.items()]
    parts += [text for text, _ in (sections or {}).values()]
    if notes:
        parts += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(parts)


def to_json(results: Results, notes: Sequence[str] = (), meta: Mapping | None = None,
            sections: Sections | None = None) -> dict:
    """The report as one JSON-ready dict: `{"meta", "splits": results, <section>: ..., "notes"}`."""
    extra = {name: data for name, (_, data) in (sections or {}).items()}
    return {"meta": dict(meta or {}), "metrics": list(METRICS), "splits": results, **extra, "notes": list(notes)}


def _kind_score(scores: Mapping) -> float:
    # Unanswerable kinds have no accuracy: abstaining is their correct answer.
    value = scores.get("answer_accuracy")
    if value is None:
        value = scores.get("abstention_recall")
    return float(value or 0.0)


def _bars(ax, groups: Sequence[str], series: Mapping[str, Sequence[float]], title: str) -> None:
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        ax.bar([g + i * width for g in range(len(groups))], values, width, label=name)
    ax.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))])
    ax.set_xticklabels(groups, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)


def write_chart(results: Results, path: Path) -> Path:
    """A PNG: per split, key metrics by system (left) and answers right by question kind (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = max(1, len(results))
    fig, axes = plt.subplots(rows, 2, figsize=(13, 4.2 * rows), squeeze=False)
    for row, (split, systems) in enumerate(results.items()):
        metric_series = {name: [float(s["overall"].get(m) or 0.0) for m in CHART_METRICS]
                         for name, s in systems.items()}
        _bars(axes[row][0], [HEADERS[m] for m in CHART_METRICS], metric_series, f"{split}: metrics by system")
        kinds = list(dict.fromkeys(k for s in systems.values() for k in s["by_kind"]))
        kind_series = {name: [_kind_score(s["by_kind"].get(k, {})) for k in kinds] for name, s in systems.items()}
        _bars(axes[row][1], kinds, kind_series, f"{split}: correct by kind (unanswerable: abstained)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write_report(folder: Path | str, results: Results, notes: Sequence[str] = (),
                 meta: Mapping | None = None, sections: Sections | None = None) -> list[Path]:
    """Write `report.md`, `report.json` and `report.png` into `folder` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    md, js, png = (folder / name for name in FILES)
    md.write_text(markdown(results, notes, sections), encoding="utf-8")
    js.write_text(json.dumps(to_json(results, notes, meta, sections), indent=2) + "\n", encoding="utf-8")
    write_chart(results, png)
    return [md, js, png]
