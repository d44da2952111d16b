"""Mean-pooled sentence vectors from a transformer's token states, with late-chunked span vectors from the same pass.

The tokenizing, batching and pooling shared by the runtimes that run the model (`index.onnx_embedder`: ONNX
Runtime, fp32; `index.bf16_embedder`: PyTorch in bfloat16): each runtime only turns a batch of token ids into
token states (`_hidden`).
"""

from __future__ import annotations

import json
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Each call's texts are sorted by their count of word pieces and cut into batches of this many, each padded to its
# longest, so a batch pads little: the sample papers' 604 passages are 46,625 word pieces, 46,996 padded in batches
# of 4, where sorting by characters in batches of 16 padded them to 57,520 (x1.30 faster in fp32 on one thread;
# batches of 2-8 within a few per cent of each other, 32 slower: benchmarks/results/embedding-order.md).
BATCH = 4


class TokenEmbedder:
    """Tokenizer (truncating at the model's `max_seq_length`, as sentence-transformers does), mean pooling, unit
    vectors; subclasses give `_hidden(feed, threads) -> (batch, tokens, d) float32`."""

    batch = BATCH
    # the runtime's calls run side by side from several threads, each on one core (ONNX Runtime's do)
    batches_per_core = False

    def __init__(self, model_folder: Path, name: str, sha256: str, threads: int = 0) -> None:
        from tokenizers import Tokenizer

        self.name = name
        self.sha256 = sha256
        self.threads = threads
        config = json.loads((model_folder / "sentence_bert_config.json").read_text())
        self.max_length = int(config.get("max_seq_length", 256))
        self._tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()  # each batch is padded to its own longest (`_feed`)
        self._dim = 0

    @property
    def model_id(self) -> str:
        from index.embeddings import make_model_id

        return make_model_id(self.name, self.sha256)

    @property
    def dim(self) -> int:
        if not self._dim:
            self._dim = int(self.encode(["dimension"]).shape[1])
        return self._dim

    def _hidden(self, feed: dict[str, np.ndarray], threads: int) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` as an (n, d) float32 array of unit vectors (mean pooling, as sentence-transformers)."""
        return self.encode_spans(texts, [[] for _ in texts])[0]

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one question as a (d,) float32 unit vector."""
        return self.encode([text])[0]

    def encode_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]
                     ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """Each text's vector, and a vector for each of its character spans from the same pass ("late chunking"):
        the mean of the span's token states, read in the context of the whole text, at no further model cost.

        Returns:
            (n, d) unit vectors of `texts`, and for each text one unit vector per span (None for a span that no
            token falls in, e.g. past the model's 256 word pieces).
        """
        from index.embeddings import SMALL_CALL

        texts = list(texts)
        # one thread for a question or a few sentences (threads only wait for each other then)
        threads = 1 if len(texts) <= SMALL_CALL or self.threads == 1 else self.threads
        out: np.ndarray | None = None
        pooled_spans: list[list[np.ndarray | None]] = [[] for _ in texts]
        encodings = self._tokenizer.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        batches = [order[start:start + self.batch] for start in range(0, len(texts), self.batch)]
        for idx, feed, hidden in self._batches(encodings, batches, threads):
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[idx] = pooled
            for row, i in enumerate(idx):
                if spans[i]:
                    offsets = encodings[i].offsets
                    pooled_spans[i] = span_vectors(hidden[row, :len(offsets)], offsets, spans[i])
        if out is None:
            return np.zeros((0, self._dim or 384), dtype=np.float32), pooled_spans
        self._dim = out.shape[1]
        return out, pooled_spans

    def _batches(self, encodings: list, batches: list[np.ndarray], threads: int) -> Iterator[tuple]:
        """(indices, feed, token states) of each batch, in order. A runtime that runs one batch per core
        (`batches_per_core`) is given one batch per thread, each on one core: cheaper than every core sharing
        each batch's small matrix products (benchmarks/results/paths.md); same vectors either way."""
        def one(idx: np.ndarray, threads: int) -> tuple:
            feed = _feed([encodings[i] for i in idx])
            return idx, feed, self._hidden(feed, threads)

        workers = (threads or os.cpu_count() or 1) if self.batches_per_core else 1
        if workers <= 1 or len(batches) <= 1:
            yield from (one(idx, threads) for idx in batches)
            return
        with ThreadPoolExecutor(workers) as pool:
            running: deque = deque()
            for idx in batches:  # at most two batches a worker in flight, so memory stays a few batches
                running.append(pool.submit(one, idx, 1))
                if len(running) >= 2 * workers:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()


def _feed(encodings: list) -> dict[str, np.ndarray]:
    """The model's inputs for one batch: ids, mask and types, each row padded with zeros to the batch's longest."""
    width = max(len(e.ids) for e in encodings)
    feed = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in INPUTS}
    for row, e in enumerate(encodings):
        for name, values in zip(INPUTS, (e.ids, e.attention_mask, e.type_ids)):
            feed[name][row, :len(values)] = values
    return feed


def span_vectors(hidden: np.ndarray, offsets: list[tuple[int, int]],
                 spans: list[tuple[int, int]]) -> list[np.ndarray | None]:
    """Unit mean of the token states whose characters lie in each span (special and padding tokens have no
    characters: offsets (0, 0))."""
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])
    real = ends > starts
    out: list[np.ndarray | None] = []
    for a, b in spans:
        inside = real & (starts >= a) & (ends <= b)
        if not inside.any():
            out.append(None)
            continue
        vector = hidden[inside].mean(0)
        out.append((vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32))
    return out
