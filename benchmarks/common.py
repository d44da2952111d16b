"""Shared helpers for the benchmarks: timing, percentiles, memory, disk size, machine load and Markdown tables."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python benchmarks/run.py` puts benchmarks/, not the repo, on the path
    sys.path.insert(0, str(ROOT))

GOLD = ROOT / "evals" / "gold" / "gold.jsonl"
QUESTIONS = 30


def questions(n: int = QUESTIONS) -> list[str]:
    """The first `n` questions of the gold set: a fixed list, so runs are comparable."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows[:n]]


def gold_items(n: int = QUESTIONS) -> list:
    """The same first `n` gold items (questions with their gold paragraphs)."""
    from evals.gold import load_gold

    return load_gold(GOLD)[:n]


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (the same definition as the eval harness)."""
    from evals.metrics import percentile as pct

    return float(pct(list(values), q) or 0.0)


def p50_p95(values: Sequence[float]) -> tuple[float, float]:
    return percentile(values, 50), percentile(values, 95)


def time_each(fn: Callable[[str], object], items: Sequence[str], warmup: int = 2) -> list[float]:
    """Milliseconds per call of `fn(item)`, after `warmup` untimed calls (lazy imports, caches)."""
    for item in list(items)[:warmup]:
        fn(item)
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def time_interleaved(fns: dict[str, Callable[[str], object]], items: Sequence[str], rounds: int = 2,
                     warmup: int = 2) -> dict[str, list[float]]:
    """Milliseconds per call of each function, taking turns item by item (order rotating each time).

    Other jobs share the CPUs; taking turns makes a burst of their load hit every function alike,
    so the ratios between them hold even when the absolute times wobble.
    """
    names = list(fns)
    for item in list(items)[:warmup]:
        for name in names:
            fns[name](item)
    out: dict[str, list[float]] = {name: [] for name in names}
    turn = 0
    for _ in range(rounds):
        for item in items:
            order = names[turn % len(names):] + names[:turn % len(names)]
            turn += 1
            for name in order:
                started = time.perf_counter()
                fns[name](item)
                out[name].append((time.perf_counter() - started) * 1000)
    return out


class Stopwatch:
    """`with Stopwatch() as sw: ...` then `sw.seconds`."""

    def __enter__(self) -> "Stopwatch":
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started


def rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    VmHWM rather than `ru_maxrss`: a child started by a parent holding the model reports the
    parent's RSS at fork as its own `ru_maxrss` (Linux keeps it across exec), VmHWM starts afresh.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def ratio(ours: float, theirs: float) -> str:
    """`ours / theirs` as `×1.23`, or `n/a` when the baseline is zero or missing."""
    if not theirs or ours is None:
        return "n/a"
    return f"×{ours / theirs:.2f}"


def fmt(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; cells are printed as given (format numbers before)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def size_label(n: int) -> str:
    """`10^5` for powers of ten, else the number with separators."""
    exp = len(str(n)) - 1
    return f"10^{exp}" if n == 10 ** exp else f"{n:,}"


def parse_sizes(text: str) -> list[int]:
    """`1e3,1e4` -> [1000, 10000]."""
    sizes = [int(float(part)) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise ValueError(f"--sizes {text!r}: give positive sizes like 1e3,1e4,1e5,1e6")
    return sizes


def quiet_logs() -> None:
    """Silence library chatter (bm25s progress, transformers) so the tables stay readable."""
    import logging
    import warnings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.ERROR)
