"""One file in, its paragraph records out (or the reason it could not be read): loaders + cleaning + chunker."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

from corpus.chunker import chunk_pages
from corpus.records import FileReport, Page, content_hash, make_doc_id

log = logging.getLogger(__name__)

SUPPORTED = (".pdf", ".txt", ".md")
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def sample_files() -> list[Path]:
    """The bundled sample papers (the default corpus of a fresh install)."""
    return sorted(SAMPLES_DIR.glob("*.txt"))


def expand_paths(paths: list[str | Path]) -> Iterator[Path]:
    """Files as given, and the supported files inside given folders (sorted, recursive)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED and not child.name.startswith("."):
                    yield child
        else:
            yield path


def read_file(path: Path, *, max_bytes: int, max_chars: int = 6000, strip_running: bool = True,
              name: str | None = None) -> FileReport:
    """Read and chunk one file. Never raises for bad input: the report carries the error.

    Args:
        path: the file.
        max_bytes: files larger than this are refused.
        max_chars: longer paragraphs are split at sentence ends.
        strip_running: drop running headers, footers and page numbers (PDF).
        name: the name shown in citations (defaults to the file name).
    """
    from corpus.cleaning import running_summary
    from corpus.loaders import UnreadableFile, load_pages

    name = name or path.name
    notes: list[str] = []
    dropped: list[str] = []
    try:
        # Read only after load_pages has checked the size: an oversized file must not be loaded into memory.
        pages = load_pages(path, max_bytes=max_bytes, strip_running=strip_running, notes=notes,
                           dropped=dropped)
        data = path.read_bytes()
    except UnreadableFile as exc:
        return FileReport(path=str(path), error=str(exc))
    except OSError as exc:
        return FileReport(path=str(path), error=f"{path}: cannot read ({exc.strerror or exc})")
    if path.suffix.lower() != ".pdf":
        pages = [Page(0, "\n\n".join(page.text for page in pages))]  # a text file has no page numbers to cite
    doc_id = make_doc_id(name, content_hash(data))
    try:
        paragraphs = chunk_pages(pages, doc=name, doc_id=doc_id, max_chars=max_chars)
    except RecursionError:
        return FileReport(path=str(path), error=f"{path}: structure too deeply nested to read")
    if not paragraphs:
        return FileReport(path=str(path), doc_id=doc_id, error=f"{path}: no text found: if it is a scan, run OCR first")
    papers = tuple(dict.fromkeys(p.paper for p in paragraphs))
    log.info("%s: %d papers, %d paragraphs", name, len(papers), len(paragraphs))
    return FileReport(path=str(path), doc_id=doc_id, paragraphs=tuple(paragraphs), papers=papers,
                      notes=tuple(notes), running=running_summary(dropped))
