"""Writing an index folder: a full one, or a new delta segment and removed files beside hard links to the rest."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from corpus.records import Paragraph
from index.bm25_segments import build_delta
from index.lexical import LexicalIndex
from index.paragraph_file import OFFSETS_FILE, line_offsets
from index.passages import passage_texts
from index.safe_write import swap_in, tmp_dir, write_folder
from index.sentence_vectors import SentenceVectors
from index.store import MANIFEST, OWNERS_FILE, PARAGRAPHS, SEGMENTED_FORMAT, DocEntry, Index, file_digest
from index.vectors import VectorIndex

# Below this many live paragraphs every update rebuilds the whole index: that takes about a second (the sample
# papers are 443 paragraphs), so a small library stays one segment and searches exactly as before segments.
SMALL_LIBRARY = 20_000
# Deltas plus removed files past this share of the base: the next update compacts (rebuilds one segment). Each
# delta is searched exactly (no ANN) and every query still scans removed rows' postings; at 10 % of a 10^6 base
# that is 10^5 rows, a few milliseconds a query, and the base's average length (which deltas are scored with)
# has moved by well under 10 %. Lucene's TieredMergePolicy merges at similar ratios (10 segments a tier).
COMPACT_SHARE = 0.10
# Each segment costs every query a search of its own; with this many deltas the next one merges them all (their
# stored vectors, no embedding) into one, as Lucene's tiered merging does (10 segments a tier). A merge re-indexes
# at most COMPACT_SHARE of the base: about 10 s at 10^5 delta paragraphs, against 6 min for a full rebuild at 10^6.
MAX_DELTAS = 10
SEGMENT_PREFIX = "seg-"


def full_rebuild_reason(current: Index, *, compact: bool, live_after: int, deltas_after: int, removed_after: int,
                        rebuilt: str) -> str:
    """Why this update rebuilds the whole index ("" when a delta segment is enough)."""
    base = current.sizes["base"] if hasattr(current, "sizes") else len(current)
    if compact:
        return "compaction asked for"
    if rebuilt or not len(current):
        return rebuilt or "new index"
    if live_after < SMALL_LIBRARY:
        return f"small library ({live_after:,} paragraphs < {SMALL_LIBRARY:,}): a full rebuild takes about a second"
    if not isinstance(current.manifest.get("lexical"), dict):
        return "index written before segments (no BM25 average length recorded): rebuilt once"
    if deltas_after + removed_after > COMPACT_SHARE * base:
        return (f"deltas and removed files ({deltas_after + removed_after:,} paragraphs) pass "
                f"{COMPACT_SHARE:.0%} of the base ({base:,}): compacted")
    return ""


def fill_index(target: Path, paragraphs: list[Paragraph], vectors: VectorIndex, lexical: LexicalIndex,
               manifest: dict, owners: np.ndarray, sentences: SentenceVectors) -> None:
    """Write one complete index into the empty folder `target`, manifest (with every file's digest) last."""
    lengths = []
    with open(target / PARAGRAPHS, "wb") as f:
        for p in paragraphs:
            line = (json.dumps(p.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
            lengths.append(len(line))
            f.write(line)
    np.save(target / OFFSETS_FILE, line_offsets(lengths), allow_pickle=False)
    np.save(target / OWNERS_FILE, owners, allow_pickle=False)
    vectors.save(target)
    lexical.save(target)
    if len(sentences):
        sentences.save(target)
    manifest["files"] = {p.relative_to(target).as_posix(): file_digest(p)
                         for p in sorted(target.rglob("*")) if p.is_file()}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")


def write_full(folder: Path, paragraphs: list[Paragraph], vectors: VectorIndex, lexical: LexicalIndex,
               manifest: dict, owners: np.ndarray, sentences: SentenceVectors) -> None:
    """Write every file into a temporary sibling folder, manifest last, then swap it in."""
    staging = tmp_dir(folder)
    write_folder(staging, lambda target: fill_index(target, paragraphs, vectors, lexical, manifest, owners,
                                                   sentences))
    swap_in(staging, folder)


def build_delta_index(paragraphs: list[Paragraph], vectors: np.ndarray, exact_threshold: int,
                      avgdl: float) -> tuple[VectorIndex, LexicalIndex, np.ndarray]:
    """FAISS (exact for a delta of a few papers) and BM25 (the base's average length) of new paragraphs."""
    texts, owners = passage_texts(paragraphs)
    return VectorIndex.build(vectors, exact_threshold), build_delta(texts, avgdl), owners


def write_segment(folder: Path, current: Index, top: dict, delta: dict | None, folded: list[str] = ()) -> None:
    """A new folder: every file of `current` hard-linked (copied only where linking fails) but those of the
    deltas `folded` into the new one, the new delta's files (`delta`: fill_index's arguments, or None when files
    were only removed), and the top manifest `top` (its `files` completed here) written last; then swapped in as
    a full rewrite is."""
    previous = {name: digest for name, digest in current.manifest.get("files", {}).items()
                if name.split("/", 1)[0] not in folded}

    def fill(target: Path) -> None:
        for name in previous:
            source, copy = folder / name, target / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, copy)
            except OSError:  # another filesystem, or links not allowed: a copy (slower, same result)
                shutil.copy2(source, copy)
        files = dict(previous)
        if delta is not None:
            sub = target / delta["name"]
            sub.mkdir()
            fill_index(sub, delta["paragraphs"], delta["vectors"], delta["lexical"], delta["manifest"],
                       delta["owners"], delta["sentences"])
            files.update({f"{delta['name']}/{p.relative_to(sub).as_posix()}": file_digest(p)
                          for p in sorted(sub.rglob("*")) if p.is_file()})
        top["files"] = files
        (target / MANIFEST).write_text(json.dumps(top, indent=1, ensure_ascii=False), encoding="utf-8")

    staging = tmp_dir(folder)
    write_folder(staging, fill)
    swap_in(staging, folder)


def next_segment_name(current: Index) -> str:
    names = current.manifest.get("segments", {}).get("deltas", []) if "segments" in current.manifest else []
    number = max((int(n[len(SEGMENT_PREFIX):]) for n in names), default=0) + 1
    return f"{SEGMENT_PREFIX}{number:04d}"


def segmented_manifest(current: Index, docs: list[DocEntry], dropped: set[str], delta_name: str | None,
                       delta_count: int, folded: list[str] = ()) -> dict:
    """The top manifest after adding a delta (`delta_name`, or None; it replaces the deltas `folded`) and
    removing the files `dropped` (a file of a folded delta is left out of the new one instead)."""
    manifest = current.manifest
    if "segments" in manifest:
        segments = json.loads(json.dumps(manifest["segments"]))
        gone = segments.get("removed", {})
        holders = {d.doc_id: s.name for s in current.segments for d in s.index.docs
                   if d.doc_id not in gone.get(s.name, ())}
    else:
        segments = {"base": {"paragraphs": len(current), "docs": manifest["docs"]}, "deltas": [], "removed": {}}
        holders = {d.doc_id: "" for d in current.docs}
    removed = segments.setdefault("removed", {})
    for name in folded:
        removed.pop(name, None)
    for doc_id in sorted(dropped):
        if holders[doc_id] not in folded:
            removed.setdefault(holders[doc_id], []).append(doc_id)
    segments["deltas"] = [name for name in segments["deltas"] if name not in folded]
    if delta_name is not None:
        segments["deltas"].append(delta_name)
    kept = len(current) - sum(len(s) for s in getattr(current, "segments", ()) if s.name in folded)
    live = sum(d.paragraphs for d in docs)
    top = {key: value for key, value in manifest.items() if key not in ("files", "segments", "docs", "counts")}
    top.update(format_version=SEGMENTED_FORMAT, updated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
               counts={"paragraphs": live, "docs": len(docs), "positions": kept + delta_count},
               docs=[d.to_json() for d in docs], segments=segments)
    return top
