"""`paragraphs.jsonl` read on demand: a memory-mapped file and the byte offset of every line, for large indexes."""

from __future__ import annotations

import json
import mmap
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Iterator, overload

import numpy as np

from corpus.records import Paragraph

OFFSETS_FILE = "paragraph_offsets.npy"
# Above this many paragraphs an index reads records from disk as they are asked for: 10^6 records as Python
# objects took about 1.5 GB, which is most of the memory a library of that size may use (benchmarks/scale.py).
LAZY_FROM = 100_000


def line_offsets(lengths: list[int]) -> np.ndarray:
    """Start of each line and the end of the last, from the lines' byte lengths (newline included)."""
    return np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))]).astype(np.int64)


class ParagraphFile(Sequence):
    """A read-only sequence of `Paragraph` records decoded from their JSON line when indexed (recent ones cached)."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self.path = path
        self._offsets = offsets
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != size or np.any(np.diff(offsets) <= 0):
            raise ValueError(f"{OFFSETS_FILE}: line offsets do not match {path.name} ({size} bytes)")
        self._decode = lru_cache(maxsize=4096)(self._read)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _read(self, i: int) -> Paragraph:
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        try:
            return Paragraph.from_json(json.loads(self._map[start:end]))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"{self.path.name}: line {i + 1} is not a paragraph record ({exc})") from exc

    @overload
    def __getitem__(self, i: int) -> Paragraph: ...

    @overload
    def __getitem__(self, i: slice) -> list[Paragraph]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._decode(j) for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"paragraph {i} of {len(self)}")
        return self._decode(i)

    def __iter__(self) -> Iterator[Paragraph]:
        for i in range(len(self)):
            yield self._read(i)  # a full pass would only flush the cache


def read_offsets(folder: Path) -> np.ndarray | None:
    """The stored line offsets, or None when the index has none (written small, or before they existed)."""
    path = folder / OFFSETS_FILE
    if not path.is_file():
        return None
    try:
        offsets = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{OFFSETS_FILE}: not a plain numpy array ({exc})") from exc
    if offsets.dtype != np.int64 or offsets.ndim != 1:
        raise ValueError(f"{OFFSETS_FILE}: expected int64 offsets, found {offsets.dtype} {offsets.shape}")
    return offsets
