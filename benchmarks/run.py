"""Benchmarks: cold ingest, latency and memory from 10^3 to 10^6 paragraphs, FAISS variants, LangChain baseline."""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import load_note, parse_sizes, quiet_logs, size_label  # noqa: E402

FULL_SIZES = "1e3,1e4,1e5,1e6"
QUICK_SIZES = "1e3,1e4"
WORKER_TIMEOUT_S = 3600


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} (FAISS comparison at 1e4): < 3 min")
    parser.add_argument("--sizes", help=f"comma-separated corpus sizes (default {FULL_SIZES})")
    parser.add_argument("--ann-sizes", help="sizes that also run the FAISS comparison (default: sizes >= 1e5; "
                                            "with --quick, the largest size; `none` for none)")
    parser.add_argument("--out", type=Path, help="Markdown report (default: benchmarks/results/latest.md; with "
                                                 "--milvus-only, benchmarks/results/milvus-run.md)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads for embedding (settings.embedding.threads; 0 = torch's default)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary index folders")
    parser.add_argument("--paths-only", action="store_true",
                        help="only section 0: previous against today's ingest and answer paths (~5 min)")
    parser.add_argument("--skip-paths", action="store_true", help="leave out section 0")
    parser.add_argument("--real-recall", action="store_true",
                        help="also IVF-PQ recall on real-text vectors (benchmarks/real_recall.py, ~10 min)")
    parser.add_argument("--milvus", action="store_true",
                        help="also FAISS against Milvus Lite: latency and top-10 agreement on both gold sets "
                             "(benchmarks/milvus_bench.py; a few minutes once the shared papers' eval index is cached)")
    parser.add_argument("--milvus-only", action="store_true", help="only the Milvus section")
    parser.add_argument("--incremental", action="store_true",
                        help="after each build, add and remove one paper (delta segment) and time serving before and "
                             "after, instead of the serving and LangChain measurements")
    parser.add_argument("--worker", choices=("build", "serve", "incremental"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sample-index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ann", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def worker(args: argparse.Namespace) -> int:
    """One stage of one size in a fresh process, so its peak RSS is its own."""
    from benchmarks import scale

    if args.worker == "build":
        result = scale.build(args.n, args.sample_index, args.folder)
    elif args.worker == "incremental":
        from benchmarks import incremental

        result = incremental.run(args.folder, args.sample_index, args.threads)
    else:
        result = scale.serve(args.folder, args.ann, args.threads)
    args.json.write_text(json.dumps(result))
    return 0


def _spawn(stage: str, n: int, workdir: Path, sample_index: Path, ann: bool, threads: int) -> dict:
    out = workdir / f"{stage}-{n}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", stage, "--n", str(n),
           "--sample-index", str(sample_index), "--folder", str(workdir / f"index-{n}"), "--json", str(out)]
    if ann:
        cmd.append("--ann")
    if threads:
        cmd += ["--threads", str(threads)]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S)
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise RuntimeError(f"{stage} worker exited {done.returncode}: {' | '.join(tail)}")
    log(f"{size_label(n)}: {stage} done in {time.perf_counter() - started:.0f} s")
    return json.loads(out.read_text())


def run_size(n: int, workdir: Path, sample_index: Path, ann: bool, args: argparse.Namespace) -> dict:
    record: dict = {"n": n}
    keep = args.keep
    try:
        record["build"] = _spawn("build", n, workdir, sample_index, False, args.threads)
        if args.incremental:
            record["incremental"] = _spawn("incremental", n, workdir, sample_index, False, args.threads)
        else:
            record["serve"] = _spawn("serve", n, workdir, sample_index, ann, args.threads)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        record["error"] = str(exc)[:300]
        log(f"{size_label(n)}: {record['error']}")
    finally:
        if not keep:
            shutil.rmtree(workdir / f"index-{n}", ignore_errors=True)
    return record


def header(args_line: str, started: str, load_start: str) -> str:
    import faiss
    import torch

    from boardqa.settings import Settings

    r = Settings().retrieval
    return "\n".join([
        "# Board Papers QA benchmarks", "",
        f"- run: `{args_line}` at {started}",
        f"- machine: {platform.machine()}, Python {platform.python_version()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), faiss {faiss.__version__}",
        f"- {load_start} at start (other jobs share these CPUs: compare ratios, not absolute times)",
        f"- settings: candidates={r.candidates}, top_k={r.top_k}, exact_threshold={r.exact_threshold:,}",
    ])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out = args.out or Path(f"benchmarks/results/{'milvus-run' if args.milvus_only else 'latest'}.md")
    quiet_logs()
    if args.worker:
        return worker(args)
    sizes = parse_sizes(args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES))
    if args.ann_sizes in ("none", "0"):
        ann_sizes: set[int] = set()
    elif args.ann_sizes:
        ann_sizes = set(parse_sizes(args.ann_sizes))
    else:
        ann_sizes = {max(sizes)} if args.quick else {n for n in sizes if n >= 100_000}
    started, load_start = time.strftime("%Y-%m-%d %H:%M"), load_note()
    t0 = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="boardqa-bench-"))
    try:
        return _run(args, sizes, ann_sizes, workdir, started, load_start, t0)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(args, sizes, ann_sizes, workdir: Path, started: str, load_start: str, t0: float) -> int:
    from benchmarks import ingest_bench, report
    from boardqa.settings import Settings

    from benchmarks import paths
    from corpus.ingest import sample_files

    log(f"work folder {workdir}; sizes {', '.join(map(size_label, sizes))}; {load_start}")
    argv_line = "benchmarks/run.py " + " ".join(sys.argv[1:])
    section0 = [] if args.skip_paths or args.milvus_only else [
        "## 0. Ingest and answer: the previous path against today's, same run", "",
        paths.report(paths.run(workdir / "paths", sample_files(), args.threads or 1)), ""]
    if section0:
        log("section 0 (ingest and answer paths) done")
    if args.real_recall:
        from benchmarks import real_recall

        section0 += ["## 0b. IVF-PQ recall on real-text vectors", "", real_recall.report(real_recall.run()), ""]
        log("section 0b (real-text recall) done")
    if args.milvus or args.milvus_only:
        from benchmarks import milvus_bench

        section0 += ["## 0c. FAISS against Milvus Lite (`--store milvus://...`)", "",
                     milvus_bench.report(milvus_bench.run(workdir / "milvus")), ""]
        log("section 0c (Milvus Lite) done")
    if args.paths_only or args.milvus_only:
        text = "\n".join([header(argv_line, started, load_start), "", *section0,
                          f"Finished in {(time.perf_counter() - t0) / 60:.1f} min; {load_note()} at the end."]) + "\n"
        print(text)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        return 0
    sample = ingest_bench.run_ingest(workdir, args.threads)
    log("sample corpus: ingest and LangChain pipeline done")
    runs = [run_size(n, workdir, Path(sample["index_dir"]), n in ann_sizes, args) for n in sizes]
    if args.incremental:
        from benchmarks import incremental

        parts = [header(argv_line, started, load_start), "", *section0,
                 "## 4. Index build by corpus size", "", report.build_table(runs), "",
                 "## 7. One paper added and one removed (delta segment, removed file)", "", incremental.report(runs),
                 "", f"Finished in {(time.perf_counter() - t0) / 60:.1f} min; {load_note()} at the end."]
        return _write(args, "\n".join(parts) + "\n", runs)
    parts = [header(argv_line, started, load_start), "", *section0,
             "## 1. Cold ingest of the sample papers (new temporary index)", "", ingest_bench.ingest_table(sample), "",
             "## 2. Query latency on the sample papers, against the usual LangChain pipeline", "",
             ingest_bench.query_table(sample), "",
             "## 3. Query latency by corpus size (generated corpora)", "", report.size_latency_table(runs), "",
             "### Where retrieval time goes", "", report.breakdown_table(runs), "",
             "### Exact against HNSW inside the product", "", report.exact_vs_hnsw_table(runs), "",
             "## 4. Index build by corpus size", "", report.build_table(runs), "",
             "## 5. Memory and disk by corpus size", "", report.memory_table(runs), "",
             "## 6. FAISS exact against approximate", ""]
    for r in runs:
        if r.get("serve", {}).get("ann"):
            parts += [report.ann_table(r["n"], r["serve"]["ann"]), ""]
    parts += ["Recall@10 against the exact top 10 over 200 queries (30 gold questions + 170 synthetic); latency is "
              "one query at a time over 60 of them, asking for 40 candidates as `Engine.retrieve` does.", "",
              "### Recommended exact -> approximate threshold", "",
              report.recommend_threshold(runs, Settings().retrieval.exact_threshold), "",
              f"Finished in {(time.perf_counter() - t0) / 60:.1f} min; {load_note()} at the end."]
    return _write(args, "\n".join(parts) + "\n", runs)


def _write(args, text: str, runs: list[dict]) -> int:
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    log(f"wrote {args.out}")
    return 0 if all("error" not in r for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
