"""The optional chat-model answerer and letter writer: LangChain models made on demand, every output verified."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from boardqa.settings import LLMSettings, Settings
from index.results import Hit
from qa.contract import REFUSAL, Answer, Citation, violations
from qa.prompts import Messages, answer_messages, reply_messages
from qa.verify import check_letter, markers_in, sentence_spans, verify_answer

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

log = logging.getLogger(__name__)

LLM = "llm"
FELL_BACK = "llm→extractive"
# Seconds allowed beyond `timeout` before the answer is given up: the HTTP client's own
# timeout applies per read, so a server that trickles tokens could otherwise run on.
_GRACE_S = 1.0
_SEE_ALSO = 3
_TIMEOUT_NAMES = {"TimeoutError", "APITimeoutError", "TimeoutException", "ReadTimeout", "ConnectTimeout",
                  "WriteTimeout", "PoolTimeout"}
_CONNECT_NAMES = {"APIConnectionError", "ConnectError", "ConnectionError", "ConnectionRefusedError"}
_JSON_NAMES = {"JSONDecodeError", "APIResponseValidationError"}


def make_chat_model(llm: LLMSettings) -> "BaseChatModel":
    """A LangChain chat model for `llm.url` (imported only now; no request is made here).

    Raises:
        ValueError: the URL or model name is empty, or `kind` is not `openai` or `ollama`.
    """
    if not llm.url:
        raise ValueError("llm.url is empty: set BOARDQA_LLM_URL (an OpenAI-compatible …/v1 URL or an Ollama URL)")
    if not llm.model:
        raise ValueError(f"llm.model is empty: set BOARDQA_LLM_MODEL to a model served at {llm.url}")
    if llm.kind == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(base_url=llm.url, model=llm.model, api_key=llm.api_key or "not-needed",
                          timeout=llm.timeout, max_retries=0, temperature=0)
    if llm.kind == "ollama":
        from langchain_ollama import ChatOllama

        # ChatOllama has no timeout field of its own: it goes to the httpx client underneath.
        client: dict[str, Any] = {"timeout": llm.timeout}
        if llm.api_key:
            client["headers"] = {"Authorization": f"Bearer {llm.api_key}"}
        return ChatOllama(base_url=llm.url, model=llm.model, temperature=0, client_kwargs=client)
    raise ValueError(f"llm.kind is {llm.kind!r}: set BOARDQA_LLM_KIND to 'openai' or 'ollama'")


def describe_failure(exc: BaseException, llm: LLMSettings) -> str:
    """A short reason for a failed model call, for the answer's note (`timeout after 30 s`, ...)."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = {cls.__name__ for e in chain for cls in type(e).__mro__}
    if names & _TIMEOUT_NAMES:
        return f"timeout after {llm.timeout:g} s"
    if names & _CONNECT_NAMES:
        return f"could not connect to the model server at {llm.url or 'the given URL'}"
    if names & _JSON_NAMES:
        return f"invalid JSON from the model server at {llm.url or 'the given URL'}"
    status = next((getattr(e, "status_code", None) for e in chain if getattr(e, "status_code", None)), None)
    if status:
        return f"the model server answered HTTP {status}"
    return f"the model call failed: {type(exc).__name__}: {str(exc)[:120]}"


def _text_of(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content
                       if isinstance(b, (str, dict)))
    raise ValueError(f"the model returned {type(content).__name__}, not text")


def _invoke(model: Any, messages: Messages, timeout: float) -> str:
    # A daemon thread, not an executor: a call still hanging after the deadline must not keep
    # the process alive at exit.
    box: dict[str, Any] = {}

    def call() -> None:
        try:
            box["reply"] = model.invoke(messages)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    worker = threading.Thread(target=call, name="boardqa-llm", daemon=True)
    worker.start()
    worker.join(timeout + _GRACE_S)
    if worker.is_alive():
        raise TimeoutError(f"no reply within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return _text_of(box["reply"])


def _llm_settings(settings: Settings | LLMSettings) -> LLMSettings:
    return settings if isinstance(settings, LLMSettings) else settings.llm


def _fall_back(fallback: Callable[[], Answer], note: str, started: float) -> Answer:
    log.info("LLM answer not used: %s", note)
    answer = fallback()
    notes = "; ".join(x for x in (f"LLM answer not used: {note}", answer.note) if x)
    return replace(answer, answerer=FELL_BACK, note=notes,
                   timings={**answer.timings, "llm_s": round(time.perf_counter() - started, 3)})


def _see_also(hits: Sequence[Hit]) -> list[Citation]:
    out = []
    for n, hit in enumerate(hits[:_SEE_ALSO], 1):
        first = sentence_spans(hit.paragraph.text)
        out.append(Citation.of(n, hit.paragraph, first[0] if first else "", hit.score, role="see_also"))
    return out


def _confidence(share: float, cited: Sequence[Hit]) -> float:
    # Share of the model's sentences that survived, scaled by how close the best cited paragraph is.
    dense = max((h.dense for h in cited), default=0.0)
    return round(share * (min(max(dense, 0.0), 1.0) if dense > 0 else 1.0), 4)


def llm_answer(question: str, hits: list[Hit], settings: Settings | LLMSettings,
               fallback: Callable[[], Answer], *, chat_model: Any = None) -> Answer:
    """Answer `question` from `hits` with a chat model, keeping only what the evidence supports.

    Args:
        question: the user's question.
        hits: the evidence paragraphs, numbered [1].. in this order in the prompt.
        settings: `Settings` (or its `llm` section) naming the endpoint, model and timeout.
        fallback: builds the extractive answer; called only when the model's answer cannot be used
            (or the model refused, to see whether the papers do answer).
        chat_model: any LangChain chat model (or object with `invoke(messages)`); built from
            settings when omitted.

    Returns:
        An `Answer` that satisfies `qa.contract.violations` == []: `answerer="llm"` with verified
        sentences (the note lists any removed), or the fallback with `answerer="llm→extractive"` and
        a note saying why.

    Raises:
        ValueError: the LLM settings are incomplete (see `make_chat_model`).
    """
    started = time.perf_counter()
    llm = _llm_settings(settings)
    if not hits:
        return _fall_back(fallback, "no evidence paragraphs were retrieved", started)
    model = chat_model if chat_model is not None else make_chat_model(llm)
    max_sentences = settings.answer.max_sentences if isinstance(settings, Settings) else 3
    try:
        raw = _invoke(model, answer_messages(question, hits, max_sentences), llm.timeout)
    except Exception as exc:  # any transport or parsing failure means: answer offline instead
        return _fall_back(fallback, describe_failure(exc, llm), started)
    verdict = verify_answer(raw, [h.paragraph.text for h in hits])
    timings = {"llm_s": round(time.perf_counter() - started, 3)}
    if verdict.refused:
        extractive = fallback()
        if not extractive.abstained:
            return _fall_back(lambda: extractive, "model refused but the papers contain an answer", started)
        return Answer(question=question, answer=REFUSAL, abstained=True, citations=_see_also(hits),
                      confidence=extractive.confidence, answerer=LLM, note="", timings=timings)
    if verdict.problem:
        return _fall_back(fallback, verdict.problem, started)
    cites = [Citation.of(n, hits[i].paragraph, quote, hits[i].score) for n, (i, quote) in enumerate(verdict.cited, 1)]
    answer = Answer(question=question, answer=verdict.text, abstained=False, citations=cites,
                    confidence=_confidence(verdict.kept_share, [hits[i] for i, _ in verdict.cited]),
                    answerer=LLM, note="; ".join(verdict.removed), timings=timings)
    problems = violations(answer)
    if problems:  # the checks above should make this impossible; never hand on a broken answer
        return _fall_back(fallback, "verified answer still broke the contract: " + "; ".join(problems), started)
    return answer


def papers_cited(text: str, citations: Sequence[Citation]) -> str:
    """The closing list of a letter: `Papers cited:` and one `[n] reference` line per marker used."""
    used = set(markers_in(text))
    lines = [f"[{c.n}] {c.reference}" for c in citations if c.n in used]
    return "Papers cited:\n" + "\n".join(lines)


def llm_reply(question: str, answer: Answer, settings: Settings | LLMSettings,
              fallback_reply: Callable[[], str], chat_model: Any = None) -> tuple[str, str]:
    """Draft the officer's reply letter from a verified answer with a chat model.

    The letter must cite only the answer's support citations, and every figure in it must be in a
    paragraph it cites (a courtesy line may repeat figures from the question). Anything else, or a
    failed call, gives `fallback_reply()`.

    Returns:
        (letter, answerer): the model's letter with a `Papers cited:` list appended and `"llm"`,
        or `fallback_reply()` and `"llm→extractive"`.
    """
    llm = _llm_settings(settings)
    if answer.abstained or not answer.support:
        return fallback_reply(), FELL_BACK  # nothing verified to write from
    model = chat_model if chat_model is not None else make_chat_model(llm)
    try:
        raw = _invoke(model, reply_messages(question, answer), llm.timeout)
    except Exception as exc:  # as in llm_answer: any failure means the template letter
        log.info("LLM letter not used: %s", describe_failure(exc, llm))
        return fallback_reply(), FELL_BACK
    text, problems = check_letter(raw, {c.n: c.text for c in answer.support}, question)
    if problems:
        log.info("LLM letter not used: %s", "; ".join(problems))
        return fallback_reply(), FELL_BACK
    return f"{text}\n\n{papers_cited(text, answer.support)}", LLM
