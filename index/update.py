"""Adding, replacing and removing files: embed only what changed, write a new folder aside, swap it in atomically."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from corpus.records import Paragraph, make_doc_id
from index.embeddings import Embedder, EmbedderLike, model_id_for, same_model
from index.late_chunks import sentence_spans
from index.lexical import LexicalIndex
from index.delta import (MAX_DELTAS, build_delta_index, full_rebuild_reason, next_segment_name, segmented_manifest,
                         write_full, write_segment)
from index.safe_write import index_lock, recover
from index.passages import PASSAGE_FORMAT, passage_texts
from index.segments import SegmentedIndex
from index.sentence_vectors import SentenceTexts, SentenceVectors
from index.store import FORMAT_VERSION, DocEntry, Index, verify_files
from index.vectors import VectorIndex

if TYPE_CHECKING:
    from boardqa.settings import Settings

log = logging.getLogger(__name__)

EMBED_BLOCK = 256  # texts per encode call: small enough for a smooth progress bar, large enough to batch well
FileInput = tuple[str, str, Sequence[Paragraph]]
Progress = Callable[[str, int, int], None]


@dataclass
class UpdateReport:
    """What an update did. Doc lists hold file names; `seconds` has the stages `embed`, `index`, `write`."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    embedded: int = 0
    paragraphs: int = 0
    rebuilt: str = ""
    seconds: dict[str, float] = field(default_factory=lambda: {"embed": 0.0, "index": 0.0, "write": 0.0})

    @property
    def modified(self) -> bool:
        """True when the index on disk was rewritten."""
        return bool(self.added or self.changed or self.removed or self.rebuilt)


@dataclass
class _Decision:
    report: UpdateReport
    new: list[Paragraph]
    new_entries: list[DocEntry]
    entries: list[DocEntry]  # every file of the index after the update, in position order
    dropped: set[str]  # doc ids removed or replaced


@dataclass
class _Plan:
    report: UpdateReport
    kept: list[Paragraph]
    kept_vectors: np.ndarray | None  # None: the model changed, so kept paragraphs are embedded again
    new: list[Paragraph]
    entries: list[DocEntry]
    kept_sentences: SentenceVectors | None = None  # None: embedded again (model changed) or dropped
    previous_sentences: SentenceVectors | None = None  # reused for sentences a changed file still has
    pooled: dict[str, np.ndarray] = field(default_factory=dict)  # sentence -> vector read off its passage's pass


def update_index(folder: Path | str, settings: "Settings", files: Iterable[FileInput], remove: Iterable[str] = (),
                 embedder: EmbedderLike | None = None, progress: Progress | None = None,
                 lock_timeout: float = 60.0, sentence_texts: SentenceTexts | None = None,
                 compact: bool = False, sentence_format: str = "") -> UpdateReport:
    """Add, replace and remove source files in the index at `folder`, embedding only new paragraphs.

    Args:
        folder: the index folder (created if missing).
        settings: chunker settings and embedding model recorded in the manifest; a different model
            (or passage format) than the index's re-embeds every stored paragraph.
        files: `(doc name, sha256 of the file, its paragraphs)`; each paragraph's `doc_id` must be
            `make_doc_id(name, sha256)`. A name already indexed with the same sha256 (and chunker
            settings) is skipped; with another sha256 it replaces the old paragraphs ("changed").
        remove: doc names or doc ids to drop.
        embedder: anything with `model_id`, `encode` and `encode_query`; loaded from settings only
            when something needs embedding.
        progress: called as `progress(stage, done, total)` for stages `embed`, `index` and `write`.
        lock_timeout: seconds to wait for another update of the same folder to finish.
        sentence_texts: what the answerer compares with a question, per paragraph; those texts are
            embedded now and stored, so answering embeds only the question. Without it new paragraphs
            get no stored sentences (the answerer then embeds them per question).
        compact: rebuild the whole index as one segment even when a delta segment would do.
        sentence_format: a fingerprint of how `sentence_texts` reads paragraphs, recorded in the manifest; an
            index recorded with another has every paragraph's sentences stored again (texts it already holds are
            copied, not embedded).

    A large library (index/delta.py: `SMALL_LIBRARY` paragraphs or more) gets each update as a delta segment
    and removed files (hard links to every unchanged file, seconds at 10^6 paragraphs) until deltas and removed
    files pass `COMPACT_SHARE` of the base; a small one, or a `compact` update, is rebuilt whole.

    Raises:
        IndexBusy: another update held the lock for `lock_timeout` seconds.
        IndexCorrupt: the existing index cannot be read (nothing is changed).
        ValueError: a paragraph's doc_id does not match its file.
    """
    folder = Path(folder)
    remove = [remove] if isinstance(remove, str) else list(remove)
    files = [(name, sha, list(paras)) for name, sha, paras in files]
    _check_doc_ids(files)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with index_lock(folder, lock_timeout):
        recover(folder)
        # (files are checked below before a full rebuild reads them; a delta only links them, digests and all,
        # so damage stays visible to the next load that verifies)
        current = Index.load(folder, missing_ok=True, verify=False)
        model_id = embedder.model_id if embedder is not None else model_id_for(settings.embedding)
        decision = _decide(current, settings, model_id, files, remove, sentence_format if sentence_texts else "")
        report = decision.report
        segmented = isinstance(current, SegmentedIndex)
        if not report.modified and not (compact and segmented):
            report.paragraphs = sum(d.paragraphs for d in current.docs)
            return report
        reason = _full_reason(current, decision, compact)
        if not reason:
            return _add_segment(folder, current, settings, model_id, decision, embedder, progress, sentence_texts,
                                sentence_format)
        if current.docs:
            verify_files(folder, current.manifest)
        if segmented and not report.rebuilt:
            report.rebuilt = f"compacted into one segment ({reason})"
        plan = _plan(current.flat() if isinstance(current, SegmentedIndex) else current, decision)
        vectors = _embed(plan, embedder, settings, progress, sentence_texts)
        paragraphs = plan.kept + plan.new
        sentences = _embed_sentences(plan, sentence_texts, lambda: embedder or Embedder.load_ingest(settings.embedding))
        texts, owners = passage_texts(paragraphs)
        started = time.perf_counter()
        _tick(progress, "index", 0, 1)
        vector_index = VectorIndex.build(vectors, settings.retrieval.exact_threshold)
        lexical = LexicalIndex.build(texts)
        _tick(progress, "index", 1, 1)
        report.seconds["index"] = time.perf_counter() - started
        started = time.perf_counter()
        _tick(progress, "write", 0, 1)
        manifest = _manifest(settings, model_id, vectors, vector_index, plan.entries, len(paragraphs))
        manifest["sentences"] = {"count": len(sentences), "format": sentence_format}
        manifest["lexical"] = {"avgdl": lexical.avgdl}  # what later delta segments are scored with
        write_full(folder, paragraphs, vector_index, lexical, manifest, owners, sentences)
        _tick(progress, "write", 1, 1)
        report.seconds["write"] = time.perf_counter() - started
        report.paragraphs = len(paragraphs)
        log.info("%s: %d paragraphs (%d embedded)", folder, len(paragraphs), report.embedded)
        return report


def _full_reason(current: Index, decision: "_Decision", compact: bool) -> str:
    """Why this update rewrites the whole index ("" when a delta segment and removed files will do)."""
    sizes = current.sizes if isinstance(current, SegmentedIndex) else {"base": len(current), "deltas": 0,
                                                                       "removed": 0}
    gone = sum(d.paragraphs for d in current.docs if d.doc_id in decision.dropped)
    new = len(decision.new)
    live = sum(d.paragraphs for d in current.docs) - gone + new
    return full_rebuild_reason(current, compact=compact, live_after=live, deltas_after=sizes["deltas"] + new,
                               removed_after=sizes["removed"] + gone, rebuilt=decision.report.rebuilt)


def _add_segment(folder: Path, current: Index, settings: "Settings", model_id: str, decision: "_Decision",
                 embedder: EmbedderLike | None, progress: Progress | None,
                 sentence_texts: SentenceTexts | None, sentence_format: str = "") -> UpdateReport:
    """Embed only the new files' paragraphs, index them as one delta segment, record removed files."""
    report = decision.report
    deltas = current.segments[1:] if isinstance(current, SegmentedIndex) else []
    # (with MAX_DELTAS deltas already, they are merged into the new one: their records and stored vectors)
    folded = deltas if decision.new_entries and len(deltas) >= MAX_DELTAS else []
    merged = current.flat(folded, decision.dropped) if folded else None
    kept, entries = (list(merged.paragraphs), list(merged.docs)) if merged is not None else ([], [])
    plan = _Plan(report, kept, merged.vectors.vectors if kept else None, decision.new, decision.entries,
                 merged.sentences if merged is not None else None, current.sentences)
    delta = None
    name = next_segment_name(current) if decision.new_entries else None
    if name is not None:
        vectors = _embed(plan, embedder, settings, progress, sentence_texts)
        sentences = _embed_sentences(plan, sentence_texts, lambda: embedder or Embedder.load_ingest(settings.embedding))
        started = time.perf_counter()
        _tick(progress, "index", 0, 1)
        avgdl = float(current.manifest["lexical"]["avgdl"])
        records = kept + decision.new
        vector_index, lexical, owners = build_delta_index(records, vectors, settings.retrieval.exact_threshold, avgdl)
        _tick(progress, "index", 1, 1)
        report.seconds["index"] = time.perf_counter() - started
        manifest = _manifest(settings, model_id, vectors, vector_index, entries + decision.new_entries, len(records))
        manifest.update(sentences={"count": len(sentences), "format": sentence_format},
                        lexical={"avgdl": avgdl, "of": "base"})
        delta = {"name": name, "paragraphs": records, "vectors": vector_index, "lexical": lexical,
                 "manifest": manifest, "owners": owners, "sentences": sentences}
    started = time.perf_counter()
    _tick(progress, "write", 0, 1)
    names = [s.name for s in folded]
    top = segmented_manifest(current, decision.entries, decision.dropped, name, len(kept) + len(decision.new), names)
    write_segment(folder, current, top, delta, names)
    if folded:
        report.notes.append(f"deltas {', '.join(names)} merged into the new one")
    _tick(progress, "write", 1, 1)
    report.seconds["write"] = time.perf_counter() - started
    report.paragraphs = top["counts"]["paragraphs"]
    gone = "; removed files hidden (their rows stay on disk until the next compaction)" if decision.dropped else ""
    report.notes.append(f"{'delta segment ' + name if name else 'no new segment'}{gone}")
    log.info("%s: %s, %d paragraphs live (%d embedded)", folder, name or "removal", report.paragraphs,
             report.embedded)
    return report


def _check_doc_ids(files: list[tuple[str, str, list[Paragraph]]]) -> None:
    for name, sha, paras in files:
        expected = make_doc_id(name, sha)
        for p in paras:
            if p.doc_id != expected:
                raise ValueError(f"{name}: paragraph {p.label!r} has doc_id {p.doc_id!r}, expected {expected!r} "
                                 "(make_doc_id(name, sha256) of the file it came from)")


def _decide(current: Index, settings: "Settings", model_id: str, files: list[tuple[str, str, list[Paragraph]]],
            remove: list[str], sentence_format: str = "") -> _Decision:
    """Decide, from the manifest alone, which files are removed, replaced, skipped and new."""
    report = UpdateReport()
    chunker = settings.chunker.model_dump()
    report.rebuilt = _rebuild_reason(current, model_id, chunker, sentence_format)
    by_name = {d.name: d for d in current.docs}
    by_id = {d.doc_id: d for d in current.docs}
    by_sha = {d.sha256: d for d in current.docs}
    dropped: set[str] = set()
    for key in remove:
        entry = by_id.get(key) or by_name.get(key)
        if entry is None:
            report.notes.append(f"{key}: not in the index, nothing removed")
        elif entry.doc_id not in dropped:
            dropped.add(entry.doc_id)
            report.removed.append(entry.name)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    new_entries: list[DocEntry] = []
    new: list[Paragraph] = []
    seen: set[str] = set()
    for name, sha, paras in files:
        if name in seen:
            report.notes.append(f"{name}: given twice; the first copy was used")
            continue
        seen.add(name)
        old = by_name.get(name)
        live = old is not None and old.doc_id not in dropped
        twin = by_sha.get(sha)
        if live and old.sha256 == sha and old.chunker == chunker:
            report.skipped.append(name)
            continue
        if not live and twin is not None and twin.doc_id not in dropped and twin.chunker == chunker:
            report.skipped.append(name)
            report.notes.append(f"{name}: same content as {twin.name}, already indexed")
            continue
        if live:
            dropped.add(old.doc_id)
            report.changed.append(name)
            if old.sha256 == sha:
                report.notes.append(f"{name}: re-chunked with the new chunker settings")
        else:
            report.added.append(name)
        new.extend(paras)
        new_entries.append(DocEntry(name=name, doc_id=make_doc_id(name, sha), sha256=sha, paragraphs=len(paras),
                                    papers=tuple(dict.fromkeys(p.paper for p in paras)), added=now,
                                    chunker=chunker))
    kept_entries = [d for d in current.docs if d.doc_id not in dropped]
    report.stale = [d.name for d in kept_entries if d.chunker != chunker]
    return _Decision(report, new, new_entries, kept_entries + new_entries, dropped)


def _plan(current: Index, decision: _Decision) -> _Plan:
    """Which paragraphs (with their vectors and sentences) stay in a full rebuild, and which are new."""
    report, dropped = decision.report, decision.dropped
    keep = np.array([p.doc_id not in dropped for p in current.paragraphs], dtype=bool)
    kept = [p for p, k in zip(current.paragraphs, keep) if k]
    reembed = report.rebuilt.startswith(("model", "passage"))
    kept_vectors = None if reembed or not len(kept) else current.vectors.vectors[keep[current.owners]]
    resplit = report.rebuilt.startswith(SENTENCES_CHANGED)  # every kept paragraph's sentences read again
    kept_sentences = None if reembed or resplit else current.sentences.keep(keep)
    return _Plan(report, kept, kept_vectors, decision.new, decision.entries, kept_sentences,
                 None if reembed else current.sentences)


SENTENCES_CHANGED = "answer sentences read differently"


def _rebuild_reason(current: Index, model_id: str, chunker: dict, sentence_format: str = "") -> str:
    if not current.docs:
        return ""
    if not same_model(current.model_id, model_id):
        return f"model changed ({current.model_id} -> {model_id}): every paragraph embedded again"
    if current.manifest["embedding"].get("passage") != PASSAGE_FORMAT:
        return "passage format changed: every paragraph embedded again"
    if current.manifest.get("chunker") != chunker:
        return "chunker settings changed: files given again are re-chunked; the rest are listed as stale"
    if sentence_format and (current.manifest.get("sentences") or {}).get("format") != sentence_format:
        # the answerer splits paragraphs into sentences in another way (a newer version): the sentences it
        # compares with a question are stored again, those it already had copied, the new ones embedded
        return f"{SENTENCES_CHANGED}: their stored vectors are refreshed"
    return ""


def _embed(plan: _Plan, embedder: EmbedderLike | None, settings: "Settings", progress: Progress | None,
           sentence_texts: SentenceTexts | None = None) -> np.ndarray:
    """Vectors for every paragraph of the new index, in order, embedding as few as possible; with an embedder
    that can (`encode_spans`), the answerer's sentences are read off the same pass into `plan.pooled`."""
    todo = plan.new if plan.kept_vectors is not None or not plan.kept else plan.kept + plan.new
    started = time.perf_counter()
    texts, owners = passage_texts(todo)
    blocks: list[np.ndarray] = []
    if texts and embedder is None:
        embedder = Embedder.load_ingest(settings.embedding)
    late = sentence_texts is not None and hasattr(embedder, "encode_spans")
    spans, held = sentence_spans(todo, texts, owners, sentence_texts) if late else ([], [])
    _tick(progress, "embed", 0, len(texts))
    for start in range(0, len(texts), EMBED_BLOCK):
        end = start + EMBED_BLOCK
        if late:
            block, pooled = embedder.encode_spans(texts[start:end], spans[start:end])
            for sentences, vectors in zip(held[start:end], pooled):
                for sentence, vector in zip(sentences, vectors):
                    if vector is not None:
                        plan.pooled.setdefault(sentence, vector)
        else:
            block = embedder.encode(texts[start:end])
        block = np.asarray(block, dtype=np.float32)
        if block.ndim != 2 or len(block) != len(texts[start:end]):
            raise ValueError(f"embedder returned an array of shape {block.shape} for {len(texts)} texts")
        blocks.append(block)
        _tick(progress, "embed", start + len(block), len(texts))
    plan.report.embedded = len(texts)
    plan.report.seconds["embed"] = time.perf_counter() - started
    parts = ([plan.kept_vectors] if plan.kept_vectors is not None else []) + blocks
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    if len({p.shape[1] for p in parts}) > 1:
        raise ValueError("new vectors and stored vectors differ in dimension although the model id is the same")
    return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)


def _embed_sentences(plan: _Plan, sentence_texts: SentenceTexts | None,
                     embedder_for: Callable[[], EmbedderLike]) -> SentenceVectors:
    """Stored sentence vectors of the new index: kept rows as they are, new paragraphs' sentences embedded
    (each distinct text once; a text the previous index already holds is copied, not embedded again)."""
    kept = plan.kept_sentences
    if sentence_texts is None:
        return kept if kept is not None else SentenceVectors.empty()
    todo = plan.new if kept is not None else plan.kept + plan.new
    first = len(plan.kept) if kept is not None else 0
    groups = [list(sentence_texts(p)) for p in todo]
    distinct = list(dict.fromkeys(t for group in groups for t in group))
    if not distinct:
        return kept if kept is not None else SentenceVectors.empty()
    started = time.perf_counter()
    previous = plan.previous_sentences
    reuse = previous.lookup(distinct) if previous is not None and len(previous) else None
    missing = [t for i, t in enumerate(distinct) if (reuse is None or not reuse.found[i]) and t not in plan.pooled]
    fresh: dict[str, np.ndarray] = {t: plan.pooled[t] for t in distinct if t in plan.pooled}
    if missing:
        embedder = embedder_for()
        for start in range(0, len(missing), EMBED_BLOCK):
            block = np.asarray(embedder.encode(missing[start:start + EMBED_BLOCK]), dtype=np.float32)
            fresh.update(zip(missing[start:start + EMBED_BLOCK], block))
    if reuse is not None:
        fresh.update((t, reuse.vectors[i]) for i, t in enumerate(distinct) if reuse.found[i])
    flat = [fresh[t] for group in groups for t in group]
    new = SentenceVectors.from_texts(groups, np.vstack(flat), first_owner=first)
    plan.report.embedded += len(missing)
    plan.report.seconds["embed"] += time.perf_counter() - started
    return SentenceVectors.concat([kept, new]) if kept is not None else new


def _manifest(settings: "Settings", model_id: str, vectors: np.ndarray, vector_index: VectorIndex,
              entries: list[DocEntry], count: int) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "package_version": _package_version(),
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "embedding": {"model_id": model_id, "dim": int(vectors.shape[1]) if count else 0,
                      "passage": PASSAGE_FORMAT},
        "chunker": settings.chunker.model_dump(),
        "vectors": {"kind": vector_index.kind, "exact_threshold": settings.retrieval.exact_threshold},
        "counts": {"paragraphs": count, "docs": len(entries)},
        "files": {},
        "docs": [e.to_json() for e in entries],
    }


def _tick(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boardqa")
    except PackageNotFoundError:
        return "unknown"
