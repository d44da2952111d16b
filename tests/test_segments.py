"""Segments: a delta per added paper and removed files instead of a full rebuild, with a full rebuild's results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexkit import FIRE, POLICE, ROOT, UNDATED, FakeEmbedder, make_file

from boardqa.settings import Settings
from corpus.ingest import read_file, sample_files
from corpus.records import content_hash
from index import Index, IndexCorrupt, update_index
from index.bm25_segments import average_length, build_delta
from index.lexical import LexicalIndex
from index.passages import passage_texts
from index.segments import SegmentedIndex
from qa.engine import Engine
from qa.evidence import semantic_texts


@pytest.fixture
def segmenting(monkeypatch):
    """Every update of a library of any size adds a delta (the real thresholds start at 20,000 paragraphs)."""
    import index.delta

    monkeypatch.setattr(index.delta, "SMALL_LIBRARY", 0)
    monkeypatch.setattr(index.delta, "COMPACT_SHARE", 100.0)


def _sample(path: Path) -> tuple:
    report = read_file(path, max_bytes=50_000_000)
    assert report.ok, report.error
    return report.paragraphs[0].doc, content_hash(path.read_bytes()), list(report.paragraphs)


@pytest.fixture(scope="module")
def samples() -> list[tuple]:
    return [_sample(p) for p in sample_files()]


def _gold_questions() -> list[str]:
    lines = (ROOT / "evals/gold/gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _update(settings: Settings, files=(), remove=(), **kw):
    return update_index(settings.index_dir, settings, list(files), remove=list(remove), embedder=FakeEmbedder(),
                        sentence_texts=semantic_texts, **kw)


def _keys(index: Index, hits) -> list[tuple[str, float]]:
    return [(index.paragraphs[h.position].key, round(h.score, 4)) for h in hits]


def _same_ranking(ours: list[tuple[str, float]], theirs: list[tuple[str, float]], tol: float = 1e-4) -> None:
    """The same scores rank by rank, and the same paragraphs except those tied (within `tol`) at some rank."""
    assert len(ours) == len(theirs)
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=tol)
    for score in {round(s, 3) for _, s in ours}:
        assert {k for k, s in ours if abs(s - score) <= 2e-3} <= {k for k, s in theirs if abs(s - score) <= 2e-3} \
            or abs(score - ours[-1][1]) <= 2e-3


def _segmented_and_rebuilt(tmp_path: Path, samples: list[tuple]) -> tuple[Index, Index]:
    """The same live papers twice: a base (both samples, FIRE, UNDATED) + a delta (POLICE) with FIRE removed
    from the base, and a full rebuild of the samples, UNDATED and POLICE."""
    seg = Settings(index_dir=tmp_path / "seg")
    _update(seg, [*samples, UNDATED, FIRE])
    report = _update(seg, [POLICE])
    assert report.added == [POLICE[0]] and "delta segment seg-0001" in report.notes[-1]
    _update(seg, remove=[FIRE[0]])
    full = Settings(index_dir=tmp_path / "full")
    _update(full, [*samples, UNDATED, POLICE])
    return Index.load(seg.index_dir), Index.load(full.index_dir)


def test_a_segmented_index_finds_what_a_rebuilt_one_finds(tmp_path, samples, segmenting) -> None:
    segmented, rebuilt = _segmented_and_rebuilt(tmp_path, samples)
    assert isinstance(segmented, SegmentedIndex) and not isinstance(rebuilt, SegmentedIndex)
    assert [d.name for d in segmented.docs] == [d.name for d in rebuilt.docs]
    embedder = FakeEmbedder()
    questions = _gold_questions()
    for question in questions:
        qvec = embedder.encode_query(question)
        assert _keys(segmented, segmented.search_dense(qvec, 10)) == _keys(rebuilt, rebuilt.search_dense(qvec, 10))
    # BM25: library-wide idf, the base's average length: what a rebuild scored with that length gives exactly
    texts, owners = passage_texts([p for p in rebuilt.paragraphs])
    base_avgdl = segmented.manifest["lexical"]["avgdl"]
    reference = Index(list(rebuilt.paragraphs), rebuilt.vectors, build_delta(texts, base_avgdl), {}, None, owners)
    for question in questions:
        _same_ranking(_keys(segmented, segmented.search_lexical(question, 10)),
                      _keys(reference, reference.search_lexical(question, 10)))
    # and the rebuild's own average length moves scores by well under 1 %: the same top 10 hybrid paragraphs
    settings = Settings(index_dir=tmp_path / "seg")
    ours, theirs = Engine(segmented, settings, embedder=embedder), Engine(rebuilt, settings, embedder=embedder)
    for question in questions:
        assert [h.paragraph.key for h in ours.retrieve(question, k=10)] == \
            [h.paragraph.key for h in theirs.retrieve(question, k=10)], question


def test_build_delta_with_its_own_average_is_bm25s(samples) -> None:
    texts, _ = passage_texts(samples[0][2])
    ours, theirs = build_delta(texts, average_length(texts))._bm25, LexicalIndex.build(texts)._bm25
    assert set(ours.vocab_dict) == set(theirs.vocab_dict)
    for token in [t for t in theirs.vocab_dict if t]:
        a, b = ours.get_scores_from_ids([ours.vocab_dict[token]]), theirs.get_scores_from_ids([theirs.vocab_dict[token]])
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_removing_a_base_paper_hides_it_everywhere(tmp_path, segmenting) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE, FIRE, UNDATED])
    report = _update(settings, remove=[FIRE[0]])
    assert report.removed == [FIRE[0]]
    index = Index.load(settings.index_dir)
    assert isinstance(index, SegmentedIndex) and len(index.paragraphs) == 6  # positions stay; two read as removed
    fire = {p.key for p in FIRE[2]}
    embedder = FakeEmbedder()
    for text in (p.text for p in FIRE[2]):
        assert not {index.paragraphs[h.position].key for h in index.search_dense(embedder.encode_query(text), 10)} & fire
        assert not {index.paragraphs[h.position].key for h in index.search_lexical(text, 10)} & fire
    assert len(index.search_lexical("fire engines incidents", 10)) == 0
    assert list(index.positions_where(doc=FIRE[0])) == []
    assert list(index.positions_where(body="County Fire Authority")) == []
    assert len(index.positions_where()) == 4
    assert "Fire Service Report" not in index.papers
    assert FIRE[0] not in [d["name"] for d in json.loads((settings.index_dir / "manifest.json").read_text())["docs"]]
    from boardqa.library import indexed_files, list_docs

    assert FIRE[0] not in [name for _, name, _ in indexed_files(settings)]
    assert sorted(row["doc"] for row in list_docs(settings)) == sorted([POLICE[0], UNDATED[0]])
    # asked for by number ("paragraph 2" exists in both files), only the live file's paragraph comes back
    hits = Engine(index, settings, embedder=embedder).retrieve("What does paragraph 2 say?", k=8)
    assert hits and all(h.paragraph.doc != FIRE[0] for h in hits)


def test_replacing_and_re_adding_a_paper(tmp_path, segmenting) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE, FIRE])
    changed = make_file(FIRE[0], ["Fire engines now reach 85 per cent of incidents within five minutes."],
                        paper="Fire Service Report")
    report = _update(settings, [changed])
    assert report.changed == [FIRE[0]]
    index = Index.load(settings.index_dir)
    assert [p.text for p in index.paragraphs if p.doc == FIRE[0]] == [changed[2][0].text]
    _update(settings, remove=[FIRE[0]])
    report = _update(settings, [FIRE])  # the first version again: same doc id as the removed base copy
    assert report.added == [FIRE[0]]
    index = Index.load(settings.index_dir)
    assert [p.text for p in index.paragraphs if p.doc == FIRE[0]] == [p.text for p in FIRE[2]]
    assert sorted(d.name for d in index.docs) == sorted([POLICE[0], FIRE[0]])
    assert index.manifest["segments"]["deltas"] == ["seg-0001", "seg-0002"]
    # a file's positions come from the manifests' counts; the same as reading every record's name
    for name in (FIRE[0], POLICE[0]):
        slow = [i for i, p in enumerate(index.paragraphs) if p.doc == name]
        assert list(index.positions_where(doc=name)) == slow and len(slow) in (2, 3)
    assert list(index.positions_where(doc=FIRE[0], date_from="2025")) == slow_fire(index)


def slow_fire(index: Index) -> list[int]:
    return [i for i, p in enumerate(index.paragraphs) if p.doc == FIRE[0] and p.date >= "2025"]


def test_a_delta_links_the_base_files_instead_of_writing_them(tmp_path, segmenting) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    before = {p.name: p.stat().st_ino for p in settings.index_dir.iterdir() if p.is_file() and p.name != "manifest.json"}
    _update(settings, [FIRE])
    after = {p.name: p.stat().st_ino for p in settings.index_dir.iterdir() if p.is_file() and p.name != "manifest.json"}
    assert before == after and "vectors.npy" in after
    assert (settings.index_dir / "seg-0001" / "manifest.json").is_file()


def test_compaction_gives_back_one_segment(tmp_path, segmenting) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE, UNDATED])
    _update(settings, [FIRE])
    _update(settings, remove=[UNDATED[0]])
    segmented = Index.load(settings.index_dir)
    embedder = FakeEmbedder()
    qvec = embedder.encode_query("fire engines and homicides")
    expected = _keys(segmented, segmented.search_dense(qvec, 10))
    report = _update(settings, compact=True)
    assert report.rebuilt.startswith("compacted") and report.embedded == 0
    index = Index.load(settings.index_dir)
    assert not isinstance(index, SegmentedIndex) and index.manifest["format_version"] == 1
    assert not list(settings.index_dir.glob("seg-*"))
    assert sorted(d.name for d in index.docs) == sorted([POLICE[0], FIRE[0]]) and len(index) == 5
    assert _keys(index, index.search_dense(qvec, 10)) == expected
    assert len(index.sentences) == len(segmented.flat().sentences) > 0


def test_compaction_happens_by_itself_past_the_share(tmp_path, monkeypatch) -> None:
    import index.delta

    monkeypatch.setattr(index.delta, "SMALL_LIBRARY", 0)
    monkeypatch.setattr(index.delta, "COMPACT_SHARE", 0.7)  # POLICE has 3 paragraphs: FIRE's 2 fit, then 3 do not
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    assert "delta segment" in _update(settings, [FIRE]).notes[-1]
    report = _update(settings, [UNDATED])
    assert report.rebuilt.startswith("compacted") and "70%" in report.rebuilt
    assert not isinstance(Index.load(settings.index_dir), SegmentedIndex)


def test_small_libraries_and_old_indexes_rebuild_whole(tmp_path) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    _update(settings, [FIRE])
    index = Index.load(settings.index_dir)
    assert not isinstance(index, SegmentedIndex) and index.manifest["lexical"]["avgdl"] > 0


def test_an_index_written_before_segments_loads_and_is_rebuilt_once(tmp_path, monkeypatch) -> None:
    import index.delta
    from index.store import file_digest

    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    path = settings.index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["lexical"]  # as the main branch writes it
    path.write_text(json.dumps(manifest))
    assert len(Index.load(settings.index_dir)) == 3
    monkeypatch.setattr(index.delta, "SMALL_LIBRARY", 0)
    monkeypatch.setattr(index.delta, "COMPACT_SHARE", 100.0)
    assert "delta segment" not in " ".join(_update(settings, [FIRE]).notes)
    assert "delta segment" in _update(settings, [UNDATED]).notes[-1]
    assert file_digest(settings.index_dir / "seg-0001" / "vectors.npy")["bytes"] > 0


def test_a_damaged_delta_file_is_refused_naming_it(tmp_path, segmenting) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    _update(settings, [FIRE])
    with open(settings.index_dir / "seg-0001" / "vectors.npy", "r+b") as f:
        f.seek(-4, 2)
        f.write(b"\xff\xff\xff\xff")
    with pytest.raises(IndexCorrupt, match="seg-0001/vectors.npy"):
        Index.load(settings.index_dir)


def test_an_older_boardqa_refuses_a_segmented_folder_clearly(tmp_path, segmenting, monkeypatch) -> None:
    import index.store

    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    _update(settings, [FIRE])
    monkeypatch.setattr(index.store, "SEGMENTED_FORMAT", 1)  # a reader of format 1 only
    with pytest.raises(IndexCorrupt, match="newer boardqa"):
        Index.load(settings.index_dir)


KILLER = """
import os, signal, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {root!r} + "/tests")
from indexkit import FIRE, FakeEmbedder
from boardqa.settings import Settings
import index.delta, index.bm25_segments
from index import update_index

index.delta.SMALL_LIBRARY, index.delta.COMPACT_SHARE = 0, 100.0
point = sys.argv[1]
die = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
embedder = FakeEmbedder()
if point == "embed":
    embedder.encode = die
if point == "index":
    index.delta.build_delta = die
if point == "link":
    link = os.link
    os.link = lambda a, b: (link(a, b), die())
if point == "manifest":  # the delta written, the top manifest not yet
    fill = index.delta.fill_index
    index.delta.fill_index = lambda *a: (fill(*a), die())
if point == "swap":  # after the old index is renamed aside, before the new one takes its place
    rename = os.rename
    os.rename = lambda a, b: (rename(a, b), die())
remove = ["agb-2025-05.txt"] if point == "remove" else []
if point == "remove":
    rename = os.rename
    os.rename = lambda a, b: (rename(a, b), die())
update_index({folder!r}, Settings(), [] if remove else [FIRE], remove=remove, embedder=embedder)
print("finished")
"""


@pytest.mark.parametrize("point", ["embed", "index", "link", "manifest", "swap", "remove"])
def test_a_killed_delta_update_leaves_the_previous_index_loadable(tmp_path, segmenting, point: str) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    _update(settings, [UNDATED])  # the folder is already segmented: the next update writes seg-0002
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT), folder=str(settings.index_dir)))
    result = subprocess.run([sys.executable, str(script), point], capture_output=True, text=True, timeout=60)
    assert result.returncode == -9, result.stderr
    index = Index.load(settings.index_dir)
    assert sorted(d.name for d in index.docs) == sorted([POLICE[0], UNDATED[0]])
    assert len(index.search_lexical("homicides", 5)) == 1
    report = _update(settings, [FIRE])
    assert report.added == [FIRE[0]] and "seg-0002" in report.notes[-1]
    assert sorted(d.name for d in Index.load(settings.index_dir).docs) == sorted([POLICE[0], UNDATED[0], FIRE[0]])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index", "killer.py"]


def test_the_library_and_cli_add_remove_and_compact(tmp_path, segmenting, monkeypatch, capsys) -> None:
    import fakes
    from boardqa.cli import main
    from boardqa.library import ingest_paths, list_docs, remove_docs

    fakes.install(monkeypatch)
    first, second = sample_files()
    settings = Settings(index_dir=tmp_path / "index")
    ingest_paths([first], settings)
    assert "delta segment" in ingest_paths([second], settings).notes[-1]
    remove_docs([first.name], settings)
    assert {row["doc"] for row in list_docs(settings)} == {second.name}
    assert isinstance(Index.load(settings.index_dir), SegmentedIndex)
    assert main(["ingest", "--compact", "--index", str(settings.index_dir), "-q"]) == 0
    assert "index rebuilt: compacted into one segment (compaction asked for)" in capsys.readouterr().out
    index = Index.load(settings.index_dir)
    assert not isinstance(index, SegmentedIndex) and [d.name for d in index.docs] == [second.name]
    assert main(["ingest", "--compact", "--index", str(settings.index_dir), "-q"]) == 0
    assert "nothing to compact" in capsys.readouterr().out


def test_deltas_past_the_limit_are_merged_into_one(tmp_path, segmenting, monkeypatch) -> None:
    import index.delta

    monkeypatch.setattr(index.delta, "MAX_DELTAS", 2)
    monkeypatch.setattr(index.update, "MAX_DELTAS", 2)
    extra = make_file("extra.txt", ["Bus lanes on the ring road open in March.", "Cycle parking doubled."])
    settings = Settings(index_dir=tmp_path / "index")
    _update(settings, [POLICE])
    _update(settings, [FIRE])
    _update(settings, [UNDATED])
    _update(settings, remove=[UNDATED[0], POLICE[0]])  # one file of a delta, one of the base: both hidden
    before = Index.load(settings.index_dir)
    embedder = FakeEmbedder()
    qvec = embedder.encode_query("fire engines bus lanes")
    report = _update(settings, [extra])
    assert "deltas seg-0001, seg-0002 merged into the new one" in report.notes and report.embedded == 2 + 2
    index = Index.load(settings.index_dir)
    assert index.manifest["segments"]["deltas"] == ["seg-0003"]
    assert index.manifest["segments"]["removed"] == {"": [POLICE[2][0].doc_id]}
    assert sorted(p.name for p in settings.index_dir.glob("seg-*")) == ["seg-0003"]
    assert sorted(d.name for d in index.docs) == sorted([FIRE[0], "extra.txt"])
    assert [p.doc for p in index.paragraphs] == ["", "", "", FIRE[0], FIRE[0], "extra.txt", "extra.txt"]
    fire = {h.score for h in before.search_dense(qvec, 10) if before.paragraphs[h.position].doc == FIRE[0]}
    assert fire == {h.score for h in index.search_dense(qvec, 10) if index.paragraphs[h.position].doc == FIRE[0]}
    assert len(index.sentences) > 0 and index.sentences.lookup([p.text for p in FIRE[2]]).found.any()
