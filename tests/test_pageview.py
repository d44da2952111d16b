"""The page view: PDF pages rendered and cached per hash, passages located by the PDF's own text positions,
originals kept by hash at ingest (and served only by doc id), and the text fallback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pdfgen import render_pdf

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "agb-2025-05-police-and-crime-plan-performance.txt"
HOMICIDES = "In 2024/25, there were 31 homicides recorded by WMP"


def sample_pdf(path: Path, lines: int = 60, per_page: int = 30) -> Path:
    """The first `lines` lines of the sample paper (cover to section 3) as a PDF of `per_page`-row pages."""
    text = "\n".join(SAMPLE.read_text(encoding="utf-8").split("\n")[:lines])
    render_pdf(text, path, lines_per_page=per_page)
    return path


def baseline_of(pdf: Path, words: str) -> tuple[int, float]:
    """(page, baseline as a fraction of the page height from the top) of the row holding `words`, read with
    pypdf's text positions: independent of PDFium, which the page view uses."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    for number, page in enumerate(reader.pages, start=1):
        found: list[float] = []

        def visit(text, cm, tm, font, size):
            if words in " ".join(text.split()):
                found.append(tm[5] * cm[3] + cm[5])

        page.extract_text(visitor_text=visit)
        if found:
            height = float(page.mediabox.height)
            return number, (height - found[0]) / height
    raise AssertionError(f"{words!r} is in no page of {pdf}")


@pytest.fixture
def pdf(tmp_path) -> Path:
    return sample_pdf(tmp_path / "agb-sample.pdf")


def test_the_cited_paragraph_and_quote_are_marked_where_the_pdf_prints_them(pdf, tmp_path):
    from boardqa.pdfpages import PdfPages
    from corpus.records import content_hash

    page, baseline = baseline_of(pdf, "there were 31 homicides")
    pages = PdfPages(tmp_path / "cache")
    paragraph = (HOMICIDES + ", a reduction of 14 compared to the previous year. Of these, 9 were flagged as "
                 "domestic-related, which remains unchanged from 2023/24.")
    marks = pages.marks(pdf, content_hash(pdf.read_bytes()), page, paragraph, "there were 31 homicides recorded")
    assert marks.paragraph is not None and marks.quote
    assert marks.paragraph.top < baseline < marks.paragraph.bottom
    assert any(b.top < baseline < b.bottom for b in marks.quote)
    assert all(marks.paragraph.overlaps(b) for b in marks.quote)
    # The paragraph is not on the first page: nothing is marked there.
    assert page > 1 and pages.marks(pdf, content_hash(pdf.read_bytes()), 1, paragraph, "").paragraph is None


def test_a_rendered_page_is_cached_on_disk_per_document_hash(pdf, tmp_path, monkeypatch):
    from boardqa.pdfpages import PageUnavailable, PdfPages
    from corpus.records import content_hash

    sha = content_hash(pdf.read_bytes())
    first = PdfPages(tmp_path / "cache").image(pdf, sha, 2)
    assert first.pages >= 2 and first.image[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb")
    assert first.width > 800 and list((tmp_path / "cache" / sha).iterdir())
    again = PdfPages(tmp_path / "cache")  # a restarted app: same folder, empty memory
    again._memory[("count", sha)] = first.pages
    monkeypatch.setattr(again, "_with_pdf", lambda *a: pytest.fail("a cached page was rendered again"))
    assert again.image(pdf, sha, 2).image == first.image
    with pytest.raises(PageUnavailable, match="no page 99"):
        again.image(pdf, sha, 99)


def test_an_unreadable_pdf_raises_page_unavailable(tmp_path):
    from boardqa.pdfpages import PageUnavailable, PdfPages

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(PageUnavailable, match="broken.pdf: cannot be opened"):
        PdfPages(tmp_path / "cache").image(broken, "0" * 64, 1)


def test_locate_finds_the_densest_run_not_scattered_common_words():
    from boardqa.pdfpages import locate

    page = "the cat sat on the mat and then the dog ran to the park by the river and the end".split()
    assert locate(page, "the dog ran to the park".split()) == (8, 13)
    assert locate(page, "a wholly different sentence about budgets".split()) is None
    assert locate(page, "dog ran".split(), 0, 5) is None  # outside the window searched


def test_originals_are_kept_by_hash_and_found_only_by_doc_id(pdf, tmp_path):
    from boardqa import originals
    from corpus.records import content_hash, make_doc_id

    library = tmp_path / "library"
    sha = content_hash(pdf.read_bytes())
    kept = originals.keep(pdf, sha, library)
    assert kept == library / "originals" / f"{sha}.pdf" and kept.read_bytes() == pdf.read_bytes()
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert originals.keep(tmp_path / "notes.txt", "0" * 64, library) is None  # text files need no page view
    doc_id = make_doc_id("agb-sample.pdf", sha)
    assert originals.find(doc_id, library) == (kept, sha)
    (library / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    for bad in ("../secret.pdf", "secret.pdf", "x@../secret", "x@" + "z" * 12, "../../etc/passwd@1234",
                "secret.pdf@", "", "@/etc/passwd", f"../originals/{sha}.pdf@{sha[:4]}"):
        assert originals.find(bad, library) is None, bad
    assert originals.forget([sha], [], library) == [sha] and not kept.exists()


def test_ingest_keeps_originals_and_removal_deletes_them(pdf, tmp_path):
    from boardqa.library import indexed_files, ingest_paths, remove_docs
    from boardqa.settings import Settings
    from corpus.records import content_hash

    settings = Settings.load(index_dir=tmp_path / "data" / "index")
    first = content_hash(pdf.read_bytes())
    assert not ingest_paths([pdf], settings).failed
    kept = settings.library_dir / "originals" / f"{first}.pdf"
    assert kept.is_file() and [sha for *_, sha in indexed_files(settings)] == [first]
    # A new version of the same file replaces the old one, and the old original goes with it.
    sample_pdf(pdf, lines=70)
    second = content_hash(pdf.read_bytes())
    assert ingest_paths([pdf], settings).changed == [pdf.name]
    assert (settings.library_dir / "originals" / f"{second}.pdf").is_file() and not kept.exists()
    assert remove_docs([pdf.name], settings).removed == [pdf.name]
    assert not list((settings.library_dir / "originals").glob("*.pdf"))


def test_a_page_that_cannot_be_rendered_falls_back_to_the_text_with_a_note(pdf, tmp_path):
    from boardqa.pageview import PageViews
    from corpus.records import content_hash, make_doc_id

    library = tmp_path / "library"
    sha = content_hash(pdf.read_bytes())
    (library / "originals").mkdir(parents=True)
    (library / "originals" / f"{sha}.pdf").write_bytes(b"%PDF-1.4 damaged on disk")
    views = PageViews(library, tmp_path / "cache")
    on, _ = baseline_of(pdf, "there were 31 homicides")
    common = dict(doc="agb-sample.pdf", page=on, cited_pages=[on], label="3.7", text=HOMICIDES, quote="31 homicides")
    shown = views.show(doc_id=make_doc_id("agb-sample.pdf", sha), **common)
    assert not shown.ok and "could not be shown" in shown.note
    missing = views.show(doc_id=make_doc_id("agb-sample.pdf", "1" * 64), **common)
    assert not missing.ok and "not kept in the library" in missing.note
    shutil.copyfile(pdf, library / "originals" / f"{sha}.pdf")
    views = PageViews(library, tmp_path / "cache2")
    shown = views.show(doc_id=make_doc_id("agb-sample.pdf", sha), **common)
    assert shown.ok and shown.page == on and shown.pages >= on
    assert re.search(r'<img class="bqa-pageimg" src="data:image/(png|jpeg);base64,', shown.html)
    assert 'class="bqa-box"' in shown.html and 'class="bqa-hl"' in shown.html
    assert f'href="/boardqa/pdf/agb-sample.pdf%40{sha[:12]}#page={on}"' in shown.html
    assert "Paragraph 3.7 is boxed" in shown.html and f'alt="Page {on} of {shown.pages} of agb-sample.pdf"' in shown.html
