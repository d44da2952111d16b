"""Uploads into the library folder: safe file names, type and size checks, ingest, removal, one line per file."""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from boardqa.library import Progress, ingest_paths, remove_docs
from boardqa.settings import Settings

log = logging.getLogger(__name__)

ALLOWED = (".pdf", ".txt", ".md")
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UnsafeFileName(ValueError):
    """An uploaded file's name is not a plain file name (a folder path, `..`, or characters no file may hold)."""


class UploadRefused(ValueError):
    """An upload is of the wrong type, too large, or empty."""


@dataclass
class LibraryChange:
    """What an upload or removal did: one line per file for people, and whether the index changed."""

    lines: list[str] = field(default_factory=list)
    changed: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def safe_name(name: str) -> str:
    """`name` if it is a plain file name that stays inside the library folder; raises UnsafeFileName otherwise.

    Names with a folder part (`../x.pdf`, `a/b.txt`, `C:\\x.txt`) are refused rather than silently cut down,
    so nobody is surprised by which file was replaced.
    """
    shown = repr(name)
    if not name or not name.strip():
        raise UnsafeFileName("a file has no name: rename it and upload it again")
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise UnsafeFileName(f"{shown}: refused, the name contains a folder path; upload it under a plain file "
                             "name such as `minutes.pdf`")
    if _UNSAFE_CHARS.search(name) or name.startswith((".", "-", " ")) or len(name.encode()) > 200:
        raise UnsafeFileName(f"{shown}: refused, unusual characters or a hidden name; rename the file using "
                             "letters, digits, spaces, dots, dashes and underscores")
    return name


def target_in(folder: Path, name: str) -> Path:
    """The path `name` would take inside `folder`, checked to stay inside it (after resolving links)."""
    folder = folder.resolve()
    target = (folder / safe_name(name)).resolve()
    if target.parent != folder:
        raise UnsafeFileName(f"{name!r}: refused, it would be saved outside the library folder {folder}")
    return target


def check_upload(path: Path, name: str, settings: Settings) -> str:
    """The safe name for an uploaded file after checking its name, type and size; raises a ValueError subclass."""
    name = safe_name(name)
    if Path(name).suffix.lower() not in ALLOWED:
        raise UploadRefused(f"{name}: refused, only PDF, .txt and .md files can be added")
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        raise UploadRefused(f"{name}: refused, {size / 1_048_576:.1f} MB is larger than the "
                            f"{settings.app.max_upload_mb} MB limit; split the file or raise app.max_upload_mb")
    if size == 0:
        raise UploadRefused(f"{name}: refused, the file is empty")
    return name


def add_files(uploads: list[tuple[Path, str]], settings: Settings, *, progress: Progress | None = None
              ) -> LibraryChange:
    """Check, stage, ingest and keep uploaded files; a bad file is reported and leaves the index as it was.

    Args:
        uploads: (path of the uploaded copy, the name it had on the user's computer).
        settings: index folder, library folder and upload limit.
        progress: passed to `ingest_paths`.
    """
    change = LibraryChange()
    library = settings.library_dir
    staging = library / ".incoming" / uuid.uuid4().hex
    staged: dict[str, str] = {}
    seen: set[str] = set()
    for path, name in uploads:
        try:
            name = check_upload(Path(path), name, settings)
            if name.casefold() in seen:
                raise UploadRefused(f"{name}: refused, a file of this name is already in this upload")
            # Where it will be kept, checked now: refusing after the ingest would leave it indexed but not kept.
            target_in(settings.library_dir, name)
            target = target_in(staging if staging.exists() else _made(staging), name)
            shutil.copyfile(path, target)
        except (ValueError, OSError) as exc:
            change.lines.append(f"error  {exc}")
            continue
        seen.add(name.casefold())
        staged[str(target)] = name
    try:
        if staged:
            _ingest(staged, settings, progress, change)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return change


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ingest(staged: dict[str, str], settings: Settings, progress: Progress | None, change: LibraryChange) -> None:
    try:
        result = ingest_paths(list(staged), settings, progress=progress, names=staged)
    except Exception as exc:  # the index is swapped atomically: nothing was changed
        log.exception("ingest failed")
        change.lines.append(f"error  nothing was added: {exc}")
        return
    for report in result.files:
        name = staged.get(report.path, Path(report.path).name)
        if not report.ok:
            # Name the file as the user knows it, not the staging copy.
            change.lines.append(f"error  {report.error.replace(report.path, name)}")
            continue
        shutil.move(report.path, target_in(_made(settings.library_dir), name))
        state = ("unchanged (already indexed)" if name in result.skipped
                 else "replaced the earlier version" if name in result.changed else "added")
        change.lines.append(f"ok     {name}: {state}, {len(report.papers)} paper(s), "
                            f"{len(report.paragraphs)} paragraphs")
        change.lines += paper_lines(report)
    change.changed = bool(result.added or result.changed or result.removed or result.rebuilt)
    change.lines.append(f"The library now holds {result.paragraphs} paragraphs." if change.changed
                        else "The index was not changed.")


def paper_lines(report) -> list[str]:
    """One line per paper found in a file (its paragraph count, meeting and date) and one per file warning."""
    from boardqa.views import long_date

    counts: dict[str, list] = {}
    for p in report.paragraphs:
        counts.setdefault(p.paper, [p, 0])[1] += 1
    lines = []
    for paper, (first, n) in counts.items():
        where = ", ".join(x for x in (first.committee or first.meeting, first.body, long_date(first.date)) if x)
        lines.append(f"         - {paper or '(untitled)'}: {n} paragraph{'s' if n != 1 else ''}"
                     + (f" ({where})" if where else " (no meeting or date found)"))
    lines += [f"         warning: {note}" for note in report.notes]
    return lines


def remove_files(names: list[str], settings: Settings) -> LibraryChange:
    """Drop files from the index, and their uploaded copies from the library folder."""
    change = LibraryChange()
    if not names:
        change.lines.append("error  choose a file to remove")
        return change
    result = remove_docs(names, settings)
    for name in names:
        if name not in result.removed:
            change.lines.append(f"error  {name}: not in the index (it may have been removed already)")
            continue
        change.lines.append(f"ok     removed {name}")
        try:
            copy = target_in(settings.library_dir, name)
            copy.unlink(missing_ok=True)
        except (ValueError, OSError):
            pass  # the file was not uploaded through the app (e.g. a bundled sample): nothing to delete
    change.changed = bool(result.removed)
    if change.changed:
        change.lines.append(f"The library now holds {result.paragraphs} paragraphs.")
    return change
