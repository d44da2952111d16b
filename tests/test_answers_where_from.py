"""Where an answer is from: the body, paper or meeting a question names, found on a paper's front sheet or by
its name's last words; another body's paragraph is not its answer, and a sentence that only says where it is
from is never one."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.extractive import answer_extractive
from qa.question import analyse


def test_a_sentence_that_says_only_where_it_is_from_or_leads_in_to_a_list_is_never_the_answer():
    from qa.evidence import Evidence

    src = dict(doc_id="o@1", doc="odug-minutes.pdf", doc_title="Minutes", paper="Minutes", body="Open Data User Group",
               meeting="13th meeting", date="2013-05-14")
    cover = Paragraph(label="Cover", kind="cover", text="Open Data User Group\n13th meeting\n14 May 2013, 14:00-17:00",
                      pages=(1,), seq=0, **src)
    nine = Paragraph(label="9", text="9. The benefits case is progressing; some work is needed to strengthen it.",
                     pages=(2,), seq=1, **src)
    lead = Paragraph(label="8.2", text="8.2 As Vice-Chair:", pages=(2,), seq=2, **src)
    ev = Evidence.of([Hit(cover, 1.0, 0.8, 3.0), Hit(nine, 0.9, 0.7, 2.0), Hit(lead, 0.8, 0.6, 1.0)])
    said = {ev.paragraph(u.rank).label for u in ev.units if ev.says_something(u)}
    assert said == {"9"}
    answer = answer_extractive("How was the benefits case described at the Open Data User Group's 13th meeting "
                               "on 14 May 2013?", ev.hits, Settings())
    assert not answer.abstained and [c.paragraph for c in answer.support] == ["9"]


def test_a_name_the_question_restricts_to_is_found_on_the_documents_front_sheet_or_by_its_last_words():
    from qa.evidence import Evidence

    src = dict(doc_id="s@1", doc="pack.pdf", doc_title="Agenda", paper="Interests", committee="Select Committee",
               date="2023-10-24")
    row = Paragraph(label="Table 1", kind="row", text="Guidance: securities of a body are an interest where their total "
                    "nominal value exceeds £25,000.", pages=(5,), seq=3, **src)
    board = Paragraph(label="4", text="4. The Board agreed a steering group would help.", pages=(1,), seq=0,
                      doc_id="t@1", doc="tb.pdf", doc_title="Minutes", paper="Minutes", body="Transparency Board")
    question = "Under the guidance in Riverton's 24 October 2023 agenda pack, what value of securities is an interest?"
    bare = answer_extractive(question, [Hit(row, 1.0, 0.7, 2.0)], Settings())
    assert bare.abstained and "Riverton" in bare.answer
    fronts = {"s@1": "Select Committee\nAgenda\nVenue: Central Library, Riverton TS18 1TU"}
    answer = answer_extractive(question, [Hit(row, 1.0, 0.7, 2.0)], Settings(), fronts=fronts)
    assert not answer.abstained and "£25,000" in answer.answer
    ev = Evidence.of([Hit(board, 1.0, 0.7, 2.0)])
    named = analyse("What did the Public Sector Transparency Board agree?").parts[0].specifics
    assert [ev.where_from(c, 0) for c in named] == [True]
    other = analyse("What did the Public Sector Audit Board agree?").parts[0].specifics
    assert [ev.where_from(c, 0) for c in other] == [False]  # "Board" alone names no body in particular


def test_the_business_of_a_meeting_the_papers_are_not_of_is_refused():
    src = dict(doc_id="l@1", doc="lpdp-minutes.pdf", doc_title="Minutes", paper="Minutes", date="2013-10-17")
    para = Paragraph(label="9", pages=(3,), seq=9, text="The Panel agreed its work plan. Date of next Panel meeting: "
                     "Wednesday 18th December 2013.", **src)
    hits = [Hit(para, 1.0, 0.7, 2.0)]
    refused = answer_extractive("What was agreed at the Panel's meeting on 18 December 2013?", hits, Settings())
    assert refused.abstained and "other meetings than the one on 18 December 2013" in refused.answer
    answered = answer_extractive("What was agreed at the Panel's meeting on 17 October 2013?", hits, Settings())
    assert not answered.abstained and "work plan" in answered.answer
    planned = answer_extractive("When is the Panel's next meeting after 17 October 2013?", hits, Settings())
    assert not planned.abstained and "18th December 2013" in planned.answer


def test_a_second_paragraph_must_be_from_the_body_the_question_names():
    """The answer's paragraph is Hillside Trust's: a paragraph of another body's minutes that covers what the first
    one misses ("overdraft") answers another question and is not quoted beside it."""
    ours = Paragraph(doc_id="h@1", doc="hillside-trust-minutes.pdf", doc_title="Minutes", paper="Minutes",
                     body="Hillside Trust", label="5", date="2026-01-22", pages=(2,), seq=4,
                     text="5. Hillside Trust bank balances: reserve account $ 41,200.10.")
    other = Paragraph(doc_id="v@1", doc="valley-council-minutes.pdf", doc_title="Minutes", paper="Minutes",
                      body="Valley Council", label="10", date="2021-07-06", pages=(3,), seq=9,
                      text="10. The reserve account balance and the overdraft stood at £1,155.81.")
    question = "What were Hillside Trust's reserve account balance and overdraft?"
    answer = answer_extractive(question, [Hit(ours, 1.0, 0.7, 3.0), Hit(other, 0.9, 0.6, 2.0)], Settings())
    assert not answer.abstained and "41,200.10" in answer.answer, answer.answer
    assert [c.paragraph for c in answer.support] == ["5"], answer.answer


def test_a_body_the_question_names_is_not_answered_from_another_bodys_papers():
    """Asked of a library of several councils, `Did Rivergrove City Council approve the budget?` is not answered by
    Souldern Parish Council's approval of its accounts, and `Ayton Community Council` is not `Tintern Community
    Council` for sharing the words `Community Council` (found asking the development library as a new user)."""
    from corpus.front import names_body
    from qa.evidence import Evidence

    assert names_body("Rivergrove City Council") and names_body("Learning & Wellbeing Committee")
    assert not names_body("Council") and not names_body("the budget")
    souldern = Paragraph(doc_id="s@1", doc="souldern-minutes.pdf", doc_title="Minutes", paper="Minutes",
                         body="Souldern Parish Council", label="12", date="2026-01-29", pages=(3,), seq=12,
                         text="12. Finance: the council approved the budget and the accounts for payment, £1,140.")
    rivergrove = Paragraph(doc_id="r@1", doc="rivergrove-minutes.pdf", doc_title="Minutes", paper="Minutes",
                           body="Rivergrove City Council", label="3", date="2018-12-10", pages=(1,), seq=3,
                           text="3. The Mayor welcomed the new police chief to the meeting.")
    answer = answer_extractive("Did Rivergrove City Council approve the budget?",
                               [Hit(souldern, 1.0, 0.7, 3.0), Hit(rivergrove, 0.9, 0.6, 2.0)], Settings())
    assert answer.abstained and "Rivergrove City Council" in answer.answer, answer.answer
    tintern = Paragraph(doc_id="t@1", doc="tintern-minutes.pdf", doc_title="Minutes", paper="Minutes",
                        body="Tintern Community Council", label="2587", date="2018-10-29", pages=(2,), seq=7,
                        text="Speed Limit A466 – the council had asked that the limit be extended.")
    ev = Evidence.of([Hit(tintern, 1.0, 0.7, 3.0)])
    ayton = analyse("What did Ayton Community Council say about the speed limit?").parts[0].concepts[0]
    assert ayton.name == "Ayton Community Council" and not ev.where_from(ayton, 0)
    assert ev.where_from(analyse("What did Tintern Community Council say?").parts[0].concepts[0], 0)
