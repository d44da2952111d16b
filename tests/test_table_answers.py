"""Answers from tables: every row that prints the words the question quotes, under the header row shown once."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.extractive import answer_extractive

GLOSSARY = Paragraph(doc_id="g@1", doc="performance.txt", doc_title="Performance", paper="Performance", kind="table",
                     label="Glossary of Outcome Codes", pages=(30,), seq=40, date="2025-05-01", text=(
                         "Outcome Code\tOutcome Description\tOutcome Positive\n"
                         "OC1\tCharge or Summons\tYes\n"
                         "OC9\tProsecution not in the public interest (CPS)\tYes\n"
                         "OC10\tFormal action against the offender is not in the public interest (Police)\tNo\n"
                         "OC16\tEvidential difficulties: victim does not support action\tNo\n"
                         "OC22\tDiversionary, educational or intervention activity\tYes"))


def test_every_row_printing_the_quoted_words_answers_under_the_header_shown_once():
    answer = answer_extractive("Is an outcome of 'not in the public interest' counted as a positive outcome?",
                               [Hit(GLOSSARY, 1.0, 0.6, 2.0)], Settings())
    assert not answer.abstained
    assert "OC9" in answer.answer and "OC10" in answer.answer, answer.answer
    assert "OC1 " not in answer.answer and "OC16" not in answer.answer  # rows without the quoted words
    assert answer.answer.count("Outcome Description") == 1, answer.answer


def test_counting_as_something_asks_whether_it_is_classed_so():
    answer = answer_extractive("Does outcome code OC22 count as a positive outcome?", [Hit(GLOSSARY, 1.0, 0.6, 2.0)],
                               Settings())
    assert not answer.abstained and "OC22" in answer.answer and "Diversionary" in answer.answer, answer.answer
