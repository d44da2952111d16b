"""People given by initials or by their office are named from the line of the same paper that names them."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from qa.initials import definitions, undefined_initials


def test_initials_are_defined_by_a_name_before_them_in_brackets():
    text = "Apologies for absence Apologies had been received from Nick Oakhill (NO) and Rob Large(RL)"
    assert definitions(text) == {"NO": "Nick Oakhill", "RL": "Rob Large"}
    assert definitions("The Parish Council (PC) met.") == {}  # a body is not a person
    assert definitions("Cllr Sandra Jane Cartwright (SC) spoke.") == {"SC": "Sandra Jane Cartwright"}
    assert undefined_initials("Bushcraft Group - NO to invite Tom and Kev to the next PC meeting NO") == ["NO", "PC"]
    assert undefined_initials("Minutes to website HS/BB asap") == ["HS", "BB"]


def test_who_owns_an_action_given_by_initials_is_answered_with_the_sentence_naming_them():
    from fakes import FakeEmbedder

    from qa.engine import Engine

    src = dict(doc_id="s@1", doc="souldern-minutes.pdf", doc_title="Minutes", paper="Minutes", date="2026-01-29")
    apologies = Paragraph(label="01.26.01", seq=0, text="Apologies for absence. Apologies had been received from "
                          "Nick Oakhill (NO) and Rob Large (RL).", **src)
    others = [Paragraph(label=f"01.26.{n:02d}", seq=n, text=f"The council noted item {n} on the village hall roof "
                        f"and the footpath repairs.", **src) for n in range(2, 12)]
    action = Paragraph(label="Jan26.02", seq=20, kind="list",
                       text="Bushcraft Group - NO to invite Tom and Kev to the next PC meeting NO", **src)
    engine = Engine.from_paragraphs([apologies, *others, action], Settings(), embedder=FakeEmbedder())
    question = "Who owns the action to invite Tom and Kev of the Bushcraft Group to the next meeting?"
    hits = engine.retrieve(question, 3)
    assert "01.26.01" not in [h.paragraph.label for h in hits]  # the search alone does not find the definition
    answer = engine.ask(question)
    assert not answer.abstained and "Nick Oakhill (NO)" in answer.answer, answer.answer
    assert {c.paragraph for c in answer.support} == {"Jan26.02", "01.26.01"}


def test_an_office_is_named_by_the_line_giving_its_holder():
    from qa.initials import named, unnamed

    assert named("Emma Joyeux – Commissioning Lead, Primary Care") == {"commissioning lead": "Emma Joyeux"}
    assert named("Link Officer:\nEmma Joyeux\n(NENC ICB: Commissioning Lead – Primary Care)") \
        == {"commissioning lead": "Emma Joyeux"}
    said = "the ICB Commissioning Lead (and joint Link Officer for this review) has prepared an initial presentation"
    assert {"commissioning lead", "link officer"} <= set(unnamed(said))
    assert "commissioning lead" not in unnamed("Emma Joyeux – Commissioning Lead, Primary Care")


def test_who_prepared_it_when_the_paper_gives_only_the_office_is_answered_with_the_holders_name():
    from index.results import Hit
    from qa.extractive import answer_extractive

    src = dict(doc_id="s@1", doc="pack.pdf", doc_title="Agenda", paper="Access to GPs", date="2023-10-24")
    brief = Paragraph(label="1", seq=1, text="The ICB Commissioning Lead – Primary Care (and joint Link Officer for "
                      "this review) has prepared an initial presentation on access to general practice.", **src)
    scope = Paragraph(label="Outline Scope", kind="list", seq=9, text="Departmental Link Officer:\nEmma Joyeux\n"
                      "(NENC ICB: Commissioning Lead – Primary Care)\nContact details: emma.joyeux@nhs.net", **src)
    answer = answer_extractive("Who prepared the presentation on access to general practice?",
                               [Hit(brief, 1.0, 0.7, 3.0), Hit(scope, 0.5, 0.3, 1.0)], Settings())
    assert not answer.abstained and "Emma Joyeux" in answer.answer, answer.answer


def test_who_holds_a_meetings_office_is_answered_by_the_line_naming_its_holder():
    from index.results import Hit
    from qa.extractive import answer_extractive
    from qa.sentences import split_sentences

    src = dict(doc_id="p@1", doc="pack.txt", doc_title="Agenda pack", paper="Minutes of the meeting held on 17 November "
               "2025", date="2025-11-17")
    present = Paragraph(label="Present", pages=(3,), seq=1, text=(
        "PRESENT: -\nMembers\nCllr Suky Samra, LLB (Walsall Metropolitan Borough Council – Chair)\n"
        "Cllr Jilly Bermingham (Birmingham City Council)\nCllr Izzy Knowles (Birmingham City Council)"), **src)
    resolved = Paragraph(label="923", pages=(8,), seq=9, text="RESOLVED – That the Panel Lead Officer, in "
                         "consultation with the Chair and Vice Chair, refine the information needed.", **src)
    lines = [s.text for s in split_sentences(present.text)]
    assert "Cllr Jilly Bermingham (Birmingham City Council)" in lines  # one attendee a line
    answer = answer_extractive("Who chaired the meeting on 17 November 2025?",
                               [Hit(resolved, 1.0, 0.7, 3.0), Hit(present, 0.5, 0.3, 1.0)], Settings())
    assert not answer.abstained and "Suky Samra" in answer.answer and "refine" not in answer.answer, answer.answer
    from qa.evidence import Evidence
    from qa.scorer import Scorer
    from qa.question import analyse

    ev = Evidence.of([Hit(resolved, 1.0, 0.7, 3.0), Hit(present, 0.5, 0.3, 1.0)])
    vice = Scorer(analyse("Who is the Vice Chair?").parts[0], ev)
    # the resolution mentions the Vice Chair without naming who that is, and the Chair is not the Vice Chair
    assert not any(vice.gives(u) for u in ev.units)
    chair = Scorer(analyse("Who is the Chair?").parts[0], ev)
    assert [u.text for u in ev.units if chair.gives(u)] == [
        "Cllr Suky Samra, LLB (Walsall Metropolitan Borough Council – Chair)"]


def test_who_attended_as_an_office_is_answered_by_the_line_under_its_lead_in():
    """"Who attended as Chief Finance Officer?" asks for that office's holder, named on a line under "IN ATTENDANCE:";
    attending a meeting is no response time."""
    from index.results import Hit
    from qa.extractive import answer_extractive
    from qa.initials import asked_offices
    from qa.question import analyse

    assert asked_offices("Who attended the March meeting as Chief Finance Officer of the Trust?") == ["chief finance officer"]
    assert asked_offices("Who spoke as a member of the public?") == []
    assert "response times" not in {c.name for c in analyse("Who attended the March 2024 Board meeting?").concepts}
    src = dict(doc_id="b@1", doc="board.pdf", doc_title="Minutes", paper="Minutes of the Board meeting held on 5 March "
               "2024", date="2024-03-05")
    present = Paragraph(label="Present", pages=(1,), seq=1, text=(
        "IN ATTENDANCE: -\nPriya Nair – Chief Finance Officer, Riverside NHS Trust\nTom Hale – Company Secretary"), **src)
    item = Paragraph(label="12", pages=(4,), seq=8, text="12. The Chief Finance Officer presented the month 11 "
                     "position and the Board attended to the capital plan.", **src)
    answer = answer_extractive("Who attended the March 2024 Board meeting as Chief Finance Officer of the Trust?",
                               [Hit(item, 1.0, 0.7, 3.0), Hit(present, 0.6, 0.4, 1.0)], Settings())
    assert not answer.abstained and "Priya Nair" in answer.answer, answer.answer


def test_an_election_to_an_office_names_its_holder_and_a_who_question_is_answered_by_it():
    from boardqa.settings import Settings
    from corpus.records import Paragraph
    from index.results import Hit
    from qa.extractive import answer_extractive
    from qa.initials import named

    assert named("With one abstention, for the post of Chair of the Association, Mark Littlewood was duly elected") \
        == {"chair": "Mark Littlewood"}
    assert named("Jo Bloggs was appointed as the Treasurer.") == {"treasurer": "Jo Bloggs"}
    assert named("For the post of Chair, the meeting heard from Mark Littlewood.") == {}  # no election stated
    src = dict(doc_id="a@1", doc="agm.pdf", doc_title="AGM minutes", paper="AGM", date="2006-02-18", pages=(3,))
    chair = Paragraph(label="7.1", seq=1, text="For the post of the Chair, Mark Littlewood was introduced to the "
                      "meeting. With one abstention, for the post of Chair of the Association, Mark Littlewood was "
                      "duly elected", **src)
    vice = Paragraph(label="7.2", seq=2, text="For the post of the Vice-Chair, Debbie Chay was introduced. Without "
                     "dissent, for the post of Vice-Chair of the Association, Debbie Chay was unanimously elected", **src)
    answer = answer_extractive("At the February 2006 AGM, who was elected Chair and who Vice-Chair?",
                               [Hit(vice, 1.0, 0.45, 3.0), Hit(chair, 0.9, 0.35, 2.0)], Settings())
    assert "Mark Littlewood was duly elected" in answer.answer and "Debbie Chay was unanimously elected" in answer.answer


def test_a_front_sheets_chair_field_names_who_chaired():
    """`Chair: Dr Kieron O'Hara` on a front sheet names the holder, as a line ending in `– Chair` does; a field whose
    value is no name (`Chair: to be confirmed`, `TO BE CONFIRMED`) names nobody."""
    from index.results import Hit
    from qa.extractive import answer_extractive
    from qa.initials import named

    assert named("Chair: Dr Kieron O’Hara") == {"chair": "Dr Kieron O’Hara"}
    assert named("London, SW1H 9AJ Chair: Dr Ann Example") == {"chair": "Dr Ann Example"}  # lines joined
    assert named("Chairman: Cllr Mrs Shewell\nMinutes") == {"chair": "Cllr Mrs Shewell"}
    assert named("Vice-Chair: J. Smith") == {"vice chair": "J. Smith"}
    assert named("Chair: to be confirmed") == {} and named("Clerk: TO BE CONFIRMED") == {}
    src = dict(doc_id="c@1", doc="panel-minutes.pdf", doc_title="Minutes", paper="Minutes", body="Sector Panel",
               date="2014-02-14")
    cover = Paragraph(label="Cover", kind="cover", pages=(1,), seq=0, text=(
        "Sector Panel meeting\n10:00-11:30, 14 February 2014\nChair: Dr Ann Example\nMinutes"), **src)
    item = Paragraph(label="1.1", pages=(1,), seq=1, text="1.1 The Chair welcomed attendees and highlighted ongoing "
                     "actions on the action log.", **src)
    answer = answer_extractive("Who chaired the Sector Panel meeting?",
                               [Hit(item, 1.0, 0.7, 3.0), Hit(cover, 0.9, 0.6, 2.0)], Settings())
    assert not answer.abstained and "Ann Example" in answer.answer, answer.answer


def test_who_holds_an_office_is_answered_by_a_name_not_by_the_office_again():
    """`Who is the Police and Crime Commissioner?` is not answered by `the Commissioner presented the report`: the
    sentence names the office asked about, not who holds it; `Who presented the report?` is."""
    from index.results import Hit
    from qa.extractive import answer_extractive

    src = dict(doc_id="m@1", doc="minutes.pdf", doc_title="Minutes", paper="Minutes", body="Police and Crime Panel",
               date="2025-11-17")
    presented = Paragraph(label="921", pages=(4,), seq=9, text="921. Before the Commissioner presented the report "
                          "on crime recording, members noted the announcement about the future of the role.", **src)
    named_holder = Paragraph(label="Present", pages=(1,), seq=1, text="Simon Example – Police and Crime "
                             "Commissioner", **src)
    from qa.evidence import Evidence
    from qa.question import analyse
    from qa.scorer import Scorer

    ev = Evidence.of([Hit(presented, 1.0, 0.7, 3.0), Hit(named_holder, 0.5, 0.3, 1.0)])
    identity = Scorer(analyse("Who is the Police and Crime Commissioner?").parts[0], ev)
    assert [ev.paragraph(u.rank).label for u in ev.units if identity.gives(u)] == ["Present"]
    doer = Scorer(analyse("Who presented the report on crime recording?").parts[0], ev)
    assert any(doer.gives(u) for u in ev.units if ev.paragraph(u.rank).label == "921")
    answer = answer_extractive("Who presented the report on crime recording?", [Hit(presented, 1.0, 0.7, 3.0)],
                               Settings())
    assert not answer.abstained and "Commissioner presented" in answer.answer, answer.answer
