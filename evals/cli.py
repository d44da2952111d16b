"""`boardqa eval`: score the system and its baselines (or an answers file) on a gold set, or the chunker's labels
against an inventory (`--inventory`); check thresholds."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from evals.baselines import SYSTEMS
from evals.gold import DEFAULT_GOLD, SPLITS, GoldItem
from evals.metrics import METRICS, bound_missed

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"
RETRIEVAL_METRICS = ("recall@1", "recall@5", "recall@10", "mrr")
ANSWERS_NAME = "answers"


class ThresholdsError(ValueError):
    """A thresholds file that cannot be used: names the file and what is wrong."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `eval` options to `parser` (the `boardqa eval` subparser)."""
    parser.add_argument("--gold", type=Path, help="gold set, JSON lines (default: the bundled one, unless only "
                                                  "--inventory is given)")
    parser.add_argument("--inventory", type=Path, metavar="FILE",
                        help="score the chunker's printed labels, text coverage and pages against this inventory "
                             "(JSON {file: {papers: [{title, labels}], traps}})")
    parser.add_argument("--corpus", type=Path, metavar="DIR",
                        help="folder of papers: the inventory's files (default: the inventory's folder), and the "
                             "corpus the gold questions are asked of (indexed in a cache, not in --index)")
    parser.add_argument("--split", choices=[*SPLITS, "all"],
                        help="score one split, or all items together (default: dev, test and all, one table each)")
    parser.add_argument("--answers", type=Path,
                        help="score this answers file (JSON lines in the answer contract, with `id`) instead of "
                             "running the system")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON instead of tables")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write report.md, report.json and report.png here")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated systems to run (default: {','.join(SYSTEMS)})")
    parser.add_argument("--check-thresholds", action="store_true",
                        help="exit 1 if a metric of the system is below its threshold in evals/thresholds.json")
    parser.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS, help=argparse.SUPPRESS)
    parser.add_argument("--gate", metavar="NAME",
                        help="with --check-thresholds and --corpus: the `gold_sets` section of evals/thresholds.json "
                             "to check (default: the corpus folder's name)")
    parser.add_argument("--groups", type=Path, metavar="FILE",
                        help="JSON {doc name or question id: body} for the tables by body (default: the records' "
                             "body, else the file name's part before the first `_`)")
    # The top-level CLI may already give every subcommand these.
    if "--index" not in parser._option_string_actions:
        parser.add_argument("--index", help="index folder (default: $BOARDQA_INDEX or ~/.local/share/boardqa/index)")
    if "--model" not in parser._option_string_actions:
        parser.add_argument("--model", help="sentence-transformers model name or folder")


def _splits(requested: str | None, items: Sequence[GoldItem] = ()) -> list[str]:
    # Without --split: each split the gold set uses on its own, plus all together (what thresholds are set on).
    if requested:
        return [requested]
    return [*(s for s in SPLITS if any(i.split == s for i in items)), "all"]


def _in_split(item: GoldItem, split: str) -> bool:
    return split == "all" or item.split == split


def _settings(args: argparse.Namespace):
    from boardqa.settings import Settings

    return Settings.load(index_dir=getattr(args, "index", None), embedding__model=getattr(args, "model", None))


def _progress(name: str, done: int, total: int) -> None:
    if done == total or done % min(25, max(1, total // 5)) == 0:
        print(f"eval {name}: {done}/{total}", file=sys.stderr, flush=True)


def _outcomes(args: argparse.Namespace, items: list[GoldItem], needed: list[GoldItem], notes: list[str],
              settings=None, sources: Sequence[Path] | None = None) -> dict:
    if args.answers:
        from evals.answers import join_answers, read_answers

        joined = join_answers(items, read_answers(args.answers), str(args.answers))
        if joined.unknown:
            notes.append(f"{len(joined.unknown)} answer(s) match no gold item: {'; '.join(joined.unknown[:10])}")
        wanted = {i.id for i in needed}
        missing = [m for m in joined.missing if m in wanted]
        if missing:
            shown = ", ".join(missing[:20])
            notes.append(f"{len(missing)} gold item(s) have no answer (scored as abstentions): {shown}")
        return {ANSWERS_NAME: [o for o in joined.outcomes if o.item.id in wanted]}
    from evals.baselines import check_systems, run_systems

    names = check_systems([n.strip() for n in args.systems.split(",") if n.strip()])
    return run_systems(names, needed, settings or _settings(args), sources=sources, progress=_progress)


def load_thresholds(path: Path | str) -> dict:
    """`{"split": ..., "system": {metric: value, "<metric>_max": value}}` from a thresholds file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ThresholdsError(f"{path}: cannot read thresholds ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("system"), dict):
        raise ThresholdsError(f"{path}: expected {{\"split\": \"all\", \"system\": {{metric: value}}}}")
    _check_system_section(path, data["system"])
    sets = data.get("gold_sets", {})
    if not isinstance(sets, dict) or not all(isinstance(v, dict) and isinstance(v.get("system"), dict)
                                             for v in sets.values()):
        raise ThresholdsError(f"{path}: `gold_sets` should be {{name: {{\"split\": ..., \"system\": {{...}}}}}}")
    for section in sets.values():
        _check_system_section(path, section["system"])
    _check_inventory_section(path, data.get("inventory", {}))
    return data


def _check_system_section(path: Path, section: dict) -> None:
    for key, value in section.items():
        metric = key.removesuffix("_max")
        if metric not in METRICS:
            known = ", ".join(METRICS)
            raise ThresholdsError(f"{path}: unknown metric {key!r}; use one of {known} (`<metric>_max` for a maximum)")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ThresholdsError(f"{path}: threshold {key!r} should be a number, got {value!r}")


def gold_thresholds(thresholds: Mapping, args: argparse.Namespace) -> Mapping:
    """The thresholds this gold run is checked against: the top level for the bundled gold set, else a `gold_sets`
    section named by `--gate` (default: the corpus folder's name)."""
    if not args.corpus and not args.gate:
        return thresholds
    name = args.gate or Path(args.corpus).resolve().name
    sets = thresholds.get("gold_sets", {})
    if name not in sets:
        known = ", ".join(sets) or "none"
        raise ThresholdsError(f"{args.thresholds}: no `gold_sets` section {name!r} to check this gold set against "
                              f"(--gate NAME; sections: {known})")
    return sets[name]


def _check_inventory_section(path: Path, section: object) -> None:
    from evals.inventory import INVENTORY_BOUNDS

    if not isinstance(section, dict):
        raise ThresholdsError(f"{path}: `inventory` should be an object {{bound: value}}")
    for key, value in section.items():
        if key == "note":
            continue
        if key not in INVENTORY_BOUNDS:
            raise ThresholdsError(f"{path}: unknown inventory bound {key!r}; use one of {', '.join(INVENTORY_BOUNDS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ThresholdsError(f"{path}: inventory bound {key!r} should be a number, got {value!r}")


def check_thresholds(results: Mapping[str, Mapping[str, dict]], thresholds: Mapping, system: str = "system",
                     skip: Sequence[str] = ()) -> list[str]:
    """Every threshold `system` misses, as a line for people; empty when all are met.

    `<metric>_max` is an upper bound, any other key a lower bound. A metric that could not be
    measured fails its threshold, except those in `skip` (retrieval, for an answers file).
    """
    split = thresholds.get("split", "all")
    if split not in results:
        return [f"thresholds are set on split {split!r}, which this run did not score (drop --split)"]
    if system not in results[split]:
        return [f"thresholds are set on {system!r}, which this run did not score"]
    scores = results[split][system]["overall"]
    failures = []
    for key, bound in thresholds["system"].items():
        metric, is_max = (key[:-4], True) if key.endswith("_max") else (key, False)
        if metric in skip:
            continue
        missed = bound_missed(metric, scores.get(metric), bound, is_max, where=split)
        if missed:
            failures.append(missed)
    return failures


def run_inventory(args: argparse.Namespace, thresholds: Mapping | None) -> tuple[str, dict, list[str]]:
    """The inventory check: (Markdown, JSON, threshold failures)."""
    from evals.inventory import check, load_inventory, markdown, score_inventory

    inventory = load_inventory(args.inventory)
    corpus = args.corpus or args.inventory.resolve().parent
    settings = _settings(args)
    scores = score_inventory(inventory, corpus, max_bytes=settings.max_file_bytes,
                             max_chars=settings.chunker.max_chars,
                             strip_running=settings.chunker.strip_running_lines, progress=_progress)
    failures = check(scores.overall, thresholds.get("inventory", {})) if thresholds is not None else []
    return markdown(scores, str(args.inventory)), scores.to_json(), failures


def _corpus(args: argparse.Namespace, notes: list[str]):
    """(settings, sources) of the run: a cached corpus index with --corpus, else --index."""
    if not args.corpus or args.answers:  # an answers file is scored as it is: nothing to index
        return _settings(args), None
    from evals.corpus_index import corpus_index

    built = corpus_index(args.corpus, _settings(args), progress=_progress)
    print(f"eval corpus {args.corpus}: {len(built.files)} files, "
          f"{'cached' if built.reused else 'indexed'} at {built.settings.index_dir}", file=sys.stderr)
    notes.extend(f"not indexed: {n}" for n in built.notes)
    return built.settings, list(built.files)


def _paragraphs(settings) -> list:
    """The indexed records (for the bodies they name); none when there is no index."""
    from index import Index

    return Index.load(settings.index_dir, missing_ok=True, verify=False).paragraphs


def run(args: argparse.Namespace) -> int:
    """Run `boardqa eval`; 0 when done (and thresholds met), 1 when a threshold is missed, 2 on bad input."""
    if args.inventory and not args.gold:
        return _run_inventory_only(args)
    args.gold = args.gold or DEFAULT_GOLD
    from evals.answers import AnswersFileError
    from evals.baselines import UnknownSystem
    from evals.corpus_index import CorpusError
    from evals.gold import GoldFileError, load_gold
    from evals.groups import GroupsFileError, item_groups, load_groups
    from evals.inventory import InventoryFileError
    from evals.report import markdown, score_systems, to_json, write_report

    try:
        items = load_gold(args.gold)
        thresholds = load_thresholds(args.thresholds) if args.check_thresholds else None
        gate = gold_thresholds(thresholds, args) if thresholds is not None else None
        overrides = load_groups(args.groups) if args.groups else {}
        splits = _splits(args.split, items)
        needed = [i for i in items if any(_in_split(i, s) for s in splits)]
        notes: list[str] = []
        settings, sources = _corpus(args, notes)
        outcomes = _outcomes(args, items, needed, notes, settings, sources)
        paragraphs = [] if args.answers else _paragraphs(settings)
        extra = run_inventory(args, thresholds) if args.inventory else None
    except (GoldFileError, AnswersFileError, ThresholdsError, UnknownSystem, CorpusError, GroupsFileError,
            InventoryFileError) as exc:
        print(f"boardqa eval: {exc}", file=sys.stderr)
        return 2
    groups = item_groups(needed, paragraphs, overrides)
    results = {s: score_systems({name: [o for o in outs if _in_split(o.item, s)] for name, outs in outcomes.items()},
                                groups)
               for s in splits}
    meta = {"gold": str(args.gold), "answers": str(args.answers) if args.answers else None,
            "corpus": str(args.corpus) if args.corpus else None, "systems": list(outcomes), "splits": splits}
    sections = _confidence_section(outcomes, groups)
    if extra:
        sections["inventory"] = (extra[0], extra[1])
    if args.json:
        print(json.dumps(to_json(results, notes, meta, sections), indent=2))
    else:
        print(markdown(results, notes, sections))
    if args.report:
        for path in write_report(args.report, results, notes, meta, sections):
            print(f"wrote {path}", file=sys.stderr)
    if gate is not None:
        system = ANSWERS_NAME if args.answers else "system"
        failures = check_thresholds(results, gate, system, RETRIEVAL_METRICS if args.answers else ())
        failures += extra[2] if extra else []
        for line in failures:
            print(f"threshold missed: {line}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def _confidence_section(outcomes: Mapping[str, Sequence], groups: Mapping) -> dict:
    """The reliability table and leave-one-body-out check of the first system's confidence (all questions)."""
    from evals import reliability

    if not outcomes:
        return {}
    name, outs = next(iter(outcomes.items()))
    rel = reliability.reliability(outs)
    lobo = reliability.lobo_confidence(outs, {k: g.body for k, g in groups.items()})
    return {"confidence": (reliability.markdown(name, rel, lobo), {"system": name, "reliability": rel, "lobo": lobo})}


def _run_inventory_only(args: argparse.Namespace) -> int:
    from evals.inventory import InventoryFileError

    try:
        thresholds = load_thresholds(args.thresholds) if args.check_thresholds else None
        if thresholds is not None and not thresholds.get("inventory"):
            raise ThresholdsError(f"{args.thresholds}: no `inventory` section to check against")
        text, data, failures = run_inventory(args, thresholds)
    except (InventoryFileError, ThresholdsError) as exc:
        print(f"boardqa eval: {exc}", file=sys.stderr)
        return 2
    report = {"meta": {"inventory": str(args.inventory), "corpus": str(args.corpus or args.inventory.parent)},
              "inventory": data}
    print(json.dumps(report, indent=2) if args.json else text)
    if args.report:
        args.report.mkdir(parents=True, exist_ok=True)
        for name, body in (("report.md", f"# Evaluation\n\n{text}"), ("report.json", json.dumps(report, indent=2))):
            (args.report / name).write_text(body + "\n", encoding="utf-8")
            print(f"wrote {args.report / name}", file=sys.stderr)
    for line in failures:
        print(f"threshold missed: {line}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.cli ...`, the same as `boardqa eval ...`."""
    parser = argparse.ArgumentParser(prog="boardqa eval", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
