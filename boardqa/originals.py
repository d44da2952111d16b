"""The library's original PDFs, kept by content hash so a citation's page can be shown and opened later.

At ingest every PDF is copied to `<library>/originals/<sha256>.pdf` *before* the index is swapped in, so
the index never names a file whose original is missing; the copy is written under a temporary name and
renamed, so a crash leaves either no file or a whole one (an original the index never took is harmless and
is reused if the same file is added again). A citation finds its original from its `doc_id`
(`name@sha256-prefix`): only a checked hexadecimal prefix is used to look it up, never a path from a request.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

FOLDER = "originals"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_PREFIX = re.compile(r"^[0-9a-f]{12,64}$")
_checked: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256 read from the file
_checked_lock = threading.Lock()


def folder(library_dir: Path) -> Path:
    return Path(library_dir) / FOLDER


def keep(path: Path, sha: str, library_dir: Path) -> Path | None:
    """Keep a copy of the PDF at `path` (content hash `sha`) in the library; None for non-PDFs.

    Atomic: copied to a temporary name, flushed to disk, then renamed into place.
    """
    if Path(path).suffix.lower() != ".pdf":
        return None
    if not _SHA.match(sha):
        raise ValueError(f"{path}: {sha!r} is not a sha256 digest")
    target = folder(library_dir) / f"{sha}.pdf"
    if target.is_file() and target.stat().st_size == Path(path).stat().st_size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{sha}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(path, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def sha_prefix(doc_id: str) -> str:
    """The hash prefix of a `name@hash12` doc id, or '' when it has none of the expected form."""
    _, at, prefix = (doc_id or "").rpartition("@")
    return prefix if at and _PREFIX.match(prefix) else ""


def find(doc_id: str, library_dir: Path, known: Iterable[tuple[str, str]] = ()) -> tuple[Path, str] | None:
    """The kept original of `doc_id` and its full sha256, or None when it was not kept.

    Args:
        doc_id: `name@hash-prefix` as the index records it.
        library_dir: the library folder (settings.library_dir).
        known: (doc_id, sha256) pairs from the index manifest, to name the file without a folder listing.
    """
    prefix = sha_prefix(doc_id)
    if not prefix:
        return None
    base = folder(library_dir)
    for known_id, sha in known:
        if known_id == doc_id and _SHA.match(sha) and (base / f"{sha}.pdf").is_file():
            return base / f"{sha}.pdf", sha
    if base.is_dir():
        for candidate in sorted(base.glob(f"{prefix}*.pdf")):
            if _SHA.match(candidate.stem) and candidate.is_file():
                return candidate, candidate.stem
    # Uploaded before originals were kept by hash: the copy under its own name, if its content still matches.
    name = doc_id.rpartition("@")[0]
    if name and "/" not in name and "\\" not in name and not name.startswith("."):
        named = Path(library_dir) / name
        if named.suffix.lower() == ".pdf" and named.is_file():
            sha = file_sha(named)
            if sha.startswith(prefix):
                return named, sha
    return None


def file_sha(path: Path) -> str:
    """sha256 of a file, remembered while its size and modification time stay the same."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _checked_lock:
        if key in _checked:
            return _checked[key]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    with _checked_lock:
        _checked[key] = digest.hexdigest()
    return _checked[key]


def forget(shas: Iterable[str], still_used: Iterable[str], library_dir: Path) -> list[str]:
    """Delete the kept originals of `shas` that no indexed file uses any more; returns the ones deleted."""
    used = set(still_used)
    gone = []
    for sha in set(shas) - used:
        if not _SHA.match(sha):
            continue
        path = folder(library_dir) / f"{sha}.pdf"
        try:
            path.unlink()
            gone.append(sha)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("%s: not deleted (%s)", path, exc)
    return gone
