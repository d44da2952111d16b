"""A library in segments: the base index, small delta indexes and removed files, searched as one `Index`.

Folder layout (format 2, see index/delta.py for how it is written): the base's files at the top, unchanged
from a full rebuild; each delta a complete small index (with its own manifest) in a sub-folder `seg-NNNN`; the
top manifest lists every file's digest, the live files (`docs`), and under `segments` the base's own entries,
the deltas in order and the removed doc ids of each segment. Positions are global: the base's 0..N-1, then
each delta's in order; a removed file's positions stay (as blank records) but are never returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from corpus.records import Paragraph
from index.bm25_segments import SegmentLexical
from index.lexical import LexicalIndex
from index.passages import allowed_passages, best_per_paragraph
from index.sentence_vectors import Lookup, SentenceVectors
from index.store import Index, IndexCorrupt
from index.vectors import Scored, VectorIndex, top_k

BASE = ""  # the base segment's name: its files are at the top of the folder
# What a removed file's positions read as: nothing matches it (labels, filters), and no paper is named
REMOVED = Paragraph(doc_id="", doc="", doc_title="", paper="", label="", text="")


@dataclass
class Segment:
    """One segment's own index, where its positions start, and which of its paragraphs were removed."""

    name: str
    index: Index
    offset: int
    removed: np.ndarray | None = None  # one bool a paragraph (True: its file was removed); None when none was

    def __post_init__(self) -> None:
        self.live_passages = None if self.removed is None else ~self.removed[self.index.owners]

    def __len__(self) -> int:
        return len(self.index.paragraphs)

    def dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None) -> list[Scored]:
        """This segment's best `k` paragraphs (local positions); `allowed` must leave out removed ones."""
        index = self.index
        if allowed is not None or self.live_passages is None:
            return index.search_dense(qvec, k, allowed)
        if len(index.owners) == len(index.paragraphs):
            return index.vectors.search(qvec, k, live=self.live_passages)
        return best_per_paragraph(index.vectors.search(qvec, 3 * k, live=self.live_passages), index.owners, k)


def read_segmented(folder: Path, manifest: dict) -> "SegmentedIndex":
    """The segmented index a format-2 manifest describes (files already verified by the caller when asked)."""
    info = manifest["segments"]
    try:
        base_info = info["base"]
        names = [str(n) for n in info.get("deltas", [])]
        removed = {str(k): set(v) for k, v in (info.get("removed") or {}).items()}
        view = {**manifest, "format_version": 1, "docs": base_info["docs"],
                "counts": {"paragraphs": int(base_info["paragraphs"]), "docs": len(base_info["docs"])}}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise IndexCorrupt(f"{folder}/manifest.json: bad `segments` ({exc!r}). Delete the folder and ingest "
                           "the papers again.") from exc
    for name in names:
        if not name.startswith("seg-") or "/" in name or ".." in name:
            raise IndexCorrupt(f"{folder}/manifest.json: bad segment name {name!r}")
    segments, offset = [], 0
    for name, index in [(BASE, Index._read(folder, False, view))] + [(n, Index._read(folder / n, False))
                                                                     for n in names]:
        segments.append(Segment(name, index, offset, removed_mask(index, removed.get(name, set()))))
        offset += len(index.paragraphs)
    return SegmentedIndex(segments, manifest, folder)


def removed_mask(index: Index, doc_ids: set[str]) -> np.ndarray | None:
    """One bool a paragraph of `index`: True for those of `doc_ids`. A file's records are stored together in the
    manifest's order of files, so its range comes from the counts before it (checked at both ends); when that
    check fails the doc-id column is read instead."""
    if not doc_ids:
        return None
    mask = np.zeros(len(index.paragraphs), dtype=bool)
    start = 0
    for entry in index.docs:
        end = start + entry.paragraphs
        if entry.doc_id in doc_ids and end > start:
            if end > len(mask) or index.paragraphs[start].doc_id != entry.doc_id \
                    or index.paragraphs[end - 1].doc_id != entry.doc_id:
                return np.isin(index._column("doc_id"), list(doc_ids))
            mask[start:end] = True
        start = end
    return mask


class SegmentRecords(Sequence):
    """Every segment's records at their global positions; a removed file's positions read as `REMOVED`."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self._ends = np.cumsum([len(s) for s in segments]) if segments else np.zeros(0, np.int64)

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def locate(self, position: int) -> tuple[Segment, int]:
        """The segment holding a global position, and the position inside it."""
        i = int(np.searchsorted(self._ends, position, side="right"))
        segment = self.segments[i]
        return segment, position - segment.offset

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # (negative positions, and IndexError past the end)
        segment, local = self.locate(i)
        if segment.removed is not None and segment.removed[local]:
            return REMOVED
        return segment.index.paragraphs[local]

    def __iter__(self) -> Iterator[Paragraph]:
        for segment in self.segments:
            removed = segment.removed
            for j, p in enumerate(segment.index.paragraphs):
                yield REMOVED if removed is not None and removed[j] else p


class SegmentSentences:
    """The stored sentence vectors of every segment, looked up by text (a text found in any segment counts)."""

    def __init__(self, parts: list[SentenceVectors]) -> None:
        self.parts = [p for p in parts if len(p)]
        self.dim = self.parts[0].dim if self.parts else 0

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def lookup(self, texts: Sequence[str]) -> Lookup:
        found = np.zeros(len(texts), dtype=bool)
        out = np.zeros((len(texts), max(self.dim, 1)), dtype=np.float32)
        for part in self.parts:
            if found.all():
                break
            got = part.lookup(texts)
            new = got.found & ~found
            out[new] = got.vectors[new]
            found |= new
        return Lookup(out, found)


class SegmentedIndex(Index):
    """An `Index` over a base and delta segments, minus removed files; results as a full rebuild would give."""

    def __init__(self, segments: list[Segment], manifest: dict, folder: Path | None = None) -> None:
        owners = np.concatenate([s.index.owners + s.offset for s in segments]) if segments else None
        super().__init__(SegmentRecords(segments), None, None, manifest, folder, owners,
                         SegmentSentences([s.index.sentences for s in segments]))
        self.segments = segments
        self.live = np.concatenate([np.ones(len(s), bool) if s.removed is None else ~s.removed for s in segments])
        self._lexical = SegmentLexical([s.index.lexical for s in segments], [s.live_passages for s in segments])

    @property
    def papers(self) -> list[str]:
        """Every live paper title, in index order without repeats (from the manifest: no record is read)."""
        return list(dict.fromkeys(title for d in self.docs for title in d.papers))

    @property
    def sizes(self) -> dict[str, int]:
        """Paragraphs in the base, in the deltas, and of removed files (what compaction weighs)."""
        base = len(self.segments[0]) if self.segments else 0
        removed = int((~self.live).sum())
        return {"base": base, "deltas": len(self.live) - base, "removed": removed}

    def _split(self, allowed: np.ndarray | None) -> Iterable[tuple[Segment, np.ndarray | None]]:
        if allowed is None:
            for segment in self.segments:
                yield segment, None
            return
        allowed = np.asarray(allowed, dtype=np.int64)
        allowed = allowed[self.live[allowed]]
        for segment in self.segments:
            lo, hi = np.searchsorted(allowed, [segment.offset, segment.offset + len(segment)])
            if hi > lo:
                yield segment, allowed[lo:hi] - segment.offset

    def search_dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """Each segment's top `k` by cosine (comparable across segments), merged."""
        hits = [Scored(h.position + segment.offset, h.score)
                for segment, local in self._split(allowed) for h in segment.dense(qvec, k, local)]
        return _merge(hits, k)

    def search_lexical(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """BM25 on one library-wide scale (index/bm25_segments.py), each segment's best merged."""
        if k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        wanted = dict((id(s), local) for s, local in self._split(allowed))
        hits: list[Scored] = []
        for segment, scores in zip(self.segments, self._lexical.scores(query)):
            if scores is None or id(segment) not in wanted:
                continue
            owners = segment.index.owners
            local = wanted[id(segment)]
            per_passage = len(owners) != len(segment)
            if local is None:
                matched = np.flatnonzero(scores > 0)
            else:
                rows = allowed_passages(owners, local) if per_passage else local
                matched = rows[scores[rows] > 0]
            found = top_k(scores[matched], 3 * k if per_passage else k, matched)
            if per_passage:
                found = best_per_paragraph(found, owners, k)
            hits += [Scored(h.position + segment.offset, h.score) for h in found]
        return _merge(hits, k)

    def positions_where(self, doc=None, paper=None, date_from=None, date_to=None, body=None,
                        committee=None) -> np.ndarray:
        """As `Index.positions_where`, never giving a removed file's positions. Files alone are found from the
        manifests' counts (the answerer asks for a file's first record; reading every record's doc id costs
        seconds at 10^6)."""
        if doc and not (paper or date_from or date_to or body or committee):
            found = self._doc_positions([doc] if isinstance(doc, str) else list(doc))
            if found is not None:
                return found
        positions = super().positions_where(doc, paper, date_from, date_to, body, committee)
        return positions[self.live[positions]]

    def _doc_positions(self, wanted: list[str]) -> np.ndarray | None:
        """Positions of the live files named (by name or doc id), or None when a range fails its check."""
        parts = []
        for segment in self.segments:
            start = segment.offset
            for entry in segment.index.docs:
                end = start + entry.paragraphs
                if (entry.name in wanted or entry.doc_id in wanted) and end > start and self.live[start]:
                    if self.paragraphs[start].doc_id != entry.doc_id or self.paragraphs[end - 1].doc_id != entry.doc_id:
                        return None
                    parts.append(np.arange(start, end))
                start = end
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def cosine(self, qvec: np.ndarray, position: int) -> float:
        """The cosine of the question with a paragraph's best passage."""
        segment, local = self.paragraphs.locate(int(position))
        index = segment.index
        first, end = np.searchsorted(index.owners, [local, local + 1])
        if end <= first or index.vectors.vectors is None or not len(index.vectors.vectors):
            return 0.0
        return float(np.max(np.asarray(index.vectors.vectors[first:end]) @ np.asarray(qvec).reshape(-1)))

    def flat(self, segments: list[Segment] | None = None, drop: set[str] = frozenset()) -> Index:
        """The live records, vectors and sentences (of `segments`, default all, less the files `drop`) as one
        plain `Index` (no FAISS or BM25 built): what a rebuild or a merge of deltas starts from."""
        paragraphs: list[Paragraph] = []
        vectors, owners, sentences = [], [], []
        segments = self.segments if segments is None else segments
        for segment in segments:
            index = segment.index
            keep = np.ones(len(segment), bool) if segment.removed is None else ~segment.removed
            dropped = removed_mask(index, set(drop) & {d.doc_id for d in index.docs})
            if dropped is not None:
                keep &= ~dropped
            rows = keep[index.owners]
            renumber = np.cumsum(keep) - 1 + len(paragraphs)
            paragraphs += [p for p, k in zip(index.paragraphs, keep) if k]
            if rows.any():
                vectors.append(np.asarray(index.vectors.vectors[rows], dtype=np.float32))
                owners.append(renumber[index.owners[rows]])
            kept = index.sentences.keep(keep)
            if len(kept):
                sentences.append(SentenceVectors(kept.keys, kept.vectors, kept.owners + (len(paragraphs) - keep.sum())))
        matrix = np.vstack(vectors) if vectors else np.zeros((0, 0), np.float32)
        owner = np.concatenate(owners) if owners else np.zeros(0, np.int64)
        gone = self.manifest["segments"].get("removed") or {}
        docs = [d.to_json() for s in segments for d in s.index.docs
                if d.doc_id not in drop and d.doc_id not in gone.get(s.name, ())]
        return Index(paragraphs, VectorIndex(matrix, None), LexicalIndex(None, len(owner)),
                     {**self.manifest, "docs": docs}, self.folder, owner, SentenceVectors.concat(sentences))


def _merge(hits: list[Scored], k: int) -> list[Scored]:
    return sorted(hits, key=lambda h: (-h.score, h.position))[:k]

