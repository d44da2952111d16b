"""How a question is read, on any body's papers: names and where they are from, parts, the kind of fact each part
asks for, and the kinds of fact a sentence carries."""

from __future__ import annotations

from corpus.records import Paragraph
from qa.extractive import facts_in
from qa.question import analyse, fact_types, tokens


def test_a_possessive_ends_a_name_and_a_day_before_a_month_is_not_part_of_one():
    def names(question):
        return {c.name: c.alternatives for c in analyse(question).parts[0].specifics}

    dated = names("What did the Public Sector Transparency Board's 2 March 2011 meeting agree on data.gov.uk?")
    assert dated["Public Sector Transparency Board"][0] == ("public", "sector", "transparency", "board")
    two = names("What does the Open Data User Group's DVLA paper say about parking?")
    assert "Open Data User Group" in two and two["DVLA"] == (("dvla",),)
    assert names("What did Kieron O'Hara's review find?")["Kieron O'Hara"] == (("kieron", "o'hara"),)
    assert "Local Public Data Panel" in names("Under the Local Public Data Panel's terms, how often does it meet?")
    assert not names("How often does the Panel meet?")  # one common word names no body in particular
    assert names("What was the rate for Ethics Module 8 in 2024?")["Ethics Module 8"][0] == ("ethic", "modul_8")


def test_a_paragraphs_body_and_committee_count_as_where_it_is_from():
    from qa.evidence import _metadata

    p = Paragraph(doc_id="m.pdf@1", doc="m.pdf", doc_title="Minutes", paper="Minutes", label="5", text="Agreed.",
                  body="Open Data User Group", committee="Finance Sub-Committee", date="2013-05-14")
    words = set(tokens(_metadata(p)))
    assert set(tokens("Open Data User Group Finance Sub-Committee 14 May 2013")) <= words


def test_a_later_part_that_refers_back_is_about_what_the_first_part_names():
    q = analyse("How was the DVLA bulk data case described at the meeting, and what action on it did the log set?")
    second = {c.name for c in q.parts[1].concepts}
    assert {"DVLA", "bulk", "case"} <= second and not any(c.restrictive for c in q.parts[1].concepts)
    plain = analyse("How was the DVLA bulk data case described, and what did the budget report say?")
    assert "DVLA" not in {c.name for c in plain.parts[1].concepts}  # a part with its own topic keeps it


def test_an_amount_in_any_currency_is_money():
    assert "money" in facts_in("Loads of firewood are $200, paid by check, and $100 for delivery.")
    assert "money" in facts_in("The grant was €5,000.") and "money" in facts_in("It cost 40 dollars.")
    assert "money" in fact_types("What does it cost in $?") and "date" in fact_types("What is the deadline?")


def test_a_person_is_named_by_the_offices_and_titles_of_any_body():
    assert "person" in facts_in("Councilor Nyberg moved to adopt the resolution.")  # US spelling
    assert "person" in facts_in("Clerk to advise Babcock and GIAS of the resignation ASAP.")
    assert "person" in facts_in("The Treasurer reported the balances.")
    assert "person" not in facts_in("The balances were reported in January.")


def test_an_ordinals_ending_is_not_a_word_of_the_question():
    names = [c.name for c in analyse("What did the group announce at its 13th meeting on the 2nd of May?").parts[0].concepts]
    assert "th" not in names and "nd" not in names and "13" in names


def test_millions_of_something_are_a_count_not_money():
    assert "money" not in facts_in("Police.uk has received over 420 million hits since launch.")
    assert "money" in facts_in("The scheme cost £1.2 million.")


def test_the_files_name_says_where_its_paragraphs_are_from_and_a_made_up_label_is_content():
    from qa.evidence import _metadata

    log = Paragraph(doc_id="l@1", doc="transparency-board_2011-03-02_action-log.pdf", doc_title="Action Log",
                    paper="TB (5) 1.i", label="Historic Weather Observations - Lead JC", kind="list",
                    text="Historic Weather Observations - Lead JC Meeting of working group scheduled for 24 May New")
    words = set(tokens(_metadata(log)))
    assert set(tokens("Transparency Board action log")) <= words
    assert not set(tokens("Weather Observations")) & words  # the reader's label for an unnumbered entry


def test_a_bare_first_part_shares_the_second_parts_object_and_that_noun_refers_back():
    q = analyse("Who proposed and who seconded Mark Dziecielewski's nomination for re-election?")
    assert len(q.parts) == 2 and all("Mark Dziecielewski" in [c.name for c in p.concepts] for p in q.parts)
    kept = analyse("What is Rivergrove's Resolution 259-2018, and what did the council decide on it?")
    assert "decide" not in [c.name for c in kept.parts[0].concepts]  # a first part with a topic keeps its own
    back = analyse("When was the Historic Weather Observations group due to meet, and who leads that workstream?")
    assert "Historic Weather Observations" in [c.name for c in back.parts[1].concepts]


def test_a_clause_setting_the_scene_or_asking_what_changed_is_not_a_date_or_trend_question():
    assert fact_types("When the data was published, did the people behind it get many complaints?") == {"yesno"}
    assert fact_types("When did the panel next meet?") == {"date"}
    assert "date" in fact_types("By when must the report be done?")
    assert "trend" not in fact_types("What change regarding attendance did the group announce?")
    assert "trend" in fact_types("How has crime changed since 2020?")
    assert "trend" not in fact_types("What initiative was Steve Peters down on the agenda to cover?")
    assert "trend" not in fact_types("Has the working group been set up yet?")
    assert "trend" in fact_types("Has crime gone up?") and "trend" in fact_types("Are burglaries going down?")


def test_verbs_of_saying_weigh_little_and_never_refuse_alone():
    part = analyse("What change regarding attendance did the Open Data User Group announce?").parts[0]
    assert {c.name: c.generic for c in part.concepts}.get("announce") is True
    assert "regarding" not in [c.name for c in part.concepts]


def test_a_part_that_asks_in_its_own_words_wants_its_own_kind_of_fact():
    q = analyse("What kind of group did the Board agree would help, and who was actioned to present it, by when?")
    assert q.parts[0].facts == frozenset() and {"person", "date"} <= q.parts[1].facts
    tail = analyse("How many burglaries were recorded in 2023/24? And in 2024/25?")
    assert [p.facts for p in tail.parts] == [{"count"}, {"count"}]  # an elliptical part asks what the whole does


def test_what_a_question_names_quotes_or_relates_is_not_what_it_asks_for():
    assert fact_types("Do the people who sit on the Panel get paid for it?") == {"yesno"}  # relative "who"
    assert fact_types("How long would I have to appeal, and to whom?") == {"duration", "person"}
    assert fact_types("How many extra speed devices has the Commissioner funded?") == {"count"}
    assert fact_types("By what date should councillors send suggestions for the precept?") == {"date"}
    assert "trend" not in fact_types("Which CQC domain was the practice rated 'Requires Improvement' in?")
    assert "trend" not in fact_types("How many practices signed up to the General Practice Improvement Programme?")
    assert fact_types("How much money had the service saved so far?") == {"money"}


def test_a_plural_word_is_not_a_reference_to_a_lettered_item():
    from qa.references import find_references

    assert find_references("How many 'Fatal 4' enforcement actions were recorded?") == []  # not "action s"
    assert find_references("What do the items say?") == []
    assert [r.label for r in find_references("What happened to actions 898 and 910, and to Appendix A?")] == ["898",
                                                                                                           "A"]


def test_an_action_row_ending_with_its_owners_initials_names_who_owns_it():
    from qa.evidence import facts_in

    assert "person" in facts_in("Bushcraft Group - NO to invite Tom and Kev to the next PC meeting NO")
    assert "person" in facts_in("Survey of ~20 SMEs on use of National Address Data HS/BB")
    assert "person" not in facts_in("Offences were referred to the CPS.")  # an acronym ending a sentence


def test_an_acronyms_plural_and_possessive_are_the_acronym():
    assert tokens("access to GPs") == tokens("access to GP’s") == tokens("access to GP")
    assert tokens("two ICBs") == tokens("two ICB") and tokens("DOGS") == ["dog"]


def test_dates_printed_with_dots_or_dashes_are_dates_but_paragraph_numbers_are_not():
    assert "date" in facts_in("Review summary of findings 20.02.24 Select Committee")
    assert "date" in facts_in("Bank Balances as of 1-22-26")
    assert "date" not in facts_in("as set out in paragraph 3.4.12 of the report")


def test_a_balance_is_money_but_a_balance_sheet_is_not():
    assert "money" in fact_types("What were the Water account balance and the total bank balance?")
    assert "money" not in fact_types("What were the net assets according to the balance sheets?")


def test_a_part_asking_about_there_is_about_the_place_the_first_part_names():
    q = analyse("What did the enforcement case find at Hill Farm, and what business are the new owners proposing there?")
    assert "Hill Farm" in [c.name for c in q.parts[1].concepts]
    q = analyse("What did the enforcement case find at Hill Farm, and is there a plan for the car park?")
    assert "Hill Farm" not in [c.name for c in q.parts[1].concepts]


def test_how_often_wants_a_frequency_and_a_name_given_an_action_says_who_and_how_many_names_restrict():
    assert fact_types("How often does the panel meet?") == {"frequency"}
    assert "frequency" in facts_in("The Panel will meet on an 8 weekly cycle to debate issues.")
    assert "frequency" not in facts_in("The Panel met on 8 May.")
    assert "person" in facts_in("Outstanding action: Chris Taggart to set up the procurement working group.")
    assert "person" not in facts_in("Members went to the Town Hall to see it.")
    assert "person" in facts_in("The new headteacher, Sally Herbert, has been appointed.")
    part = analyse("How many Operation Hydrant investigations are open in the West Midlands?").parts[0]
    assert {c.name: c.restrictive for c in part.specifics}["Operation Hydrant"]


def test_a_question_naming_two_sources_compares_them():
    assert analyse("How much has Fatal 4 enforcement increased, according to the AGB paper and the November 2025 "
                   "Panel meeting?").compare
    assert analyse("How quickly do police respond, per the AGB paper and per the Commissioner at the Panel?").compare
    assert not analyse("In the minutes of the meeting, who proposed and who seconded the motion?").compare
    assert analyse("What is the answer time for 101 calls: the AGB paper's figure or the one given to the Panel?"
                   ).compare  # one source's figure or another's
    assert not analyse("Was the report approved or deferred by the board?").compare


def test_the_sources_a_question_names_are_where_from_not_what_it_is_about():
    """Each source's figure answers "per the finance report and per the Trust Board in March 2024": a source's own
    words (its paper, meeting and month) are not the topic the other source's figure must also print."""
    part = analyse("How long is the wait for hip surgery, per the finance report and per the Trust Board in "
                   "March 2024?").parts[0]
    assert {c.name for c in part.measured} == {"wait", "hip", "surgery"}, [c.name for c in part.measured]
    assert "march 2024" in {c.name for c in part.concepts if c.source}
    assert "per" not in {c.name for c in part.concepts}  # it only says a source follows
    between = analyse("How has the wait changed between the March 2024 finance report and the May 2024 board paper?")
    assert {c.name for c in between.parts[0].concepts if c.source} >= {"march 2024", "may 2024"}
    assert not any(c.source for c in analyse("What changed between 2023 and 2024?").concepts)  # no paper named
    first = analyse("According to the finance report, how long is the wait for hip surgery?").parts[0]
    assert {c.name for c in first.measured} == {"wait", "hip", "surgery"}, [c.name for c in first.measured]
    plain = analyse("Which report covers the wait for hip surgery in March 2024?").parts[0]
    assert not any(c.source for c in plain.concepts)  # no source named: every word is the topic


def test_a_time_zone_after_a_time_is_not_an_owners_initials():
    assert "person" not in facts_in("Approved Jan 22, 2026 5:30 PM MST")
    assert "person" in facts_in("Bushcraft Group - NO to invite Tom and Kev to the next PC meeting NO")


def test_two_things_asked_about_with_the_preposition_repeated_are_two_parts():
    q = analyse("How did the council vote on its consent agenda, i.e. on the November 14, 2018 minutes and on the "
                "November 2018 financials?")
    # the second part is asked with the first's question ("How did the council vote ... on the financials?")
    assert [p.text for p in q.parts][1] == "How did the council vote on the November 2018 financials?"
    assert len(analyse("How many burglaries were there in 2023 and 2024?").parts) == 1
    assert len(analyse("What did the panel say about the budget and about the precept?").parts) == 2
    after = analyse("When were the next meetings after the committee of 9 May and after the board meeting of 23 May?")
    assert [p.text for p in after.parts] == ["When were the next meetings after the committee of 9 May",
                                             "When were the next meetings after the board meeting of 23 May?"]
    assert analyse("In 2023 and in 2024, how many?").parts[-1].text == "in 2024, how many?"  # no question before
    assert "person" not in facts_in("AGM-2007/04: Minutes of the Previous AGM")  # a body's initials end the title


def test_a_number_glued_to_its_scale_is_a_count_and_a_hedge_is_no_topic():
    from qa.counts import counted_thing, counts

    assert "count" in facts_in("There are about 20thousands of supporters")
    part = analyse("Roughly how many supporters did the Secretary report?").parts[0]
    assert counts("There are about 20thousands of supporters", counted_thing(part))
    assert next(c for c in part.concepts if c.name.lower() == "roughly").generic


def test_counting_as_something_is_being_classed_as_it_not_a_count():
    part = analyse("Does outcome code OC22 count as a positive outcome?").parts[0]
    assert "count" not in part.facts and "count" not in [c.name for c in part.concepts]
    assert "count" in analyse("What was the count of stop and searches?").parts[0].facts


def test_the_words_framing_what_is_asked_are_no_topic():
    part = analyse("What are the two figures and the dates they refer to?").parts[0]
    assert all(c.generic for c in part.concepts if c.name.lower() in ("dates", "refer"))


def test_a_status_line_names_no_one_and_deciding_is_agreeing():
    from qa.fact_patterns import has_name

    assert "name" not in facts_in("Status : Date: Location: Online Approved Jan 22, 2026 5:30 PM MST")
    assert has_name("Present: Online Approved") and not has_name("Present: Online Approved",
                                                                 frozenset({"online", "approved"}))
    assert has_name("Proposed: Mark Littlewood", frozenset({"mark", "proposed"}))  # one word never in lower case
    decide = next(c for c in analyse("What did the council decide about the precept?").parts[0].concepts
                  if ("decid",) in c.alternatives)
    assert decide.found_in(frozenset(tokens("The precept was agreed.")))


def test_a_salary_is_an_amount():
    assert "money" in fact_types("What is the Chief Constable's salary?")


def test_plain_words_for_sending_something_in_find_the_papers_submissions():
    """"Can I send it straight to the police?" is asked of papers that say footage is "submitted directly"."""
    concepts = analyse("I have CCTV footage. Can I send it straight to the police?").parts[0].concepts
    said = tokens("The public can submit CCTV directly through the registry.")
    assert all(c.found_in(said) for c in concepts if c.name in {"submit", "directly"}), [c.name for c in concepts]
    assert {"submit", "directly"} <= {c.name for c in concepts}


def test_the_paragraphs_of_an_annex_asked_for_come_in_order_of_relevance_a_label_asked_for_first():
    from qa.references import lookup

    def para(label, part, seq):
        return Paragraph(doc_id="t@1", doc="terms.pdf", doc_title="Terms", paper="Terms of reference", label=label,
                         part=part, pages=(4,), seq=seq, text=f"{label} text")

    papers = [para("Annex A", "Annex A", 0), para("1", "Annex A", 1), para("2", "Annex A", 2), para("3", "Annex A", 3),
              para("4", "", 4)]
    question = "In Annex A, who leads the guidelines task?"
    assert lookup(question, papers, relevance={3: 0.9, 1: 0.2}) == [3, 1, 0, 2]
    assert lookup(question, papers) == [0, 1, 2, 3]  # without a search, in the paper's order
    assert lookup("What does paragraph 2 say?", papers, relevance={1: 0.9}) == [2]


def test_the_national_average_is_found_as_the_england_and_wales_average():
    concepts = analyse("How does the trust's rate compare with the national average?").concepts
    national = next(c for c in concepts if c.name == "national")
    assert national.found_in(tokens("compared with the England and Wales average of 14%"))


def test_joining_or_leaving_a_body_is_found_as_an_appointment_in_place_of_someone():
    concepts = analyse("Has anyone joined or left the board recently?").concepts
    said = tokens("Cllr Rao is now appointed to the Board in place of Cllr Webb.")
    assert sum(c.found_in(said) for c in concepts if not c.generic) >= 2, [c.name for c in concepts]


def test_a_rate_is_a_figure_not_the_word_rate():
    assert "rate" not in facts_in("The positive outcome rate is rising.")
    assert "rate" not in facts_in("Positive Outcome Rate 1 Positive Outcome Rate 2")  # a chart's labels
    for said in ("The rate was 12.5 percent.", "up 3.6pp", "1 in 4 patients", "a rate of 4.2 per 1,000",
                 "1.9 times more likely", "The charge rate stood at 7.1"):
        assert "rate" in facts_in(said), said


def test_whether_the_roads_are_safer_is_asked_of_who_is_killed_or_hurt_on_them():
    concepts = analyse("Are the roads getting any safer?").concepts
    said = tokens("In 2024/25, 56 people were killed and 1,140 seriously injured on the county's roads.")
    assert [c.name for c in concepts if c.found_in(said)] == ["road safety"], [(c.name, c.alternatives) for c in concepts]


def test_there_in_a_later_part_is_the_place_the_first_part_names_not_its_topic():
    q = analyse("What did the enforcement case find at Hill Farm, and what business are the new owners proposing there?")
    second = {c.name for c in q.parts[1].concepts}
    assert "Hill Farm" in second and not {"enforcement", "case", "find"} & second, second


def test_a_label_quoted_as_printed_finds_that_paragraph_and_the_entries_numbered_under_it():
    from qa.references import find_references, lookup

    assert [r.label for r in find_references("When the Board discussed the PDC (paper TB(5)2), what did it say?")] \
        == ["TB(5)2"]
    assert [r.label for r in find_references("What does LW 73/2122 record?")] == ["LW 73/2122"]
    assert [r.label for r in find_references("How many 999 calls were answered in 2024/25?")] == []

    def para(label, seq):
        return Paragraph(doc_id="m@1", doc="minutes.pdf", doc_title="Minutes", paper="Minutes", label=label,
                         pages=(2,), seq=seq, text=f"{label} text")

    papers = [para("TB(5)1", 0), para("TB(5)2", 1), para("TB(5)2(i)", 2), para("TB(5)2(ii)", 3), para("TB(5)20", 4)]
    assert lookup("What did paper TB(5)2 conclude?", papers, relevance={3: 0.9}) == [3, 1, 2]
    assert lookup("What did paper TB(5)9 conclude?", papers) == []  # no paragraph is labelled so
    other = papers[:1] + [para("TB(5)9", 1)]  # another library (the map of labels is kept per list of paragraphs)
    assert lookup("What did paper TB(5)9 conclude?", other) == [1]
    assert lookup("What did paper TB(5)2 conclude?", papers, relevance={3: 0.9}) == [3, 1, 2]


def test_compared_with_after_a_noun_qualifies_it_and_compares_nothing():
    from qa.question import split_parts

    asked = "What happened to the board's request for waiting-time data compared with similar trusts?"
    assert split_parts(asked) == [asked] and "trend" not in fact_types(asked)
    assert len(split_parts("How does the trust's rate compare with the national average?")) == 2
    assert len(split_parts("How many referrals were received in May 2024 compared with May 2023?")) == 2
    assert "trend" in fact_types("Why can't the figures be compared with those before Covid?")


def test_how_a_figure_has_moved_or_changed_is_asked_of_every_paper_that_gives_it():
    assert analyse("How has the share of cases closed under outcome code 16 moved?").compare
    assert analyse("How have waiting times for hip surgery changed?").compare
    assert not analyse("What changed in the waiting list policy?").compare


def test_what_a_population_or_headcount_is_asks_for_a_number():
    from qa.fact_kinds import fact_types

    assert "count" in fact_types("What is the population of the West Midlands police force area?")
    assert "count" in fact_types("What was the police officer headcount in March 2025?")
    assert "count" not in fact_types("What is the population health strategy?")
