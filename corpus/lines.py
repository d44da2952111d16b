"""Pages to typed lines: what each printed line looks like (numbered, bullet, table row, heading, prose)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.numbering import ANNEX, BULLET, CAPTION, LETTERED, NUMBERED, SENTENCE_END
from corpus.records import Page

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\((?:#|[^)\s]*)\)")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(\S[^*\n]*?\S|\S)\*(?![\w*])")
_SPACES = re.compile(r"[ \u00a0]{2,}")

END_MARKER = re.compile(r"^\s*(?:author\(?s?\)?\s*:|job title\s*:|meeting closed\b|chair(?:man|person)?\s*$|signed\s*:?\s*$)", re.I)
_META = re.compile(
    r"^\s*(?:presented by|report of|report author|author|date|email|e-mail|tel|telephone|contact(?: officer)?|"
    r"job title|wards? affected|key decision|classification|purpose|lead officer)\b\s*:?",
    re.I,
)


@dataclass
class Line:
    """One printed line. `gap` is True when a blank line (or a new page) comes before it."""

    text: str
    page: int
    gap: bool
    kind: str = "text"
    num: str = ""
    rest: str = ""
    index: int = 0

    @property
    def ends_sentence(self) -> bool:
        return bool(SENTENCE_END.search(self.text))

    @property
    def starts_lower(self) -> bool:
        first = self.text.lstrip("-–•*( \"'‘“")[:1]
        return first.islower()


def clean_inline(text: str) -> str:
    """Remove markup left by extraction (`**bold**`, `[link](#)`, HTML tags); keep the words."""
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _BOLD.sub("", text)
    text = _ITALIC.sub(r"\1", text)
    text = text.replace("\\(", "(").replace("\\)", ")")
    return _SPACES.sub(" ", text).rstrip()


def is_short(text: str) -> bool:
    """Heading-sized: a few words, no sentence punctuation at the end."""
    t = text.strip()
    words = t.split()
    if not words or len(t) > 110 or len(words) > 15:
        return False
    if t.endswith((".", ";", ",")) and not t.endswith("etc."):
        return False
    if t.endswith(":") and len(words) > 6:
        return False  # a sentence introducing a list
    return True


def is_meta(text: str) -> bool:
    return bool(_META.match(text))


def _paragraph_like(text: str, m: re.Match) -> bool:
    """`- 183 ISC orders` is a bullet with a number, `31 homicides were` a wrapped line: neither
    is a paragraph number. Paragraph text starts with a capital, a quote or a bracket."""
    rest = (m.group("rest") or "").lstrip("*")
    if rest[:1].islower():
        return False
    bulleted = text.lstrip()[:1] in "-–•▪"
    return not (bulleted and "." not in m.group("num") and not m.group("dot"))


def classify(text: str) -> tuple[str, str, str]:
    """(kind, number, rest) of one cleaned line."""
    if "\t" in text and len([c for c in text.split("\t") if c.strip()]) >= 2:
        return "table", "", text
    if ANNEX.match(text):
        return "annex", "", ANNEX.match(text).group("label")
    m = CAPTION.match(text)
    if m:
        return "caption", m.group("label"), m.group("rest").strip(" .:–-")
    m = NUMBERED.match(text)
    if m and _paragraph_like(text, m):
        return "numbered", m.group("num"), (m.group("rest") or "").strip()
    m = LETTERED.match(text)
    if m:
        return "lettered", m.group("item"), m.group("rest")
    if BULLET.match(text):
        return "bullet", "", text
    if END_MARKER.match(text):
        return "end", "", text
    if is_short(text):
        return "short", "", text
    return "text", "", text


def to_lines(pages: list[Page]) -> list[Line]:
    """Split pages into typed lines, keeping page numbers and where blank lines were."""
    lines: list[Line] = []
    for page in pages:
        gap = True
        for raw in page.text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            text = clean_inline(raw.replace("\f", ""))
            if not text.strip():
                gap = True
                continue
            # Table rows keep their tab structure; everything else is trimmed.
            text = text.rstrip() if "\t" in text else text.strip()
            kind, num, rest = classify(text)
            lines.append(Line(text=text, page=page.number, gap=gap, kind=kind, num=num, rest=rest, index=len(lines)))
            gap = False
    return lines
