"""Adding and removing one paper on a large index (delta segment, removed file), and serving before and after."""

from __future__ import annotations

import gc
import hashlib
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.common import Stopwatch, fmt, p50_p95, questions, rss_mb, size_label, table, time_interleaved

ADDED = "pcp-2026-01-05-agenda-pack.txt"  # the larger sample paper (344 paragraphs), added under a new name


def _paper(sample_index: Path) -> tuple[str, str, list]:
    """The sample paper as a new file: its records, another name and sha256 (so nothing is skipped as known)."""
    from corpus.records import make_doc_id
    from index import Index

    sample = Index.load(sample_index, verify=False)
    name = f"incremental-{ADDED}"
    sha = hashlib.sha256(f"{name} {time.time()}".encode()).hexdigest()
    doc_id = make_doc_id(name, sha)
    paragraphs = [replace(p, doc=name, doc_id=doc_id) for p in sample.paragraphs if p.doc == ADDED]
    return name, sha, paragraphs


def run(folder: Path, sample_index: Path, threads: int = 0) -> dict:
    """Time `update_index` adding one paper (embedded by the bundled model, as an ingest does) and removing a
    base paper of the same size; load time and `Engine.retrieve` latency before, after the add, after the removal
    (the three engines held at once and timed taking turns, question by question)."""
    from boardqa.settings import Settings
    from index import Embedder, Index, update_index
    from index.segments import SegmentedIndex
    from qa.engine import Engine
    from qa.evidence import semantic_texts

    settings = Settings.load(index_dir=folder, embedding__threads=threads or None)
    embedder = Embedder.load(settings.embedding)
    embedder.encode(["warm up"])
    out: dict = {}
    engines = {}
    paper = _paper(sample_index)
    for stage in ("before", "added", "removed"):
        if stage == "added":
            with Stopwatch() as wall:
                report = update_index(folder, settings, [paper], embedder=embedder, sentence_texts=semantic_texts)
            out["add"] = {"total_s": wall.seconds, **report.seconds, "embedded": report.embedded,
                          "paragraphs": len(paper[2]), "notes": report.notes}
        if stage == "removed":
            victim = next(d for d in engines["before"].index.docs[1:] if 200 <= d.paragraphs <= 400)
            with Stopwatch() as wall:
                report = update_index(folder, settings, [], remove=[victim.name], embedder=embedder)
            out["remove"] = {"total_s": wall.seconds, **report.seconds, "paragraphs": victim.paragraphs,
                             "notes": report.notes}
        rss0 = rss_mb()
        with Stopwatch() as load:
            index = Index.load(folder, settings)
        out[stage] = {"load_s": load.seconds, "rss_index_mb": rss_mb() - rss0,
                      "segmented": isinstance(index, SegmentedIndex), "positions": len(index),
                      "live": sum(d.paragraphs for d in index.docs)}
        if stage == "added":
            out[stage]["found"] = len(index.positions_where(doc=paper[0])) == len(paper[2])
        if stage == "removed":
            out[stage]["hidden"] = len(index.positions_where(doc=victim.name)) == 0
        with Stopwatch() as quick:
            Index.load(folder, verify=False)
        out[stage]["load_unverified_s"] = quick.seconds
        engines[stage] = Engine(index, settings, embedder=embedder)
    from qa.references import find_references

    # A question the reference parser reads as naming a paragraph ("actions were" as action "s") makes the exact
    # lookup read every record: 17 s at 10^6 on any index. That measures qa/references.py, not the index: left out.
    everything = questions()
    qs = [q for q in everything if not find_references(q)]
    out["questions"] = {"timed": len(qs), "left_out": [q for q in everything if q not in qs]}
    for engine in engines.values():
        for q in qs[:2]:
            engine.retrieve(q, second_stage=False)
    gc.collect()
    gc.freeze()  # (the loaded indexes' objects are never garbage: full collections would only add noise)
    # the index's search: what a delta or a removed paper can slow (the second stage reads sentences, not the index)
    times = time_interleaved({stage: (lambda e: lambda q: e.retrieve(q, second_stage=False))(engine)
                              for stage, engine in engines.items()}, qs)
    for stage, values in times.items():
        out[stage]["retrieve"] = p50_p95(values)
    # where the time goes: the dense and BM25 searches alone (40 candidates, as `Engine.retrieve` asks)
    from qa.question import expanded_query

    n = settings.retrieval.candidates
    qvecs = {q: embedder.encode_query(q) for q in qs}
    steps = {}
    for stage, engine in engines.items():
        steps[f"{stage}/dense"] = lambda q, index=engine.index: index.search_dense(qvecs[q], n)
        steps[f"{stage}/bm25"] = lambda q, index=engine.index: index.search_lexical(expanded_query(q), n)
    for name, values in time_interleaved(steps, qs).items():
        stage, step = name.split("/")
        out[stage][step] = p50_p95(values)
    return out


def report(runs: list[dict]) -> str:
    """Markdown tables of the `incremental` results of each size."""
    rows, serve = [], []
    for r in runs:
        data = r.get("incremental")
        if not data:
            continue
        label = size_label(r["n"])
        for what in ("add", "remove"):
            d = data[what]
            rows.append([label, f"{what} one paper ({d['paragraphs']} paragraphs)", fmt(d["total_s"], 2),
                         fmt(d.get("embed", 0.0), 2), fmt(d.get("index", 0.0), 2), fmt(d.get("write", 0.0), 2),
                         fmt(d["total_s"] - d.get("embed", 0.0) - d.get("index", 0.0) - d.get("write", 0.0), 2)])
        for stage, name in (("before", "one segment (full build)"), ("added", "+ delta segment"),
                            ("removed", "+ delta + removed file")):
            d = data[stage]
            check = {"added": "all of the new paper's paragraphs found" if d.get("found") else "NOT FOUND",
                     "removed": "removed paper filtered out" if d.get("hidden") else "NOT HIDDEN"}.get(stage, "")
            serve.append([label, name, fmt(d["load_s"], 2), fmt(d["load_unverified_s"], 2),
                          *(f"{fmt(d[k][0])} / {fmt(d[k][1])}" if k in d else "" for k in ("retrieve", "dense", "bm25")),
                          f"{d['live']:,}", check])
    asked = next((r["incremental"]["questions"] for r in runs if r.get("incremental")), {"timed": 0, "left_out": []})
    return "\n".join([
        table(["paragraphs", "update", "total s", "embed s", "index s", "write s", "load + plan s"], rows), "",
        "`update_index` on the built index, in a fresh process: the paper is the larger sample paper under a new "
        "name and sha256, its paragraphs and answer sentences embedded by the bundled model (as `boardqa ingest` "
        "does); the removed paper is a generated base paper of about the same size. write = hard-linking the "
        "unchanged files, writing the delta and the manifest, fsync and swap; load + plan = lock, reading the "
        "current index (not verified) and deciding.", "",
        table(["paragraphs", "index", "load s", "load s, no sha256 check", "retrieve p50 / p95 ms",
               "dense p50 / p95 ms", "BM25 p50 / p95 ms", "live paragraphs", "check"],
              serve), "",
        "`Index.load` as the app does (every file's sha256 checked), and with `verify=False`; `Engine.retrieve` "
        f"(hybrid, k=8) over {asked['timed']} of the first 30 gold questions twice, the three indexes held at once "
        "and taking turns question by question; then their dense and BM25 searches alone (40 candidates, the "
        "expanded query), likewise. Left out: questions the exact-reference parser (qa/references.py) reads as "
        "naming a paragraph although they do not, whose lookup then reads every record on any index (17 s at "
        f"10^6): {'; '.join(asked['left_out']) or 'none'}.",
    ])
