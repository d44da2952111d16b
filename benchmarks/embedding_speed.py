"""Embedding speed on CPU: batch size, sorting, threads, max_seq_length, ONNX Runtime, int8; with retrieval checks.

Run: `.venv/bin/python benchmarks/embedding_speed.py [--ort-path DIR] [--out benchmarks/results/embedding.md]`.
ONNX rows need `onnxruntime`, `onnx` and `onnxscript` importable (from the venv, or a folder given by
--ort-path, appended to sys.path so the venv's own packages still win).
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import fmt, load_note, p50_p95, questions, quiet_logs, ratio, table  # noqa: E402

EMBED_BLOCK = 256  # texts per encode call in `update_index` (index/update.py)
Encode = Callable[[list[str], int], np.ndarray]


def st_encoder(model, threads: int = 0, max_len: int = 0) -> Encode:
    """`model.encode` as the product calls it, optionally with other torch threads or max_seq_length for the call."""
    import torch

    def encode(texts: list[str], batch_size: int) -> np.ndarray:
        threads_before, len_before = torch.get_num_threads(), model.max_seq_length
        if threads:
            torch.set_num_threads(threads)
        if max_len:
            model.max_seq_length = max_len
        try:
            return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False).astype(np.float32)
        finally:
            torch.set_num_threads(threads_before)
            model.max_seq_length = len_before
    return encode


def in_blocks(encode: Encode, block: int = EMBED_BLOCK) -> Encode:
    """Encode in calls of `block` texts, as `update_index` does (sentence-transformers sorts within a call)."""
    def blocked(texts: list[str], batch_size: int) -> np.ndarray:
        return np.vstack([encode(texts[i:i + block], batch_size) for i in range(0, len(texts), block)])
    return blocked


def export_onnx(model_folder: Path, folder: Path) -> Path:
    """The transformer in `model_folder` as ONNX, exported the product's way (`index.onnx_embedder.export`)."""
    from index.onnx_embedder import export

    path = folder / "model.onnx"
    export(model_folder, path)
    return path


def quantize_onnx(path: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = path.with_name("model-int8.onnx")
    quantize_dynamic(str(path), str(out), weight_type=QuantType.QInt8)
    return out


def ort_encoder(path: Path, tokenizer, max_length: int, threads: int) -> Encode:
    """ONNX Runtime with the same tokeniser, length sorting, mean pooling and normalising as sentence-transformers."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    wanted = [i.name for i in session.get_inputs()]

    def encode(texts: list[str], batch_size: int) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            idx = order[start:start + batch_size]
            enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_length,
                            return_tensors="np")
            hidden = session.run(["last_hidden_state"], {n: enc[n].astype(np.int64) for n in wanted})[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
            out[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out
    return encode


class CachedEmbedder:
    """What `Engine.from_paragraphs` needs, over one variant; the passages' vectors are computed once."""

    def __init__(self, encode: Encode, texts: list[str], vectors: np.ndarray, model_id: str) -> None:
        self._encode, self._texts, self._vectors, self.model_id = encode, texts, vectors, model_id

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._vectors if texts == self._texts else self._encode(list(texts), 32)

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text], 1)[0]


def variants(model, model_folder: Path, ort_ok: bool, workdir: Path, threads: int) -> dict[str, tuple[Encode, int]]:
    """name -> (encode, batch size). The first is the baseline of every ratio (the product's way, `threads`).

    Every variant pins `threads` for its own calls: exporting to ONNX was seen to change torch's count.
    """
    import torch

    base = st_encoder(model, threads)
    out: dict[str, tuple[Encode, int]] = {
        f"baseline: torch, {threads} thread(s), batch 32, blocks of 256 (as update_index)": (in_blocks(base), 32)}
    for bs in (16, 64, 128):
        out[f"batch {bs}"] = (in_blocks(base), bs)
    out["batch 32, one call (all passages length-sorted together)"] = (base, 32)
    out["1 torch thread" if threads != 1 else "2 torch threads"] = (
        in_blocks(st_encoder(model, 1 if threads != 1 else 2)), 32)
    out["max_seq_length 128"] = (in_blocks(st_encoder(model, threads, max_len=128)), 32)
    quantized = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear}, dtype=torch.qint8)
    out["torch int8 dynamic (Linear layers)"] = (in_blocks(st_encoder(quantized, threads)), 32)
    if ort_ok:
        path = export_onnx(model_folder, workdir)
        n = threads
        out["ONNX Runtime fp32"] = (in_blocks(ort_encoder(path, model.tokenizer, 256, n)), 32)
        out["ONNX Runtime int8 (quantize_dynamic)"] = (
            in_blocks(ort_encoder(quantize_onnx(path), model.tokenizer, 256, n)), 32)
    return out



def throughput(named: dict[str, tuple[Encode, int]], texts: list[str], reps: int) -> tuple[dict, dict]:
    """Seconds to embed every passage, per variant (variants take turns, `reps` times), and the vectors."""
    seconds: dict[str, list[float]] = {name: [] for name in named}
    vectors: dict[str, np.ndarray] = {}
    for name, (encode, bs) in named.items():
        encode(texts[:8], bs)  # warm-up: first-call allocations, ORT graph optimisation
    for _ in range(reps):
        for name, (encode, bs) in named.items():
            started = time.perf_counter()
            vectors[name] = encode(texts, bs)
            seconds[name].append(time.perf_counter() - started)
    return {name: float(np.median(v)) for name, v in seconds.items()}, vectors


def query_vectors(named: dict[str, tuple[Encode, int]], qs: list[str]) -> tuple[dict, dict]:
    """Each question embedded alone by each variant, taking turns; p50/p95 ms and the vectors."""
    times: dict[str, list[float]] = {name: [] for name in named}
    vecs: dict[str, dict[str, np.ndarray]] = {name: {} for name in named}
    for q in qs:
        for name, (encode, _) in named.items():
            started = time.perf_counter()
            vecs[name][q] = encode([q], 1)[0]
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: p50_p95(t) for name, t in times.items()}, vecs


def recall_at_5(paragraphs, texts, vectors, qvecs, items, mode: str) -> tuple[float, float]:
    """recall@5 and MRR@10 of `Engine.retrieve` (hybrid or dense) over one variant's vectors."""
    from boardqa.settings import Settings
    from evals.metrics import Retrieved, first_gold_rank, mean_reciprocal_rank, recall_at_k
    from qa.engine import Engine

    class Fixed:
        model_id = "variant"

        def encode(self, batch: list[str]) -> np.ndarray:
            if list(batch) != texts:
                raise ValueError("unexpected texts")
            return vectors

        def encode_query(self, text: str) -> np.ndarray:
            return qvecs[text]

    engine = Engine.from_paragraphs(paragraphs, Settings(), retrieval=mode, embedder=Fixed())
    ranks = []
    for item in items:
        hits = engine.retrieve(item.question, k=10, second_stage=False)  # the model's ranking, fused with BM25
        ranks.append(first_gold_rank(item.gold, [Retrieved(h.paragraph.doc, h.paragraph.label, h.paragraph.text)
                                                 for h in hits]))
    return recall_at_k(ranks, 5) or 0.0, mean_reciprocal_rank(ranks) or 0.0


def top10_overlap(base_p: np.ndarray, base_q: dict, var_p: np.ndarray, var_q: dict) -> float:
    """Mean share of each question's dense top-10 passages that the variant keeps."""
    shares = []
    for q, bvec in base_q.items():
        a = set(np.argsort(-(base_p @ bvec))[:10])
        b = set(np.argsort(-(var_p @ var_q[q]))[:10])
        shares.append(len(a & b) / 10)
    return float(np.mean(shares))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ort-path", type=Path,
                        help="folder holding onnxruntime/onnx/onnxscript (appended to sys.path)")
    parser.add_argument("--reps", type=int, default=2, help="passes over the passages per variant")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch and ONNX Runtime threads of every variant but the thread one (0: torch's default)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/embedding.md"))
    args = parser.parse_args(argv)
    quiet_logs()
    if args.ort_path:
        sys.path.append(str(args.ort_path))
    from boardqa.settings import Settings
    from evals.gold import load_gold
    from index import Embedder
    from index.embeddings import identify_model
    from index.passages import passage_texts

    from benchmarks.synth import sample_paragraphs

    import torch

    load_start = load_note()
    settings = Settings().embedding.model_copy(update={"backend": "torch"})
    model = Embedder.load(settings)._model
    model_folder, _ = identify_model(settings)
    if args.threads:
        torch.set_num_threads(args.threads)
    default_threads = torch.get_num_threads()
    paragraphs = sample_paragraphs()
    texts, _ = passage_texts(paragraphs)
    items = [i for i in load_gold() if i.answerable]
    qs = list(dict.fromkeys(questions() + [i.question for i in items]))
    try:
        import onnxruntime  # noqa: F401
        ort_ok = True
    except ImportError:
        ort_ok = False
    with tempfile.TemporaryDirectory() as tmp:
        named = variants(model, model_folder, ort_ok, Path(tmp), default_threads)
        seconds, vectors = throughput(named, texts, args.reps)
        latency, qvecs = query_vectors(named, qs)
    base = next(iter(named))
    rows = []
    for name in named:
        hybrid = recall_at_5(paragraphs, texts, vectors[name], qvecs[name], items, "hybrid")
        dense = recall_at_5(paragraphs, texts, vectors[name], qvecs[name], items, "dense")
        cos = float(np.mean(np.sum(vectors[name] * vectors[base], axis=1)))
        rows.append([name, fmt(len(texts) / seconds[name]), ratio(seconds[base], seconds[name]),
                     fmt(latency[name][0], 2), ratio(latency[name][0], latency[base][0]), f"{cos:.4f}",
                     f"{top10_overlap(vectors[base], qvecs[base], vectors[name], qvecs[name]):.3f}",
                     f"{hybrid[0]:.3f} / {hybrid[1]:.3f}", f"{dense[0]:.3f} / {dense[1]:.3f}"])
    header = ["variant", "passages/s", "speed-up vs baseline", "query p50 ms", "query time vs baseline",
              "mean cosine to baseline vectors", "dense top-10 overlap", "hybrid recall@5 / MRR",
              "dense recall@5 / MRR"]
    text = "\n".join([
        "# Embedding speed on CPU", "",
        f"- {len(texts)} passages of the sample papers ({sum(map(len, texts)):,} chars); {len(qs)} questions "
        f"(gold set), each embedded alone; recall over the {len(items)} answerable gold questions.",
        f"- torch {torch.__version__}, {default_threads} threads by default; {load_start} at start, "
        f"{load_note()} at the end. Variants take turns ({args.reps} passes each, median kept).", "",
        table(header, rows), "",
        "Speed-up = baseline seconds / variant seconds for all passages (higher is faster). Overlap = share of the "
        "baseline's dense top-10 passages (per question) the variant also returns.",
    ]) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
