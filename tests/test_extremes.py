"""Which row of a table has the highest or lowest figure, read off the table as printed (qa.extremes)."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.evidence import Evidence
from qa.extractive import answer_extractive
from qa.extremes import extreme_rows
from qa.question import analyse


def _table(text: str) -> Paragraph:
    return Paragraph(doc_id="t@1", doc="quality.pdf", doc_title="Quality report", paper="Quality report", kind="table",
                     label="Table 3", pages=(12,), seq=30, date="2024-06-01", text=text)


WARDS = _table("Ward\tMonth\tFill rate\tMonth\tFill rate\n"
               "Ward A\tApril 2024\t91.5%\tMay 2024\t88.0%\n"
               "Ward B\tApril 2024\t84.0%\tMay 2024\t93.2%\n"
               "Ward C\tApril 2024\t95.1%\tMay 2024\t79.4%\n"
               "Ward D\tApril 2024\t89.9%\tMay 2024\t90.0%")


def _extreme(question: str, paragraph: Paragraph) -> list[str]:
    ev = Evidence.of([Hit(paragraph, 1.0, 0.6, 2.0)])
    rows = [u for u in ev.units if u.row and len(u.spans) == 2]
    return [u.text.split(" — ")[1].split(" | ")[0] for u in extreme_rows(analyse(question).parts[0], ev, rows[0])]


def test_the_row_with_the_lowest_or_highest_figure_in_the_month_asked_about():
    assert _extreme("Which ward had the lowest fill rate in May 2024?", WARDS) == ["Ward C"]
    assert _extreme("Which ward had the highest fill rate in May 2024?", WARDS) == ["Ward B"]
    assert _extreme("Which ward had the highest fill rate in April 2024?", WARDS) == ["Ward C"]


def test_no_row_is_chosen_when_the_column_asked_about_is_not_clear_or_no_extreme_is_asked():
    assert _extreme("Which ward had the lowest fill rate?", WARDS) == []  # April or May: not clear
    assert _extreme("What was the fill rate on Ward A in May 2024?", WARDS) == []
    ragged = _table("Ward\tFill rate\nWard A\t91.5%\nWard B\t84.0%\textra\nWard C\t95.1%")
    assert _extreme("Which ward had the lowest fill rate?", ragged) == []


def test_one_column_of_figures_ties_and_an_unheaded_last_column():
    one = _table("Site\tVisits\nNorth\t1,204\nSouth\t980\nEast\t980\nWest\t2,310")
    assert _extreme("Which site had the fewest visits?", one) == ["South", "East"]
    assert _extreme("Which site had the largest number of visits?", one) == ["West"]
    change = _table("Module\tJanuary 2024\tMarch 2024\nModule 1\t96.0%\t98.0%\t+2.0pp\nModule 2\t63.0%\t71.0%\t+8.0pp\n"
                    "Module 3\t49.0%\t66.0%\t+17.0pp")
    assert _extreme("Which module had the lowest completion in March 2024?", change) == ["Module 3"]


def test_the_answer_quotes_the_row_with_the_lowest_figure():
    answer = answer_extractive("Which ward had the lowest fill rate in May 2024?", [Hit(WARDS, 1.0, 0.6, 2.0)],
                               Settings())
    assert not answer.abstained and "Ward C" in answer.answer and "79.4%" in answer.answer, answer.answer
    assert "Ward A" not in answer.answer and "Ward B" not in answer.answer, answer.answer
