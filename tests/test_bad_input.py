"""Bad input through the CLI: one clear line per bad file, good files still indexed, the index untouched by failure."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

import fakes
from pdfgen import make_bad_inputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
LIMIT = 50 * 1024 * 1024  # Settings().max_file_bytes

# Bad file -> (what the error line says is wrong, what it tells the user to do).
REFUSED = {
    "encrypted.pdf": ("encrypted PDF (needs a password)", "remove the password and ingest again"),
    "truncated.pdf": ("damaged or truncated PDF", "download or export it again"),
    "corrupt.pdf": ("damaged or truncated PDF", "download or export it again"),
    "scanned.pdf": ("no text layer on any of its 1 page (scanned images?)", "run OCR first"),
    "empty.txt": ("empty file (0 bytes)", "download or export it again"),
    "word_renamed.pdf": ("this is a Word document renamed .pdf", "save it as PDF"),
    "binary.pdf": ("not a PDF (no %PDF- header", "export it as PDF again"),
    "binary.txt": ("binary file, not text", "give the original PDF or a plain-text export"),
    "many_empty_pages.pdf": ("no text layer on any of its 3000 pages", "run OCR first"),
    "oversize.txt": ("file is 52,428,801 bytes, over the 52,428,800 bytes (50 MB) limit",
                     "split it into smaller files or raise the limit"),
    "same_name/b/pack.txt": ("another file named pack.txt with different content is in this ingest",
                             "rename one of them and ingest it again"),
}
# Files that must be read (some with a warning line) and indexed under these names.
READ = {"cp1252.txt", "mixed_encoding.txt", "odd_unicode.txt", "huge_paragraph.txt", "nested.pdf", "partial.pdf",
        "pack.txt"}
WARNED = {"partial.pdf": "damaged or truncated PDF, read after rebuilding its trailer: pages may be missing",
          "nested.pdf": "1 page could not be read (page 2: RecursionError)"}


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`boardqa.cli.main(argv)` in this process: (exit code, stdout, stderr)."""
    from boardqa.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def bad_folder(folder: Path) -> dict[str, Path]:
    """Every bad input plus the two sample papers; `oversize.txt` is a sparse file one byte over the limit."""
    files = make_bad_inputs(folder)
    with files["oversize.txt"].open("r+b") as handle:
        handle.truncate(LIMIT + 1)  # sparse: refused on its size before anything is read
    for sample in SAMPLES:
        shutil.copyfile(sample, folder / sample.name)
    return files


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """One ingest of the whole bad folder into a fresh index (seeded fake embedder: the files are the point)."""
    with pytest.MonkeyPatch.context() as patch:
        fakes.install(patch)
        folder = tmp_path_factory.mktemp("bad") / "papers"
        files = bad_folder(folder)
        index = folder.parent / "index"
        code, out, err = run_cli("ingest", "-q", "--index", str(index), str(folder))
        _, papers, _ = run_cli("papers", "--json", "--index", str(index))
        yield {"files": files, "index": index, "code": code, "out": out, "err": err,
               "papers": json.loads(papers)}


@pytest.fixture
def fake(monkeypatch):
    return fakes.install(monkeypatch)


def lines_naming(text: str, path: Path) -> list[str]:
    return [line for line in text.splitlines() if f"{path}:" in line]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_bad_file_gets_one_error_line_naming_it_the_reason_and_the_fix(ingested, name):
    path = ingested["files"][name]
    lines = lines_naming(ingested["err"], path)
    assert len(lines) == 1, lines
    reason, fix = REFUSED[name]
    assert lines[0].startswith(f"error  {path}: ") and reason in lines[0] and fix in lines[0]
    assert not lines_naming(ingested["out"], path)


def test_the_ingest_fails_but_every_good_file_is_indexed(ingested):
    assert ingested["code"] == 1
    assert ingested["err"].rstrip().endswith(f"{len(REFUSED)} file(s) failed; everything else was indexed")
    assert "Traceback" not in ingested["err"] and "DEBUG" not in ingested["err"]
    indexed = {row["doc"] for row in ingested["papers"]}
    assert indexed == READ | {p.name for p in SAMPLES}
    for name in READ - {"pack.txt"} | {p.name for p in SAMPLES}:
        path = ingested["files"].get(name, ingested["files"]["cp1252.txt"].parent / name)
        assert re.search(rf"^ok     {re.escape(str(path))}: added, \d+ papers?, \d+ paragraphs?", ingested["out"], re.M)


def test_damaged_but_readable_pdfs_are_indexed_with_a_warning(ingested):
    for name, warning in WARNED.items():
        path = ingested["files"][name]
        warnings = lines_naming(ingested["err"], path)
        assert f"warn   {path}: {warning}" in warnings and all(w.startswith("warn   ") for w in warnings)
        assert lines_naming(ingested["out"], path)[0].startswith(f"ok     {path}: added")


def test_a_later_ingest_of_only_bad_files_leaves_the_index_byte_for_byte(ingested, tmp_path, fake):
    index = tmp_path / "index"
    shutil.copytree(ingested["index"], index)
    before = {p.relative_to(index): p.read_bytes() for p in index.rglob("*") if p.is_file()}
    bad = [str(ingested["files"][name]) for name in ("encrypted.pdf", "scanned.pdf", "empty.txt", "binary.txt")]
    code, out, err = run_cli("ingest", "-q", "--index", str(index), *bad)
    assert code == 1 and err.count("error  ") == 4
    assert f"index  {index}: not changed (no file could be added)" in out
    assert err.rstrip().endswith("4 file(s) failed; nothing was indexed")
    assert {p.relative_to(index): p.read_bytes() for p in index.rglob("*") if p.is_file()} == before


def test_same_named_files_one_ingest_refuses_the_second_a_later_ingest_replaces(ingested, tmp_path, fake):
    index = tmp_path / "index"
    shutil.copytree(ingested["index"], index)
    first, second = ingested["files"]["same_name/a/pack.txt"], ingested["files"]["same_name/b/pack.txt"]

    def pack_texts() -> list[str]:
        from index import Index

        return [p.text for p in Index.load(index).paragraphs if p.doc == "pack.txt"]

    assert pack_texts() == ["The first pack says the budget was approved."]
    code, out, err = run_cli("ingest", "-q", "--index", str(index), str(second))
    assert code == 0 and err == ""
    assert f"ok     {second}: replaced the earlier pack.txt, 1 paper, 1 paragraph" in out
    assert "added 0, changed 1, unchanged 0" in out
    assert pack_texts() == ["The second pack says the budget was deferred."]
    code, out, _ = run_cli("ingest", "-q", "--index", str(index), str(second))
    assert code == 0 and f"ok     {second}: unchanged (already indexed)" in out
    copy = tmp_path / "copy" / "pack.txt"
    copy.parent.mkdir()
    shutil.copyfile(second, copy)
    code, out, err = run_cli("ingest", "-q", "--index", str(index), str(second), str(copy))
    assert code == 0 and f"skip   {copy}: same file as {second}, indexed once" in out


def test_odd_unicode_is_cleaned_and_answerable_even_when_pasted_with_ligatures(ingested, fake):
    from boardqa.settings import Settings
    from index import Index
    from qa.contract import violations
    from qa.engine import Engine

    settings = Settings.load(index_dir=ingested["index"])
    index = Index.load(settings.index_dir)
    [para] = [p for p in index.paragraphs if p.doc == "odd_unicode.txt"]
    assert para.label == "1.1" and para.text == "The financial flow report says “yes” and ‘no’: cooperation matters."
    engine = Engine(index, settings)
    for question in ("What does the financial flow report say?", "What does the \ufb01nancial \ufb02ow report say?",
                     "What does the financial\u00a0flow re\u00adport say?"):
        answer = engine.ask(question)
        assert not answer.abstained and answer.support[0].doc == "odd_unicode.txt", (question, answer.answer)
        assert answer.question == question and violations(answer) == []
    decoded = {doc: [p.text for p in index.paragraphs if p.doc == doc] for doc in ("cp1252.txt", "mixed_encoding.txt")}
    assert decoded == {"cp1252.txt": ["The budget is £5m – “approved” by the café’s committee."],
                       "mixed_encoding.txt": ["Café “one” – £1 in UTF-8.", "Café “two” – £2 in cp1252."]}
    answer = engine.ask("Who approved the £5m budget?")
    assert answer.support and answer.support[0].doc == "cp1252.txt" and violations(answer) == []


def test_an_enormous_paragraph_is_split_into_records(ingested):
    from boardqa.settings import Settings
    from corpus.ingest import read_file

    max_chars = Settings().chunker.max_chars
    path = ingested["files"]["huge_paragraph.txt"]
    report = read_file(path, max_bytes=LIMIT, max_chars=max_chars)
    records = report.paragraphs
    assert len(records) >= 200_000 // max_chars and all(len(p.text) <= max_chars for p in records)
    assert len({p.label for p in records}) == 1 and len({p.key for p in records}) == len(records)
    assert "".join(p.text for p in records) == path.read_text().strip()  # cut between words, nothing lost
    assert re.search(rf"ok     {re.escape(str(path))}: added, 1 paper, {len(records)} paragraphs", ingested["out"])
