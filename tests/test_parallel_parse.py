"""Ingest reads PDFs in worker processes: the same reports, in the order the files were given."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdfgen import render_pdf


@pytest.mark.slow
def test_pdfs_parsed_in_workers_give_the_same_reports_in_order(tmp_path: Path, samples_dir: Path,
                                                               monkeypatch) -> None:
    import boardqa.library as library

    text = (samples_dir / "agb-2025-05-police-and-crime-plan-performance.txt").read_text(encoding="utf-8")
    files = []
    for i, cut in enumerate((12000, 6000, 9000)):
        path = tmp_path / f"paper-{i}.pdf"
        render_pdf(text[:cut], path)
        files.append(path)
    files.append(tmp_path / "missing.pdf")  # a bad file keeps its place and its error
    read = library.functools.partial(library._read, max_bytes=10**8, max_chars=6000, strip_running=True, names={})
    serial = [read(f) for f in files]
    monkeypatch.setattr(library, "PARALLEL_PDF_BYTES", 0)
    monkeypatch.setattr(library, "PARSE_WORKERS", 2)
    parallel = list(library._parse_all(read, files))
    assert [r.path for r in parallel] == [str(f) for f in files]
    assert parallel == serial
    assert not parallel[3].ok and parallel[0].ok
