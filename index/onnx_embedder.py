"""The embedding model run through ONNX Runtime: exported here from the same weights, cached by their sha256."""

from __future__ import annotations

import hashlib
import json
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

ONNX_FILE = "model.onnx"
EXPORT_RECORD = "export.json"
OPSET = 17
_EXPORT_LOCK = threading.Lock()


class OnnxUnavailable(RuntimeError):
    """onnxruntime (or, to export, onnx) is not installed."""


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "boardqa" / "onnx"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_export(model_folder: Path, weights_sha256: str, cache_dir: Path | None = None) -> Path:
    """The ONNX file of the model in `model_folder`, exported once per weights hash and reused.

    The file is written beside a record (weights hash, torch version, the file's own sha256); a file that
    does not match its record (an interrupted or tampered export) is exported again.
    """
    folder = (cache_dir or default_cache_dir()) / weights_sha256
    path, record = folder / ONNX_FILE, folder / EXPORT_RECORD
    with _EXPORT_LOCK:
        if _valid(path, record, weights_sha256):
            return path
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{ONNX_FILE}.{os.getpid()}.tmp"
        try:
            export(model_folder, tmp)
            meta = {"weights_sha256": weights_sha256, "onnx_sha256": _sha256(tmp), "opset": OPSET,
                    "torch": _torch_version()}
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        record.write_text(json.dumps(meta, indent=1))
        log.info("exported %s to %s", model_folder, path)
        return path


def _valid(path: Path, record: Path, weights_sha256: str) -> bool:
    try:
        meta = json.loads(record.read_text())
    except (OSError, ValueError):
        return False
    return (path.is_file() and meta.get("weights_sha256") == weights_sha256
            and meta.get("onnx_sha256") == _sha256(path))


def _torch_version() -> str:
    import torch

    return str(torch.__version__)


def export(model_folder: Path, path: Path) -> None:
    """Export the transformer in `model_folder` (inputs ids/mask/types -> last_hidden_state) to `path`.

    TorchScript tracing at a fixed opset on fixed example inputs: the same weights and torch give the
    same file.
    """
    try:
        import onnx  # noqa: F401  (torch.onnx needs it to write the file)
    except ImportError as exc:
        raise OnnxUnavailable("exporting to ONNX needs the `onnx` package (pip install onnx)") from exc
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    model = AutoModel.from_pretrained(str(model_folder), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_folder), local_files_only=True)
    example = tokenizer(["a short text", "another, slightly longer text"], padding=True, return_tensors="pt")
    axes = {n: {0: "batch", 1: "sequence"} for n in (*INPUTS, "last_hidden_state")}

    class Hidden(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    with torch.no_grad():
        torch.onnx.export(Hidden(model), tuple(example[n] for n in INPUTS), str(path), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)


class OnnxEmbedder(TokenEmbedder):
    """The same model as `Embedder` (same `model_id`, vectors within 1e-5) through ONNX Runtime, without torch."""

    batches_per_core = True

    def __init__(self, onnx_path: Path, model_folder: Path, name: str, sha256: str, threads: int = 0) -> None:
        try:
            import onnxruntime  # noqa: F401
        except ImportError as exc:
            raise OnnxUnavailable("the onnx embedding backend needs `onnxruntime` (pip install onnxruntime), "
                                  "or set embedding.backend to `torch`") from exc
        super().__init__(model_folder, name, sha256, threads)
        self.path = onnx_path
        self._sessions: dict[int, object] = {}
        self._lock = threading.Lock()

    def _session(self, threads: int):
        with self._lock:
            if threads not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                self._sessions[threads] = ort.InferenceSession(str(self.path), options,
                                                               providers=["CPUExecutionProvider"])
            return self._sessions[threads]

    def _hidden(self, feed: dict[str, np.ndarray], threads: int) -> np.ndarray:
        return self._session(threads).run(["last_hidden_state"], feed)[0]


def load_onnx(settings: "EmbeddingSettings", folder: Path, sha256: str) -> OnnxEmbedder:
    """An `OnnxEmbedder` for the model in `folder`, exporting it first if its hash is not cached yet."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise OnnxUnavailable("the onnx embedding backend needs `onnxruntime` (pip install onnxruntime), "
                              "or set embedding.backend to `torch`") from exc
    cache = Path(settings.onnx_cache).expanduser() if settings.onnx_cache else None
    path = cached_export(folder, sha256, cache)
    return OnnxEmbedder(path, folder, settings.model, sha256, settings.threads)
