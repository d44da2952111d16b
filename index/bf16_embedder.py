"""The embedding model in bfloat16 through PyTorch (oneDNN: AMX / AVX512-BF16 matrix units) for ingest.

Same weights, tokenizer, truncation and pooling as the fp32 backends (`index.token_embedder`); only the matrix
products run in bfloat16 (`torch.autocast`), and the token states are pooled and normalised in float32. On a CPU
without bfloat16 matrix instructions bfloat16 is emulated and slower than fp32, so `ingest_precision="auto"` uses
it only where the CPU has them (`bf16_hardware`). Opt-in, not the default: vectors move by up to 2e-3, enough to
reorder near-tied candidates (benchmarks/results/paths.md counts the gold questions whose top 10 changes).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.token_embedder import INPUTS, TokenEmbedder

if TYPE_CHECKING:
    from boardqa.settings import EmbeddingSettings

log = logging.getLogger(__name__)

PRECISIONS = ("auto", "bf16", "fp32")
# Batches of 16 sorted texts: on the sample papers' 604 passages 16 took 3.5 s, 32 3.8 s, 64 4.4 s (1 thread);
# 2.1, 2.1, 2.6 s with 2 threads.
BF16_BATCH = 16
_CPU_FLAGS = ("amx_bf16", "avx512_bf16")
_LOCK = threading.Lock()
_SAID: set[str] = set()


def cpu_flags(path: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags as Linux lists them (empty where there is no /proc/cpuinfo)."""
    try:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def bf16_hardware(flags: set[str] | None = None) -> str:
    """The CPU's bfloat16 matrix instructions (`amx_bf16`, `avx512_bf16`) that PyTorch can use, or "" for none."""
    found = [f for f in _CPU_FLAGS if f in (cpu_flags() if flags is None else flags)]
    if not found:
        return ""
    try:
        import torch

        if not (torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()):
            return ""
    except (ImportError, AttributeError, RuntimeError):
        return ""
    return ", ".join(found)


def ingest_precision(settings: "EmbeddingSettings", flags: set[str] | None = None) -> str:
    """"bf16" or "fp32": what ingest will run, from `settings.ingest_precision` and the hardware; bf16, or `auto`
    falling back to fp32 (and why), is logged once per process."""
    wanted = getattr(settings, "ingest_precision", "fp32")
    if wanted not in PRECISIONS:
        raise ValueError(f"embedding.ingest_precision must be one of {PRECISIONS}, not {wanted!r}")
    if wanted == "fp32":
        return wanted
    hardware = bf16_hardware(flags)
    if wanted == "bf16":
        _say_once("bf16", "ingest embeds in bfloat16 (embedding.ingest_precision=bf16; %s)" % (
            f"CPU has {hardware}" if hardware else "this CPU has no bfloat16 matrix instructions: emulated, slower "
            "than fp32"), level=logging.INFO if hardware else logging.WARNING)
        return wanted
    chosen = "bf16" if hardware else "fp32"
    _say_once(f"auto:{chosen}", "ingest embeds in bfloat16 (CPU has %s)" % hardware if hardware else
              "ingest embeds in fp32: this CPU (or this torch) has no bfloat16 matrix instructions "
              "(amx_bf16 / avx512_bf16); set embedding.ingest_precision=fp32 to silence this")
    return chosen


def _say_once(key: str, message: str, level: int = logging.INFO) -> None:
    with _LOCK:
        if key in _SAID:
            return
        _SAID.add(key)
    log.log(level, message)


class Bf16Embedder(TokenEmbedder):
    """The sentence-transformers model's transformer run by PyTorch with bfloat16 matrix products; same `model_id`
    as the fp32 backends (vectors within 2e-3, cosine > 0.9999 of them: tests/test_bf16_embedder.py)."""

    batch = BF16_BATCH

    def __init__(self, model_folder: Path, name: str, sha256: str, threads: int = 0) -> None:
        super().__init__(model_folder, name, sha256, threads)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel

        self._torch = torch
        self._model = AutoModel.from_pretrained(str(model_folder), local_files_only=True).eval()
        self._run = threading.Lock()  # torch's thread count is per process: one batch at a time

    def _hidden(self, feed: dict[str, np.ndarray], threads: int) -> np.ndarray:
        torch = self._torch
        with self._run:
            before = torch.get_num_threads()
            if threads > 0:
                torch.set_num_threads(threads)
            try:
                with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
                    hidden = self._model(**{n: torch.from_numpy(feed[n]) for n in INPUTS}).last_hidden_state
                return hidden.float().numpy()
            finally:
                torch.set_num_threads(before)


def load_bf16(settings: "EmbeddingSettings", folder: Path, sha256: str) -> Bf16Embedder:
    """A `Bf16Embedder` for the model in `folder`.

    Raises:
        ImportError: torch or transformers is not installed, saying how to ingest without them.
    """
    try:
        return Bf16Embedder(folder, settings.model, sha256, settings.threads)
    except ImportError as exc:
        raise ImportError(f"embedding.ingest_precision=bf16 needs torch and transformers ({exc}); install them or "
                          "set embedding.ingest_precision to fp32") from exc
