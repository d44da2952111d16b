"""Every evaluation metric against values computed by hand, edge cases included."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.gold import GoldEntry, GoldItem
from evals.metrics import (
    Outcome, Retrieved, abstention_precision, abstention_recall, answer_accuracy, answer_correct,
    citation_precision, citation_recall, fact_in, gold_cited, false_abstention_rate, first_gold_rank, matches,
    mean_reciprocal_rank, percentile, recall_at_k, retrieval_ranks, score, score_by_kind,
)
from qa.contract import REFUSAL, Answer, Citation

DOC = "agb-2025-05-police-and-crime-plan-performance.txt"
G1 = GoldEntry(doc=DOC, label="3.7", evidence="there were 31 homicides recorded by WMP")
G2 = GoldEntry(doc=DOC, label="2.5", evidence="a total of 29,334 reports were recorded")
G3 = GoldEntry(doc="pack.txt", label="921", evidence="The Panel noted the report.")
PARA_37 = "3.7 In 2024/25, there were 31 homicides recorded by WMP, a reduction of 14."
PARA_25 = "2.5 In 2024/25 a total of 29,334 reports were recorded, up 11.1 percent."

ROOT = Path(__file__).resolve().parents[1]


def item(id="q1", facts=("31",), gold=(G1,), answerable=True, kind="numeric", split="dev") -> GoldItem:
    return GoldItem(id=id, split=split, kind=kind, question=f"question {id}?", answer="", facts=tuple(facts),
                    gold=tuple(gold) if answerable else (), answerable=answerable)


def cite(n=1, doc=DOC, label="3.7", text=PARA_37, quote="", role="support") -> Citation:
    return Citation(n=n, doc=doc, paper="P", paragraph=label, pages=[], reference="", quote=quote, text=text,
                    score=0.5, role=role)


def answer(text="31 homicides [1].", cites=(), abstained=False) -> Answer:
    return Answer(question="q", answer=REFUSAL if abstained else text, abstained=abstained,
                  citations=list(cites), confidence=0.5)


# -- matches ---------------------------------------------------------------------------

def test_same_doc_and_label_with_the_evidence_matches():
    assert matches(G1, DOC, "3.7", PARA_37, "")


def test_evidence_quoted_with_its_printed_number_matches_the_paragraph_with_that_label():
    entry = GoldEntry(doc=DOC, label="Jan26.02", evidence="Jan26.02 Bushcraft Group - NO to invite Tom and Kev")
    assert matches(entry, DOC, "Jan26.02", "Bushcraft Group - NO to invite Tom and Kev to the next meeting", "")
    assert not matches(entry, DOC, "Jan26.03", "Bushcraft Group - NO to invite Tom and Kev to the next meeting", "")
    # the number in any printed style: "I. The Warwick", "Action 7: ...", "(b) ..."
    for label, evidence in (("I", "I. The Warwick 25 Warwick Way"), ("Action 7", "Action 7: Board to comment by 23 March"),
                            ("b", "(b) Board to comment by 23 March")):
        text = evidence.split(" ", 2 if label == "Action 7" else 1)[-1] + " and more."
        entry = GoldEntry(doc=DOC, label=label, evidence=evidence)
        assert matches(entry, DOC, label, text, ""), (label, text)
        assert not matches(entry, DOC, "J", text, "")  # another paragraph's label
        assert not matches(entry, DOC, label, "Something else.", "")


def test_same_doc_and_label_without_the_evidence_does_not_match():
    assert not matches(G1, DOC, "3.7", "3.7 Something else entirely.", "")


def test_other_label_matches_when_its_text_holds_the_evidence_case_and_spacing_ignored():
    chunk = "…recorded.\nIn 2024/25, THERE WERE 31\n  homicides recorded by wmp, a reduction"
    assert matches(G1, DOC, "chunk 4", chunk, "")


def test_a_quote_holding_the_evidence_matches_without_labels_or_text():
    assert matches(G1, "", "", "", "there were 31 homicides recorded by WMP, a reduction")


def test_neither_label_nor_text_nor_quote_matching_fails():
    assert not matches(G1, DOC, "3.8", "3.8 Knife crime fell.", "Knife crime fell.")


def test_empty_evidence_never_matches():
    empty = GoldEntry(doc=DOC, label="3.7", evidence="  ")
    assert not matches(empty, DOC, "3.7", PARA_37, PARA_37)


def test_doc_given_as_a_path_and_label_with_pilcrow_still_match():
    entry = GoldEntry(doc=DOC, label="3.7", evidence="homicides recorded by WMP, a reduction of 14.")
    assert matches(entry, f"/data/{DOC}", "¶3.7", PARA_37, "")
    assert matches({"doc": DOC, "label": "3.7", "evidence": "31 homicides"}, DOC, "3.7", PARA_37, "")


# -- retrieval -----------------------------------------------------------------------------

def ranked(*texts: str) -> list[Retrieved]:
    return [Retrieved(DOC, f"x{i}", t) for i, t in enumerate(texts)]


def test_first_gold_rank_is_one_based_and_takes_the_earliest_of_several_gold():
    assert first_gold_rank([G1, G2], ranked("noise", PARA_25, PARA_37)) == 2
    assert first_gold_rank([G1], ranked("noise", "noise", PARA_37)) == 3


def test_first_gold_rank_is_none_when_no_gold_is_retrieved():
    assert first_gold_rank([G1], ranked("noise", PARA_25)) is None
    assert first_gold_rank([G1], []) is None


def test_recall_at_k_and_mrr_by_hand():
    ranks = [1, 3, None, 7]
    assert recall_at_k(ranks, 1) == 0.25
    assert recall_at_k(ranks, 5) == 0.5
    assert recall_at_k(ranks, 10) == 0.75
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 7) / 4)  # 31/84


def test_retrieval_metrics_are_zero_when_nothing_is_found_and_none_without_questions():
    assert recall_at_k([None, None], 10) == 0.0
    assert mean_reciprocal_rank([None]) == 0.0
    assert recall_at_k([], 5) is None
    assert mean_reciprocal_rank([]) is None


def test_retrieval_ranks_skip_unanswerable_items_and_unmeasured_retrieval():
    outs = [Outcome(item(), None, tuple(ranked("noise", PARA_37))),
            Outcome(item("q2", answerable=False), None, tuple(ranked(PARA_37))),
            Outcome(item("q3"), None, None)]
    assert retrieval_ranks(outs) == [2]


# -- facts and answer accuracy ---------------------------------------------------------------

@pytest.mark.parametrize("fact, text, expected", [
    ("1,140", "WMP had 1140 officers [1].", True),
    ("1140", "WMP had 1,140 officers.", True),
    ("10.5 percent", "up 10.5% on last year", True),
    ("10.5%", "up 10.5 per cent", True),
    ("Leicester", "LEICESTER city", True),
    ("31", "310 homicides", False),
    ("31", "3.31 per 1,000", False),
    ("5%", "up 10.5%", False),
    ("1", "Homicides fell [1].", False),
    ("", "anything", False),
    ("adopt", "the council adopted it 5-0", True),  # a fact's last word inflected
    ("car park", "vehicles using their car parks", True),
    ("abstain", "with Councilor Ruble abstaining", True),
    ("adopt", "the adoption of the plan", False),  # another word, not an inflection
    ("no", "he gave a nod", False),  # short words only whole
])
def test_fact_in(fact, text, expected):
    assert fact_in(fact, text) is expected


def test_a_fact_with_alternatives_needs_any_one():
    assert fact_in(("£1.2m", "£1.2 million"), "a budget of £1.2 million")
    assert not fact_in(("£1.2m", "£1.2 million"), "a budget of £1.3 million")


def test_answer_accuracy_by_hand():
    outs = [
        Outcome(item("a", facts=("31", "14")), answer("31 homicides, 14 fewer [1].")),  # correct
        Outcome(item("b", facts=("31", "14")), answer("31 homicides [1].")),  # a fact missing
        Outcome(item("c", facts=("31",)), answer(abstained=True)),  # abstained
        Outcome(item("d", facts=("31",)), None),  # no answer at all
        Outcome(item("u", answerable=False), answer("31 homicides.")),  # not counted
    ]
    assert answer_accuracy(outs) == 0.25


def test_an_abstention_is_wrong_even_if_its_text_holds_the_facts():
    abstained = Answer(question="q", answer="31", abstained=True, citations=[], confidence=0.1)
    assert not answer_correct(item(facts=("31",)), abstained)


def test_answer_accuracy_edge_cases():
    assert answer_accuracy([]) is None
    assert answer_accuracy([Outcome(item(answerable=False), answer())]) is None
    assert answer_accuracy([Outcome(item(), answer(abstained=True))] * 3) == 0.0


# -- citations -------------------------------------------------------------------------------

def test_citation_precision_and_recall_by_hand():
    outs = [
        # gold G1, G2: one matching support, one wrong support, a see-also on G2 that does not count
        Outcome(item("a", gold=(G1, G2)), answer(cites=[cite(1), cite(2, label="9.9", text="noise"),
                                                         cite(3, label="2.5", text=PARA_25, role="see_also")])),
        # abstained with G3 as see-also: nothing cited, G3 missed
        Outcome(item("b", gold=(G3,)), answer(abstained=True, cites=[cite(1, "pack.txt", "921", G3.evidence,
                                                                           role="see_also")])),
        # unanswerable: its citations are not scored
        Outcome(item("u", answerable=False), answer(cites=[cite(1, label="7.7", text="noise")])),
    ]
    assert citation_precision(outs) == 0.5  # 1 of 2 support citations
    assert citation_recall(outs) == pytest.approx(1 / 3)  # G1 of G1, G2, G3
    assert gold_cited(outs) == 0.5  # "a" cites a gold paragraph, "b" abstained


def test_a_citation_matching_two_gold_entries_counts_once_and_a_gold_found_twice_once():
    both = cite(1, label="x", text=PARA_37 + " " + PARA_25)
    outs = [Outcome(item(gold=(G1, G2)), answer(cites=[both, cite(2)]))]
    assert citation_precision(outs) == 1.0  # 2 of 2
    assert citation_recall(outs) == 1.0  # 2 of 2


def test_citation_metrics_with_zero_citations_and_no_answerable_items():
    no_cites = [Outcome(item(), answer(cites=[]))]
    assert citation_precision(no_cites) is None
    assert citation_recall(no_cites) == 0.0
    assert citation_precision([]) is None
    assert citation_recall([Outcome(item(answerable=False), answer())]) is None


def test_chunk_citations_without_our_labels_are_matched_by_text():
    chunk = cite(1, label="chunk 12", text="…\n" + PARA_37 + "\nmore text", quote="31 homicides recorded")
    outs = [Outcome(item(), answer(cites=[chunk]))]
    assert citation_precision(outs) == 1.0
    assert citation_recall(outs) == 1.0


# -- abstention -----------------------------------------------------------------------------------

def test_abstention_metrics_by_hand():
    outs = [
        Outcome(item("u1", answerable=False), answer(abstained=True)),  # true positive
        Outcome(item("u2", answerable=False), answer()),  # missed abstention
        Outcome(item("a1"), answer(abstained=True)),  # false abstention
        Outcome(item("a2"), answer()),  # answered
        Outcome(item("a3"), None),  # no answer: counts as abstained
    ]
    assert abstention_precision(outs) == pytest.approx(1 / 3)
    assert abstention_recall(outs) == 0.5
    assert false_abstention_rate(outs) == pytest.approx(2 / 3)


def test_abstention_edge_cases():
    answered = [Outcome(item("u", answerable=False), answer()), Outcome(item("a"), answer())]
    assert abstention_precision(answered) is None  # nothing abstained
    assert abstention_recall(answered) == 0.0
    assert false_abstention_rate(answered) == 0.0
    all_abstained = [Outcome(o.item, answer(abstained=True)) for o in answered]
    assert abstention_precision(all_abstained) == 0.5
    assert abstention_recall(all_abstained) == 1.0
    assert false_abstention_rate(all_abstained) == 1.0
    assert abstention_recall([Outcome(item(), answer())]) is None
    assert false_abstention_rate([Outcome(item(answerable=False), answer())]) is None


# -- latency ---------------------------------------------------------------------------------------

def test_percentiles_interpolate_linearly():
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 50) == 25.0
    assert percentile(values, 95) == pytest.approx(38.5)  # rank 2.85: 30 + 0.85 * 10
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def test_percentile_outside_0_100_is_refused():
    with pytest.raises(ValueError, match="outside 0-100"):
        percentile([1.0], 101)


# -- score -----------------------------------------------------------------------------------------

def test_score_puts_every_metric_together_and_counts_items():
    outs = [
        Outcome(item("a"), answer(cites=[cite(1)]), tuple(ranked(PARA_37)), 100.0),
        Outcome(item("b", kind="table"), answer(abstained=True), tuple(ranked("noise", "noise", PARA_37)), 300.0),
        Outcome(item("u", answerable=False, kind="unanswerable"), None, (), None),
    ]
    s = score(outs)
    assert (s["items"], s["answerable"], s["unanswerable"], s["missing"]) == (3, 2, 1, 1)
    assert (s["recall@1"], s["recall@5"], s["recall@10"]) == (0.5, 1.0, 1.0)
    assert s["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert s["answer_accuracy"] == 0.5
    assert (s["citation_precision"], s["citation_recall"], s["gold_cited"]) == (1.0, 0.5, 0.5)
    assert (s["abstention_precision"], s["abstention_recall"], s["false_abstention_rate"]) == (0.5, 1.0, 0.5)
    assert (s["latency_p50_ms"], s["latency_p95_ms"]) == (200.0, 290.0)


def test_score_of_nothing_measures_nothing():
    s = score([])
    assert s["items"] == 0
    assert all(s[m] is None for m in ("recall@5", "mrr", "answer_accuracy", "citation_precision",
                                      "abstention_recall", "latency_p50_ms"))


def test_score_without_retrieval_leaves_recall_unmeasured():
    s = score([Outcome(item(), answer(cites=[cite(1)]))])
    assert s["recall@5"] is None and s["mrr"] is None
    assert s["answer_accuracy"] == 1.0


def test_score_by_kind_groups_in_order_of_appearance():
    outs = [Outcome(item("a", kind="table"), answer()), Outcome(item("b", kind="numeric"), answer(abstained=True)),
            Outcome(item("c", kind="table"), answer("no number here"))]
    by_kind = score_by_kind(outs)
    assert list(by_kind) == ["table", "numeric"]
    assert by_kind["table"]["answer_accuracy"] == 0.5
    assert by_kind["numeric"]["answer_accuracy"] == 0.0


@pytest.mark.parametrize("gold", [ROOT / "evals" / "gold" / "gold.jsonl", ROOT.parent / "shared" / "papers" / "gold.jsonl"],
                         ids=["sample", "outside"])
def test_every_gold_answer_states_its_own_facts(gold):
    """The metric must accept the gold set's own answers: a fact it cannot find there would be unanswerable."""
    from evals.gold import load_gold

    if not gold.is_file():
        pytest.skip(f"{gold} is not here")
    missed = [(item.id, f) for item in load_gold(gold) if item.answerable for f in item.facts
              if not fact_in(f, item.answer)]
    assert missed == []


def test_gold_evidence_matches_a_paragraph_whose_reader_repaired_the_pdfs_spacing():
    from evals.metrics import matches

    entry = {"doc": "pack.pdf", "label": "Primary care appointment activity",
             "evidence": "Total number of appointments 73,72783,357 89,189"}
    text = "Stockton practices April 2023 Total number of appointments 73,727 83,357 89,189 82,848"
    assert matches(entry, "pack.pdf", "Another label", text, "")
    assert not matches(entry, "pack.pdf", "Another label", "Total number of appointments 73,727 83,358", "")
