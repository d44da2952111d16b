"""PDF pages for the source panel: render a page (pypdfium2, cached per document hash) and find a passage on it."""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import logging
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SCALE = 1.5  # 72 dpi points -> 108 dpi pixels: an A4 page is 893 x 1263, small text stays legible
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: every call into it goes through this lock
_WORD = re.compile(r"\S+")


class PageUnavailable(ValueError):
    """A page cannot be shown: the file is missing or unreadable, or the page number is out of range."""


@dataclass(frozen=True)
class Box:
    """A rectangle on the page as fractions of its width and height, from the top left (0..1)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "Box") -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and \
            other.top < self.bottom


@dataclass(frozen=True)
class PageMarks:
    """Where a paragraph and its quoted words are printed on one page (empty when not found there)."""

    page: int
    paragraph: Box | None
    quote: tuple[Box, ...]


@dataclass(frozen=True)
class RenderedPage:
    """One page as an image, ready to show."""

    page: int
    pages: int
    image: bytes
    mime: str
    width: int
    height: int


def _norm(word: str) -> str:
    """A word as compared with the index's text: compatibility forms folded (ligatures), case and punctuation off."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", word).casefold() if ch.isalnum())


def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Normalised words of `text` and their (start, end) offsets; words with no letter or digit are left out."""
    words, spans = [], []
    for m in _WORD.finditer(text):
        w = _norm(m.group(0))
        if w:
            words.append(w)
            spans.append((m.start(), m.end()))
    return words, spans


def locate(page_words: list[str], wanted: list[str], lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """The run of page words [first, last] that best matches `wanted`, searched in page_words[lo:hi].

    Matching blocks of two words or more (one for a very short passage) are grouped when close together on
    the page; the group covering most of `wanted` wins. None when under a third of a short passage (or fewer
    than 4 words of a long one) is found: a passage mostly on another page still gets its part on this one.
    """
    hi = len(page_words) if hi is None else hi
    if not wanted or lo >= hi:
        return None
    matcher = difflib.SequenceMatcher(None, page_words[lo:hi], wanted, autojunk=False)
    least = 1 if len(wanted) < 3 else 2
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= least]
    if not blocks:
        return None
    gap = max(8, len(wanted) // 4)
    groups: list[list] = [[blocks[0]]]
    for b in blocks[1:]:
        last = groups[-1][-1]
        if b.a - (last.a + last.size) <= gap and b.b >= last.b:
            groups[-1].append(b)
        else:
            groups.append([b])
    best = max(groups, key=lambda g: sum(b.size for b in g))
    covered = sum(b.size for b in best)
    if covered < min(4, len(wanted)) and covered * 3 < len(wanted):
        return None
    return lo + best[0].a, lo + best[-1].a + best[-1].size - 1


class PdfPages:
    """Rendered pages and passage positions of the library's PDFs, cached per document hash.

    Everything computed is kept on disk under `folder/<sha256>/` (page images, close-ups, passage positions,
    the page count), so a restarted app serves a page it has shown before from files alone, and the last few
    in memory; written under a temporary name and renamed, so a reader never sees half a file.
    """

    def __init__(self, folder: Path, *, scale: float = SCALE, memory: int = 64) -> None:
        self.folder = Path(folder)
        self.scale = scale
        self._memory: OrderedDict[tuple, object] = OrderedDict()
        self._size = memory
        self._lock = threading.Lock()

    def _cached(self, key: tuple, make):
        """`make()` remembered under `key` in a small LRU shared by every kind of value."""
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        value = make()
        with self._lock:
            self._memory[key] = value
            while len(self._memory) > self._size:
                self._memory.popitem(last=False)
        return value

    def _stored(self, sha: str, name: str, make):
        """`make()` -> (meta dict, bytes), kept on disk as `name.json` and `name.bin` beside each other."""
        meta_path, data_path = self.folder / sha / f"{name}.json", self.folder / sha / f"{name}.bin"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return meta, data_path.read_bytes() if meta.get("bytes") else b""
        except (OSError, ValueError):
            pass
        meta, data = make()
        meta = {**meta, "bytes": bool(data)}
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            if data:
                _write_atomic(data_path, data)
            _write_atomic(meta_path, json.dumps(meta).encode())  # last: its presence means the data is whole
        except OSError as exc:
            log.warning("%s: not cached (%s)", meta_path, exc)
        return meta, data

    def page_count(self, path: Path, sha: str) -> int:
        def count():
            return {"pages": self._with_pdf(path, len)}, b""

        return self._cached(("count", sha), lambda: int(self._stored(sha, "pages", count)[0]["pages"]))

    def image(self, path: Path, sha: str, page: int) -> RenderedPage:
        """Page `page` (1-based) of the PDF at `path` (content hash `sha`) as an image; raises PageUnavailable."""
        pages = self.page_count(path, sha)
        if not 1 <= page <= pages:
            raise PageUnavailable(f"{path.name}: no page {page} (the file has {pages})")

        def render():
            data, mime, width, height = self._with_pdf(path, lambda pdf: _render(pdf, page, self.scale))
            return {"mime": mime, "width": width, "height": height}, data

        def load() -> RenderedPage:
            meta, data = self._stored(sha, f"page-{page}@{self.scale:g}", render)
            return RenderedPage(page, pages, data, meta["mime"], meta["width"], meta["height"])

        return self._cached(("image", sha, page, self.scale), load)

    def closeup(self, path: Path, sha: str, page: int, region: Box) -> RenderedPage:
        """The part `region` of a page, cut from its image (no new render), for a legible close-up."""
        full = self.image(path, sha, page)

        def cut():
            from PIL import Image

            with Image.open(io.BytesIO(full.image)) as im:
                part = im.crop((round(region.left * im.width), round(region.top * im.height),
                                round(region.right * im.width), round(region.bottom * im.height)))
            buffer = io.BytesIO()
            if full.mime == "image/png":
                part.save(buffer, "PNG")
            else:
                part.save(buffer, "JPEG", quality=85)
            return {"mime": full.mime, "width": part.width, "height": part.height}, buffer.getvalue()

        def load() -> RenderedPage:
            key = hashlib.sha1(repr((region.left, region.top, region.right, region.bottom)).encode()).hexdigest()
            meta, data = self._stored(sha, f"close-{page}@{self.scale:g}-{key[:16]}", cut)
            return RenderedPage(page, full.pages, data, meta["mime"], meta["width"], meta["height"])

        return self._cached(("closeup", sha, page, self.scale, region), load)

    def marks(self, path: Path, sha: str, page: int, paragraph: str, quote: str) -> PageMarks:
        """Where `paragraph` and, inside it, `quote` are printed on page `page`; raises PageUnavailable."""
        digest = hashlib.sha1(f"{paragraph}\0{quote}".encode()).hexdigest()

        def find():
            marks = self._with_pdf(path, lambda pdf: _marks(pdf, page, paragraph, quote))
            box = lambda b: [b.left, b.top, b.right, b.bottom]  # noqa: E731
            return {"paragraph": box(marks.paragraph) if marks.paragraph else None,
                    "quote": [box(b) for b in marks.quote]}, b""

        def load() -> PageMarks:
            meta, _ = self._stored(sha, f"marks-{page}-{digest[:20]}", find)
            para = meta.get("paragraph")
            return PageMarks(page, Box(*para) if para else None, tuple(Box(*b) for b in meta.get("quote", [])))

        return self._cached(("marks", sha, page, digest), load)

    def _with_pdf(self, path: Path, use):
        import pypdfium2 as pdfium

        with _PDFIUM:
            try:
                pdf = pdfium.PdfDocument(str(path))
            except (pdfium.PdfiumError, OSError) as exc:
                raise PageUnavailable(f"{path.name}: cannot be opened as a PDF ({exc})") from None
            try:
                return use(pdf)
            except pdfium.PdfiumError as exc:
                raise PageUnavailable(f"{path.name}: cannot be rendered ({exc})") from None
            finally:
                pdf.close()


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _render(pdf, page_no: int, scale: float) -> tuple[bytes, str, int, int]:
    """PNG for pages in black and white or grey (small and sharp), JPEG for colour pages (charts, photos)."""
    from PIL import ImageStat

    page = pdf[page_no - 1]
    try:
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        page.close()
    saturation = ImageStat.Stat(image.convert("HSV").getchannel("S")).mean[0]
    buffer = io.BytesIO()
    if saturation < 4:
        image.convert("L").save(buffer, "PNG")
        mime = "image/png"
    else:
        image.save(buffer, "JPEG", quality=85, optimize=True)
        mime = "image/jpeg"
    return buffer.getvalue(), mime, image.width, image.height


def _marks(pdf, page_no: int, paragraph: str, quote: str) -> PageMarks:
    import pypdfium2.raw as raw

    if not 1 <= page_no <= len(pdf):
        return PageMarks(page_no, None, ())
    page = pdf[page_no - 1]
    text = page.get_textpage()
    try:
        count = text.count_chars()
        # Char by char so that offsets in the string are PDFium's own char indexes.
        chars = "".join(chr(raw.FPDFText_GetUnicode(text.raw, i)) for i in range(count))
        page_words, spans = _words(chars)
        para = locate(page_words, _words(paragraph)[0])
        if para is None:
            return PageMarks(page_no, None, ())
        frame = _Frame(page)
        start, end = spans[para[0]][0], spans[para[1]][1]
        para_rects = _rects(text, start, end)
        quote_rects: list[tuple[float, float, float, float]] = []
        found = locate(page_words, _words(quote)[0], para[0], para[1] + 1) if quote else None
        if found is not None:
            quote_rects = _rects(text, spans[found[0]][0], spans[found[1]][1])
        box = None
        if para_rects:
            box = frame.box((min(r[0] for r in para_rects), min(r[1] for r in para_rects),
                             max(r[2] for r in para_rects), max(r[3] for r in para_rects)), pad=4.0)
        return PageMarks(page_no, box, tuple(frame.box(r, pad=1.0) for r in quote_rects))
    finally:
        text.close()
        page.close()


def _rects(text, start: int, end: int) -> list[tuple[float, float, float, float]]:
    """PDFium's rectangles (one per line run) covering chars [start, end), as (left, bottom, right, top)."""
    n = text.count_rects(start, end - start)
    return [text.get_rect(i) for i in range(n)]


class _Frame:
    """Page coordinates (points, origin bottom left of the media box) to fractions of the page as rendered."""

    def __init__(self, page) -> None:
        self.left, self.bottom, self.right, self.top = page.get_cropbox()
        self.rotation = page.get_rotation() % 360

    def box(self, rect: tuple[float, float, float, float], pad: float = 0.0) -> Box:
        w, h = self.right - self.left, self.top - self.bottom
        x0 = (rect[0] - pad - self.left) / w
        x1 = (rect[2] + pad - self.left) / w
        y0 = (self.top - rect[3] - pad) / h  # from the top
        y1 = (self.top - rect[1] + pad) / h
        x0, x1, y0, y1 = (max(0.0, min(1.0, v)) for v in (x0, x1, y0, y1))
        if self.rotation == 90:  # shown turned clockwise
            x0, y0, x1, y1 = 1 - y1, x0, 1 - y0, x1
        elif self.rotation == 180:
            x0, y0, x1, y1 = 1 - x1, 1 - y1, 1 - x0, 1 - y0
        elif self.rotation == 270:
            x0, y0, x1, y1 = y0, 1 - x1, y1, 1 - x0
        return Box(round(x0, 5), round(y0, 5), round(x1, 5), round(y1, 5))
