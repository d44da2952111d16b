"""What a body decided: a resolution quoted whole under its lead-in, however the lead-in ends."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.evidence import leads_in
from qa.extractive import answer_extractive

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
