"""Markdown tables from the measurements of `run.py`; every figure sits beside a ratio to a same-process baseline."""

from __future__ import annotations

import math

from benchmarks.common import fmt, ratio, size_label, table

# Dense search is one step of an answer; past this p95 an exact scan costs more than the rest of
# `Engine.ask` on the sample corpus, so an approximate index earns its build time and memory.
DENSE_BUDGET_MS = 50.0


def size_latency_table(runs: list[dict]) -> str:
    rows = []
    for r in runs:
        s = r.get("serve")
        if not s:
            rows.append([size_label(r["n"]), "failed: " + r.get("error", "?")] + [""] * 8)
            continue
        lc = s["lc_search"]
        rows.append([size_label(r["n"]), s["kind"], f"{fmt(s['retrieve'][0])} / {fmt(s['retrieve'][1])}",
                     f"{fmt(s['ask'][0])} / {fmt(s['ask'][1])}", f"{fmt(lc[0])} / {fmt(lc[1])}",
                     ratio(s["retrieve"][0], lc[0]), ratio(s["retrieve"][1], lc[1]), ratio(s["ask"][0], lc[0]),
                     ratio(s["ask"][1], lc[1]), fmt(s["gold_at_8"], 2)])
    header = ["paragraphs", "dense index", "retrieve p50 / p95 ms", "ask p50 / p95 ms",
              "LangChain search p50 / p95 ms", "retrieve/LC p50", "retrieve/LC p95", "ask/LC p50", "ask/LC p95",
              "gold in top 8"]
    return table(header, rows) + (
        "\n\nLangChain search = `FAISS.similarity_search(q, k=8)` (IndexFlatL2, exact) over the same texts and "
        "vectors, in the same process. `gold in top 8` counts only the original paper's paragraph (file and label), "
        "not generated copies.")


def exact_vs_hnsw_table(runs: list[dict]) -> str:
    """At sizes where the product uses HNSW: the same engine with an exact index swapped in."""
    rows = []
    for r in runs:
        e = (r.get("serve") or {}).get("exact")
        if not e:
            continue
        flat, hnsw = e["retrieve_flat"], e["retrieve_hnsw"]
        rows.append([size_label(r["n"]), f"{fmt(flat[0])} / {fmt(flat[1])}", f"{fmt(hnsw[0])} / {fmt(hnsw[1])}",
                     ratio(hnsw[0], flat[0]), ratio(hnsw[1], flat[1]), fmt(e["gold_at_8"], 2),
                     fmt(r["serve"]["gold_at_8"], 2)])
    if not rows:
        return "No size above `exact_threshold` was run, so the product never used HNSW."
    header = ["paragraphs", "retrieve exact p50 / p95 ms", "retrieve HNSW p50 / p95 ms", "HNSW/exact p50",
              "HNSW/exact p95", "gold in top 8 (exact)", "gold in top 8 (HNSW)"]
    return table(header, rows) + "\n\nSame process, same questions, the two indexes taking turns."


def breakdown_table(runs: list[dict]) -> str:
    rows = []
    for r in runs:
        s = r.get("serve")
        if not s:
            continue
        total = s["retrieve"][0]
        cells = [size_label(r["n"])]
        parts = 0.0
        for step in ("embed", "dense", "dense_1thread", "bm25", "lookup"):
            p50 = s["parts"].get(step, (0.0, 0.0))[0]
            parts += 0.0 if step == "dense_1thread" else p50
            cells.append(f"{fmt(p50, 2)} ({100 * p50 / total:.0f}%)" if total else fmt(p50, 2))
        rest = max(0.0, total - parts)
        cells.append(f"{fmt(rest, 2)} ({100 * rest / total:.0f}%)" if total else fmt(rest, 2))
        answer = s.get("answer_only")
        cells += [fmt(total, 2), fmt(answer[0], 2) if answer else "n/a",
                  fmt(s["gc_full_ms"], 0) if "gc_full_ms" in s else "n/a"]
        rows.append(cells)
    header = ["paragraphs", "embed question", "dense (40)", "dense, 1 FAISS thread", "BM25 (40, expanded query)",
              "reference lookup", "rest (fusion, cosines)", "retrieve total", "answer step of ask",
              "one full gc.collect() ms"]
    return table(header, rows) + (
        "\n\np50 ms of each step, the steps taking turns question by question; (%) = share of the "
        "`Engine.retrieve` p50 in the same process. `dense, 1 FAISS thread` is the same search with "
        "`faiss.omp_set_num_threads(1)`; rest = retrieve total minus the steps (RRF fusion, and the cosine of "
        "BM25-only hits, which scans `owners`). The answer step is `Answer.timings['answer_ms']` inside `ask`. "
        "A full garbage collection scans every live object, the loaded index's included.")


def build_table(runs: list[dict]) -> str:
    rows = []
    for r in runs:
        b = r.get("build")
        if not b:
            rows.append([size_label(r["n"]), "failed: " + r.get("error", "?")] + [""] * 8)
            continue
        total = b["index_s"] + b["write_s"]
        other = max(0.0, b["index_s"] - b["dense_s"] - b["bm25_s"])
        s = r.get("serve") or {}
        cells = [size_label(r["n"]), f"{b['passages']:,}" + ("" if b["aligned"] else " (!)"), b["kind"],
                 fmt(b["gen_s"] + b["vectors_s"])]
        for value in (b["dense_s"], b["bm25_s"], other, b["write_s"]):
            cells.append(f"{fmt(value)} ({100 * value / total:.0f}%)" if total else fmt(value))
        cells += [fmt(total), fmt(r["n"] / total if total else None, 0), fmt(s.get("load_s"))]
        rows.append(cells)
    header = ["paragraphs", "passages", "dense index", "generate s", "dense build s", "BM25 build s",
              "other s", "write s", "index + write s", "paragraphs/s", "load s"]
    return table(header, rows) + (
        "\n\nBuilt by the product's `update_index` with generated vectors in place of the model (so `embed` is "
        "excluded; see section 1 for real embedding). (%) = share of index + write in the same process. "
        "BM25 build = tokenising + bm25s; other = planning, stacking vectors; load = `Index.load` with every "
        "file's sha256 checked, in the serve process. (!) = passages did not line up with the sample's.")


def memory_table(runs: list[dict]) -> str:
    rows = []
    for r in runs:
        b, s = r.get("build"), r.get("serve")
        if not (b and s):
            continue
        raw = b["text_mb"] + b["vectors_mb"]
        disk = sum(b["disk_mb"].values())
        grown = b["peak_mb"] - b.get("start_mb", 0.0)
        files = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(b["disk_mb"].items(), key=lambda kv: -kv[1]) if v >= 1)
        rows.append([size_label(r["n"]), fmt(raw, 0), fmt(b["peak_mb"], 0), ratio(grown, raw),
                     fmt(s["rss_index_mb"], 0), fmt(s["lc_rss_mb"], 0), ratio(s["rss_index_mb"], s["lc_rss_mb"]),
                     fmt(s["peak_serving_mb"], 0), fmt(disk, 0), ratio(disk, raw), files])
    header = ["paragraphs", "raw text + vectors MB", "build peak RSS MB", "build growth / raw", "our index RSS MB",
              "LangChain store RSS MB", "ours / LangChain", "serving peak RSS MB (with model)", "disk MB",
              "disk / raw", "disk by file MB"]
    return table(header, rows) + (
        "\n\nPeak RSS is VmHWM (the kernel's peak RSS, as `ru_maxrss` but not inherited from the parent at fork) "
        "of a fresh process per size and stage: build, and serve = load + 2 warm-up questions. Build growth = "
        "peak minus the RSS before generating. Index RSS = RSS growth from `Index.load`; LangChain store RSS = RSS "
        "growth from building its FAISS store (docstore of `Document`s + IndexFlatL2) over the same passages and "
        "vectors, in the serve process.")


def ann_table(n: int, rows: list[dict]) -> str:
    exact = rows[0]
    body = []
    for r in rows:
        body.append([r["method"], r["setting"], fmt(r["recall"], 3), fmt(r.get("cosine", 1.0), 4),
                     fmt(r["p50"], 2), fmt(r["p95"], 2),
                     ratio(r["p50"], exact["p50"]), fmt(r["memory_mb"], 0), ratio(r["memory_mb"], exact["memory_mb"]),
                     fmt(r["build_s"]) if r["build_s"] is not None else "see build table", r["note"]])
    header = ["method", "setting", "recall@10 vs exact", "top-10 cosine vs exact", "p50 ms", "p95 ms",
              "p50 vs exact", "index MB",
              "MB vs exact", "build s", "note"]
    return f"#### {size_label(n)} paragraphs\n\n" + table(header, body)


def recommend_threshold(runs: list[dict], current: int) -> str:
    """Where an exact scan's p95 would pass `DENSE_BUDGET_MS`, from the largest size's measured exact p95."""
    measured = [(r["serve"]["passages"], r["serve"]["ann"]) for r in runs if r.get("serve", {}).get("ann")]
    if not measured:
        return "No FAISS comparison was run (see --ann-sizes), so no threshold is recommended."
    n, rows = max(measured, key=lambda m: m[0])
    exact = rows[0]
    per_row = exact["p95"] / n
    limit = DENSE_BUDGET_MS / per_row
    nice = _round_down(limit)
    hnsw = [r for r in rows if r["method"].startswith("HNSW") and r["recall"] >= 0.95]
    hnsw_line = (f"HNSW reaches recall@10 {hnsw[0]['recall']:.3f} at {hnsw[0]['setting']} with p50 "
                 f"{hnsw[0]['p50']:.2f} ms ({ratio(hnsw[0]['p50'], exact['p50'])} of exact)"
                 if hnsw else "HNSW did not reach recall@10 0.95 at any efSearch tried")
    builds = [r["build"] for r in runs if r.get("build") and r["build"]["kind"] == "hnsw"]
    build_line = ""
    if builds:
        b = builds[-1]
        build_line = (f" Building the HNSW graph took {b['dense_s']:.0f} s at {size_label(b['n'])} paragraphs "
                      f"({b['n'] / b['dense_s']:,.0f} vectors/s), and `update_index` rebuilds it from scratch on every "
                      "ingest, while a flat index costs a memory copy.")
    return (f"The threshold counts vectors (passages; a long paragraph has several). "
            f"At {n:,} vectors an exact scan takes p50 {exact['p50']:.1f} ms / p95 {exact['p95']:.1f} ms "
            f"per question ({per_row * 1e6:.1f} ms per 10^6 rows at p95, linear in size). Keeping exact search while "
            f"its p95 stays under {DENSE_BUDGET_MS:.0f} ms gives a threshold of ~{limit:,.0f} vectors; "
            f"**recommended `retrieval.exact_threshold` = {nice:,}** (currently {current:,}). {hnsw_line}.{build_line}")


def _round_down(value: float) -> int:
    """Down to one significant digit (467,845 -> 400,000): a setting people can read."""
    if value < 1:
        return 1
    exp = 10 ** int(math.floor(math.log10(value)))
    return int(value // exp) * exp
