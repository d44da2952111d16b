"""The question's topic searched again without the names that say where it is from."""

from __future__ import annotations

from corpus.records import Paragraph
from qa.topic_query import topic_question, where_from_words


def _paper(**kw) -> Paragraph:
    base = dict(doc_id="t@1", doc="local-public-data-panel_22nd-meeting_2013-10-17_terms-of-reference.pdf",
                doc_title="Terms of Reference", paper="Local Public Data Panel Terms of Reference 2013-14",
                label="12", text="The Panel will meet on an 8 weekly cycle.", body="Local Public Data Panel")
    base.update(kw)
    return Paragraph(**base)


def test_the_names_of_the_body_and_its_dates_leave_the_topic():
    words = where_from_words([_paper()])
    topic = topic_question("Under the Local Public Data Panel's terms of reference for 2013-14, how often does the "
                           "panel meet?", words)
    assert topic is not None and "how often does the panel meet" in topic
    assert "Local Public Data" not in topic and "2013" not in topic


def test_a_name_printed_with_its_joining_words_and_a_date_with_its_day_leave_the_topic():
    words = where_from_words([_paper(body="West Midlands Police and Crime Panel", paper="Minutes")])
    topic = topic_question("Who chaired the Police and Crime Panel meeting on 17 November 2025?", words)
    assert topic == "Who chaired the meeting on ?", topic


def test_names_of_the_topic_stay_and_a_question_naming_no_such_place_is_not_searched_again():
    words = where_from_words([_paper()])
    kept = topic_question("Which commitment of the Local Public Data Panel covers Intensive Supervision Courts?",
                          words)
    assert kept is not None and "Intensive Supervision Courts" in kept
    assert topic_question("How often does the panel meet?", words) is None  # nothing to take away
    assert topic_question("What did the Local Public Data Panel say?", words) is None  # too little left


def test_the_topic_is_searched_only_in_the_papers_of_the_body_the_question_names():
    from qa.topic_query import topic_search
    from qa.vocabulary import tokens

    falls = where_from_words([_paper(doc_id="f@1", doc="falls-creek-ranch-association_board-meeting_2026-01-22.pdf",
                                     doc_title="Minutes", paper="Falls Creek Ranch Board Meeting", body="")])
    other = where_from_words([_paper(doc_id="n@1", doc="no2id_agm_2007.pdf", doc_title="AGM bundle",
                                     paper="Minutes of the AGM", body="NO2ID")])
    found = topic_search("Who chaired the Falls Creek Ranch board meeting?", {"f@1": falls, "n@1": other})
    assert found is not None and found[1] == ["f@1"] and "Falls Creek" not in found[0]
    # a place the other paper's results also speak of is what the papers are about, not only where one is from
    said = {"n@1": set(tokens("crime recorded across the Falls Creek Ranch area"))}
    assert topic_search("Who chaired the Falls Creek Ranch board meeting?", {"f@1": falls, "n@1": other},
                        said)[1] == ["f@1", "n@1"]
