"""The extractive answerer, its sentence splitter and question reader, and the officer's draft reply."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.contract import MARKER, REFUSAL, violations
from qa.extractive import EXACT_FLAG, answer_extractive, facts_in
from qa.numbers import number_set, numbers_in
from qa.question import analyse, expanded_query, fact_types, split_parts, tokens
from qa.reply import draft_reply, reply_docx_bytes, reply_markdown
from qa.sentences import display, split_sentences

AGB = dict(doc_id="agb@0123456789ab", doc="agb-2025-05-police-and-crime-plan-performance.txt",
           doc_title="Police and Crime Plan Performance", paper="Police and Crime Plan Performance",
           meeting="Accountability and Governance Board", date="2025-05")
PCP = dict(doc_id="pcp@ba9876543210", doc="pcp-2026-01-05-agenda-pack.txt",
           doc_title="West Midlands Police and Crime Panel", paper="Bringing Offenders to Justice",
           meeting="West Midlands Police and Crime Panel", date="2026-01-05")
MINUTES = dict(PCP, paper="Minutes of 17 November 2025")


def para(src: dict, label: str, text: str, page: int, seq: int, section: str = "") -> Paragraph:
    return Paragraph(label=label, text=text, section=section, pages=(page,), seq=seq, **src)


HOMICIDE = para(AGB, "3.7", "- 3.7. In 2024/25, there were 31 homicides recorded by WMP, a reduction of 14 compared "
                "to the previous year. Of these, 9 were flagged as domestic-related, which remains unchanged from "
                "2023/24.", 4, 30, "3. Preventing and Tackling Violence")
KNIFE = para(AGB, "3.9", "The most recent data, covering the calendar year 2024, reports 4,577 knife crime offences. "
             "This represents a reduction of 13.1 percent. Similarly, gun crime fell by 12.5 percent, with 504 "
             "offences recorded.", 4, 32, "3. Preventing and Tackling Violence")
HEADCOUNT = para(AGB, "2.2", "2.2. A key commitment within the Police and Crime Plan is to expand the number of police "
                 "officers and Police Community Support Officers (PCSOs). As of March 2025, the force recorded a "
                 "police officer headcount of 8,094, down slightly from 8,102 in April 2024. This represents a "
                 "marginal decrease of 0.1 percent over the 12-month period.", 2, 12, "2. Rebuilding Community Policing")
CPS_AGB = para(AGB, "9.10", "Crown Prosecution Service (CPS) case quality compliance has shown some slight "
               "improvement. As of December 2024, 62.9 percent of WMP case files met CPS quality standards. This "
               "marks a 3.4 percentage point increase from the April 2024 baseline, reflecting improved case file "
               "preparation and adherence to national standards.", 9, 80, "9. Bringing Offenders to Justice")
CPS_PCC = para(PCP, "115", "115. The KPI surrounding Crown Prosecution Service (CPS) case quality compliance, has "
               "shown modest improvement. As of June 2025, 72.9% of WMP case files met CPS quality standards, a "
               "13.4 percentage point increase, from the April 2024 baseline of 59.5%. This reflects progress in "
               "case file preparation and greater alignment with national standards.", 27, 140)
SURVEY_AGB = para(AGB, "7.21", "7.21. Improving public trust and confidence in WMP remains a central ambition of the "
                  "plan. A regional public perception survey is currently in development by the OPCC and WMP.", 8, 70)
SURVEY_MINUTES = para(MINUTES, "921", "Public Confidence:\n\n- Members asked about when the public perception survey "
                      "would be rolled out; the survey was said to still be under procurement with an anticipated "
                      "start date of April 2026. The procurement process would ensure the provider could reach all "
                      "the communities of the West Midlands.", 5, 20)
ETHICS = para(AGB, "Table 1", "Training Module\tBaseline Date\tBaseline\tCurrent Date\tCurrent\t\n"
              "Ethics Module 4 (Ethical Grey Areas).\t[January 2025]\t63.0%\t[March 2025]\t71.0%\t⊕ 8.0pp\n"
              "Ethics Module 5 (Guidance and Misconduct Allegations).\t[January 2025]\t53.0%\t[March 2025]\t69.0%",
              7, 60)
FOOTNOTED = para(PCP, "27", "27. The latest LCJB Performance Pack[2] shows that in quarter 2 of 2025 the average "
                 "number of days from a case arriving at court to completing was 663 days.[3] This is a 15% "
                 "reduction.", 14, 100)
SHOPLIFTING = para(AGB, "5.5", "- 5.5. A key factor contributing to the rise in business crime is the national "
                   "increase in shoplifting. In the West Midlands, shoplifting offences rose by 34.5 percent, with "
                   "32,703 crimes recorded over the year. Most LPAs reported increases, with Walsall experiencing the "
                   "highest rise at 64.7 percent. In contrast, shoplifting levels in Sandwell remained largely "
                   "unchanged, recording a small reduction of 2.9 percent.", 6, 44)
WORK_PROGRAMME = para(MINUTES, "923", "WEST MIDLANDS POLICE AND CRIME PANEL WORK PROGRAMME 2025/2026\n\nThe Scrutiny "
                      "Officer presented the work programme report.\n\nRESOLVED – That:\n\n- i. The work programme and "
                      "menu of priority topics in Appendix A be noted.\n- ii. The formation of the member working group "
                      "be made to the work programme.\n- iii. The Panel Lead Officer refine the information deemed "
                      "necessary.", 8, 30)
ALL = [HOMICIDE, KNIFE, HEADCOUNT, CPS_AGB, CPS_PCC, SURVEY_AGB, SURVEY_MINUTES, ETHICS, FOOTNOTED, SHOPLIFTING,
       WORK_PROGRAMME]
SETTINGS = Settings()


def fake_hits(question: str, paragraphs: list[Paragraph] = ALL, k: int = 6) -> list[Hit]:
    """A stand-in retriever: word overlap orders the paragraphs; `dense` grows with the overlap."""
    q = set(tokens(expanded_query(question)))
    scored = []
    for p in paragraphs:
        overlap = len(q & set(tokens(p.text))) / (len(q) or 1)
        scored.append((overlap, p))
    scored.sort(key=lambda x: -x[0])
    return [Hit(p, 1 / (61 + i), 0.25 + 0.5 * o, o * 10) for i, (o, p) in enumerate(scored[:k])]


def ask(question: str, paragraphs: list[Paragraph] = ALL, **kw):
    answer = answer_extractive(question, fake_hits(question, paragraphs), SETTINGS, **kw)
    assert violations(answer) == []
    return answer


def cited_labels(answer) -> list[str]:
    return [c.paragraph for c in answer.support]


def test_how_many_homicides_gives_the_count_and_cites_the_homicide_paragraph():
    answer = ask("How many homicides were recorded in 2024/25?")
    assert not answer.abstained
    assert "31" in answer.answer and "[1]" in answer.answer
    assert cited_labels(answer)[0] == "3.7"
    assert answer.citations[0].quote in HOMICIDE.text
    assert answer.citations[0].reference == "Police and Crime Plan Performance (Accountability and Governance Board, May 2025), ¶3.7, p.4"
    assert answer.confidence >= SETTINGS.answer.min_confidence


def test_plain_words_find_the_papers_words():
    answer = ask("are fewer people being murdered?")
    assert not answer.abstained and cited_labels(answer) == ["3.7"]
    assert "reduction of 14" in answer.answer
    stabbings = ask("How many stabbings were there?")
    assert "4,577" in stabbings.answer and cited_labels(stabbings) == ["3.9"]


def test_when_picks_the_sentence_with_a_date():
    answer = ask("When will the public perception survey start?")
    assert not answer.abstained
    assert "April 2026" in answer.answer and "921" in cited_labels(answer)


def test_percentage_question_picks_the_sentence_with_the_percentage():
    answer = ask("What percentage of WMP case files met CPS quality standards in June 2025?")
    assert "72.9%" in answer.answer and cited_labels(answer)[0] == "115"
    december = ask("What percentage of case files met CPS quality standards in December 2024?")
    assert "62.9 percent" in december.answer and cited_labels(december)[0] == "9.10"


def test_numbers_are_never_altered():
    answer = ask("How many police officers does the force have?")
    assert "8,094" in answer.answer
    for num in numbers_in(MARKER.sub(" ", answer.answer)):
        assert num in number_set(HEADCOUNT.text)


def test_a_two_part_question_cites_both_paragraphs():
    answer = ask("How many homicides were there and how many knife crime offences?")
    assert not answer.abstained
    assert set(cited_labels(answer)) == {"3.7", "3.9"}
    assert "31" in answer.answer and "4,577" in answer.answer
    assert len(answer.answer.splitlines()) == 2  # one line per part


def test_a_multi_part_answer_is_quoted_sentences_never_a_heading_made_of_the_question():
    both = ask("How many homicides were there and how many knife crime offences?")
    for line in both.answer.splitlines():
        quoted, n = re.fullmatch(r"(.+) \[(\d)\]", line).groups()
        assert " ".join(quoted.split()) in " ".join(both.citations[int(n) - 1].text.split())
    half = ask("How many homicides were there, and what colour is the new police helicopter?")
    assert half.answer.splitlines()[-1] == "The papers found do not answer the second part of the question."
    assert "helicopter" not in half.answer and "colour" not in half.answer
    twice = ask("How many homicides were there and how many homicides were there?")
    assert len(twice.answer.splitlines()) == 1  # a part already answered above adds nothing


def test_each_report_on_the_same_measure_cites_both_papers():
    answer = ask("What does each report say about CPS case quality?")
    assert {"9.10", "115"} <= set(cited_labels(answer))
    assert "62.9 percent" in answer.answer and "72.9%" in answer.answer


@pytest.mark.parametrize("question, missing", [
    ("What is the police budget for 2026/27?", "2026/27"),
    ("How many burglaries were there in Coventry in 2019?", "2019"),
])
def test_unanswerable_questions_abstain_with_see_also(question, missing):
    answer = ask(question)
    assert answer.abstained and answer.answer.startswith(REFUSAL)
    assert missing in answer.answer
    assert not MARKER.search(answer.answer)
    assert 1 <= len(answer.citations) <= 3
    assert all(c.role == "see_also" for c in answer.citations)
    assert answer.confidence < SETTINGS.answer.min_confidence


def test_a_question_on_a_topic_the_papers_never_mention_abstains():
    answer = ask("How many hate crimes were recorded?")
    assert answer.abstained and "hate crime" in answer.answer


def test_no_hits_abstains_without_citations():
    answer = answer_extractive("How many homicides?", [], SETTINGS)
    assert answer.abstained and answer.citations == [] and violations(answer) == []


def test_exact_reference_quotes_the_paragraph_and_never_abstains():
    hits = [Hit(KNIFE, 1.0, 0.0, EXACT_FLAG), Hit(HOMICIDE, 0.5, 0.3, 2.0)]
    answer = answer_extractive("paragraph 3.9 please", hits, SETTINGS)
    assert not answer.abstained and violations(answer) == []
    assert cited_labels(answer) == ["3.9"] and "4,577 knife crime offences" in answer.answer
    assert answer.answer.endswith("[1]")


def test_footnote_marks_in_a_paper_never_become_citation_markers():
    answer = ask("How many days from a case arriving at court to completing?", [FOOTNOTED, HOMICIDE])
    assert "663 days" in answer.answer
    assert {int(n) for n in MARKER.findall(answer.answer)} == {1}


def test_a_table_row_is_quoted_whole_with_its_header():
    answer = ask("What was the figure for Ethics Module 5 in March 2025?", [ETHICS, HOMICIDE])
    assert "69.0%" in answer.answer and "Training Module" in answer.answer


def test_a_trend_question_keeps_the_sentence_that_gives_the_change():
    answer = ask("Is knife crime going down?")
    assert "4,577" in answer.answer and "13.1 percent" in answer.answer


def test_a_scene_setting_sentence_narrows_but_does_not_refuse():
    answer = ask("I run a shop in Walsall and shoplifting seems out of control. Is it getting worse here?")
    assert not answer.abstained and cited_labels(answer) == ["5.5"] and "64.7 percent" in answer.answer


def test_a_resolution_is_quoted_with_its_whole_short_list():
    answer = ask("What did the Panel resolve on its work programme?")
    assert "Appendix A" in answer.answer and "working group" in answer.answer and cited_labels(answer) == ["923"]


@pytest.mark.parametrize("question, missing", [
    ("What did the Panel resolve under minute 926?", "minute 926"),
    ("What was the figure for Ethics Module 8 in March 2025?", "Ethics Module 8"),
])
def test_a_reference_the_papers_do_not_contain_is_refused(question, missing):
    answer = ask(question)
    assert answer.abstained and missing in answer.answer


def test_sentences_keep_exact_offsets_and_do_not_split_numbers_or_abbreviations():
    text = ("- 3.3. Harm fell by approximately 10.5 percent in 2024/25. Cllr J. Scott asked (i.e. in writing) "
            "about No. 5. The Panel agreed.\n\nRESOLVED – that\n- i. The report be noted.\n"
            "Row one\t96.0%\t[March 2025]")
    sentences = split_sentences(text, "3.3")
    assert [s.text for s in sentences] == [
        "Harm fell by approximately 10.5 percent in 2024/25.",
        "Cllr J. Scott asked (i.e. in writing) about No. 5.",
        "The Panel agreed.", "RESOLVED – that", "The report be noted.", "Row one\t96.0%\t[March 2025]"]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert sentences[-1].row and sentences[-2].item


def test_a_page_break_inside_a_sentence_is_joined():
    text = "Community resolutions specifically have\n\ngrown by 52.0 percent, indicating more restorative justice."
    assert [s.text for s in split_sentences(text)] == [text]
    assert display(text) == "Community resolutions specifically have grown by 52.0 percent, indicating more restorative justice."


def test_display_drops_footnotes_and_leading_connectives_but_no_digits():
    assert display("In addition, there were 85 stops[2] where\ta firearm was recovered.") == \
        "There were 85 stops where | a firearm was recovered."


def test_question_reading():
    q = analyse("How many burglaries were there in Coventry in 2019?")
    names = {c.name: c for c in q.parts[0].concepts}
    assert names["Coventry"].specific and names["2019"].numeric
    assert "count" in q.parts[0].facts
    assert fact_types("When is the next meeting?") >= {"date"}
    assert fact_types("What percentage of calls were answered?") >= {"rate"}
    assert fact_types("How much money is in the budget?") >= {"money"}
    assert fact_types("Is shoplifting rising?") >= {"yesno", "trend"}
    assert "homicide" in expanded_query("are fewer people being murdered?")
    assert split_parts("Compare knife crime and gun crime") == ["knife crime", "gun crime"]
    assert len(split_parts("1) How many homicides? 2) How many stabbings?")) == 2
    assert len(split_parts("How many officers are there; how many PCSOs?")) == 2
    assert split_parts("What is violence against women and girls?") == ["What is violence against women and girls?"]


def test_question_reading_of_names_references_and_scenes():
    q = analyse("I run a shop in Walsall. Are shoplifters being caught?")
    assert split_parts(q.text) == ["Are shoplifters being caught?"]
    scene = {c.name: c for c in q.parts[0].concepts if c.context}
    assert "Walsall" in scene and not scene["Walsall"].specific
    ref = {c.name: c for c in analyse("What did the Panel resolve under minute 926?").parts[0].concepts}
    assert ref["minute 926"].specific and ref["minute 926"].alternatives == (("926",),)
    module = {c.name: c for c in analyse("What was the rate for Ethics Module 8?").parts[0].concepts}
    assert module["Ethics Module 8"].alternatives[0] == ("ethic", "modul_8")
    assert analyse("What does each report say about CPS case quality?").each
    assert analyse("By how much did arrests fall? The AGB paper and the Panel minutes differ.").compare


def test_vocabulary_folds_word_forms_and_pairs_identifiers():
    from qa.vocabulary import fold

    assert fold("burglaries") == fold("burglary") and fold("recorded") == fold("recording")
    assert fold("completion") == fold("completed") and fold("offences") == fold("offence")
    assert {"2024/25", "2024", "2025", "modul_8", "1140"} <= set(tokens("Module 8 in 2024-25: 1,140"))
    assert "8" not in tokens("a rise of 8.0pp")


def test_facts_in_sentences():
    assert "count" in facts_in("there were 31 homicides")
    assert "count" not in facts_in("a reduction of 13.1 percent in 2024")
    assert {"date", "rate"} <= facts_in("As of June 2025, 72.9% of files")


WORDS = sorted({w for p in ALL for w in re.findall(r"[A-Za-z0-9/.,%£-]+", p.text)})


@hyp_settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.one_of(st.sampled_from(WORDS), st.text("abcdefghijklmnopqrstuvwxyz0123456789?[]", min_size=1,
                                                            max_size=8)), min_size=0, max_size=12),
    order=st.permutations(ALL), size=st.integers(0, len(ALL)),
    dense=st.lists(st.floats(0.0, 1.0), min_size=len(ALL), max_size=len(ALL)),
    exact=st.booleans(), glue=st.sampled_from([" ", " and ", "; ", "? ", " compared with "]),
)
def test_any_question_and_any_hits_keep_the_contract(words, order, size, dense, exact, glue):
    question = glue.join(words) + "?"
    hits = [Hit(p, 1.0 / (1 + i), d, (EXACT_FLAG if exact and i == 0 else 1.0))
            for i, (p, d) in enumerate(zip(order[:size], dense))]
    answer = answer_extractive(question, hits, SETTINGS)
    assert violations(answer) == []
    assert 0.0 <= answer.confidence <= 1.0
    if answer.abstained:
        assert not MARKER.search(answer.answer) and all(c.role == "see_also" for c in answer.citations)
    else:
        cited = set().union(*(number_set(c.text) for c in answer.support))
        assert set(numbers_in(MARKER.sub(" ", answer.answer))) <= cited
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        body = reply_body(draft_reply(question, answer), question)
        assert set(numbers_in(MARKER.sub(" ", body))) <= cited
        assert {int(n) for n in MARKER.findall(body)} <= {c.n for c in answer.support}


def reply_body(reply: str, question: str) -> str:
    """The reply without the quoted question and the list of references (which carry labels and pages)."""
    return reply.split("Papers cited:")[0].replace(f"You asked: “{question.strip()}”", "")


def test_reply_keeps_numbers_and_references():
    question = "How many homicides were there and how many knife crime offences?"
    answer = ask(question)
    reply = draft_reply(question, answer, body_name="the West Midlands Police and Crime Panel")
    assert reply.startswith("Dear [name],") and "Thank you for your question about homicides" in reply
    assert "31" in reply and "4,577" in reply
    assert set(MARKER.findall(reply_body(reply, question))) == {"1", "2"}
    for c in answer.support:
        assert f"[{c.n}] {c.reference}" in reply
    cited = set().union(*(number_set(c.text) for c in answer.support))
    assert set(numbers_in(MARKER.sub(" ", reply_body(reply, question)))) <= cited
    assert "Yours sincerely," in reply


def test_abstention_reply_is_polite_and_lists_see_also():
    question = "What is the police budget for 2026/27?"
    answer = ask(question)
    reply = draft_reply(question, answer)
    assert "do not answer this question" in reply and "sorry" in reply
    assert "Freedom of Information" in reply and "scrutiny officer" in reply
    assert "You may find these papers relevant:" in reply
    assert all(c.reference in reply for c in answer.citations)
    assert not MARKER.search(reply) and "Papers cited:" not in reply


def test_reply_downloads():
    question = "How many homicides were recorded in 2024/25?"
    answer = ask(question)
    md = reply_markdown(question, answer)
    assert "**Papers cited:**" in md and "> In 2024/25, there were 31 homicides" in md
    from docx import Document

    doc = Document(io.BytesIO(reply_docx_bytes(question, answer)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "31 homicides" in text and answer.citations[0].reference in text


class BagOfWords:
    """A stand-in sentence embedder (hashed word counts, unit length); records what it was asked to embed."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]):
        import numpy as np

        self.calls.append(list(texts))
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for i, text in enumerate(texts):
            for t in tokens(text):
                out[i, sum(map(ord, t)) % 256] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_with_an_embedder_sentences_are_also_chosen_by_meaning():
    from qa.evidence import SEMANTIC_PARAGRAPHS, SEMANTIC_UNITS

    embed = BagOfWords()
    answer = ask("How many homicides were recorded in 2024/25?", embed=embed)
    assert not answer.abstained and "31" in answer.answer and cited_labels(answer)[0] == "3.7"
    assert answer.confidence >= SETTINGS.answer.min_confidence
    assert len(embed.calls) == 1  # one batch: the question and the capped candidate sentences
    assert len(embed.calls[0]) <= 1 + SEMANTIC_PARAGRAPHS * SEMANTIC_UNITS


@pytest.mark.parametrize("question, missing", [
    ("What is the police budget for 2026/27?", "2026/27"),
    ("How many burglaries were there in Coventry in 2019?", "2019"),
])
def test_with_an_embedder_unanswerable_questions_still_abstain(question, missing):
    answer = ask(question, embed=BagOfWords())
    assert answer.abstained and missing in answer.answer
    assert answer.confidence < SETTINGS.answer.min_confidence


def test_with_an_embedder_a_two_part_question_keeps_the_contract():
    answer = ask("How many homicides were recorded, and how many knife crime offences?", embed=BagOfWords())
    assert not answer.abstained and "31" in answer.answer and "4,577" in answer.answer


def test_each_line_of_a_list_of_people_and_their_roles_is_its_own_sentence():
    from qa.sentences import split_sentences

    text = ("ALSO PRESENT: -\nSimon Foster – Police and Crime Commissioner\nJonathan Jardine – Chief Executive, Office "
            "of the Police and Crime Commissioner\nSimon Down – Head of Policy, Office of Police and Crime Commissioner")
    lines = [s.text for s in split_sentences(text)]
    assert "Jonathan Jardine – Chief Executive, Office of the Police and Crime Commissioner" in lines, lines
    assert "Simon Down – Head of Policy, Office of Police and Crime Commissioner" in lines
    prose = ("The report on the budget was noted by the Panel, and the Chair thanked the officers of\n"
             "the Office – all of them – for it.")
    assert len(split_sentences(prose)) == 1  # a sentence broken over two lines stays one
