"""What is embedded and searched for each paragraph: one passage, or overlapping windows of a long one."""

from __future__ import annotations

import numpy as np

from corpus.records import Paragraph

# all-MiniLM-L6-v2 reads 256 word pieces at most; windows of 60 words keep each passage about one topic, so a
# long minute or table is found by any of its parts (measured on the dev questions: MRR 0.64 -> 0.68).
WINDOW_WORDS = 60
STEP_WORDS = 48
PASSAGE_FORMAT = f"windows-{WINDOW_WORDS}-{STEP_WORDS}"


def _heading(p: Paragraph) -> str:
    return f"{p.section}\n" if p.section and p.section not in p.text else ""


def passages(p: Paragraph) -> list[str]:
    """The passages of one paragraph, each with its heading: the whole text when short, else windows
    of `WINDOW_WORDS` words (rows of a table are grouped whole, each group under the header row)."""
    head = _heading(p)
    lines = p.text.split("\n")
    if "\t" in p.text and len(lines) > 2:
        header, groups, current, words = lines[0], [], [], 0
        for line in lines[1:]:
            current.append(line)
            words += len(line.split())
            if words >= WINDOW_WORDS:
                groups.append(current)
                current, words = [], 0
        if current:
            groups.append(current)
        return [f"{head}{header}\n" + "\n".join(group) for group in groups]
    words = p.text.split()
    if len(words) <= WINDOW_WORDS + WINDOW_WORDS // 4:
        return [head + p.text]
    out = []
    for start in range(0, len(words), STEP_WORDS):
        out.append(head + " ".join(words[start:start + WINDOW_WORDS]))
        if start + WINDOW_WORDS >= len(words):
            break
    return out


def passage_texts(paragraphs: list[Paragraph]) -> tuple[list[str], np.ndarray]:
    """Every passage of `paragraphs` in order, and for each the position of the paragraph it belongs to."""
    texts: list[str] = []
    owners: list[int] = []
    for position, p in enumerate(paragraphs):
        for text in passages(p):
            texts.append(text)
            owners.append(position)
    return texts, np.asarray(owners, dtype=np.int64)


def best_per_paragraph(hits, owners: np.ndarray, k: int):
    """Passage hits `(passage, score)` reduced to the best score per paragraph, best first, at most `k`."""
    from index.vectors import Scored

    best: dict[int, float] = {}
    for hit in hits:
        owner = int(owners[hit.position])
        if owner not in best or hit.score > best[owner]:
            best[owner] = hit.score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [Scored(position, score) for position, score in ranked]


def allowed_passages(owners: np.ndarray, allowed: np.ndarray | None) -> np.ndarray | None:
    """The passages of the `allowed` paragraphs (None: all)."""
    if allowed is None:
        return None
    return np.flatnonzero(np.isin(owners, np.asarray(allowed, dtype=np.int64)))
