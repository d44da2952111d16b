"""The thin LangChain adapter: a `BaseRetriever` over the engine and the Runnable chain retrieve -> answer."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from qa.contract import Answer

if TYPE_CHECKING:
    from qa.engine import Engine, Filters

MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class EmptyQuestion(ValueError):
    """The question has no words to search for."""


def clean_question(question: str) -> str:
    """Cleaned like the papers (ligatures, odd spaces, soft hyphens), control characters removed, white space
    folded, very long questions cut to their first 2,000 characters."""
    from corpus.cleaning import clean_text

    # Text pasted from a PDF keeps its ligatures (`ﬁnancial`): without this it matched no indexed word.
    text = clean_text(_CONTROL.sub(" ", question or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if not re.search(r"\w", text):
        raise EmptyQuestion("the question is empty: type a question about the papers")
    return text[:MAX_QUESTION_CHARS]


def as_langchain_retriever(engine: "Engine", k: int | None = None, filters: "Filters | None" = None):
    """The engine as a LangChain `BaseRetriever`: documents carry the paragraph's reference in metadata."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class BoardPapersRetriever(BaseRetriever):
        """Hybrid (dense + BM25) retrieval of numbered paragraphs."""

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            docs = []
            for hit in engine.retrieve(query, k, filters):
                p = hit.paragraph
                docs.append(Document(page_content=p.text, metadata={
                    "key": p.key, "doc": p.doc, "paper": p.paper, "label": p.label, "section": p.section,
                    "part": p.part, "pages": list(p.pages), "reference": p.reference, "score": hit.score,
                    "dense": hit.dense, "lexical": hit.lexical}))
            return docs

    return BoardPapersRetriever()


def build_chain(engine: "Engine", filters: "Filters | None" = None, use_llm: bool | None = None):
    """Runnable: question -> {question, hits} -> Answer."""
    from langchain_core.runnables import RunnableLambda

    def retrieve(question: str) -> dict:
        started = time.perf_counter()
        hits = with_parts(engine, question, engine.retrieve(question, None, filters, second_stage=False), filters)
        return {"question": question, "hits": hits, "retrieve_ms": (time.perf_counter() - started) * 1000}

    def answer(state: dict) -> Answer:
        started = time.perf_counter()
        result = engine.answer_from_hits(state["question"], state["hits"], use_llm=use_llm)
        timings = {"retrieve_ms": round(state["retrieve_ms"], 2),
                   "answer_ms": round((time.perf_counter() - started) * 1000, 2)}
        return Answer(**{**result.__dict__, "timings": timings})

    return RunnableLambda(retrieve) | RunnableLambda(answer)


PART_HITS = 3  # each later part of a question searched on its own adds up to this many paragraphs


def with_parts(engine: "Engine", question: str, hits: list, filters: "Filters | None" = None) -> list:
    """`hits` for the whole question, then the best paragraphs for each later part searched on its own (with
    the names it refers back to): "How was X described at the meeting, and what action did the action log set
    on it?" needs the log's row, which the whole question's words rarely rank."""
    from qa.question import analyse, with_library

    q = with_library(analyse(question), engine.library_words)
    if not q.multi or not hits:
        return hits
    seen = {h.paragraph.key for h in hits}
    out = list(hits)
    for part in q.parts[1:]:
        borrowed = [c.name for c in part.concepts if c.name.lower() not in part.text.lower()]
        for hit in engine.retrieve(" ".join([part.text, *borrowed]), PART_HITS, filters, second_stage=False):
            if hit.paragraph.key not in seen and hit.lexical != -1.0:
                seen.add(hit.paragraph.key)
                out.append(hit)
    return out


def run_chain(engine: "Engine", question: str, filters: "Filters | None" = None, *, use_llm: bool | None = None) -> Answer:
    """Answer through the chain; the original question text is kept in the answer."""
    cleaned = clean_question(question)
    answer = build_chain(engine, filters, use_llm).invoke(cleaned)
    if answer.question != question:
        answer = Answer(**{**answer.__dict__, "question": question})
    return answer
