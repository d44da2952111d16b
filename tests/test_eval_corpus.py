"""`boardqa eval --corpus DIR --gold FILE`: outside gold rows (any_of, no split), bodies, the cached corpus index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fakes
from corpus.records import Paragraph
from evals import baselines, corpus_index
from evals.cli import main
from evals.corpus_index import CorpusError, cache_key, corpus_files, key_inputs
from evals.gold import GoldFileError, load_gold
from evals.groups import NONE, Group, GroupsFileError, item_groups, load_groups, name_body
from evals.metrics import answer_correct
from index.results import Hit
from qa.contract import REFUSAL, Answer, Citation

DOC_A = "parish-council_meeting_2026-01-29_minutes.txt"
DOC_B = "city-council_meeting_2018-12-10_minutes.txt"
TEXT_A = "Minutes of the Parish Council\n\n1. The precept of £8,358 was submitted.\n\n2. The wall repair drew no objection.\n"
TEXT_B = "Minutes of the City Council\n\n1. The council adopted ordinance 88-2018.\n\n2. Trees were discussed.\n"
OUTSIDE = [  # the shape of ../shared/papers/gold.jsonl: no split, any_of groups
    {"id": "a1", "kind": "numeric", "question": "What precept was submitted?", "answer": "£8,358", "facts": [],
     "any_of": [["8358", "8,358"]], "gold": [{"doc": DOC_A, "paper": "M", "label": "1",
                                              "evidence": "The precept of £8,358 was submitted."}],
     "answerable": True},
    {"id": "a2", "kind": "paraphrase", "question": "Did they object to the wall?", "answer": "No objection.",
     "facts": ["wall"], "any_of": [["no objection", "not object"]],
     "gold": [{"doc": DOC_A, "paper": "M", "label": "2", "evidence": "The wall repair drew no objection."}],
     "answerable": True},
    {"id": "b1", "kind": "fact", "question": "Which ordinance was adopted?", "answer": "88-2018", "facts": ["88-2018"],
     "any_of": [], "gold": [{"doc": DOC_B, "paper": "M", "label": "1",
                             "evidence": "The council adopted ordinance 88-2018."}], "answerable": True},
    {"id": "b2", "kind": "unanswerable", "question": "What is the 2030 budget?", "answer": "", "facts": [],
     "any_of": [], "gold": [], "answerable": False},
]


def write_gold(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def outside(tmp_path) -> Path:
    return write_gold(tmp_path / "gold.jsonl", OUTSIDE)


@pytest.fixture
def fake_model(monkeypatch):
    """These tests are about the cache and the tables, not embeddings: a seeded fake model indexes the corpus."""
    return fakes.install(monkeypatch)


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / DOC_A).write_text(TEXT_A, encoding="utf-8")
    (folder / DOC_B).write_text(TEXT_B, encoding="utf-8")
    (folder / "README.md").write_text("# About these papers\n\nThe precept of £8,358 was submitted.\n")
    return folder


def reply(text: str, abstained: bool = False) -> Answer:
    return Answer("q", REFUSAL if abstained else text, abstained, [], 0.5)


# -- gold rows of an outside set ----------------------------------------------------------------------

def test_any_of_groups_become_facts_of_alternatives_and_no_split_is_all(outside):
    items = {i.id: i for i in load_gold(outside)}
    assert items["a1"].facts == (("8358", "8,358"),)
    assert items["a2"].facts == ("wall", ("no objection", "not object"))
    assert {i.split for i in items.values()} == {"all"}
    assert answer_correct(items["a1"], reply("A precept of £8,358 was submitted [1]."))
    assert not answer_correct(items["a1"], reply("A precept of £8,35 was submitted [1]."))
    assert answer_correct(items["a2"], reply("The council did not object to the wall [1]."))
    assert not answer_correct(items["a2"], reply("The council objected to the wall [1]."))  # one group unmet


@pytest.mark.parametrize("change, reason", [
    ({"any_of": [[]]}, "each `any_of` group should be a non-empty list"),
    ({"any_of": "8358"}, "field 'any_of' should be list"),
    ({"any_of": [], "facts": []}, "lists no facts nor `any_of` groups"),
    ({"split": "train"}, "should be one of dev, test"),
])
def test_bad_outside_rows_are_named(tmp_path, change, reason):
    path = write_gold(tmp_path / "g.jsonl", [{**OUTSIDE[0], **change}])
    with pytest.raises(GoldFileError, match=reason):
        load_gold(path)


# -- bodies and documents -------------------------------------------------------------------------------

def test_body_from_the_records_else_the_file_name_else_an_override(outside, tmp_path):
    items = load_gold(outside)
    records = [Paragraph(doc_id="x@1", doc=DOC_B, doc_title="T", paper="M", label="1", text="t",
                         body="City of Rivergrove")]
    groups = item_groups(items, records)
    assert groups["a1"] == Group(body="parish-council", doc=DOC_A)          # file name convention
    assert groups["b1"] == Group(body="City of Rivergrove", doc=DOC_B)      # the records' body wins
    assert groups["b2"] == Group(body=NONE, doc=NONE)                       # no gold paragraph
    path = tmp_path / "groups.json"
    path.write_text(json.dumps({"b2": "parish-council", DOC_B: "Rivergrove"}))
    groups = item_groups(items, records, load_groups(path))
    assert groups["b2"].body == "parish-council" and groups["b1"].body == "Rivergrove"
    path.write_text(json.dumps({"b2": DOC_B}))                              # a document stands for its body
    assert item_groups(items, records, load_groups(path))["b2"] == Group(body="City of Rivergrove", doc=NONE)
    assert name_body("papers/no-underscore.pdf") == "no-underscore"


def test_a_bad_groups_file_is_named(tmp_path):
    path = tmp_path / "groups.json"
    path.write_text(json.dumps({"doc.pdf": 3}))
    with pytest.raises(GroupsFileError, match="groups.json: expected a JSON object"):
        load_groups(path)


# -- the cached corpus index ------------------------------------------------------------------------------

def test_corpus_files_leave_out_the_folders_own_documentation(corpus_dir):
    assert [f.name for f in corpus_files(corpus_dir)] == sorted([DOC_A, DOC_B])
    with pytest.raises(CorpusError, match="not a folder of papers"):
        corpus_files(corpus_dir / DOC_A)


def test_the_cache_key_changes_with_content_settings_and_code(corpus_dir, tmp_settings, monkeypatch):
    files = corpus_files(corpus_dir)
    key = cache_key(key_inputs(files, tmp_settings))
    assert cache_key(key_inputs(files, tmp_settings)) == key
    (corpus_dir / DOC_B).write_text(TEXT_B + "\n3. Adjourned.\n", encoding="utf-8")
    changed = cache_key(key_inputs(files, tmp_settings))
    assert changed != key
    other = tmp_settings.model_copy(deep=True)
    other.chunker.max_chars = 500
    assert cache_key(key_inputs(files, other)) != changed
    monkeypatch.setattr(corpus_index, "code_digest", lambda *a, **k: "another chunker")
    assert cache_key(key_inputs(files, tmp_settings)) != changed


def test_the_corpus_is_indexed_once_then_reused_and_an_interrupted_build_is_redone(corpus_dir, tmp_settings,
                                                                                    tmp_path, monkeypatch, fake_model):
    import boardqa.library

    calls = []
    real = boardqa.library.ingest_paths

    def counting(paths, settings, **kw):
        calls.append([Path(p).name for p in paths])
        return real(paths, settings, **kw)

    monkeypatch.setattr(boardqa.library, "ingest_paths", counting)
    cache = tmp_path / "cache"
    first = corpus_index.corpus_index(corpus_dir, tmp_settings, cache=cache)
    assert not first.reused and calls == [sorted([DOC_A, DOC_B])]
    assert first.settings.index_dir == cache / first.key / "index"
    assert tmp_settings.index_dir == tmp_path / "index"                    # the caller's settings are untouched
    again = corpus_index.corpus_index(corpus_dir, tmp_settings, cache=cache)
    assert again.reused and again.key == first.key and len(calls) == 1
    (cache / first.key / corpus_index.DONE).unlink()                        # as if the build had been killed
    redone = corpus_index.corpus_index(corpus_dir, tmp_settings, cache=cache)
    assert not redone.reused and len(calls) == 2
    from index import Index

    docs = {p.doc for p in Index.load(redone.settings.index_dir).paragraphs}
    assert docs == {DOC_A, DOC_B}


# -- end to end, with fake engines over the real cached index ------------------------------------------------------

class Engine:
    """Answers the precept question right; abstains on everything else."""

    def __init__(self, name, sources):
        self.name, self.sources = name, sources
        self.para = Paragraph(doc_id="d@1", doc=DOC_A, doc_title="T", paper="M", label="1",
                              text="The precept of £8,358 was submitted.")

    def retrieve(self, question, k=None, filters=None):
        return [Hit(self.para, 1.0)]

    def ask(self, question, filters=None):
        if "precept" in question:
            return Answer(question, "£8,358 [1].", False, [Citation.of(1, self.para, "£8,358", 0.9)], 0.9)
        return Answer(question, REFUSAL, True, [], 0.1)


def test_eval_corpus_gold_tables_by_body_document_and_kind_and_its_gate(outside, corpus_dir, tmp_path, monkeypatch,
                                                                       capsys, fake_model):
    engines = {}

    def fake(name, settings, sources=None):
        engines[name] = Engine(name, sources)
        assert settings.index_dir.parent.parent == tmp_path / "cache" / "eval"
        return engines[name]

    monkeypatch.setattr(baselines, "make_engine", fake)
    monkeypatch.setenv("BOARDQA_CACHE", str(tmp_path / "cache"))
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps({"split": "all", "system": {"answer_accuracy": 0.99},
                                      "gold_sets": {"papers": {"split": "all", "system": {"answer_accuracy": 0.3,
                                                                                           "recall@5": 0.9}}}}))
    out = tmp_path / "report"
    code = main(["--corpus", str(corpus_dir), "--gold", str(outside), "--systems", "system,fixed-1000",
                 "--report", str(out), "--check-thresholds", "--thresholds", str(thresholds)])
    err = capsys.readouterr().err
    assert code == 1 and "recall@5: 0.333 is below the threshold 0.9 (all)" in err   # the `papers` gate
    assert "answer_accuracy" not in err                                                # 1/3 >= 0.3
    assert [Path(p).name for p in engines["fixed-1000"].sources] == sorted([DOC_A, DOC_B])
    data = json.loads((out / "report.json").read_text())
    assert list(data["splits"]) == ["all"]
    system = data["splits"]["all"]["system"]
    # the body each paper names on its front (the chunker reads it), not the file name
    assert system["by_body"]["Parish Council"]["answer_accuracy"] == 0.5
    assert system["by_body"]["City Council"]["answer_accuracy"] == 0.0
    assert system["by_body"][NONE]["abstention_recall"] == 1.0
    assert system["by_doc"][DOC_A]["items"] == 2
    assert system["by_kind"]["numeric"]["answer_accuracy"] == 1.0
    md = (out / "report.md").read_text()
    assert "### By body (all, system)" in md and "### By document (all, system)" in md


def test_a_gate_that_does_not_exist_is_refused(outside, corpus_dir, tmp_path, capsys):
    # Refused before anything is indexed.
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps({"split": "all", "system": {}, "gold_sets": {}}))
    code = main(["--corpus", str(corpus_dir), "--gold", str(outside), "--check-thresholds",
                 "--thresholds", str(thresholds)])
    assert code == 2 and "no `gold_sets` section 'papers'" in capsys.readouterr().err
