"""A name the question writes out and the papers abbreviate (`Public Data Corporation` / `PDC`, `Directed Enhanced
Service` / `DES`) is found by its initials, in the lexical search and in the answer."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.acronyms import question_initialisms, with_initialisms
from qa.extractive import answer_extractive
from qa.question import analyse, expanded_query


def test_the_names_a_question_writes_out_are_also_searched_for_by_their_initials():
    question = "What did the Public Data Corporation paper say, and who chairs the Open Data User Group?"
    assert {"PDC", "ODUG"} <= set(question_initialisms(question))
    assert "PDC" in expanded_query(question).split()
    assert question_initialisms("what did the board say about data?") == []  # no name, no initials
    assert "TB" not in question_initialisms("What did the Transparency Board say?")  # two letters say too little


def test_a_concept_is_found_where_the_papers_print_the_initials_of_its_words():
    question = "How many practices signed up to the Out of Area Directed Enhanced Service?"
    part = analyse(question).parts[0]
    read = with_initialisms(part, frozenset({"DES"}), question)
    named = next(c for c in read.concepts if "Enhanced" in c.name)
    assert ("area", "des") in named.alternatives and named.found_in({"out", "of", "area", "des"})
    assert with_initialisms(part, frozenset({"ICB"}), question) == part  # initials the papers do not print


def test_the_answer_quotes_the_sentence_that_uses_the_papers_abbreviation():
    src = dict(doc_id="s@1", doc="gp-pack.pdf", doc_title="GP data pack", paper="GP data pack", date="2023-10-24")
    des = Paragraph(label="Direct Enhanced Services", pages=(44,), seq=4, text="17 of the 21 practices are signed "
                    "up to the Minor Surgery and Weight Management Direct Enhanced Services. 3 of the 21 practices "
                    "have signed up to the Out of Area DES.", **src)
    answer = answer_extractive("How many of the 21 practices have signed up to the Out of Area Directed Enhanced "
                               "Service?", [Hit(des, 1.0, 0.7, 3.0)], Settings())
    assert not answer.abstained and "3 of the 21 practices have signed up to the Out of Area DES" in answer.answer, \
        answer.answer
    assert "17 of the 21" not in answer.answer
