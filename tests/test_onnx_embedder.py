"""The ONNX Runtime backend: same vectors as PyTorch within 1e-5, exported once per weights hash and reused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from boardqa.settings import Settings

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def both():
    from index.embeddings import Embedder

    torch_settings = Settings().embedding.model_copy(update={"backend": "torch"})
    onnx_settings = Settings().embedding.model_copy(update={"backend": "onnx"})
    return Embedder.load(torch_settings), Embedder.load(onnx_settings)


@pytest.fixture(scope="module")
def sample_passages(samples_dir: Path) -> list[str]:
    from corpus.ingest import read_file
    from index.passages import passage_texts

    paragraphs = [p for f in sorted(samples_dir.glob("*.txt"))
                  for p in read_file(f, max_bytes=10**8).paragraphs]
    texts, _ = passage_texts(paragraphs)
    # short and long (a table group runs past the 256 word pieces that both truncate to), odd characters
    return texts[::6] + [max(texts, key=len), "£1,140 – 2024/25 ﬁnancial “quotes”", "a"]


def test_onnx_vectors_equal_pytorch_within_1e_5(both, sample_passages: list[str]) -> None:
    torch_model, onnx_model = both
    assert onnx_model.model_id == torch_model.model_id  # one index serves either backend
    expected = torch_model.encode(sample_passages)
    got = onnx_model.encode(sample_passages)
    assert got.shape == expected.shape and got.dtype == np.float32
    assert np.abs(got - expected).max() < 1e-5
    np.testing.assert_allclose(onnx_model.encode_query("How many homicides?"),
                               torch_model.encode_query("How many homicides?"), atol=1e-5)


def test_the_export_is_cached_by_the_weights_hash_and_redone_when_damaged(tmp_path: Path, monkeypatch) -> None:
    from index import onnx_embedder

    exports: list[Path] = []

    def fake_export(folder: Path, path: Path) -> None:
        exports.append(path)
        path.write_bytes(b"onnx bytes " + str(len(exports)).encode())

    monkeypatch.setattr(onnx_embedder, "export", fake_export)
    monkeypatch.setattr(onnx_embedder, "_torch_version", lambda: "test")
    first = onnx_embedder.cached_export(tmp_path / "model", "ab" * 32, tmp_path / "cache")
    assert first == tmp_path / "cache" / ("ab" * 32) / "model.onnx"
    assert onnx_embedder.cached_export(tmp_path / "model", "ab" * 32, tmp_path / "cache") == first
    assert len(exports) == 1  # reused, not exported again
    record = json.loads((first.parent / "export.json").read_text())
    assert record["weights_sha256"] == "ab" * 32 and record["opset"] == onnx_embedder.OPSET
    first.write_bytes(b"truncated")
    onnx_embedder.cached_export(tmp_path / "model", "ab" * 32, tmp_path / "cache")
    assert len(exports) == 2 and first.read_bytes() == b"onnx bytes 2"
    onnx_embedder.cached_export(tmp_path / "model", "cd" * 32, tmp_path / "cache")
    assert len(exports) == 3  # other weights, another export
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_an_unknown_backend_is_refused_by_name() -> None:
    from index.embeddings import Embedder

    with pytest.raises(ValueError, match="embedding.backend"):
        Embedder.load(Settings().embedding.model_copy(update={"backend": "tensorflow"}))


def test_span_vectors_come_from_the_same_pass_and_a_whole_text_span_is_close_to_its_own_vector(both) -> None:
    _, onnx_model = both
    texts = ["In 2024/25 there were 31 homicides. Knife crime fell by 8.3 percent.", "Short one."]
    spans = [[(0, 35), (36, len(texts[0])), (500, 600)], []]
    vectors, pooled = onnx_model.encode_spans(texts, spans)
    np.testing.assert_allclose(vectors, onnx_model.encode(texts), atol=1e-6)  # spans change nothing else
    first, second, outside = pooled[0]
    assert outside is None and pooled[1] == []  # no token lies past the text
    assert abs(np.linalg.norm(first) - 1) < 1e-5 and abs(np.linalg.norm(second) - 1) < 1e-5
    alone = onnx_model.encode([texts[0][:35], texts[0][36:]])
    # read in its passage's context, a sentence still means what it says on its own
    assert float(first @ alone[0]) > 0.7 and float(first @ alone[0]) > float(first @ alone[1])
    assert float(second @ alone[1]) > float(second @ alone[0])


def test_ingest_reads_sentences_off_the_passage_pass_instead_of_embedding_them_again(tmp_path: Path, both) -> None:
    from indexkit import make_file

    from index import Index, update_index
    from qa.evidence import semantic_texts

    _, onnx_model = both
    minutes = make_file("minutes.txt", ["The committee noted the budget. It agreed the precept of £1.2 million for 2025/26.",
                                        "Members asked about reserves. The Treasurer said they stood at £300,000."])
    settings = Settings(index_dir=tmp_path / "index")
    result = update_index(settings.index_dir, settings, [minutes], embedder=onnx_model, sentence_texts=semantic_texts)
    index = Index.load(settings.index_dir)
    sentences = [t for p in index.paragraphs for t in semantic_texts(p)]
    assert len(sentences) > len(index.owners) and index.sentences.lookup(sentences).found.all()
    assert result.embedded == len(index.owners)  # the passages only: every sentence was read off its passage
    alone = onnx_model.encode(sentences)
    stored = index.sentences.lookup(sentences).vectors
    assert (np.sum(stored * alone, axis=1) > 0.6).all()  # each stored vector still means its own sentence


def test_a_long_call_runs_one_batch_per_core_side_by_side_with_the_same_vectors(both, sample_passages) -> None:
    """Two cores each running a batch on one thread beat both sharing every batch (benchmarks/results/paths.md);
    the vectors are the same as one batch at a time."""
    import threading

    from index.onnx_embedder import OnnxEmbedder

    onnx_model = both[1]
    model = OnnxEmbedder(onnx_model.path, _model_folder(), onnx_model.name, onnx_model.sha256, threads=2)
    calls: list[tuple[int, str]] = []
    hidden = model._hidden

    def spy(feed, threads):
        calls.append((threads, threading.current_thread().name))
        return hidden(feed, threads)

    model._hidden = spy
    texts = sample_passages[:80]
    got = model.encode(texts)
    assert {threads for threads, _ in calls} == {1}
    assert len({name for _, name in calls}) == 2  # two workers
    model.batches_per_core = False
    calls.clear()
    serial = model.encode(texts)
    assert {threads for threads, _ in calls} == {2}
    assert np.abs(got - serial).max() < 1e-6


def _model_folder() -> Path:
    from index.embeddings import identify_model

    return identify_model(Settings().embedding)[0]
