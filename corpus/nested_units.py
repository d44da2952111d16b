"""Units inside units: sub-items (`2(a)`), lists inside a section (`5(1)`), items scoped by headings
(`Consent Agenda ¶1`), reference-style minutes and the paths printed under them (`AGM-2006/3.1.a`).

A mixin of `PaperChunker`: it reads and sets the chunker's state (`open`, `unit`, `items`, ...).
"""

from __future__ import annotations

import re

from corpus.drafts import Draft
from corpus.lines import Line, is_short
from corpus.lookahead import _next_numbered
from corpus.numbering import Label, is_restart, is_successor
from corpus.papers import title_case
from corpus.subitems import Nesting, rest_of


class NestedUnits:
    """The paper chunker's rules for nested and scoped numbering."""

    def top_items(self, line: Line) -> bool:
        """`1)`, `2)` or `(1)` before any other numbering: the paper's own items (an agenda), labelled `1`, `2`."""
        path = self.top_nesting.place(line.text)
        if path is None or len(path) != 1 or not path[0].style.startswith("digit"):
            return False
        self.resolve_pending()
        self.close()
        self.open = Draft(label=path[0].printed, kind="numbered", section=self.section, part=self.part)
        self.open.add(line, text=rest_of(line.text))
        return True

    def subitem(self, line: Line) -> bool:
        """`a.`, `(1)`, `ii)` with no bullet glyph, inside a numbered unit: a citable unit of its own, labelled as
        a citation reads (`2(a)`, `LW 72/2122(a)(1)`), keeping its parent's label. Bulleted items stay in the
        paragraph that introduces them."""
        if self.unit is None and not self.numbered_seen and self.top_items(line):
            return True
        bracketed = line.text.lstrip().startswith("(") or bool(re.match(r"^\s*\w{1,5}\)", line.text))
        heading = self.open is not None and self.open.parent != "" and "\n" not in self.open.text.strip() \
            and len(self.open.text.split()) <= 6 and not self.open.text.rstrip().endswith((".", "?", "!", ";"))
        if self.unit is None or not (bracketed or heading or self.nesting.continues(line.text) or line.gap
                                     or (self.open is not None and self.open.kind == "titled") or self.open is None or self.open.last_ends_sentence
                                     or self.open.text.rstrip().endswith((":", ";", ",", "-", "—"))):
            return False
        path = self.nesting.place(line.text, fresh=self.prose_since_item, under_heading=heading)
        if path is None:
            return False
        self.prose_since_item = False
        self.resolve_pending()
        self.close()
        label = self.unit + "".join(marker.qualified for marker in path)
        self.open = Draft(label=label, kind="numbered", section=self.section, part=self.part, parent=self.unit)
        self.open.add(line, text=rest_of(line.text))
        return True

    def _inner_goes_on(self, i: int, cand: Label) -> bool:
        """`3.` that could be the next item of a list inside section 2 or section 3 itself: it is the list's when
        the next number printed is `3.` again or `4.` of the list's kind (a sentence, not a heading)."""
        nxt = _next_numbered(self.lines, i, self.end)
        if nxt is None or Label.parse(nxt.num).scheme:
            return False
        following = Label.parse(nxt.num)
        return following == cand or (is_successor(cand, following) and not is_short(nxt.rest))

    def _continued(self, i: int, cand: Label) -> bool:
        if self.last_para is not None and is_successor(self.last_para, cand, 2):
            return True
        nxt = _next_numbered(self.lines, i, self.end)
        return nxt is not None and not Label.parse(nxt.num).scheme and is_successor(cand, Label.parse(nxt.num), 2)

    def restarts_in_scope(self, line: Line, cand: Label) -> bool:
        """Items numbered again from 1 under each unnumbered heading of one paper (`CONSENT AGENDA` / `1.` ...):
        the heading scopes them, and they read `Consent Agenda ¶1`. A 1 with no heading before it, inside such an
        item, starts a list of the item (`Consent Agenda ¶1(1)`)."""
        if not is_restart(cand) or not self.numbered_seen:
            return False
        plain = self.last_head is None and not self.part
        if plain and len(self.pending) == 1 and is_short(self.pending[0].text):
            heading = title_case(self.pending[0].text.strip(" *:"))
            self.resolve_pending()
            self.close()
            if not self.scope:
                run_heading = ""
                for draft in self.items:  # the first run was scoped by the heading it started under
                    if draft.kind in ("numbered", "titled") and draft.label[:1].isdigit():
                        if is_restart(Label.parse(draft.label)) or not run_heading:
                            run_heading = title_case(draft.section.split(" › ")[-1].strip(" *:"))
                        if run_heading:
                            draft.label = f"{run_heading} ¶{draft.label}"
            self.scope = heading
            self.last_para = cand
            self.numbered_open(line, cand)
            return True
        if not self.pending and self.unit:
            self.inner_parent = self.unit
            self.inner_item(line, cand)
            return True
        return False

    def inner_item(self, line: Line, cand: Label) -> None:
        """One item of a list numbered from 1 inside a numbered unit (`5(1)`, `Consent Agenda ¶1(1)`)."""
        self.resolve_pending()
        self.close()
        self.open = Draft(label=f"{self.inner_parent}({line.num})", kind="numbered", section=self.section,
                          part=self.part, parent=self.inner_parent)
        self.open.add(line, text=line.rest)
        self.inner = cand

    def numbered_open(self, line: Line, cand: Label) -> None:
        label = f"{self.scope} ¶{line.num}" if self.scope else line.num
        kind = "titled" if line.rest and is_short(line.rest) else "numbered"
        self.unit, self.nesting, self.table_caption, self.inner = label, Nesting(), "", None
        self.open = Draft(label=label, kind=kind, section=self.section, part=self.part)
        self.open.add(line, text=line.rest)
        self.numbered_seen = True

    def extends_reference(self, line: Line, cand: Label, at_start: bool) -> bool:
        """`3.1.a` printed inside minute `AGM-2006/3`: the document prints the full path under the minute, so the
        label is the path prefixed with the minute's reference (`AGM-2006/3.1.a`)."""
        ref = self.unit_ref
        if ref is None or cand.depth < 2 or cand.parts[0] != ref.parts[-1]:
            return False
        # The path that comes next starts a paragraph even after a line that ends without a stop, when words
        # (not a figure's unit) follow it: `... withdrew his candidature` / `7.1 For the post of the Chair`.
        at_start = at_start or line.rest[:1].isupper()
        first = at_start and self.path_last is None and cand.depth == 2 and cand.parts[1] in (0, 1)
        if not first and not (self.path_last is not None and is_successor(self.path_last, cand, 1)):
            return False
        self.resolve_pending()
        self.close()
        self.open = Draft(label=self.unit_prefix + line.num, kind="numbered", section=self.section, part=self.part,
                          parent=self.unit or "")
        self.open.add(line, text=line.rest)
        self.path_last = cand
        return True

    def referenced(self, line: Line, cand: Label, at_start: bool) -> bool:
        """A reference-style label (`LW 64/2122`, `Item 3`): always a unit of its own, never a bare heading.

        Its scheme is independent of the paper's plain numbering. When the scheme comes back to its first
        label after three or more, the earlier run was a contents list (an agenda printed above the minutes):
        it becomes one unlabelled block and the labels are the units that follow.
        """
        last = self.schemes.get(cand.scheme)
        first = self.scheme_first.get(cand.scheme)
        again = first is not None and cand == first and self.scheme_count.get(cand.scheme, 0) >= 3
        # A reference scheme only moves forward, by any step: a log lists the minutes that have actions.
        fits = last is None or again or cand.parts >= last.parts
        if not at_start or not fits:
            self._as_text(line)
            return False
        self.resolve_pending()
        self.close()
        if again:
            self._contents(cand.scheme)
        self.numbered_seen = True
        self.schemes[cand.scheme] = cand
        self.scheme_first.setdefault(cand.scheme, cand)
        self.scheme_count[cand.scheme] = self.scheme_count.get(cand.scheme, 0) + 1
        kind = "titled" if line.rest and is_short(line.rest) else "numbered"
        self.open = Draft(label=line.num, kind=kind, section=self.section, part=self.part)
        self.open.add(line, text=line.rest)
        self.unit, self.nesting, self.inner = line.num, Nesting(), None
        self.unit_ref, self.path_last, self.table_caption = cand, None, ""
        self.unit_label = line.num
        numbered = re.match(r"^(.*?)\d+\D*$", line.num)
        self.unit_prefix = numbered.group(1) if numbered else ""
        if not numbered:
            self.unit_ref = None  # `II`: its clauses are sub-items, not dotted paths
        return False

    def _contents(self, scheme: str) -> None:
        listed = [d for d in self.items if d.kind in ("titled", "numbered") and Label.parse(d.label).scheme == scheme]
        if not listed:
            return
        block = Draft(label="Contents", kind="list", section=self.section, part=self.part)
        for draft in listed:
            block.lines.append(("\n" if block.lines else "", f"{draft.label} {draft.text}".strip()))
            block.pages |= draft.pages
        at = self.items.index(listed[0])
        self.items = [d for d in self.items if d not in listed]
        self.items.insert(at, block)
        self.scheme_count[scheme] = 0
