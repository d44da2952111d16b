"""Questions asked about when: a meeting's start or end (a time of its day), the next meeting (a day after the
papers' own), something still to happen (not the papers' past)."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.extractive import answer_extractive
from qa.question import analyse, fact_types


def test_when_a_meeting_started_or_ended_is_answered_by_the_time_its_minutes_give():
    """A meeting starts when it is called to order or held and ends when it is closed or adjourned, at a time of its
    day: `When did the board meeting adjourn?` quotes `closed the meeting at 10:14 a.m.`, not a date of another
    meeting (found asking the development library as a new user)."""
    assert {"time", "date"} <= fact_types("When did the board meeting adjourn?")
    assert "time" not in fact_types("When did the council and the police start the joint patrols?")
    started = analyse("When did the council meeting start?").parts[0].concepts
    assert any(("call", "order") in c.alternatives and ("held",) in c.alternatives for c in started)
    ended = analyse("When did the board meeting adjourn?").parts[0].concepts
    assert any(("closed",) in c.alternatives or ("clos",) in c.alternatives for c in ended), ended
    src = dict(doc_id="f@1", doc="board-minutes.pdf", doc_title="Minutes", paper="Minutes", body="Fund Board",
               date="2021-12-17")
    adjourn = Paragraph(label="5", pages=(4,), seq=5, text="5. Adjourn. On a vote taken by the Acting Chairperson, "
                        "the members closed the meeting at 10:14 a.m. for executive session.", **src)
    next_one = Paragraph(label="4", pages=(3,), seq=4, text="4. The Board agreed that its next meeting will be "
                         "held on 21 January 2022.", **src)
    answer = answer_extractive("When did the Fund Board meeting adjourn?",
                               [Hit(next_one, 1.0, 0.7, 3.0), Hit(adjourn, 0.9, 0.6, 2.0)], Settings())
    assert not answer.abstained and "10:14 a.m." in answer.answer, answer.answer
    cover = Paragraph(label="Cover", kind="cover", pages=(1,), seq=0, text="RIVER COMMUNITY COUNCIL\nMinutes of a "
                      "meeting held in the Village Hall on Monday 29th October 2018 at 7.00pm.", **src)
    roads = Paragraph(label="2587", pages=(2,), seq=7, text="2587. Road resurfacing: the Clerk to ask the highways "
                      "team to contact the council when they have a start date.", **src)
    answer = answer_extractive("What time did the River Community Council meeting start?",
                               [Hit(cover, 1.0, 0.7, 3.0), Hit(roads, 0.9, 0.6, 2.0)], Settings())
    assert not answer.abstained and "7.00pm" in answer.answer, answer.answer


def test_the_next_meeting_is_a_day_after_the_papers_own_meeting():
    """`When is the next meeting?` is not answered by the minutes' heading giving the day they were held: it is
    answered by the date the minutes give for the next one."""
    src = dict(doc_id="m@1", doc="minutes.txt", doc_title="Agenda pack", paper="Minutes of the meeting held on 17 "
               "November 2025", body="Police and Crime Panel", date="2025-11-17")
    heading = Paragraph(label="Cover", kind="cover", pages=(1,), seq=0, text="MINUTES OF THE MEETING OF THE POLICE "
                        "AND CRIME PANEL HELD ON 17 NOVEMBER 2025 AT 14:00 HOURS", **src)
    next_one = Paragraph(label="924", pages=(6,), seq=12, text="924. DATE OF THE NEXT MEETING Members were informed "
                         "that the next meeting would be held on 5 January 2026.", **src)
    from qa.evidence import Evidence
    from qa.scorer import Scorer

    ev = Evidence.of([Hit(heading, 1.0, 0.7, 3.0), Hit(next_one, 0.8, 0.6, 2.0)])
    scorer = Scorer(analyse("When is the next Police and Crime Panel meeting?").parts[0], ev)
    assert [ev.paragraph(u.rank).label for u in ev.units if scorer.gives(u)] == ["924"]
    answer = answer_extractive("When is the next Police and Crime Panel meeting?", ev.hits, Settings())
    assert not answer.abstained and "5 January 2026" in answer.answer, answer.answer


def test_when_something_will_happen_is_not_answered_by_the_papers_past():
    """`When will the bulk data be released?` is not answered by `vehicles manufactured since 2003` in a 2013 paper:
    it asks for a time to come; `expected in spring 2014` answers it (found as a new user)."""
    from qa.evidence import Evidence
    from qa.scorer import Scorer

    src = dict(doc_id="d@1", doc="bulk-data-paper.pdf", doc_title="Bulk Data", paper="Bulk Data",
               body="Open Data User Group", date="2013-08")
    past = Paragraph(label="6", pages=(4,), seq=6, text="6. The full VIN should be released because it is visible on "
                     "almost all vehicles manufactured since 2003.", **src)
    plan = Paragraph(label="7", pages=(5,), seq=7, text="7. The release of the bulk data is expected in spring 2014.",
                     **src)
    ev = Evidence.of([Hit(past, 1.0, 0.7, 3.0), Hit(plan, 0.8, 0.6, 2.0)])
    future = Scorer(analyse("When will the bulk data be released?").parts[0], ev)
    assert [ev.paragraph(u.rank).label for u in ev.units if future.gives(u)] == ["7"]
    asked = Scorer(analyse("When were the vehicles manufactured?").parts[0], ev)
    assert "6" in [ev.paragraph(u.rank).label for u in ev.units if asked.gives(u)]
