"""Answers and reply drafts go through the language model only when one is configured, and fall back when it fails."""

from __future__ import annotations

from fakes import FakeEmbedder

from boardqa.settings import Settings
from corpus.records import Paragraph
from qa.contract import violations
from qa.engine import Engine

TEXT = "In 2024/25, there were 31 homicides recorded by WMP, a reduction of 14 compared to the previous year."


def engine(url: str = "") -> Engine:
    settings = Settings()
    settings.llm.url, settings.llm.model, settings.llm.timeout = url, "m" if url else "", 1.0
    para = Paragraph(doc_id="agb@1", doc="agb.txt", doc_title="AGB", paper="Police and Crime Plan Performance",
                     label="3.7", text=TEXT, section="3. Preventing and Tackling Violence",
                     meeting="Accountability and Governance Board", date="2025-05")
    return Engine.from_paragraphs([para], settings, embedder=FakeEmbedder())


def test_offline_by_default():
    e = engine()
    answer = e.ask("How many homicides were recorded in 2024/25?")
    assert answer.answerer == "extractive" and "31" in answer.answer and violations(answer) == []
    text, answerer = e.draft_reply(answer.question, answer)
    assert answerer == "extractive" and "31" in text and "¶3.7" in text


def test_unreachable_model_falls_back_for_answers_and_replies():
    e = engine("http://127.0.0.1:9/v1")  # nothing listens on the discard port
    answer = e.ask("How many homicides were recorded in 2024/25?")
    assert answer.answerer == "llm→extractive" and "31" in answer.answer and violations(answer) == []
    assert answer.note  # says why the model was not used
    text, answerer = e.draft_reply(answer.question, answer)
    assert answerer == "llm→extractive" and "31" in text


def test_a_documents_front_sheet_is_its_first_record_unless_that_is_a_printed_paragraph():
    src = dict(doc_title="Agenda", paper="Agenda", date="2023-10-24")
    front = Paragraph(doc_id="p@1", doc="pack.pdf", label="Cover", kind="cover", seq=0, text="Select Committee\n"
                      "Venue: Central Library, Riverton", **src)
    item = Paragraph(doc_id="p@1", doc="pack.pdf", label="1", printed=True, seq=1, text="1. Apologies.", **src)
    numbered = Paragraph(doc_id="n@1", doc="notes.txt", label="1", printed=True, seq=0, text="1. Riverton.", **src)
    e = Engine.from_paragraphs([front, item, numbered], Settings(), embedder=FakeEmbedder())
    assert "Riverton" in e.front("p@1") and e.front("n@1") == "" and e.front("missing@1") == ""
