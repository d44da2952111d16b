"""What a body decided: a resolution quoted whole under its lead-in, a decision or motion with its outcome and votes."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.evidence import leads_in
from qa.extractive import answer_extractive
from qa.question import fact_types

MINUTE = Paragraph(doc_id="m@1", doc="minutes.txt", doc_title="Minutes", paper="Minutes", label="921", pages=(5,),
                   seq=9, date="2025-11-17", text=(
                       "- CRIME REPORTING Members asked about crime data integrity. The Commissioner agreed to share "
                       "the guides.\n- RESOLVED – that\n- i. The contents of the report be noted.\n"
                       "- ii. The Panel form a working group on the readability of data.\n"
                       "- iii. The Panel writes to the Commissioner requesting comparative data."))


def test_a_sentence_cut_off_before_what_it_introduces_leads_in():
    assert leads_in("RESOLVED – that") and leads_in("The following applications were discussed:")
    assert leads_in("The Board agreed to") and not leads_in("The report was noted.")


def test_a_resolution_is_quoted_whole_when_the_question_asks_what_was_resolved():
    answer = answer_extractive("What did the Panel resolve about the crime reporting report?",
                               [Hit(MINUTE, 1.0, 0.7, 2.0)], Settings())
    assert not answer.abstained
    for limb in ("contents of the report be noted", "form a working group", "writes to the Commissioner"):
        assert limb in answer.answer, answer.answer
    assert "RESOLVED – that [" not in answer.answer  # never the lead-in alone
    assert "that i. The contents" in answer.answer and "- ii." not in answer.answer  # numbered as printed


def test_a_yes_no_question_about_a_decision_quotes_the_decision_recorded_next():
    src = dict(doc_id="s@1", doc="souldern.pdf", doc_title="Minutes", paper="Minutes", date="2026-01-29")
    planning = Paragraph(label="01.26.11", pages=(2,), seq=11, text=(
        "Planning applications received. 25/03333/F Applegarth, Bates Lane. Repair of part-fallen stone wall at "
        "the front of the house. Bicester OX27 7JU. NO OBJECTION - work is underway. 25/03341/DISC Stonehaven, "
        "High Street. Discharge of conditions for the new doors and windows of the barn. OBJECTED."), **src)
    answer = answer_extractive("Were the councillors against the plan to repair the stone wall at Applegarth?",
                               [Hit(planning, 1.0, 0.7, 2.0)], Settings())
    assert not answer.abstained and "NO OBJECTION" in answer.answer and "OBJECTED" not in answer.answer


def test_a_question_asking_what_was_decided_quotes_the_decision():
    src = dict(doc_id="r@1", doc="rivergrove.pdf", doc_title="Minutes", paper="Minutes", date="2018-12-10")
    para = Paragraph(label="3", pages=(2,), seq=3, text="Resolution 259-2018 is a revision of the fee schedule to "
                     "include the tree cutting costs of the new ordinance. The council discussed the deposit. "
                     "Motion carried 5-0.", **src)
    answer = answer_extractive("What did the council decide on the revised schedule for tree cutting?",
                               [Hit(para, 1.0, 0.7, 2.0)], Settings())
    assert not answer.abstained and "carried 5-0" in answer.answer


def test_what_was_decided_quotes_the_sentence_recording_the_decision():
    src = dict(doc_id="d@1", doc="fgb.pdf", doc_title="Minutes", paper="Minutes", date="2022-05-23",
               body="Decoy School Governors", committee="Full Governing Body")
    pay = Paragraph(label="FGB 103/2122(b)", text="Caretaker's Pay. This matter had been discussed at the Business "
                    "Committee but detailed information had not been available at that time. Heather provided further "
                    "information but the details for the increase are not yet available from the contractor. It was "
                    "suggested that the decision be delegated to the Headteacher. It was agreed that Heather together "
                    "with Simon and Oliver agree to the increase when the final information is available.",
                    pages=(3,), seq=4, **src)
    assert fact_types("What did the governing body decide about the caretaker's pay increase?") == frozenset()
    answer = answer_extractive("What did the governing body decide about the caretaker's pay increase?",
                               [Hit(pay, 1.0, 0.7, 3.0)], Settings())
    assert not answer.abstained and "It was agreed that Heather together with Simon and Oliver" in answer.answer


def test_what_was_decided_after_a_long_debate_quotes_the_motion_and_its_outcome_from_the_items_last_piece():
    src = dict(doc_id="r@1", doc="rivergrove.pdf", doc_title="Minutes", paper="Minutes", date="2018-12-10",
               label="Unfinished Business ¶2", kind="numbered")
    opening = Paragraph(text="Continuation of the hearing for a proposed ordinance regulating tree cutting (City File "
                        "2018-01). The City Attorney explained that the hearing was continued at a resident's request. "
                        "Several residents spoke against the ordinance.", pages=(1,), seq=2,
                        piece=0, **src)
    debate = Paragraph(text="Councilors discussed the tree sizes in the ordinance. Motion: Councilor Nyberg moved that "
                       "the ordinance be read for the first time. The motion was seconded. Mayor Kibbey read the "
                       "ordinance. Motion: Councilor Nyberg moved to adopt the ordinance with the changes discussed. "
                       "Seconded by Councilor Tuttle. The motion passed 5-0.", pages=(3,), seq=3, piece=1, **src)
    answer = answer_extractive("What did the council decide about the proposed tree-cutting ordinance (City File "
                               "2018-01)?", [Hit(opening, 1.0, 0.7, 3.0), Hit(debate, 0.9, 0.6, 2.0)], Settings())
    assert not answer.abstained
    assert "moved to adopt the ordinance with the changes discussed" in answer.answer and "5-0" in answer.answer


def test_a_motion_is_quoted_with_its_outcome_and_how_members_voted_however_the_sentences_are_broken():
    src = dict(doc_id="r@1", doc="council.pdf", doc_title="Minutes", paper="Minutes", date="2018-12-10",
               kind="numbered")
    minutes = Paragraph(label="Consent Agenda ¶1", pages=(1,), seq=1, text="Minutes from the November 14 meeting "
                        "Motion: Councilor Nyberg moved to accept the minutes with the following amendment. Councilor "
                        "Tuttle seconded the motion. It passed 4-0. Councilor Ruble abstained. The Mayor thanked the "
                        "clerk for the minutes.", **src)
    financials = Paragraph(label="Consent Agenda ¶2", pages=(1,), seq=2, text="Financials – November 2018 Motion: "
                           "Mayor Kibbey moved to accept the November 2018 financials as presented. Councilor Nyberg. "
                           "seconded the motion. It passed 5-0.", **src)
    hits = [Hit(financials, 1.0, 0.7, 3.0), Hit(minutes, 0.9, 0.6, 2.0)]
    money = answer_extractive("What happened to the November 2018 financials?", hits, Settings())
    assert not money.abstained and "It passed 5-0." in money.answer, money.answer  # past a stray full stop
    vote = answer_extractive("How did the council vote on the minutes of the November 14 meeting?", hits[::-1],
                             Settings())
    assert "It passed 4-0. Councilor Ruble abstained." in vote.answer, vote.answer
    assert "thanked" not in vote.answer  # what follows the vote is not part of it
