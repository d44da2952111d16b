"""Security: a tampered index is a clear CLI error (nothing unpickled), the app stays local, uploads stay confined."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import fakes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "samples" / "agb-2025-05-police-and-crime-plan-performance.txt"
# The code a user runs: the CLI, the app and everything they load an index or a model through.
SHIPPED = [*(ROOT / d for d in ("boardqa", "corpus", "index", "qa", "evals")), ROOT / "app.py"]


class Exploit:
    """Unpickling this would create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def cli(*argv: str) -> tuple[int, str, str]:
    from boardqa.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from boardqa.library import ingest_paths
    from boardqa.settings import Settings

    folder = tmp_path_factory.mktemp("secure") / "index"
    with pytest.MonkeyPatch.context() as patch:
        fakes.install(patch)
        assert not ingest_paths([SAMPLE], Settings.load(index_dir=folder)).failed
    return folder


@pytest.fixture
def index_dir(built, tmp_path) -> Path:
    target = tmp_path / "lib" / "index"
    shutil.copytree(built, target)
    return target


def pickled_array(path: Path, marker: Path) -> None:
    array = np.empty(3, dtype=object)
    array[0] = Exploit(marker)
    np.save(path, array, allow_pickle=True)


def rehash(folder: Path) -> None:
    """What a careful attacker does: make the manifest's sizes and hashes match the tampered files."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["files"]:
        data = (folder / name).read_bytes()
        manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def garbage_paragraphs(folder: Path, marker: Path) -> None:
    (folder / "paragraphs.jsonl").write_bytes(b"\x80\x04garbage, not JSON lines\n" * 10)


def garbage_paragraphs_rehashed(folder: Path, marker: Path) -> None:
    garbage_paragraphs(folder, marker)
    (folder / "paragraphs.jsonl").write_text('{"doc": "x"}\n' + "not json\n" * 5)
    rehash(folder)


def pickled_vectors(folder: Path, marker: Path) -> None:
    pickled_array(folder / "vectors.npy", marker)


def pickled_vectors_rehashed(folder: Path, marker: Path) -> None:
    pickled_array(folder / "vectors.npy", marker)
    rehash(folder)


def pickled_bm25_rehashed(folder: Path, marker: Path) -> None:
    pickled_array(folder / "lexical" / "data.csc.index.npy", marker)
    rehash(folder)


def pickle_as_paragraphs_rehashed(folder: Path, marker: Path) -> None:
    import pickle

    (folder / "paragraphs.jsonl").write_bytes(pickle.dumps(Exploit(marker)))
    rehash(folder)


@pytest.mark.parametrize("tamper, culprit", [
    (garbage_paragraphs, r"paragraphs\.jsonl: \d+ bytes, manifest says \d+"),
    (garbage_paragraphs_rehashed, r"paragraphs\.jsonl: line 1 is not a paragraph record"),
    (pickled_vectors, r"vectors\.npy: \d+ bytes, manifest says \d+"),
    (pickled_vectors_rehashed, r"vectors\.npy: not a plain numpy array"),
    (pickled_bm25_rehashed, r"lexical/"),
    (pickle_as_paragraphs_rehashed, r"paragraphs\.jsonl: not UTF-8 text after line 0"),
])
@pytest.mark.parametrize("command", [["ask", "How many homicides were recorded in 2024/25?"], ["papers"]])
def test_a_tampered_index_is_one_clear_cli_error_and_nothing_is_unpickled(index_dir, tamper, culprit, command):
    marker = index_dir.parent / "pwned"
    tamper(index_dir, marker)
    code, out, err = cli(command[0], "--index", str(index_dir), *command[1:])
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert re.fullmatch(rf"boardqa: {re.escape(str(index_dir))}/.*{culprit}.*\n", err), err
    assert "Delete the folder and ingest the papers again" in err or "ingest" in err
    assert not marker.exists()


def test_the_exploit_fixture_really_runs_code_when_unpickled(tmp_path):
    import pickle

    pickle.loads(pickle.dumps(Exploit(tmp_path / "pwned")))
    assert (tmp_path / "pwned").exists()


def _python_files() -> list[Path]:
    return [p for root in SHIPPED for p in ([root] if root.is_file() else sorted(root.rglob("*.py")))]


def test_no_shipped_code_unpickles_or_executes_what_it_loads():
    """A static check: the index and model loaders use JSON, .npy without pickle, and FAISS's own format."""
    forbidden = re.compile(r"\bpickle\.loads?\(|\bcloudpickle\b|\bdill\b|\bjoblib\.load|\bshelve\.|\bmarshal\.loads?"
                           r"|allow_pickle\s*=\s*True|\btorch\.load\(|\byaml\.load\(|(?<![\w.])(?:eval|exec)\(")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in _python_files()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if forbidden.search(line)]
    assert found == []
    loads = [f"{p.relative_to(ROOT)}:{n}" for p in _python_files()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bnp\.load\(|\.BM25\.load\(", line) and "allow_pickle=False" not in line]
    assert loads == []


def test_the_app_listens_on_localhost_unless_told_and_warns_when_open_without_a_password(monkeypatch, capsys):
    import app
    from boardqa.cli import build_parser
    from boardqa.settings import Settings

    monkeypatch.delenv("BOARDQA_PASSWORD", raising=False)
    assert Settings.load().app.host == "127.0.0.1" and Settings.load().app.password == ""
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    seen = []
    monkeypatch.setattr(app, "build_app", lambda settings, engine=None: settings)
    monkeypatch.setattr(app, "launch", lambda demo, settings, **kw: seen.append(settings))
    assert app.main([]) == 0 and seen[-1].app.host == "127.0.0.1"
    assert "warning" not in capsys.readouterr().err
    assert app.main(["--host", "0.0.0.0"]) == 0
    assert "without a password; anyone on the network can use and change the library" in capsys.readouterr().err
    assert app.main(["--host", "0.0.0.0", "--password", "pw"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_an_upload_cannot_follow_a_link_out_of_the_library(tmp_path, monkeypatch):
    from boardqa.library import list_docs
    from boardqa.settings import Settings
    from boardqa.uploads import add_files

    fakes.install(monkeypatch)
    settings = Settings.load(index_dir=tmp_path / "lib" / "index")
    outside = tmp_path / "outside"
    outside.mkdir()
    settings.library_dir.mkdir(parents=True)
    (settings.library_dir / "minutes.txt").symlink_to(outside / "minutes.txt")
    upload = tmp_path / "upload.txt"
    upload.write_text("1. The panel noted the report.\n")
    change = add_files([(upload, "minutes.txt")], settings)
    assert change.lines == [f"error  'minutes.txt': refused, it would be saved outside the library folder "
                            f"{settings.library_dir.resolve()}"]
    assert not change.changed and list(outside.iterdir()) == [] and list_docs(settings) == []


def test_uploads_are_confined_and_size_limited_by_the_app_tests():
    """Path traversal and size limits of uploads are tested in test_app.py; fail loudly if those tests go."""
    text = (ROOT / "tests" / "test_app.py").read_text(encoding="utf-8")
    for test in ("test_path_traversal_names_are_refused", "test_oversize_and_wrong_type_uploads_are_refused",
                 "test_password_protected_app_refuses_anonymous_requests"):
        assert f"def {test}(" in text
