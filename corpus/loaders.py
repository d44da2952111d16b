"""File loaders: a PDF, text or Markdown file in, cleaned `Page`s out, or an `UnreadableFile` saying why not."""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from corpus.cleaning import clean_text, strip_running_lines
from corpus.pdf_lines import (PageLines, body_size, cells_rejoined, edges_at_edges, page_height, page_lines, styled,
                              usual_leading, with_blank_lines)
from corpus.records import Page

logger = logging.getLogger(__name__)

SUPPORTED = (".pdf", ".txt", ".md")
MAX_PDF_PAGES = 5000
PDF_SECONDS = 300.0
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_BYTES = bytes([9, 10, 12, 13, *range(32, 127), *range(128, 256)])
MAX_CONTROL_SHARE = 0.05

# text, height of its first glyphs on the page, their font size, whether their font is bold

_CATALOG = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<(?:(?!endobj).){0,400}?/Type\s*/Catalog", re.S)
_quiet_lock = threading.Lock()
_quiet_state = {"depth": 0, "level": logging.NOTSET}


class UnreadableFile(ValueError):
    """A file that cannot be ingested: `path`, the `reason`, and the `fix` a person can apply."""

    def __init__(self, path: str | Path, reason: str, fix: str = "") -> None:
        super().__init__(str(path), reason, fix)
        self.path, self.reason, self.fix = str(path), reason, fix

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" + (f": {self.fix}" if self.fix else "")


def load_pages(path: str | Path, max_bytes: int, *, strip_running: bool = True,
               notes: list[str] | None = None, dropped: list[str] | None = None) -> list[Page]:
    """Read a `.pdf`, `.txt` or `.md` file into cleaned pages.

    A PDF gives one `Page` per page that has text, numbered as in the PDF (1-based); a text file gives page 1, or
    one page per form-feed-separated part. Running headers, footers and page numbers are dropped when
    `strip_running` (PDFs and text with form feeds).

    Args:
        path: the file.
        max_bytes: larger files are refused before they are read.
        strip_running: drop running headers/footers and page numbers (`settings.chunker.strip_running_lines`).
        notes: if given, warnings a person should see (pages that could not be read, ...) are appended here.
        dropped: if given, the running headers, footers and page numbers dropped are appended here.

    Raises:
        UnreadableFile: missing, empty, too big, unsupported, not what its name says, encrypted, damaged, or no text.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableFile(path, f"unsupported file type '{suffix or path.name}'", _unsupported_fix(suffix))
    data = _read_checked(path, max_bytes)
    found: list[str] = []
    pages = _load_pdf(path, data, found) if suffix == ".pdf" else _load_text(path, data)
    if strip_running and (suffix == ".pdf" or len(pages) > 1):
        pages = strip_running_lines(pages, dropped)
    if not pages:
        raise _no_text(path, suffix)
    for note in found:
        logger.warning("%s: %s", path, note)
    if notes is not None:
        notes.extend(found)
    logger.debug("%s: %d pages", path, len(pages))
    return pages


def _unsupported_fix(suffix: str) -> str:
    if suffix in (".docx", ".doc", ".odt", ".rtf", ".pptx", ".xlsx"):
        return "save it as PDF and ingest again (supported: .pdf, .txt, .md)"
    return "only .pdf, .txt and .md files are supported"


def _no_text(path: Path, suffix: str) -> UnreadableFile:
    if suffix == ".pdf":
        return UnreadableFile(path, "no text layer (scanned images?)", "run OCR first (e.g. ocrmypdf) and ingest again")
    return UnreadableFile(path, "no text (only blank lines)", "check it is the right file")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    mb = n / (1024 * 1024)
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:.0f} MB"


def _read_checked(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableFile(path, "file not found", "check the path") from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror})", "check its permissions") from None
    if path.is_dir():
        raise UnreadableFile(path, "is a folder, not a file", "give the files inside it")
    if size == 0:
        raise UnreadableFile(path, "empty file (0 bytes)", "download or export it again")
    if size > max_bytes:
        shown, limit = _size(size), _size(max_bytes)
        if shown == limit:  # "file is 50 MB, over the 50 MB limit" reads as a bug
            shown, limit = f"{size:,} bytes", f"{max_bytes:,} bytes ({limit})"
        raise UnreadableFile(path, f"file is {shown}, over the {limit} limit",
                             "split it into smaller files or raise the limit (app.max_upload_mb)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the file ({exc.strerror})", "check its permissions") from None


def _office_kind(data: bytes) -> str:
    """`Word document` etc. when `data` is an Office file, else ''."""
    if data.startswith(ZIP_MAGIC):
        head = data[:4096]
        if b"word/" in head:
            return "Word document"
        if b"ppt/" in head or b"xl/" in head:
            return "PowerPoint or Excel file"
        return "Word document" if b"[Content_Types].xml" in head else "ZIP archive"
    return "Word document (.doc)" if data.startswith(OLE_MAGIC) else ""


def _load_text(path: Path, data: bytes) -> list[Page]:
    kind = _office_kind(data)
    if kind:
        raise UnreadableFile(path, f"this is a {kind} named {path.suffix}", "save it as PDF or plain text")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        raise UnreadableFile(path, f"this is a PDF named {path.suffix}", "rename it to .pdf")
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sample = data[:65536]
        if len(sample.translate(None, TEXT_BYTES)) > MAX_CONTROL_SHARE * len(sample):
            raise UnreadableFile(path, "binary file, not text", "give the original PDF or a plain-text export")
    text = clean_text(decode_text(data))
    return [Page(n, part) for n, part in enumerate(text.split("\f"), start=1) if part.strip()]


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else line by line UTF-8 or cp1252 (mixed files happen); never fails."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    fallback = 0
    lines = []
    for line in data.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallback += 1
            lines.append(line.decode("cp1252", errors="replace"))
    logger.info("decoded %d of %d lines as cp1252", fallback, len(lines))
    return "".join(lines)


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning per broken object (thousands for a damaged file); we log one summary instead."""
    pypdf_logger = logging.getLogger("pypdf")
    if logger.isEnabledFor(logging.DEBUG):
        yield
        return
    with _quiet_lock:
        if _quiet_state["depth"] == 0:
            _quiet_state["level"] = pypdf_logger.level
            pypdf_logger.setLevel(logging.CRITICAL)
        _quiet_state["depth"] += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_state["depth"] -= 1
            if _quiet_state["depth"] == 0:
                pypdf_logger.setLevel(_quiet_state["level"])


def _load_pdf(path: Path, data: bytes, notes: list[str]) -> list[Page]:
    if b"%PDF-" not in data[:1024]:  # the header may follow a little junk
        kind = _office_kind(data)
        if kind:
            raise UnreadableFile(path, f"this is a {kind} renamed .pdf", "save it as PDF")
        raise UnreadableFile(path, "not a PDF (no %PDF- header; binary or other file)", "export it as PDF again")
    with _quiet_pypdf():
        reader = _open_pdf(path, data, notes)
        return _read_pages(path, reader, notes)


def _open_pdf(path: Path, data: bytes, notes: list[str]):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many types on hostile input; all mean "damaged"
        repaired = _with_trailer(data)
        if repaired is None:
            raise _damaged(path, exc) from None
        try:
            reader = PdfReader(io.BytesIO(repaired), strict=False)
            _ = len(reader.pages)
        except Exception:
            raise _damaged(path, exc) from None
        notes.append("damaged or truncated PDF, read after rebuilding its trailer: pages may be missing")
    if reader.is_encrypted:
        _decrypt(path, reader)
    try:
        _ = len(reader.pages)
    except RecursionError:
        raise UnreadableFile(path, "damaged PDF (objects nested too deeply)", "export it as PDF again") from None
    except Exception as exc:
        raise _damaged(path, exc) from None
    return reader


def _damaged(path: Path, exc: BaseException) -> UnreadableFile:
    detail = "objects nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
    return UnreadableFile(path, f"damaged or truncated PDF ({detail[:200]})", "download or export it again")


def _with_trailer(data: bytes) -> bytes | None:
    """A truncated download loses its trailer; point a new one at the catalog so the pages left can be read."""
    catalog = None
    for catalog in _CATALOG.finditer(data):
        pass
    if catalog is None:
        return None
    return data + b"\ntrailer\n<< /Root %s %s R >>\nstartxref\n0\n%%%%EOF\n" % (catalog[1], catalog[2])


def _decrypt(path: Path, reader) -> None:
    """Many published PDFs are 'encrypted' with an empty user password only to forbid editing; those open."""
    from pypdf import PasswordType

    try:
        opened = reader.decrypt("")
    except Exception as exc:  # AES needs the optional `cryptography` package
        raise UnreadableFile(path, f"encrypted PDF that could not be decrypted ({exc})",
                             "remove the password (or install 'cryptography') and ingest again") from None
    if opened == PasswordType.NOT_DECRYPTED:
        raise UnreadableFile(path, "encrypted PDF (needs a password)", "remove the password and ingest again")


def _read_pages(path: Path, reader, notes: list[str]) -> list[Page]:
    total = len(reader.pages)
    if total > MAX_PDF_PAGES:
        notes.append(f"only the first {MAX_PDF_PAGES} of its {total} pages were read")
    deadline = time.monotonic() + PDF_SECONDS
    read: list[tuple[int, PageLines | str]] = []
    failed, first_error = [], None
    for index in range(min(total, MAX_PDF_PAGES)):
        if time.monotonic() > deadline:
            notes.append(f"stopped after {index} pages: reading took over {PDF_SECONDS:.0f} s")
            break
        try:
            page = reader.pages[index]
            read.append((index + 1, edges_at_edges(page_lines(page), page_height(page))))
        except Exception as exc:  # one bad page (broken stream, deep nesting) must not lose the others
            failed.append(index + 1)
            first_error = first_error or exc
    placed = [lines for _, lines in read if not isinstance(lines, str)]
    leading = usual_leading(placed)
    body = body_size(placed)
    pages = []
    for number, lines in read:
        text = lines if isinstance(lines, str) else with_blank_lines(cells_rejoined(lines, leading), leading)
        text = clean_text(text, pdf=True).strip("\n")
        if text.strip():
            pages.append(Page(number, text, () if isinstance(lines, str) else styled(lines, body)))
    if failed and not pages:
        raise _damaged(path, first_error)
    if not pages:
        raise UnreadableFile(path, f"no text layer on any of its {counted(total, 'page')} (scanned images?)",
                             "run OCR first (e.g. ocrmypdf) and ingest again")
    if failed:
        shown = ", ".join(map(str, failed[:10])) + (" ..." if len(failed) > 10 else "")
        which = f"page {shown}" if len(failed) == 1 else f"pages {shown}"
        notes.append(f"{counted(len(failed), 'page')} could not be read ({which}: {type(first_error).__name__})")
    if len(pages) < len(read):
        notes.append(f"{len(read) - len(pages)} of {total} pages have no text layer (blank or scanned)")
    return pages


def counted(n: int, noun: str) -> str:
    """`1 page`, `3 pages`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
