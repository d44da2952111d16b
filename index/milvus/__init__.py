"""The Milvus store: paragraphs, dense vectors and BM25 full text in Milvus (a cluster, or Milvus Lite on a file).

Selected by a store URL (`--store`, `BOARDQA_STORE`): `milvus://HOST:PORT` for a server or cluster,
`milvus:///abs/path/lib.db` for Milvus Lite on a local file; `?prefix=NAME` names the collections
(default `boardqa`). Nothing here imports pymilvus until a store is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

SCHEME = "milvus://"
DEFAULT_PREFIX = "boardqa"


class StoreUnreachable(ConnectionError):
    """The Milvus server named by the store URL could not be reached (or Milvus Lite could not start)."""


@dataclass(frozen=True)
class StoreURL:
    """A parsed store URL: `uri` is what pymilvus connects to (`http://host:port` or a local file path)."""

    url: str
    uri: str
    prefix: str
    lite: bool


def is_milvus(store: str | None) -> bool:
    """True when `store` selects the Milvus backend (the default, "", is the FAISS folder)."""
    return bool(store) and str(store).startswith(SCHEME)


def parse_url(url: str) -> StoreURL:
    """`milvus://host:19530` (server) or `milvus:///abs/path/lib.db` (Milvus Lite); `?prefix=` names collections.

    Raises:
        ValueError: naming the URL, when it is not one of these forms.
    """
    if not is_milvus(url):
        raise ValueError(f"{url}: not a Milvus store URL (expected milvus://HOST:PORT or milvus:///abs/path/lib.db)")
    parts = urlsplit(url)
    prefix = (parse_qs(parts.query).get("prefix") or [DEFAULT_PREFIX])[0]
    if not prefix.replace("_", "").isalnum() or not prefix[0].isalpha():
        raise ValueError(f"{url}: collection prefix {prefix!r} must be letters, digits and _ (starting with a letter)")
    if parts.netloc:
        if parts.path not in ("", "/"):
            raise ValueError(f"{url}: a server URL has no path (milvus://HOST:PORT); Milvus Lite is milvus:///path")
        try:
            port = parts.port or 19530
        except ValueError as exc:
            raise ValueError(f"{url}: bad port ({exc})") from None
        return StoreURL(url, f"http://{parts.hostname}:{port}", prefix, lite=False)
    if not parts.path.endswith(".db") or not parts.path.startswith("/"):
        raise ValueError(f"{url}: Milvus Lite needs an absolute path to a .db file (milvus:///abs/path/lib.db)")
    return StoreURL(url, parts.path, prefix, lite=True)
