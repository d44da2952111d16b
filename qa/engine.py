"""The public API: load the index and model once, retrieve (dense + BM25, fused), answer with citations."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.contract import Answer
from qa.references import lookup

from qa.fusion import rrf, with_firsts

log = logging.getLogger(__name__)

RETRIEVAL_MODES = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class Filters:
    """Optional restrictions: file names, paper titles, meeting dates (ISO, inclusive), bodies and committees."""

    doc: tuple[str, ...] = ()
    paper: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    body: tuple[str, ...] = ()
    committee: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.doc or self.paper or self.date_from or self.date_to or self.body or self.committee)

    @classmethod
    def of(cls, doc=None, paper=None, date_from=None, date_to=None, body=None, committee=None) -> "Filters":
        as_tuple = lambda v: tuple([v] if isinstance(v, str) else (v or ()))  # noqa: E731
        return cls(as_tuple(doc), as_tuple(paper), date_from or "", date_to or "", as_tuple(body),
                   as_tuple(committee))


FRONT_CHARS = 400  # a front sheet's title block; what follows is often the attendance or the first item


class Engine:
    """An index plus an embedding model, loaded once and used for every question."""

    def __init__(self, index, settings: Settings, *, retrieval: str = "hybrid", embedder=None):
        _one_faiss_thread()
        _settle_gc()
        if retrieval not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval must be one of {RETRIEVAL_MODES}, not {retrieval!r}")
        self.index = index
        self.settings = settings
        self.retrieval = retrieval
        self._embedder = embedder
        self._recent: dict[str, np.ndarray] = {}  # question -> its vector, from retrieval
        self._fronts: dict[str, str] = {}  # doc id -> its front sheet's text
        self._initials = None  # who initials stand for, per document (qa.initials.NamedInitials)
        self._library_words = None  # words the library uses all the time, acronyms it defines
        _check_sentence_format(index)

    # -- construction -------------------------------------------------------------
    @classmethod
    def load(cls, settings: Settings | None = None, *, retrieval: str = "hybrid", ensure_samples: bool = True) -> "Engine":
        """Open the index at `settings.index_dir`; on first use, index the bundled sample papers."""
        settings = settings or Settings.load()
        index = open_index(settings)
        if not len(index) and ensure_samples:
            from boardqa.library import ingest_paths
            from corpus.ingest import sample_files

            log.info("no index at %s: indexing the bundled sample papers", settings.store or settings.index_dir)
            ingest_paths(sample_files(), settings)
            index = open_index(settings)
        return cls(index, settings, retrieval=retrieval)

    @classmethod
    def from_paragraphs(cls, paragraphs: list[Paragraph], settings: Settings, *, retrieval: str = "hybrid",
                        embedder=None) -> "Engine":
        """An in-memory engine over given records (used by the evaluation baselines)."""
        from index import Embedder
        from index.lexical import LexicalIndex
        from index.passages import passage_texts
        from index.store import Index
        from index.vectors import VectorIndex

        embedder = embedder or Embedder.load(settings.embedding)
        texts, owners = passage_texts(list(paragraphs))
        vectors = embedder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
        index = Index(list(paragraphs), VectorIndex.build(vectors, settings.retrieval.exact_threshold),
                      LexicalIndex.build(texts), {}, None, owners)
        return cls(index, settings, retrieval=retrieval, embedder=embedder)

    @property
    def embedder(self):
        if self._embedder is None:
            from index import Embedder

            self._embedder = Embedder.load(self.settings.embedding)
        return self._embedder

    @property
    def paragraphs(self) -> list[Paragraph]:
        return self.index.paragraphs

    def reload(self) -> None:
        """Pick up an index folder (or store) that another process (or the library tab) has changed."""
        self.index = open_index(self.settings)
        self._fronts = {}
        self._library_words = None
        self._initials = None
        _settle_gc()

    # -- retrieval -----------------------------------------------------------------
    def _allowed(self, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.empty:
            return None
        return self.index.positions_where(doc=filters.doc or None, paper=filters.paper or None,
                                          date_from=filters.date_from or None, date_to=filters.date_to or None,
                                          body=filters.body or None, committee=filters.committee or None)

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None, *,
                 second_stage: bool = True) -> list[Hit]:
        """Paragraphs for a question, best first: exact references, then dense and BM25 fused by RRF; with
        `second_stage`, the first `top_k` re-ranked by how well their sentences answer (`qa.rerank`). The answerer
        reads the first stage's order (`second_stage=False`): it weighs that order itself."""
        k = k or self.settings.retrieval.top_k
        depth = self.settings.retrieval.top_k if second_stage else 0
        want = max(k, depth)  # the second stage reads the answerer's paragraphs, however few are asked for
        if not len(self.index):
            return []
        allowed = self._allowed(filters)
        n = self.settings.retrieval.candidates
        rrf_k = self.settings.retrieval.rrf_k
        qvec = None
        dense: list = []
        lexical: list = []
        if self.retrieval in ("hybrid", "dense"):
            qvec = self.embedder.encode_query(question)
            self._recent[question] = qvec  # the answer step compares its sentences with it
            while len(self._recent) > 64:
                self._recent.pop(next(iter(self._recent)), None)
            dense = self.index.search_dense(qvec, n, allowed)
        if self.retrieval in ("hybrid", "bm25"):
            from qa.question import expanded_query

            # Plain-language words ("murdered") also search for the papers' words ("homicide").
            lexical = self.index.search_lexical(expanded_query(question), n, allowed)
        fused = rrf((dense, lexical), rrf_k)
        topic: tuple = ()
        if qvec is not None and lexical:
            topic = self._topic_search(question, fused, n, allowed)
            fused = rrf((dense, lexical, *topic), rrf_k)
        dense_score = {item.position: float(item.score) for item in dense}
        lexical_score = {item.position: float(item.score) for item in lexical}
        # (a store whose texts live elsewhere gives the headings it holds: labels are all a lookup reads)
        headings = getattr(self.index, "heads", self.index.paragraphs)
        exact = lookup(question, headings, set(allowed.tolist()) if allowed is not None else None, fused)
        # each search's own first (the question's by meaning and by words, the topic's by meaning) stands in the
        # first three; a front sheet matches any question naming its body and date: its rank is left to the fusion
        order = with_firsts(sorted(fused, key=lambda pos: -fused[pos]),
                             *([x for x in r[:1] if self.index.paragraphs[x.position].kind != "cover"]
                               for r in (dense, lexical, *topic[:1])))
        hits: list[Hit] = []
        top = max(fused.values(), default=1.0)
        for pos in exact[:want]:
            hits.append(Hit(self.index.paragraphs[pos], top + 1.0, self._cosine(qvec, pos, dense_score), -1.0))
        taken = set(exact[:want])
        for pos in order:
            if len(hits) >= want:
                break
            if pos in taken:
                continue
            hits.append(Hit(self.index.paragraphs[pos], fused[pos], self._cosine(qvec, pos, dense_score),
                            lexical_score.get(pos, 0.0)))
        if depth and hits:
            first = self._second_stage(question, hits[:depth])
            keys = {h.paragraph.key for h in first}
            hits = first + [h for h in hits[depth:] if h.paragraph.key not in keys]
        return hits[:k]

    def _second_stage(self, question: str, hits: list[Hit]) -> list[Hit]:
        """`hits` re-ranked by how well they answer, read as the answerer reads them: with the paragraphs it
        brings in to name who the first ones give only by initials or office (`NamedInitials.with_definitions`)."""
        from qa.extractive import EXACT_FLAG, paragraph_scores
        from qa.rerank import reranked

        read = self._named().with_definitions(question, hits)
        embed = _StoredSentences(self) if hasattr(self.embedder, "encode") and self.retrieval != "bm25" else None
        fronts = {h.paragraph.doc_id: self.front(h.paragraph.doc_id) for h in read}
        scores = paragraph_scores(question, read, embed=embed, fronts=fronts, library=self.library_words)
        # a paragraph brought in stands where the first hit of its document (the one it names people for) stands
        first = {}
        for place, h in enumerate(hits):
            first.setdefault(h.paragraph.doc_id, place)
        places = list(range(len(hits))) + [first.get(h.paragraph.doc_id, len(hits)) for h in read[len(hits):]]
        return reranked(read, scores, self.settings.retrieval.rrf_k, EXACT_FLAG, places)

    def _topic_search(self, question: str, fused: dict[int, float], n: int,
                      allowed: np.ndarray | None) -> tuple[list, ...]:
        """Dense and BM25 results for the question's topic without where it is from, within the documents of
        the best first results that the question names (see `qa.topic_query`); nothing when it names none."""
        from qa.topic_query import TOPIC_DOCS, topic_search, where_from_words
        from qa.vocabulary import tokens

        first = [self.index.paragraphs[pos] for pos in sorted(fused, key=lambda pos: -fused[pos])[:TOPIC_DOCS]]
        docs: dict[str, set[str]] = {}
        for p in first:
            docs.setdefault(p.doc_id, set()).update(where_from_words([p]))
        # a name one of these documents' results also says in its text (`the West Midlands`) is a place the papers
        # are about, not only where one of them is from: those documents stay in
        said = {p.doc_id: set(tokens(p.text)) for p in first}
        found = topic_search(question, docs, said)
        if found is None:
            return ()
        topic, doc_ids = found
        within = self.index.positions_where(doc=doc_ids)
        if allowed is not None:
            within = np.intersect1d(within, allowed)
        tvec = self.embedder.encode_query(topic)
        return (self.index.search_dense(tvec, n, within), self.index.search_lexical(topic, n, within))

    def _cosine(self, qvec, pos: int, known: dict[int, float]) -> float:
        if pos in known:
            return known[pos]
        if qvec is None:
            return 0.0
        if hasattr(self.index, "cosine"):  # a store that keeps its vectors elsewhere
            return self.index.cosine(qvec, pos)
        vectors = getattr(self.index.vectors, "vectors", None)
        if vectors is None or not len(vectors):
            return 0.0
        # owners is sorted (checked when the index loads): a paragraph's passages are one slice; its best counts
        first, end = np.searchsorted(self.index.owners, [pos, pos + 1])
        return float(np.max(vectors[first:end] @ qvec.reshape(-1))) if end > first else 0.0

    # -- answers -------------------------------------------------------------------
    def ask(self, question: str, filters: Filters | None = None, *, use_llm: bool | None = None) -> Answer:
        """Answer one question with cited paragraphs (or abstain). Never raises for odd questions."""
        from qa.chain import run_chain

        return run_chain(self, question, filters, use_llm=use_llm)

    def answer_from_hits(self, question: str, hits: list[Hit], *, use_llm: bool | None = None) -> Answer:
        from qa.extractive import answer_extractive, instruction_refusal
        from qa.verify import orders_assistant

        def extractive() -> Answer:
            # sentences are also chosen by meaning
            embed = _StoredSentences(self) if hasattr(self.embedder, "encode") else None
            fronts = {h.paragraph.doc_id: self.front(h.paragraph.doc_id) for h in hits}
            return answer_extractive(question, self._named().with_definitions(question, hits), self.settings, embed=embed,
                                     fronts=fronts, library=self.library_words)

        if orders_assistant(question):
            return instruction_refusal(question)
        llm_on = bool(self.settings.llm.url) if use_llm is None else use_llm
        if llm_on and hits:
            from qa.llm import llm_answer

            return llm_answer(question, hits, self.settings, extractive)
        return extractive()

    @property
    def library_words(self):
        """Words this library's papers use all the time and the acronyms they define (read once, on first use)."""
        if self._library_words is None:
            from qa.library_words import LibraryWords

            self._library_words = LibraryWords.of(self.index.paragraphs)
        return self._library_words

    def front(self, doc_id: str) -> str:
        """The text of a document's front sheet (its first record, when that is not a printed paragraph):
        the body, meeting, place and date that every paper in the file is from."""
        if doc_id not in self._fronts:
            first = self._first_record(doc_id)
            self._fronts[doc_id] = first.text[:FRONT_CHARS] if first is not None and not first.printed else ""
        return self._fronts[doc_id]

    def _first_record(self, doc_id: str) -> Paragraph | None:
        # a file's records are stored together, in the manifest's order of files: its first is found from the
        # counts before it, without reading every record (a scan of 10^6 records costs seconds and memory)
        position = 0
        for entry in getattr(self.index, "docs", ()):
            if entry.doc_id == doc_id:
                if position < len(self.index.paragraphs):
                    record = self.index.paragraphs[position]
                    if record.doc_id == doc_id:
                        return record
                break
            position += entry.paragraphs
        positions = self.index.positions_where(doc=doc_id)
        return self.index.paragraphs[int(positions[0])] if len(positions) else None

    def _named(self):
        if self._initials is None:
            from qa.initials import NamedInitials

            self._initials = NamedInitials(self.index)
        return self._initials

    def _stored_embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts`: sentences embedded at ingest and the question embedded by retrieval are looked
        up; only what is in neither (an index without stored sentences, a new question part) is embedded."""
        stored = self.index.sentences.lookup(texts)
        todo = []
        for i, text in enumerate(texts):
            if not stored.found[i]:
                recent = self._recent.get(text)
                if recent is not None and stored.vectors.shape[1] == len(recent):
                    stored.vectors[i] = recent
                else:
                    todo.append(i)
        if not todo:
            return stored.vectors
        fresh = np.asarray(self.embedder.encode([texts[i] for i in todo]), dtype=np.float32)
        if len(todo) == len(texts):
            return fresh
        stored.vectors[todo] = fresh
        return stored.vectors

    def draft_reply(self, question: str, answer: Answer, *, body_name: str = "the Panel",
                    use_llm: bool | None = None) -> tuple[str, str]:
        """An officer's reply to a member of the public, built from a verified answer: (text, answerer).

        With a language model configured the model writes the letter and the same checks run on it
        (every [n] one of the answer's citations, every number in a cited paragraph); otherwise, or
        when the letter fails a check, the extractive draft is used.
        """
        from qa.reply import draft_reply

        def extractive() -> str:
            return draft_reply(question, answer, body_name=body_name)

        llm_on = bool(self.settings.llm.url) if use_llm is None else use_llm
        if llm_on and not answer.abstained:
            from qa.llm import llm_reply

            return llm_reply(question, answer, self.settings, extractive)
        return extractive(), "extractive"


class _StoredSentences:
    """The answerer's sentence embedder: stored vectors looked up, the rest embedded (`Engine._stored_embed`);
    `stored` says which texts the index holds, so that reading them costs no model run."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self.engine._stored_embed(texts)

    def stored(self, texts: list[str]) -> np.ndarray:
        return self.engine.index.sentences.lookup(texts).found


def _check_sentence_format(index) -> None:
    """Say so when the index's stored sentences were read by another version of the answerer: answers still work
    (sentences it does not find are embedded or estimated) but are slower and may differ; an ingest refreshes them."""
    from qa.evidence import sentence_format

    manifest = getattr(index, "manifest", None) or {}
    stored = (manifest.get("sentences") or {}).get("format") if isinstance(manifest, dict) else None
    if getattr(index, "docs", None) and stored is not None and stored != sentence_format():
        log.warning("the index's stored answer sentences were read by another version (format %s, now %s): run "
                    "`boardqa ingest` on any paper to store them again", stored, sentence_format())


def open_index(settings: Settings):
    """The library `settings` select: the FAISS index folder (default), or a Milvus store (`settings.store`)."""
    from index.milvus import is_milvus

    if is_milvus(settings.store):
        from index.milvus.store import MilvusIndex

        return MilvusIndex.open(settings.store, settings)
    from index import Index

    return Index.load(settings.index_dir, settings, missing_ok=True)


def _settle_gc() -> None:
    """Move the loaded index's millions of objects out of the garbage collector's sight: a full collection over
    them paused a question for 1.8 s at 10^6 paragraphs (benchmarks/results/latest-1e6-threads1.md)."""
    import gc

    gc.collect()
    gc.freeze()


def _one_faiss_thread() -> None:
    """Questions search with one vector at a time: FAISS's OpenMP threads only contend for the CPU then
    (benchmarks: dense search p50 47 ms -> 18 ms at 10^5 paragraphs on 2 cores)."""
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except ImportError:  # pragma: no cover - faiss is a dependency
        pass


_ENGINES: dict[tuple, Engine] = {}


def get_engine(settings: Settings | None = None) -> Engine:
    """One engine per index folder and model per process (the CLI batch mode and the app share it)."""
    settings = settings or Settings.load()
    key = (settings.store or str(Path(settings.index_dir).resolve()), settings.embedding.model)
    if key not in _ENGINES:
        _ENGINES[key] = Engine.load(settings)
    return _ENGINES[key]


def ask(question: str, settings: Settings | None = None, *, doc=None, paper=None, date_from=None, date_to=None,
        use_llm: bool | None = None) -> Answer:
    """Answer `question` from the indexed papers: the one function behind the CLI, the app and the evals."""
    started = time.perf_counter()
    engine = get_engine(settings)
    answer = engine.ask(question, Filters.of(doc, paper, date_from, date_to), use_llm=use_llm)
    log.debug("answered in %.1f ms", (time.perf_counter() - started) * 1000)
    return answer
