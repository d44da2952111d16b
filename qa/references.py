"""Exact references in a question (`paragraph 3.7`, `minute 921`, `action ref 230`) looked up directly."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from corpus.records import Paragraph

_REF = re.compile(
    r"(?P<kind>paragraphs?|paras?\.?|¶|section|minutes?|action\s+ref(?:erence)?\.?:?|actions?|commitments?|items?|"
    r"agenda\s+items?|resolutions?|recommendations?|tables?|appendix|annex)(?![a-z])\s*(?:no\.?|number)?\s*\(?"
    r"(?P<label>\d{1,4}(?:\.\d{1,3}){0,3}|[A-Z]\b|[ivx]{1,5}\b)",
    re.I,
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "of", "in", "a", "an", "and", "to", "what", "does", "say", "paper", "report", "paragraph", "para",
         "minute", "about", "on", "is", "at", "for", "from", "with", "by", "this", "that", "it", "which", "say"}


class Reference(NamedTuple):
    """A reference asked for by number: `kind` as the user wrote it, `label` as printed in the papers."""

    kind: str
    label: str


# a label quoted as printed: capitals and a number, with the punctuation papers number by ("TB(5)2", "LW 73/2122",
# "AGM-2006/3.4.a", "FGB 104/2122(a)"); it is a reference only where some paragraph is labelled so
_PRINTED = re.compile(r"(?<![\w/(-])([A-Z]{1,6}(?: |-)?\(?\d+\)?(?:[\w()./-]*[\w)])?)")


def find_references(question: str) -> list[Reference]:
    """Every `paragraph 3.7` / `minute 921` / `action ref 230` in the question, in order, then every label quoted as
    printed (`TB(5)2`: kind `label`)."""
    refs = []
    for m in _REF.finditer(question):
        kind = re.sub(r"[^a-z¶ ]", "", m.group("kind").lower()).strip()
        refs.append(Reference(kind, m.group("label").rstrip(".")))
    for m in _PRINTED.finditer(question):
        label = m.group(1)
        while label.endswith(")") and label.count(")") > label.count("("):
            label = label[:-1]  # "(paper TB(5)2)": the bracket closes the sentence's aside
        if not any(r.label in label for r in refs):
            refs.append(Reference("label", label))
    return refs


def _squeezed(label: str) -> str:
    return re.sub(r"\s+", "", label).lower()


_PRINTED_LABELS: dict[int, tuple[list[Paragraph], dict[str, list[int]]]] = {}


def _printed(paragraphs: list[Paragraph]) -> dict[str, list[int]]:
    """Each label of `paragraphs`, and each of its leading parts that ends where an entry's number begins
    ("tb(5)2" of "TB(5)2(i)"), squeezed, -> the positions labelled so or under it; labels that start with a
    letter only. Built once per list of paragraphs (an index's headings) and kept for the last two."""
    kept = _PRINTED_LABELS.get(id(paragraphs))
    if kept is not None and kept[0] is paragraphs:
        return kept[1]
    out: dict[str, list[int]] = {}
    for pos, p in enumerate(paragraphs):
        if not p.label[:1].isalpha():
            continue  # a label quoted as printed starts with a capital: "3.7" and "921" are asked for by kind
        label = _squeezed(p.label)
        cuts = {len(label)} | {i for i, ch in enumerate(label) if ch in "(./" and i}
        for cut in cuts:
            out.setdefault(label[:cut], []).append(pos)
    while len(_PRINTED_LABELS) >= 2:  # (an app serves one library; a reload makes a new list)
        _PRINTED_LABELS.pop(next(iter(_PRINTED_LABELS)))
    _PRINTED_LABELS[id(paragraphs)] = (paragraphs, out)
    return out


def _matches(p: Paragraph, ref: Reference) -> bool:
    label = p.label.lower()
    want = ref.label.lower()
    if ref.kind == "label":  # the label as printed, or one of the entries numbered under it ("TB(5)2(i)")
        have, asked = _squeezed(p.label), _squeezed(ref.label)
        return have == asked or have.startswith(asked) and have[len(asked)] in "(./"
    if _part(ref):
        name = f"{ref.kind.split()[0]} {want}"
        return label.startswith(name) or p.part.lower() == name
    if label == want or label.endswith(f" {want}"):
        return True
    if "," in label and want in [x.strip() for x in label.split(",")]:
        return True
    # `Action ref 230` headings hold the paragraphs of their section (Annex One 2.1-2.8).
    if ref.kind.startswith("action") and re.search(rf"\baction ref:?\s*{re.escape(want)}\b", p.section.lower()):
        return True
    return False


def _part(ref: Reference) -> bool:
    """Whether `ref` names a part that holds paragraphs ("Annex A", "Table 2", "TB(5)2" and its entries), not one
    paragraph."""
    return ref.kind.startswith(("table", "appendix", "annex", "label"))


def _topic_overlap(question: str, p: Paragraph) -> int:
    words = {w for w in _WORD.findall(question.lower()) if w not in _STOP and not w.isdigit()}
    where = set(_WORD.findall(f"{p.paper} {p.meeting} {p.part} {p.section} {p.doc}".lower()))
    return len(words & where)


def lookup(question: str, paragraphs: list[Paragraph], allowed: set[int] | None = None,
           relevance: Mapping[int, float] | None = None) -> list[int]:
    """Positions of the paragraphs the question asks for by number, best match first.

    When a label exists in several papers, the paper whose title, meeting or heading shares
    words with the question comes first ("paragraph 3.7 of the performance report"). A reference to a part
    that holds many paragraphs ("Annex A") finds them all: `relevance` (a search's score by position) orders
    those of one match, so the paragraph of the annex that answers comes before its title and first rows.
    """
    relevance = relevance or {}
    refs = find_references(question)
    if not refs:
        return []
    found: list[tuple[int, int, float, int]] = []
    for r_i, ref in enumerate(refs):
        # a label quoted as printed is looked up in a map of the library's labels (one scan per library, kept)
        where = _printed(paragraphs).get(_squeezed(ref.label), ()) if ref.kind == "label" else range(len(paragraphs))
        for pos in where:
            p = paragraphs[pos]
            if allowed is not None and pos not in allowed:
                continue
            if _matches(p, ref):
                found.append((-_topic_overlap(question, p), r_i, -relevance.get(pos, 0.0) if _part(ref) else 0.0, pos))
    found.sort()
    seen: dict[int, None] = {}
    for *_, pos in found:
        seen.setdefault(pos, None)
    return list(seen)
