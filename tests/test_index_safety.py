"""Index updates under failure: errors while writing, killed updates, concurrent writers and readers, tampering."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from indexkit import FIRE, POLICE, ROOT, FakeEmbedder, built, make_file, settings, texts_of  # noqa: F401 (fixtures)

from boardqa.settings import Settings
from index import Index, IndexBusy, IndexCorrupt, update_index
from index.lexical import LexicalIndex

# --- crashes and concurrency --------------------------------------------------------------------

def test_an_error_while_writing_keeps_the_previous_index(settings: Settings, monkeypatch) -> None:
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder())

    def broken_save(self, folder):
        raise OSError("disk full")

    monkeypatch.setattr(LexicalIndex, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        update_index(settings.index_dir, settings, [FIRE], embedder=FakeEmbedder())
    assert texts_of(Index.load(settings.index_dir)) == [p.text for p in POLICE[2]]
    assert sorted(p.name for p in settings.index_dir.parent.iterdir()) == [".index.lock", "index"]


KILLER = """
import importlib.util, json, os, signal, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {root!r} + "/tests")
spec = importlib.util.spec_from_file_location("tindex", {test!r}); t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)
from boardqa.settings import Settings
from index import update_index
import index.vectors

point = sys.argv[1]
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
embedder = t.FakeEmbedder()
if point == "embed":
    embedder.encode = lambda texts: die()
if point == "write":
    save = index.vectors.VectorIndex.save
    index.vectors.VectorIndex.save = lambda self, folder: (save(self, folder), die())
if point == "swap":  # after the old index is renamed aside, before the new one takes its place
    rename = os.rename
    os.rename = lambda a, b: (rename(a, b), die())
update_index({folder!r}, Settings(), [t.FIRE], embedder=embedder)
print("finished")
"""


@pytest.mark.parametrize("point", ["embed", "write", "swap"])
def test_a_killed_update_leaves_the_previous_index_loadable(settings: Settings, tmp_path: Path, point: str) -> None:
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder())
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT), test=__file__, folder=str(settings.index_dir)))
    result = subprocess.run([sys.executable, str(script), point], capture_output=True, text=True, timeout=60)
    assert result.returncode == -9, result.stderr
    assert texts_of(Index.load(settings.index_dir)) == [p.text for p in POLICE[2]]
    report = update_index(settings.index_dir, settings, [FIRE], embedder=FakeEmbedder())
    assert report.added == [FIRE[0]]
    assert len(Index.load(settings.index_dir)) == 5
    assert sorted(p.name for p in settings.index_dir.parent.iterdir()) == [".index.lock", "index", "killer.py"]


def test_concurrent_updates_are_serialised_and_lose_nothing(settings: Settings) -> None:
    embedders = [FakeEmbedder(delay=0.3), FakeEmbedder(delay=0.3)]
    errors: list[BaseException] = []

    def run(file: tuple, embedder: FakeEmbedder) -> None:
        try:
            update_index(settings.index_dir, settings, [file], embedder=embedder)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f, e)) for f, e in zip([POLICE, FIRE], embedders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    (a_start, a_end), (b_start, b_end) = embedders[0].calls[0], embedders[1].calls[0]
    assert a_end <= b_start or b_end <= a_start
    assert sorted(d.name for d in Index.load(settings.index_dir).docs) == sorted([POLICE[0], FIRE[0]])


def test_a_second_updater_gives_up_with_index_busy(settings: Settings) -> None:
    embedding = threading.Event()
    slow = FakeEmbedder(delay=1.0)
    encode = slow.encode
    slow.encode = lambda texts: (embedding.set(), encode(texts))[1]
    thread = threading.Thread(target=update_index, args=(settings.index_dir, settings, [POLICE]),
                              kwargs={"embedder": slow})
    thread.start()
    assert embedding.wait(30)  # the first update holds the lock while it embeds
    with pytest.raises(IndexBusy, match="another update of this index is running"):
        update_index(settings.index_dir, settings, [FIRE], embedder=FakeEmbedder(), lock_timeout=0.2)
    thread.join()
    assert [d.name for d in Index.load(settings.index_dir).docs] == [POLICE[0]]


def test_readers_never_see_a_half_written_index(settings: Settings) -> None:
    update_index(settings.index_dir, settings, [POLICE], embedder=FakeEmbedder())
    done = threading.Event()
    sizes: list[int] = []

    def writer() -> None:
        for i in range(4):
            extra = make_file(f"extra-{i}.txt", [f"Extra paragraph number {i}."])
            update_index(settings.index_dir, settings, [extra], embedder=FakeEmbedder())
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not done.is_set():
        sizes.append(len(Index.load(settings.index_dir)))
    thread.join()
    assert set(sizes) <= {3, 4, 5, 6, 7} and sizes == sorted(sizes) and len(sizes) > 4


# --- tampering ----------------------------------------------------------------------------------

class Exploit:
    """Unpickling this would create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def drop_last_paragraph(folder: Path) -> None:
    lines = (folder / "paragraphs.jsonl").read_text().splitlines(keepends=True)
    (folder / "paragraphs.jsonl").write_text("".join(lines[:-1]))


def pickled_vectors(folder: Path) -> None:
    array = np.empty(6, dtype=object)
    array[0] = Exploit(folder.parent / "pwned")
    np.save(folder / "vectors.npy", array, allow_pickle=True)


def bad_vocab(folder: Path) -> None:
    (folder / "lexical" / "vocab.index.json").write_text(json.dumps({"homicides": 10_000}))


def newer_format(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 99
    (folder / "manifest.json").write_text(json.dumps(manifest))


def broken_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text("{not json")


@pytest.mark.parametrize("verify", [True, False])
@pytest.mark.parametrize("tamper, culprit", [
    (drop_last_paragraph, "paragraphs.jsonl"),
    (pickled_vectors, "vectors.npy"),
    (bad_vocab, "vocab.index.json"),
    (newer_format, "manifest.json: format 99 was written by a newer boardqa"),
    (broken_manifest, "manifest.json: not valid JSON"),
])
def test_a_tampered_index_is_refused_naming_the_file(built: Index, settings: Settings, tamper, culprit: str,
                                                     verify: bool) -> None:
    tamper(settings.index_dir)
    with pytest.raises(IndexCorrupt, match=f"{re.escape(str(settings.index_dir))}/.*{culprit}"):
        Index.load(settings.index_dir, verify=verify)
    assert not (settings.index_dir.parent / "pwned").exists()


@pytest.mark.parametrize("verify", [True, False])
def test_a_garbage_faiss_file_is_refused(settings: Settings, verify: bool) -> None:
    settings.retrieval.exact_threshold = 2
    texts = [f"paragraph {i} on topic {i % 37} and area {i % 11}" for i in range(1100)]
    update_index(settings.index_dir, settings, [make_file("big.txt", texts)], embedder=FakeEmbedder())
    (settings.index_dir / "faiss.index").write_bytes(b"garbage" * 100)
    with pytest.raises(IndexCorrupt, match="index/faiss.index: "):
        Index.load(settings.index_dir, verify=verify)


def test_update_refuses_to_build_on_a_corrupt_index(built: Index, settings: Settings) -> None:
    pickled_vectors(settings.index_dir)
    with pytest.raises(IndexCorrupt, match="vectors.npy"):
        update_index(settings.index_dir, settings, [FIRE], embedder=FakeEmbedder())


def test_pickle_is_really_what_the_exploit_fixture_would_run(tmp_path: Path) -> None:
    pickle.loads(pickle.dumps(Exploit(tmp_path / "pwned")))
    assert (tmp_path / "pwned").exists()
