"""`MilvusIndex`: the `Index` the engine searches, with paragraphs, vectors and BM25 kept in Milvus collections."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from corpus.records import Paragraph
from index.milvus import StoreURL, parse_url
from index.milvus.client import (BM25_PARAMS, connect, docs_name, has_collections, in_list, lexical_text, load,
                                 paragraphs_name, passages_name, query_all, quote, sentence_vectors, sentences_name)
from index.passages import best_per_paragraph
from index.sentence_vectors import Lookup, text_key
from index.store import Index
from index.vectors import Scored

if TYPE_CHECKING:
    from boardqa.settings import Settings

log = logging.getLogger(__name__)

FETCH_BATCH = 512  # paragraph texts read per query
TEXT_CACHE = 8192  # paragraph texts kept in memory (the most recently used)
MAX_LIMIT = 16_384  # Milvus's largest `limit` (top-k) for one search


class MilvusParagraphs(Sequence):
    """The store's paragraphs in position order: headings (every field but `text`) held here, texts read from
    Milvus when a paragraph is asked for. Three misses at one stride are a scan (or a sample of every n-th
    paragraph): the next FETCH_BATCH positions at that stride are then read in one query."""

    def __init__(self, client, prefix: str, heads: list[Paragraph]) -> None:
        self._client = client
        self._collection = paragraphs_name(prefix)
        self.heads = heads
        self._texts: OrderedDict[str, str] = OrderedDict()  # key -> text, recent last
        self._last_miss, self._stride = -1, 0

    def __len__(self) -> int:
        return len(self.heads)

    def _fetch(self, keys: list[str]) -> dict[str, str]:
        rows = self._client.query(self._collection, filter=in_list("key", keys), output_fields=["key", "text"])
        return {row["key"]: row["text"] for row in rows}

    def _text(self, position: int) -> str:
        key = self.heads[position].key
        if key in self._texts:
            self._texts.move_to_end(key)
            return self._texts[key]
        stride = position - self._last_miss if position > self._last_miss >= 0 else 0
        scan = stride > 0 and stride == self._stride
        self._last_miss, self._stride = position, stride
        keys = [self.heads[i].key for i in range(position, len(self.heads), stride)[:FETCH_BATCH]] if scan else [key]
        self._texts.update(self._fetch(keys))
        while len(self._texts) > TEXT_CACHE:
            self._texts.popitem(last=False)
        if key not in self._texts:
            raise KeyError(f"{self._collection}: paragraph {key} is gone (the library changed; reload it)")
        return self._texts[key]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        position = range(len(self.heads))[i]  # (negative positions, and IndexError past the end)
        return dataclasses.replace(self.heads[position], text=self._text(position))

    def __iter__(self) -> Iterator[Paragraph]:
        for start in range(0, len(self.heads), FETCH_BATCH):
            block = self.heads[start:start + FETCH_BATCH]
            texts = self._fetch([h.key for h in block])
            for head in block:
                yield dataclasses.replace(head, text=texts.get(head.key, ""))


class MilvusSentences:
    """The answerer's candidate sentences embedded at ingest, read from the store by their text's key (the
    `SentenceVectors.lookup` the engine calls; texts not stored are embedded per question, as ever)."""

    def __init__(self, client, prefix: str, dim: int) -> None:
        self._client = client
        self._prefix = prefix
        self.dim = dim
        self._stored = bool(dim) and client.has_collection(sentences_name(prefix))

    def __len__(self) -> int:  # (whether any are stored: counting rows would cost a query)
        return int(self._stored)

    def lookup(self, texts: Sequence[str]) -> Lookup:
        found = np.zeros(len(texts), dtype=bool)
        out = np.zeros((len(texts), max(self.dim, 1)), dtype=np.float32)
        if not self._stored or not len(texts):
            return Lookup(out, found)
        keys = [text_key(t) for t in texts]
        stored = sentence_vectors(self._client, self._prefix, keys)
        for i, key in enumerate(keys):
            if key in stored:
                out[i], found[i] = stored[key], True
        return Lookup(out, found)


class MilvusIndex(Index):
    """An `Index` whose searches run in Milvus: dense (inner product over the same unit vectors, exact FLAT in Lite)
    and BM25 over our own tokens, per passage, reduced to paragraphs exactly as the FAISS store does."""

    def __init__(self, client, store: StoreURL, heads: list[Paragraph], manifest: dict) -> None:
        super().__init__(MilvusParagraphs(client, store.prefix, heads), None, None, manifest)
        self.client = client
        self.store = store
        self.heads = heads
        self._position = {p.key: i for i, p in enumerate(heads)}
        self._last: tuple[np.ndarray | None, str] = (None, "")  # the last filter's positions and its expression
        self.sentences = MilvusSentences(client, store.prefix, int(manifest.get("embedding", {}).get("dim") or 0))

    @classmethod
    def open(cls, url: str, settings: "Settings | None" = None, client=None) -> "MilvusIndex":
        """Connect to the store and read its catalogue: the docs, and every paragraph's fields except its text.

        Raises:
            StoreUnreachable: naming the URL, when Milvus does not answer.
        """
        store = parse_url(url)
        client = client or connect(store)
        if not has_collections(client, store.prefix):
            return cls(client, store, [], {"docs": [], "embedding": {}})
        load(client, store.prefix)
        docs = sorted(query_all(client, docs_name(store.prefix), ["key", "ord", "entry"]), key=lambda r: r["ord"])
        entries = [json.loads(row["entry"]) for row in docs]
        live = {row["key"]: row["ord"] for row in docs}
        rows = query_all(client, paragraphs_name(store.prefix), ["doc_id", "meta"])
        heads = [Paragraph.from_json({**json.loads(r["meta"]), "text": ""}) for r in rows if r["doc_id"] in live]
        heads.sort(key=lambda p: (live[p.doc_id], p.seq))
        embedding = entries[-1].get("embedding", {}) if entries else {}
        # how the stored answer sentences were read: one fingerprint when every file agrees (an older file records
        # none); `qa.engine` warns when it is not today's
        formats = {(e.get("sentences") or {}).get("format", "") for e in entries}
        sentences = {"format": formats.pop() if len(formats) == 1 else "mixed"} if entries else {}
        index = cls(client, store, heads, {"docs": entries, "embedding": embedding, "store": url,
                                           "sentences": sentences})
        if settings is not None and (reason := index.stale_reason(settings)):
            log.warning("%s: %s; run `boardqa ingest` to rebuild", url, reason)
        return index

    def _heads(self) -> list[Paragraph]:
        return self.heads

    def positions_where(self, doc: str | Iterable[str] | None = None, paper: str | Iterable[str] | None = None,
                        date_from: str | None = None, date_to: str | None = None,
                        body: str | Iterable[str] | None = None,
                        committee: str | Iterable[str] | None = None) -> np.ndarray:
        """As `Index.positions_where`; the same filter is kept as a Milvus expression for the searches that follow."""
        positions = super().positions_where(doc, paper, date_from, date_to, body, committee)
        clauses = []
        if doc:
            docs = [doc] if isinstance(doc, str) else list(doc)
            clauses.append(f"({in_list('doc', docs)} or {in_list('doc_id', docs)})")
        for name, value in (("paper", paper), ("body", body), ("committee", committee)):
            if value:
                clauses.append(in_list(name, [v.casefold() for v in ([value] if isinstance(value, str) else value)]))
        if date_from or date_to:
            clauses.append('date != ""')
            if date_from:
                clauses.append(f"date >= {quote(date_from)}")
            if date_to:  # a date compared by the prefix as long as `date_to` ("2025-05" includes all of May)
                clauses.append(f"date < {quote(date_to + '~')}")
        self._last = (positions, " and ".join(clauses))
        return positions

    def _filter(self, allowed: np.ndarray | None) -> str:
        """A Milvus expression selecting the `allowed` positions' passages ("" for all)."""
        if allowed is None:
            return ""
        if allowed is self._last[0]:
            return self._last[1]
        return in_list("para", [self.heads[int(i)].key for i in allowed])

    def _search(self, data: list, field: str, metric: str, k: int, allowed: np.ndarray | None) -> list[Scored]:
        if k <= 0 or not self.heads or (allowed is not None and len(allowed) == 0):
            return []
        found = self.client.search(passages_name(self.store.prefix), data, anns_field=field,
                                   limit=min(3 * k, MAX_LIMIT), filter=self._filter(allowed),
                                   output_fields=["para"], search_params={"metric_type": metric})
        hits = []
        for hit in found[0]:
            position = self._position.get(hit["entity"]["para"])
            if position is not None:  # (rows of a document being added or removed right now are not counted)
                score = float(hit["distance"])
                hits.append(Scored(position, abs(score) if metric == "BM25" else score))  # Lite negates BM25
        return best_per_paragraph(hits, self.owners, k)

    def search_dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """Up to `k` (position, cosine) pairs, best first: each paragraph's best passage, as the FAISS store."""
        query = np.asarray(qvec, dtype=np.float32).reshape(-1)
        dim = self.manifest.get("embedding", {}).get("dim")
        if dim and len(query) != dim:
            raise ValueError(f"query vector has {len(query)} dimensions, the store {dim}")
        return self._search([query.tolist()], "dense", "IP", k, allowed)

    def search_lexical(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """Up to `k` (position, BM25 score) pairs, scored by Milvus's BM25 over our tokeniser's tokens."""
        text = lexical_text(query)
        if not text:
            return []
        # Milvus scores tf (k1 + 1) / (tf + k1 (...)); bm25s (Lucene) leaves out the constant k1 + 1
        return [Scored(h.position, h.score / (1 + BM25_PARAMS["bm25_k1"]))
                for h in self._search([text], "sparse", "BM25", k, allowed)]

    def cosine(self, qvec: np.ndarray, position: int) -> float:
        """The cosine of the question with a paragraph's best passage (for a hit BM25 alone found)."""
        rows = self.client.query(passages_name(self.store.prefix), filter=f"para == {quote(self.heads[position].key)}",
                                 output_fields=["dense"])
        if not rows:
            return 0.0
        vectors = np.asarray([row["dense"] for row in rows], dtype=np.float32)
        return float(np.max(vectors @ np.asarray(qvec, dtype=np.float32).reshape(-1)))
