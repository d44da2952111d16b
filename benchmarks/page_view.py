"""Page view speed on real PDFs: first render of a cited page, the same page from the cache (memory, and disk
after a restart), and how often the cited paragraph is found and boxed on its page.

    python -m benchmarks.page_view [--papers ../shared/papers] [--out benchmarks/results/page-view.md]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"{1000 * statistics.median(values):.0f} / {1000 * p95:.0f} / {1000 * values[-1]:.0f}"


def run(papers: Path, limit: int = 0) -> str:
    """The table for the first `limit` PDFs of `papers` (all when 0); its library and page cache are removed after."""
    with tempfile.TemporaryDirectory(prefix="bqa-pages-") as work:
        return _measure(papers, limit, Path(work))


def _measure(papers: Path, limit: int, work: Path) -> str:
    from boardqa import originals
    from boardqa.pageview import PageViews
    from corpus.ingest import read_file
    from corpus.records import content_hash, make_doc_id

    library, cache = work / "library", work / "cache"
    first, memory, disk, boxed, quoted, cited = [], [], [], 0, 0, 0
    seen: set[tuple[str, int]] = set()
    files = sorted(papers.glob("*.pdf"))[: limit or None]
    for pdf in files:
        report = read_file(pdf, max_bytes=50 << 20)
        if not report.ok:
            continue
        sha = content_hash(pdf.read_bytes())
        originals.keep(pdf, sha, library)
        doc_id = make_doc_id(pdf.name, sha)
        views = PageViews(library, cache)
        for p in report.paragraphs:
            if not p.pages:
                continue
            words = p.text.split()
            quote = " ".join(words[: min(12, len(words))])
            args = dict(doc=pdf.name, doc_id=doc_id, page=p.pages[0], cited_pages=list(p.pages), label=p.label,
                        text=p.text, quote=quote)
            started = time.perf_counter()
            shown = views.show(**args)
            elapsed = time.perf_counter() - started
            cited += 1
            boxed += 'class="bqa-box"' in shown.html
            quoted += 'class="bqa-hl"' in shown.html
            key = (pdf.name, p.pages[0])
            if key not in seen:
                seen.add(key)
                first.append(elapsed)  # the first paragraph shown on a page pays for its render
                started = time.perf_counter()
                views.show(**args)
                memory.append(time.perf_counter() - started)
                started = time.perf_counter()
                PageViews(library, cache).show(**args)  # a restarted app: rendered pages read from disk
                disk.append(time.perf_counter() - started)
    lines = [
        "# Page view speed",
        "",
        f"{len(files)} PDFs of `{papers}`, {len(first)} distinct cited pages, {cited} cited paragraphs.",
        "Times in ms as median / p95 / max, one process, the shared 2-core machine.",
        "",
        "| what | ms |",
        "|---|---|",
        f"| first view of a page (render + locate + close-up) | {_ms(first)} |",
        f"| the same view again (memory cache) | {_ms(memory)} |",
        f"| the same view after a restart (disk cache) | {_ms(disk)} |",
        "",
        f"Paragraph boxed on its page: {boxed}/{cited} ({100 * boxed / max(cited, 1):.1f}%); "
        f"quoted words highlighted: {quoted}/{cited} ({100 * quoted / max(cited, 1):.1f}%).",
    ]
    return "\n".join(lines) + "\n"



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "papers")
    parser.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    text = run(args.papers, args.limit)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
