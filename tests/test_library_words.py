"""The words a library uses all the time are counted in that library, and nothing in qa/ names a body or a place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from corpus.records import Paragraph
from qa.library_words import MIN_PARAGRAPHS, LibraryWords, common_words
from qa.question import analyse, with_library

ROOT = Path(__file__).resolve().parents[1]


def _library(n: int, every: dict[str, int]) -> list[Paragraph]:
    """`n` paragraphs, word w in one paragraph of every `every[w]`, and one topic word each."""
    out = []
    for i in range(n):
        words = [w for w, k in every.items() if i % k == 0] + [f"topic{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}"]
        out.append(Paragraph(doc_id="d@1", doc="d.pdf", doc_title="D", paper="P", label=str(i + 1),
                             text=" ".join(words) + ".", seq=i))
    return out


def test_a_word_in_a_large_share_of_the_librarys_paragraphs_is_common_and_a_rare_one_is_not():
    library = _library(200, {"pupils": 2, "governors": 4, "library": 50})
    common = common_words(library)
    assert {"pupil", "governor"} <= common and "library" not in common
    assert not any(w.startswith("topic") for w in common)
    assert common_words(library[: MIN_PARAGRAPHS - 1]) == frozenset()  # too few to tell habits from topics


def test_the_librarys_common_words_are_read_as_vague_in_a_question():
    library = _library(200, {"pupils": 2, "governors": 3, "uniform": 60, "school": 2})
    common = common_words(library)
    q = with_library(analyse("What did the Decoy Governors say about the pupils' uniform?"), LibraryWords(common))
    concepts = {c.name: c for c in q.parts[0].concepts}
    assert concepts["pupils"].generic and not concepts["uniform"].generic
    assert concepts["Decoy Governors"].specific  # "Decoy" is not a word this library uses all the time
    school = with_library(analyse("What did the School Governors say about uniform?"), LibraryWords(common))
    assert {c.name: c for c in school.parts[0].concepts}["School Governors"].generic  # names nothing in particular
    plain = analyse("What did the governors say about the pupils' uniform?")
    assert not {c.name: c for c in plain.parts[0].concepts}["pupils"].generic  # not without the library


def _code_words(path: Path) -> str:
    """The source of `path` without its comments and docstrings: what the code itself matches on."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return re.sub(r"#[^\n]*", "", ast.unparse(tree)).lower()


def test_nothing_in_qa_names_a_body_or_a_place_of_the_sample_or_development_papers():
    names = ["west midlands", "midland", "birmingham", "coventry", "dudley", "sandwell", "solihull", "walsall",
             "wolverhampton", "wmp", "opcc", "agb", "stockton", "souldern", "ayton", "tintern", "decoy",
             "rivergrove", "frtib", "no2id", "odug"]
    for path in sorted((ROOT / "qa").glob("*.py")):
        code = _code_words(path)
        found = [n for n in names if re.search(rf"\b{n}\b", code)]
        assert not found, f"{path.name} names {found}"


def test_acronyms_the_papers_define_are_found_where_their_name_is_written_out():
    from qa.library_words import LibraryWords, defined_acronyms
    from qa.vocabulary import tokens

    texts = ["Case files met the Crown Prosecution Service (CPS) standards.",
             "The Integrated Care Board (ICB) presented.", "Good news (GN2) was not defined here.",
             "The Police and Crime Commissioner (PCC) agreed."]
    paras = [Paragraph(doc_id="d@1", doc="d.pdf", doc_title="D", paper="P", label=str(i), text=t, seq=i)
             for i, t in enumerate(texts)]
    acronyms = dict(defined_acronyms(paras))
    assert acronyms == {"cps": tuple(tokens("Crown Prosecution Service")), "icb": tuple(tokens("Integrated Care Board")),
                        "pcc": ("polic", "crim", "commissioner")}
    q = with_library(analyse("What did the PCC say about CPS file quality?"), LibraryWords(acronyms=tuple(acronyms.items())))
    pcc = {c.name: c for c in q.parts[0].concepts}["PCC"]
    assert pcc.specific and pcc.found_in(set(tokens("the Police and Crime Commissioner agreed")))
    assert pcc.strength(set(tokens("the PCC agreed"))) == 1.0


def test_an_acronym_defined_in_the_plural_is_found_where_its_name_is_written_out():
    from qa.library_words import LibraryWords, defined_acronyms
    from qa.vocabulary import tokens

    texts = ["The plan expands police officers and Police Community Support Officers (PCSOs).",
             "Integrated Care Boards (ICBs) commission services."]
    paras = [Paragraph(doc_id="d@1", doc="d.pdf", doc_title="D", paper="P", label=str(i), text=t, seq=i)
             for i, t in enumerate(texts)]
    acronyms = dict(defined_acronyms(paras))
    assert acronyms == {"pcso": tuple(tokens("Police Community Support Officers")),
                        "icb": tuple(tokens("Integrated Care Boards"))}
    q = with_library(analyse("How many PCSOs are there?"), LibraryWords(acronyms=tuple(acronyms.items())))
    pcsos = {c.name: c for c in q.parts[0].concepts}["PCSOs"]
    assert pcsos.found_in(set(tokens("310 Police Community Support Officers in post")))
    # a PCSO is not a police officer: the question's PCSOs are not found in a line about officers alone
    assert not pcsos.found_in(set(tokens("a police officer headcount of 8,094")))
