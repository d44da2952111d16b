"""More of the answer where the paper goes on about it: the paragraph before or after under the same heading, a
figure that refers back to what the answer names; and the question's own words printed in a row."""

from __future__ import annotations

from dataclasses import replace

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.extractive import answer_extractive


def test_the_next_paragraph_under_the_same_heading_that_answers_as_well_is_quoted_beside_the_first():
    src = dict(doc_id="c@1", doc="standards.pdf", doc_title="Report", paper="Complaints Report", date="2025-05-20",
               section="7. Professional standards")
    routine = Paragraph(label="7.18", text="7.18 In 2024/25, the average number of working days to finalise a "
                        "routine complaint was 26, a reduction of 10.3 percent from the baseline of 29 working days.",
                        pages=(9,), seq=40, **src)
    serious = Paragraph(label="7.19", text="7.19 In contrast, serious complaints are taking an average of 161 working "
                        "days to be finalised, a 27.8 percent increase on the baseline of 126 days.",
                        pages=(9,), seq=41, **src)
    elsewhere = replace(serious, label="9.1", seq=60, section="9. Audit", text="9.1 Audit complaints are taking "
                        "an average of 88 working days to be finalised, the audit team reports.")
    question = "How long does it take to finalise complaints?"
    answer = answer_extractive(question, [Hit(routine, 1.0, 0.7, 2.0), Hit(serious, 0.9, 0.6, 1.5)], Settings())
    assert not answer.abstained and "26" in answer.answer and "161" in answer.answer
    assert [c.paragraph for c in answer.support] == ["7.18", "7.19"]
    apart = answer_extractive(question, [Hit(routine, 1.0, 0.7, 2.0), Hit(elsewhere, 0.9, 0.6, 1.5)], Settings())
    assert [c.paragraph for c in apart.support] == ["7.18"]  # another heading's paragraph answers another question


def test_a_figure_after_the_answer_about_what_it_names_is_quoted_with_it_but_not_a_contrast():
    src = dict(doc_id="d@1", doc="roads.pdf", doc_title="Report", paper="Roads Report", date="2025-05-20",
               section="4. Road safety")
    plan = Paragraph(label="4.6", text="Public reporting plays a growing role. The plan sets out a commitment to "
                     "expand third-party reporting, including dashcam footage submissions.", pages=(5,), seq=46, **src)
    rate = Paragraph(label="4.7", text="The force received 18,346 reports from the public in 2024/25. The positive "
                     "outcome rate for these submissions now stands at 84.0 percent.", pages=(5,), seq=47, **src)
    hits = [Hit(plan, 1.0, 0.56, 3.0), Hit(rate, 0.8, 0.3, 1.0)]
    answer = answer_extractive("Does sending in dashcam footage actually lead to anything?", hits, Settings())
    assert "84.0 percent" in answer.answer and [c.paragraph for c in answer.support] == ["4.6", "4.7"]
    other = replace(rate, text="In contrast, these submissions from cyclists have fallen to 12.0 percent.")
    turned = answer_extractive("Does sending in dashcam footage actually lead to anything?",
                               [Hit(plan, 1.0, 0.56, 3.0), Hit(other, 0.8, 0.3, 1.0)], Settings())
    assert "12.0" not in turned.answer


def test_a_later_figure_that_uses_the_short_name_the_answer_defines_is_quoted_with_it():
    scheme = Paragraph(label="52", doc_id="v@1", doc="pack.pdf", doc_title="Report", paper="Justice Report",
                       date="2026-01-05", pages=(9,), seq=52, text=(
                           "The office runs an Independent Custody Visitor (ICV) scheme, whereby members of the public "
                           "visit custody blocks unannounced, to check on the treatment of detainees. ICVs report to "
                           "the Commissioner, who acts on any issues raised. As of November 2025, there were 52 members "
                           "of the public volunteering across the ICV and adult schemes."))
    answer = answer_extractive("Can members of the public check how detainees are treated in custody?",
                               [Hit(scheme, 1.0, 0.6, 3.0)], Settings())
    assert "unannounced" in answer.answer and "52 members" in answer.answer


def test_the_questions_own_words_printed_in_a_row_say_what_an_entry_is_about():
    src = dict(doc_id="b@1", doc="case.pdf", doc_title="Benefits case", paper="Bulk Data Benefits Case",
               date="2013-08-16", section="3. Who would benefit")
    motor = Paragraph(label="3(d)", seq=4, pages=(2,), text="Motor dealers and car hire firms (who need the data for "
                      "managing their business processes). Easier and cheaper access to data increases demand.", **src)
    parking = Paragraph(label="3(b)", seq=2, pages=(2,), text="Car parking firms (who use the details to track the "
                        "vehicles that are using their car parks)", **src)
    answer = answer_extractive("In the bulk data benefits case, why are car parking firms listed among the businesses "
                               "that would benefit from the data?", [Hit(motor, 1.0, 0.74, 3.0),
                                                                      Hit(parking, 0.9, 0.72, 2.5)], Settings())
    assert answer.answer.startswith("Car parking firms") and answer.support[0].paragraph == "3(b)"


def test_a_name_said_by_the_entry_an_item_is_numbered_under_is_said_for_the_item():
    src = dict(doc_id="a@1", doc="agm.pdf", doc_title="AGM bundle", paper="Minutes of the AGM", date="2006-02-18",
               printed=True)
    lead = Paragraph(label="AGM-2006/3.4", pages=(2,), seq=10, text="Mr. Secretary reported", **src)
    item = Paragraph(label="AGM-2006/3.4.b", pages=(2,), seq=12, text="There are about 20 thousand supporters", **src)
    other = Paragraph(label="AGM-2006/3.5", pages=(2,), seq=14, text="Mr. Treasurer reported on the accounts.", **src)
    hits = [Hit(item, 1.0, 0.6, 3.0), Hit(lead, 0.9, 0.5, 2.0), Hit(other, 0.8, 0.3, 1.0)]
    # 3.4.b is what the Secretary reported (it is numbered under 3.4): the Secretary is not missing from the answer
    answer = answer_extractive("How many supporters did the Secretary report?", hits, Settings())
    assert not answer.abstained and "20 thousand supporters" in answer.answer, answer.answer
    # an entry is not under another whose label it only begins with (3.41 is not under 3.4)
    stray = Paragraph(label="AGM-2006/3.41", pages=(2,), seq=30, text="There are about 20 thousand supporters", **src)
    answer = answer_extractive("How many supporters did the Secretary report?",
                               [Hit(stray, 1.0, 0.6, 3.0), Hit(lead, 0.9, 0.5, 2.0), Hit(other, 0.8, 0.3, 1.0)],
                               Settings())
    assert answer.abstained and "Secretary" in answer.answer


def test_the_next_paragraph_opening_with_another_reason_is_quoted_for_a_why_question():
    from qa.evidence import facts_in

    assert "reason" in facts_in("Another key reason is the length of time investigations take.")
    src = dict(doc_id="v@1", doc="victims.pdf", doc_title="Report", paper="Victims Report", date="2025-12-01",
               section="6. Victim withdrawal")
    first = Paragraph(label="97", pages=(4,), seq=20, text=(
        "WMP have focused on understanding the reasons why victims may withdraw their support during an "
        "investigation. Primarily, this is due to victims not wanting the suspect to be prosecuted any further."), **src)
    added = Paragraph(label="98", pages=(4,), seq=21, text=(
        "Another key reason is the length of time investigations take. Systems prompt officers to seek the views of "
        "the victim from the start."), **src)
    answer = answer_extractive("Why do victims withdraw their support?",
                               [Hit(first, 1.0, 0.6, 3.0), Hit(added, 0.8, 0.4, 1.0)], Settings())
    assert answer.answer.startswith("WMP have focused") and "length of time" in answer.answer, answer.answer
    # under another heading it is another matter
    apart = replace(added, section="7. Court delays")
    answer = answer_extractive("Why do victims withdraw their support?",
                               [Hit(first, 1.0, 0.6, 3.0), Hit(apart, 0.8, 0.4, 1.0)], Settings())
    assert "length of time" not in answer.answer, answer.answer
