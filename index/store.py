"""The index folder on disk (manifest, paragraphs, vectors, FAISS, BM25) and the loaded `Index` that searches it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from corpus.records import Paragraph
from index.lexical import LexicalIndex
from index.passages import PASSAGE_FORMAT, allowed_passages, best_per_paragraph
from index.paragraph_file import LAZY_FROM, ParagraphFile, read_offsets
from index.sentence_vectors import SentenceVectors
from index.vectors import KINDS, Scored, VectorIndex

if TYPE_CHECKING:
    from boardqa.settings import Settings

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
# A folder with delta segments and removed files (index/segments.py); a boardqa that reads only format 1 refuses it
# with "written by a newer boardqa" instead of misreading the base files alone.
SEGMENTED_FORMAT = 2
MANIFEST = "manifest.json"
PARAGRAPHS = "paragraphs.jsonl"
# What is embedded and BM25-indexed for each paragraph; changing it forces a rebuild.
OWNERS_FILE = "owners.npy"


class IndexCorrupt(ValueError):
    """The index folder is damaged, tampered with, or in an unknown format."""


def passage_text(p: Paragraph) -> str:
    """The text embedded and indexed for a paragraph: its heading gives short paragraphs their topic."""
    if p.section and p.section not in p.text:
        return f"{p.section}\n{p.text}"
    return p.text


def aside_dir(folder: Path) -> Path:
    """Where the previous index waits during the swap; a crash between the two renames leaves only this."""
    return folder.parent / f".{folder.name}.old"


@dataclass(frozen=True)
class DocEntry:
    """One indexed source file, as recorded in the manifest."""

    name: str
    doc_id: str
    sha256: str
    paragraphs: int
    papers: tuple[str, ...] = ()
    added: str = ""
    chunker: dict = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict:
        return {"name": self.name, "doc_id": self.doc_id, "sha256": self.sha256, "paragraphs": self.paragraphs,
                "papers": list(self.papers), "added": self.added, "chunker": self.chunker}

    @classmethod
    def from_json(cls, data: dict) -> "DocEntry":
        return cls(name=str(data["name"]), doc_id=str(data["doc_id"]), sha256=str(data["sha256"]),
                   paragraphs=int(data["paragraphs"]), papers=tuple(data.get("papers") or ()),
                   added=str(data.get("added", "")), chunker=dict(data.get("chunker") or {}))


class Index:
    """Paragraphs with their vectors and BM25 index; positions into `paragraphs` identify hits."""

    def __init__(self, paragraphs: "list[Paragraph] | ParagraphFile", vectors: VectorIndex, lexical: LexicalIndex,
                 manifest: dict, folder: Path | None = None, owners: np.ndarray | None = None,
                 sentences: SentenceVectors | None = None) -> None:
        self.paragraphs = paragraphs
        self.vectors = vectors
        self.lexical = lexical
        # owners[i]: the paragraph that passage i (row i of the vectors and of BM25) belongs to
        self.owners = np.arange(len(paragraphs), dtype=np.int64) if owners is None else owners
        self.manifest = manifest
        self.folder = folder
        # the answerer's candidate sentences, embedded at ingest (empty for an index written before them)
        self.sentences = sentences if sentences is not None else SentenceVectors.empty()
        self.docs = [DocEntry.from_json(d) for d in manifest.get("docs", [])]
        self._columns: dict[str, np.ndarray] = {}

    @classmethod
    def empty(cls) -> "Index":
        """An index with no paragraphs: every search returns nothing."""
        return cls([], VectorIndex(np.zeros((0, 0), np.float32), None), LexicalIndex(None, 0), {"docs": []})

    @classmethod
    def load(cls, folder: Path | str, settings: "Settings | None" = None, *, missing_ok: bool = False,
             verify: bool = True) -> "Index":
        """Load the index in `folder`, checking it thoroughly; nothing in the folder is executed or unpickled.

        Args:
            folder: the index folder (`settings.index_dir`).
            settings: when given, a warning is logged if the index was built with other settings.
            missing_ok: return `Index.empty()` when there is no index yet instead of raising.
            verify: check every file's sha256 against the manifest (~1 s per GB).

        Raises:
            FileNotFoundError: no index in `folder` (and `missing_ok` is false).
            IndexCorrupt: naming the folder and the file at fault.
        """
        folder = Path(folder)
        # Folders are never modified once swapped in, so a read is consistent if the folder at
        # the path is the same one (same inode) before and after it; if not, an update swapped
        # it meanwhile and the read is retried on the new one.
        for attempt in range(5):
            before = _current(folder)
            if not before[0]:
                if missing_ok:
                    return cls.empty()
                raise FileNotFoundError(f"{folder}: no index here yet; add papers with `boardqa ingest FILES`")
            source = Path(before[0])
            try:
                index = cls._read(source, verify)
            except (IndexCorrupt, FileNotFoundError):
                if attempt == 4 or _current(folder) == before:
                    raise
                continue
            if _current(folder) == before:
                break
        if source != folder:
            log.warning("%s: missing; using %s left by an interrupted update", folder, source)
        index.folder = folder
        if settings is not None and (reason := index.stale_reason(settings)):
            log.warning("%s: %s; run `boardqa ingest` to rebuild", folder, reason)
        return index

    @classmethod
    def _read(cls, folder: Path, verify: bool = True, manifest: dict | None = None) -> "Index":
        """One folder's index; `manifest` given: read the files it describes (a segment of a segmented folder)."""
        whole = manifest is None
        manifest = _read_manifest(folder) if whole else manifest
        if verify:
            _verify_files(folder, manifest)
        if whole and manifest["format_version"] == SEGMENTED_FORMAT:
            from index.segments import read_segmented

            return read_segmented(folder, manifest)
        paragraphs = _read_paragraphs(folder, manifest)
        count = len(paragraphs)
        owners = _read_owners(folder, count)
        try:
            vectors = VectorIndex.load(folder, len(owners), manifest["vectors"]["kind"])
            lexical = LexicalIndex.load(folder, len(owners))
            sentences = SentenceVectors.load(folder, count, manifest["embedding"].get("dim", 0))
        except ValueError as exc:
            raise IndexCorrupt(f"{folder}/{exc}. Delete the folder and ingest the papers again.") from exc
        dim = manifest["embedding"].get("dim", 0)
        if count and vectors.vectors.shape[1] != dim:
            raise IndexCorrupt(f"{folder}/vectors.npy: {vectors.vectors.shape[1]} dimensions, manifest says {dim}")
        return cls(paragraphs, vectors, lexical, manifest, folder, owners, sentences)

    def __len__(self) -> int:
        return len(self.paragraphs)

    @property
    def model_id(self) -> str:
        """The embedding model the vectors came from (`name@hash12`), "" for an empty index."""
        return self.manifest.get("embedding", {}).get("model_id", "")

    @property
    def papers(self) -> list[str]:
        """Every paper title, in index order without repeats (for filter menus)."""
        return list(dict.fromkeys(p.paper for p in self._heads()))

    def _heads(self) -> "Sequence[Paragraph]":
        """The records whose labels and metadata filters read (a store keeping texts elsewhere gives them textless)."""
        return self.paragraphs

    def stale_reason(self, settings: "Settings", model_id: str | None = None) -> str:
        """Why this index does not match `settings` (and `model_id`, when known), or "" when it does."""
        from index.embeddings import same_model

        if not self.paragraphs:
            return ""
        if model_id is not None:
            if not same_model(self.model_id, model_id):
                return f"built with embedding model {self.model_id}, settings give {model_id}"
        elif self.model_id.rsplit("@", 1)[0] != settings.embedding.model:
            return f"built with embedding model {self.model_id}, settings give {settings.embedding.model}"
        chunker = settings.chunker.model_dump()
        stale = [d.name for d in self.docs if d.chunker != chunker]
        if stale:
            return f"{len(stale)} file(s) chunked with other settings: {', '.join(stale[:5])}"
        return ""

    def search_dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """Up to `k` (position, cosine) pairs, best first, optionally among `allowed` positions."""
        if allowed is not None and len(allowed) == 0:
            return []
        if len(self.owners) == len(self.paragraphs):
            return self.vectors.search(qvec, k, allowed)
        hits = self.vectors.search(qvec, 3 * k, allowed_passages(self.owners, allowed))
        return best_per_paragraph(hits, self.owners, k)

    def search_lexical(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """Up to `k` (position, BM25 score) pairs with a score above 0, best first."""
        if allowed is not None and len(allowed) == 0:
            return []
        if len(self.owners) == len(self.paragraphs):
            return self.lexical.search(query, k, allowed)
        hits = self.lexical.search(query, 3 * k, allowed_passages(self.owners, allowed))
        return best_per_paragraph(hits, self.owners, k)

    def positions_where(self, doc: str | Iterable[str] | None = None, paper: str | Iterable[str] | None = None,
                        date_from: str | None = None, date_to: str | None = None,
                        body: str | Iterable[str] | None = None,
                        committee: str | Iterable[str] | None = None) -> np.ndarray:
        """Sorted positions of the paragraphs passing every given filter (all of them when none is given).

        `doc` matches file names or doc ids; `paper`, `body` and `committee` match ignoring case. Dates are ISO
        strings compared as text, so `date_to="2025-05"` includes all of May 2025; paragraphs with
        an unknown date are excluded whenever a date filter is set.
        """
        mask = np.ones(len(self.paragraphs), dtype=bool)
        if doc:
            wanted = _as_set(doc)
            mask &= np.isin(self._column("doc"), wanted) | np.isin(self._column("doc_id"), wanted)
        for name, value in (("paper", paper), ("body", body), ("committee", committee)):
            if value:
                mask &= np.isin(self._column(name), [v.casefold() for v in _as_set(value)])
        if date_from or date_to:
            dates = self._column("date")
            mask &= dates != ""
            if date_from:
                mask &= dates >= date_from
            if date_to:
                mask &= dates.astype(f"<U{len(date_to)}") <= date_to  # truncation compares by prefix
        return np.flatnonzero(mask)

    def _column(self, name: str) -> np.ndarray:
        if name not in self._columns:
            values = [getattr(p, name) for p in self._heads()]
            if name in ("paper", "body", "committee"):
                values = [v.casefold() for v in values]
            self._columns[name] = np.array(values, dtype=str) if values else np.zeros(0, dtype="<U1")
        return self._columns[name]


def _as_set(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _current(folder: Path) -> tuple[str, int]:
    """Which folder a load would read now, and its inode."""
    for path in (folder, aside_dir(folder)):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        if S_ISDIR(stat.st_mode):
            return str(path), stat.st_ino
    return "", -1


def _corrupt(folder: Path, name: str, reason: str) -> IndexCorrupt:
    return IndexCorrupt(f"{folder}/{name}: {reason}. Delete the folder and ingest the papers again.")


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _corrupt(folder, MANIFEST, "missing (not an index folder, or an unfinished one)") from None
    except (ValueError, OSError) as exc:
        raise _corrupt(folder, MANIFEST, f"not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format_version"), int):
        raise _corrupt(folder, MANIFEST, "no format_version")
    version = manifest["format_version"]
    if version not in (FORMAT_VERSION, SEGMENTED_FORMAT):
        newer = "a newer boardqa; upgrade it" if version > SEGMENTED_FORMAT else "an older boardqa"
        raise _corrupt(folder, MANIFEST, f"format {version} was written by {newer} "
                       f"(this one reads {FORMAT_VERSION} and {SEGMENTED_FORMAT})")
    if (version == SEGMENTED_FORMAT) != isinstance(manifest.get("segments"), dict):
        raise _corrupt(folder, MANIFEST, f"format {version} with{'out' if version == SEGMENTED_FORMAT else ''} "
                       "`segments`")
    for key, kind in (("docs", list), ("embedding", dict), ("files", dict), ("counts", dict), ("vectors", dict)):
        if not isinstance(manifest.get(key), kind):
            raise _corrupt(folder, MANIFEST, f"`{key}` missing or of the wrong type")
    if manifest["vectors"].get("kind") not in KINDS:
        raise _corrupt(folder, MANIFEST, f"unknown vector index kind {manifest['vectors'].get('kind')!r}")
    try:
        [DocEntry.from_json(d) for d in manifest["docs"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise _corrupt(folder, MANIFEST, f"bad file entry ({exc!r})") from exc
    return manifest


def file_digest(path: Path) -> dict:
    """Size and sha256 of one index file, as recorded in the manifest."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def verify_files(folder: Path, manifest: dict) -> None:
    """Check every file the manifest lists against its size and sha256 (IndexCorrupt naming the first bad one)."""
    _verify_files(folder, manifest)


def _verify_files(folder: Path, manifest: dict) -> None:
    for name, expected in manifest["files"].items():
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise _corrupt(folder, MANIFEST, f"file entry {name!r} points outside the folder")
        if not isinstance(expected, dict):
            raise _corrupt(folder, MANIFEST, f"file entry {name!r} is not a size and hash")
        if not path.is_file():
            raise _corrupt(folder, name, "missing")
        if path.stat().st_size != expected.get("bytes"):
            raise _corrupt(folder, name, f"{path.stat().st_size} bytes, manifest says {expected.get('bytes')}")
        if file_digest(path)["sha256"] != expected.get("sha256"):
            raise _corrupt(folder, name, "content differs from the manifest's sha256 (edited or damaged)")


def _read_owners(folder: Path, count: int) -> np.ndarray:
    """Which paragraph each passage belongs to: non-decreasing, every paragraph at least once."""
    path = folder / OWNERS_FILE
    try:
        owners = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise _corrupt(folder, OWNERS_FILE, "missing") from None
    except (ValueError, OSError, EOFError) as exc:
        raise _corrupt(folder, OWNERS_FILE, f"not a plain numpy array ({exc})") from exc
    if owners.dtype.kind not in "iu" or owners.ndim != 1:
        raise _corrupt(folder, OWNERS_FILE, f"expected integers, found {owners.dtype} {owners.shape}")
    owners = owners.astype(np.int64)
    if count and (len(owners) < count or owners[0] != 0 or owners[-1] != count - 1
                  or np.any(np.diff(owners) < 0) or np.any(np.diff(owners) > 1)):
        raise _corrupt(folder, OWNERS_FILE, f"does not map passages onto the {count} paragraphs")
    if not count and len(owners):
        raise _corrupt(folder, OWNERS_FILE, "passages for an empty index")
    return owners


def _read_paragraphs(folder: Path, manifest: dict) -> "list[Paragraph] | ParagraphFile":
    expected = manifest["counts"].get("paragraphs")
    if isinstance(expected, int) and expected > LAZY_FROM:
        try:
            offsets = read_offsets(folder)
            if offsets is not None:
                lazy = ParagraphFile(folder / PARAGRAPHS, offsets)
                if len(lazy) != expected:
                    raise _corrupt(folder, PARAGRAPHS, f"{len(lazy)} paragraphs, manifest says {expected}")
                return lazy  # (per-file counts are covered by the manifest's sha256 of both files)
        except ValueError as exc:
            if isinstance(exc, IndexCorrupt):
                raise
            raise _corrupt(folder, str(exc).split(":")[0], str(exc).split(": ", 1)[-1]) from exc
    paragraphs: list[Paragraph] = []
    try:
        with open(folder / PARAGRAPHS, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                try:
                    paragraphs.append(Paragraph.from_json(json.loads(line)))
                except (ValueError, TypeError, AttributeError) as exc:
                    raise _corrupt(folder, PARAGRAPHS, f"line {number} is not a paragraph record ({exc})") from exc
    except FileNotFoundError:
        raise _corrupt(folder, PARAGRAPHS, "missing") from None
    except UnicodeDecodeError:  # raised by the line iterator, outside the per-line check above
        raise _corrupt(folder, PARAGRAPHS, f"not UTF-8 text after line {len(paragraphs)}") from None
    expected = manifest["counts"].get("paragraphs")
    if len(paragraphs) != expected:
        raise _corrupt(folder, PARAGRAPHS, f"{len(paragraphs)} paragraphs, manifest says {expected}")
    per_doc: dict[str, int] = {}
    for p in paragraphs:
        per_doc[p.doc_id] = per_doc.get(p.doc_id, 0) + 1
    for entry in manifest["docs"]:
        if per_doc.pop(entry["doc_id"], 0) != entry["paragraphs"]:
            raise _corrupt(folder, PARAGRAPHS, f"paragraph count of {entry['name']} differs from the manifest")
    if per_doc:
        raise _corrupt(folder, PARAGRAPHS, f"paragraphs of files not in the manifest: {sorted(per_doc)[:3]}")
    return paragraphs
