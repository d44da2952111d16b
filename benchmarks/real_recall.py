"""IVF-PQ (as the index builds it) against exact search on real-text vectors, alone and among 10^6 vectors.

Real text: the passages and stored sentences of the sample papers and of `/work/shared/papers` (13 other bodies'
PDFs); queries: the gold questions of both sets, which paraphrase the papers' wording. At 10^6 the real vectors
sit among mixtures of two or three real vectors plus noise (other passages on the same subjects, not copies of
one), and the truth is the exact top 10 over all of them. `python -m benchmarks.real_recall` prints the table.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import fmt, p50_p95, table

PAPERS = Path("/work/shared/papers")
SIZES = (0, 1_000_000)  # 0: the real vectors alone
K = 10


def real_texts() -> tuple[list[str], list[str]]:
    """(passages and sentences of the real papers, gold questions)."""
    from corpus.ingest import read_file, sample_files
    from evals.gold import load_gold
    from index.passages import passage_texts
    from benchmarks.paths import shared_questions
    from qa.evidence import semantic_texts

    files = list(sample_files()) + sorted(PAPERS.glob("*.pdf"))
    paragraphs = [p for f in files for p in read_file(f, max_bytes=10**8).paragraphs]
    texts, _ = passage_texts(paragraphs)
    texts += [t for p in paragraphs for t in semantic_texts(p)]
    questions = [i.question for i in load_gold()] + shared_questions()
    return list(dict.fromkeys(texts)), questions


def filler(real: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """`n` unit vectors, each a random mix of 2-3 real vectors plus noise (cosine ~0.6-0.8 to its parts)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        mix = rng.dirichlet(np.ones(3), m).astype(np.float32)
        parts = rng.integers(0, len(real), (m, 3))
        block = np.einsum("mk,mkd->md", mix, real[parts])
        block += rng.standard_normal(block.shape).astype(np.float32) * (0.5 / np.sqrt(real.shape[1]))
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def measure(vectors: np.ndarray, queries: np.ndarray, workdir: Path) -> dict:
    import faiss

    from index.vectors import VectorIndex

    faiss.omp_set_num_threads(1)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, K)
    del exact
    started = time.perf_counter()
    built = VectorIndex.build(vectors, exact_threshold=0)
    build_s = time.perf_counter() - started
    built.save(workdir)
    index = VectorIndex.load(workdir, len(vectors), "ivfpq")  # memory-mapped vectors, as served
    times, recalls = [], []
    for q, t in zip(queries, truth):
        started = time.perf_counter()
        hits = index.search(q, K)
        times.append((time.perf_counter() - started) * 1000)
        recalls.append(len({h.position for h in hits} & set(t.tolist())) / K)
    return {"n": len(vectors), "recall": float(np.mean(recalls)), "min_recall": float(np.min(recalls)),
            "latency": p50_p95(times), "build_s": build_s, "kind": index.kind,
            "codes_mb": faiss.serialize_index(index._faiss).nbytes / 2**20}


def run(sizes=SIZES, index_dir: Path | None = None) -> dict:
    """Recall at each size; with `index_dir`, the real vectors are that index's passages and stored sentences
    (no embedding: what a busy machine can afford), else the sample papers and PDFs embedded here."""
    from boardqa.settings import Settings
    from index import Embedder, Index

    embedder = Embedder.load(Settings.load(embedding__threads=1).embedding)
    started = time.perf_counter()
    if index_dir is not None:
        from benchmarks.paths import shared_questions
        from evals.gold import load_gold

        index = Index.load(index_dir)
        real = np.vstack([np.asarray(index.vectors.vectors), np.asarray(index.sentences.vectors)])
        questions = [i.question for i in load_gold()] + shared_questions()
    else:
        texts, questions = real_texts()
        real = embedder.encode(texts)
    embed_s = time.perf_counter() - started
    queries = np.ascontiguousarray(embedder.encode(questions), dtype=np.float32)
    rows = []
    for n in sizes:
        vectors = real if n <= len(real) else np.vstack([real, filler(real, n - len(real))])
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(measure(np.ascontiguousarray(vectors), queries, Path(tmp)))
    return {"real": len(real), "questions": len(questions), "embed_s": embed_s, "rows": rows}


def report(data: dict) -> str:
    from index.vectors import NPROBE, RERANK

    rows = [[fmt(r["n"], 0) if isinstance(r["n"], int) else r["n"], r["kind"], f"{r['recall']:.3f}",
             f"{r['min_recall']:.1f}", fmt(r["latency"][0], 1), fmt(r["latency"][1], 1), fmt(r["codes_mb"], 0),
             fmt(r["build_s"], 0)] for r in data["rows"]]
    return "\n".join([
        f"{data['real']:,} real-text vectors (passages and stored sentences of real papers) searched with "
        f"{data['questions']} gold questions (the sample set and the outside set); at 10^6 among mixtures of them. "
        f"IVF-PQ with nprobe={NPROBE}, its top {RERANK} re-scored exactly from memory-mapped vectors.", "",
        table(["vectors", "index", "recall@10 vs exact", "worst question", "p50 ms", "p95 ms", "index in RAM MB",
               "build s"], rows)])


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(report(run(index_dir=Path(sys.argv[1]) if len(sys.argv) > 1 else None)))
