"""What the question's words ask: vague qualifiers, plain words for what minutes record, how often something
happens, the papers it is according to; and refusals that name only words the papers lack."""

from __future__ import annotations

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.extractive import answer_extractive
from qa.question import analyse


def test_a_word_that_only_qualifies_special_or_particular_does_not_outweigh_what_the_question_is_about():
    src = dict(doc_id="j@1", doc="justice.pdf", doc_title="Report", paper="Justice Report", date="2026-01-05")
    court = Paragraph(label="31", text="31. The board secured a pilot problem-solving court in the city's Magistrates' "
                      "Court, for women whose offending would otherwise lead to prison. It has run since June 2023.", pages=(4,), seq=31, **src)
    staff = Paragraph(label="8.4", text="8.4 For Special Constables, the proportion of women has decreased by 2.1 "
                      "percentage points.", pages=(9,), seq=84, **src)
    answer = answer_extractive("Is there a special court for women who offend?",
                               [Hit(court, 1.0, 0.6, 2.0), Hit(staff, 0.9, 0.3, 1.5)], Settings())
    assert [c.paragraph for c in answer.support] == ["31"]
    part = analyse("Is there a special court for women who offend?").parts[0]
    assert {c.name: c.generic for c in part.concepts}["special"]  # weighed as little as "new" or "current"
    part = analyse("Is Birmingham worse than elsewhere?").parts[0]
    assert {c.name: c.generic for c in part.concepts}["elsewhere"]  # a comparison's other side, not its subject
    part = analyse("Is the force taking on more PCSOs from ethnic minority backgrounds?").parts[0]
    assert {c.name: c.generic for c in part.concepts if c.name in ("taking", "backgrounds")} == {"taking": True,
                                                                                             "backgrounds": True}
    part = analyse("Are more criminals actually being dealt with by the police?").parts[0]
    assert "positive outcomes" in [c.name for c in part.concepts]  # offenders dealt with: brought to justice


def test_what_a_council_cut_out_is_what_its_minutes_say_it_struck_out_or_deleted():
    src = dict(doc_id="r@1", doc="minutes.pdf", doc_title="Minutes", paper="Council Minutes", date="2018-12-10")
    business = Paragraph(label="Unfinished Business ¶2", kind="titled", pages=(3,), seq=9, text=(
        "Council read through the proposed ordinance and made changes to its grammar. The developer was happy to pay "
        "the fee and remove the trees. Most notably the sections titled “Severability” and “Liability” were stricken "
        "in their entirety. The motion passed 5-0."), **src)
    answer = answer_extractive("Before passing the tree ordinance, which whole sections did the council cut out of it?",
                               [Hit(business, 1.0, 0.69, 3.0)], Settings())
    assert "Severability" in answer.answer


def test_how_often_something_happens_is_answered_by_a_frequency_of_that_not_of_something_else():
    src = dict(doc_id="l@1", doc="tor.pdf", doc_title="Terms of reference", paper="Terms of Reference", date="2013-10-17")
    meets = Paragraph(label="12", text="The Panel will meet on an 8 weekly cycle to debate issues and review progress.",
                      pages=(2,), seq=12, **src)
    review = Paragraph(label="15", text="The Panel will review implementation every six months and, if necessary, "
                       "seek to amend these terms of reference.", pages=(2,), seq=15, **src)
    hits = [Hit(review, 1.0, 0.78, 3.0), Hit(meets, 0.9, 0.7, 2.0)]
    from qa.library_words import LibraryWords

    papers_words = LibraryWords(common=frozenset({"meet", "panel"}))  # a library of minutes says "meeting" everywhere
    answer = answer_extractive("Under the Panel's terms of reference, how often does the panel meet?", hits, Settings(),
                               library=papers_words)
    assert "8 weekly" in answer.answer and [c.paragraph for c in answer.support] == ["12"]
    reviewed = answer_extractive("How often will the Panel review implementation?", hits, Settings())
    assert "six months" in reviewed.answer


def test_the_papers_a_question_says_it_is_according_to_are_not_words_the_answer_must_print():
    src = dict(doc_id="n@1", doc="bundle.pdf", doc_title="AGM bundle", paper="AGM 2006 minutes", date="2007-05-12")
    note = Paragraph(label="3.4.c", pages=(6,), seq=12, text="A list of attendees is available at the request of a "
                     "member, from the Office.", **src)
    question = ("According to the minutes of the February 2006 AGM (included in the 2007 AGM bundle), how many "
                "members did the Secretary report?")
    part = analyse(question).parts[0]
    assert all(c.source and c.optional for c in part.concepts if c.name in ("minutes", "bundle", "included"))
    answer = answer_extractive(question, [Hit(note, 1.0, 0.6, 2.0)], Settings())
    assert answer.abstained and "bundle" not in answer.answer and "minutes" not in answer.answer, answer.answer


def test_a_refusal_never_says_the_papers_do_not_mention_a_word_a_paragraph_found_says():
    src = dict(doc_id="c@1", doc="pack.pdf", doc_title="Agenda", paper="Complaints Report", date="2026-01-05")
    about = Paragraph(label="3", pages=(2,), seq=3, text="The Panel handles complaints about the conduct of the PCC "
                      "under the Elected Local Policing Bodies Regulations.", **src)
    other = Paragraph(label="4", pages=(2,), seq=4, text="Complaints about the force are handled by the office and "
                      "reported each quarter.", **src)
    answer = answer_extractive("How many complaints about conduct are reported each quarter?",
                               [Hit(other, 1.0, 0.6, 2.0), Hit(about, 0.9, 0.5, 1.5)], Settings())
    assert answer.abstained and "conduct" not in answer.answer, answer.answer  # paragraph 3 says "conduct"
    assert answer.answer.endswith("The papers found do not give a figure for this.")


def test_dropping_out_is_leaving_not_a_fall():
    from qa.fact_kinds import fact_types

    assert fact_types("Why do victims drop out of cases?") == {"reason"}  # a reason, not a figure that dropped
    assert "trend" in fact_types("Has the number of people dropping out fallen?")  # "fallen" still asks a trend
    assert "trend" in fact_types("Did crime drop last year?")


def test_plain_words_for_the_general_public_and_for_simplifying_find_the_papers_words():
    from qa.vocabulary import tokens

    part = analyse("Did the board want the data dumbed down so that ordinary people could follow it?").parts[0]
    said = frozenset(tokens("the data should not be refined to make it understandable by the general public"))
    found = {c.name for c in part.concepts if c.found_in(said)}
    assert {"general public", "simplified"} <= found, [c.name for c in part.concepts]


def test_a_name_is_kept_as_the_question_prints_it_joining_words_and_all():
    """A refusal quotes the name asked about: `Accountability and Governance Board`, not `Accountability Governance
    Board`; its words and initials are matched as before."""
    from qa.question import analyse

    named = [c for c in analyse("Who chairs the Accountability and Governance Board?").parts[0].concepts if c.specific]
    assert [c.name for c in named] == ["Accountability and Governance Board"]
    assert named[0].alternatives == (("accountability", "governanc", "board"), ("agb",))


def test_how_many_times_one_rate_is_another_is_no_count():
    """`Black individuals 3.0 times more likely to be searched` says how many times one rate is another: it does not
    answer `How many people were stopped and searched?` (found as a new user); `4,203 searches` does."""
    from qa.fact_patterns import facts_in

    ratio = "Asian individuals are 1.8 times more likely, and Black individuals 3.0 times more likely, to be searched."
    assert "count" not in facts_in(ratio)
    assert "count" not in facts_in("Victims were twice as likely and 2 times as likely to report it online.")
    assert "count" in facts_in("Officers carried out 4,203 searches, 3 times the number of last year.")


def test_the_verb_may_is_no_month():
    """`This may happen via third parties` gives no date (it answered `When will the data be released?`); `May 2025`,
    `12 may 2024` and `met in May` do."""
    from qa.fact_patterns import facts_in

    assert "date" not in facts_in("This may happen via third parties, who collect data.")
    assert "date" not in facts_in("Members may wish to note the report.")
    for text in ("The report of May 2025 said so.", "It was agreed on 12 may 2024.", "The Board met in May."):
        assert "date" in facts_in(text), text
