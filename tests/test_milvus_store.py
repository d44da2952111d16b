"""The Milvus store against the FAISS store, on Milvus Lite started by the tests in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from fakes import FakeEmbedder  # noqa: E402

QUESTIONS = 30
BODY = "West Midlands Police and Crime Panel"


def _files(settings):
    from corpus.ingest import read_file, sample_files
    from corpus.records import content_hash

    files = []
    for path in sample_files():
        report = read_file(path, max_bytes=settings.max_file_bytes, max_chars=settings.chunker.max_chars)
        files.append((report.paragraphs[0].doc, content_hash(path.read_bytes()), list(report.paragraphs)))
    return files


def _questions(n: int = QUESTIONS) -> list[str]:
    from conftest import ROOT

    lines = (ROOT / "evals" / "gold" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The sample papers in a FAISS index folder and in a Milvus Lite store, embedded by one fake model."""
    from boardqa.settings import Settings
    from index import Index, update_index
    from index.milvus.store import MilvusIndex
    from index.milvus.update import update_milvus
    from qa.evidence import semantic_texts

    tmp = tmp_path_factory.mktemp("milvus")
    settings = Settings.load(index_dir=tmp / "faiss")
    embedder = FakeEmbedder()
    files = _files(settings)
    update_index(settings.index_dir, settings, files, embedder=embedder, sentence_texts=semantic_texts)
    url = f"milvus://{tmp / 'lib.db'}"
    update_milvus(url, settings, files, embedder=embedder, sentence_texts=semantic_texts)
    faiss_index = Index.load(settings.index_dir)
    milvus_index = MilvusIndex.open(url, settings)
    yield {"settings": settings, "embedder": embedder, "files": files, "url": url, "faiss": faiss_index,
           "milvus": milvus_index}
    milvus_index.client.close()


def _engines(stores, retrieval: str = "hybrid"):
    from qa.engine import Engine

    settings = stores["settings"]
    return (Engine(stores["faiss"], settings, retrieval=retrieval, embedder=stores["embedder"]),
            Engine(stores["milvus"], settings.model_copy(update={"store": stores["url"]}), retrieval=retrieval,
                   embedder=stores["embedder"]))


def _keys(hits) -> list[str]:
    return [h.paragraph.key for h in hits]


def test_the_store_holds_every_paragraph_with_its_fields(stores):
    faiss_index, milvus_index = stores["faiss"], stores["milvus"]
    assert len(milvus_index) == len(faiss_index) > 400
    assert [p.key for p in milvus_index.heads] == [p.key for p in faiss_index.paragraphs]
    for position in (0, 57, len(faiss_index) - 1):
        assert milvus_index.paragraphs[position] == faiss_index.paragraphs[position]  # every field, text included
    assert list(milvus_index.paragraphs)[:50] == list(faiss_index.paragraphs)[:50]
    assert milvus_index.papers == faiss_index.papers
    assert [d.name for d in milvus_index.docs] == [d.name for d in faiss_index.docs]


@pytest.mark.parametrize("retrieval", ["dense", "bm25", "hybrid"])
def test_same_top_10_as_the_faiss_store(stores, retrieval):
    faiss_engine, milvus_engine = _engines(stores, retrieval)
    for question in _questions():
        faiss_hits, milvus_hits = faiss_engine.retrieve(question, k=10), milvus_engine.retrieve(question, k=10)
        assert _keys(milvus_hits) == _keys(faiss_hits), question
        for a, b in zip(faiss_hits, milvus_hits):
            assert b.dense == pytest.approx(a.dense, abs=1e-4)
            assert b.lexical == pytest.approx(a.lexical, rel=1e-3)


@pytest.mark.parametrize("filters", [
    {"doc": "agb-2025-05-police-and-crime-plan-performance.txt"},
    {"paper": "work programme 2025/2026"},
    {"body": BODY.upper()},
    {"date_from": "2025-11", "date_to": "2025-11"},
    {"date_to": "2025-05"},
    {"doc": "pcp-2026-01-05-agenda-pack.txt", "date_from": "2026-01-01"},
])
def test_filters_select_the_same_paragraphs_and_hits(stores, filters):
    from qa.engine import Filters

    faiss_engine, milvus_engine = _engines(stores)
    chosen = Filters.of(**filters)
    allowed = faiss_engine._allowed(chosen)
    assert 0 < len(allowed) < len(stores["faiss"])
    assert milvus_engine._allowed(chosen).tolist() == allowed.tolist()
    for question in _questions(12):
        hits = milvus_engine.retrieve(question, k=10, filters=chosen)
        assert _keys(hits) == _keys(faiss_engine.retrieve(question, k=10, filters=chosen)), question
        assert {h.paragraph.key for h in hits} <= {stores["faiss"].paragraphs[i].key for i in allowed}


def test_answers_through_the_engine_cite_the_same_paragraphs(stores):
    faiss_engine, milvus_engine = _engines(stores)
    embedder = stores["embedder"]
    for question in _questions(10):
        before = embedder.texts
        a = faiss_engine.ask(question)
        faiss_embedded, before = embedder.texts - before, embedder.texts
        b = milvus_engine.ask(question)
        assert [c.reference for c in b.citations] == [c.reference for c in a.citations], question
        assert b.answer == a.answer
        # the candidate sentences' vectors are read from the store, as from the folder: only the question is embedded
        assert embedder.texts - before == faiss_embedded, question


def test_remove_and_add_one_document(tmp_path, stores):  # (another prefix in the same file: one Lite server)
    from index import Index, update_index
    from index.milvus.store import MilvusIndex
    from index.milvus.update import update_milvus
    from qa.engine import Engine

    settings, embedder, files = stores["settings"], stores["embedder"], stores["files"]
    settings = settings.model_copy(update={"index_dir": tmp_path / "faiss"})
    url = stores["url"] + "?prefix=edits"
    name = files[0][0]
    for update, where in ((update_index, settings.index_dir), (update_milvus, url)):
        update(where, settings, files, embedder=embedder)
        report = update(where, settings, [], remove=[name], embedder=embedder)
        assert report.removed == [name]
    store = MilvusIndex.open(url, settings)
    assert name not in {p.doc for p in store.heads} and len(store) == len(Index.load(settings.index_dir))
    gone = Engine(store, settings, embedder=embedder)
    assert all(h.paragraph.doc != name for q in _questions(10) for h in gone.retrieve(q, k=10))
    count = embedder.texts
    for update, where in ((update_index, settings.index_dir), (update_milvus, url)):
        report = update(where, settings, files[:1], embedder=embedder)
        assert report.added == [name]
        assert update(where, settings, files, embedder=embedder).skipped == [f[0] for f in files]
    assert embedder.texts > count  # the file came back by being embedded again, only that file
    store.client.close()
    store = MilvusIndex.open(url, settings)
    # dense only: Milvus's BM25 statistics still count the deleted rows after a removal (until its compaction),
    # so BM25 and hybrid order can differ from the FAISS store's after a remove (known, README)
    faiss_engine = Engine(Index.load(settings.index_dir), settings, retrieval="dense", embedder=embedder)
    milvus_engine = Engine(store, settings, retrieval="dense", embedder=embedder)
    assert [p.key for p in store.heads] == [p.key for p in faiss_engine.index.paragraphs]
    for question in _questions(20):
        assert _keys(milvus_engine.retrieve(question, k=10)) == _keys(faiss_engine.retrieve(question, k=10))
    store.client.close()


def test_a_store_built_with_another_model_is_refused(stores):
    from index.milvus.update import update_milvus

    other = FakeEmbedder(model_id="some-other-model@123456789abc")
    with pytest.raises(ValueError, match=r"milvus://.*built with embedding model"):
        update_milvus(stores["url"], stores["settings"], stores["files"][:1], embedder=other)


def test_an_unreachable_server_is_named_in_the_error():
    from index.milvus import StoreUnreachable
    from index.milvus.store import MilvusIndex

    with pytest.raises(StoreUnreachable, match=r"milvus://127\.0\.0\.1:9: cannot reach the Milvus server"):
        MilvusIndex.open("milvus://127.0.0.1:9")


def test_store_urls():
    from index.milvus import is_milvus, parse_url

    assert parse_url("milvus://db.example:19530").uri == "http://db.example:19530"
    assert parse_url("milvus://db.example").uri == "http://db.example:19530"
    lite = parse_url("milvus:///srv/boardqa/lib.db?prefix=county")
    assert (lite.uri, lite.prefix, lite.lite) == ("/srv/boardqa/lib.db", "county", True)
    assert not is_milvus("") and not is_milvus("/some/folder") and is_milvus("milvus://h:1")
    for bad in ("milvus://", "milvus:///no/suffix", "milvus:///relative/../x.txt", "milvus://h:1/path", "milvus://h:port",
                "milvus:///a.db?prefix=1x", "faiss:///x"):
        with pytest.raises(ValueError, match="milvus|Milvus"):
            parse_url(bad)


def test_the_cli_ingests_lists_asks_and_removes_in_milvus_lite(stores, tmp_path, monkeypatch, capsys, samples_dir):
    import fakes
    import index.milvus.update
    from boardqa import cli

    fakes.install(monkeypatch)
    monkeypatch.setattr(index.milvus.update, "model_id_for", lambda settings: fakes.FAKE_MODEL_ID)
    monkeypatch.setenv("BOARDQA_INDEX", str(tmp_path / "unused"))
    monkeypatch.setenv("BOARDQA_STORE", stores["url"] + "?prefix=env")
    store = stores["url"] + "?prefix=cli"
    assert cli.main(["ingest", "-q", "--store", store, str(samples_dir)]) == 0
    assert f"index  {store}: 443 paragraphs" in capsys.readouterr().out
    assert cli.main(["papers", "--json", "--store", store]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["doc"] for r in rows} == {"agb-2025-05-police-and-crime-plan-performance.txt",
                                       "pcp-2026-01-05-agenda-pack.txt"}
    assert cli.main(["ask", "--json", "--store", store, "How many homicides were recorded in 2024/25?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["citations"] and "3.7" in answer["citations"][0]["reference"]
    assert cli.main(["remove", "--store", store, "pcp-2026-01-05-agenda-pack.txt"]) == 0
    assert capsys.readouterr().out == "removed pcp-2026-01-05-agenda-pack.txt\n"
    assert cli.main(["papers", "--json", "--store", store]) == 0
    assert {r["doc"] for r in json.loads(capsys.readouterr().out)} == {
        "agb-2025-05-police-and-crime-plan-performance.txt"}
    assert not (tmp_path / "unused").exists()  # --store won over both the index folder and $BOARDQA_STORE
    assert not any(name.startswith("env_") for name in stores["milvus"].client.list_collections())
    monkeypatch.setenv("BOARDQA_STORE", store)
    assert cli.main(["papers", "--json"]) == 0  # $BOARDQA_STORE alone selects the store
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_the_cli_names_an_unreachable_store(capsys):
    from boardqa import cli

    assert cli.main(["papers", "--store", "milvus://127.0.0.1:9"]) == 1
    assert "boardqa: milvus://127.0.0.1:9: cannot reach the Milvus server" in capsys.readouterr().err


def test_importing_the_index_does_not_import_pymilvus():
    code = ("import sys, index, index.milvus, qa, qa.engine, boardqa.cli, boardqa.library, evals.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pymilvus', 'milvus_lite')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_eval_scores_a_corpus_in_milvus_as_in_the_faiss_cache(stores, tmp_path, monkeypatch, capsys):
    import fakes
    import index.milvus.update
    from evals.cli import main

    fakes.install(monkeypatch)
    monkeypatch.setattr(index.milvus.update, "model_id_for", lambda settings: fakes.FAKE_MODEL_ID)
    monkeypatch.setenv("BOARDQA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("BOARDQA_STORE", stores["url"] + "?prefix=unused")  # eval reads --store only
    corpus = tmp_path / "papers"
    corpus.mkdir()
    docs = {"parish-council_meeting_2026-01-29_minutes.txt":
            "Minutes of the Parish Council\n\n1. The precept of £8,358 was submitted.\n\n"
            "2. The wall repair drew no objection.\n",
            "city-council_meeting_2018-12-10_minutes.txt":
            "Minutes of the City Council\n\n1. The council adopted ordinance 88-2018.\n\n2. Trees were discussed.\n"}
    for name, text in docs.items():
        (corpus / name).write_text(text, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    parish, city = docs
    rows = [("a1", "What precept was submitted?", "£8,358", parish, "1", "The precept of £8,358 was submitted."),
            ("a2", "Did they object to the wall repair?", "no objection", parish, "2",
             "The wall repair drew no objection."),
            ("b1", "Which ordinance was adopted?", "88-2018", city, "1", "The council adopted ordinance 88-2018.")]
    gold.write_text("".join(json.dumps({
        "id": i, "kind": "fact", "question": q, "answer": a, "facts": [], "any_of": [[a]], "answerable": True,
        "gold": [{"doc": doc, "paper": "M", "label": label, "evidence": e}]}) + "\n"
        for i, q, a, doc, label, e in rows), encoding="utf-8")
    args = ["--corpus", str(corpus), "--gold", str(gold), "--systems", "system,bm25,dense", "--json"]
    store = stores["url"] + "?prefix=evalc"
    scores, errs = [], []
    for extra in ([], ["--store", store], ["--store", store]):
        assert main(args + extra) == 0
        done = capsys.readouterr()
        errs.append(done.err)
        scores.append({name: {k: v for k, v in s["overall"].items() if not k.startswith("latency")}
                       for name, s in json.loads(done.out)["splits"]["all"].items()})
    assert f"2 files in {store} (2 added" in errs[1]
    assert f"2 files in {store} (0 added, 0 changed, 2 already" in errs[2]
    assert scores[0] == scores[1] == scores[2]  # (the third run found the files already in the store)
    assert scores[0]["system"]["recall@5"] == 1.0
    names = stores["milvus"].client.list_collections()
    assert any(n.startswith("evalc_") for n in names) and not any(n.startswith("unused_") for n in names)


def test_a_store_made_before_sentences_were_stored_gains_them_at_its_next_update(stores):
    from index.milvus.store import MilvusIndex
    from index.milvus.update import update_milvus
    from qa.evidence import semantic_texts

    settings, embedder, files = stores["settings"], stores["embedder"], stores["files"]
    url = stores["url"] + "?prefix=old"
    update_milvus(url, settings, files[:1], embedder=embedder, sentence_texts=semantic_texts)
    client = stores["milvus"].client
    client.drop_collection("old_sentences")  # as a store written before this collection existed
    first = [t for p in files[0][2][:20] for t in semantic_texts(p)]
    second = [t for p in files[1][2][:20] for t in semantic_texts(p) if t not in first]
    store = MilvusIndex.open(url, settings)
    assert not len(store.sentences) and not store.sentences.lookup(first).found.any()
    assert len(store.heads) == len(files[0][2])  # the rest of the store reads as before
    assert update_milvus(url, settings, files, embedder=embedder, sentence_texts=semantic_texts).added == [files[1][0]]
    store = MilvusIndex.open(url, settings)
    assert store.sentences.lookup(second).found.all() and not store.sentences.lookup(first).found.any()
    expected = embedder.encode(second[:5])
    assert store.sentences.lookup(second[:5]).vectors == pytest.approx(expected, abs=1e-6)


def test_texts_are_read_ahead_for_a_scan_and_one_by_one_otherwise(stores):
    from index.milvus.store import MilvusIndex

    store, faiss_index = MilvusIndex.open(stores["url"], stores["settings"]), stores["faiss"]
    paragraphs, fetched = store.paragraphs, []
    read = paragraphs._fetch
    paragraphs._fetch = lambda keys: (fetched.append(len(keys)), read(keys))[1]
    assert [paragraphs[i].text for i in (400, 7, 123, -1)] == [faiss_index.paragraphs[i].text
                                                                for i in (400, 7, 123, -1)]
    assert fetched == [1, 1, 1, 1]
    fetched.clear()
    every_third = range(0, len(store), 3)  # (as qa.library_words samples a large library)
    assert [paragraphs[i].text for i in every_third] == [faiss_index.paragraphs[i].text for i in every_third]
    assert len(fetched) <= 4 and sum(fetched) <= len(every_third) + 2


def test_sentences_read_differently_are_stored_again_at_the_next_update(stores, caplog):
    """A store whose files record another reading of the answer sentences (an upgrade) warns when opened, and its
    next update stores today's sentences for every file, copying the texts it holds and embedding only new ones."""
    import logging

    from index.milvus.store import MilvusIndex
    from index.milvus.update import update_milvus
    from qa.engine import _check_sentence_format
    from qa.evidence import semantic_texts, sentence_format

    settings, embedder, files = stores["settings"], stores["embedder"], stores["files"]
    url = stores["url"] + "?prefix=reread"

    def first_words(p):  # how an older answerer read its sentences
        return [" ".join(p.text.split()[:5])]

    update_milvus(url, settings, files[:1], embedder=embedder, sentence_texts=first_words, sentence_format="older")
    store = MilvusIndex.open(url, settings)
    today = [t for p in files[0][2][:20] for t in semantic_texts(p)]
    assert store.manifest["sentences"] == {"format": "older"} and not store.sentences.lookup(today).found.all()
    with caplog.at_level(logging.WARNING, logger="qa.engine"):
        _check_sentence_format(store)
    assert "read by another version" in caplog.text
    report = update_milvus(url, settings, files[:1], embedder=embedder, sentence_texts=semantic_texts,
                           sentence_format=sentence_format())
    assert report.skipped == [files[0][0]] and any("stored again for 1 files" in n for n in report.notes)
    store = MilvusIndex.open(url, settings)
    assert store.manifest["sentences"] == {"format": sentence_format()}
    assert store.sentences.lookup(today).found.all()
    assert store.sentences.lookup(today[:3]).vectors == pytest.approx(embedder.encode(today[:3]), abs=1e-6)
    again = update_milvus(url, settings, files[:1], embedder=embedder, sentence_texts=semantic_texts,
                          sentence_format=sentence_format())
    assert again.embedded == 0 and not any("stored again" in n for n in again.notes)  # nothing to redo
