"""Which body and which document each gold question is about, for the tables by body and by document.

The document of a question is the file of its first gold paragraph. Its body is, in order: an override from a
`--groups` file (JSON `{doc name or question id: body name or doc name}`; a value that is a document's name stands
for that document's body, found as below); else the `body` field of that document's records when the chunker fills
it; else the file name's part before the first `_`, the development set's naming convention
(`souldern-parish-council_parish-council-meeting_2026-01-29_minutes.pdf` -> `souldern-parish-council`). A question
with no gold paragraph (an unanswerable one) has document `(none)` and body `(none)` unless the groups file names
its id (`evals/gold/papers-groups.json` does so for `../shared/papers/gold.jsonl`, naming a document of the body
each question asks about, so the body reads the same as for its answerable questions).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from corpus.records import Paragraph
from evals.gold import GoldItem

NONE = "(none)"


class GroupsFileError(ValueError):
    """A `--groups` file that cannot be used: names the file and the reason."""


@dataclass(frozen=True)
class Group:
    """The body and the document a question is about."""

    body: str
    doc: str


def load_groups(path: Path | str) -> dict[str, str]:
    """`{doc name or question id: body}` from a JSON file.

    Raises:
        GroupsFileError: unreadable, not JSON, or not an object of strings.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GroupsFileError(f"{path}: cannot read the groups file ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                             for k, v in data.items()):
        raise GroupsFileError(f"{path}: expected a JSON object {{doc name or question id: body name}}")
    return {k: v.strip() for k, v in data.items()}


def doc_name(doc: str) -> str:
    """A cited document as its file name (outside systems may give a path)."""
    return PurePath((doc or "").replace("\\", "/")).name


def name_body(doc: str) -> str:
    """The body by the file-naming convention: the name's part before the first `_` (the whole stem without one)."""
    name = doc_name(doc)
    return name.split("_", 1)[0] if "_" in name else PurePath(name).stem


def record_bodies(paragraphs: Iterable[Paragraph]) -> dict[str, str]:
    """`{doc name: body}` for documents whose records name their body (the most frequent one)."""
    counts: dict[str, Counter] = {}
    for p in paragraphs:
        if p.body:
            counts.setdefault(doc_name(p.doc), Counter())[p.body] += 1
    return {doc: c.most_common(1)[0][0] for doc, c in counts.items()}


def item_groups(items: Sequence[GoldItem], paragraphs: Iterable[Paragraph] = (),
                overrides: Mapping[str, str] | None = None) -> dict[str, Group]:
    """`{question id: Group}` for every item (see the module docstring for the order of sources)."""
    overrides = dict(overrides or {})
    paragraphs = list(paragraphs)
    bodies = record_bodies(paragraphs)
    docs = {doc_name(p.doc) for p in paragraphs} | {doc_name(e.doc) for i in items for e in i.gold}

    def body_of(doc: str) -> str:
        return overrides.get(doc) or bodies.get(doc) or name_body(doc)

    out = {}
    for item in items:
        doc = doc_name(item.gold[0].doc) if item.gold else NONE
        if item.id in overrides:
            value = overrides[item.id]
            body = body_of(value) if value in docs else value
        elif doc == NONE:
            body = NONE
        else:
            body = body_of(doc)
        out[item.id] = Group(body=body, doc=doc)
    return out
