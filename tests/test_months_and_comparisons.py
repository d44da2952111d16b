"""Answers about a month or a meeting and comparisons of several papers, on any body's papers: the month asked for is
stated beside the answer or is its paper's, and each source compared gives its own figure."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.extractive import answer_extractive
from qa.question import analyse


def test_a_month_asked_for_must_be_stated_beside_the_answer_or_be_its_papers_date():
    src = dict(doc_id="f@1", doc="frtib.pdf", doc_title="Memorandum", paper="Performance Review", date="2021-12-09")
    returns = Paragraph(label="Sjda", kind="list", pages=(3,), seq=2, text="Net returns of the TSP funds in November "
                        "2021: the I Fund returned -4.66% and the G Fund 0.13%.", **src)
    hits = [Hit(returns, 1.0, 0.7, 3.0)]
    asked = answer_extractive("What was the TSP I Fund's net return for November 2021?", hits, Settings())
    assert not asked.abstained and "-4.66%" in asked.answer
    other = answer_extractive("What was the TSP I Fund's net return for October 2021?", hits, Settings())
    assert other.abstained, other.answer  # the papers found give November, not October


def test_the_month_of_the_meeting_asked_about_is_the_papers_month():
    """"At the March 2024 meeting" is answered from the minutes of that meeting, not from the next agenda, which
    matches the question's words better but is of another meeting."""
    minutes = Paragraph(doc_id="m@1", doc="board-2024-03-12-minutes.pdf", doc_title="Minutes", body="Harbour Board",
                        paper="Minutes of the meeting held on 12 March 2024", label="41", date="2024-03-12",
                        pages=(3,), seq=5, text="41. PUBLIC QUESTION TIME There were no public questions at the meeting.")
    agenda = Paragraph(doc_id="a@1", doc="board-2024-05-14-agenda.pdf", doc_title="Agenda", body="Harbour Board",
                       paper="Agenda", label="7", date="2024-05-14", pages=(1,), seq=1,
                       text="7. PUBLIC QUESTION TIME To receive questions asked by members of the public notified to "
                            "the Board.")
    answer = answer_extractive("Were any public questions asked at the March 2024 Board meeting?",
                               [Hit(agenda, 1.0, 0.6, 3.0), Hit(minutes, 0.9, 0.6, 2.0)], Settings())
    assert not answer.abstained and "no public questions" in answer.answer, answer.answer
    assert [c.paragraph for c in answer.support] == ["41"], answer.answer


def test_a_month_is_a_meetings_when_the_question_says_so():
    from qa.specifics import asked_month, meeting_month

    for question, held in (("What was agreed at its April 2011 meeting?", True),
                           ("How was the case described at the 13th meeting (14 May 2013)?", True),
                           ("What was decided at the meeting held on 9 May 2022?", True),
                           ("Which actions did it close when it considered the tracker in November 2025?", True),
                           ("What was the net return for October 2021?", False)):
        part = analyse(question).parts[0]
        assert meeting_month(part, asked_month(part)) is held, question


def test_a_number_asked_for_in_a_comparison_is_quoted_from_each_paragraph_it_labels():
    """"Has commitment (225) changed between quarter 1 and quarter 2?": the number in brackets is a reference, and
    each table that rates it (one a quarter) is quoted."""
    from qa.references import find_references

    assert [r.label for r in find_references("How is commitment (225) rated?")] == ["225"]
    q1 = Paragraph(doc_id="w@1", doc="pack.txt", doc_title="Pack", paper="Force paper", label="Action ref 225",
                   kind="table", pages=(40,), seq=3, text="Commitment\tQ1 rating\nAction ref 225: keep records "
                   "accurate.\tGreen")
    q2 = Paragraph(doc_id="w@1", doc="pack.txt", doc_title="Pack", paper="Delivery plan tracker", label="225",
                   kind="table", pages=(12,), seq=9, text="Commitment\tQ2 rating\n225 - keep records accurate.\tAmber")
    from qa.extractive import EXACT_FLAG

    hits = [Hit(q1, 2.0, 0.7, EXACT_FLAG), Hit(q2, 2.0, 0.7, EXACT_FLAG)]
    answer = answer_extractive("Has the rating of commitment (225) changed between quarter 1 and quarter 2?", hits,
                               Settings())
    assert "Green" in answer.answer and "Amber" in answer.answer, answer.answer


def test_each_source_of_a_comparison_gives_every_figure_the_first_gives():
    """"How quickly do crews reach urgent and routine calls, per the annual report and per the Board minutes?": the
    annual report's routine-call time is quoted beside its urgent-call time, with the sentence naming what "these
    calls" are."""
    chief = Paragraph(doc_id="m@1", doc="minutes.pdf", doc_title="Minutes", paper="Minutes of the Board",
                      label="41", date="2024-06-04", pages=(3,), seq=4, text=(
                          "41. The Chief Officer said urgent calls were reached in 9 minutes and routine calls in "
                          "52 minutes on average."))
    urgent = Paragraph(doc_id="a@1", doc="annual-report.pdf", doc_title="Annual report", paper="Annual report",
                       label="6.2", date="2024-05-01", pages=(8,), seq=12, text=(
                           "6.2 Crews reached urgent calls in 8 minutes and 40 seconds, down from 9 minutes."))
    routine = Paragraph(doc_id="a@1", doc="annual-report.pdf", doc_title="Annual report", paper="Annual report",
                        label="6.4", date="2024-05-01", pages=(8,), seq=14, text=(
                            "6.4 Routine calls also improved. The median time to reach these calls fell to 48 "
                            "minutes and 5 seconds."))
    hits = [Hit(chief, 1.0, 0.7, 3.0), Hit(urgent, 0.9, 0.6, 2.0), Hit(routine, 0.8, 0.6, 1.5)]
    answer = answer_extractive("How quickly do crews reach urgent and routine calls, per the annual report and per "
                               "the Board minutes?", hits, Settings())
    assert "8 minutes and 40 seconds" in answer.answer and "48 minutes and 5 seconds" in answer.answer, answer.answer
    assert "Routine calls also improved. The median time" in answer.answer, answer.answer


def test_papers_compared_by_month_are_each_quoted():
    """"Compare ... between the March 2024 and June 2024 papers": the June paper's figure is quoted beside the
    March one, though a minute of another month matches the words better."""
    def para(doc, paper, date, label, text, seq):
        return Paragraph(doc_id=f"{doc}@1", doc=f"{doc}.pdf", doc_title=paper, paper=paper, date=date, label=label,
                         pages=(2,), seq=seq, text=text)

    march = para("perf-mar", "Performance report", "2024-03-12", "4.1",
                 "4.1 Call handling: 92.1 percent of calls were answered within ten seconds.", 1)
    minute = para("minutes-apr", "Minutes of the Board", "2024-04-20", "17",
                  "17. Members discussed call handling performance and answering calls within ten seconds.", 2)
    june = para("perf-jun", "Performance report", "2024-06-11", "2.3",
                "2.3 Call handling: 95.4 percent of calls are now answered within ten seconds.", 3)
    hits = [Hit(march, 1.0, 0.7, 3.0), Hit(minute, 0.9, 0.7, 2.5), Hit(june, 0.8, 0.6, 2.0)]
    answer = answer_extractive("How does call handling performance compare between the March 2024 and June 2024 "
                               "papers?", hits, Settings())
    assert "92.1 percent" in answer.answer and "95.4 percent" in answer.answer, answer.answer
