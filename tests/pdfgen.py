"""Test helper: render text to PDF with reportlab, and write the broken inputs a loader must refuse clearly."""

from __future__ import annotations

import codecs
import io
import random
import re
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

MARGIN = 56.0
DEJAVU_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
# Used only when no DejaVuSans is installed: Helvetica (WinAnsi) cannot draw these, so they become close ASCII and
# the text no longer round-trips exactly. Tests check `FONT_IS_UNICODE` before comparing such characters.
ASCII_FALLBACK = {"⊖": "(-)", "⊕": "(+)", "⬇": "v", "⬆": "^", "●": "*", "⁷": "7", "→": "->", "≤": "<=",
                  "≥": ">="}
PARA_NUMBER = re.compile(r"^(?:[-•]\s+)?(\d{1,3}(?:\.\d{1,3})*\.?)\s+(\S.*)$")


def _dejavu() -> Path | None:
    for candidate in DEJAVU_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    fonts = Path("/usr/share/fonts")
    return next(iter(sorted(fonts.rglob("DejaVuSans.ttf"))), None) if fonts.is_dir() else None


@lru_cache(maxsize=1)
def font_name() -> str:
    """`DejaVuSans` (registered from the system's TTF) when installed, else reportlab's built-in `Helvetica`."""
    found = _dejavu()
    if found is None:
        return "Helvetica"
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(found)))
    return "DejaVuSans"


FONT_IS_UNICODE = font_name() != "Helvetica"


def drawable(text: str) -> str:
    """`text` as the chosen font can draw it (unchanged with DejaVuSans; close ASCII with Helvetica)."""
    if FONT_IS_UNICODE:
        return text
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(ASCII_FALLBACK.get(ch, "?"))
    return "".join(out)


def _wrap(line: str, width: float, font: str, size: float) -> list[str]:
    """Greedy word wrap to `width` points; a word longer than the line is cut."""
    words, rows, current = line.split(" "), [], ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if pdfmetrics.stringWidth(trial, font, size) <= width:
            current = trial
            continue
        if current:
            rows.append(current)
        while pdfmetrics.stringWidth(word, font, size) > width:
            cut = max(1, int(len(word) * width / pdfmetrics.stringWidth(word, font, size)) - 1)
            rows.append(word[:cut])
            word = word[cut:]
        current = word
    rows.append(current)
    return rows


def _visual_rows(text: str, width: float, font: str, size: float, number_on_own_line: bool,
                 two_blank_page_break: bool) -> list[tuple[int, str | None]]:
    """(input line index, row text) per drawn row; row None is a forced page break."""
    rows: list[tuple[int, str | None]] = []
    blanks: list[int] = []  # held back until we know whether the run is spacing or a page break
    for i, line in enumerate(drawable(text).replace("\t", "    ").split("\n")):
        if not line.strip():
            blanks.append(i)
            continue
        if two_blank_page_break and len(blanks) >= 2:
            rows.append((blanks[0], None))
        else:
            rows.extend((b, "") for b in blanks)
        blanks = []
        match = PARA_NUMBER.match(line) if number_on_own_line else None
        if match:
            rows.append((i, match.group(1)))
            line = match.group(2)
        rows.extend((i, row) for row in _wrap(line, width, font, size))
    return rows


def _paginate(rows: list[tuple[int, str | None]], lines_per_page: int) -> list[list[tuple[int, str]]]:
    pages: list[list[tuple[int, str]]] = [[]]
    for index, row in rows:
        if row is None:
            if pages[-1]:
                pages.append([])
            continue
        if len(pages[-1]) >= lines_per_page:
            pages.append([])
        if row == "" and not pages[-1]:
            continue  # no blank spacing at the top of a page
        pages[-1].append((index, row))
    return pages if pages[-1] or len(pages) == 1 else pages[:-1]


def render_pdf(text: str, path: str | Path | BinaryIO, *, lines_per_page: int = 45, header: str | None = None,
               footer: str | None = "Page {n}", number_on_own_line: bool = False, font_size: float = 10,
               two_blank_page_break: bool = False) -> list[int]:
    """Render `text` to a PDF at `path` (or into a binary file object), page by page, like a board paper.

    Long lines are wrapped; each page holds `lines_per_page` rows, so page breaks fall mid-paragraph; blank input
    lines stay as blank rows (paragraph spacing). `header`/`footer` are drawn on every page with `{n}` (page number)
    and `{total}` filled in. `number_on_own_line` draws a leading paragraph number (`3.7 Text`) on a row of its
    own above its text. `two_blank_page_break` turns a run of two or more blank input lines into a page break
    (the sample texts mark the source PDF's page breaks that way). Tabs (table cells) are drawn as four spaces;
    without DejaVuSans, characters Helvetica lacks are drawn as `drawable` maps them.

    Returns:
        For each input line (`text.split("\\n")`), the 1-based page its first row landed on (blank lines dropped
        at a page break report the page that follows).
    """
    font = font_name()
    leading = font_size * 1.4
    width = A4[0] - 2 * MARGIN
    height = max(A4[1], lines_per_page * leading + 2 * MARGIN + 2 * leading)
    rows = _visual_rows(text, width, font, font_size, number_on_own_line, two_blank_page_break)
    pages = _paginate(rows, lines_per_page)
    line_pages = [0] * (text.count("\n") + 1)
    target = str(path) if isinstance(path, (str, Path)) else path
    pdf = canvas.Canvas(target, pagesize=(A4[0], height), pageCompression=1, invariant=1)
    for n, page in enumerate(pages, start=1):
        pdf.setFont(font, font_size)
        if header is not None:
            pdf.drawString(MARGIN, height - MARGIN / 2, drawable(header.format(n=n, total=len(pages))))
        y = height - MARGIN - leading
        for index, row in page:
            line_pages[index] = line_pages[index] or n
            if row:
                pdf.drawString(MARGIN, y, row)
            y -= leading
        if footer is not None:
            pdf.drawString(MARGIN, MARGIN / 2, drawable(footer.format(n=n, total=len(pages))))
        pdf.showPage()
    pdf.save()
    _fill_unplaced(line_pages, len(pages))
    return line_pages


def _fill_unplaced(line_pages: list[int], last_page: int) -> None:
    """Blank lines swallowed at a page break take the page of the next placed line."""
    following = last_page
    for i in range(len(line_pages) - 1, -1, -1):
        if line_pages[i]:
            following = line_pages[i]
        else:
            line_pages[i] = following


def styled_rows_pdf(path, rows, leading: float = 1.6):
    """A one-page PDF of `rows` ((text, font, size)) drawn from the top of an A4 page down, each `leading` times
    its size below the last: what a paper's typography looks like to pypdf's visitor."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = A4[1] - 90
    for text, font, size in rows:
        pdf.setFont(font, size)
        pdf.drawString(72, y, text)
        y -= size * leading
    pdf.save()
    return path


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand: object 1 must be the catalog; offsets and xref computed here."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _text_page(parent: int, contents: int, extra: bytes = b"") -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R " % (parent, contents)
            + b"/Resources << /Font << /F1 " + font + b" >> >> " + extra + b">>")


def many_empty_pages_pdf(count: int) -> bytes:
    """`count` blank pages sharing one page tree; written directly so 3000 pages take milliseconds."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * count
    return raw_pdf(objects)


def nested_pdf(depth: int = 5000) -> bytes:
    """Page 1 is fine; page 2 carries arrays and dictionaries nested `depth` deep, which recursive parsers choke on."""
    deep = b"[<< /A " * depth + b"0" + b" >>]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 2 /Kids [3 0 R 5 0 R] >>",
        _text_page(2, 4),
        _stream(b"BT /F1 12 Tf 72 700 Td (Hello nested world) Tj ET"),
        _text_page(2, 6, b"/Deep " + deep + b" "),
        _stream(b"BT /F1 12 Tf 72 700 Td " + b"[" * depth + b"(deep)" + b"]" * depth + b" TJ ET"),
    ]
    return raw_pdf(objects)


SAMPLE_TEXT = "\n\n".join(
    f"{i}.1 Paragraph {i} of the sample paper says that the panel noted {i * 7} actions and asked for more detail."
    for i in range(1, 41)
)


def pdf_bytes(text: str = SAMPLE_TEXT, **options) -> bytes:
    """`render_pdf` into memory (`SAMPLE_TEXT`, 40 paragraphs on 3 pages, by default)."""
    buffer = io.BytesIO()
    render_pdf(text, buffer, **options)
    return buffer.getvalue()


def encrypted_pdf(data: bytes, password: str, algorithm: str = "RC4-128") -> bytes:
    """`data` encrypted with user password `password` (empty: opens without one, as many council PDFs do);
    `algorithm` as pypdf names it (`RC4-128`, `AES-128`, `AES-256`)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scanned() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFillGray(0.6)
    page.rect(72, 300, 400, 400, fill=1)  # stands in for a scanned image: marks on the page, no text
    page.showPage()
    page.save()
    return buffer.getvalue()


def _docx_like() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>1.1 Hello</w:p></w:body></w:document>")
    return buffer.getvalue()


def make_bad_inputs(directory: str | Path, oversize_limit: int = 4096) -> dict[str, Path]:
    """Write every kind of file a loader must refuse (or survive) into `directory`; keys are the relative paths.

    Besides the files the loader must refuse clearly, there are files it must read: `partial.pdf` (a good 3-page
    PDF cut inside its last object, page 3's text, and its trailer, so pages 1-2 still read), `nested.pdf` (page 1
    fine, page 2 nested too deeply) and the text files with odd encodings. `binary.txt` is mostly NUL bytes;
    `oversize.txt` is one byte over `oversize_limit`.
    """
    root = Path(directory)
    rnd = random.Random(20260105)
    good = pdf_bytes()
    files: dict[str, bytes] = {
        "encrypted.pdf": encrypted_pdf(good, "secret"),
        "truncated.pdf": good[: len(good) // 2],
        "partial.pdf": good[: good.rindex(b" 0 obj") + 20],  # reportlab writes page streams last: page 3 is lost
        "corrupt.pdf": b"%PDF-1.7\n" + rnd.randbytes(4000),
        "scanned.pdf": _scanned(),
        "empty.txt": b"",
        "word_renamed.pdf": _docx_like(),
        "binary.pdf": b"\x00\x01" + rnd.randbytes(4000),
        "binary.txt": b"\x00" * 300 + rnd.randbytes(700),
        "many_empty_pages.pdf": many_empty_pages_pdf(3000),
        "nested.pdf": nested_pdf(),
        "cp1252.txt": "1.1 The budget is £5m – “approved” by the café’s committee.\n".encode("cp1252"),
        "mixed_encoding.txt": "1.1 Café “one” – £1 in UTF-8.\n".encode()
        + "1.2 Café “two” – £2 in cp1252.\n".encode("cp1252"),
        "odd_unicode.txt": codecs.BOM_UTF8
        + "1.1 The ﬁnancial ﬂow\u00a0report\u2009says “yes” and ‘no’: "
        "co\u00adoperation\u200b matters.\n".encode(),
        "huge_paragraph.txt": ("1.1 " + "the panel noted the report and asked questions " * 5000)[:200_000].encode(),
        "same_name/a/pack.txt": b"1.1 The first pack says the budget was approved.\n",
        "same_name/b/pack.txt": b"1.1 The second pack says the budget was deferred.\n",
        "oversize.txt": b"1.1 " + b"x" * (oversize_limit - 3),
    }
    paths = {}
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        paths[name] = target
    return paths


def word_per_object_pdf(lines: list[str]) -> bytes:
    """One page drawn as some web exporters draw it: a flipped page matrix and every word its own text
    object, so that pypdf gives each word on a line of its own."""
    ops = [b"1 0 0 -1 0 792 cm"]
    for row, line in enumerate(lines):
        x = 72.0
        for word in line.split():
            ops.append(b"BT /F1 12 Tf 1 0 0 -1 0 0 Tm %.2f %.2f Td (%s) Tj ET"
                       % (x, -(100.0 + 20 * row), word.replace("(", r"\(").replace(")", r"\)").encode("latin-1")))
            x += 7.0 * (len(word) + 1)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               _text_page(2, 4), _stream(b"\n".join(ops))]
    return raw_pdf(objects)
