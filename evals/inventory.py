"""Label inventory check: the chunker's printed labels against an inventory, per file, plus text and page coverage.

An inventory is JSON `{file name: {"papers": [{"title", "labels": [...]}], "traps": [...], "notes"}}` (the shape of
`../shared/papers/inventory.json`). Definitions, per file:

- **Labels** are compared after normalisation (`normalise_label`: ends stripped, whitespace runs collapsed to one
  space, a leading `¶` dropped), as multisets, ignoring which paper they belong to. Inventory labels are every
  paper's `labels`. Our labels are the `label` of records with `printed` True (printed numbers, not derived labels
  such as `Cover` or a heading); records split from one long paragraph count once (only `piece` 0 counts), so a
  label printed twice counts twice.
- **matched** = size of the multiset intersection; **recall** = matched / inventory labels (None for a file whose
  inventory lists none); **precision** = matched / our labels (None when we print none).
- **found twice**: copies of a label beyond what the inventory lists (a label it does not list counts from its
  second copy); listed with their counts.
- **trap taken**: a normalised trap equal to one of our labels (each trap counted once).
- **coverage** = share of the file's word tokens that occur in our records. Word tokens are alphabetic runs of two or
  more letters (any script), NFKC-normalised and case-folded, after dropping format characters (soft hyphens,
  zero-width spaces); the source's tokens are a multiset taken from pypdf's `extract_text()` of every page (a text
  file's own text for `.txt`/`.md`). Ours are the multiset of tokens of every record's text and label (`FGB`,
  `Item`: a label is printed text the record carries) plus every distinct section, paper title and document title
  (each distinct string once, so a title repeated on every record cannot cover a word the records dropped), plus the
  running headers, footers and page numbers the reader dropped and reported (`FileReport.running`, printed by
  `boardqa inspect`): a `Page 3 of 12` footer is accounted for, not silently lost. Covered = sum over words of
  min(source count, our count). **in records** is the same share without the reported running lines. The most
  frequent missing words are listed so a developer sees what was dropped.
- **pages** = share of records' quotable sentences (three or more word tokens) whose every word token occurs on the
  pages the record gives (tokens of those pages' `extract_text()`): a citation's quote must be found on the page it
  names. Records without pages (text files) are not counted.

Overall figures pool the files (micro averages: summed matches over summed labels, summed covered words over summed
words); `min_file_recall` is the lowest recall of a file that lists labels.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.records import FileReport, Paragraph
from evals.metrics import bound_missed

WORD = re.compile(r"[^\W\d_]{2,}")
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
MISSING_WORDS_SHOWN = 12
MIN_QUOTE_WORDS = 3


class InventoryFileError(ValueError):
    """An inventory that cannot be used: names the file and what is wrong."""


@dataclass(frozen=True)
class InventoryEntry:
    """What the inventory expects of one file: its labels (all papers, reading order) and its traps."""

    name: str
    labels: tuple[str, ...]
    traps: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileScore:
    """How one file's records compare with its inventory entry (see the module docstring)."""

    name: str
    expected: int = 0
    ours: int = 0
    matched: int = 0
    missing_labels: tuple[str, ...] = ()
    extra_labels: tuple[str, ...] = ()
    found_twice: tuple[tuple[str, int], ...] = ()
    traps_taken: tuple[str, ...] = ()
    words: int = 0
    covered_words: int = 0
    record_words: int = 0  # covered by the records alone, without the reported running lines
    missing_words: tuple[tuple[str, int], ...] = ()
    quotes: int = 0
    quotes_on_page: int = 0
    off_page: tuple[str, ...] = ()
    error: str = ""

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.ours if self.ours else None

    @property
    def coverage(self) -> float | None:
        return self.covered_words / self.words if self.words else None

    @property
    def in_records(self) -> float | None:
        return self.record_words / self.words if self.words else None

    @property
    def pages(self) -> float | None:
        return self.quotes_on_page / self.quotes if self.quotes else None

    def to_json(self) -> dict:
        return {
            "file": self.name, "expected": self.expected, "ours": self.ours, "matched": self.matched,
            "recall": self.recall, "precision": self.precision, "found_twice": [list(x) for x in self.found_twice],
            "traps_taken": list(self.traps_taken), "missing_labels": list(self.missing_labels),
            "extra_labels": list(self.extra_labels), "words": self.words, "covered_words": self.covered_words,
            "coverage": self.coverage,
            "record_words": self.record_words, "in_records": self.in_records, "missing_words": [list(x) for x in self.missing_words],
            "quotes": self.quotes, "quotes_on_page": self.quotes_on_page, "pages": self.pages,
            "off_page": list(self.off_page), "error": self.error,
        }


@dataclass(frozen=True)
class InventoryScores:
    """Every file's score and the pooled figures."""

    files: tuple[FileScore, ...]
    overall: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"overall": dict(self.overall), "files": [f.to_json() for f in self.files]}


def normalise_label(label: str) -> str:
    """`¶ 3.7 ` -> `3.7`: ends stripped, whitespace collapsed, a leading `¶` dropped."""
    text = re.sub(r"\s+", " ", label or "").strip()
    return text[1:].strip() if text.startswith("¶") else text


def _strings(value: object, what: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InventoryFileError(f"{where}: {what} should be a list of strings")
    return tuple(value)


def parse_inventory(data: object, where: str = "inventory") -> dict[str, InventoryEntry]:
    """`{file name: InventoryEntry}` from decoded inventory JSON; `where` prefixes errors."""
    if not isinstance(data, dict) or not data:
        raise InventoryFileError(f"{where}: expected an object {{file name: {{papers, traps}}}} with at least one file")
    out = {}
    for name, entry in data.items():
        here = f"{where}: {name}"
        if not isinstance(entry, dict) or not isinstance(entry.get("papers"), list):
            raise InventoryFileError(f"{here}: expected {{\"papers\": [{{\"title\", \"labels\"}}], \"traps\": [...]}}")
        labels: list[str] = []
        titles: list[str] = []
        for i, paper in enumerate(entry["papers"], start=1):
            if not isinstance(paper, dict):
                raise InventoryFileError(f"{here}: paper {i} should be an object with `labels`")
            labels += _strings(paper.get("labels", []), f"paper {i} labels", here)
            titles.append(str(paper.get("title") or ""))
        out[name] = InventoryEntry(name=name, labels=tuple(labels), papers=tuple(titles),
                                   traps=_strings(entry.get("traps", []), "traps", here))
    return out


def load_inventory(path: Path | str) -> dict[str, InventoryEntry]:
    """Read an inventory file (see the module docstring for its shape).

    Raises:
        InventoryFileError: unreadable, not JSON, or not of the expected shape; the message names the file.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InventoryFileError(f"{path}: cannot read the inventory ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise InventoryFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return parse_inventory(data, str(path))


def our_labels(paragraphs: Sequence[Paragraph]) -> list[str]:
    """Normalised printed labels of the records, one per paragraph (split pieces of one paragraph count once)."""
    return [normalise_label(p.label) for p in paragraphs if p.printed and not p.piece]


def words(text: str) -> list[str]:
    """Word tokens of `text` (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return [w.casefold() for w in WORD.findall(text)]


def record_words(paragraphs: Sequence[Paragraph]) -> Counter:
    """Our word multiset: every record's text and label (a split paragraph's label once), plus each distinct
    section, paper title and document title once."""
    counts: Counter = Counter()
    for p in paragraphs:
        counts.update(words(p.text))
        if not p.piece:
            counts.update(words(p.label))
    for extra in dict.fromkeys(s for p in paragraphs for s in (p.section, p.paper, p.doc_title) if s):
        counts.update(words(extra))
    return counts


def source_pages(path: Path) -> list[str]:
    """The file's text per page as pypdf extracts it (one page for a text file)."""
    if path.suffix.lower() != ".pdf":
        return [path.read_text(encoding="utf-8", errors="replace")]
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt("")
    return [page.extract_text() or "" for page in reader.pages]


def _counts(ours: list[str], expected: Sequence[str]) -> tuple[int, Counter, Counter]:
    have, want = Counter(ours), Counter(normalise_label(x) for x in expected)
    return sum((have & want).values()), have, want


def _found_twice(have: Counter, want: Counter) -> tuple[tuple[str, int], ...]:
    return tuple((label, n) for label, n in have.items() if n > max(want.get(label, 0), 1))


def _sentences(text: str) -> Iterable[str]:
    return (s.strip() for s in SENTENCE_END.split(text or "") if s.strip())


def page_check(paragraphs: Sequence[Paragraph], pages: Sequence[str], shown: int = 5
               ) -> tuple[int, int, tuple[str, ...]]:
    """(quotable sentences, those whose words are all on the record's pages, a few that are not)."""
    page_words = [set(words(text)) for text in pages]
    total = ok = 0
    off: list[str] = []
    for p in paragraphs:
        if not p.pages:
            continue
        numbers = [n for n in p.pages if 1 <= n <= len(page_words)]
        where = set().union(*(page_words[n - 1] for n in numbers)) if numbers else set()
        for sentence in _sentences(p.text):
            tokens = words(sentence)
            if len(tokens) < MIN_QUOTE_WORDS:
                continue
            total += 1
            if all(t in where for t in tokens):
                ok += 1
            elif len(off) < shown:
                off.append(f"{p.label} p.{','.join(map(str, p.pages))}: {sentence[:80]}")
    return total, ok, tuple(off)


def score_file(entry: InventoryEntry, report: FileReport, pages: Sequence[str] | None) -> FileScore:
    """Compare one file's records with its inventory entry; `pages` is its text per page (None: not read)."""
    if not report.ok:
        return FileScore(name=entry.name, expected=len(entry.labels), error=report.error)
    ours = our_labels(report.paragraphs)
    matched, have, want = _counts(ours, entry.labels)
    ours_set = set(ours)
    traps = tuple(dict.fromkeys(t for t in (normalise_label(x) for x in entry.traps) if t in ours_set))
    score = FileScore(
        name=entry.name, expected=sum(want.values()), ours=len(ours), matched=matched,
        missing_labels=tuple((want - have).elements()), extra_labels=tuple((have - want).elements()),
        found_twice=_found_twice(have, want), traps_taken=traps,
    )
    if pages is None:
        return score
    source = Counter(w for text in pages for w in words(text))
    mine = record_words(report.paragraphs)
    running: Counter = Counter()
    for line, n in report.running:
        for w in words(line):
            running[w] += n
    lost = source - mine - running
    quotes, on_page, off = page_check(report.paragraphs, pages)
    return FileScore(**{**score.__dict__, "words": sum(source.values()),
                        "covered_words": sum((source & (mine + running)).values()),
                        "record_words": sum((source & mine).values()),
                        "missing_words": tuple(lost.most_common(MISSING_WORDS_SHOWN)), "quotes": quotes,
                        "quotes_on_page": on_page, "off_page": off})


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def pool(files: Sequence[FileScore]) -> dict:
    """Overall figures over `files` (micro averages; see the module docstring)."""
    expected = sum(f.expected for f in files)
    recalls = [f.matched / f.expected for f in files if f.expected]  # a file that failed to read counts as 0
    coverages = [f.coverage for f in files if f.coverage is not None]
    matched = sum(f.matched for f in files)
    return {
        "files": len(files), "errors": sum(bool(f.error) for f in files),
        "expected": expected, "ours": sum(f.ours for f in files), "matched": matched,
        "recall": _ratio(matched, expected), "precision": _ratio(matched, sum(f.ours for f in files)),
        "min_file_recall": min(recalls) if recalls else None,
        "found_twice": sum(n - 1 for f in files for _, n in f.found_twice),
        "traps_taken": sum(len(f.traps_taken) for f in files),
        "coverage": _ratio(sum(f.covered_words for f in files), sum(f.words for f in files)),
        "min_coverage": min(coverages) if coverages else None,
        "in_records": _ratio(sum(f.record_words for f in files), sum(f.words for f in files)),
        "pages": _ratio(sum(f.quotes_on_page for f in files), sum(f.quotes for f in files)),
    }


def score_inventory(inventory: Mapping[str, InventoryEntry], corpus: Path | str, *, max_bytes: int,
                    max_chars: int = 6000, strip_running: bool = True, text: bool = True,
                    progress=None) -> InventoryScores:
    """Read every file the inventory names from `corpus` and score it (`text=False` skips coverage and pages)."""
    from corpus.ingest import read_file

    folder = Path(corpus)
    scores = []
    for i, (name, entry) in enumerate(inventory.items(), start=1):
        path = folder / name
        if not path.is_file():
            scores.append(FileScore(name=name, expected=len(entry.labels), error=f"{path}: no such file"))
            continue
        report = read_file(path, max_bytes=max_bytes, max_chars=max_chars, strip_running=strip_running)
        pages = None
        if text and report.ok:
            try:
                pages = source_pages(path)
            except Exception as exc:  # pypdf raises many types; the label scores still stand
                report = FileReport(path=str(path), error=f"{path}: pypdf could not extract its text ({exc})")
        scores.append(score_file(entry, report, pages))
        if progress:
            progress("inventory", i, len(inventory))
    return InventoryScores(files=tuple(scores), overall=pool(scores))


def _cell(value: float | int | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def _short(name: str, width: int = 48) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def markdown(scores: InventoryScores, source: str = "") -> str:
    """The per-file table and the overall row, then each file's dropped words, traps and doubles."""
    header = ["file", "expected", "ours", "matched", "recall", "precision", "twice", "traps", "coverage", "in records",
              "pages"]
    lines = ["## Label inventory" + (f" ({source})" if source else ""), "",
             "Labels: printed labels as multisets per file; coverage: share of pypdf's words found in the records or in the "
             "running headers/footers the reader dropped and reported (in records: the records alone); "
             "pages: share of quotable sentences whose words are on the record's pages.", "",
             "| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for f in scores.files:
        row = [_short(f.name), f.expected, f.ours, f.matched, f.recall, f.precision,
               sum(n - 1 for _, n in f.found_twice), len(f.traps_taken), f.coverage, f.in_records,
               f.pages]
        lines.append("| " + " | ".join(x if isinstance(x, str) else _cell(x) for x in row) + " |")
    o = scores.overall
    total = ["**overall**", o["expected"], o["ours"], o["matched"], o["recall"], o["precision"], o["found_twice"],
             o["traps_taken"], o["coverage"], o["in_records"], o["pages"]]
    lines.append("| " + " | ".join(x if isinstance(x, str) else _cell(x) for x in total) + " |")
    lines += ["", f"Lowest file recall {_cell(o['min_file_recall'])}, lowest file coverage {_cell(o['min_coverage'])}, "
              f"{o['errors']} file(s) not read.", ""]
    details = []
    for f in scores.files:
        bits = []
        if f.error:
            bits.append(f"error: {f.error}")
        if f.traps_taken:
            bits.append("traps taken: " + ", ".join(f"`{t}`" for t in f.traps_taken))
        if f.found_twice:
            bits.append("found twice: " + ", ".join(f"`{t}`×{n}" for t, n in f.found_twice[:8]))
        if f.missing_labels:
            bits.append("missing: " + ", ".join(f"`{t}`" for t in f.missing_labels[:10])
                        + (" …" if len(f.missing_labels) > 10 else ""))
        if f.extra_labels:
            bits.append("not in inventory: " + ", ".join(f"`{t}`" for t in f.extra_labels[:10])
                        + (" …" if len(f.extra_labels) > 10 else ""))
        if f.missing_words:
            bits.append("words dropped: " + ", ".join(f"{w} ({n})" for w, n in f.missing_words[:8]))
        if f.off_page:
            bits.append("not on the page given: " + "; ".join(f"`{x}`" for x in f.off_page[:2]))
        if bits:
            details.append(f"- **{f.name}**: " + "; ".join(bits))
    if details:
        lines += ["### Per file: what differs", "", *details, ""]
    return "\n".join(lines)


INVENTORY_BOUNDS = {  # threshold key -> (overall figure, is an upper bound)
    "recall": ("recall", False), "precision": ("precision", False), "min_file_recall": ("min_file_recall", False),
    "traps_max": ("traps_taken", True), "min_coverage": ("min_coverage", False), "coverage": ("coverage", False),
    "pages": ("pages", False), "found_twice_max": ("found_twice", True),
}


def check(overall: Mapping, bounds: Mapping[str, float]) -> list[str]:
    """Every bound of an `inventory` thresholds section that `overall` misses, as a line for people."""
    failures = []
    for key, bound in bounds.items():
        if key not in INVENTORY_BOUNDS:
            continue
        name, is_max = INVENTORY_BOUNDS[key]
        value = overall.get(name)
        missed = bound_missed(f"inventory {name}", value, bound, is_max, shown=_cell(value) if value is not None else "")
        if missed:
            failures.append(missed)
    return failures
