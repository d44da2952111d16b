"""Crash-safe folder replacement and the lock that serialises index updates."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from index.store import aside_dir

log = logging.getLogger(__name__)


class IndexBusy(RuntimeError):
    """Another process (or thread) is updating the same index folder."""


def lock_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.lock"


def tmp_dir(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.tmp-{os.getpid()}"


@contextmanager
def index_lock(folder: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive `flock` on the folder's sibling lock file, waiting up to `timeout` seconds.

    flock is released by the kernel when its holder dies, so a killed update never leaves the
    index locked. Each call opens the file anew, so threads of one process exclude each other too.

    Raises:
        IndexBusy: the lock was not free within `timeout` seconds.
    """
    path = lock_path(folder)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"{folder}: another update of this index is running ({_holder(path)}); "
                        f"waited {timeout:g} s. Try again when it has finished."
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        pid = ""
    return f"process {pid}" if pid else f"lock {path}"


def recover(folder: Path) -> None:
    """Repair what an interrupted update left behind; call only while holding the lock.

    Crash between the two renames of `swap_in`: only the aside folder exists, so it goes back.
    Crash after them: the aside folder is leftover. Crash while writing: a temporary folder.
    """
    aside = aside_dir(folder)
    if aside.is_dir():
        if folder.is_dir():
            shutil.rmtree(aside)
        else:
            log.warning("%s: restoring the index from %s after an interrupted update", folder, aside)
            os.rename(aside, folder)
            _fsync_dir(folder.parent)
    for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
        log.info("removing %s left by an interrupted update", stale)
        shutil.rmtree(stale, ignore_errors=True)


def write_folder(target: Path, fill: Callable[[Path], None]) -> None:
    """Create `target`, let `fill` write into it, and make every file durable; remove it on failure."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    try:
        fill(target)
        _fsync_tree(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def swap_in(staging: Path, folder: Path) -> None:
    """Replace `folder` by `staging` so a reader or a crash sees the old index or the new, never a mix."""
    aside = aside_dir(folder)
    if aside.exists():
        shutil.rmtree(aside)
    if folder.exists():
        os.rename(folder, aside)
    os.rename(staging, folder)
    _fsync_dir(folder.parent)
    shutil.rmtree(aside, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            _fsync_file(path)
        else:
            _fsync_dir(path)
    _fsync_dir(root)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
