"""FAISS against Milvus Lite on the same paragraphs and vectors: retrieval latency and top-10 agreement on gold sets."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, fmt, load_note, p50_p95, quiet_logs, ratio, table, time_interleaved  # noqa: E402

K = 10
CORPORA = (("sample papers", ROOT / "corpus" / "samples", ROOT / "evals" / "gold" / "gold.jsonl"),
           ("shared papers", Path("/work/shared/papers"), Path("/work/shared/papers/gold.jsonl")))
MODES = ("hybrid", "dense", "bm25")
LATENCY_QUESTIONS = 40


class StoredVectors:
    """An embedder that returns a FAISS index's own passage vectors, so both stores hold identical vectors."""

    def __init__(self, index, embedder) -> None:
        from index.passages import passage_texts

        texts, _ = passage_texts(list(index.paragraphs))
        self.rows = {text: row for row, text in enumerate(texts)}
        self.vectors = index.vectors.vectors
        self.index = index
        self.embedder = embedder
        self.model_id = index.model_id

    def encode(self, texts):
        import numpy as np

        if all(t in self.rows for t in texts):  # passages
            return np.asarray(self.vectors[[self.rows[t] for t in texts]], dtype=np.float32)
        stored = self.index.sentences.lookup(texts)  # the answerer's sentences
        if not stored.found.all():
            missing = [t for t, found in zip(texts, stored.found) if not found]
            raise ValueError(f"{len(missing)} texts are not in the FAISS index (first: {missing[0][:60]!r})")
        return stored.vectors

    def encode_query(self, text):
        return self.embedder.encode_query(text)


def copy_to_milvus(index, url: str, settings, embedder) -> dict:
    """Write a FAISS index's files into a new Milvus store (its passage and sentence vectors reused, nothing
    embedded); seconds taken."""
    from index.milvus.update import update_milvus
    from qa.evidence import semantic_texts

    by_doc: dict[str, list] = {}
    for p in index.paragraphs:
        by_doc.setdefault(p.doc_id, []).append(p)
    files = [(d.name, d.sha256, by_doc.get(d.doc_id, [])) for d in index.docs]
    started = time.perf_counter()
    report = update_milvus(url, settings, files, embedder=StoredVectors(index, embedder),
                           sentence_texts=semantic_texts)
    return {"seconds": time.perf_counter() - started, "paragraphs": report.paragraphs, "passages": report.embedded}


def agreement(faiss_engine, milvus_engine, questions: list[str]) -> dict:
    """Per retrieval mode: the share of questions with the same top 10 (in order, and as a set), mean overlap."""
    out = {}
    for mode in MODES:
        faiss_engine.retrieval = milvus_engine.retrieval = mode
        same = same_set = overlap = 0
        differ = []
        for q in questions:
            # the stores' own ranking (the second stage re-ranks both alike; tests/test_milvus_store.py compares it)
            a = [h.paragraph.key for h in faiss_engine.retrieve(q, k=K, second_stage=False)]
            b = [h.paragraph.key for h in milvus_engine.retrieve(q, k=K, second_stage=False)]
            same += a == b
            if a != b:
                differ.append({"question": q, "faiss": a, "milvus": b})
            same_set += set(a) == set(b)
            overlap += len(set(a) & set(b)) / max(1, len(a))
        n = max(1, len(questions))
        out[mode] = {"same_order": same / n, "same_set": same_set / n, "overlap": overlap / n, "differ": differ}
    faiss_engine.retrieval = milvus_engine.retrieval = "hybrid"
    return out


def faiss_index(folder: Path, settings):
    """The FAISS index of a corpus exactly as `boardqa eval --corpus` builds it with this code: from the eval cache
    (`$BOARDQA_CACHE`, keyed by the files, chunker, model and code), built into it when missing."""
    from evals.corpus_index import corpus_index
    from index import Index

    built = corpus_index(folder, settings)
    return Index.load(built.settings.index_dir, built.settings), \
        f"eval cache {built.key} ({'reused' if built.reused else 'built for this run'})"


def run_corpus(name: str, folder: Path, gold: Path, workdir: Path) -> dict:
    from boardqa.settings import Settings
    from index import Embedder
    from index.milvus.store import MilvusIndex
    from qa.engine import Engine

    settings = Settings.load(store="")
    index, source = faiss_index(folder, settings)
    embedder = Embedder.load(settings.embedding)
    db = workdir / (name.replace(" ", "-") + ".db")
    for old in workdir.glob(db.name + "*"):  # a store from an earlier run with --workdir: written afresh
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    url = f"milvus://{db}"
    started = time.perf_counter()
    copy = copy_to_milvus(index, url, settings, embedder)
    store = MilvusIndex.open(url, settings)
    copy["open_s"] = time.perf_counter() - started - copy["seconds"]
    faiss_engine = Engine(index, settings, embedder=embedder)
    milvus_engine = Engine(store, settings.model_copy(update={"store": url}), embedder=embedder)
    questions = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    agree = agreement(faiss_engine, milvus_engine, questions)
    result = {"name": name, "source": source, "paragraphs": len(index), "passages": len(index.owners),
              "questions": len(questions), "copy": copy, "agreement": agree,
              "latency": latency(faiss_engine, milvus_engine, questions[:LATENCY_QUESTIONS])}
    store.client.close()
    return result


def latency(faiss_engine, milvus_engine, questions: list[str]) -> dict:
    """p50/p95 ms per measure and store: `Engine.retrieve` (question embedded each time) in hybrid and dense
    retrieval, and the stores' own searches for the engine's candidates (question vector given)."""
    from qa.question import expanded_query

    n = faiss_engine.settings.retrieval.candidates
    vectors = {q: faiss_engine.embedder.encode_query(q) for q in questions}
    fns = {}
    for store, engine in (("faiss", faiss_engine), ("milvus", milvus_engine)):
        for mode in ("hybrid", "dense"):
            fns[f"retrieve {mode}", store] = (lambda e, m: lambda q: (
                setattr(e, "retrieval", m), e.retrieve(q, k=K, second_stage=False)))(engine, mode)
        fns["dense search", store] = (lambda i: lambda q: i.search_dense(vectors[q], n))(engine.index)
        fns["BM25 search", store] = (lambda i: lambda q: i.search_lexical(expanded_query(q), n))(engine.index)
    times = time_interleaved(fns, questions)
    faiss_engine.retrieval = milvus_engine.retrieval = "hybrid"
    out: dict = {}
    for (measure, store), values in times.items():
        out.setdefault(measure, {})[store] = p50_p95(values)
    return out


def run(workdir: Path, corpora=CORPORA) -> list[dict]:
    """Both corpora (the shared papers when /work/shared/papers is there); stores and indexes under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    return [run_corpus(name, folder, gold, workdir) for name, folder, gold in corpora if folder.is_dir()]


def report(results: list[dict]) -> str:
    rows, latency_rows = [], []
    for r in results:
        for mode, a in r["agreement"].items():
            rows.append([r["name"], mode, r["questions"], fmt(a["same_order"], 3), fmt(a["same_set"], 3),
                         fmt(a["overlap"], 3)])
        for measure, by_store in r["latency"].items():
            (f50, f95), (m50, m95) = by_store["faiss"], by_store["milvus"]
            latency_rows.append([r["name"], measure, fmt(f50), fmt(f95), fmt(m50), fmt(m95), ratio(m50, f50),
                                 ratio(m95, f95)])
    sizes = "; ".join(f"{r['name']}: {r['paragraphs']:,} paragraphs / {r['passages']:,} passages, written into "
                      f"Milvus Lite in {r['copy']['seconds']:.1f} s" for r in results)
    return "\n".join([
        "Top-10 agreement, Milvus Lite against the FAISS store, every question of each gold set (`Engine.retrieve`, "
        "k=10; the Milvus store holds the FAISS index's own paragraphs and vectors; FAISS indexes: "
        + "; ".join(f"{r['name']}: {r['source']}" for r in results) + "):", "",
        table(["corpus", "retrieval", "questions", "same top 10 in order", "same top 10 as a set", "mean overlap@10"],
              rows), "",
        f"Retrieval latency, first {LATENCY_QUESTIONS} questions of each gold set asked twice, every measure and store "
        "taking turns: `Engine.retrieve` (k=10, the question embedded each time), and the stores' own dense and BM25 "
        f"searches for the engine's candidates (the question's vector given). {sizes}.", "",
        table(["corpus", "measure", "FAISS p50 ms", "FAISS p95 ms", "Milvus Lite p50 ms", "Milvus Lite p95 ms",
               "p50 Milvus/FAISS", "p95 Milvus/FAISS"], latency_rows),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/milvus.md"), help="Markdown report")
    parser.add_argument("--workdir", type=Path, help="write the Milvus Lite stores here (default: a temporary folder; "
                        "the FAISS indexes are the eval cache's)")
    args = parser.parse_args(argv)
    quiet_logs()
    started = time.strftime("%Y-%m-%d %H:%M")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = run(args.workdir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="boardqa-milvus-") as workdir:
            results = run(Path(workdir))
    text = "\n".join(["# FAISS against Milvus Lite", "", f"- run: `benchmarks/milvus_bench.py` at {started}; "
                      f"{load_note()} at the end", "", report(results)]) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
