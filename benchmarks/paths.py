"""Ingest and answer speed: the previous path (PyTorch, serial parse, no stored sentences) against today's, in one run.

Both ingest the same files into fresh index folders with their models already loaded; then the gold questions are
asked of both (top 10 compared) and the whole answer is timed against LangChain's `similarity_search`, taking turns.
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
    return [[h.paragraph.key for h in engine.retrieve(q, k=10)] for q in items]


def run(workdir: Path, files: list[Path], threads: int = 1) -> dict:
    """Ingest `files` both ways, compare top 10 on the gold questions, time answers against LangChain."""
    from benchmarks import langchain_baseline as lc
    from boardqa.settings import Settings
    from evals.gold import load_gold
    from index import Embedder
    from qa.engine import Engine

    before = Settings.load(index_dir=workdir / "previous", embedding__threads=threads, embedding__backend="torch")
    now = Settings.load(index_dir=workdir / "today", embedding__threads=threads, embedding__backend="onnx")
    torch_model = Embedder.load(before.embedding)
    onnx_model = Embedder.load(now.embedding)
    for model in (torch_model, onnx_model):
        model.encode(["warm up the model and its thread pools"] * 40)
    previous = _previous_ingest(files, before)
    today = _new_ingest(files, now)
    old_engine, new_engine = Engine.load(before), Engine.load(now)
    gold = [i.question for i in load_gold()] + shared_questions()
    same = sum(a == b for a, b in zip(_top10(old_engine, gold), _top10(new_engine, gold)))
    # the usual LangChain pipeline, with the usual (PyTorch) model
    embeddings = lc.adapter(torch_model._model, before.embedding.batch_size)
    store = lc.ingest(files, embeddings).pop("store")
    qs = questions()
    times = time_interleaved({"ask": new_engine.ask, "ask_before": _live_answer(new_engine),
                              "retrieve": new_engine.retrieve,
                              "search": lambda q: store.similarity_search(q, k=lc.K)}, qs)
    return {"previous": previous, "today": today, "gold_questions": len(gold), "same_top10": same,
            "latency": {name: p50_p95(values) for name, values in times.items()}, "questions": len(qs),
            "files": [f.name for f in files], "sentences": len(new_engine.index.sentences)}


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
    prev, today = data["previous"], data["today"]
    rate_prev = prev["paragraphs"] / _total(prev)
    rate_today = today["paragraphs"] / _total(today)
    rows = [[name, str(d["paragraphs"]), str(d["embedded"]), *(fmt(d.get(s, 0.0), 2) for s in
                                                               ("parse", "embed", "index", "write")),
             fmt(d["paragraphs"] / _total(d), 1)]
            for name, d in (("previous: PyTorch, serial parse, passages only", prev),
                            ("today: ONNX Runtime, parallel parse, passages + stored sentences", today))]
    lat = data["latency"]
    out = [f"Files: {', '.join(data['files'])}.", "",
           table(["ingest path", "paragraphs", "texts embedded", "parse s", "embed s", "index s", "write s",
                  "paragraphs/s"], rows), "",
           f"Ingest rate today / previous: **x{rate_today / rate_prev:.2f}** (model loading excluded from both). "
           f"Identical dense+BM25 top 10 on {data['same_top10']} of {data['gold_questions']} gold questions.", "",
           table(["per question (ms)", "p50", "p95", "ratio to LangChain similarity_search p50 / p95"], [
               [name, fmt(lat[key][0], 1), fmt(lat[key][1], 1),
                f"{ratio(lat[key][0], lat['search'][0])} / {ratio(lat[key][1], lat['search'][1])}"]
               for name, key in (("whole answer, stored sentence vectors", "ask"),
                                 ("whole answer, sentences embedded per question (before)", "ask_before"),
                                 ("retrieve (dense + BM25 + fusion)", "retrieve"),
                                 ("LangChain FAISS similarity_search, k=8", "search"))])]
    return "\n".join(out)
