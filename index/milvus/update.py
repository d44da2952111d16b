"""Adding, replacing and removing files in a Milvus store: embed only new paragraphs, insert them, then drop the old."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

import numpy as np

from index.embeddings import Embedder, EmbedderLike, model_id_for, same_model
from index.milvus import parse_url
from index.milvus.client import (connect, create_collections, create_sentences, docs_name, has_collections, in_list,
                                 lexical_text, load, paragraphs_name, passages_name, query_all, sentence_vectors,
                                 sentences_name, signed_key)
from index.passages import PASSAGE_FORMAT, passages
from index.sentence_vectors import SentenceTexts, text_key
from index.update import EMBED_BLOCK, FileInput, Progress, UpdateReport, _check_doc_ids, _tick
from corpus.records import Paragraph, make_doc_id

if TYPE_CHECKING:
    from boardqa.settings import Settings

log = logging.getLogger(__name__)

INSERT_BLOCK = 256  # rows per insert (a gRPC message stays far below Milvus's 64 MB limit)


def update_milvus(url: str, settings: "Settings", files: Iterable[FileInput], remove: Iterable[str] = (),
                  embedder: EmbedderLike | None = None, progress: Progress | None = None,
                  sentence_texts: SentenceTexts | None = None, sentence_format: str = "") -> UpdateReport:
    """Add, replace and remove source files in the Milvus store at `url`, as `update_index` does for a folder
    (`sentence_texts`: the answerer's candidate sentences of a paragraph, embedded and stored as there;
    `sentence_format`: a fingerprint of how they are read, recorded in each file's entry: the files whose entry
    records another have their sentences stored again, texts the store holds copied, only new ones embedded).

    A file's rows are inserted first and its docs entry last, so a search never sees half a file (readers count
    only paragraphs of listed docs); replaced and removed files are deleted after. Milvus has no transactions:
    an update interrupted midway leaves unlisted rows, which the next update of that file deletes.

    Raises:
        StoreUnreachable: Milvus does not answer.
        ValueError: the store was built with another embedding model, or a doc_id does not match its file.
    """
    store = parse_url(url)
    remove = [remove] if isinstance(remove, str) else list(remove)
    files = [(name, sha, list(paras)) for name, sha, paras in files]
    _check_doc_ids(files)
    client = connect(store)
    model_id = embedder.model_id if embedder is not None else model_id_for(settings.embedding)
    exists = has_collections(client, store.prefix)
    if exists:
        load(client, store.prefix)
    rows = query_all(client, docs_name(store.prefix), ["key", "ord", "entry"]) if exists else []
    entries = {row["key"]: json.loads(row["entry"]) for row in rows}
    for entry in entries.values():
        built = entry.get("embedding", {}).get("model_id", "")
        if not same_model(built, model_id) or entry.get("embedding", {}).get("passage") != PASSAGE_FORMAT:
            raise ValueError(f"{url}: built with embedding model {built} ({entry['embedding'].get('passage')}), "
                             f"settings give {model_id} ({PASSAGE_FORMAT}); index into a new collection prefix "
                             f"(?prefix=NAME) or drop the {store.prefix}_* collections")
    report, new, dropped = _plan(entries, settings, files, remove)
    report.paragraphs = sum(e["paragraphs"] for k, e in entries.items() if k not in dropped)
    reread = [e for k, e in entries.items() if k not in dropped and sentence_texts is not None and sentence_format
              and (e.get("sentences") or {}).get("format") != sentence_format]
    if reread:
        _store_sentences_again(client, store.prefix, reread, sentence_texts, sentence_format,
                               embedder or Embedder.load_ingest(settings.embedding), progress, report)
    if not report.modified:
        return report
    chunker = settings.chunker.model_dump()
    started = time.perf_counter()
    paragraphs = [p for _, _, paras in new for p in paras]
    texts = [(i, text) for i, p in enumerate(paragraphs) for text in passages(p)]
    model = embedder or (Embedder.load_ingest(settings.embedding) if texts else None)
    vectors = _embed([t for _, t in texts], model, progress)
    report.embedded = len(texts)
    dim = int(vectors.shape[1]) if len(vectors) else 384
    had_sentences = exists and client.has_collection(sentences_name(store.prefix))
    if exists and not had_sentences:  # a store made before sentences were stored
        create_sentences(client, store.prefix, dim)
    sentence_rows = _sentences(client, store.prefix, paragraphs, sentence_texts, model, progress, report,
                               reuse=had_sentences)
    report.seconds["embed"] = time.perf_counter() - started
    started = time.perf_counter()
    _tick(progress, "write", 0, 1)
    if not exists:
        create_collections(client, store.prefix, dim)
    reused = {make_doc_id(name, sha) for name, sha, _ in new} & set(entries)
    if reused:  # re-chunked with new settings: same doc_id, so its old rows go first
        _delete(client, store.prefix, sorted(reused))
    _insert(client, passages_name(store.prefix), [
        {"para": paragraphs[i].key, "doc_id": paragraphs[i].doc_id, "doc": paragraphs[i].doc,
         "paper": paragraphs[i].paper.casefold(), "body": paragraphs[i].body.casefold(),
         "committee": paragraphs[i].committee.casefold(), "date": paragraphs[i].date, "lex": lexical_text(text),
         "dense": vector.tolist()} for (i, text), vector in zip(texts, vectors)])
    ord_next = max((row["ord"] for row in rows), default=-1) + 1  # files are ordered as they were added
    order = {make_doc_id(name, sha): ord_next + n for n, (name, sha, _) in enumerate(new)}
    _insert(client, paragraphs_name(store.prefix), [
        {"key": p.key, "doc_id": p.doc_id, "ord": order[p.doc_id], "stub": [0.0, 0.0],
         "meta": json.dumps({k: v for k, v in p.to_json().items() if k != "text"}, ensure_ascii=False),
         "text": p.text} for p in paragraphs], upsert=True)
    _insert(client, sentences_name(store.prefix), sentence_rows)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    embedding = {"model_id": model_id, "dim": int(vectors.shape[1]) if len(vectors) else 0, "passage": PASSAGE_FORMAT}
    docs = []
    for name, sha, paras in new:
        entry = {"name": name, "doc_id": make_doc_id(name, sha), "sha256": sha, "paragraphs": len(paras),
                 "papers": list(dict.fromkeys(p.paper for p in paras)), "added": now, "chunker": chunker,
                 "embedding": embedding, "sentences": {"format": sentence_format if sentence_texts else ""}}
        docs.append({"key": entry["doc_id"], "doc_id": entry["doc_id"], "ord": order[entry["doc_id"]],
                     "stub": [0.0, 0.0],
                     "entry": json.dumps(entry, ensure_ascii=False)})
    _insert(client, docs_name(store.prefix), docs, upsert=True)  # the commit point: the files become visible
    _delete(client, store.prefix, sorted(set(dropped) - reused))
    for collection in (passages_name(store.prefix), paragraphs_name(store.prefix), docs_name(store.prefix),
                       sentences_name(store.prefix)):
        # sealed segments: Milvus Lite scored a filtered BM25 search over rows still in a growing segment with the
        # filtered rows' statistics (other IDFs than the whole library's, unlike bm25s); after a flush it does not
        client.flush(collection)
    _tick(progress, "write", 1, 1)
    report.seconds["write"] = time.perf_counter() - started
    report.paragraphs += len(paragraphs)
    log.info("%s: %d paragraphs (%d passages embedded)", url, report.paragraphs, report.embedded)
    return report


def _plan(entries: dict[str, dict], settings: "Settings", files: list, remove: list[str]):
    """Which files are new, changed, skipped or removed (the rules of `update_index`), and which doc ids go."""
    report = UpdateReport()
    chunker = settings.chunker.model_dump()
    by_name = {e["name"]: e for e in entries.values()}
    by_sha = {e["sha256"]: e for e in entries.values()}
    dropped: list[str] = []
    for key in remove:
        entry = entries.get(key) or by_name.get(key)
        if entry is None:
            report.notes.append(f"{key}: not in the index, nothing removed")
        elif entry["doc_id"] not in dropped:
            dropped.append(entry["doc_id"])
            report.removed.append(entry["name"])
    new, seen = [], set()
    for name, sha, paras in files:
        if name in seen:
            report.notes.append(f"{name}: given twice; the first copy was used")
            continue
        seen.add(name)
        old, twin = by_name.get(name), by_sha.get(sha)
        live = old is not None and old["doc_id"] not in dropped
        if live and old["sha256"] == sha and old["chunker"] == chunker:
            report.skipped.append(name)
        elif not live and twin is not None and twin["doc_id"] not in dropped and twin["chunker"] == chunker:
            report.skipped.append(name)
            report.notes.append(f"{name}: same content as {twin['name']}, already indexed")
        else:
            if live:
                dropped.append(old["doc_id"])
                report.changed.append(name)
            else:
                report.added.append(name)
            new.append((name, sha, paras))
    report.stale = [e["name"] for e in entries.values() if e["doc_id"] not in dropped and e["chunker"] != chunker]
    return report, new, dropped


def _embed(texts: list[str], embedder: EmbedderLike | None, progress: Progress | None) -> np.ndarray:
    blocks = []
    _tick(progress, "embed", 0, len(texts))
    for start in range(0, len(texts), EMBED_BLOCK):
        blocks.append(np.asarray(embedder.encode(texts[start:start + EMBED_BLOCK]), dtype=np.float32))
        _tick(progress, "embed", start + len(blocks[-1]), len(texts))
    return np.vstack(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)


def _sentences(client, prefix: str, paragraphs: list, sentence_texts: SentenceTexts | None, embedder,
               progress: Progress | None, report: UpdateReport, reuse: bool) -> list[dict]:
    """Rows of the sentences collection for new paragraphs: each distinct text once per file; a text the store
    already holds is copied from it, the rest embedded (counted in `report.embedded`)."""
    if sentence_texts is None or not paragraphs:
        return []
    per_doc = {(p.doc_id, text): None for p in paragraphs for text in sentence_texts(p)}
    distinct = list(dict.fromkeys(text for _, text in per_doc))
    keys = {text: text_key(text) for text in distinct}
    stored = sentence_vectors(client, prefix, list(keys.values())) if reuse else {}
    missing = [t for t in distinct if keys[t] not in stored]
    fresh = dict(zip(missing, _embed(missing, embedder, progress))) if missing else {}
    report.embedded += len(missing)
    return [{"skey": signed_key(keys[text]), "doc_id": doc_id,
             "dense": fresh[text].tolist() if text in fresh else stored[keys[text]]} for doc_id, text in per_doc]


def _store_sentences_again(client, prefix: str, entries: list[dict], sentence_texts: SentenceTexts,
                           sentence_format: str, embedder, progress: Progress | None, report: UpdateReport) -> None:
    """The sentences of the files `entries` name, read again with today's `sentence_texts`: their rows replaced
    (texts the store holds copied, new ones embedded), then each entry records `sentence_format`. Interrupted, the
    entries still record the old format and the next update does it again; meanwhile answers embed what they miss."""
    doc_ids = [e["doc_id"] for e in entries]
    rows = []
    for start in range(0, len(doc_ids), 256):
        rows += query_all(client, paragraphs_name(prefix), ["meta", "text"],
                          filter=in_list("doc_id", doc_ids[start:start + 256]))
    paragraphs = [Paragraph.from_json({**json.loads(r["meta"]), "text": r["text"]}) for r in rows]
    had = client.has_collection(sentences_name(prefix))
    sentence_rows = _sentences(client, prefix, paragraphs, sentence_texts, embedder, progress, report, reuse=had)
    if not had:
        create_sentences(client, prefix, int(entries[0].get("embedding", {}).get("dim") or 384))
    for start in range(0, len(doc_ids), 256):
        client.delete(sentences_name(prefix), filter=in_list("doc_id", doc_ids[start:start + 256]))
    _insert(client, sentences_name(prefix), sentence_rows)
    client.flush(sentences_name(prefix))
    docs = query_all(client, docs_name(prefix), ["key", "doc_id", "ord", "entry"], filter=in_list("doc_id", doc_ids))
    _insert(client, docs_name(prefix), [{**row, "stub": [0.0, 0.0], "entry": json.dumps(
        {**json.loads(row["entry"]), "sentences": {"format": sentence_format}}, ensure_ascii=False)} for row in docs],
        upsert=True)
    client.flush(docs_name(prefix))
    report.notes.append(f"answer sentences read differently: stored again for {len(entries)} files")


def _insert(client, collection: str, rows: list[dict], upsert: bool = False) -> None:
    write = client.upsert if upsert else client.insert
    for start in range(0, len(rows), INSERT_BLOCK):
        write(collection, rows[start:start + INSERT_BLOCK])


def _delete(client, prefix: str, doc_ids: list[str]) -> None:
    """Drop files: their docs entries first (readers stop counting them), then their paragraphs and passages."""
    for start in range(0, len(doc_ids), 256):
        expr = in_list("doc_id", doc_ids[start:start + 256])
        for collection in (docs_name(prefix), paragraphs_name(prefix), passages_name(prefix), sentences_name(prefix)):
            if collection != sentences_name(prefix) or client.has_collection(collection):
                client.delete(collection, filter=expr)
