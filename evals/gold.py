"""The gold set: load and validate `gold.jsonl` (questions, facts, `any_of` groups, gold paragraphs), pick a split.

A row without `split` (an outside gold set such as `../shared/papers/gold.jsonl`) is in its own split, `all`.
`any_of` lists groups of alternative spellings, one of each group must appear in the answer: each group becomes
one fact that is a tuple of alternatives, beside the plain `facts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SPLITS = ("dev", "test")
NO_SPLIT = "all"
DEFAULT_GOLD = Path(__file__).resolve().parent / "gold" / "gold.jsonl"


class GoldFileError(ValueError):
    """A gold file that cannot be read: names the file, the line and what is wrong."""


@dataclass(frozen=True)
class GoldEntry:
    """One paragraph that answers a question, and the words in it that do."""

    doc: str
    label: str
    evidence: str
    paper: str = ""
    part: str = ""


@dataclass(frozen=True)
class GoldItem:
    """One question of the gold set.

    `facts` are what a correct answer must state; each is a string or, where the papers
    allow two spellings the normaliser does not fold (`£1.2m` / `£1.2 million`), a tuple
    of alternatives of which any one will do.
    """

    id: str
    split: str
    kind: str
    question: str
    answer: str
    facts: tuple[str | tuple[str, ...], ...]
    gold: tuple[GoldEntry, ...]
    answerable: bool


def _require(row: dict, name: str, kind: type | tuple[type, ...], where: str) -> object:
    if name not in row:
        raise GoldFileError(f"{where}: missing field {name!r}")
    value = row[name]
    if not isinstance(value, kind):
        want = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise GoldFileError(f"{where}: field {name!r} should be {want}, got {type(value).__name__}")
    return value


def _entry(raw: object, where: str) -> GoldEntry:
    if not isinstance(raw, dict):
        raise GoldFileError(f"{where}: each `gold` entry should be an object")
    for name in ("doc", "label", "evidence"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise GoldFileError(f"{where}: a `gold` entry has no {name!r} (a non-empty string)")
    return GoldEntry(doc=raw["doc"], label=raw["label"], evidence=raw["evidence"],
                     paper=str(raw.get("paper") or ""), part=str(raw.get("part") or ""))


def _fact(raw: object, where: str) -> str | tuple[str, ...]:
    if isinstance(raw, str) and raw.strip():
        return raw
    if isinstance(raw, list) and raw and all(isinstance(a, str) and a.strip() for a in raw):
        return tuple(raw)
    raise GoldFileError(f"{where}: each fact should be a non-empty string or a list of alternative strings")


def _group(raw: object, where: str) -> tuple[str, ...]:
    if isinstance(raw, list) and raw and all(isinstance(a, str) and a.strip() for a in raw):
        return tuple(raw)
    raise GoldFileError(f"{where}: each `any_of` group should be a non-empty list of alternative strings")


def parse_item(row: object, where: str) -> GoldItem:
    """One validated `GoldItem` from a decoded JSON line; `where` (`file:line`) prefixes errors."""
    if not isinstance(row, dict):
        raise GoldFileError(f"{where}: expected a JSON object, got {type(row).__name__}")
    item_id = _require(row, "id", str, where)
    split = _require(row, "split", str, where) if "split" in row else NO_SPLIT
    if split not in (*SPLITS, NO_SPLIT):
        raise GoldFileError(f"{where}: split {split!r} should be one of {', '.join(SPLITS)} (or no split field)")
    answerable = _require(row, "answerable", bool, where)
    facts = tuple(_fact(f, where) for f in _require(row, "facts", list, where))
    facts += tuple(_group(g, where) for g in (_require(row, "any_of", list, where) if "any_of" in row else []))
    gold = tuple(_entry(g, where) for g in _require(row, "gold", list, where))
    if answerable and not facts:
        raise GoldFileError(f"{where}: answerable item {item_id!r} lists no facts nor `any_of` groups, so its answer "
                             "could never be scored")
    if answerable and not gold:
        raise GoldFileError(f"{where}: answerable item {item_id!r} lists no gold paragraphs")
    if not answerable and gold:
        raise GoldFileError(f"{where}: unanswerable item {item_id!r} should have no gold paragraphs")
    return GoldItem(
        id=item_id, split=split, kind=str(_require(row, "kind", str, where)),
        question=str(_require(row, "question", str, where)), answer=str(row.get("answer") or ""),
        facts=facts, gold=gold, answerable=answerable,
    )


def load_gold(path: Path | str = DEFAULT_GOLD) -> list[GoldItem]:
    """Every item of a gold file, in file order.

    Raises:
        GoldFileError: the file is missing, a line is not valid JSON or misses a field, or two
            items share an id; the message names the file and line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldFileError(f"{path}: cannot read the gold file ({exc.strerror or exc}); pass --gold FILE") from exc
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        item = parse_item(row, where)
        if item.id in seen:
            raise GoldFileError(f"{where}: id {item.id!r} already used on line {seen[item.id]}")
        seen[item.id] = number
        items.append(item)
    if not items:
        raise GoldFileError(f"{path}: the gold file holds no items")
    return items


def select_split(items: list[GoldItem], split: str) -> list[GoldItem]:
    """The items of `split` (`dev`, `test`), or all of them for `all`."""
    if split == NO_SPLIT:
        return list(items)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: use dev, test or all")
    return [item for item in items if item.split == split]
