"""Running headers, footers and page numbers: dropped from page edges only, reported, and never a paragraph label."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.cleaning import running_summary, strip_running_lines
from corpus.records import Page


def body(n: int) -> str:
    """Four body lines that differ from page to page, as real text does."""
    words = ["budget", "policing", "victims", "custody", "training", "estates", "fleet", "vetting", "overtime"]
    rows = (f"{n}.{k} The {words[(n + k) % 9]} report{' is noted' * k} ({words[(n * k) % 9]})." for k in range(1, 5))
    return "\n".join(rows)


def test_running_lines_with_changing_numbers_are_dropped_from_page_edges_only():
    pages = [Page(n, f"Agenda Item 5 - Page {n + 10}\n{body(n)}\nWest Midlands PCP {n}") for n in range(1, 5)]
    pages.append(Page(5, f"{body(5)}\nBody mentions West Midlands PCP 3 in its middle.\n{body(6)}"))
    out = strip_running_lines(pages)
    assert [p.text for p in out[:4]] == [f"Agenda Item 5 - Page 11\n{body(1)}"] + [body(n) for n in range(2, 5)]
    assert out[4] == pages[4]


def test_every_running_line_dropped_is_reported_and_summarised_by_shape():
    pages = [Page(n, f"Agenda Item 5 - Page {n + 10}\n{body(n)}\nWest Midlands PCP {n}") for n in range(1, 5)]
    dropped: list[str] = []
    strip_running_lines(pages, dropped)
    assert sorted(dropped) == sorted([f"Agenda Item 5 - Page {n + 10}" for n in range(2, 5)]
                                     + [f"West Midlands PCP {n}" for n in range(1, 5)])
    assert running_summary(dropped) == (("West Midlands PCP 1", 4), ("Agenda Item 5 - Page 12", 3))
    assert running_summary([]) == ()


def test_each_papers_own_header_in_a_pack_is_dropped_and_stacked_page_numbers_too():
    papers = ["Bringing Offenders to Justice"] * 4 + ["Panel Work Programme"] * 4
    # Each page: the paper's own header, its body, the paper's own page number, then the pack's page number.
    pages = [Page(n, f"{title}\n{body(n)}\n{(n - 1) % 4 + 1}\nPage {n + 20}") for n, title in enumerate(papers, 1)]
    out = strip_running_lines(pages)
    expected = [f"{title}\n{body(n)}" if n in (1, 5) else body(n) for n, title in enumerate(papers, 1)]
    assert [p.text for p in out] == expected
    assert strip_running_lines(out) == out


def test_lines_recurring_on_fewer_than_three_pages_are_kept():
    pages = [Page(n, f"Confidential\n{body(n)}") for n in (1, 2)]
    assert strip_running_lines(pages) == pages


def test_paragraph_labels_at_page_tops_are_never_running_lines():
    pages = [Page(n, f"3.{n}\n{body(n)}\n(a)") for n in range(1, 7)]
    assert strip_running_lines(pages) == pages


def test_bare_page_numbers_go_only_when_they_track_the_page_sequence():
    tracking = [Page(n, f"{body(n)}\n\n{n + 2}") for n in range(1, 6)]
    assert [p.text for p in strip_running_lines(tracking)] == [body(n) for n in range(1, 6)]
    labels = [Page(n, f"{body(n)}\n{label}") for n, label in zip(range(1, 6), (17, 4, 52, 9, 30))]
    assert strip_running_lines(labels) == labels


def test_single_page_numbers_and_emptied_pages():
    assert strip_running_lines([Page(1, "Page 1\nText.\n- 1 -")]) == [Page(1, "Text.")]
    assert strip_running_lines([Page(1, "Text.\n1")]) == [Page(1, "Text.")]
    assert strip_running_lines([Page(1, "Text.\n7")]) == [Page(1, "Text.\n7")]
    assert strip_running_lines([Page(1, "Text."), Page(2, "Page 2")]) == [Page(1, "Text.")]



def test_page_numbers_printed_only_on_some_pages_still_go_when_most_bare_numbers_track():
    # A manual's layout: chapter openings carry a bare number at the top, other pages a running header.
    pages = [Page(n, (f"{n - 3}\n" if n in (4, 5, 8, 11, 27) else "") + body(n)) for n in range(1, 31)]
    assert strip_running_lines(pages) == [Page(n, body(n)) for n in range(1, 31)]


EDGE_ALPHABET = st.sampled_from(["Page 3", "12", "3.7", "(a)", "OFFICIAL", "Agenda Item 5", "", "- 4 -", "Text 9."])


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(any(item == other for other in rest) for item in part)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(EDGE_ALPHABET, min_size=1, max_size=8), min_size=1, max_size=8))
def test_strip_running_lines_only_ever_removes_lines(page_lines):
    pages = [Page(n, "\n".join(lines)) for n, lines in enumerate(page_lines, start=1)]
    out = strip_running_lines(pages)
    numbers = [p.number for p in pages]
    assert is_subsequence([p.number for p in out], numbers)
    for page in out:
        assert is_subsequence(page.text.split("\n"), pages[page.number - 1].text.split("\n"))


def test_repeated_boilerplate_is_dropped_from_the_edges_only_and_kept_once():
    slides = [Page(n, f"EACH & every STEP\nA ‘yes’ to {thing} is not a ‘yes’ to everything.\n"
                      "Consent is ongoing and can be withdrawn at any time.\nRemember: consent for every step.")
              for n, thing in enumerate(["a dance", "a kiss", "a walk home", "a drink"], start=1)]
    out = strip_running_lines(slides)
    assert out[0] == slides[0]
    assert [p.text for p in out[1:]] == [s.text.split("\n")[1] for s in slides[1:]]
    titles = ["Budget", "Estates", "Fleet", "Custody"]
    middle = [Page(n, f"{titles[n - 1]}\n{body(n)}\nThe panel noted the report.\n{body(n + 9)}") for n in range(1, 5)]
    assert strip_running_lines(middle) == middle
