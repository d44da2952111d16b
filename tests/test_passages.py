"""Long paragraphs are searched by overlapping windows, and still answer as one paragraph."""

from __future__ import annotations

import numpy as np
import pytest
from test_index import FakeEmbedder, make_file

from boardqa.settings import Settings
from index import Index, IndexCorrupt, update_index
from index.passages import WINDOW_WORDS, passages

FILLER = " ".join(f"word{i}" for i in range(200))
LONG = f"{FILLER} The gatekeeping process reached ninety one percent compliance in June."
TABLE = "Meeting\tItem\n" + "\n".join(f"{d} March\tTopic number {d} about policing" for d in range(1, 40))


@pytest.fixture
def settings(tmp_path):
    return Settings(index_dir=tmp_path / "index")


def test_short_paragraphs_are_one_passage_and_long_ones_windows():
    short, long, table = make_file("x.txt", ["A short paragraph about budgets.", LONG, TABLE])[2]
    assert passages(short) == ["Performance\nA short paragraph about budgets."]
    windows = passages(long)
    assert len(windows) > 3 and all(len(w.split()) <= WINDOW_WORDS + 1 for w in windows)
    assert "gatekeeping" in windows[-1]  # the end of a long paragraph is searchable on its own
    rows = passages(table)
    assert len(rows) > 1 and all(r.splitlines()[1] == "Meeting\tItem" for r in rows)  # each group keeps the header


def test_search_finds_the_end_of_a_long_paragraph_and_returns_the_paragraph(settings):
    update_index(settings.index_dir, settings, [make_file("x.txt", ["Budgets were agreed.", LONG])],
                 embedder=FakeEmbedder())
    index = Index.load(settings.index_dir)
    assert len(index.owners) > len(index.paragraphs)
    dense = index.search_dense(FakeEmbedder().encode_query("gatekeeping compliance June"), 2)
    lexical = index.search_lexical("gatekeeping compliance", 2)
    assert dense[0].position == 1 and lexical[0].position == 1
    assert len({hit.position for hit in dense}) == len(dense)  # one hit per paragraph, not per window
    assert index.search_lexical("gatekeeping", 5, allowed=np.array([0])) == []


def test_incremental_update_keeps_windows_aligned(settings):
    update_index(settings.index_dir, settings, [make_file("a.txt", [LONG])], embedder=FakeEmbedder())
    update_index(settings.index_dir, settings, [make_file("b.txt", ["Fire engines reached most incidents."])],
                 embedder=FakeEmbedder())
    update_index(settings.index_dir, settings, [], remove=["a.txt"], embedder=FakeEmbedder())
    index = Index.load(settings.index_dir)
    assert [p.doc for p in index.paragraphs] == ["b.txt"] and list(index.owners) == [0]
    assert index.search_lexical("fire engines", 1)[0].position == 0


def test_tampered_owners_are_refused(settings):
    update_index(settings.index_dir, settings, [make_file("a.txt", [LONG, "Second."])], embedder=FakeEmbedder())
    owners = settings.index_dir / "owners.npy"
    np.save(owners, np.zeros(3, dtype=np.int64), allow_pickle=False)
    with pytest.raises(IndexCorrupt, match="owners.npy"):
        Index.load(settings.index_dir, verify=False)
    np.save(owners, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(IndexCorrupt, match="owners.npy"):
        Index.load(settings.index_dir, verify=False)


def test_a_sentence_is_located_in_its_passage_whatever_its_white_space():
    from index.late_chunks import locate

    passage = "Performance\nIn 2024/25 there were\n31 homicides.  Knife crime fell."
    start, end = locate(passage, "In 2024/25 there were 31 homicides.")
    assert passage[start:end] == "In 2024/25 there were\n31 homicides."
    assert passage[slice(*locate(passage, "Knife crime fell."))] == "Knife crime fell."
    assert locate(passage, "Burglary rose.") is None and locate(passage, "  ") is None
