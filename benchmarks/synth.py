"""Larger corpora from the sample paragraphs: copies with other figures, places and file names; their vectors."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from corpus.records import Paragraph, content_hash, make_doc_id

# Copy 0 is the real sample, so every gold question still has its answer at every size. Other
# copies swap in another force of the same word count (two-word name, one-word initials), and
# figures keep their digit counts, so every copy splits into the same passages as the sample.
AREAS = (
    ("West Midlands", "WMP"), ("Greater Manchester", "GMP"), ("West Yorkshire", "WYP"), ("South Yorkshire", "SYP"),
    ("North Yorkshire", "NYP"), ("Thames Valley", "TVP"), ("West Mercia", "WMC"), ("South Wales", "SWP"),
    ("North Wales", "NWP"), ("East Sussex", "ESP"), ("West Sussex", "WSP"), ("Milton Keynes", "MKP"),
    ("North Somerset", "NSP"), ("East Anglia", "EAP"), ("Greater London", "MPS"), ("South Tyneside", "STP"),
)
_DIGITS = re.compile(r"\d+")
_AREA = re.compile(r"West Midlands|\bWMP\b")
# Noise norm 0.5 keeps a copy at cosine ~0.89 to its original and ~0.8 to its siblings: on topic,
# but a question's top 10 among thousands of copies is then picked from near-ties, a hard case
# for approximate search (recall against exact is pessimistic; see the cosine column).
NOISE_NORM = 0.5


def _shift(copy: int):
    def shifted(m: re.Match) -> str:
        digits = m.group(0)
        return str((int(digits) + copy) % 10 ** len(digits)).zfill(len(digits))
    return shifted


def _area(copy: int):
    name, initials = AREAS[copy % len(AREAS)]
    return lambda m: initials if m.group(0) == "WMP" else name


def copy_paragraphs(base: list[Paragraph], copy: int) -> list[Paragraph]:
    """Copy `copy` of every base paragraph: figures shifted by `copy`, another area, its own file name."""
    if copy == 0:
        return list(base)
    area = _area(copy)
    slug = AREAS[copy % len(AREAS)][0].lower().replace(" ", "-")
    shift = _shift(copy)
    out = []
    docs: dict[str, tuple[str, str]] = {}
    for p in base:
        if p.doc not in docs:
            name = f"{slug}-{copy:06d}-{p.doc}"
            docs[p.doc] = (name, make_doc_id(name, content_hash(name.encode())))
        name, doc_id = docs[p.doc]
        text = _AREA.sub(area, _DIGITS.sub(shift, p.text))
        out.append(replace(p, doc=name, doc_id=doc_id, text=text, meeting=_AREA.sub(area, p.meeting)))
    return out


def make_files(base: list[Paragraph], shas: dict[str, str], n: int) -> list[tuple[str, str, list[Paragraph]]]:
    """`n` paragraphs as `update_index` takes them, `(file name, sha256, paragraphs)`: whole copies of
    `base` (copy 0 first, its files' real `shas` by name), the last copy cut short."""
    files: dict[str, tuple[str, str, list[Paragraph]]] = {}
    total, copy = 0, 0
    while total < n:
        for p in copy_paragraphs(base, copy)[: n - total]:
            if p.doc not in files:
                sha = shas.get(p.doc) or content_hash(p.doc.encode())
                files[p.doc] = (p.doc, sha, [])
            files[p.doc][2].append(p)
            total += 1
        copy += 1
    return list(files.values())


class GeneratedEmbedder:
    """Stands in for the model while a large index is built: the k-th text it is asked for gets row
    k of `vector_rows(base, ...)`. Copies split into the same passages as the sample, so passage
    k of a copy gets its original's vector plus noise, and the index is built by the product's own
    `update_index` (everything but the model runs for real)."""

    def __init__(self, base: np.ndarray, model_id: str, seed: int = 0) -> None:
        self.base = np.ascontiguousarray(base, dtype=np.float32)
        self._model_id = model_id
        self.seed = seed
        self.cursor = 0

    @property
    def model_id(self) -> str:
        return self._model_id

    def encode(self, texts: list[str]) -> np.ndarray:
        start, stop = self.cursor, self.cursor + len(texts)
        self.cursor = stop
        return vector_rows(self.base, start, stop, self.seed)

    def encode_query(self, text: str) -> np.ndarray:
        raise RuntimeError("GeneratedEmbedder only builds indexes; questions use the real model")


def vector_rows(base: np.ndarray, start: int, stop: int, seed: int = 0, noise: float = NOISE_NORM) -> np.ndarray:
    """Rows `start:stop` of the generated vectors: row k is base[k % len(base)], plus noise from the first copy on."""
    count, dim = base.shape
    rows = np.arange(start, stop)
    out = base[rows % count].copy()
    copies = rows >= count
    if copies.any():
        rng = np.random.default_rng([seed, start])
        noisy = out[copies] + rng.standard_normal((int(copies.sum()), dim), dtype=np.float32) * (noise / np.sqrt(dim))
        out[copies] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    return out


def synthetic_queries(base: np.ndarray, n: int, seed: int = 1, noise: float = NOISE_NORM) -> np.ndarray:
    """Extra query vectors (not in the index): random base vectors plus noise, for a steadier recall figure."""
    rng = np.random.default_rng(seed)
    rows = base[rng.integers(0, len(base), n)]
    q = rows + rng.standard_normal(rows.shape, dtype=np.float32) * (noise / np.sqrt(base.shape[1]))
    return (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)


def sample_paragraphs() -> list[Paragraph]:
    """The bundled sample papers as paragraph records, read with default settings."""
    from boardqa.settings import Settings
    from corpus.ingest import read_file, sample_files

    settings = Settings()
    out: list[Paragraph] = []
    for path in sample_files():
        report = read_file(Path(path), max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars,
                           strip_running=settings.chunker.strip_running_lines)
        out.extend(report.paragraphs)
    return out
