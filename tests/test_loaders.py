"""Loaders and cleaning: PDFs rendered from the sample papers round-trip; every bad file fails with a clear reason."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfgen import (
    FONT_IS_UNICODE,
    SAMPLE_TEXT,
    drawable,
    encrypted_pdf,
    make_bad_inputs,
    pdf_bytes,
    render_pdf,
)

import pdfgen
from corpus import loaders
from corpus.cleaning import clean_text, strip_running_lines
from corpus.loaders import UnreadableFile, decode_text, load_pages
from corpus.pdf_lines import same_line_rejoined
from corpus.records import Page

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
AGB = SAMPLES / "agb-2025-05-police-and-crime-plan-performance.txt"
PACK = SAMPLES / "pcp-2026-01-05-agenda-pack.txt"
LIMIT = 50 * 1024 * 1024
ODD_LIMIT = 1000
HEADER = "OFFICIAL - Accountability and Governance Board"


def flat(text: str) -> str:
    return " ".join(text.split())


def lines_of(pages: list[Page]) -> list[str]:
    return [line for page in pages for line in page.text.split("\n")]


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, Path]:
    return make_bad_inputs(tmp_path_factory.mktemp("bad"), oversize_limit=ODD_LIMIT)


@pytest.fixture(scope="module")
def agb_pdf(tmp_path_factory) -> tuple[Path, list[str], list[int]]:
    path = tmp_path_factory.mktemp("agb") / "agb.pdf"
    text = AGB.read_text(encoding="utf-8")
    line_pages = render_pdf(text, path, header=HEADER, footer="Page {n} of {total}", number_on_own_line=True)
    return path, text.split("\n"), line_pages


# --- PDF round trip ---------------------------------------------------------------------------------------------


def test_pdf_gives_one_page_per_pdf_page_numbered_from_one(agb_pdf):
    path, _, line_pages = agb_pdf
    pages = load_pages(path, LIMIT)
    assert [p.number for p in pages] == list(range(1, max(line_pages) + 1))


def test_every_line_of_the_paper_is_found_on_the_page_it_was_printed_on(agb_pdf):
    path, lines, line_pages = agb_pdf
    text_of = {p.number: flat(p.text) for p in load_pages(path, LIMIT)}
    for line, page in zip(lines, line_pages):
        numbered = pdfgen.PARA_NUMBER.match(line)
        words = drawable(numbered[2] if numbered else line).split()[:6]
        if numbered:  # printed on its own row: its text may start on the next page
            assert numbered[1] in text_of[page].split()
            assert " ".join(words) in text_of[page] + " " + text_of.get(page + 1, ""), (page, line)
        elif words:
            assert " ".join(words) in text_of[page], (page, line)


def test_running_header_and_page_footer_are_stripped_but_the_first_header_kept_as_a_possible_title(agb_pdf):
    path, _, _ = agb_pdf
    pages = load_pages(path, LIMIT)
    assert pages[0].text.startswith(HEADER + "\n")
    assert not any(HEADER in page.text for page in pages[1:])
    assert not any(re.search(r"Page \d+ of \d+", page.text) for page in pages)


def test_the_running_lines_a_file_loses_are_on_its_report_and_printed_by_inspect(agb_pdf, capsys):
    from boardqa.cli import main
    from corpus.ingest import read_file

    path, _, line_pages = agb_pdf
    total = max(line_pages)
    report = read_file(path, max_bytes=LIMIT)
    assert dict(report.running) == {HEADER: total - 1, f"Page 1 of {total}": total}
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == ("left out as running headers, footers and page numbers: "
                                    f"“Page 1 of {total}” ×{total}; “{HEADER}” ×{total - 1}")


def test_strip_running_false_keeps_headers_and_footers(agb_pdf):
    path, _, _ = agb_pdf
    pages = load_pages(path, LIMIT, strip_running=False)
    assert all(p.text.startswith(HEADER) for p in pages)
    assert pages[-1].text.endswith(f"Page {len(pages)} of {len(pages)}")


def test_paragraph_numbers_printed_on_their_own_line_are_kept(agb_pdf):
    path, lines, _ = agb_pdf
    numbers = [m[1] for line in lines if (m := pdfgen.PARA_NUMBER.match(line))]
    assert len(numbers) > 40
    found = [line for line in lines_of(load_pages(path, LIMIT)) if line in set(numbers)]
    assert found == numbers


@pytest.mark.parametrize("footer", ["{n}", "Page {n}", "- {n} -", "Page {n} of {total}", "{n}/{total}"])
def test_lone_page_numbers_are_stripped_and_bare_paragraph_numbers_kept(tmp_path, footer):
    # Bare paragraph numbers (`7`) on their own line, many of them at the top or bottom of a page.
    text = "\n".join(f"{i} Paragraph {i} reports that the panel agreed item {i}." for i in range(1, 61))
    path = tmp_path / "numbers.pdf"
    render_pdf(text, path, footer=footer, number_on_own_line=True, lines_per_page=9)
    pages = load_pages(path, LIMIT)
    assert len(pages) == 14
    assert [line for line in lines_of(pages) if line.isdigit()] == [str(i) for i in range(1, 61)]
    assert strip_running_lines(pages) == pages  # a second pass (ingest may strip again) changes nothing


def test_blank_lines_between_paragraphs_survive_and_text_round_trips_exactly(tmp_path):
    text = "1.1 The PCC welcomed the report.\n\n1.2 Members asked about “response times” – £2.5m.\nNo more."
    path = tmp_path / "short.pdf"
    render_pdf(text, path, footer=None)
    assert load_pages(path, LIMIT) == [Page(1, drawable(text))]


@pytest.mark.skipif(not FONT_IS_UNICODE, reason="needs DejaVuSans (fonts-dejavu-core) to draw these symbols")
def test_symbols_of_the_samples_round_trip_through_pdf(tmp_path):
    text = "Trend ⊖ ⊕ ⬇ ⬆ ● “quoted” – £12 and 10⁷ ‘single’"
    render_pdf(text, tmp_path / "symbols.pdf", footer=None)
    assert load_pages(tmp_path / "symbols.pdf", LIMIT)[0].text == text


def test_agenda_pack_of_76_pages_loads_every_page(tmp_path):
    # How fast it loads is measured in benchmarks/, not asserted here: these machines are shared and noisy.
    path = tmp_path / "pack.pdf"
    line_pages = render_pdf(PACK.read_text(encoding="utf-8"), path, header=HEADER, footer="{n}",
                            two_blank_page_break=True)
    pages = load_pages(path, LIMIT)
    assert len(pages) == max(line_pages) > 60


# --- bad files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "reason"), [
    ("encrypted.pdf", r"encrypted PDF \(needs a password\): remove the password and ingest again"),
    ("truncated.pdf", r"damaged or truncated PDF .*: download or export it again"),
    ("corrupt.pdf", r"damaged or truncated PDF"),
    ("scanned.pdf", r"no text layer on any of its 1 page .*run OCR first"),
    ("empty.txt", r"empty file \(0 bytes\)"),
    ("word_renamed.pdf", r"this is a Word document renamed \.pdf: save it as PDF"),
    ("binary.pdf", r"not a PDF \(no %PDF- header"),
    ("binary.txt", r"binary file, not text"),
    ("many_empty_pages.pdf", r"no text layer on any of its 3000 pages"),
    ("oversize.txt", r"file is 1001 bytes, over the 1000 bytes limit: split it"),
])
def test_bad_file_fails_naming_the_file_the_reason_and_the_fix(bad, name, reason):
    with pytest.raises(UnreadableFile, match=reason) as caught:
        load_pages(bad[name], ODD_LIMIT if name == "oversize.txt" else LIMIT)
    error = caught.value
    assert error.path == str(bad[name]) and str(error).startswith(f"{bad[name]}: {error.reason}")
    assert error.reason and error.fix and isinstance(error, ValueError)


def test_unreadable_file_survives_pickling_for_worker_processes():
    error = UnreadableFile("papers/pack.pdf", "encrypted PDF (needs a password)",
                           "remove the password and ingest again")
    assert str(error) == "papers/pack.pdf: encrypted PDF (needs a password): remove the password and ingest again"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, copy.fix, str(copy)) == (error.path, error.reason, error.fix, str(error))


def test_missing_file_folder_and_unsupported_types_are_refused(tmp_path):
    with pytest.raises(UnreadableFile, match=r"missing\.pdf: file not found"):
        load_pages(tmp_path / "missing.pdf", LIMIT)
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(UnreadableFile, match="is a folder"):
        load_pages(tmp_path / "folder.pdf", LIMIT)
    (tmp_path / "minutes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(UnreadableFile, match=r"unsupported file type '\.docx': save it as PDF .*\.pdf, \.txt, \.md"):
        load_pages(tmp_path / "minutes.docx", LIMIT)
    (tmp_path / "pack.txt").write_bytes(pdf_bytes())
    with pytest.raises(UnreadableFile, match=r"this is a PDF named \.txt: rename it to \.pdf"):
        load_pages(tmp_path / "pack.txt", LIMIT)


def test_oversize_is_refused_before_reading_with_sizes_in_mb(tmp_path):
    path = tmp_path / "big.pdf"
    with path.open("wb") as handle:
        handle.truncate(120 * 1024 * 1024)  # sparse: nothing is written or read
    with pytest.raises(UnreadableFile, match="file is 120 MB, over the 50 MB limit"):
        load_pages(path, LIMIT)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_an_empty_user_password_opens(tmp_path, algorithm):
    # Published papers are often encrypted with an owner password only (no printing or copying), often AES.
    path = tmp_path / "owner_only.pdf"
    path.write_bytes(encrypted_pdf(pdf_bytes(), "", algorithm=algorithm))
    pages = load_pages(path, LIMIT)
    assert len(pages) == 3 and "1.1" in pages[0].text


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_with_a_user_password_is_refused_saying_so(tmp_path, algorithm):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf(pdf_bytes(), "secret", algorithm=algorithm))
    with pytest.raises(UnreadableFile, match=r"locked.pdf: encrypted PDF \(needs a password\)"):
        load_pages(path, LIMIT)


def test_truncated_pdf_keeps_the_pages_that_still_read(bad):
    notes: list[str] = []
    pages = load_pages(bad["partial.pdf"], LIMIT, notes=notes)
    assert [p.number for p in pages] == [1, 2]
    assert "1.1 Paragraph 1 of the sample paper" in pages[0].text
    assert any("rebuilding its trailer" in note for note in notes)


def test_deeply_nested_page_is_skipped_without_recursion_error(bad, caplog):
    notes: list[str] = []
    pages = load_pages(bad["nested.pdf"], LIMIT, notes=notes)
    assert pages == [Page(1, "Hello nested world")]
    assert notes == ["1 page could not be read (page 2: RecursionError)"]
    assert "could not be read" in caplog.text


def test_page_cap_reads_only_the_first_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_PDF_PAGES", 2)
    path = tmp_path / "three.pdf"
    path.write_bytes(pdf_bytes())
    notes: list[str] = []
    assert [p.number for p in load_pages(path, LIMIT, notes=notes)] == [1, 2]
    assert notes == ["only the first 2 of its 3 pages were read"]


# --- text files --------------------------------------------------------------------------------------------------


def test_cp1252_and_mixed_encodings_are_decoded(bad):
    expected = "1.1 The budget is £5m – “approved” by the café’s committee.\n"
    assert load_pages(bad["cp1252.txt"], LIMIT)[0].text == expected
    assert load_pages(bad["mixed_encoding.txt"], LIMIT)[0].text.split("\n")[:2] == [
        "1.1 Café “one” – £1 in UTF-8.", "1.2 Café “two” – £2 in cp1252."]


def test_odd_unicode_is_cleaned_and_smart_quotes_kept(bad):
    text = load_pages(bad["odd_unicode.txt"], LIMIT)[0].text
    assert text == "1.1 The financial flow report says “yes” and ‘no’: cooperation matters.\n"


def test_decoding_never_crashes_on_any_bytes():
    assert decode_text(bytes(range(256))).startswith("\x00")
    assert decode_text("UTF-16 text".encode("utf-16")) == "UTF-16 text"
    assert decode_text(b"\xef\xbb\xbf1.1 Text") == "1.1 Text"


def test_text_with_form_feeds_gives_pages_and_others_one_page(tmp_path):
    (tmp_path / "paged.txt").write_text("1.1 First page.\n\f1.2 Second page.\n\f\f1.3 Fourth page.\n", encoding="utf-8")
    assert [p.number for p in load_pages(tmp_path / "paged.txt", LIMIT)] == [1, 2, 4]
    (tmp_path / "notes.md").write_text("# Notes\r\n\r\n1.1 Bell\x07 removed.\r\n", encoding="utf-8")
    assert load_pages(tmp_path / "notes.md", LIMIT) == [Page(1, "# Notes\n\n1.1 Bell removed.\n")]


def test_huge_paragraph_and_same_named_files_load(bad):
    assert len(load_pages(bad["huge_paragraph.txt"], LIMIT)[0].text) == 200_000
    first, second = (load_pages(bad[f"same_name/{d}/pack.txt"], LIMIT)[0].text for d in "ab")
    assert "approved" in first and "deferred" in second


def test_sample_papers_load_as_one_page_unchanged_but_for_trailing_spaces():
    for sample in (AGB, PACK):
        pages = load_pages(sample, LIMIT)
        assert len(pages) == 1
        assert pages[0].text == re.sub(r"[ \t]+$", "", sample.read_text(encoding="utf-8"), flags=re.M)


# --- cleaning ----------------------------------------------------------------------------------------------------


def test_clean_text_normalises_invisible_and_odd_characters():
    raw = "e\ufb00ect \ufb01le \ufb02ow o\ufb03ce ba\ufb04e\u00a0a\u2009b\u202fc so\u00adft ze\u200bro jo\u200dined "
    raw += "\ufeffX"
    # ligatures, NBSP, thin and narrow spaces, soft hyphen, zero-width space and joiner, BOM
    assert clean_text(raw) == "effect file flow office baffle a b c soft zero joined X"
    assert clean_text("“Quote” ‘single’ – — …") == "“Quote” ‘single’ – — …"
    assert clean_text("line one  \r\nline two\rline three\x0c") == "line one\nline two\nline three\x0c"


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("the inves-\ntigation was closed", "the investigation\nwas closed"),
    ("the inves-\ntigation\nwas closed", "the investigation\nwas closed"),
    ("an inves-\ntigation.", "an investigation."),
    ("the inves\u00ad\ntigation", "the investigation"),
    ("West-\nMidlands Police", "West-\nMidlands Police"),
    ("in 2024-\n25 there were", "in 2024-\n25 there were"),
    ("a list -\nitem", "a list -\nitem"),
])
def test_pdf_word_splits_are_joined_only_when_lower_case_continues(raw, cleaned):
    assert clean_text(raw, pdf=True) == cleaned


def test_text_files_keep_line_end_hyphens():
    assert clean_text("the inves-\ntigation") == "the inves-\ntigation"


# --- the PDF generator itself ------------------------------------------------------------------------------------


def test_render_pdf_reports_a_page_per_input_line_and_honours_page_breaks(tmp_path):
    pages = render_pdf(SAMPLE_TEXT, tmp_path / "a.pdf")
    assert len(pages) == SAMPLE_TEXT.count("\n") + 1 and pages == sorted(pages) and pages[-1] == 3
    text = "Page one.\n\n\nPage two.\n\nStill two."
    assert render_pdf(text, tmp_path / "b.pdf", two_blank_page_break=True) == [1, 2, 2, 2, 2, 2]
    assert [p.text for p in load_pages(tmp_path / "b.pdf", LIMIT)] == ["Page one.", "Page two.\n\nStill two."]


def test_helvetica_fallback_maps_symbols_to_ascii(monkeypatch):
    monkeypatch.setattr(pdfgen, "FONT_IS_UNICODE", False)
    assert drawable("⊖ ⊕ ⬇ ⬆ ● “x” – £ ✓") == "(-) (+) v ^ * “x” – £ ?"


# --- properties --------------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_text_is_idempotent_and_leaves_no_invisible_characters(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not set(cleaned) & set("\u00ad\u200b\u200d\ufeff\u00a0\r\x00\ufb01")


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_decode_text_never_raises(data):
    assert isinstance(decode_text(data), str)


def test_words_drawn_one_by_one_are_read_as_the_lines_they_are_printed_on(tmp_path):
    lines = ["Treasurer's Report", "Water $ 218,967.89", "1. The board approved the budget for the year."]
    path = tmp_path / "exported.pdf"
    path.write_bytes(pdfgen.word_per_object_pdf(lines))
    text = load_pages(path, 10_000_000)[0].text
    assert [ln for ln in text.splitlines() if ln.strip()] == ["Treasurer’s Report", "Water $ 218,967.89",
                                                               "1. The board approved the budget for the year."]


def test_a_number_printed_level_with_its_paragraph_in_a_column_of_its_own_stays_its_own_line():
    lines = [("FGB 114/2122", 600.0, 11.0, True), ("", None, 0.0, False),
             ("Dates of next meetings were agreed for the coming year.", 600.0, 11.0, False),
             ("", None, 0.0, False), ("The clerk will circulate them to all governors this week.", 586.0, 11.0,
                                      False)]
    assert same_line_rejoined(lines) == lines


def test_two_figures_a_pdf_prints_with_no_space_between_are_parted():
    from corpus.cleaning import clean_text

    assert clean_text("Total number of appointments 73,72783,357 89,189", pdf=True) \
        == "Total number of appointments 73,727 83,357 89,189"
    assert clean_text("1,234,567 and 12,345; £1,2345", pdf=True) == "1,234,567 and 12,345; £1,2345"
    assert clean_text("73,72783,357", pdf=False) == "73,72783,357"  # only a PDF's layout loses spaces
