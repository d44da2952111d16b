"""The usual LangChain pipeline (1000-character chunks, FAISS vector store) on the same model, corpus and questions."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import Stopwatch, p50_p95, time_each

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
K = 8


def torch_model(embedding_settings) -> object:
    """The SentenceTransformer of the same weights (the usual LangChain pipeline runs PyTorch, whatever our backend)."""
    from index import Embedder

    return Embedder.load(embedding_settings.model_copy(update={"backend": "torch"}))._model


def adapter(model: object, batch_size: int = 32):
    """A LangChain `Embeddings` over an already loaded SentenceTransformer, timing its document calls.

    The same model object as ours, so both pipelines pay for the same weights and threads
    (`HuggingFaceEmbeddings` would load a second copy of the model).
    """
    from langchain_core.embeddings import Embeddings

    class SentenceTransformerEmbeddings(Embeddings):
        def __init__(self) -> None:
            self.seconds = 0.0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            started = time.perf_counter()
            vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
            self.seconds += time.perf_counter() - started
            return vectors.tolist()

        def embed_query(self, text: str) -> list[float]:
            return model.encode([text], batch_size=1, normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False)[0].tolist()

    return SentenceTransformerEmbeddings()


def ingest(files: list[Path], embeddings) -> dict:
    """Split, embed, index and save the files the way most LangChain tutorials do; seconds per stage."""
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    with Stopwatch() as split:
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts, metadatas = [], []
        for path in files:
            for chunk in splitter.split_text(path.read_text(encoding="utf-8")):
                texts.append(chunk)
                metadatas.append({"source": path.name})
    embeddings.seconds = 0.0
    with Stopwatch() as build:
        store = FAISS.from_texts(texts, embeddings, metadatas=metadatas)
    with tempfile.TemporaryDirectory() as tmp, Stopwatch() as save:
        store.save_local(tmp)
    return {"store": store, "chunks": len(texts), "chars": sum(map(len, texts)), "split": split.seconds,
            "embed": embeddings.seconds, "index": build.seconds - embeddings.seconds + save.seconds}


def store_from_vectors(texts: list[str], vectors: np.ndarray, embeddings, docs: list[str]):
    """A LangChain FAISS store over given texts and vectors, built as `FAISS.from_embeddings` does.

    `from_embeddings` wants Python lists of floats (10^6 x 384 floats would be ~10 GB of objects),
    so the same pieces are assembled from the numpy array: `IndexFlatL2`, an `InMemoryDocstore`
    of `Document`s with uuid ids, and the position -> id map.
    """
    import uuid

    import faiss
    from langchain_community.docstore.in_memory import InMemoryDocstore
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document

    index = faiss.IndexFlatL2(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    ids = [str(uuid.uuid4()) for _ in texts]
    store = InMemoryDocstore({i: Document(page_content=t, metadata={"source": d}, id=i)
                              for i, t, d in zip(ids, texts, docs)})
    return FAISS(embeddings, index, store, dict(enumerate(ids)))


def query_latency(store, questions: list[str]) -> dict:
    """p50/p95 milliseconds of `similarity_search(q, k=8)` (query embedding included, as for ours)."""
    times = time_each(lambda q: store.similarity_search(q, k=K), questions)
    p50, p95 = p50_p95(times)
    return {"p50": p50, "p95": p95}


def gold_hits(store, items) -> float:
    """Share of answerable gold questions whose evidence is in one of the top 8 chunks (the eval's text match)."""
    from evals.metrics import Retrieved, first_gold_rank

    answerable = [i for i in items if i.answerable]
    found = 0
    for item in answerable:
        docs = store.similarity_search(item.question, k=K)
        ranked = [Retrieved(d.metadata.get("source", ""), "", d.page_content) for d in docs]
        found += first_gold_rank(item.gold, ranked) is not None
    return found / len(answerable) if answerable else 0.0
