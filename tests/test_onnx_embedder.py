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
