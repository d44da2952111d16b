"""`boardqa` command line: ingest, inspect, papers, remove, ask (text, --json, --jsonl), serve, eval."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def _settings(args):
    from boardqa.settings import Settings

    overrides = {"index_dir": getattr(args, "index", None), "store": getattr(args, "store", None)}
    if getattr(args, "model", None):
        overrides["embedding__model"] = args.model
    if getattr(args, "precision", None):
        overrides["embedding__ingest_precision"] = args.precision
    if getattr(args, "llm", None):
        overrides["llm__url"] = args.llm
    if getattr(args, "llm_model", None):
        overrides["llm__model"] = args.llm_model
    if getattr(args, "llm_kind", None):
        overrides["llm__kind"] = args.llm_kind
    return Settings.load(**overrides)


def _bar(stream=sys.stderr):
    """A progress callback drawing one tqdm bar per stage (on stderr, so --json output stays clean)."""
    from tqdm import tqdm

    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=f"{stage:>6}", unit="", file=stream, leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return progress


def cmd_ingest(args) -> int:
    from boardqa.library import ingest_paths
    from corpus.ingest import sample_files

    settings = _settings(args)
    paths = list(args.paths) + (sample_files() if args.samples else [])
    if not paths and not args.compact:
        print("boardqa ingest: give files or folders (or --samples, or --compact)", file=sys.stderr)
        return 2
    loaders = logging.getLogger("corpus.loaders")
    level = loaders.level
    if not args.verbose:
        loaders.setLevel(logging.ERROR)  # its warnings are printed per file below, next to the file's line
    try:
        result = ingest_paths(paths, settings, progress=None if args.quiet else _bar(), compact=args.compact)
    finally:
        loaders.setLevel(level)
    for report in result.files:
        _print_report(report, result)
    secs = result.seconds
    if result.rebuilt:
        print(f"index rebuilt: {result.rebuilt}")
    if not any(r.ok and not r.skipped for r in result.files) and not result.rebuilt:
        print(f"index  {settings.store or settings.index_dir}: not changed (no file could be added"
              f"{'; nothing to compact' if args.compact else ''})")
    else:
        print(f"index  {settings.store or settings.index_dir}: {result.paragraphs} paragraphs; added {len(result.added)}, changed "
              f"{len(result.changed)}, unchanged {len(result.skipped)}; embedded {result.embedded} "
              f"(parse {secs.get('parse', 0):.2f}s, embed {secs.get('embed', 0):.2f}s, "
              f"index {secs.get('index', 0):.2f}s, write {secs.get('write', 0):.2f}s)")
    if result.failed:
        rest = "everything else was indexed" if len(result.failed) < len(result.files) else "nothing was indexed"
        print(f"{len(result.failed)} file(s) failed; {rest}", file=sys.stderr)
        return 1
    return 0


def _print_report(report, result) -> None:
    """One line per file: error (stderr), skip, or ok with what happened to the index; then its warnings."""
    if not report.ok:
        print(f"error  {report.error}", file=sys.stderr)
        return
    if report.skipped:
        print(f"skip   {report.path}: {report.notes[-1] if report.notes else 'already given'}")
        return
    name = report.paragraphs[0].doc
    state = ("unchanged (already indexed)" if name in result.skipped
             else f"replaced the earlier {name}" if name in result.changed else "added")
    papers = f" ({'; '.join(report.papers[:4])}{'; ...' if len(report.papers) > 4 else ''})" if report.papers else ""
    from corpus.loaders import counted

    counts = f"{counted(len(report.papers), 'paper')}, {counted(len(report.paragraphs), 'paragraph')}"
    print(f"ok     {report.path}: {state}, {counts}{papers}")
    for note in report.notes:
        print(f"warn   {report.path}: {note}", file=sys.stderr)


def cmd_inspect(args) -> int:
    from boardqa.settings import Settings
    from corpus.ingest import read_file

    settings = Settings.load()
    status = 0
    for path in args.files:
        report = read_file(Path(path), max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars)
        if not report.ok:
            print(f"error  {report.error}", file=sys.stderr)
            status = 1
            continue
        for p in report.paragraphs:
            if args.json:
                print(json.dumps(p.to_json(), ensure_ascii=False))
            else:
                text = p.text.replace("\n", " ⏎ ")
                print(f"{p.reference}\n    [{p.kind}] {p.section + ' | ' if p.section else ''}"
                      f"{text[:160]}{'…' if len(text) > 160 else ''}")
        # What the records leave out or a reader should check, after the records (on stderr beside JSON lines).
        out = sys.stderr if args.json else sys.stdout
        for note in report.notes:
            print(f"note  {path}: {note}", file=out)
        if report.running:
            shown = "; ".join(f"“{line}” ×{n}" for line, n in report.running[:8])
            more = f"; and {len(report.running) - 8} more" if len(report.running) > 8 else ""
            print(f"left out as running headers, footers and page numbers: {shown}{more}", file=out)
    return status


def cmd_papers(args) -> int:
    from boardqa.library import list_docs

    rows = list_docs(_settings(args))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("nothing indexed yet: boardqa ingest FILES (or boardqa ingest --samples)")
    for r in rows:
        who = " · ".join(x for x in (r.get("body"), r.get("committee")) if x) or r["meeting"]
        print(f"{r['doc']}  |  {r['paper']}  |  {who}  |  {r['date']}  |  {r['paragraphs']} paragraphs")
    return 0


def cmd_remove(args) -> int:
    from boardqa.library import remove_docs

    result = remove_docs(list(args.docs), _settings(args))
    missing = [d for d in args.docs if d not in result.removed]
    for name in result.removed:
        print(f"removed {name}")
    for name in missing:
        print(f"error  {name}: not in the index (see boardqa papers)", file=sys.stderr)
    return 1 if missing else 0


def format_answer(answer, explain: bool = False) -> str:
    """The readable form: answer, then numbered references with their quotes; `explain` adds the answerer's
    working (its scores, or what a language model's answer lost in verification)."""
    lines = [answer.answer, ""]
    support = [c for c in answer.citations if c.role == "support"]
    see_also = [c for c in answer.citations if c.role != "support"]
    for c in support:
        lines.append(f"[{c.n}] {c.reference}")
        lines.append(f"    “{c.quote}”")
    if see_also:
        lines.append("See also:")
        lines.extend(f"  - {c.reference}" for c in see_also)
    note = f"; {answer.note}" if explain and answer.note else ""
    lines.append(f"(confidence {answer.confidence:.2f}, {answer.answerer}{note})")
    return "\n".join(lines)


def cmd_ask(args) -> int:
    from qa.chain import EmptyQuestion, clean_question
    from qa.engine import Engine, Filters

    settings = _settings(args)
    question = " ".join(args.question)
    if not args.jsonl:
        try:
            clean_question(question)  # before loading the model: a typo should fail at once
        except EmptyQuestion as exc:
            print(f"boardqa ask: {exc}", file=sys.stderr)
            return 2
    engine = Engine.load(settings)
    filters = Filters.of(args.doc, args.paper, args.date_from, args.date_to, args.body, args.committee)
    use_llm = True if args.llm else None
    if args.jsonl:
        return _ask_batch(engine, filters, use_llm)
    try:
        answer = engine.ask(question, filters, use_llm=use_llm)
    except EmptyQuestion as exc:
        print(f"boardqa ask: {exc}", file=sys.stderr)
        return 2
    if args.reply:
        text, _ = engine.draft_reply(question, answer, use_llm=use_llm)
        print(text)
    elif args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer, explain=args.explain))
    return 0


def _ask_batch(engine, filters, use_llm) -> int:
    """One JSON line in, one answer line out, in order; the model and index are loaded once."""
    from qa.chain import EmptyQuestion

    status = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise ValueError("expected an object with a string `question`")
        except ValueError as exc:
            print(f"stdin line {n}: not a question ({exc})", file=sys.stderr)
            print(json.dumps({"line": n, "error": f"not a question: {exc}"}), flush=True)
            status = 1
            continue
        try:
            answer = engine.ask(item["question"], filters, use_llm=use_llm).to_json()
        except EmptyQuestion as exc:
            print(f"stdin line {n}: {exc}", file=sys.stderr)
            answer = {"line": n, "question": item["question"], "error": str(exc)}
            status = 1
        extra = {k: v for k, v in item.items() if k not in answer}
        print(json.dumps({**extra, **answer}, ensure_ascii=False), flush=True)
    return status


def cmd_serve(args) -> int:
    import app

    return app.main(["--host", args.host, "--port", str(args.port)] + (["--password", args.password] if args.password else [])
                    + (["--index", args.index] if args.index else []) + (["--store", args.store] if args.store else []))


STORE_HELP = ("keep the library in Milvus: milvus://HOST:PORT (a server or cluster) or milvus:///abs/path/lib.db "
              "(Milvus Lite on a file); default: $BOARDQA_STORE, else the FAISS index folder")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boardqa", description="Answer questions from board papers, citing their own paragraph numbers.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_index(p):
        p.add_argument("--index", help="index folder (default: $BOARDQA_INDEX or ~/.local/share/boardqa/index)")
        p.add_argument("--model", help="sentence-transformers model name or folder (default: bundled all-MiniLM-L6-v2)")
        p.add_argument("--store", metavar="URL", help=STORE_HELP)
        return p

    p = with_index(sub.add_parser("ingest", help="add PDFs / text files (or folders) to the index"))
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("--samples", action="store_true", help="also ingest the bundled sample papers")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--compact", action="store_true",
                   help="merge a large index's delta segments and removed files into one (a full rebuild)")
    p.add_argument("--precision", choices=("auto", "bf16", "fp32"),
                   help="model precision at ingest: fp32 (default); bf16, x2.2-2.6 faster where the CPU has AMX, "
                        "vectors within 2e-3 (a few top 10s reorder); auto: bf16 where the CPU has AMX / "
                        "AVX512-BF16, else fp32 ($BOARDQA_INGEST_PRECISION)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("inspect", help="show the paragraph records of files exactly as they would be indexed")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_inspect)

    p = with_index(sub.add_parser("papers", help="list what is indexed"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_papers)

    p = with_index(sub.add_parser("remove", help="remove files from the index (by file name)"))
    p.add_argument("docs", nargs="+")
    p.set_defaults(func=cmd_remove)

    p = with_index(sub.add_parser("ask", help="answer a question with cited paragraphs"))
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    p.add_argument("--jsonl", action="store_true", help="batch: JSON lines {id, question, ...} on stdin, answers on stdout")
    p.add_argument("--reply", action="store_true", help="draft an officer's reply to a member of the public")
    p.add_argument("--explain", action="store_true", help="also print how the answer was chosen (its scores)")
    p.add_argument("--doc", action="append", help="only this file (repeatable)")
    p.add_argument("--paper", action="append", help="only this paper title (repeatable)")
    p.add_argument("--body", action="append", help="only papers of this body, as `boardqa papers` names it (repeatable)")
    p.add_argument("--committee", action="append", help="only papers of this committee (repeatable)")
    p.add_argument("--date-from", help="meeting date from (YYYY-MM-DD)")
    p.add_argument("--date-to", help="meeting date to (YYYY-MM-DD)")
    p.add_argument("--llm", help="OpenAI-compatible or Ollama base URL for fluent, verified answers")
    p.add_argument("--llm-model", help="model name at that endpoint")
    p.add_argument("--llm-kind", choices=["openai", "ollama"], help="API of the endpoint (default openai)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="start the web app (Gradio)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--password", help="require login (user `boardqa`)")
    p.add_argument("--index")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="score answers against the gold set (system and baselines)")
    try:
        from evals.cli import add_arguments, run

        add_arguments(p)
        p.set_defaults(func=run)
    except ImportError:  # pragma: no cover - evals is part of the package
        p.set_defaults(func=lambda a: 2)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # turn library errors into one line for people
        from index import IndexBusy, IndexCorrupt, ModelChecksumError, ModelNotFound
        from index.milvus import StoreUnreachable

        if isinstance(exc, (IndexBusy, IndexCorrupt, ModelChecksumError, ModelNotFound, ValueError, StoreUnreachable)):
            print(f"boardqa: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
