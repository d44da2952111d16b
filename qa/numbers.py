"""Numbers as facts: find them in text and compare them however they are written (`1,140` = `1140`)."""

from __future__ import annotations

import re

# A number with optional thousands separators and decimals; not part of a word or a
# paragraph marker such as [3].
_NUMBER = re.compile(r"(?<![\w.\[])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w\]])")
_WORD_NUMBERS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}


def normalise_number(token: str) -> str:
    """`1,140` -> `1140`; `10.50` -> `10.5`; `07` -> `7`."""
    token = token.replace(",", "")
    if "." in token:
        whole, _, frac = token.partition(".")
        frac = frac.rstrip("0")
        whole = whole.lstrip("0") or "0"
        return f"{whole}.{frac}" if frac else whole
    return token.lstrip("0") or "0"


def numbers_in(text: str) -> list[str]:
    """Every number in `text`, normalised, in order (citation markers `[n]` excluded)."""
    out = []
    for m in _NUMBER.finditer(text):
        raw = m.group(1) + (("." + m.group(2)) if m.group(2) else "")
        out.append(normalise_number(raw))
    return out


def number_set(text: str) -> set[str]:
    return set(numbers_in(text))


def normalise_for_match(text: str) -> str:
    """Lower case, numbers normalised, `percent`/`per cent` -> `%`, whitespace folded: for fact matching."""
    t = text.lower().replace("\u00a0", " ")
    t = re.sub(r"\s*(?:per\s*cent|percent)\b", "%", t)
    t = re.sub(r"\s+%", "%", t)
    t = _NUMBER.sub(lambda m: normalise_number(m.group(0)), t)
    t = re.sub(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", lambda m: _WORD_NUMBERS[m.group(1)], t)
    t = re.sub(r"[‘’]", "'", t)
    t = re.sub(r"[“”]", '"', t)
    t = re.sub(r"[–—]", "-", t)
    return re.sub(r"\s+", " ", t).strip()
