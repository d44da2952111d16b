"""Gold and answers files, the baselines' wiring and `boardqa eval` end to end, with small files and fake engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.records import Page, Paragraph
from evals import baselines
from evals.answers import AnswersFileError, join_answers, read_answers
from evals.cli import check_thresholds, main
from evals.gold import GoldFileError, load_gold, select_split
from evals.metrics import score
from index.results import Hit
from qa.contract import REFUSAL, Answer, Citation

DOC = "agb-2025-05-police-and-crime-plan-performance.txt"
PARA_37 = "In 2024/25, there were 31 homicides recorded by WMP, a reduction of 14 compared to the previous year."
PARA_25 = "In 2024/25, a total of 29,334 reports were recorded, an increase of 11.1 percent from the previous year."
GOLD = [
    {"id": "q1", "split": "dev", "kind": "numeric", "question": "How many homicides in 2024/25?", "answer": "31",
     "facts": ["31"], "gold": [{"doc": DOC, "paper": "P", "part": "", "label": "3.7",
                                "evidence": "there were 31 homicides recorded by WMP"}], "answerable": True},
    {"id": "q2", "split": "test", "kind": "numeric", "question": "How many ASB reports?", "answer": "29,334",
     "facts": ["29,334", "11.1 percent"], "gold": [{"doc": DOC, "paper": "P", "part": "", "label": "2.5",
                                                   "evidence": "a total of 29,334 reports were recorded"}],
     "answerable": True},
    {"id": "q3", "split": "test", "kind": "unanswerable", "question": "What is the 2030 budget?", "answer": "",
     "facts": [], "gold": [], "answerable": False},
]


def write_lines(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "gold.jsonl", GOLD)


def outside_answer(id_, text, quote="", chunk="", abstained=False, **extra) -> dict:
    """An answer from another system: no paragraph labels, only the words it cites."""
    cites = [{"n": 1, "doc": "chunks/agb.txt", "paragraph": "", "quote": quote, "text": chunk}] if quote else []
    return {"id": id_, "question": "", "answer": text, "abstained": abstained, "citations": cites,
            "confidence": 0.5, **extra}


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "answers.jsonl", [
        outside_answer("q1", "31 homicides [1].", "there were 31 homicides recorded by WMP", "…" + PARA_37,
                       latency_ms=120),
        outside_answer("q2", "29,334 reports [1].", "29,334 reports were recorded", PARA_25, latency_ms=80),
        outside_answer("q3", REFUSAL, abstained=True, latency_ms=40),
    ])


# -- gold ------------------------------------------------------------------------------------------

def test_gold_loads_and_splits(gold_file):
    items = load_gold(gold_file)
    assert [i.id for i in items] == ["q1", "q2", "q3"]
    assert [i.id for i in select_split(items, "test")] == ["q2", "q3"]
    assert len(select_split(items, "all")) == 3
    assert items[0].gold[0].label == "3.7" and items[1].facts == ("29,334", "11.1 percent")


@pytest.mark.parametrize("bad, reason", [
    ("{not json", "not valid JSON"),
    ({**GOLD[0], "id": "q9", "split": "train"}, "split 'train'"),
    ({**GOLD[0], "id": "q9", "facts": []}, "lists no facts"),
    ({**GOLD[0], "id": "q9", "answerable": "yes"}, "'answerable' should be bool"),
    ({**GOLD[0], "id": "q9", "gold": [{"doc": DOC, "label": "3.7"}]}, "no 'evidence'"),
    ({k: v for k, v in GOLD[0].items() if k != "question"} | {"id": "q9"}, "missing field 'question'"),
    (GOLD[0], "id 'q1' already used on line 1"),
])
def test_malformed_gold_line_is_named_with_its_line_number(tmp_path, bad, reason):
    path = write_lines(tmp_path / "gold.jsonl", [GOLD[0], "", bad])
    with pytest.raises(GoldFileError, match=rf"gold.jsonl:3: .*{reason}") as err:
        load_gold(path)
    assert str(path) in str(err.value)


def test_missing_gold_file_says_how_to_fix(tmp_path):
    with pytest.raises(GoldFileError, match="--gold"):
        load_gold(tmp_path / "nope.jsonl")


# -- answers files ---------------------------------------------------------------------------------

def test_an_outside_systems_answers_are_scored_by_the_words_they_cite(gold_file, answers_file):
    joined = join_answers(load_gold(gold_file), read_answers(answers_file))
    assert joined.unknown == [] and joined.missing == []
    s = score(joined.outcomes)
    assert s["answer_accuracy"] == 0.5  # q2 never says 11.1%
    assert (s["citation_precision"], s["citation_recall"]) == (1.0, 1.0)
    assert (s["abstention_recall"], s["false_abstention_rate"]) == (1.0, 0.0)
    assert s["latency_p50_ms"] == 80.0
    assert s["recall@5"] is None  # an answers file has no ranking


def test_answers_join_by_question_when_there_is_no_id_and_report_unknown_and_missing(gold_file, tmp_path):
    path = write_lines(tmp_path / "a.jsonl", [
        {**outside_answer(None, "31 [1]", "31 homicides", PARA_37), "question": "How many homicides in 2024/25?"},
        outside_answer("q77", "no idea"),
    ])
    joined = join_answers(load_gold(gold_file), read_answers(path))
    assert [o.answer is not None for o in joined.outcomes] == [True, False, False]
    assert joined.missing == ["q2", "q3"]
    assert joined.unknown == ["line 2: 'q77'"]


def test_two_answers_for_one_item_are_refused(gold_file, tmp_path):
    path = write_lines(tmp_path / "a.jsonl", [outside_answer("q1", "31"), outside_answer("q1", "32")])
    with pytest.raises(AnswersFileError, match=r"a\.jsonl:2: a second answer for gold item 'q1' \(first on line 1\)"):
        join_answers(load_gold(gold_file), read_answers(path), str(path))


@pytest.mark.parametrize("bad, reason", [
    ("[1, 2", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ({"id": "q1", "answer": "31"}, "'abstained' should be true or false"),
    ({"id": "q1", "abstained": False}, "'answer' should be a string"),
    ({"answer": "31", "abstained": False}, "needs an 'id' or a 'question'"),
    ({"id": "q1", "answer": "31", "abstained": False, "citations": "[1]"}, "'citations' should be a list"),
    ({"id": "q1", "answer": "31", "abstained": False, "citations": ["x"]}, "citation 1 should be an object"),
    ({"id": "q1", "answer": "31", "abstained": False, "citations": [{"quote": 5}]}, "'quote' should be a string"),
])
def test_malformed_answers_line_names_file_and_line(tmp_path, bad, reason):
    path = write_lines(tmp_path / "answers.jsonl", [outside_answer("q1", "31"), bad])
    with pytest.raises(AnswersFileError, match=rf"answers\.jsonl:2: .*{reason}"):
        read_answers(path)


def test_our_own_answer_json_round_trips(tmp_path):
    para = Paragraph(doc_id="d@1", doc=DOC, doc_title="T", paper="P", label="3.7", text=PARA_37)
    ours = Answer(question="How many homicides in 2024/25?", answer="31 homicides [1].", abstained=False,
                  citations=[Citation.of(1, para, "there were 31 homicides", 0.9)], confidence=0.8,
                  timings={"total_s": 0.25})
    path = write_lines(tmp_path / "a.jsonl", [{"id": "q1", **ours.to_json()}])
    [rec] = read_answers(path)
    assert rec.answer.citations[0].paragraph == "3.7" and rec.latency_ms == 250.0


# -- baselines -------------------------------------------------------------------------------------

def test_fixed_chunks_cover_the_text_in_overlapping_chunks_with_pages(tmp_path):
    pages = [Page(1, "\n\n".join(f"Para {i}. " + "word " * 60 for i in range(6))), Page(2, "Last page. " * 30)]
    chunks = baselines.chunk_file(tmp_path / "pack.txt", pages)
    assert [c.label for c in chunks] == [f"chunk {i}" for i in range(1, len(chunks) + 1)]
    assert all(len(c.text) <= 1000 and c.kind == "chunk" and c.paper == "pack" and c.doc == "pack.txt"
               for c in chunks)
    assert chunks[0].pages == (1,) and chunks[-1].pages == (2,)
    assert len({c.doc_id for c in chunks}) == 1


def test_fixed_1000_indexes_chunks_of_the_sources_dense_only(monkeypatch, tmp_path):
    import qa.engine

    seen = {}
    src = tmp_path / "paper.txt"
    src.write_text("1.1 " + "Budget lines. " * 200, encoding="utf-8")

    def from_paragraphs(paragraphs, settings, *, retrieval="hybrid"):
        seen.update(n=len(paragraphs), retrieval=retrieval, label=paragraphs[0].label)
        return "engine"

    monkeypatch.setattr(qa.engine.Engine, "from_paragraphs", staticmethod(from_paragraphs))
    from boardqa.settings import Settings

    assert baselines.make_engine("fixed-1000", Settings(index_dir=tmp_path / "ix"), [src]) == "engine"
    assert seen["n"] > 2 and seen["retrieval"] == "dense" and seen["label"] == "chunk 1"


def test_unknown_system_is_refused():
    with pytest.raises(baselines.UnknownSystem, match="choose from system, bm25, dense, fixed-1000"):
        baselines.check_systems(["system", "colbert"])


class FakeEngine:
    """Retrieves a fixed ranking; answers q1 right, everything else by abstaining."""

    def __init__(self, name: str):
        self.name = name
        self.para = Paragraph(doc_id="d@1", doc=DOC, doc_title="T", paper="P", label="3.7", text=PARA_37)

    def retrieve(self, question, k=None, filters=None):
        noise = Paragraph(doc_id="d@1", doc=DOC, doc_title="T", paper="P", label="1.1", text="noise")
        ranking = [noise, self.para] if self.name == "bm25" else [self.para, noise]
        return [Hit(p, 1.0 / (i + 1)) for i, p in enumerate(ranking)][:k]

    def ask(self, question, filters=None):
        if "homicides" in question:
            return Answer(question, "31 homicides [1].", False, [Citation.of(1, self.para, "31 homicides", 0.9)], 0.9)
        return Answer(question, REFUSAL, True, [], 0.1)


# -- boardqa eval end to end -------------------------------------------------------------------------

def test_eval_scores_an_answers_file_and_writes_the_report(gold_file, answers_file, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["--gold", str(gold_file), "--answers", str(answers_file), "--report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "## Split: dev" in printed and "## Split: test" in printed and "| answers |" in printed
    data = json.loads((out / "report.json").read_text())
    assert set(data["splits"]) == {"dev", "test", "all"}
    assert data["splits"]["test"]["answers"]["overall"]["answer_accuracy"] == 0.0
    assert data["splits"]["all"]["answers"]["by_kind"]["numeric"]["answer_accuracy"] == 0.5
    assert (out / "report.md").read_text().startswith("# Evaluation")
    png = (out / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    assert matplotlib.image.imread(out / "report.png").shape[0] > 100


def test_eval_json_on_one_split(gold_file, answers_file, capsys):
    assert main(["--gold", str(gold_file), "--answers", str(answers_file), "--split", "dev", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["splits"]) == ["dev"]
    assert data["splits"]["dev"]["answers"]["overall"]["items"] == 1


def test_eval_reports_a_malformed_answers_file_with_exit_2(gold_file, tmp_path, capsys):
    path = write_lines(tmp_path / "answers.jsonl", [outside_answer("q1", "31"), "oops"])
    assert main(["--gold", str(gold_file), "--answers", str(path)]) == 2
    assert "answers.jsonl:2: not valid JSON" in capsys.readouterr().err


def test_eval_check_thresholds_lists_each_metric_missed(gold_file, answers_file, tmp_path, capsys):
    strict = tmp_path / "t.json"
    strict.write_text(json.dumps({"split": "all", "system": {
        "recall@5": 0.9, "answer_accuracy": 0.9, "citation_precision": 0.5, "false_abstention_rate_max": 0.0}}))
    args = ["--gold", str(gold_file), "--answers", str(answers_file), "--check-thresholds", "--thresholds", str(strict)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "answer_accuracy: 0.500 is below the threshold 0.9 (all)" in err
    assert "citation_precision" not in err and "recall@5" not in err  # met; not measurable for a file


def test_thresholds_met_pass_and_an_unmeasured_metric_fails():
    results = {"all": {"system": {"overall": {"answer_accuracy": 0.8, "false_abstention_rate": 0.1,
                                              "citation_precision": None}}}}
    ok = {"split": "all", "system": {"answer_accuracy": 0.8, "false_abstention_rate_max": 0.1}}
    assert check_thresholds(results, ok) == []
    missed = {"split": "all", "system": {"answer_accuracy": 0.81, "false_abstention_rate_max": 0.05,
                                         "citation_precision": 0.5}}
    assert check_thresholds(results, missed) == [
        "answer_accuracy: 0.800 is below the threshold 0.81 (all)",
        "false_abstention_rate: 0.100 is above the maximum 0.05 (all)",
        "citation_precision: not measured (threshold 0.5)",
    ]
    assert "did not score" in check_thresholds({"dev": {}}, ok)[0]


def test_bundled_thresholds_file_is_valid():
    from evals.cli import DEFAULT_THRESHOLDS, load_thresholds

    assert load_thresholds(DEFAULT_THRESHOLDS)["split"] in {"dev", "test", "all"}


def test_eval_runs_the_system_and_baselines_side_by_side(gold_file, tmp_path, monkeypatch, capsys):
    built = []

    def fake_make_engine(name, settings, sources=None):
        built.append(name)
        return FakeEngine(name)

    monkeypatch.setattr(baselines, "make_engine", fake_make_engine)
    monkeypatch.setenv("BOARDQA_INDEX", str(tmp_path / "ix"))
    out = tmp_path / "r"
    assert main(["--gold", str(gold_file), "--systems", "system,bm25", "--report", str(out), "--json"]) == 0
    assert built == ["system", "bm25"]
    data = json.loads(capsys.readouterr().out)
    dev = data["splits"]["dev"]
    assert dev["system"]["overall"]["recall@1"] == 1.0 and dev["bm25"]["overall"]["recall@1"] == 0.0
    assert dev["bm25"]["overall"]["mrr"] == 0.5
    every = data["splits"]["all"]["system"]["overall"]
    assert every["answer_accuracy"] == 0.5 and every["abstention_recall"] == 1.0
    assert every["latency_p50_ms"] is not None
    assert "| bm25 |" in (out / "report.md").read_text()


def test_eval_with_an_unknown_system_exits_2(gold_file, capsys):
    assert main(["--gold", str(gold_file), "--systems", "system,colbert"]) == 2
    assert "colbert" in capsys.readouterr().err


def test_boardqa_eval_subcommand_is_wired(gold_file, answers_file, capsys):
    from boardqa.cli import main as boardqa_main

    assert boardqa_main(["eval", "--gold", str(gold_file), "--answers", str(answers_file), "--json"]) == 0
    assert "answers" in json.loads(capsys.readouterr().out)["splits"]["all"]


def test_run_engine_warms_up_untimed_then_times_every_answer(gold_file):
    calls = []

    class Counting(FakeEngine):
        def ask(self, question, filters=None):
            calls.append(question)
            return super().ask(question, filters)

    items = load_gold(gold_file)
    outs = baselines.run_engine("system", Counting("system"), items, k=1)
    assert len(calls) == len(items) + 1 and calls[0] == calls[1]
    assert all(o.latency_ms is not None and o.latency_ms >= 0 for o in outs)
    assert [len(o.retrieved) for o in outs] == [1, 1, 1]
