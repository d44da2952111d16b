"""How the embedder orders and batches a call's texts: by characters or by word pieces, batches of 2 to 32.

Each variant embeds the sample papers' passages with the product's ONNX Runtime model on one thread, the variants
taking turns; the table gives padded word pieces (the work the model does), seconds (fastest of the rounds) and the
speed against the first row, ordering by characters in batches of 16 (the embedder before 2026-12-01).

    .venv/bin/python -m benchmarks.embedding_order [--rounds 3] [--out benchmarks/results/embedding-order.md]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks.common import fmt, table

VARIANTS = [("characters", 16), ("word pieces", 16), ("word pieces", 2), ("word pieces", 4), ("word pieces", 8),
            ("word pieces", 12), ("word pieces", 32)]


def sample_passages() -> list[str]:
    from boardqa.settings import Settings
    from corpus.ingest import read_file, sample_files
    from index.passages import passage_texts

    settings = Settings.load()
    paragraphs = [p for f in sample_files()
                  for p in read_file(f, max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars,
                                     strip_running=settings.chunker.strip_running_lines).paragraphs]
    return passage_texts(paragraphs)[0]


def run(rounds: int) -> tuple[str, dict]:
    from boardqa.settings import Settings
    from index import Embedder

    model = Embedder.load(Settings.load(embedding__threads=1, embedding__backend="onnx").embedding)
    texts = sample_passages()
    model.encode(["warm up the model"] * 40)
    encodings = model._tokenizer.encode_batch(texts)
    pieces = np.array([len(e.ids) for e in encodings])
    orders = {"characters": np.argsort([-len(t) for t in texts], kind="stable"),
              "word pieces": np.argsort(-pieces, kind="stable")}
    seconds: dict[tuple[str, int], list[float]] = {v: [] for v in VARIANTS}
    vectors: dict[tuple[str, int], np.ndarray] = {}
    for _ in range(rounds):
        for order_name, batch in VARIANTS:
            order = orders[order_name]
            batches = [order[i:i + batch] for i in range(0, len(order), batch)]
            out = np.empty((len(texts), 384), dtype=np.float32)
            started = time.perf_counter()
            for idx, feed, hidden in model._batches(encodings, batches, 1):
                mask = feed["attention_mask"][..., None].astype(np.float32)
                out[idx] = (hidden * mask).sum(1) / mask.sum(1)
            seconds[(order_name, batch)].append(time.perf_counter() - started)
            vectors[(order_name, batch)] = out
    base = VARIANTS[0]
    rows = []
    for variant in VARIANTS:
        order = orders[variant[0]]
        padded = sum(int(pieces[order[i:i + variant[1]]].max()) * len(order[i:i + variant[1]])
                     for i in range(0, len(order), variant[1]))
        best = min(seconds[variant])
        rows.append([f"by {variant[0]}, batches of {variant[1]}", f"{padded:,}", fmt(best, 2),
                     fmt(len(texts) / best, 1), f"x{min(seconds[base]) / best:.2f}",
                     f"{float(np.abs(vectors[variant] - vectors[base]).max()):.1e}"])
    header = ["order", "word pieces with padding", "seconds", "passages/s", "speed vs first row",
              "max abs difference to first row"]
    note = (f"{len(texts)} passages of the sample papers, {int(pieces.sum()):,} word pieces without padding; "
            f"ONNX Runtime, 1 thread; fastest of {rounds} rounds, variants taking turns.")
    return table(header, rows) + "\n\n" + note, {"seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/embedding-order.md"))
    args = parser.parse_args(argv)
    text, _ = run(args.rounds)
    import os

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    report = (f"# Embedding order and batch size\n\n- run: `python -m benchmarks.embedding_order --rounds "
              f"{args.rounds}` at {time.strftime('%Y-%m-%d %H:%M')}; load average {load} at the end\n\n{text}\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
