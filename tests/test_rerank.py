"""The second stage of retrieval: the paragraphs the answerer reads, re-ranked by how well their sentences answer."""

from __future__ import annotations

from fakes import FakeEmbedder

from boardqa.settings import Settings
from corpus.records import Paragraph
from index.results import Hit
from qa.engine import Engine
from qa.extractive import EXACT_FLAG
from qa.rerank import reranked


def _engine(paragraphs: list[Paragraph], top_k: int) -> Engine:
    settings = Settings()
    settings.retrieval.top_k = top_k
    return Engine.from_paragraphs(paragraphs, settings, embedder=FakeEmbedder())


def test_the_paragraph_whose_sentence_gives_what_is_asked_moves_up_among_those_the_answerer_reads():
    src = dict(doc_id="r@1", doc="report.txt", doc_title="Performance report", paper="Performance report",
               date="2025-05-14", section="Violence")
    texts = [
        "Homicides recorded in 2024/25 are reviewed by the homicide board; every homicide recorded is reviewed in "
        "2024/25.",
        "The homicide prevention strategy for homicides recorded in 2024/25 was agreed by partners.",
        "Recorded homicides and the homicide review process in 2024/25 are described in the annex on homicides.",
        "In 2024/25 the force recorded 31 homicides, a reduction of 14 on the previous year.",
        "Knife crime fell by 6 per cent.",
    ]
    engine = _engine([Paragraph(label=f"3.{i + 1}", pages=(1,), seq=i, text=t, **src) for i, t in enumerate(texts)],
                     top_k=4)
    question = "How many homicides were recorded in 2024/25?"
    first = [h.paragraph.label for h in engine.retrieve(question, 5, second_stage=False)]
    second = [h.paragraph.label for h in engine.retrieve(question, 5)]
    # the paragraphs about the topic outrank the one that counts them by words; its sentence gives the count asked
    assert first.index("3.4") == 3 and second.index("3.4") < 3, (first, second)
    assert sorted(second[:4]) == sorted(first[:4]) and second[4:] == first[4:]  # only the answerer's are reordered
    assert [h.paragraph.label for h in engine.retrieve(question, 2)] == second[:2]
    # the answer reads the first stage's order (it weighs that order itself): the same answer either way
    answer = engine.ask(question)
    assert "31 homicides" in answer.answer and answer.citations[0].paragraph == "3.4"
    assert answer.answer == engine.answer_from_hits(question, engine.retrieve(question, second_stage=False)).answer


def test_the_line_naming_an_offices_holder_is_ranked_where_its_document_stands():
    src = dict(doc_id="m@1", doc="minutes.txt", doc_title="Minutes", date="2025-11-17",
               paper="Minutes of the Panel meeting held on 17 November 2025")
    texts = {
        "Cover": "MINUTES OF THE MEETING OF THE POLICE AND CRIME PANEL HELD ON 17 NOVEMBER 2025 AT 2PM",
        "Present": "PRESENT: -\nMembers\nCllr Suky Samra, LLB (Walsall Metropolitan Borough Council – Chair)\n"
                   "Cllr Jilly Bermingham (Birmingham City Council)",
        "921": "The Chair welcomed members to the meeting of the Panel and the Panel noted the report on crime.",
        "922": "The Chair thanked the Commissioner for the meeting report and the Panel meeting agreed the minutes.",
        "923": "RESOLVED - That the Chair and the Panel meeting receive a further report at the next meeting.",
        "Sign-off": "Meeting closed: 16.59 hours. CHAIR",
    }
    engine = _engine([Paragraph(label=label, pages=(1,), seq=i, text=t, **src)
                      for i, (label, t) in enumerate(texts.items())], top_k=3)
    question = "Who chaired the meeting on 17 November 2025?"
    first = [h.paragraph.label for h in engine.retrieve(question, second_stage=False)]
    assert "Present" not in first  # mentions of the Chair outrank, by words, the line saying who that is
    # the answerer brings in the line naming the Chair and quotes it: the second stage ranks it with its document
    assert "Suky Samra" in engine.ask(question).answer
    assert "Present" in [h.paragraph.label for h in engine.retrieve(question, 2)]


def _hit(label: str, lexical: float = 1.0) -> Hit:
    return Hit(Paragraph(doc_id="d@1", doc="d.txt", doc_title="D", paper="P", label=label, text=label), 0.5, 0.5,
               lexical)


def test_reranking_fuses_both_orders_and_keeps_paragraphs_asked_for_by_number_first():
    hits = [_hit("7", EXACT_FLAG), _hit("a"), _hit("b"), _hit("c"), _hit("d")]
    scores = [0.0, 0.1, 0.2, 0.3, 2.0]  # the last by the first stage answers best
    order = [h.paragraph.label for h in reranked(hits, scores, 60, EXACT_FLAG)]
    assert order[0] == "7" and sorted(order) == sorted(h.paragraph.label for h in hits)
    assert order.index("d") < 4 and order.index("a") < order.index("b")  # fused: "a" is first by the first stage
    assert [h.paragraph.label for h in reranked(hits, [0.0, 4, 3, 2, 1], 60, EXACT_FLAG)] == ["7", "a", "b", "c", "d"]
    # a paragraph placed where another stands ranks beside it
    placed = [h.paragraph.label for h in reranked(hits, scores, 60, EXACT_FLAG, places=[0, 1, 2, 3, 0])]
    assert placed[1] == "d"
