"""The source panel's page view: a cited PDF page as an image, the paragraph boxed and the quote highlighted."""

from __future__ import annotations

import base64
import html
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import quote as urlquote

from boardqa import originals
from boardqa.pdfpages import Box, PageMarks, PageUnavailable, PdfPages, RenderedPage

log = logging.getLogger(__name__)

PDF_ROUTE = "/boardqa/pdf/"


@dataclass(frozen=True)
class PageShown:
    """What the panel shows for one citation: a page of its PDF, or why it falls back to the text view."""

    page: int = 0
    pages: int = 0
    html: str = ""
    note: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.html)


def doc_id_of(key: str) -> str:
    """The doc id part of a paragraph key (`name@hash12#seq`)."""
    return key.rpartition("#")[0]


def pdf_url(doc_id: str, page: int) -> str:
    """Where the app serves a kept original, opened at `page` by the browser's PDF viewer."""
    return f"{PDF_ROUTE}{urlquote(doc_id, safe='')}#page={page}"


def _pct(v: float) -> str:
    return f"{100 * v:.3f}%"


def _style(box: Box) -> str:
    return (f"left:{_pct(box.left)};top:{_pct(box.top)};width:{_pct(box.right - box.left)};"
            f"height:{_pct(box.bottom - box.top)}")


class PageViews:
    """Finds a citation's original PDF in the library and shows its page with the passage marked."""

    def __init__(self, library_dir: Path, cache_dir: Path) -> None:
        self.library_dir = Path(library_dir)
        self.pdfs = PdfPages(cache_dir)

    def original(self, doc_id: str, known: Iterable[tuple[str, str]] = ()) -> tuple[Path, str] | None:
        return originals.find(doc_id, self.library_dir, known)

    def show(self, *, doc: str, doc_id: str, page: int, cited_pages: list[int], label: str, text: str,
             quote: str, known: Iterable[tuple[str, str]] = ()) -> PageShown:
        """The page view HTML for `page` of the PDF `doc_id`, or a PageShown with only a `note` saying why not."""
        started = time.perf_counter()
        if not doc.lower().endswith(".pdf") or not cited_pages:
            return PageShown()
        found = self.original(doc_id, known)
        if found is None:
            return PageShown(note=f"The original PDF of {doc} is not kept in the library (it was indexed before "
                             "originals were kept, or removed since): showing the text read from it.")
        path, sha = found
        try:
            rendered = self.pdfs.image(path, sha, page)
            marks = (self.pdfs.marks(path, sha, page, text, quote) if page in cited_pages
                     else PageMarks(page, None, ()))
        except PageUnavailable as exc:
            log.warning("page view: %s", exc)
            return PageShown(note=f"Page {page} of {doc} could not be shown ({exc}): showing the text read "
                             "from it instead.")
        region = closeup_region(marks)
        near = None
        if region is not None:
            try:
                near = self.pdfs.closeup(path, sha, page, region)
            except (PageUnavailable, OSError) as exc:
                log.warning("page view: no close-up (%s)", exc)
        figure, link = _figure(rendered, marks, doc=doc, doc_id=doc_id, label=label, cited_pages=cited_pages)
        close = _closeup(near, marks, region, label) if near is not None and region is not None else ""
        body = link + close + figure
        return PageShown(page, rendered.pages, body, seconds=time.perf_counter() - started)


def closeup_region(marks: PageMarks) -> Box | None:
    """The band of the page around the boxed paragraph, or None when there is none or it fills half the page."""
    box = marks.paragraph
    if box is None or box.bottom - box.top > 0.5:
        return None
    return Box(max(0.0, box.left - 0.03), max(0.0, box.top - 0.025), min(1.0, box.right + 0.03),
               min(1.0, box.bottom + 0.025))


def _within(box: Box, region: Box) -> Box:
    """`box` (fractions of the page) as fractions of `region`."""
    w, h = region.right - region.left, region.bottom - region.top
    return Box((box.left - region.left) / w, (box.top - region.top) / h, (box.right - region.left) / w,
               (box.bottom - region.top) / h)


def _overlays(marks: PageMarks, region: Box | None = None) -> str:
    move = (lambda b: _within(b, region)) if region is not None else (lambda b: b)
    out = []
    if marks.paragraph is not None:
        out.append(f'<div class="bqa-box" style="{_style(move(marks.paragraph))}" aria-hidden="true"></div>')
    out += [f'<div class="bqa-hl" style="{_style(move(b))}" aria-hidden="true"></div>' for b in marks.quote]
    return "".join(out)


def _img(rendered: RenderedPage, css: str, alt: str) -> str:
    data = base64.b64encode(rendered.image).decode("ascii")
    return (f'<img class="{css}" src="data:{rendered.mime};base64,{data}" width="{rendered.width}" '
            f'height="{rendered.height}" alt="{alt}">')


def _closeup(near: RenderedPage, marks: PageMarks, region: Box, label: str) -> str:
    alt = f"Close-up of paragraph {html.escape(label)} as printed on page {near.page}"
    return (f'<figure class="bqa-pagefig bqa-closefig"><figcaption class="bqa-pagecap">Close-up: paragraph '
            f'{html.escape(label)} on page {near.page}</figcaption><div class="bqa-page bqa-close">'
            f'{_img(near, "bqa-pageimg", alt)}{_overlays(marks, region)}</div></figure>')


def _figure(rendered: RenderedPage, marks: PageMarks, *, doc: str, doc_id: str, label: str,
            cited_pages: list[int]) -> tuple[str, str]:
    """(the whole page with its marks and caption, the "open the PDF at this page" link)."""
    page, pages = rendered.page, rendered.pages
    where = html.escape(label)
    if marks.paragraph is not None:
        said = f"Paragraph {where} is boxed with a dashed line"
        said += "; the quoted words are highlighted in yellow and underlined." if marks.quote else "."
    elif page in cited_pages:
        said = f"Paragraph {where} is on this page but its position could not be found in the PDF's text."
    else:
        first, last = cited_pages[0], cited_pages[-1]
        on = f"page {first}" if first == last else f"pages {first}-{last}"
        said = f"Paragraph {where} is not on this page: it is on {on}."
    alt = f"Page {page} of {pages} of {html.escape(doc)}"
    link = (f'<a class="bqa-open" href="{html.escape(pdf_url(doc_id, page))}" target="_blank" rel="noopener">'
            f"Open the PDF at page {page}<span class=\"bqa-sr\"> (opens in a new tab)</span></a>")
    return (f'<figure class="bqa-pagefig" data-page="{page}" data-pages="{pages}">'
            f'<figcaption class="bqa-pagecap">Page {page} of {pages}. {said}</figcaption>'
            f'<div class="bqa-page">{_img(rendered, "bqa-pageimg", alt)}{_overlays(marks)}</div>'
            f"</figure>", f'<p class="bqa-openline">{link}</p>')
