"""FAISS exact (IndexFlatIP) against HNSW and IVF-PQ on the same vectors: recall@10, latency, memory, build time."""

from __future__ import annotations

import math

import numpy as np

from benchmarks.common import Stopwatch, p50_p95, rss_mb
from benchmarks.synth import synthetic_queries

K = 10
CANDIDATES = 40  # what Engine.retrieve asks the dense index for (settings.retrieval.candidates)
EF_SEARCH = (40, 64, 128, 256)  # >= the 40 candidates asked for; 128 is the product's
NPROBE = (8, 16, 32, 64)
RECALL_QUERIES = 200
LATENCY_QUERIES = 60
PQ_M = 48  # 384 dims / 48 = 8 dims per code byte: 48 bytes a vector


def _single_query_ms(search, queries: np.ndarray) -> tuple[float, float]:
    """p50/p95 ms of one query at a time, as Engine.retrieve searches (FAISS then uses one thread)."""
    import time

    times = []
    for q in queries:
        started = time.perf_counter()
        search(q.reshape(1, -1))
        times.append((time.perf_counter() - started) * 1000)
    return p50_p95(times)


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[:K]) & set(t[:K])) / K for f, t in zip(found, truth)]))


def _cosine_kept(found, truth: np.ndarray, vectors: np.ndarray, queries: np.ndarray) -> float:
    """Mean cosine of the approximate top 10 over that of the exact top 10 (1.0: as similar).

    Generated corpora hold hundreds of noisy copies of each sample passage, so the exact top 10 is
    often picked out of near-ties; this says how much similarity a missed neighbour actually costs.
    """
    kept = []
    for f, t, q in zip(found, truth, queries):
        f = np.asarray(f)[:K]
        f = f[f >= 0]
        kept.append(float(np.mean(vectors[f] @ q)) / float(np.mean(vectors[t[:K]] @ q)) if len(f) else 0.0)
    return float(np.mean(kept))


def _serialized_mb(index) -> float:
    import faiss

    return faiss.serialize_index(index).nbytes / 2**20


def _row(method: str, setting: str, recall: float, latency: tuple[float, float], memory_mb: float,
         build_s: float | None, note: str = "", cosine: float = 1.0) -> dict:
    return {"method": method, "setting": setting, "recall": recall, "cosine": cosine, "p50": latency[0],
            "p95": latency[1], "memory_mb": memory_mb, "build_s": build_s, "note": note}


def compare(vectors: np.ndarray, question_vectors: np.ndarray, hnsw=None) -> list[dict]:
    """Rows for exact, HNSW (efSearch sweep) and IVF-PQ (nprobe sweep, with and without exact rerank).

    Queries: the gold questions' embeddings plus synthetic ones (base vectors + noise), so recall
    is averaged over `RECALL_QUERIES`. `hnsw` is the product's index when it already built one.
    """
    import faiss

    from index.vectors import HNSW_EF_CONSTRUCTION, HNSW_M

    # One OpenMP thread: with other jobs on the 2 CPUs, two threads meeting at every k-means
    # barrier trained IVF-PQ 3x slower than one (measured); single-query search uses one anyway.
    faiss.omp_set_num_threads(1)
    n, dim = vectors.shape
    extra = synthetic_queries(vectors[: min(n, 443)], RECALL_QUERIES - len(question_vectors))
    queries = np.ascontiguousarray(np.vstack([question_vectors, extra]), dtype=np.float32)
    timed = queries[:LATENCY_QUERIES]
    exact = faiss.IndexFlatIP(dim)
    with Stopwatch() as sw:
        exact.add(vectors)
    _, truth = exact.search(queries, K)
    rows = [_row("exact IndexFlatIP", "-", 1.0, _single_query_ms(lambda q: exact.search(q, CANDIDATES), timed),
                 vectors.nbytes / 2**20, sw.seconds)]
    del exact

    note = "the product's index (read from faiss.index)"
    if hnsw is None:
        rss = rss_mb()
        with Stopwatch() as sw:
            hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            hnsw.add(vectors)
        built, note = sw.seconds, f"built here; RSS +{rss_mb() - rss:.0f} MB"
    else:
        built = None
    hnsw_mb = _serialized_mb(hnsw)
    for ef in EF_SEARCH:
        params = faiss.SearchParametersHNSW(efSearch=ef)
        _, found = hnsw.search(queries, CANDIDATES, params=params)
        latency = _single_query_ms(lambda q: hnsw.search(q, CANDIDATES, params=params), timed)
        rows.append(_row(f"HNSWFlat M={HNSW_M}", f"efSearch={ef}", _recall(found, truth), latency,
                         hnsw_mb, built, note, _cosine_kept(found, truth, vectors, queries)))
    rows.extend(_ivfpq_rows(vectors, queries, timed, truth))
    return rows


def _ivfpq_rows(vectors: np.ndarray, queries: np.ndarray, timed: np.ndarray, truth: np.ndarray) -> list[dict]:
    """IVF-PQ, alone and with the top 40 re-scored exactly from the stored vectors (which the index keeps anyway)."""
    import faiss

    n, dim = vectors.shape
    nlist = 2 ** int(math.log2(max(16, min(1024, 4 * math.sqrt(n)))))
    index = faiss.index_factory(dim, f"IVF{nlist},PQ{PQ_M}", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
    # 40 points per list is what FAISS asks for; 10 k-means rounds keep training under a minute on 2
    # cores. Polysemous training (on by default) only helps Hamming pre-filtering and took 100 s alone.
    ivf.cp.niter = 10
    ivf.pq.cp.niter = 10
    ivf.do_polysemous_training = False
    train = vectors[np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False)]
    with Stopwatch() as sw:
        index.train(train)
        index.add(vectors)
    memory = _serialized_mb(index)
    rows = []
    for nprobe in NPROBE:
        if nprobe > nlist:
            continue
        params = faiss.SearchParametersIVF(nprobe=nprobe)
        _, found = index.search(queries, CANDIDATES, params=params)
        latency = _single_query_ms(lambda q: index.search(q, CANDIDATES, params=params), timed)
        setting = f"nlist={nlist}, nprobe={nprobe}"
        rows.append(_row(f"IVF-PQ{PQ_M}", setting, _recall(found, truth), latency, memory, sw.seconds, "",
                         _cosine_kept(found, truth, vectors, queries)))

        def reranked(q: np.ndarray) -> np.ndarray:
            _, ids = index.search(q, CANDIDATES, params=params)
            ids = ids[0][ids[0] >= 0]
            return ids[np.argsort(-(vectors[ids] @ q[0]))]

        found = [reranked(q.reshape(1, -1)) for q in queries]
        rows.append(_row(f"IVF-PQ{PQ_M} + exact rerank of {CANDIDATES}", setting, _recall(found, truth),
                         _single_query_ms(reranked, timed), memory, sw.seconds,
                         "vectors.npy can stay on disk (memory-mapped)", _cosine_kept(found, truth, vectors, queries)))
    return rows

