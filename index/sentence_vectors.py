"""Sentence vectors computed at ingest: the answerer's candidate sentences, keyed by text, memory-mapped on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import numpy as np

from corpus.records import Paragraph

# One row per stored sentence, grouped by paragraph in index order: its text's key, its vector, its paragraph.
KEYS_FILE = "sentence_keys.npy"
VECTORS_FILE = "sentence_vectors.npy"
OWNERS_FILE = "sentence_owners.npy"
FILES = (KEYS_FILE, VECTORS_FILE, OWNERS_FILE)

# What the answerer compares with a question, for one paragraph (given by the caller: the index never
# imports the answerer); changing that function only costs speed, since texts are looked up by content.
SentenceTexts = Callable[[Paragraph], Sequence[str]]


def text_key(text: str) -> int:
    """A 64-bit key for a text (blake2b): 10^7 sentences collide with odds of about 3 in 10^6."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Lookup(NamedTuple):
    """Stored vectors for some texts: `vectors[i]` is valid where `found[i]` (zeros elsewhere)."""

    vectors: np.ndarray
    found: np.ndarray


class SentenceVectors:
    """Stored sentence vectors; `lookup` finds texts by key with a binary search over a sorted view."""

    def __init__(self, keys: np.ndarray, vectors: np.ndarray, owners: np.ndarray) -> None:
        self.keys = keys
        self.vectors = vectors
        self.owners = owners
        self._order = np.argsort(keys, kind="stable") if len(keys) else np.zeros(0, np.int64)
        self._sorted = keys[self._order] if len(keys) else keys

    @classmethod
    def empty(cls, dim: int = 0) -> "SentenceVectors":
        return cls(np.zeros(0, np.uint64), np.zeros((0, dim), np.float32), np.zeros(0, np.int64))

    @classmethod
    def from_texts(cls, texts: Sequence[Sequence[str]], vectors: np.ndarray, first_owner: int = 0) -> "SentenceVectors":
        """Rows for `texts[i]` (the sentences of paragraph `first_owner + i`), whose vectors are `vectors`, in order."""
        keys = np.array([text_key(t) for group in texts for t in group], dtype=np.uint64)
        owners = np.repeat(np.arange(first_owner, first_owner + len(texts), dtype=np.int64),
                           [len(group) for group in texts])
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} sentences but {len(vectors)} vectors")
        return cls(keys, np.ascontiguousarray(vectors, dtype=np.float32), owners)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def lookup(self, texts: Sequence[str]) -> Lookup:
        """The stored vector of each text, where there is one."""
        found = np.zeros(len(texts), dtype=bool)
        out = np.zeros((len(texts), max(self.dim, 1)), dtype=np.float32)
        if not len(self.keys) or not len(texts):
            return Lookup(out, found)
        wanted = np.array([text_key(t) for t in texts], dtype=np.uint64)
        at = np.searchsorted(self._sorted, wanted)
        inside = at < len(self._sorted)
        hit = np.zeros(len(texts), dtype=bool)
        hit[inside] = self._sorted[at[inside]] == wanted[inside]
        rows = self._order[at[hit]]
        if len(rows):
            out[hit] = self.vectors[rows]
        return Lookup(out, hit)

    def keep(self, paragraph_mask: np.ndarray) -> "SentenceVectors":
        """The rows of the paragraphs where `paragraph_mask` is true, owners renumbered to the kept positions."""
        if not len(self.keys):
            return SentenceVectors.empty(self.dim)
        rows = paragraph_mask[self.owners]
        renumber = np.cumsum(paragraph_mask) - 1
        return SentenceVectors(self.keys[rows], np.asarray(self.vectors[rows], dtype=np.float32),
                               renumber[self.owners[rows]])

    @staticmethod
    def concat(parts: list["SentenceVectors"]) -> "SentenceVectors":
        parts = [p for p in parts if len(p)]
        if not parts:
            return SentenceVectors.empty()
        if len({p.dim for p in parts}) > 1:
            raise ValueError("stored and new sentence vectors differ in dimension")
        return SentenceVectors(np.concatenate([p.keys for p in parts]), np.vstack([p.vectors for p in parts]),
                               np.concatenate([p.owners for p in parts]))

    def save(self, folder: Path) -> list[Path]:
        """Write the three arrays as plain `.npy` files; return their paths."""
        arrays = (self.keys.astype(np.uint64), np.ascontiguousarray(self.vectors, dtype=np.float32),
                  self.owners.astype(np.int64))
        paths = [folder / name for name in FILES]
        for path, array in zip(paths, arrays):
            np.save(path, array, allow_pickle=False)
        return paths

    @classmethod
    def load(cls, folder: Path, paragraphs: int, dim: int) -> "SentenceVectors":
        """Memory-map what `save` wrote (an index written before sentence vectors existed has none: empty).

        Raises:
            ValueError: naming the file, when an array is unreadable or disagrees with the others.
        """
        if not any((folder / name).exists() for name in FILES):
            return cls.empty(dim)
        arrays = []
        for name in FILES:
            try:
                arrays.append(np.load(folder / name, mmap_mode="r", allow_pickle=False))
            except FileNotFoundError:
                raise ValueError(f"{name}: missing (the other sentence files are there)") from None
            except (ValueError, OSError, EOFError) as exc:
                raise ValueError(f"{name}: not a plain numpy array ({exc})") from exc
        keys, vectors, owners = arrays
        if keys.dtype != np.uint64 or keys.ndim != 1:
            raise ValueError(f"{KEYS_FILE}: expected uint64 keys, found {keys.dtype} {keys.shape}")
        if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != len(keys) or (
                len(keys) and vectors.shape[1] != dim):
            raise ValueError(f"{VECTORS_FILE}: expected float32 ({len(keys)}, {dim}), found {vectors.dtype} "
                             f"{vectors.shape}")
        if owners.dtype != np.int64 or owners.shape != keys.shape or (
                len(owners) and (owners[0] < 0 or owners[-1] >= paragraphs or np.any(np.diff(owners) < 0))):
            raise ValueError(f"{OWNERS_FILE}: does not map sentences onto the {paragraphs} paragraphs in order")
        return cls(np.asarray(keys), vectors, owners)
