"""An index of an evaluation corpus (`boardqa eval --corpus DIR`), built once and cached by content hash.

The cache key is the sha256 of: every file's name and sha256, the chunker settings, the passage format, the
embedding model (name and expected weights hash), the package version and the source of the code that turns files
into indexed records (`corpus/`, `index/`). The folder's own documentation (`README.md`, `SOURCES.md`: Markdown
named in capitals) is not indexed as a paper. Anything that could change the index changes the key, so a stale cache
is never reused; an entry is used only once its build finished (`key.json` is written last).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from index.store import file_digest

if TYPE_CHECKING:
    from boardqa.settings import Settings

log = logging.getLogger(__name__)

CACHE_ENV = "BOARDQA_CACHE"
DONE = "key.json"
ROOT = Path(__file__).resolve().parents[1]
# the packages that read files and build the index, and the answerer's modules that choose the sentences whose
# vectors the index stores (`qa.evidence.semantic_texts`): a change to any of them builds the index again
CODE_DIRS = ("corpus", "index", "qa/sentences.py", "qa/evidence.py")

Progress = Callable[[str, int, int], None]


class CorpusError(ValueError):
    """A corpus folder that cannot be evaluated: names the folder and the reason."""


@dataclass(frozen=True)
class CorpusIndex:
    """A ready index of a corpus: the settings that open it, its files, its key, and what the build said."""

    settings: "Settings"
    files: tuple[Path, ...]
    key: str
    reused: bool
    notes: tuple[str, ...] = field(default_factory=tuple)


def cache_root() -> Path:
    """`$BOARDQA_CACHE/eval` when set, else `~/.cache/boardqa/eval`."""
    base = os.environ.get(CACHE_ENV)
    return Path(base) / "eval" if base else Path.home() / ".cache" / "boardqa" / "eval"


def is_folder_doc(path: Path) -> bool:
    """A Markdown file named in capitals (`README.md`, `SOURCES.md`): the folder's own documentation, not a paper."""
    return path.suffix.lower() == ".md" and path.stem.isupper()


def corpus_files(folder: Path | str) -> list[Path]:
    """The papers in `folder` that an ingest would read (recursive, sorted), without its documentation files."""
    from corpus.ingest import expand_paths

    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder of papers (--corpus DIR)")
    files = [f for f in expand_paths([folder]) if not is_folder_doc(f)]
    if not files:
        raise CorpusError(f"{folder}: no .pdf, .txt or .md files to index")
    return files


def code_digest(root: Path = ROOT, dirs: tuple[str, ...] = CODE_DIRS) -> str:
    """sha256 over the Python source of the packages (and modules) that read files and build the index."""
    digest = hashlib.sha256()
    for name in dirs:
        paths = [root / name] if name.endswith(".py") else sorted((root / name).rglob("*.py"))
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key_inputs(files: list[Path], settings: "Settings") -> dict:
    """Everything the cached index depends on (see the module docstring)."""
    from index.passages import PASSAGE_FORMAT
    from index.update import _package_version

    return {
        "files": [[f.name, file_digest(f)["sha256"]] for f in files],
        "chunker": settings.chunker.model_dump(),
        "passages": PASSAGE_FORMAT,
        "model": settings.embedding.model,
        "model_sha256": settings.embedding.sha256,
        "package": _package_version(),
        "code": code_digest(),
    }


def cache_key(inputs: dict) -> str:
    """A short, stable hex key for `key_inputs`."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:24]


def corpus_index(folder: Path | str, settings: "Settings", *, cache: Path | None = None,
                 progress: Progress | None = None) -> CorpusIndex:
    """An index of every paper in `folder`, from the cache or built into it.

    Files that cannot be read are left out and named in `notes` (deterministically: the same files always fail).

    Raises:
        CorpusError: `folder` is not a folder of papers, or no file in it could be indexed.
    """
    from boardqa.library import ingest_paths

    files = corpus_files(folder)
    inputs = key_inputs(files, settings)
    key = cache_key(inputs)
    entry = (cache or cache_root()) / key
    run_settings = settings.model_copy(deep=True)
    run_settings.index_dir = entry / "index"
    done = entry / DONE
    if done.is_file():
        notes = tuple(json.loads(done.read_text(encoding="utf-8")).get("notes", []))
        log.info("eval corpus %s: cached index %s", folder, entry)
        return CorpusIndex(run_settings, tuple(files), key, True, notes)
    if entry.exists():
        shutil.rmtree(entry)  # an interrupted build: never reused
    entry.mkdir(parents=True)
    result = ingest_paths(files, run_settings, progress=progress)
    notes = tuple(f.error for f in result.failed)
    if not result.paragraphs:
        shutil.rmtree(entry, ignore_errors=True)
        raise CorpusError(f"{folder}: no paper could be indexed ({'; '.join(notes[:3])})")
    done.write_text(json.dumps({**inputs, "notes": list(notes)}, indent=1), encoding="utf-8")
    return CorpusIndex(run_settings, tuple(files), key, False, notes)
