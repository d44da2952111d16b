"""Connecting to Milvus (a server or Milvus Lite) and the three collections the store keeps there."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from index.lexical import tokenize
from index.milvus import StoreUnreachable, StoreURL, parse_url

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0  # seconds before an unreachable server is reported
QUERY_WINDOW = 16_384  # Milvus's largest offset + limit of one query
MAX_TEXT = 65_535  # Milvus's largest VARCHAR (bytes)
# Exact dense search in Milvus Lite (FLAT); a cluster may be given an approximate index instead (see README):
# HNSW M=32, efConstruction=200, ef=128 searches, or IVF_FLAT nlist=4*sqrt(n), nprobe=32.
DENSE_INDEX = {"index_type": "FLAT", "metric_type": "IP", "params": {}}
# bm25s's parameters (index/lexical.py), so Milvus ranks full-text matches as the FAISS store's BM25 does
BM25_PARAMS = {"bm25_k1": 1.5, "bm25_b": 0.75}
# Our tokeniser's figures (`1,140`, `2024/25`, `3.7`) keep their separators; Milvus's standard analyzer would
# split them, so each separator is spelt as a letter: a figure stays one token (a word never starts with a digit).
_SEPARATORS = str.maketrans({".": "p", ",": "c", "/": "s", "-": "h", "–": "n"})


def passages_name(prefix: str) -> str:
    return f"{prefix}_passages"


def paragraphs_name(prefix: str) -> str:
    return f"{prefix}_paragraphs"


def docs_name(prefix: str) -> str:
    return f"{prefix}_docs"


def sentences_name(prefix: str) -> str:
    return f"{prefix}_sentences"


def signed_key(key: int) -> int:
    """A 64-bit text key (`index.sentence_vectors.text_key`) as Milvus's signed INT64."""
    return key - (1 << 64) if key >= 1 << 63 else key


def lexical_text(text: str) -> str:
    """The text Milvus's BM25 function indexes: our own tokens (stopwords gone, figures expanded), one word each."""
    return " ".join(token.translate(_SEPARATORS) for token in tokenize(text))


def _not_implemented(record: logging.LogRecord) -> bool:
    """False for the traceback Milvus Lite's in-process server logs for a call it does not implement (pymilvus asks
    for a timestamp after creating an index; the call is optional and the index is made)."""
    return not (record.exc_info and isinstance(record.exc_info[1], NotImplementedError))


def connect(url: str | StoreURL):
    """A `MilvusClient` for the store URL (Milvus Lite starts its own server on the file).

    Raises:
        StoreUnreachable: naming the URL and the reason, when the server does not answer.
    """
    store = parse_url(url) if isinstance(url, str) else url
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    if store.lite:
        Path(store.uri).parent.mkdir(parents=True, exist_ok=True)
        server_log = logging.getLogger("grpc._server")
        if _not_implemented not in server_log.filters:
            server_log.addFilter(_not_implemented)
    token = os.environ.get("BOARDQA_MILVUS_TOKEN", "")
    try:
        client = MilvusClient(uri=store.uri, token=token, timeout=CONNECT_TIMEOUT)
        client.list_collections()
    except (MilvusException, OSError, RuntimeError) as exc:
        what = "could not start Milvus Lite on" if store.lite else "cannot reach the Milvus server at"
        reason = getattr(exc, "message", "") or str(exc).splitlines()[0]
        raise StoreUnreachable(f"{store.url}: {what} {store.uri} ({reason}); check the address, that Milvus is "
                               "running, and BOARDQA_MILVUS_TOKEN if it needs one") from exc
    return client


def has_collections(client, prefix: str) -> bool:
    return all(client.has_collection(n) for n in (passages_name(prefix), paragraphs_name(prefix), docs_name(prefix)))


def create_collections(client, prefix: str, dim: int) -> None:
    """The passages (dense vector, BM25 sparse vector from `lex`, filter fields), paragraphs (the records) and docs
    (the manifest entries) collections. Milvus needs a vector field in every collection: the last two have a tiny one."""
    from pymilvus import DataType, Function, FunctionType

    def varchar(schema, name: str, length: int = 1024, **kw) -> None:
        schema.add_field(name, DataType.VARCHAR, max_length=length, **kw)

    schema = client.create_schema(auto_id=True)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    for name in ("para", "doc_id", "doc", "paper", "body", "committee", "date"):
        varchar(schema, name)
    varchar(schema, "lex", MAX_TEXT, enable_analyzer=True, analyzer_params={"tokenizer": "standard"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lex"],
                                 output_field_names=["sparse"]))
    params = client.prepare_index_params()
    params.add_index("dense", **DENSE_INDEX)
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=BM25_PARAMS)
    for name in ("doc_id", "para"):
        params.add_index(name, index_type="INVERTED")
    client.create_collection(passages_name(prefix), schema=schema, index_params=params, consistency_level="Strong")

    for name, fields in ((paragraphs_name(prefix), ("meta", "text")), (docs_name(prefix), ("entry",))):
        schema = client.create_schema(auto_id=False)
        varchar(schema, "key", 1024, is_primary=True)
        varchar(schema, "doc_id")
        schema.add_field("ord", DataType.INT64)
        for field in fields:
            varchar(schema, field, MAX_TEXT)
        schema.add_field("stub", DataType.FLOAT_VECTOR, dim=2)
        params = client.prepare_index_params()
        params.add_index("stub", index_type="FLAT", metric_type="L2")
        params.add_index("doc_id", index_type="INVERTED")
        client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")
    create_sentences(client, prefix, dim)
    log.info("created Milvus collections %s_* (%d dimensions)", prefix, dim)


def create_sentences(client, prefix: str, dim: int) -> None:
    """The sentences collection: the answerer's candidate sentences embedded at ingest, found by their text's key
    (a store made before it existed gains it at its next update; until then sentences are embedded per question)."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=True)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("skey", DataType.INT64)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=1024)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    params = client.prepare_index_params()
    params.add_index("dense", **DENSE_INDEX)
    for name in ("skey", "doc_id"):
        params.add_index(name, index_type="INVERTED")
    client.create_collection(sentences_name(prefix), schema=schema, index_params=params, consistency_level="Strong")


def query_all(client, collection: str, fields: list[str], batch: int = 4096, filter: str = 'key != ""') -> list[dict]:
    """Every row of a collection (or those `filter` selects): pages by offset up to Milvus's cap on one query's
    window (16,384 rows), and past it Milvus's query iterator (which a server supports; Milvus Lite logs an error
    and falls back)."""
    rows: list[dict] = []
    for offset in range(0, QUERY_WINDOW, batch):
        page = client.query(collection, filter=filter, offset=offset, limit=batch, output_fields=fields)
        rows.extend(page)
        if len(page) < batch:
            return rows
    iterator = client.query_iterator(collection, batch_size=batch, filter=filter, output_fields=fields)
    rows = []
    try:
        while page := iterator.next():
            rows.extend(page)
    finally:
        iterator.close()
    return rows


def load(client, prefix: str) -> None:
    """Load the store's collections into memory (a server keeps them released until asked; cheap when loaded)."""
    for name in (passages_name(prefix), paragraphs_name(prefix), docs_name(prefix), sentences_name(prefix)):
        if name != sentences_name(prefix) or client.has_collection(name):
            client.load_collection(name)


def quote(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def in_list(field: str, values) -> str:
    return f"{field} in [{', '.join(quote(str(v)) for v in values)}]"


def sentence_vectors(client, prefix: str, keys: list[int], batch: int = 1024) -> dict[int, list[float]]:
    """The stored vectors of the sentences with these text keys (unsigned, as `text_key` gives them), where stored."""
    found: dict[int, list[float]] = {}
    wanted = list(dict.fromkeys(signed_key(k) for k in keys))
    for start in range(0, len(wanted), batch):
        block = wanted[start:start + batch]
        rows = client.query(sentences_name(prefix), filter=f"skey in [{', '.join(map(str, block))}]",
                            output_fields=["skey", "dense"], limit=QUERY_WINDOW)
        for row in rows:
            found[row["skey"] % (1 << 64)] = row["dense"]
    return found
