"""Short lines waiting for what follows them (`pending`): a heading, a list, a front sheet, a declared appendix, or
the rest of a table row's cells. A mixin of `PaperChunker`, which owns the state it reads and writes."""

from __future__ import annotations

import re

from corpus.drafts import Draft
from corpus.front import MARKING
from corpus.lookahead import _capitals
from corpus.records import EMPHASIS

BODY_TYPE = 0.95  # a line at least this share of the body text's size is printed in body type, not small print
DECLARED = re.compile(r"^\s*(?P<label>(?:appendix|annex|schedule)\s+\w{1,3})\s*[:–-]\s+(?P<title>\S.{3,})$", re.I)
TOKEN = re.compile(r"[a-z0-9]+")


class PendingLines:
    """What the short lines held back since the last paragraph turn out to be."""

    def resolve_pending(self) -> None:
        """Heading-sized lines waiting for what follows: a list when there are many, else headings."""
        if not self.pending:
            return
        self.close()
        found = self._declared_window()
        if found:
            i, j, declared = found
            before, window, after = self.pending[:i], self.pending[i:j], self.pending[j:]
            self.pending = before
            self.resolve_pending()
            self.close()
            self.part = self.top = declared
            self.section = f"{declared} › " + " › ".join(line.text.strip(" *") for line in window)
            self.heading = ""
            self.last_para = self.last_head = None
            self.pending = after
            self.resolve_pending()
            return
        last = self.pending[-1]
        if len(self.pending) >= 3 and _capitals(last.text) and not _capitals(self.pending[-2].text):
            # Lines of a front sheet, then a heading in capitals: the front is a block, the heading heads what follows.
            self.pending = self.pending[:-1]
            self.resolve_pending()
            self.close()
            self.pending = [last]
            self.resolve_pending()
            return
        # a protective marking (`UNCLASSIFIED`, printed at the head of each page) is neither a heading nor a list item
        marked = [line for line in self.pending if not MARKING.match(line.text.strip(" *"))]
        if len(marked) >= 3 or any(DECLARED.match(line.text) for line in self.pending):
            named = (marked or self.pending)[0]  # a protective marking printed over the list is never its name
            label = self.caption or self._label(named.text.rstrip(" :-–"))
            block = Draft(label=label, kind="list", section=self.section, part=self.part)
            for line in self.caption_lines + self.pending:
                block.add(line, joiner="\n")
            self.caption, self.caption_lines = "", []
            self.open = block
        else:
            # Unnumbered subheadings sit under the last numbered heading: keep the path.
            path = [self.top] + [line.text.strip(" *") for line in marked or self.pending]
            self.section = " › ".join(dict.fromkeys(x for x in path if x))
            self.heading = (marked or self.pending)[-1].text.strip(" *")
        self.pending = []

    def _declared_window(self) -> tuple[int, int, str] | None:
        """Heading lines that repeat the title of a declared appendix (`Appendix B: Terms of Reference: ...`)
        start that appendix: (first line, end, label) of the earliest such run of 1-3 lines."""
        if not self.declared:
            return None
        for i in range(len(self.pending)):
            for j in range(i + 1, min(i + 4, len(self.pending) + 1)):
                window = self.pending[i:j]
                if any(DECLARED.match(line.text) for line in window):
                    break
                words = set(TOKEN.findall(" ".join(line.text for line in window).lower()))
                for label, title in self.declared.items():
                    common = len(words & title)
                    if title and label != self.part and common >= 0.75 * len(title) and common >= 0.75 * len(words):
                        return i, j, label
        return None

    def _opens_group(self, i: int) -> bool:
        """Whether short line `i` may name a group of lines in a list: space above it, the group's lines right
        under it, and words rather than figures (`Historic Weather Observations - Lead JC`, not `-5.03%`)."""
        line = self.lines[i]
        text = line.text.strip()
        words = text.split()
        if not line.gap or i + 1 >= self.end or len(words) < 2 or not text[:1].isupper():
            return False
        if sum(ch.isalpha() for ch in text) < 0.6 * len(text.replace(" ", "")):
            return False
        nxt = self.lines[i + 1]
        return not nxt.gap and nxt.page == line.page and nxt.kind in ("short", "text")

    def _heading_type(self, i: int) -> bool:
        """A line printed larger than the body text, after body text, is a heading, not the text going on
        (`Treasurer's Report` printed large under a list of comments), unless it starts in lower case. Bold alone
        is not enough: tables print answers in bold (`None`). A heading heads words in body type or larger; a
        slide's title that the PDF gives after its chart is followed by the next slide's figures or small type."""
        line = self.lines[i]
        if line.size < EMPHASIS or self.open.last_large or line.starts_lower or i + 1 >= self.end:
            return False
        nxt = self.lines[i + 1]
        text = nxt.text.replace(" ", "")
        return nxt.size >= BODY_TYPE and 2 * sum(ch.isalpha() for ch in text) >= len(text)

    def _heading_over_text(self) -> None:
        """Short lines waiting, then text going on from them: a larger line among them is the heading of that
        text (`Approval of Previous Minutes` over `Justin Poehnelt motioned ... The` / `minutes were approved.`)."""
        if self.open is None:
            return
        large = [k for k, p in enumerate(self.pending) if p.size >= EMPHASIS and not p.starts_lower]
        if not large or self.open.last_large or self.pending[large[-1]] is self.pending[-1] \
                or not self._heading_type(self.pending[large[-1]].index):
            return
        text = self.pending[large[-1] + 1:]
        self.pending = self.pending[:large[-1] + 1]
        self.resolve_pending()
        self.pending = text

    def _row_cells(self) -> None:
        """A table's numbered row (its number in a cell of its own) goes on in its other cells: the short lines
        after its text, none a sentence, up to the next row's number (`August 2012` / `(brought` / `forward)` /
        `December 2013` / `Jos Creese`), are the row's, not a list of their own. One line may head the next row."""
        if self.open is None or not self.open.row or len(self.pending) < 2:
            return
        if any(p.text.rstrip(" *").endswith((".", "!", "?", ":")) or p.size >= EMPHASIS for p in self.pending):
            return
        for p in self.pending:
            self.open.add(p, joiner=" ")
        self.pending = []
