"""Cold ingest of the sample papers and query latency on them: ours against the usual LangChain pipeline."""

from __future__ import annotations

from pathlib import Path

from benchmarks import langchain_baseline as lc
from benchmarks.common import (Stopwatch, fmt, gold_items, p50_p95, questions, ratio, rss_mb, table,
                               time_interleaved)


def run_ingest(workdir: Path, threads: int = 0) -> dict:
    """Ingest the samples into a new index under `workdir`, then time questions against it and LangChain.

    The model is loaded once before either pipeline and shared, so neither is charged for it.
    """
    from boardqa.library import ingest_paths
    from boardqa.settings import Settings
    from corpus.ingest import sample_files
    from index import Embedder
    from qa.engine import Engine

    settings = Settings.load(index_dir=workdir / "sample-index", embedding__threads=threads or None)
    rss_before = rss_mb()
    with Stopwatch() as load:
        embedder = Embedder.load(settings.embedding)
        embedder.encode(["warm up"])
    files = sample_files()
    result = ingest_paths(files, settings)
    ours = {stage: result.seconds.get(stage, 0.0) for stage in ("parse", "embed", "index", "write")}
    ours["paragraphs"] = result.paragraphs
    ours["chars"] = sum(len(p.text) for f in result.files for p in f.paragraphs)
    engine = Engine.load(settings)  # Embedder.load is cached per process: the same model object
    embeddings = lc.adapter(lc.torch_model(settings.embedding), settings.embedding.batch_size)
    theirs = lc.ingest(files, embeddings)
    store = theirs.pop("store")
    qs = questions()
    items = gold_items()
    times = time_interleaved({"retrieve": engine.retrieve, "ask": engine.ask,
                              "search": lambda q: store.similarity_search(q, k=lc.K)}, qs)
    ours.update(retrieve=p50_p95(times["retrieve"]), ask=p50_p95(times["ask"]),
                gold_at_8=_our_gold_hits(engine, items))
    theirs.update(search=p50_p95(times["search"]), gold_at_8=lc.gold_hits(store, items))
    return {"ours": ours, "theirs": theirs, "model_load_s": load.seconds, "model_rss_mb": rss_mb() - rss_before,
            "index_dir": str(settings.index_dir), "questions": len(qs)}


def _our_gold_hits(engine, items) -> float:
    from evals.metrics import Retrieved, first_gold_rank

    answerable = [i for i in items if i.answerable]
    found = 0
    for item in answerable:
        hits = engine.retrieve(item.question, k=lc.K)
        ranked = [Retrieved(h.paragraph.doc, h.paragraph.label, h.paragraph.text) for h in hits]
        found += first_gold_rank(item.gold, ranked) is not None
    return found / len(answerable) if answerable else 0.0


def ingest_table(data: dict) -> str:
    """Per stage: seconds and units per second for ours and LangChain's, with ours/theirs ratios."""
    ours, theirs = data["ours"], data["theirs"]
    n, m = ours["paragraphs"], theirs["chunks"]
    pairs = [("parse / split", ours["parse"], theirs["split"]), ("embed", ours["embed"], theirs["embed"]),
             ("index + write", ours["index"] + ours["write"], theirs["index"])]
    total_ours = sum(ours[s] for s in ("parse", "embed", "index", "write"))
    total_theirs = theirs["split"] + theirs["embed"] + theirs["index"]
    pairs.append(("total", total_ours, total_theirs))
    rows = []
    for name, a, b in pairs:
        rows.append([name, fmt(a, 2), fmt(n / a if a else None, 0), fmt(ours["chars"] / a / 1000 if a else None, 0),
                     fmt(b, 2), fmt(m / b if b else None, 0), fmt(theirs["chars"] / b / 1000 if b else None, 0),
                     ratio(a, b)])
    header = ["stage", "ours s", "ours paragraphs/s", "ours k chars/s", "LangChain s", "LangChain chunks/s",
              "LangChain k chars/s", "time ours/LangChain"]
    note = (f"Ours: {n} paragraphs ({ours['chars']:,} chars); LangChain: {m} chunks of ≤{lc.CHUNK_SIZE} chars "
            f"({theirs['chars']:,} chars, overlap {lc.CHUNK_OVERLAP}). Model loaded once beforehand in "
            f"{data['model_load_s']:.1f} s (+{data['model_rss_mb']:.0f} MB RSS) and shared by both.")
    return table(header, rows) + "\n\n" + note


def query_table(data: dict) -> str:
    """Query latency on the sample corpus: retrieval alone and the whole answer, against similarity_search."""
    ours, theirs = data["ours"], data["theirs"]
    base = theirs["search"]
    rows = [
        ["LangChain similarity_search(k=8)", fmt(base[0]), fmt(base[1]), "×1.00", "×1.00",
         fmt(theirs["gold_at_8"], 2)],
        ["ours Engine.retrieve (hybrid, k=8)", fmt(ours["retrieve"][0]), fmt(ours["retrieve"][1]),
         ratio(ours["retrieve"][0], base[0]), ratio(ours["retrieve"][1], base[1]), fmt(ours["gold_at_8"], 2)],
        ["ours Engine.ask (retrieve + cited answer)", fmt(ours["ask"][0]), fmt(ours["ask"][1]),
         ratio(ours["ask"][0], base[0]), ratio(ours["ask"][1], base[1]), fmt(ours["gold_at_8"], 2)],
    ]
    header = ["pipeline", "p50 ms", "p95 ms", "p50 vs LangChain", "p95 vs LangChain", "gold evidence in top 8"]
    note = (f"{data['questions']} questions from evals/gold/gold.jsonl, asked twice each after 2 warm-up calls, "
            "the three pipelines taking turns question by question.")
    return table(header, rows) + "\n\n" + note
