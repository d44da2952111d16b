"""Embeddings, FAISS and BM25 search over paragraphs, and the crash-safe index folder they live in."""

from index.embeddings import Embedder, ModelChecksumError, ModelNotFound
from index.results import Hit
from index.safe_write import IndexBusy
from index.store import DocEntry, Index, IndexCorrupt
from index.update import UpdateReport, update_index
from index.vectors import Scored

__all__ = [
    "DocEntry",
    "Embedder",
    "Hit",
    "Index",
    "IndexBusy",
    "IndexCorrupt",
    "ModelChecksumError",
    "ModelNotFound",
    "Scored",
    "UpdateReport",
    "update_index",
]
