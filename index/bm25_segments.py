"""BM25 over several segments scored as one library: library-wide document frequencies, the base's average length.

bm25s (Lucene's variant, the one `LexicalIndex` uses) stores, for each token and passage, the product
`idf(df, N) * tf / (tf + k1 (1 - b + b dl / avgdl))` computed from its own corpus. A delta segment's own N, df
and avgdl would make its scores incomparable with the base's. So:

- a delta is built with the *base's* average passage length (`build_delta`), so its tf part is the one a full
  rebuild of the base would give it (a rebuild would use the average over every live passage, which one paper
  of a few hundred passages moves by a fraction of a percent: the only difference from a full rebuild);
- at query time each segment's stored score of a query token is divided by the idf it was built with (known:
  its df is the token's column length, N its passage count) and multiplied by the library-wide idf, whose df and
  N count the live passages of every segment (removed files' passages are taken out, as a merge would).
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from index.lexical import LexicalIndex, _bm25s, tokenize


def lucene_idf(df: np.ndarray | int, n: int) -> np.ndarray:
    """bm25s's (Lucene's) idf: log(1 + (N - df + 0.5) / (df + 0.5))."""
    df = np.asarray(df, dtype=np.float64)
    return np.log1p((n - df + 0.5) / (df + 0.5))


def average_length(texts: Sequence[str]) -> float:
    """Mean token count of passages, as bm25s computes it when indexing them (the `avgdl` of BM25)."""
    return float(np.mean([len(tokenize(t)) for t in texts])) if len(texts) else 0.0


def build_delta(texts: list[str], avgdl: float) -> LexicalIndex:
    """A bm25s index of `texts` in bm25s's own format whose length normalisation uses `avgdl` (the base's)
    instead of these texts' own mean; idf is this segment's own, as bm25s would store it."""
    corpus = [tokenize(t) for t in texts]
    if not any(corpus):
        return LexicalIndex(None, len(texts))
    bm25s = _bm25s()
    retriever = bm25s.BM25()
    k1, b = float(retriever.k1), float(retriever.b)
    vocab = {token: i for i, token in enumerate(dict.fromkeys(t for doc in corpus for t in doc))}
    rows, cols, tfs = [], [], []
    for row, doc in enumerate(corpus):
        for token, tf in Counter(doc).items():
            rows.append(row)
            cols.append(vocab[token])
            tfs.append(tf)
    rows_a = np.asarray(rows, dtype=np.int32)
    cols_a = np.asarray(cols, dtype=np.int64)
    tf_a = np.asarray(tfs, dtype=np.float32)
    lengths = np.asarray([len(doc) for doc in corpus], dtype=np.float32)
    df = np.bincount(cols_a, minlength=len(vocab))
    idf = lucene_idf(df, len(corpus)).astype(np.float32)  # (bm25s keeps its idf array in float32)
    tfc = tf_a / (k1 * ((1 - b) + b * lengths[rows_a] / np.float32(avgdl or 1.0)) + tf_a)
    data = (idf[cols_a] * tfc).astype(np.float32)
    order = np.lexsort((rows_a, cols_a))  # column by column, passages ascending: bm25s's CSC layout
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    retriever.scores = {"data": data[order], "indices": rows_a[order], "indptr": indptr, "num_docs": len(corpus)}
    vocab[""] = len(vocab)  # bm25s's empty token, just past the score columns
    retriever.vocab_dict = vocab
    retriever.unique_token_ids_set = set(vocab.values())
    retriever.nonoccurrence_array = None  # (Lucene's variant has none)
    return LexicalIndex(retriever, len(texts))


class SegmentLexical:
    """Per-passage BM25 scores of every segment for one query, on one library-wide scale."""

    def __init__(self, lexicals: list[LexicalIndex], live: list[np.ndarray | None]) -> None:
        self.lexicals = lexicals
        self.live = live  # per segment: one bool a passage (False: its file was removed), None when all live
        self.removed = [None if m is None else np.flatnonzero(~m) for m in live]
        self.runs = [None if m is None else _runs(~m) for m in live]  # removed passages as [start, end) runs
        self.total = sum(int(l.count if m is None else m.sum()) for l, m in zip(lexicals, live))

    def scores(self, query: str) -> list[np.ndarray | None]:
        """Each segment's passage scores (None: no query token occurs there); removed passages score 0."""
        counts = Counter(tokenize(query))
        columns = []  # per token: per segment (start, end) of its postings, or None
        for token in counts:
            spans = []
            for lexical in self.lexicals:
                bm25 = lexical._bm25
                col = bm25.vocab_dict.get(token) if bm25 is not None else None
                if col is None or col >= len(bm25.scores["indptr"]) - 1:
                    spans.append(None)
                else:
                    indptr = bm25.scores["indptr"]
                    spans.append((int(indptr[col]), int(indptr[col + 1])))
            columns.append(spans)
        out: list[np.ndarray | None] = [None] * len(self.lexicals)
        for (token, times), spans in zip(counts.items(), columns):
            live_df = 0
            for lexical, runs, span in zip(self.lexicals, self.runs, spans):
                if span is not None:
                    start, end = span
                    live_df += end - start
                    if runs is not None:  # a column's passages ascend (bm25s's CSC): count those in removed runs
                        column = lexical._bm25.scores["indices"][start:end]
                        live_df -= int((np.searchsorted(column, runs[1]) - np.searchsorted(column, runs[0])).sum())
            if not live_df:
                continue
            wanted = float(lucene_idf(live_df, self.total))
            for i, (lexical, span) in enumerate(zip(self.lexicals, spans)):
                if span is None:
                    continue
                start, end = span
                scores = lexical._bm25.scores
                built = np.float32(lucene_idf(end - start, int(scores["num_docs"])))
                if out[i] is None:
                    out[i] = np.zeros(lexical.count, dtype=np.float32)
                postings = np.asarray(scores["indices"][start:end])
                out[i][postings] += np.asarray(scores["data"][start:end]) * np.float32(times * wanted / built)
        for i, removed in enumerate(self.removed):
            if out[i] is not None and removed is not None:
                out[i][removed] = 0.0
        return out



def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the runs of True in `mask`."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
