#!/usr/bin/env bash
# Set up Board Papers QA in .venv (offline model, CPU torch) and answer a first question
# on the bundled sample papers. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# CPU torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -r requirements.lock
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
[ "${BOARDQA_SKIP_DEMO:-}" = 1 ] && exit 0
.venv/bin/boardqa ingest --samples
.venv/bin/boardqa ask "How many homicides were recorded in 2024/25?"
