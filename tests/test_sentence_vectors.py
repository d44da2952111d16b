"""Sentence vectors stored at ingest: looked up by text, kept across updates, and used by the answer step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fakes import FakeEmbedder
from test_index import FIRE, POLICE, make_file

from boardqa.settings import Settings
from index import Index, IndexCorrupt, update_index
from index.sentence_vectors import KEYS_FILE, OWNERS_FILE, SentenceVectors, text_key


def sentences_of(p) -> list[str]:
    """A stand-in for the answerer's units: the paragraph's sentences, split at full stops."""
    return [s.strip().rstrip(".") + "." for s in p.text.split(". ") if s.strip(" .")]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index")


def test_lookup_finds_stored_texts_and_reports_missing_ones() -> None:
    vectors = np.eye(3, dtype=np.float32)
    store = SentenceVectors.from_texts([["a b", "c d"], ["e f"]], vectors)
    found = store.lookup(["e f", "unknown", "a b"])
    assert found.found.tolist() == [True, False, True]
    assert found.vectors[0].tolist() == [0, 0, 1] and found.vectors[2].tolist() == [1, 0, 0]
    assert not found.vectors[1].any()
    assert store.owners.tolist() == [0, 0, 1]


def test_keep_drops_rows_of_removed_paragraphs_and_renumbers_owners() -> None:
    store = SentenceVectors.from_texts([["a"], ["b", "c"], ["d"]], np.arange(12, dtype=np.float32).reshape(4, 3))
    kept = store.keep(np.array([True, False, True]))
    assert kept.owners.tolist() == [0, 1]
    assert kept.lookup(["b"]).found.tolist() == [False]
    assert kept.lookup(["d"]).vectors[0].tolist() == [9, 10, 11]


def test_ingest_stores_each_paragraphs_sentences_with_the_same_vectors_as_live(settings: Settings) -> None:
    fake = FakeEmbedder(dim=16)
    update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=fake, sentence_texts=sentences_of)
    index = Index.load(settings.index_dir)
    texts = [t for p in index.paragraphs for t in sentences_of(p)]
    assert len(index.sentences) == len(texts)
    got = index.sentences.lookup(texts)
    assert got.found.all()
    np.testing.assert_allclose(got.vectors, FakeEmbedder(dim=16).encode(texts), atol=1e-6)
    assert index.manifest["sentences"]["count"] == len(texts)
    assert isinstance(index.sentences.vectors, np.memmap)  # read from disk, not loaded whole


def test_adding_a_file_embeds_only_its_new_sentences_and_removing_one_keeps_the_rest(settings: Settings) -> None:
    fake = FakeEmbedder(dim=16)
    update_index(settings.index_dir, settings, [POLICE], embedder=fake, sentence_texts=sentences_of)
    before = fake.texts
    # the new file repeats one sentence of the first: it is copied from the stored vectors, not embedded again
    extra = make_file("extra.txt", [POLICE[2][2].text, "Response times improved. Calls fell."])
    update_index(settings.index_dir, settings, [extra], embedder=fake, sentence_texts=sentences_of)
    new_sentences = ["Response times improved.", "Calls fell."]
    passages = 2  # extra.txt's two paragraphs are each one passage
    assert fake.texts - before == passages + len(new_sentences)
    update_index(settings.index_dir, settings, [], remove=[POLICE[0]], embedder=fake, sentence_texts=sentences_of)
    index = Index.load(settings.index_dir)
    assert [p.doc for p in index.paragraphs] == ["extra.txt", "extra.txt"]
    assert index.sentences.owners.tolist() == [0, 1, 1]
    assert index.sentences.lookup(new_sentences).found.all()
    assert not index.sentences.lookup(["The force budget for 2025/26 is £1,140 million, an increase of 3.7 per "
                                       "cent."]).found.any()


def test_an_index_whose_sentences_were_read_another_way_has_them_stored_again_at_the_next_ingest(
        settings: Settings) -> None:
    from index.update import SENTENCES_CHANGED

    fake = FakeEmbedder(dim=16)
    update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=fake, sentence_texts=sentences_of,
                 sentence_format="v1")
    assert Index.load(settings.index_dir).manifest["sentences"]["format"] == "v1"

    def first_words(p) -> list[str]:  # a newer answerer reads each sentence's first words only
        return [" ".join(t.split()[:4]) for t in sentences_of(p)] + sentences_of(p)[:1]

    before = fake.texts
    same = update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=fake, sentence_texts=sentences_of,
                        sentence_format="v1")
    assert not same.modified and fake.texts == before  # the same reader: nothing to do
    report = update_index(settings.index_dir, settings, [POLICE, FIRE], embedder=fake, sentence_texts=first_words,
                          sentence_format="v2")
    assert report.rebuilt.startswith(SENTENCES_CHANGED) and report.skipped  # no file changed, no passage embedded
    index = Index.load(settings.index_dir)
    wanted = [t for p in index.paragraphs for t in first_words(p)]
    assert index.manifest["sentences"]["format"] == "v2" and index.sentences.lookup(wanted).found.all()
    distinct_new = {t for t in wanted if t not in {u for p in index.paragraphs for u in sentences_of(p)}}
    assert fake.texts - before == len(distinct_new)  # texts stored before are copied, not embedded again


def test_a_damaged_sentence_file_names_itself(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder(dim=16), sentence_texts=sentences_of)
    np.save(settings.index_dir / OWNERS_FILE, np.array([5, 1, 0], dtype=np.int64), allow_pickle=False)
    with pytest.raises(IndexCorrupt, match=OWNERS_FILE):
        Index.load(settings.index_dir, verify=False)
    (settings.index_dir / KEYS_FILE).unlink()
    with pytest.raises(IndexCorrupt, match=KEYS_FILE):
        Index.load(settings.index_dir, verify=False)


def test_keys_are_stable_across_processes() -> None:
    # blake2b, not Python's per-process salted hash(): an index written by one process is read by another
    assert text_key("31 homicides were recorded.") == 0x5734424a97da18


def test_the_answer_step_embeds_only_the_question_when_sentences_are_stored(settings: Settings,
                                                                            monkeypatch) -> None:
    import fakes
    from qa.engine import Engine
    from qa.evidence import semantic_texts

    fake = fakes.install(monkeypatch, dim=32)
    update_index(settings.index_dir, settings, [POLICE, FIRE], sentence_texts=semantic_texts)
    engine = Engine(Index.load(settings.index_dir), settings, embedder=fake)
    start = fake.texts
    stored = engine.ask("How many homicides were recorded in 2024/25?")
    assert fake.texts - start == 1  # the question, once, for retrieval
    engine.index.sentences = SentenceVectors.empty()
    start = fake.texts
    live = engine.ask("How many homicides were recorded in 2024/25?")
    assert fake.texts - start > 2  # without stored vectors the candidate sentences are embedded per question
    assert live.answer == stored.answer and live.confidence == pytest.approx(stored.confidence, abs=1e-6)
