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

if TYPE_CHECKING:
    from boardqa.settings import EmbeddingSettings

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
EXPORT_RECORD = "export.json"
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Each call's texts are sorted by length and cut into batches of this many, so a batch pads little
# (benchmarks/results/embedding.md: batch 16 was the fastest of 16-128 on this CPU).
BATCH = 16
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


class OnnxEmbedder:
    """The same model as `Embedder` (same `model_id`, vectors within 1e-5) through ONNX Runtime, without torch."""

    def __init__(self, onnx_path: Path, model_folder: Path, name: str, sha256: str, threads: int = 0) -> None:
        try:
            import onnxruntime  # noqa: F401
        except ImportError as exc:
            raise OnnxUnavailable("the onnx embedding backend needs `onnxruntime` (pip install onnxruntime), "
                                  "or set embedding.backend to `torch`") from exc
        from tokenizers import Tokenizer

        self.name = name
        self.sha256 = sha256
        self.path = onnx_path
        self.threads = threads
        config = json.loads((model_folder / "sentence_bert_config.json").read_text())
        self.max_length = int(config.get("max_seq_length", 256))
        self._tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._sessions: dict[int, object] = {}
        self._lock = threading.Lock()
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

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` as an (n, d) float32 array of unit vectors (mean pooling, as sentence-transformers)."""
        return self.encode_spans(texts, [[] for _ in texts])[0]

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
        session = self._session(1 if len(texts) <= SMALL_CALL or self.threads == 1 else self.threads)
        out: np.ndarray | None = None
        pooled_spans: list[list[np.ndarray | None]] = [[] for _ in texts]
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), BATCH):
            idx = order[start:start + BATCH]
            encodings = self._tokenizer.encode_batch([texts[i] for i in idx])
            feed = {name: np.array([getattr(e, attr) for e in encodings], dtype=np.int64)
                    for name, attr in zip(INPUTS, ("ids", "attention_mask", "type_ids"))}
            hidden = session.run(["last_hidden_state"], feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[idx] = pooled
            for row, i in enumerate(idx):
                if spans[i]:
                    pooled_spans[i] = _span_vectors(hidden[row], encodings[row].offsets, spans[i])
        if out is None:
            return np.zeros((0, self._dim or 384), dtype=np.float32), pooled_spans
        self._dim = out.shape[1]
        return out, pooled_spans

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one question as a (d,) float32 unit vector."""
        return self.encode([text])[0]


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


def _span_vectors(hidden: np.ndarray, offsets: list[tuple[int, int]],
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
