"""One corpus size, in two fresh processes: `build` (generate, index, write) and `serve` (load, ask, compare)."""

from __future__ import annotations

import gc
import json
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from benchmarks.common import (Stopwatch, gold_items, load_note, p50_p95, peak_mb, questions, rss_mb,
                               time_interleaved)


def build(n: int, sample_index: Path, folder: Path) -> dict:
    """Generate `n` paragraphs from the sample index and index them with the product's `update_index`.

    Only the model is replaced (by `GeneratedEmbedder`); `VectorIndex.build` and `LexicalIndex.build`
    are wrapped to time the dense and BM25 parts of the `index` stage separately.
    """
    from boardqa.settings import Settings
    from index import Index, update_index

    from benchmarks.synth import GeneratedEmbedder, make_files
    from qa.evidence import semantic_texts

    settings = Settings.load(index_dir=folder)
    base = Index.load(sample_index, verify=False)
    start_mb = peak_mb()
    rss0 = rss_mb()
    with Stopwatch() as gen:
        files = make_files(base.paragraphs, {d.name: d.sha256 for d in base.docs}, n)
    rss_data = rss_mb() - rss0
    embedder = GeneratedEmbedder(base.vectors.vectors, base.model_id)
    with _timed_builds() as parts:
        # as an ingest does, the answerer's candidate sentences are embedded (generated) and stored with the index
        report = update_index(folder, settings, files, embedder=embedder, sentence_texts=semantic_texts)
    text_mb = sum(len(p.text) for _, _, paras in files for p in paras) / 2**20
    del files
    manifest = json.loads((folder / "manifest.json").read_text())
    passages = len(np.load(folder / "vectors.npy", mmap_mode="r"))
    per_paragraph = np.bincount(base.owners, minlength=len(base.paragraphs))
    copies, rest = divmod(n, len(base.paragraphs))
    expected = copies * int(per_paragraph.sum()) + int(per_paragraph[:rest].sum())
    disk: dict[str, float] = {}
    for path in folder.iterdir():
        key = path.name + ("/" if path.is_dir() else "")
        disk[key] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.is_dir() \
            else path.stat().st_size / 2**20
    return {"n": n, "passages": passages, "aligned": passages == expected, "kind": manifest["vectors"]["kind"],
            "gen_s": gen.seconds,
            "vectors_s": report.seconds.get("embed", 0.0), "dense_s": parts.get("dense", 0.0),
            "bm25_s": parts.get("bm25", 0.0), "index_s": report.seconds.get("index", 0.0),
            "write_s": report.seconds.get("write", 0.0), "rss_data_mb": rss_data, "start_mb": start_mb,
            "peak_mb": peak_mb(), "disk_mb": disk, "text_mb": text_mb,
            "vectors_mb": passages * base.vectors.vectors.shape[1] * 4 / 2**20,
            "load": load_note()}


@contextmanager
def _timed_builds():
    """Seconds spent in `VectorIndex.build` and `LexicalIndex.build` while the block runs."""
    from index.lexical import LexicalIndex
    from index.vectors import VectorIndex

    seconds: dict[str, float] = {}
    originals = {"dense": (VectorIndex, VectorIndex.__dict__["build"]),
                 "bm25": (LexicalIndex, LexicalIndex.__dict__["build"])}

    def wrap(name: str, func):
        def timed(cls, *args, **kwargs):
            started = time.perf_counter()
            try:
                return func(cls, *args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        return classmethod(timed)

    for name, (cls, original) in originals.items():
        cls.build = wrap(name, original.__func__)
    try:
        yield seconds
    finally:
        for cls, original in originals.values():
            cls.build = original


def serve(folder: Path, ann: bool, threads: int = 0) -> dict:
    """Load the index like the app does, time questions, then LangChain's store (and FAISS variants) on it."""
    from boardqa.settings import Settings
    from index import Embedder, Index
    from index.passages import passage_texts
    from qa.engine import Engine

    from benchmarks import langchain_baseline as lc

    settings = Settings.load(index_dir=folder, embedding__threads=threads or None)
    embedder = Embedder.load(settings.embedding)
    embedder.encode(["warm up"])
    rss0 = rss_mb()
    with Stopwatch() as load:
        index = Index.load(folder, settings)
    out = {"n": len(index), "passages": len(index.vectors), "load_s": load.seconds, "rss_index_mb": rss_mb() - rss0,
           "kind": index.vectors.kind}
    engine = Engine(index, settings, embedder=embedder)
    qs = questions()
    for q in qs[:2]:
        engine.ask(q)
    out["peak_serving_mb"] = peak_mb()

    rss1 = rss_mb()
    with Stopwatch() as lc_build:
        texts, owners = passage_texts(index.paragraphs)  # the same passages as our vectors' rows
        store = lc.store_from_vectors(texts, index.vectors.vectors, lc.adapter(lc.torch_model(settings.embedding)),
                                      [index.paragraphs[i].doc for i in owners])
    out["lc_build_s"] = lc_build.seconds
    out["lc_rss_mb"] = rss_mb() - rss1
    # Millions of new objects (our paragraphs, LangChain's Documents) make Python's next full
    # collections slow; settle them first so neither side's timings catch a collection the other caused.
    out["gc_full_ms"] = _full_collection_ms()
    gc.freeze()
    answer_ms: list[float] = []

    def ask(q: str):
        answer = engine.ask(q)
        answer_ms.append(float((getattr(answer, "timings", None) or {}).get("answer_ms", 0.0)))
        return answer

    times = time_interleaved({"retrieve": lambda q: engine.retrieve(q, second_stage=False), "ask": ask,
                              "search": lambda q: store.similarity_search(q, k=lc.K)}, qs)
    out.update(retrieve=p50_p95(times["retrieve"]), ask=p50_p95(times["ask"]), lc_search=p50_p95(times["search"]),
               answer_only=p50_p95(answer_ms))
    gc.unfreeze()
    del store, texts, owners
    gc.collect()
    out["parts"] = _breakdown(engine, qs)
    out["gold_at_8"] = _strict_gold(engine, gold_items())
    if index.vectors.kind == "hnsw":
        out["exact"] = _exact_instead(engine, qs)
    if ann:
        from benchmarks.ann import compare

        hnsw = index.vectors._faiss if index.vectors.kind == "hnsw" else None
        out["ann"] = compare(index.vectors.vectors, embedder.encode(qs), hnsw)
    out["peak_mb"] = peak_mb()
    out["load"] = load_note()
    return out


def _breakdown(engine, qs: list[str]) -> dict:
    """p50/p95 ms of each step of `Engine.retrieve`: query embedding, dense (FAISS default threads, and one
    thread), BM25 (expanded query), exact-reference lookup; steps take turns question by question."""
    from qa.question import expanded_query
    from qa.references import lookup

    n = engine.settings.retrieval.candidates
    qvecs = {q: engine.embedder.encode_query(q) for q in qs}
    import faiss

    default_threads = faiss.omp_get_max_threads()

    def dense_one_thread(q: str):
        faiss.omp_set_num_threads(1)
        try:
            return engine.index.search_dense(qvecs[q], n)
        finally:
            faiss.omp_set_num_threads(default_threads)

    steps = {
        "embed": lambda q: engine.embedder.encode_query(q),
        "dense": lambda q: engine.index.search_dense(qvecs[q], n),
        "dense_1thread": dense_one_thread,
        "bm25": lambda q: engine.index.search_lexical(expanded_query(q), n),
        "lookup": lambda q: lookup(q, engine.index.paragraphs),
    }
    times = time_interleaved(steps, qs, rounds=1)
    return {name: p50_p95(t) for name, t in times.items()}


def _full_collection_ms() -> float:
    """Milliseconds of one full garbage collection once the garbage is gone: the pause that scanning every
    live object (the index's paragraphs included) costs whenever Python decides to collect generation 2."""
    gc.collect()
    started = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - started) * 1000


def _exact_instead(engine, qs: list[str]) -> dict:
    """The same engine with an exact (flat) index in place of HNSW: what the approximation costs and saves."""
    from index.vectors import VectorIndex

    approximate = engine.index.vectors
    exact = VectorIndex.build(approximate.vectors, exact_threshold=len(approximate.vectors))
    swap = {"hnsw": approximate, "flat": exact}

    def retrieve_with(kind: str):
        def run(q: str):
            engine.index.vectors = swap[kind]
            return engine.retrieve(q, second_stage=False)  # the index's search (the re-ranking reads sentences)
        return run

    try:
        times = time_interleaved({kind: retrieve_with(kind) for kind in swap}, qs, rounds=1)
        engine.index.vectors = exact
        gold = _strict_gold(engine, gold_items())
    finally:
        engine.index.vectors = approximate
    return {"retrieve_hnsw": p50_p95(times["hnsw"]), "retrieve_flat": p50_p95(times["flat"]), "gold_at_8": gold}


def _strict_gold(engine, items) -> float:
    """Share of answerable questions with a gold paragraph (same file and label) in the top 8.

    Stricter than the eval's text match: a generated copy quoting the same evidence does not count.
    """
    answerable = [i for i in items if i.answerable]
    found = 0
    for item in answerable:
        hits = engine.retrieve(item.question, k=8)
        wanted = {(g.doc, g.label.lstrip("¶").strip()) for g in item.gold}
        found += any((h.paragraph.doc, h.paragraph.label) in wanted for h in hits)
    return found / len(answerable) if answerable else 0.0

