"""The question's topic without where it is from: "how often does the panel meet?" inside the papers that
"the Local Public Data Panel's terms of reference for 2013-14" points to.

Names of the body, meeting, paper and date match every paragraph of those papers alike: in a long question they
pull a paper's front sheet and its busiest paragraphs up and leave the one paragraph on the topic low. The topic
alone, searched again within the documents of the best first results, finds it; its ranking is fused with the
first one, so it can only add evidence from documents the question already points to.
"""

from __future__ import annotations

import re

from corpus.records import Paragraph
from qa.evidence import file_words
from qa.question import analyse
from qa.vocabulary import STOPWORDS, tokens

__all__ = ["TOPIC_DOCS", "topic_question", "topic_search", "where_from_words"]

TOPIC_DOCS = 5  # the documents of this many first results are searched again for the topic
MIN_REMOVED = 2  # fewer words of where-from than this: the first search already was the topic's
MIN_LEFT = 2  # a topic of fewer content words ("what did the say?") says too little to search for
_YEAR = re.compile(r"\b(?:19|20)\d\d(?:[-/–]\d{2,4})?\b")


def where_from_words(paragraphs: list[Paragraph]) -> set[str]:
    """Folded words of what the paragraphs' papers are: title, document, meeting, body, committee, file name."""
    words: set[str] = set()
    for p in paragraphs:
        words.update(tokens(" ".join([p.paper, p.doc_title, p.meeting, p.body, p.committee, file_words(p.doc)])))
    return words


def _without(text: str, name: str, dated: bool = False) -> str:
    """`text` without `name` as the question printed it: the concept's name drops the joining words ("Police and
    Crime Panel" is read as `Police Crime Panel`), and a month's day goes with it ("17 November 2025")."""
    words = re.findall(r"[\w'’&-]+", name)
    if not words:
        return text
    joined = r"\W+(?:(?:and|of|for|the|&)\W+)*".join(re.escape(w) for w in words)
    day = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?" if dated else ""
    return re.sub(rf"(?<![\w-]){day}{joined}(?![\w-])", " ", text, flags=re.I)


def topic_question(question: str, where_from: set[str]) -> str | None:
    """`question` without the names that say where it is from (those in `where_from`), its dates and years;
    None when that leaves the question as it was, or too little of it."""
    found = topic_search(question, {"": where_from})
    return found[0] if found else None


def topic_search(question: str, docs: dict[str, set[str]],
                 said: dict[str, set[str]] | None = None) -> tuple[str, list[str]] | None:
    """The question's topic and the documents to search it in: `docs` maps each document of the first results to
    its where-from words (`where_from_words`). A name of the question found among a document's words is where it
    is from, and only documents that hold every such name, among their where-from words or in the words of their
    first results (`said`), are searched: a question naming one body is not sent to another body's papers. None
    when nothing says where the question is from, or too little is left."""
    every = set().union(*docs.values()) if docs else set()
    topic, names = question, []
    for part in analyse(question).parts:
        for c in part.concepts:
            if c.specific and not c.numeric and c.found_in(every):
                names.append(c)
                topic = _without(topic, c.name)
            elif c.dated:
                topic = _without(topic, c.name, dated=True)
    topic = re.sub(r"\s+", " ", _YEAR.sub(" ", topic)).strip()
    if len(topic.split()) > len(question.split()) - MIN_REMOVED:
        return None
    if sum(1 for t in tokens(topic) if t.isalpha() and t not in STOPWORDS) < MIN_LEFT:
        return None
    said = said or {}
    chosen = [d for d, words in docs.items() if all(c.found_in(words | said.get(d, set())) for c in names)]
    return (topic, chosen) if chosen else None
