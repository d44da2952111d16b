"""`boardqa ingest` killed mid-way, or run twice at once: the index stays loadable and answers as before."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

import fakes

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
FIRST = SAMPLES / "agb-2025-05-police-and-crime-plan-performance.txt"
PACK = SAMPLES / "pcp-2026-01-05-agenda-pack.txt"
QUESTION = "How many homicides were recorded in 2024/25?"
DIES = -9  # returncode of a child killed by SIGKILL

# The child: `boardqa ingest` in a process of its own, with the seeded fake embedder (slowed by `delay` per call,
# or held until the parent creates the `hold` file), printing a marker when it reaches each stage and pausing there
# a moment, so the parent's kill lands inside it.
CHILD = r'''
import functools, os, sys, time
import fakes
index_dir, delay, lock_timeout, hold, paths = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5:]
fake = fakes.install(delay=delay, marker="EMBEDDING")
encode = fake.encode
def held_encode(texts):  # embedding (so holding the index lock) until the parent creates the `hold` file
    result = encode(texts)
    deadline = time.monotonic() + 60
    while hold != "-" and not os.path.exists(hold) and time.monotonic() < deadline:
        time.sleep(0.02)
    return result
fake.encode = held_encode

import index, index.update, index.vectors

def pause(marker, seconds=0.5):
    print(marker, flush=True)
    time.sleep(seconds)

save = index.vectors.VectorIndex.save
def slow_save(self, folder):  # called inside the staging folder, before the BM25 files and the manifest
    written = save(self, folder)
    pause("WRITING")
    return written
index.vectors.VectorIndex.save = slow_save

rename = os.rename
def slow_rename(src, dst):  # the old index moved aside, the new one not yet in place
    rename(src, dst)
    if str(dst).endswith(".old"):
        pause("ASIDE", 3.0)  # long enough that the parent's kill lands here even on a loaded machine
os.rename = slow_rename

index.update_index = functools.partial(index.update.update_index, lock_timeout=lock_timeout)
from boardqa.cli import main
print("STARTED", flush=True)
sys.exit(main(["ingest", "-q", "--index", index_dir, *paths]))
'''


def big_folder(folder: Path) -> Path:
    """The agenda pack plus generated papers: enough paragraphs for several embedding calls."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACK, folder / PACK.name)
    for n in range(6):
        text = "\n\n".join(f"{i}. Report {n} paragraph {i}: the board noted item {n * 100 + i} and agreed actions."
                           for i in range(1, 41))
        (folder / f"report-{n}.txt").write_text(f"Generated Report {n}\n\n{text}\n", encoding="utf-8")
    return folder


class Child:
    """One `boardqa ingest` subprocess whose stdout markers the parent reads line by line."""

    def __init__(self, tmp: Path, index_dir: Path, paths: list[Path], delay: float = 0.3,
                 lock_timeout: float = 60.0, hold: Path | None = None) -> None:
        script = tmp / "child.py"
        script.write_text(CHILD)
        self.seen: list[str] = []
        self.proc = subprocess.Popen(
            [fakes.PYTHON, str(script), str(index_dir), str(delay), str(lock_timeout), str(hold or "-"),
             *map(str, paths)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=fakes.child_env(), cwd=tmp)

    def wait_for(self, marker: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"child ended before {marker}: {self.seen} {self.proc.stderr.read()}")
            self.seen.append(line.strip())
            if line.strip() == marker:
                return
        raise AssertionError(f"no {marker} within {timeout} s: {self.seen}")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def finish(self, timeout: float = 60.0) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, "\n".join(self.seen) + out, err


def snapshot(index_dir: Path):
    """What a user gets from the index: its paragraphs and the cited answer to one question."""
    from boardqa.settings import Settings
    from index import Index
    from qa.engine import Engine

    settings = Settings.load(index_dir=index_dir)
    index = Index.load(index_dir)
    answer = Engine(index, settings, embedder=fakes.FakeEmbedder()).ask(QUESTION)
    return [p.to_json() for p in index.paragraphs], [(c.reference, c.quote) for c in answer.support]


def ingest(index_dir: Path, *paths: Path) -> None:
    from boardqa.library import ingest_paths
    from boardqa.settings import Settings

    result = ingest_paths(list(paths), Settings.load(index_dir=index_dir))
    assert not result.failed, result.failed


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """An index of one sample paper and a big folder to add to it, built once (fake embedder)."""
    tmp = tmp_path_factory.mktemp("crash")
    with pytest.MonkeyPatch.context() as patch:
        fakes.install(patch)
        ingest(tmp / "index", FIRST)
        before = snapshot(tmp / "index")
    assert before[1] and before[1][0][0].endswith("¶3.7")
    return {"index": tmp / "index", "big": big_folder(tmp / "big"), "before": before}


@pytest.fixture
def index_copy(base, tmp_path) -> Path:
    target = tmp_path / "lib" / "index"
    shutil.copytree(base["index"], target)
    return target


@pytest.mark.parametrize("marker, offset", [("STARTED", 0.05), ("EMBEDDING", 0.2), ("WRITING", 0.1), ("ASIDE", 0.1)])
def test_a_killed_ingest_leaves_the_previous_index_answering_as_before(base, index_copy, tmp_path, monkeypatch,
                                                                        marker, offset):
    before_bytes = (index_copy / "paragraphs.jsonl").read_bytes()
    child = Child(tmp_path, index_copy, [base["big"]])
    child.wait_for(marker)
    time.sleep(offset)
    child.kill()
    assert child.proc.returncode == DIES, child.seen
    assert snapshot(index_copy) == base["before"]  # loads (from the aside copy in the ASIDE case) and answers alike
    if marker != "ASIDE":
        assert (index_copy / "paragraphs.jsonl").read_bytes() == before_bytes
    fakes.install(monkeypatch)
    ingest(index_copy, base["big"])  # the next ingest repairs what the kill left and completes
    docs, cited = snapshot(index_copy)
    assert cited == base["before"][1] and len(docs) > len(base["before"][0])
    assert sorted(p.name for p in index_copy.parent.iterdir()) == [".index.lock", "index"]


def test_two_ingests_at_once_are_serialised_into_one_sequential_outcome(base, index_copy, tmp_path, monkeypatch):
    pack, reports = base["big"] / PACK.name, sorted(base["big"].glob("report-*.txt"))
    release = tmp_path / "release"
    first = Child(tmp_path, index_copy, [pack], delay=0.0, hold=release)
    first.wait_for("EMBEDDING")  # holds the lock until `release` exists
    second = Child(tmp_path, index_copy, reports, delay=0.0)
    second.wait_for("STARTED")
    time.sleep(1.0)  # the second reads its files and waits for the lock
    release.touch()
    (code1, out1, err1), (code2, out2, err2) = first.finish(), second.finish()
    assert (code1, code2) == (0, 0), (err1, err2)
    assert "added 1" in out1 and "added 6" in out2
    fakes.install(monkeypatch)
    outcomes = []
    for order in ([pack], reports), (reports, [pack]):
        sequential = tmp_path / f"seq{len(outcomes)}" / "index"
        shutil.copytree(base["index"], sequential)
        for paths in order:
            ingest(sequential, *paths)
        outcomes.append((sequential / "paragraphs.jsonl").read_bytes())
    assert (index_copy / "paragraphs.jsonl").read_bytes() in outcomes
    assert snapshot(index_copy)[1] == base["before"][1]


def test_a_second_ingest_that_cannot_wait_is_refused_clearly_and_changes_nothing(base, index_copy, tmp_path,
                                                                                   monkeypatch):
    pack, reports = base["big"] / PACK.name, sorted(base["big"].glob("report-*.txt"))
    release = tmp_path / "release"
    first = Child(tmp_path, index_copy, [pack], delay=0.0, hold=release)
    first.wait_for("EMBEDDING")  # holds the lock until `release` exists
    second = Child(tmp_path, index_copy, reports, delay=0.0, lock_timeout=0.3)
    code2, out2, err2 = second.finish()
    release.touch()
    code1, _, err1 = first.finish()
    assert code1 == 0, err1
    assert code2 == 1 and err2.strip() == (f"boardqa: {index_copy}: another update of this index is running "
                                           f"(process {first.proc.pid}); waited 0.3 s. Try again when it has finished.")
    fakes.install(monkeypatch)
    alone = tmp_path / "alone" / "index"
    shutil.copytree(base["index"], alone)
    ingest(alone, pack)
    assert (index_copy / "paragraphs.jsonl").read_bytes() == (alone / "paragraphs.jsonl").read_bytes()
