"""Dense search: FAISS inner product over unit vectors, exact when small or filtered, IVF-PQ re-ranked when large."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import math

import numpy as np

VECTORS_FILE = "vectors.npy"
FAISS_FILE = "faiss.index"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128  # HNSW indexes written before IVF-PQ are still read
# IVF-PQ (chosen by measurement, benchmarks/results/ann-real.md): 48 bytes a vector in RAM, the full vectors
# memory-mapped and read only for the candidates re-scored exactly.
DIMS_PER_CODE = 8  # 384 dimensions -> 48 one-byte codes a vector
NPROBE = 32
RERANK = 200
KINDS = ("flat", "hnsw", "ivfpq", "empty")
# Fewer vectors than this cannot train the product quantiser's 256 centroids per code well; exact is fast there.
IVF_MIN = 1024


class Scored(NamedTuple):
    """One candidate from one retriever: its position in `Index.paragraphs` and its score."""

    position: int
    score: float


def top_k(scores: np.ndarray, k: int, positions: np.ndarray | None = None) -> list[Scored]:
    """The `k` best of `scores` (ties broken by position so results are deterministic).

    `positions[i]` is the paragraph position of `scores[i]`; None means `scores` covers every paragraph.
    """
    if k <= 0 or len(scores) == 0:
        return []
    if positions is None:
        positions = np.arange(len(scores))
    k = min(k, len(scores))
    if k < len(scores):
        # argpartition keeps the k largest, plus anything tied with the k-th so the tie-break is fair
        cut = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = np.flatnonzero(scores >= cut)
        scores, positions = scores[keep], positions[keep]
    order = np.lexsort((positions, -scores))[:k]
    return [Scored(int(positions[i]), float(scores[i])) for i in order]


class VectorIndex:
    """The stored vectors (the source of truth) and the FAISS index built from them."""

    def __init__(self, vectors: np.ndarray, faiss_index: object | None) -> None:
        self.vectors = vectors
        self._faiss = faiss_index

    @classmethod
    def build(cls, vectors: np.ndarray, exact_threshold: int) -> "VectorIndex":
        """Index `vectors` (n, d) float32 unit rows: `IndexFlatIP` up to `exact_threshold` rows (and below
        `IVF_MIN`), IVF-PQ above (the vectors stay the source of truth: candidates are re-scored exactly)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(vectors) == 0:
            return cls(vectors, None)
        import faiss

        dim = vectors.shape[1]
        if len(vectors) <= max(exact_threshold, IVF_MIN - 1):
            index = faiss.IndexFlatIP(dim)
            vectors = np.ascontiguousarray(vectors)
            index.add(vectors)
        else:
            index = train_ivfpq(vectors)
            for start in range(0, len(vectors), 65536):  # a memory-mapped array is read a block at a time
                index.add(np.ascontiguousarray(vectors[start:start + 65536]))
        return cls(vectors, index)

    @classmethod
    def load(cls, folder: Path, count: int, kind: str = "flat") -> "VectorIndex":
        """Read `vectors.npy` (never unpickling) and, for HNSW, the FAISS file from `folder`.

        An exact index is rebuilt from the vectors (a memory copy, ~0.1 s for 10^5 rows) rather
        than stored twice; an HNSW graph is expensive to build, so it is stored.

        Raises:
            ValueError: naming the file, when either is unreadable or disagrees with `count` paragraphs.
        """
        path = folder / VECTORS_FILE
        try:
            # a large index reads vectors from disk (only re-scored candidates are touched)
            vectors = np.load(path, allow_pickle=False, mmap_mode="r" if kind in ("ivfpq", "hnsw") else None)
        except (ValueError, OSError, EOFError) as exc:
            raise ValueError(f"{path.name}: not a plain numpy array ({exc})") from exc
        if vectors.dtype != np.float32 or vectors.ndim != 2 or len(vectors) != count:
            raise ValueError(
                f"{path.name}: expected float32 array of {count} rows, found {vectors.dtype} {vectors.shape}"
            )
        if not isinstance(vectors, np.memmap) and not np.isfinite(vectors).all():
            # (a memory-mapped file is covered by the manifest's sha256 instead of being read whole here)
            raise ValueError(f"{path.name}: contains NaN or infinite values")
        if count == 0:
            return cls(vectors, None)
        if kind in ("hnsw", "ivfpq"):
            return cls(vectors, _read_faiss(folder / FAISS_FILE, vectors, kind))
        return cls.build(vectors, exact_threshold=count)

    def save(self, folder: Path) -> list[Path]:
        """Write the vectors (and an HNSW graph) into `folder`; return the files written."""
        path = folder / VECTORS_FILE
        _save_blocks(path, self.vectors)
        written = [path]
        if self.kind in ("hnsw", "ivfpq"):
            import faiss

            faiss.write_index(self._faiss, str(folder / FAISS_FILE))
            written.append(folder / FAISS_FILE)
        return written

    @property
    def kind(self) -> str:
        """`flat` (exact), `ivfpq` or `hnsw` (approximate) or `empty`."""
        if self._faiss is None:
            return "empty"
        if hasattr(self._faiss, "hnsw"):
            return "hnsw"
        return "ivfpq" if hasattr(self._faiss, "nprobe") else "flat"

    def __len__(self) -> int:
        return len(self.vectors)

    def search(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None,
               live: np.ndarray | None = None) -> list[Scored]:
        """The `k` paragraphs most similar (inner product = cosine) to the unit vector `qvec`.

        `allowed` (sorted int positions) restricts the search; a subset is scanned exactly with
        numpy, which is both correct (HNSW with a selector can miss results in a small subset)
        and fast (a subset of 10^5 rows of 384 floats is a few milliseconds). `live` (one bool a row)
        leaves out removed rows inside FAISS's own scan (a bitmap selector), so the index is searched as
        usual rather than scanned row by row; it is ignored when `allowed` is given (which must exclude them).
        """
        if self._faiss is None or k <= 0:
            return []
        query = np.ascontiguousarray(np.asarray(qvec, dtype=np.float32).reshape(1, -1))
        if query.shape[1] != self.vectors.shape[1]:
            raise ValueError(f"query vector has {query.shape[1]} dimensions, the index {self.vectors.shape[1]}")
        if allowed is not None and len(allowed) < len(self.vectors):
            allowed = np.asarray(allowed, dtype=np.int64)
            return top_k(self.vectors[allowed] @ query[0], k, allowed)
        return self._search_all(query, min(k, len(self.vectors)), live)

    def _search_all(self, query: np.ndarray, k: int, live: np.ndarray | None = None) -> list[Scored]:
        import faiss

        extra = {}
        if live is not None:
            bits = np.packbits(np.asarray(live, dtype=bool), bitorder="little")  # row i is bit i % 8 of byte i // 8
            extra["sel"] = faiss.IDSelectorBitmap(len(live), faiss.swig_ptr(bits))
        if self.kind == "ivfpq":
            params = faiss.SearchParametersIVF(nprobe=NPROBE, **extra)
            _, ids = self._faiss.search(query, max(RERANK, k), params=params)
            ids = np.sort(ids[0][ids[0] >= 0])  # ascending rows read the memory-mapped file in order
            return top_k(np.asarray(self.vectors[ids]) @ query[0], k, ids)
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k), **extra)
            scores, ids = self._faiss.search(query, k, params=params)
        elif extra:
            scores, ids = self._faiss.search(query, k, params=faiss.SearchParameters(**extra))
        else:
            scores, ids = self._faiss.search(query, k)
        return [Scored(int(i), float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]


def train_ivfpq(vectors: np.ndarray) -> object:
    """An empty, trained IVF-PQ index for `vectors`: about 4 sqrt(n) lists (64-1024), a one-byte code per 8 dimensions."""
    import faiss

    n, dim = vectors.shape
    pq_m = next(m for m in range(max(1, dim // DIMS_PER_CODE), 0, -1) if dim % m == 0)
    nlist = 2 ** int(round(math.log2(min(1024, max(64, 4 * math.sqrt(n))))))
    index = faiss.index_factory(dim, f"IVF{nlist},PQ{pq_m}", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
    # 10 k-means rounds on 40 points a list (FAISS's minimum) train in well under a minute on 2 cores; polysemous
    # training only serves Hamming pre-filtering, which is not used (benchmarks/ann.py).
    ivf.cp.niter = 10
    ivf.pq.cp.niter = 10
    ivf.do_polysemous_training = False
    rows = np.sort(np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False))
    index.train(np.ascontiguousarray(vectors[rows], dtype=np.float32))
    return index


def _save_blocks(path: Path, vectors: np.ndarray) -> None:
    """`np.save` a block at a time, so a memory-mapped array is never read into memory whole."""
    from numpy.lib.format import open_memmap

    if not isinstance(vectors, np.memmap):
        np.save(path, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        return
    out = open_memmap(path, mode="w+", dtype=np.float32, shape=vectors.shape)
    for start in range(0, len(vectors), 65536):
        out[start:start + 65536] = vectors[start:start + 65536]
    out.flush()
    del out


def _read_faiss(path: Path, vectors: np.ndarray, kind: str = "hnsw") -> object:
    """Read a FAISS index (its own binary format, not pickle) and check it matches the vectors."""
    import faiss

    if not path.is_file():
        raise ValueError(f"{path.name}: missing")
    try:
        index = faiss.read_index(str(path))  # returns the concrete subclass
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ValueError(f"{path.name}: not a readable FAISS index ({str(exc).splitlines()[0]})") from exc
    expected = faiss.IndexHNSWFlat if kind == "hnsw" else faiss.IndexIVFPQ
    if not isinstance(index, expected):
        raise ValueError(f"{path.name}: expected {expected.__name__}, found {type(index).__name__}")
    if index.metric_type != faiss.METRIC_INNER_PRODUCT:
        raise ValueError(f"{path.name}: index does not use inner product")
    if index.ntotal != len(vectors) or index.d != vectors.shape[1]:
        raise ValueError(
            f"{path.name}: holds {index.ntotal} vectors of {index.d} dimensions, "
            f"vectors.npy {len(vectors)} of {vectors.shape[1]}"
        )
    if kind == "hnsw":
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index
