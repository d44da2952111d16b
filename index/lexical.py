"""Lexical search: BM25 (the `bm25s` library) over a tokeniser that keeps figures like 3.7, 1,140 and 2024/25."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np

from index.vectors import Scored, top_k

LEXICAL_DIR = "lexical"
# Above this many passages the BM25 arrays are memory-mapped: a question reads only its words' postings.
MMAP_FROM = 100_000
# bm25s's English list (Lucene's 33 words) plus question words, which say what kind of answer
# is wanted but never which paragraph holds it.
_QUESTION_WORDS = {"how", "what", "when", "where", "which", "who", "whom", "why", "many", "much", "were", "has",
                   "have", "had", "been", "did", "does", "do", "its", "our", "we", "you", "your", "from"}
# A word is letters then letters/digits (`a38`, `covid`); `force's` gives `force` and `s`, a stopword.
_WORD = re.compile(r"[a-z][a-z0-9]*")
_NUMBER = re.compile(r"(?<![a-z0-9.,])\d+(?:[.,/\-–]\d+)*")
_SEPARATOR = re.compile(r"[.,/\-–]")


@cache
def stopwords() -> frozenset[str]:
    """Words never indexed (bm25s is imported here, not at module import, to keep `--help` instant)."""
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | _QUESTION_WORDS | set("bcdefghjklmnopqrstuvwxyz")


def tokenize(text: str) -> list[str]:
    """Lower-case words minus stopwords, then figures in the forms people type them.

    `1,140` gives `1,140` and `1140`; `2024/25` and `2024-25` give `2024/25`, `2024` and `25`;
    `3.7` stays `3.7` so a paragraph number or a decimal is matched whole. Order is irrelevant
    to BM25, so words and figures are found by two simple passes (several times faster than one
    pass with a branch per token, which matters for 10^5 paragraphs).
    """
    text = text.lower()
    skip = stopwords()
    tokens = [w for w in _WORD.findall(text) if w not in skip]
    for number in _NUMBER.findall(text):
        tokens.append(number)
        if _SEPARATOR.search(number):
            tokens.extend(_expand(number))
    return tokens


def _expand(number: str) -> list[str]:
    """Other spellings of a figure: without thousands commas, and the parts of a range or year pair."""
    plain = number.replace(",", "")
    joined = plain.replace("–", "/").replace("-", "/")
    extra = [t for t in (plain, joined) if t != number]
    if "/" in joined:
        extra.extend(part for part in joined.split("/") if part)
    return list(dict.fromkeys(extra))


class LexicalIndex:
    """A bm25s retriever over one token list per paragraph (None when no paragraph has a token)."""

    def __init__(self, retriever: object | None, count: int, avgdl: float = 0.0) -> None:
        self._bm25 = retriever
        self.count = count
        self.avgdl = avgdl  # mean tokens a passage (known when built here; delta segments are scored with it)

    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        """Tokenise and index `texts` (one per paragraph, in position order)."""
        corpus = [tokenize(t) for t in texts]
        avgdl = float(np.mean([len(c) for c in corpus])) if corpus else 0.0
        if not any(corpus):
            return cls(None, len(texts), avgdl)  # bm25s cannot index a corpus without a single token
        bm25s = _bm25s()
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return cls(retriever, len(texts), avgdl)

    def save(self, folder: Path) -> list[Path]:
        """Write bm25s's own files (JSON params and vocabulary, plain .npy arrays) under `folder/lexical`."""
        target = folder / LEXICAL_DIR
        target.mkdir(parents=True, exist_ok=True)
        if self._bm25 is None:
            (target / "empty.json").write_text(json.dumps({"num_docs": self.count}))
        else:
            self._bm25.save(str(target), allow_pickle=False, show_progress=False)
        return sorted(p for p in target.iterdir() if p.is_file())

    @classmethod
    def load(cls, folder: Path, count: int) -> "LexicalIndex":
        """Read what `save` wrote. bm25s loads JSON and `np.load(allow_pickle=False)`: nothing is executed.

        Raises:
            ValueError: naming the file, when it is unreadable or disagrees with `count` paragraphs.
        """
        target = folder / LEXICAL_DIR
        if (target / "empty.json").is_file():
            return cls(None, count)
        bm25s = _bm25s()
        try:
            retriever = bm25s.BM25.load(str(target), allow_pickle=False, mmap=count > MMAP_FROM, load_corpus=False,
                                        show_progress=False)
        except (ValueError, OSError, TypeError, KeyError, EOFError) as exc:
            raise ValueError(f"{LEXICAL_DIR}/: not a readable bm25s index ({type(exc).__name__}: {exc})") from exc
        _check(retriever, count)
        return cls(retriever, count)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[Scored]:
        """The `k` best BM25 matches for `query` with a positive score, optionally among `allowed` positions."""
        if self._bm25 is None or k <= 0:
            return []
        ids = self._bm25.get_tokens_ids(tokenize(query))
        if not ids:
            return []
        scores = self._bm25.get_scores_from_ids(ids)
        positions = np.arange(len(scores)) if allowed is None else np.asarray(allowed, dtype=np.int64)
        if allowed is not None:
            scores = scores[positions]
        matched = np.flatnonzero(scores > 0)
        return top_k(scores[matched], k, positions[matched])


def _bm25s():
    """The bm25s module, with its logger quieted: bm25s sets it to DEBUG on import, so every ingest printed
    "DEBUG bm25s: Building index from tokens" under the CLI's and the app's WARNING-level logging."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _check(retriever: object, count: int) -> None:
    """Cheap consistency checks, so a damaged index fails at load time rather than mid-question."""
    scores = retriever.scores
    name = f"{LEXICAL_DIR}/"
    if scores["num_docs"] != count:
        raise ValueError(f"{name}params.index.json: {scores['num_docs']} documents, the index has {count} paragraphs")
    indptr, indices = scores["indptr"], scores["indices"]
    if indptr.ndim != 1 or len(scores["data"]) != len(indices) or (len(indptr) and indptr[-1] != len(indices)):
        raise ValueError(f"{name}*.csc.index.npy: arrays of inconsistent lengths")
    # (memory-mapped arrays are not read whole here: the manifest's sha256 covers them)
    if len(indices) and not isinstance(indices, np.memmap) and (indices.min() < 0 or indices.max() >= count):
        raise ValueError(f"{name}indices.csc.index.npy: document number out of range")
    vocab = retriever.vocab_dict
    # bm25s gives the empty token "" the id just past the score columns; it is never queried
    if not isinstance(vocab, dict) or any(
        not isinstance(v, int) or not 0 <= v < len(indptr) - 1 for t, v in vocab.items() if t != ""
    ):
        raise ValueError(f"{name}vocab.index.json: token ids do not match the score arrays")
