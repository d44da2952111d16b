"""Ingest and answer speed: the previous path (PyTorch, serial parse, no stored sentences) against today's, in one run.

Each ingests the same files into fresh index folders with its model already loaded, as does the opt-in bfloat16
ingest (`embedding.ingest_precision = "bf16"`); then the gold questions are asked of all three (top 10 and vectors
compared) and today's whole answer is timed against LangChain's `similarity_search`, taking turns.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import fmt, gold_items, p50_p95, questions, ratio, table, time_interleaved

SHARED_GOLD = Path("/work/shared/papers/gold.jsonl")


def shared_questions() -> list[str]:
    """The outside gold set's questions (its own format: only `question` is read)."""
    import json

    if not SHARED_GOLD.is_file():
        return []
    return [json.loads(line)["question"] for line in SHARED_GOLD.read_text(encoding="utf-8").splitlines() if line]


def _previous_ingest(files: list[Path], settings) -> dict:
    """The path before this change: files read one after the other, torch, passages only."""
    from corpus.ingest import read_file
    from corpus.records import content_hash
    from index import update_index

    started = time.perf_counter()
    good = []
    for path in files:
        report = read_file(path, max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars,
                           strip_running=settings.chunker.strip_running_lines)
        if report.ok:
            good.append((report.paragraphs[0].doc, content_hash(path.read_bytes()), list(report.paragraphs)))
    parse = time.perf_counter() - started
    update = update_index(settings.index_dir, settings, good)
    return {"parse": parse, **update.seconds, "paragraphs": update.paragraphs, "embedded": update.embedded}


def _new_ingest(files: list[Path], settings) -> dict:
    from boardqa.library import ingest_paths

    result = ingest_paths(files, settings)
    return {**result.seconds, "paragraphs": result.paragraphs, "embedded": result.embedded}


def _total(stages: dict) -> float:
    return sum(stages.get(s, 0.0) for s in ("parse", "embed", "index", "write"))


def _top10(engine, items) -> list[list[str]]:
    # the index's own ranking (dense + BM25 fused): what an ingest path can change
    return [[h.paragraph.key for h in engine.retrieve(q, k=10, second_stage=False)] for q in items]


ROUNDS = 2  # each path ingests this many times, taking turns; the fastest of each is reported (shared CPUs)


def run(workdir: Path, files: list[Path], threads: int = 1) -> dict:
    """Ingest `files` three ways (previous, today's fp32, opt-in bf16), compare top 10 and vectors, time
    today's answers against LangChain."""
    from benchmarks import langchain_baseline as lc
    from boardqa.settings import Settings
    from evals.gold import load_gold
    from index import Embedder
    from index.bf16_embedder import bf16_hardware
    from qa.engine import Engine

    def settings(name: str, **kw) -> Settings:
        return Settings.load(index_dir=workdir / name, embedding__threads=threads, **kw)

    before = settings("previous", embedding__backend="torch", embedding__ingest_precision="fp32")
    now = settings("today", embedding__backend="onnx", embedding__ingest_precision="fp32")
    fast = settings("bf16", embedding__backend="onnx", embedding__ingest_precision="bf16")
    torch_model = Embedder.load(before.embedding)
    for model in (torch_model, Embedder.load(now.embedding), Embedder.load_ingest(fast.embedding)):
        model.encode(["warm up the model and its thread pools"] * 40)
    runs: dict[str, list[dict]] = {"previous": [], "today": [], "fast": []}
    for round_ in range(ROUNDS):
        for name, path_settings, ingest in (("previous", before, _previous_ingest), ("today", now, _new_ingest),
                                            ("fast", fast, _new_ingest)):
            path_settings.index_dir = workdir / f"{name}-{round_}"
            runs[name].append(ingest(files, path_settings))
    best = {name: min(r, key=_total) for name, r in runs.items()}
    engines = {name: Engine.load(s) for name, s in (("previous", before), ("today", now), ("fast", fast))}
    gold = [i.question for i in load_gold()] + shared_questions()
    tops = {name: _top10(engine, gold) for name, engine in engines.items()}
    compare = {name: _compare(tops["previous"], tops[name]) for name in ("today", "fast")}
    compare["fast_vs_today"] = _compare(tops["today"], tops["fast"])
    # the usual LangChain pipeline, with the usual (PyTorch) model
    new_engine = engines["today"]
    embeddings = lc.adapter(torch_model._model, before.embedding.batch_size)
    store = lc.ingest(files, embeddings).pop("store")
    qs = questions()
    times = time_interleaved({"ask": new_engine.ask, "ask_cold": _cold(new_engine.ask),
                              "ask_before": _live_answer(new_engine),
                              "retrieve": lambda q: new_engine.retrieve(q, second_stage=False),
                              "retrieve_second": new_engine.retrieve,
                              "search": lambda q: store.similarity_search(q, k=lc.K)}, qs)
    return {**best, "gold_questions": len(gold), "same_top10": compare["today"]["same"], "compare": compare,
            "vectors": _vector_difference(engines), "bf16_hardware": bf16_hardware(),
            "rounds": ROUNDS, "latency": {name: p50_p95(values) for name, values in times.items()},
            "questions": len(qs), "files": [f.name for f in files], "sentences": len(new_engine.index.sentences)}


def _compare(a: list[list[str]], b: list[list[str]]) -> dict:
    """Questions whose top 10 is the same list, the same set in another order, or another set."""
    same = sum(x == y for x, y in zip(a, b))
    same_set = sum(set(x) == set(y) for x, y in zip(a, b))
    return {"same": same, "order_only": same_set - same, "other_set": len(a) - same_set,
            "most_swapped": max((len(set(x) - set(y)) for x, y in zip(a, b)), default=0)}


def _vector_difference(engines: dict) -> dict:
    """Largest absolute difference and lowest cosine of the fast index's vectors against the fp32 ones (passages
    against PyTorch's, stored sentences against today's: each row is the same text in both indexes)."""
    import numpy as np

    out = {}
    for kind, ref, vectors in (
            ("passages", engines["previous"].index.vectors.vectors, engines["fast"].index.vectors.vectors),
            ("sentences", engines["today"].index.sentences.vectors, engines["fast"].index.sentences.vectors)):
        a, b = np.asarray(ref, dtype=np.float32), np.asarray(vectors, dtype=np.float32)
        if a.shape != b.shape or not len(a):
            out[kind] = None
            continue
        out[kind] = (float(np.abs(a - b).max()), float((a * b).sum(1).min()))
    return out


def _cold(ask):
    """`ask` with the answerer's cache of sentences read emptied first: every paragraph read as if never seen."""
    from qa.evidence import clear_caches

    def cold(question: str):
        clear_caches()
        return ask(question)

    return cold


def _live_answer(engine):
    """The answer as it was before stored sentence vectors: every candidate sentence embedded per question."""
    from index.sentence_vectors import SentenceVectors

    def ask(question: str):
        stored, engine.index.sentences = engine.index.sentences, SentenceVectors.empty()
        try:
            return engine.ask(question)
        finally:
            engine.index.sentences = stored
    return ask


def report(data: dict) -> str:
    prev, today, fast = data["previous"], data["today"], data["fast"]
    rate = {name: d["paragraphs"] / _total(d) for name, d in (("previous", prev), ("today", today), ("fast", fast))}
    hardware = data.get("bf16_hardware") or "no bf16 instructions: emulated"
    rows = [[name, str(d["paragraphs"]), str(d["embedded"]), *(fmt(d.get(s, 0.0), 2) for s in
                                                               ("parse", "embed", "index", "write")),
             fmt(d["paragraphs"] / _total(d), 1)]
            for name, d in (("previous: PyTorch, serial parse, passages only", prev),
                            ("today: ONNX Runtime, parallel parse, passages + stored sentences", today),
                            (f"opt-in `ingest_precision=bf16`: PyTorch, bf16 matrix products ({hardware}), "
                             "otherwise as today", fast))]
    lat = data["latency"]
    cmp_fast, cmp_ft = data["compare"]["fast"], data["compare"]["fast_vs_today"]
    differences = "; ".join(f"{kind} max abs difference {v[0]:.1e}, lowest cosine {v[1]:.5f}"
                            for kind, v in data["vectors"].items() if v)
    out = [f"Files: {', '.join(data['files'])}. Each path ingested {data['rounds']} times, taking turns; the "
           "fastest of each is shown.", "",
           table(["ingest path", "paragraphs", "texts embedded", "parse s", "embed s", "index s", "write s",
                  "paragraphs/s"], rows), "",
           f"Ingest rate today / previous: **x{rate['today'] / rate['previous']:.2f}**; opt-in bf16 / previous: "
           f"**x{rate['fast'] / rate['previous']:.2f}** (model loading excluded). Identical dense+BM25 top 10 on "
           f"{data['same_top10']} of {data['gold_questions']} gold questions (today against previous). Opt-in bf16 "
           f"against previous: identical on {cmp_fast['same']}, the same set in another order on "
           f"{cmp_fast['order_only']}, another set on {cmp_fast['other_set']} (at most {cmp_fast['most_swapped']} "
           f"of 10 paragraphs swapped); against today: {cmp_ft['same']} / {cmp_ft['order_only']} / "
           f"{cmp_ft['other_set']}. bf16 vectors against fp32: {differences}; questions embedded in fp32 (ONNX "
           "Runtime) in all three.", "",
           table(["per question (ms), today's index", "p50", "p95", "ratio to LangChain similarity_search p50 / p95"], [
               [name, fmt(lat[key][0], 1), fmt(lat[key][1], 1),
                f"{ratio(lat[key][0], lat['search'][0])} / {ratio(lat[key][1], lat['search'][1])}"]
               for name, key in (("whole answer, stored sentence vectors", "ask"),
                                 ("whole answer, no sentence read before (cache emptied each time)", "ask_cold"),
                                 ("whole answer, sentences embedded per question (before)", "ask_before"),
                                 ("retrieve (dense + BM25 + fusion)", "retrieve"),
                                 ("retrieve and re-rank the first 8 (`Engine.retrieve`, the LangChain retriever)",
                                  "retrieve_second"),
                                 ("LangChain FAISS similarity_search, k=8", "search"))])]
    return "\n".join(out)
