"""Answers from tables: every row that prints the words the question quotes, under the header row shown once."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.evidence import ROW_JOIN, Evidence, match
from qa.extractive import answer_extractive
from qa.question import analyse

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


TRACKER = Paragraph(doc_id="t@1", doc="tracker.txt", doc_title="Action Tracker", paper="Action Tracker", kind="table",
                    label="Action Tracker", pages=(9,), seq=12, date="2026-01-05", text=(
                        "Action No.\tMeeting Date\tAction\tStatus\n"
                        "412\t3/3/25\tThe Board to receive a report on waiting times for planned care.\tCompleted.\n"
                        "455\t9/6/25\tThe Chief Executive to circulate the estates strategy to all members.\tOpen.\n"
                        "455\t9/6/25\tThe Director of Finance to present the capital programme to the Board.\tOpen."))


def test_a_reference_number_in_another_row_is_not_the_row_asked_about():
    """The row printing action 412 answers, not a row that only shares its table with it."""
    answer = answer_extractive("What is the status of action 412?",
                               [Hit(TRACKER, 1.0, 0.6, 2.0)], Settings())
    assert not answer.abstained and "waiting times" in answer.answer, answer.answer
    assert "estates" not in answer.answer and "capital programme" not in answer.answer, answer.answer
    ev = Evidence.of([Hit(TRACKER, 1.0, 0.6, 2.0)])
    action = next(c for c in analyse("What is the status of action 412?").parts[0].concepts if c.numeric)
    by_row = [(u.text.partition(ROW_JOIN)[2][:3], match(action, u, ev)) for u in ev.units if ROW_JOIN in u.text]
    assert by_row == [("412", 1.0), ("455", 0.0), ("455", 0.0)], by_row  # a row is its own record: the table's other rows are not


PROGRAMME = Paragraph(doc_id="w@1", doc="programme.txt", doc_title="Work Programme", paper="Work Programme",
                      kind="table", label="Appendix B", pages=(30,), seq=50, date="2026-01-05", text=(
                          "Meeting Date\tItem\tObjectives\n"
                          "12 January 2026\tEstates strategy\tTo note the strategy.\n"
                          "9 February 2026\tProposed council tax 2026/27\tFormally review the proposed council tax.\n"
                          "23 February 2026 (reserve)\tProposed council tax 2026/27\tFormally review a revised "
                          "proposal if the first is rejected."))


def test_two_rows_of_one_table_that_answer_alike_are_both_quoted_in_the_tables_order():
    """Rows share their header row, which is no overlap: the reserve date is quoted beside the first, each row
    once and in the order the table prints them, under the header shown once."""
    answer = answer_extractive("When will the committee review the proposed council tax?",
                               [Hit(PROGRAMME, 1.0, 0.6, 2.0)], Settings())
    assert not answer.abstained, answer.answer
    text = answer.answer
    assert "9 February 2026" in text and "23 February 2026" in text, text
    assert text.index("9 February 2026") < text.index("23 February 2026"), text
    assert text.count("Meeting Date") == 1 and "Estates" not in text, text


def test_a_long_row_is_not_passed_over_for_its_length():
    """A row is as long as its record: the long row on anti-social behaviour answers, not a short row that only
    shares the table's header words with the question."""
    long_info = " ".join(["Reports of anti-social behaviour rose by 11.1% in the year to May 2025, with most in "
                          "town centres and on public transport, and partners asked for a joint plan."] * 16)
    menu = Paragraph(doc_id="m@2", doc="menu.txt", doc_title="Work Programme", paper="Menu of topics", kind="table",
                     label="Menu of Topics", pages=(31,), seq=51, date="2026-01-05", text=(
                         "Topic\tObjectives\tAdditional information\n"
                         "Statement of Accounts\tTo note the accounts.\tAnnual item.\n"
                         f"Anti-social behaviour\tTo examine progress on the plan.\t{long_info}"))
    answer = answer_extractive("Is anti-social behaviour one of the topics?", [Hit(menu, 1.0, 0.6, 2.0)],
                               Settings())
    assert not answer.abstained and "rose by 11.1%" in answer.answer, answer.answer
    assert "Statement of Accounts" not in answer.answer, answer.answer
    ev = Evidence.of([Hit(menu, 1.0, 0.6, 2.0)])
    header, first, second = ev.units[:3]
    assert header.overlaps(first) and first.overlaps(header) and not first.overlaps(second)  # the header row alone


def test_a_name_that_tells_one_asked_figure_from_another_brings_in_its_own_line_of_the_paragraph():
    from boardqa.settings import Settings
    from corpus.records import Paragraph
    from index.results import Hit
    from qa.extractive import answer_extractive

    report = Paragraph(doc_id="h@1", doc="hoa.pdf", doc_title="Minutes", paper="Board Meeting", label="Treasurer's Report",
                       kind="titled", date="2026-01-22", body="Pine Hollow Association", pages=(1,), seq=3,
                       text="Treasurer's Report\nBank Balances as of 1-22-26\nCapital Acct\nOther $ 47,359.57\n"
                            "Water $ 218,967.89\nOperating $ 66,696.01\nTOTAL $ 334,023.59 Assessment invoices go out at "
                            "the end of the month. Eleven residents have already paid for a total of $18,150.")
    others = [Paragraph(doc_id=f"o@{i}", doc=f"other{i}.pdf", doc_title="Minutes", paper="Minutes", label=str(i),
                        date="2025-10-0{}".format(i), pages=(1,), seq=i,
                        text=f"{i}. The treasurer reported the bank balance and the account was approved.")
              for i in range(1, 5)]
    hits = [Hit(report, 1.0, 0.66, 3.0)] + [Hit(p, 0.5, 0.4, 1.0) for p in others]
    answer = answer_extractive("What were Pine Hollow Association's Water account balance and total bank balance as of "
                               "22 January 2026?", hits, Settings())
    assert "218,967.89" in answer.answer and "334,023.59" in answer.answer
    paid = answer_extractive("By the Pine Hollow board meeting of 22 January 2026, how many residents had already paid "
                             "their Assessment, and how much in total?", hits, Settings())
    assert "18,150" in paid.answer and "218,967.89" not in paid.answer


def test_how_many_entries_a_table_the_question_names_holds_is_answered_by_its_rows():
    from boardqa.settings import Settings
    from corpus.records import Paragraph
    from index.results import Hit
    from qa.extractive import answer_extractive

    tracker = Paragraph(doc_id="t@1", doc="pack.pdf", doc_title="Agenda", paper="Panel – Action Tracker – Outstanding "
                        "Actions", label="Action Tracker", kind="titled", date="2026-01-05", pages=(12,), seq=40,
                        text="Action No.\tMeeting Date\tAction\tUpdate\n"
                             "898\t28/7/25\tThe Panel to write to the Commissioner about data.\tTo Discharge\n"
                             "921\t17/11/25\tThe Panel to form a working group.\tTo Discharge\n"
                             "921\t17/11/25\tThe Commissioner to send the Practice Guide.\tTo Discharge")
    agenda = Paragraph(doc_id="t@1", doc="pack.pdf", doc_title="Agenda", paper="Agenda", label="6", kind="row",
                       date="2026-01-05", pages=(1,), seq=6,
                       text="Item\tTopic\tTime\n6\tACTION TRACKER To consider the progress of actions arising from "
                            "previous Panel meetings. Attached Pages: 10\t14:10")
    hits = [Hit(agenda, 1.0, 0.6, 3.0), Hit(tracker, 0.9, 0.58, 2.0)]
    answer = answer_extractive("How many outstanding actions are on the Panel's action tracker, and from which "
                               "meetings?", hits, Settings())
    assert all(n in answer.answer for n in ("898", "28/7/25", "The Panel to form a working group", "Practice Guide"))
    assert [c.paragraph for c in answer.support] == ["Action Tracker"]
    other = answer_extractive("How many actions did the Panel agree?", hits, Settings())
    assert "Practice Guide" not in other.answer  # not a question of how many entries a named table holds


def test_three_rows_or_more_of_one_table_are_shown_one_to_a_line_under_their_header():
    from qa.compose import _joined
    from qa.evidence import ROW_JOIN, Unit

    def row(text: str, start: int) -> Unit:
        return Unit(0, ((0, 10), (start, start + 5)), f"No. | Action{ROW_JOIN}{text}", frozenset(), frozenset())

    three = _joined([row("898 | Write", 20), row("921 | Form a group", 40), row("921 | Send the guide", 60)])
    assert three == "No. | Action\n— 898 | Write\n— 921 | Form a group\n— 921 | Send the guide"
    two = _joined([row("898 | Write", 20), row("921 | Form a group", 40)])
    assert two == "No. | Action — 898 | Write — 921 | Form a group"  # two rows read fine on one line
