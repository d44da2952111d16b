"""bfloat16 ingest: vectors within a stated tolerance of PyTorch fp32, same top 10, fp32 where the CPU lacks bf16."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from boardqa.settings import Settings

pytest.importorskip("torch")

# bfloat16 keeps 8 bits of mantissa; pooled over a passage's tokens and normalised in fp32, the sample papers'
# vectors differ from fp32 by at most 1.5e-3 (cosine >= 0.99995): benchmarks/results/paths.md.
MAX_ABS = 4e-3
MIN_COSINE = 0.9995


def _settings(**update):
    return Settings().embedding.model_copy(update=update)


@pytest.fixture(scope="module")
def models():
    from index.embeddings import Embedder

    fp32 = Embedder.load(_settings(backend="torch", ingest_precision="fp32"))
    bf16 = Embedder.load_ingest(_settings(ingest_precision="bf16"))
    return fp32, bf16


@pytest.fixture(scope="module")
def sample_passages(samples_dir: Path) -> list[str]:
    from corpus.ingest import read_file
    from index.passages import passage_texts

    paragraphs = [p for f in sorted(samples_dir.glob("*.txt")) for p in read_file(f, max_bytes=10**8).paragraphs]
    texts, _ = passage_texts(paragraphs)
    # short and long (a table group runs past the 256 word pieces that both truncate to), odd characters
    return texts[::5] + [max(texts, key=len), "£1,140 – 2024/25 ﬁnancial “quotes”", "a"]


def test_bf16_vectors_are_within_tolerance_of_pytorch_fp32_and_keep_the_model_id(models, sample_passages) -> None:
    from index.bf16_embedder import Bf16Embedder

    fp32, bf16 = models
    assert isinstance(bf16, Bf16Embedder)
    assert bf16.model_id == fp32.model_id  # one index, whichever precision wrote its vectors
    expected, got = fp32.encode(sample_passages), bf16.encode(sample_passages)
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)  # normalised in fp32
    assert np.abs(got - expected).max() < MAX_ABS
    assert (np.sum(got * expected, axis=1) >= MIN_COSINE).all()
    assert np.abs(got - expected).max() > 0  # bfloat16 really ran: fp32 would agree to 1e-6


def test_bf16_span_vectors_match_the_fp32_ones(models) -> None:
    from index.embeddings import Embedder

    onnx = Embedder.load(_settings(backend="onnx"))
    _, bf16 = models
    texts = ["In 2024/25 there were 31 homicides. Knife crime fell by 8.3 percent.", "Short one."]
    spans = [[(0, 35), (36, len(texts[0])), (500, 600)], []]
    vectors, pooled = bf16.encode_spans(texts, spans)
    reference, reference_pooled = onnx.encode_spans(texts, spans)
    assert np.abs(vectors - reference).max() < MAX_ABS
    assert pooled[0][2] is None and pooled[1] == []
    for got, expected in zip(pooled[0][:2], reference_pooled[0][:2]):
        assert float(got @ expected) >= MIN_COSINE


def test_auto_falls_back_to_fp32_without_bf16_instructions_and_says_so_once(caplog) -> None:
    from index import bf16_embedder
    from index.bf16_embedder import ingest_precision

    bf16_embedder._SAID.clear()
    plain = {"fpu", "avx2", "avx512f"}  # AVX-512 without BF16: bf16 would be emulated, slower than fp32
    with caplog.at_level(logging.INFO, logger="index.bf16_embedder"):
        assert ingest_precision(_settings(ingest_precision="auto"), flags=plain) == "fp32"
        assert ingest_precision(_settings(ingest_precision="auto"), flags=plain) == "fp32"
    said = [r.getMessage() for r in caplog.records if "fp32" in r.getMessage()]
    assert len(said) == 1 and "amx_bf16" in said[0]
    assert ingest_precision(_settings(ingest_precision="fp32"), flags={"amx_bf16"}) == "fp32"
    assert ingest_precision(_settings(ingest_precision="bf16"), flags=plain) == "bf16"  # forced: the user's choice
    with pytest.raises(ValueError, match="ingest_precision"):
        ingest_precision(_settings(ingest_precision="fp8"))


def test_auto_uses_bf16_where_the_cpu_has_it(monkeypatch) -> None:
    import torch

    from index.bf16_embedder import bf16_hardware, ingest_precision

    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: True)
    assert bf16_hardware({"amx_bf16", "avx512_bf16"}) == "amx_bf16, avx512_bf16"
    assert ingest_precision(_settings(ingest_precision="auto"), flags={"avx512_bf16"}) == "bf16"
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)  # a torch without oneDNN bf16
    assert ingest_precision(_settings(ingest_precision="auto"), flags={"amx_bf16"}) == "fp32"


def test_fp32_ingest_uses_the_configured_backend(monkeypatch) -> None:
    from index import bf16_embedder
    from index.embeddings import Embedder

    monkeypatch.setattr(bf16_embedder, "cpu_flags", lambda *a: set())
    for backend in ("onnx", "torch"):
        for precision in ("fp32", "auto"):
            settings = _settings(backend=backend, ingest_precision=precision)
            assert Embedder.load_ingest(settings) is Embedder.load(settings)


def test_precision_comes_from_the_environment_and_the_ingest_flag(monkeypatch) -> None:
    from boardqa.cli import _settings as cli_settings

    assert Settings().embedding.ingest_precision == "fp32"  # bf16 is opt-in
    monkeypatch.setenv("BOARDQA_INGEST_PRECISION", "fp32")
    assert Settings.load().embedding.ingest_precision == "fp32"

    class Args:
        precision = "bf16"

    assert cli_settings(Args()).embedding.ingest_precision == "bf16"


def test_a_bf16_index_keeps_the_sample_gold_questions_top_1_and_all_but_one_of_their_top_10(tmp_path: Path,
                                                                                           samples_dir) -> None:
    """Measured on this AMX machine: 163 of 197 top 10s identical, 184 the same set, the other 13 with one paragraph
    swapped at the end, every top 1 the same (which is why bf16 is opt-in, not the default)."""
    from boardqa.library import ingest_paths
    from evals.gold import load_gold
    from qa.engine import Engine

    files = sorted(samples_dir.glob("*.txt"))
    tops = {}
    for precision in ("fp32", "bf16"):
        settings = Settings.load(index_dir=tmp_path / precision, embedding__backend="onnx",
                                 embedding__ingest_precision=precision)
        ingest_paths(files, settings)
        engine = Engine.load(settings)
        tops[precision] = [[h.paragraph.key for h in engine.retrieve(item.question, k=10, second_stage=False)]
                           for item in load_gold()]
    pairs = list(zip(tops["fp32"], tops["bf16"]))
    assert len(pairs) > 100
    assert all(a[0] == b[0] for a, b in pairs)
    assert max(len(set(a) - set(b)) for a, b in pairs) <= 1
    assert sum(set(a) == set(b) for a, b in pairs) >= 0.9 * len(pairs)
