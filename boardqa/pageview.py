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
        body = _figure(rendered, marks, doc=doc, doc_id=doc_id, label=label, cited_pages=cited_pages)
        return PageShown(page, rendered.pages, body, seconds=time.perf_counter() - started)


def _figure(rendered: RenderedPage, marks: PageMarks, *, doc: str, doc_id: str, label: str,
            cited_pages: list[int]) -> str:
    page, pages = rendered.page, rendered.pages
    data = base64.b64encode(rendered.image).decode("ascii")
    overlays = []
    if marks.paragraph is not None:
        overlays.append(f'<div class="bqa-box" style="{_style(marks.paragraph)}" aria-hidden="true"></div>')
    overlays += [f'<div class="bqa-hl" style="{_style(b)}" aria-hidden="true"></div>' for b in marks.quote]
    where = html.escape(label)
    if marks.paragraph is not None:
        said = f"Paragraph {where} is boxed with a dashed line"
        said += "; the quoted words are highlighted in yellow and underlined." if marks.quote else "."
    elif page in cited_pages:
        said = f"Paragraph {where} is on this page but its position could not be found in the PDF's text."
    else:
        on = ", ".join(str(p) for p in cited_pages)
        said = f"Paragraph {where} is not on this page: it is on page {on}."
    alt = f"Page {page} of {pages} of {html.escape(doc)}"
    link = (f'<a class="bqa-open" href="{html.escape(pdf_url(doc_id, page))}" target="_blank" rel="noopener">'
            f"Open the PDF at page {page}<span class=\"bqa-sr\"> (opens in a new tab)</span></a>")
    return (f'<figure class="bqa-pagefig" data-page="{page}" data-pages="{pages}">'
            f'<figcaption class="bqa-pagecap">Page {page} of {pages}. {said}</figcaption>'
            f'<div class="bqa-page"><img class="bqa-pageimg" src="data:{rendered.mime};base64,{data}" '
            f'width="{rendered.width}" height="{rendered.height}" alt="{alt}">{"".join(overlays)}</div>'
            f"</figure><p class=\"bqa-openline\">{link}</p>")
