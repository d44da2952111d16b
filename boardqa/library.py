"""The library of indexed papers: ingest files into the index, remove them, list what is there."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from boardqa.settings import Settings
from corpus.records import FileReport

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class IngestResult:
    """Per-file reports plus what the index update did and how long each stage took."""

    files: list[FileReport] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    paragraphs: int = 0
    embedded: int = 0
    rebuilt: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]


def ingest_paths(paths: list[str | Path], settings: Settings, *, progress: Progress | None = None,
                 names: dict[str, str] | None = None) -> IngestResult:
    """Read, chunk and index files (and folders). Bad files are reported, never fatal; the index is
    only changed by one atomic swap, so a failure leaves it as it was.

    Args:
        paths: files or folders (.pdf, .txt, .md).
        settings: index folder, chunker and model settings.
        progress: called as `progress(stage, done, total)` for `parse`, `embed`, `index`, `write`.
        names: optional display names by path (uploads keep their original file name).
    """
    from corpus.ingest import expand_paths, read_file
    from corpus.records import content_hash
    from index import update_index

    result = IngestResult()
    files = list(expand_paths(paths))
    started = time.perf_counter()
    good = []
    for i, path in enumerate(files):
        report = read_file(path, max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars,
                           strip_running=settings.chunker.strip_running_lines,
                           name=(names or {}).get(str(path)))
        result.files.append(report)
        if report.ok:
            sha = content_hash(path.read_bytes())
            good.append((report.paragraphs[0].doc, sha, list(report.paragraphs)))
        if progress:
            progress("parse", i + 1, len(files))
    result.seconds["parse"] = time.perf_counter() - started
    if good:
        update = update_index(settings.index_dir, settings, good, progress=progress)
        result.added, result.changed = list(update.added), list(update.changed)
        result.skipped, result.paragraphs = list(update.skipped), update.paragraphs
        result.embedded, result.rebuilt = update.embedded, update.rebuilt
        result.seconds.update(update.seconds)
    return result


def remove_docs(names: list[str], settings: Settings) -> IngestResult:
    """Drop files (by name or doc id) from the index."""
    from index import update_index

    update = update_index(settings.index_dir, settings, [], remove=names)
    return IngestResult(removed=list(update.removed), paragraphs=update.paragraphs)


def list_docs(settings: Settings) -> list[dict]:
    """One row per indexed paper: file, paper, meeting, date, paragraph count."""
    from index import Index

    index = Index.load(settings.index_dir, settings, missing_ok=True)
    rows: dict[tuple[str, str], dict] = {}
    for p in index.paragraphs:
        row = rows.setdefault((p.doc, p.paper), {"doc": p.doc, "paper": p.paper, "meeting": p.meeting,
                                                  "date": p.date, "paragraphs": 0})
        row["paragraphs"] += 1
    return list(rows.values())
