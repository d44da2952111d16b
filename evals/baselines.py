"""The system and its baselines (BM25 only, dense only, fixed 1000-character chunks) run over the same questions."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from corpus.records import Page, Paragraph, content_hash, make_doc_id
from evals.gold import GoldItem
from evals.metrics import Outcome, Retrieved
from qa.contract import Answer

if TYPE_CHECKING:
    from boardqa.settings import Settings
    from index.results import Hit

log = logging.getLogger(__name__)

SYSTEMS = ("system", "bm25", "dense", "fixed-1000")
RETRIEVAL_K = 10
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
_MODES = {"system": "hybrid", "bm25": "bm25", "dense": "dense"}

Progress = Callable[[str, int, int], None]


class UnknownSystem(ValueError):
    """A system name that is not one of `SYSTEMS`."""


class EngineLike(Protocol):
    """What the harness needs of `qa.engine.Engine` (tests pass fakes)."""

    def retrieve(self, question: str, k: int | None = None, filters: object = None) -> list["Hit"]: ...

    def ask(self, question: str, filters: object = None) -> Answer: ...


def _read_pages(path: Path, settings: "Settings") -> list[Page]:
    try:
        from corpus.loaders import load_pages
    except ImportError:  # loaders not installed: plain text is all the samples need
        return [Page(1, path.read_text(encoding="utf-8"))]
    return load_pages(path, settings.max_file_bytes, strip_running=settings.chunker.strip_running_lines)


def _pages_of(start: int, end: int, spans: Sequence[tuple[int, int, int]]) -> tuple[int, ...]:
    return tuple(number for number, a, b in spans if a < end and start < b)


def chunk_file(path: Path, pages: Sequence[Page], chunk_size: int = CHUNK_SIZE,
               chunk_overlap: int = CHUNK_OVERLAP) -> list[Paragraph]:
    """One file's pages cut by LangChain's `RecursiveCharacterTextSplitter`, as `Paragraph`s labelled `chunk N`."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    spans, parts, offset = [], [], 0
    for page in pages:
        spans.append((page.number, offset, offset + len(page.text)))
        parts.append(page.text)
        offset += len(page.text) + 2
    text = "\n\n".join(parts)
    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True)
    doc_id = make_doc_id(path.name, content_hash(text.encode("utf-8")))
    out = []
    for i, chunk in enumerate(splitter.create_documents([text]), start=1):
        start = int(chunk.metadata.get("start_index", 0))
        out.append(Paragraph(
            doc_id=doc_id, doc=path.name, doc_title=path.stem, paper=path.stem, label=f"chunk {i}",
            text=chunk.page_content, kind="chunk", pages=_pages_of(start, start + len(chunk.page_content), spans),
            seq=i - 1,
        ))
    return out


def fixed_chunks(paths: Sequence[Path], settings: "Settings", chunk_size: int = CHUNK_SIZE,
                 chunk_overlap: int = CHUNK_OVERLAP) -> list[Paragraph]:
    """Every file in `paths` cut into fixed-size overlapping chunks (the naive RAG baseline)."""
    out: list[Paragraph] = []
    for path in paths:
        out.extend(chunk_file(Path(path), _read_pages(Path(path), settings), chunk_size, chunk_overlap))
    return out


def source_files() -> list[Path]:
    """The papers the fixed-chunk baseline reads: the bundled samples the gold set was written from."""
    try:
        from corpus.ingest import sample_files
    except ImportError:
        return sorted((Path(__file__).resolve().parents[1] / "corpus" / "samples").glob("*.txt"))
    return sample_files()


def make_engine(name: str, settings: "Settings", sources: Sequence[Path] | None = None) -> EngineLike:
    """The engine behind one system name of `SYSTEMS`.

    Raises:
        UnknownSystem: an unknown system name.
    """
    from qa.engine import Engine

    if name in _MODES:
        return Engine.load(settings, retrieval=_MODES[name])
    if name == "fixed-1000":
        chunks = fixed_chunks(list(sources) if sources is not None else source_files(), settings)
        log.info("fixed-1000 baseline: %d chunks", len(chunks))
        return Engine.from_paragraphs(chunks, settings, retrieval="dense")
    raise UnknownSystem(f"unknown system {name!r}: choose from {', '.join(SYSTEMS)}")


def run_engine(name: str, engine: EngineLike, items: Sequence[GoldItem], k: int = RETRIEVAL_K,
               progress: Progress | None = None) -> list[Outcome]:
    """Ask every question (timed) and retrieve its top `k` paragraphs (for recall and MRR).

    One untimed question first, so loading the model lazily is not charged to the first answer.
    """
    if items:
        engine.ask(items[0].question)
    outcomes = []
    for done, item in enumerate(items, start=1):
        started = time.perf_counter()
        answer = engine.ask(item.question)
        latency = (time.perf_counter() - started) * 1000
        hits = engine.retrieve(item.question, k=k)
        ranked = tuple(Retrieved(h.paragraph.doc, h.paragraph.label, h.paragraph.text) for h in hits)
        outcomes.append(Outcome(item=item, answer=answer, retrieved=ranked, latency_ms=latency))
        if progress:
            progress(name, done, len(items))
    return outcomes


def check_systems(names: Sequence[str]) -> list[str]:
    """`names` validated against `SYSTEMS`, duplicates dropped, order kept."""
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise UnknownSystem(f"unknown system(s) {', '.join(unknown)}: choose from {', '.join(SYSTEMS)} (--systems)")
    return list(dict.fromkeys(names))


def run_systems(names: Sequence[str], items: Sequence[GoldItem], settings: "Settings", *,
                sources: Sequence[Path] | None = None, progress: Progress | None = None,
                factory: Callable[[str, "Settings", Sequence[Path] | None], EngineLike] | None = None,
                ) -> dict[str, list[Outcome]]:
    """Outcomes of each named system on `items`, systems in the order given.

    Engines are built one at a time (and dropped after) so only one extra index is in memory.
    """
    factory = factory or make_engine
    results = {}
    for name in check_systems(names):
        engine = factory(name, settings, sources)
        results[name] = run_engine(name, engine, items, progress=progress)
        del engine
    return results
