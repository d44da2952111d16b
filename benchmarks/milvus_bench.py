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
        self.embedder = embedder
        self.model_id = index.model_id

    def encode(self, texts):
        import numpy as np

        missing = [t for t in texts if t not in self.rows]
        if missing:
            raise ValueError(f"{len(missing)} passages are not in the FAISS index (first: {missing[0][:60]!r})")
        return np.asarray(self.vectors[[self.rows[t] for t in texts]], dtype=np.float32)

    def encode_query(self, text):
        return self.embedder.encode_query(text)


def copy_to_milvus(index, url: str, settings, embedder) -> dict:
    """Write a FAISS index's files into a new Milvus store (its vectors reused, nothing embedded); seconds taken."""
    from index.milvus.update import update_milvus

    by_doc: dict[str, list] = {}
    for p in index.paragraphs:
        by_doc.setdefault(p.doc_id, []).append(p)
    files = [(d.name, d.sha256, by_doc.get(d.doc_id, [])) for d in index.docs]
    started = time.perf_counter()
    report = update_milvus(url, settings, files, embedder=StoredVectors(index, embedder))
    return {"seconds": time.perf_counter() - started, "paragraphs": report.paragraphs, "passages": report.embedded}


def agreement(faiss_engine, milvus_engine, questions: list[str]) -> dict:
    """Per retrieval mode: the share of questions with the same top 10 (in order, and as a set), mean overlap."""
    out = {}
    for mode in MODES:
        faiss_engine.retrieval = milvus_engine.retrieval = mode
        same = same_set = overlap = 0
        for q in questions:
            a = [h.paragraph.key for h in faiss_engine.retrieve(q, k=K)]
            b = [h.paragraph.key for h in milvus_engine.retrieve(q, k=K)]
            same += a == b
            same_set += set(a) == set(b)
            overlap += len(set(a) & set(b)) / max(1, len(a))
        n = max(1, len(questions))
        out[mode] = {"same_order": same / n, "same_set": same_set / n, "overlap": overlap / n}
    faiss_engine.retrieval = milvus_engine.retrieval = "hybrid"
    return out


def faiss_index(folder: Path, settings, workdir: Path):
    """The FAISS index of a corpus: the newest index `boardqa eval` cached for exactly these files (any code
    version will do: both stores are given its paragraphs and vectors), else a new one ingested under `workdir`."""
    from boardqa.library import ingest_paths
    from evals.corpus_index import DONE, cache_root, corpus_files
    from index import Index
    from index.store import file_digest

    files = corpus_files(folder)
    wanted = [[f.name, file_digest(f)["sha256"]] for f in files]
    cached = []
    for key in cache_root().glob(f"*/{DONE}") if cache_root().is_dir() else []:
        inputs = json.loads(key.read_text(encoding="utf-8"))
        if inputs.get("files") == wanted and inputs.get("model") == settings.embedding.model:
            cached.append(key)
    if cached:
        newest = max(cached, key=lambda p: p.stat().st_mtime)
        return Index.load(newest.parent / "index", settings), str(newest.parent)
    settings = settings.model_copy(update={"index_dir": workdir / f"faiss-{folder.name}"})
    ingest_paths(files, settings)
    return Index.load(settings.index_dir, settings), "ingested for this run"


def run_corpus(name: str, folder: Path, gold: Path, workdir: Path) -> dict:
    from boardqa.settings import Settings
    from index import Embedder
    from index.milvus.store import MilvusIndex
    from qa.engine import Engine

    settings = Settings.load(store="")
    index, source = faiss_index(folder, settings, workdir)
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
    times = time_interleaved({"faiss": lambda q: faiss_engine.retrieve(q, k=K),
                              "milvus": lambda q: milvus_engine.retrieve(q, k=K)}, questions[:LATENCY_QUESTIONS])
    store.client.close()
    return {"name": name, "source": source, "paragraphs": len(index), "passages": len(index.owners), "questions": len(questions),
            "copy": copy, "agreement": agree, "faiss": p50_p95(times["faiss"]), "milvus": p50_p95(times["milvus"])}


def run(workdir: Path, corpora=CORPORA) -> list[dict]:
    """Both corpora (the shared papers when /work/shared/papers is there); stores and indexes under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    return [run_corpus(name, folder, gold, workdir) for name, folder, gold in corpora if folder.is_dir()]


def report(results: list[dict]) -> str:
    rows, latency = [], []
    for r in results:
        for mode, a in r["agreement"].items():
            rows.append([r["name"], mode, r["questions"], fmt(a["same_order"], 3), fmt(a["same_set"], 3),
                         fmt(a["overlap"], 3)])
        latency.append([r["name"], f"{r['paragraphs']:,} / {r['passages']:,}", fmt(r["faiss"][0]), fmt(r["faiss"][1]),
                        fmt(r["milvus"][0]), fmt(r["milvus"][1]), ratio(r["milvus"][0], r["faiss"][0]),
                        ratio(r["milvus"][1], r["faiss"][1]), fmt(r["copy"]["seconds"], 1)])
    return "\n".join([
        "Top-10 agreement, Milvus Lite against the FAISS store, every question of each gold set (`Engine.retrieve`, "
        "k=10; the Milvus store holds the FAISS index's own paragraphs and vectors; FAISS indexes: "
        + "; ".join(f"{r['name']}: {r['source']}" for r in results) + "):", "",
        table(["corpus", "retrieval", "questions", "same top 10 in order", "same top 10 as a set", "mean overlap@10"],
              rows), "",
        f"Retrieval latency (`Engine.retrieve`, hybrid, k=10, first {LATENCY_QUESTIONS} questions asked twice, the "
        "stores taking turns), and the time to write the store into Milvus Lite:", "",
        table(["corpus", "paragraphs / passages", "FAISS p50 ms", "FAISS p95 ms", "Milvus Lite p50 ms",
               "Milvus Lite p95 ms", "p50 Milvus/FAISS", "p95 Milvus/FAISS", "write s"], latency),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/milvus.md"), help="Markdown report")
    parser.add_argument("--workdir", type=Path, help="keep the FAISS index of the sample papers (and the stores) "
                        "here, so a second run does not embed them again (default: a temporary folder)")
    args = parser.parse_args(argv)
    quiet_logs()
    started = time.strftime("%Y-%m-%d %H:%M")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = run(args.workdir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="boardqa-milvus-") as workdir:
            results = run(Path(workdir))
    text = "\n".join([f"# FAISS against Milvus Lite", "", f"- run: `benchmarks/milvus_bench.py` at {started}; "
                      f"{load_note()} at the end", "", report(results)]) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
