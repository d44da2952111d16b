"""The library of indexed papers: ingest files into the index, remove them, list what is there."""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from boardqa.settings import Settings
from corpus.records import FileReport
from index.update import UpdateReport

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class IngestResult(UpdateReport):
    """What the index update did (added, changed, seconds per stage...) plus one report per file read."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]


def ingest_paths(paths: list[str | Path], settings: Settings, *, progress: Progress | None = None,
                 names: dict[str, str] | None = None, compact: bool = False) -> IngestResult:
    """Read, chunk and index files (and folders). Bad files are reported, never fatal; the index is
    only changed by one atomic swap, so a failure leaves it as it was.

    Args:
        paths: files or folders (.pdf, .txt, .md).
        settings: index folder, chunker and model settings.
        progress: called as `progress(stage, done, total)` for `parse`, `embed`, `index`, `write`.
        names: optional display names by path (uploads keep their original file name).
        compact: merge a large index's delta segments and removed files into one segment (a full rebuild),
            even when no file is added.
    """
    from corpus.ingest import expand_paths
    from corpus.records import content_hash
    from index import update_index
    from index.milvus import is_milvus

    reports: list[FileReport] = []
    files = list(expand_paths(paths))
    started = time.perf_counter()
    good = []
    first: dict[str, tuple[str, str]] = {}  # doc name -> (path, sha256) of the first file of that name
    read = functools.partial(_read, max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars,
                             strip_running=settings.chunker.strip_running_lines, names=names or {})
    for i, report in enumerate(_parse_all(read, files)):
        path = files[i]
        if report.ok:
            name, sha = report.paragraphs[0].doc, content_hash(path.read_bytes())
            report = _same_name(report, name, sha, first)
            if report.ok and not report.skipped:
                first[name] = (str(path), sha)
                good.append((name, sha, list(report.paragraphs)))
                _keep_original(path, sha, settings)
        reports.append(report)
        if progress:
            progress("parse", i + 1, len(files))
    parse_seconds = time.perf_counter() - started
    from qa.evidence import semantic_texts, sentence_format

    before = indexed_files(settings) if good else []
    if not good and not (compact and not is_milvus(settings.store)):
        update = UpdateReport()
    elif is_milvus(settings.store):
        from index.milvus.update import update_milvus

        update = update_milvus(settings.store, settings, good, progress=progress, sentence_texts=semantic_texts,
                               sentence_format=sentence_format())
    else:
        update = update_index(settings.index_dir, settings, good, progress=progress, sentence_texts=semantic_texts,
                              compact=compact, sentence_format=sentence_format())
    if update.changed or update.rebuilt:
        _forget_unused(before, settings)
    result = IngestResult(**vars(update), files=reports)
    result.seconds = {"parse": parse_seconds, **update.seconds}
    return result


def _keep_original(path: Path, sha: str, settings: Settings) -> None:
    """Keep the PDF by hash before the index can name it; a failure costs only the page view, never the ingest."""
    from boardqa import originals

    try:
        originals.keep(path, sha, settings.library_dir)
    except OSError as exc:
        log.warning("%s: original not kept, its pages will show as text (%s)", path, exc)


# Reading PDFs (pypdf) is pure Python: files are parsed in worker processes, one per core, when there are several.
PARSE_WORKERS = max(1, min(4, os.cpu_count() or 1))
PARALLEL_PDF_BYTES = 1 << 20  # below this starting the workers (~1 s) costs more than it saves


def _read(path: Path, *, max_bytes: int, max_chars: int, strip_running: bool, names: dict[str, str]) -> FileReport:
    from corpus.ingest import read_file

    return read_file(path, max_bytes=max_bytes, max_chars=max_chars, strip_running=strip_running,
                     name=names.get(str(path)))


def _parse_all(read: Callable[[Path], FileReport], files: list[Path]):
    """Reports of `files` in order, parsed in a process pool when there are several files and cores."""
    pdf_bytes = sum(f.stat().st_size for f in files if f.suffix.lower() == ".pdf" and f.is_file())
    if len(files) < 2 or PARSE_WORKERS < 2 or pdf_bytes < PARALLEL_PDF_BYTES:
        yield from map(read, files)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # forkserver: a fork of a process holding ONNX Runtime's or torch's threads can deadlock
    with ProcessPoolExecutor(min(PARSE_WORKERS, len(files)), mp_context=get_context("forkserver")) as pool:
        yield from pool.map(read, files)


def _same_name(report: FileReport, name: str, sha: str, first: dict[str, tuple[str, str]]) -> FileReport:
    """Citations name a file by its name alone, so one ingest cannot hold two different files of one name.

    A second copy with the same content is skipped; with other content it is refused (before, it was silently
    dropped by the index while the CLI reported it as read).
    """
    if name not in first:
        return report
    path, seen_sha = first[name]
    if seen_sha == sha:
        return replace(report, skipped=True, notes=(*report.notes, f"same file as {path}, indexed once"))
    return replace(report, paragraphs=(), papers=(), error=(
        f"{report.path}: another file named {name} with different content is in this ingest ({path}); "
        "citations name papers by file name, so rename one of them and ingest it again"))


def remove_docs(names: list[str], settings: Settings) -> IngestResult:
    """Drop files (by name or doc id) from the index, and the kept originals no other indexed file shares."""
    from index import update_index
    from index.milvus import is_milvus

    before = indexed_files(settings)
    if is_milvus(settings.store):
        from index.milvus.update import update_milvus

        result = IngestResult(**vars(update_milvus(settings.store, settings, [], remove=names)))
    else:
        result = IngestResult(**vars(update_index(settings.index_dir, settings, [], remove=names)))
    if result.removed:
        _forget_unused(before, settings)
    return result


def _forget_unused(before: list[tuple[str, str, str]], settings: Settings) -> None:
    """Delete the originals of files the index held before an update and holds no more (replaced or removed)."""
    from boardqa import originals

    after = {sha for _, _, sha in indexed_files(settings)}
    originals.forget({sha for _, _, sha in before} - after, after, settings.library_dir)


def indexed_files(settings: Settings) -> list[tuple[str, str, str]]:
    """(doc_id, name, sha256) of every indexed file, read from the index manifest ([] when there is none)."""
    import json

    from index.store import MANIFEST

    try:
        manifest = json.loads((settings.index_dir / MANIFEST).read_text(encoding="utf-8"))
        return [(str(d["doc_id"]), str(d["name"]), str(d["sha256"])) for d in manifest.get("docs", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def list_docs(settings: Settings) -> list[dict]:
    """One row per indexed paper: file, paper, body, committee, meeting, date, paragraph count."""
    from dataclasses import asdict

    from boardqa.libraryview import paper_rows
    from qa.engine import open_index

    index = open_index(settings)
    # (a Milvus store's headings: no paragraph text is read)
    # (a Milvus store's headings: no paragraph text is read)
    return [asdict(row) for row in paper_rows(getattr(index, "heads", index.paragraphs))]
