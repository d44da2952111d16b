"""One paper's lines to its paragraphs: the state machine that follows the numbering, headings, lists and tables."""

from __future__ import annotations

import re

from corpus.drafts import Draft, split_groups
from corpus.lines import Line, is_short
from corpus.lookahead import _last_entry, _adjacent, _body_follows, _capitals, _date_like, _next_numbered, _one_line_entries
from corpus.nested_units import NestedUnits
from corpus.pending_lines import DECLARED, TOKEN, PendingLines
from corpus.numbering import Label, children_of, is_restart, is_successor, plausible_number
from corpus.papers import title_case

from corpus.subitems import Nesting

_ROW_KEY = re.compile(
    r"^\s*(?P<prefix>(?:action|item|minute|commitment|recommendation)\s+(?:ref\.?|no\.?|number)?\s*:?\s*)?"
    r"(?P<key>\d{1,4}(?:,\s*\d{1,4})*)(?:\s*[-–:]\s+\S.*|\s*)$",
    re.I,
)
FIRST_NUMBER_ANYWHERE = 10  # a paper's first number this large continues a series (minute 921) wherever it stands


class PaperChunker(NestedUnits, PendingLines):
    """Runs over the lines of one paper; stops when the numbering starts again (a new paper)."""

    def __init__(self, lines: list[Line], start: int, end: int):
        self.lines, self.start, self.end = lines, start, end
        self.items: list[Draft] = []
        self.open: Draft | None = None
        self.section = ""
        self.top = ""
        self.heading = ""
        self.part = ""
        self.pending: list[Line] = []
        self.caption = ""
        self.caption_lines: list[Line] = []
        self.last_para: Label | None = None
        self.last_head: Label | None = None
        self.numbered_seen = False
        self.tables_seen = False
        self.title_label = ""
        self.unit: str | None = None  # the label sub-items are qualified by
        self.nesting = Nesting()
        self.top_nesting = Nesting()
        self.table_caption = ""  # `Table 1` while its rows run
        self.scope = ""  # the unnumbered heading that scopes restarting item numbers
        self.inner: Label | None = None  # the last item of a list numbered inside a unit
        self.prose_since_item = False  # a paragraph of the unit's own came after its last sub-item
        self.inner_parent = ""
        self.unit_ref: Label | None = None  # the reference-style unit open (`AGM-2006/3`), whose paths extend it
        self.unit_prefix = ""
        self.unit_label = ""  # the reference-style unit's own label
        self.path_last: Label | None = None
        self.entry_page: int | None = None  # the page of the lettered entry open: its lines are its own
        self.schemes: dict[str, Label] = {}
        self.scheme_first: dict[str, Label] = {}
        self.scheme_count: dict[str, int] = {}
        # `Appendix A: Work Programme 2025/26` listed in the report names the heading that later opens it.
        self.declared = {}
        for line in lines[start:end]:
            m = DECLARED.match(line.text)
            if m and line.kind in ("short", "text"):
                self.declared[m.group("label").title()] = set(TOKEN.findall(m.group("title").lower()))

    # -- helpers -----------------------------------------------------------------
    def close(self) -> None:
        if self.open and self.open.text:
            self.items.extend(split_groups(self.open))
        self.open = None

    def _label(self, text: str) -> str:
        return title_case(text.strip(" *:–-")) or self.part or "Text"

    def block(self, line: Line, kind: str = "block") -> None:
        """Unnumbered prose, bullets or list: one block per heading."""
        label = self.caption or self.heading or self.part or ("Cover" if not (self.numbered_seen or self.tables_seen) else "Text")
        if label == "Cover" and self.open is None and self.items and self.items[-1].kind == "cover":
            self.open = self.items.pop()
        if self.caption.lower().startswith("table"):
            kind = "table"
        elif self.table_caption and label == self.heading:
            label, kind = f'{self.table_caption}, row "{label}"', "row"  # a row named by its first cell
        if self.open is None or self.open.kind not in ("block", "list", "cover") or kind != "block":
            self.close()
            self.open = Draft(label=label, kind=kind, section=self.section, part=self.part)
            for caption in self.caption_lines:
                self.open.add(caption, joiner="\n")
        self.caption, self.caption_lines = "", []
        self.open.add(line)

    # -- main loop ----------------------------------------------------------------
    def run(self, i: int) -> int | None:
        lines, end = self.lines, self.end
        while i < end:
            line = lines[i]
            prev = lines[i - 1] if i > self.start else None
            kind = line.kind
            if self.entry_page == line.page and not line.gap and kind in ("short", "text", "numbered") \
                    and self.open is not None:
                self.open.add(line)  # an entry's own lines, up to a gap: a name, an address, a phone number
                i += 1
                continue
            self.entry_page = None
            if kind == "short" and self.open is not None and not self.open.lines and not self.pending:
                self.open.add(line)  # `3.` printed alone: its words follow on the next lines
            elif kind == "short" and self.open is not None and not self.pending and self.open.introduces:
                self.open.add(line, joiner="\n")
            elif kind == "short" and self.open is not None and self.open.kind == "list" and not self.pending \
                    and self._opens_group(i):
                self.open.groups.append((len(self.open.lines), self._label(line.text), line.page))
                self.open.add(line)
            elif kind == "short" and self.open is not None and not self.pending and not _capitals(line.text) \
                    and not self._heading_type(i) and (
                self.open.kind == "titled"
                # `Proponents:` / `Opposed:` inside a numbered item: a lead-in to its own words, not a new heading
                # a row's other cells printed right under it (`Heather Poustie On-going` under an action)
                or (self.open.kind == "numbered" and not line.gap and line.page in self.open.pages)
                or (self.open.kind == "numbered" and line.text.rstrip(" *").endswith(":") and i + 1 < self.end
                    and self.lines[i + 1].kind in ("text", "bullet", "lettered"))
                or (self.open.kind in ("list", "cover", "signoff") and self.open.last_kind not in ("bullet", "lettered"))
                or (not self.open.last_ends_sentence and not line.gap)
                or line.starts_lower
            ):
                self.open.add(line)
            elif kind == "short":
                self.pending.append(line)
            elif kind == "numbered":
                restart = self.numbered(i, line, prev)
                if restart:
                    return i
            elif kind == "entry":  # `A.` of a lettered list of entries (see `corpus.lines._letter_entries`)
                self.resolve_pending()
                self.close()
                self.open = Draft(label=line.num, kind="numbered", section=self.section, part=self.part)
                self.open.add(line, text=line.rest)
                self.unit, self.nesting, self.inner = line.num, Nesting(), None
                self.entry_page = line.page
            elif kind == "table":
                self.resolve_pending()
                i = self.table(i)
                continue
            elif kind == "annex":
                self.resolve_pending()
                self.close()
                self.part = title_case(line.rest)
                self.section = self.top = self.heading = self.part
                self.last_para = self.last_head = None
            elif kind == "caption":
                if line.num.lower().startswith("figure"):
                    self.pending = []  # a dropped figure's title and legend
                else:
                    self.resolve_pending()
                    self.close()
                    self.caption = line.num
                    self.caption_lines.append(line)
                    if line.num.lower().startswith("table"):
                        self.table_caption, self.unit = line.num, None  # its cells are not sub-items
            elif kind == "end":
                self.resolve_pending()
                if self.open is None or self.open.kind != "signoff":
                    self.close()
                    self.open = Draft(label="Sign-off", kind="signoff", section=self.section, part=self.part)
                self.open.add(line, joiner="\n")
            elif kind in ("bullet", "lettered") and self.subitem(line):
                pass
            elif kind in ("bullet", "lettered"):
                self.resolve_pending()
                if self.open is not None:
                    self.open.add(line)
                else:
                    self.block(line, kind="list")
            else:  # prose
                if line.gap and self.open is not None and self.open.parent:
                    self.prose_since_item = True
                if self.pending and (line.starts_lower or (self.open and not self.open.last_ends_sentence and not line.gap)):
                    self._heading_over_text()
                    for p in self.pending:
                        (self.open.add(p) if self.open else self.block(p))
                    self.pending = []
                self.resolve_pending()
                if self.open is not None:
                    self.open.add(line)
                else:
                    self.block(line)
            i += 1
        self._row_cells()
        self.resolve_pending()
        self.close()
        return None

    def numbered(self, i: int, line: Line, prev: Line | None) -> bool:
        """Handle a line that starts with a number; True when it restarts the numbering (new paper)."""
        at_start = prev is None or line.gap or prev.kind != "text" or prev.ends_sentence or self.open is None
        cand = Label.parse(line.num)
        if cand.scheme:
            return self.referenced(line, cand, at_start)
        if self.extends_reference(line, cand, at_start):
            return False
        if at_start and is_restart(cand) and self.last_para is None and not self.pending and self.unit \
                and self.unit == self.unit_label and self.open is not None and self.open.label == self.unit:
            # `A.1 Current licensees ...` / `1.`: a list numbered inside a referenced unit is its list (`A.1(1)`)
            self.inner_parent = self.unit
            self.inner_item(line, cand)
            return False
        if _date_like(line.num) and not self._continued(i, cand):
            self._as_text(line)  # `02.03.11 TRANSPARENCY BOARD`: a date, unless numbers of its shape follow
            return False
        following = self.lines[i + 1].text if i + 1 < self.end else ""
        axis = prev is not None and prev.kind == "numbered" and not prev.rest and line.num.endswith(".0")
        if not line.rest and (not any(ch.isalpha() for ch in following) or following.lstrip()[:1].islower() or axis):
            # `469` over `558`: figures of a chart (`5.0` under `4.0`: its axis); `203` over `water rights ...`: a
            # number inside a sentence
            self._as_text(line)
            return False
        # A dotted number that is exactly the next one (`3.1.b` after `3.1.a`) starts a paragraph even where the
        # line above did not end a sentence: wrapped prose does not start with the next dotted number.
        at_start = at_start or (cand.depth >= 2 and self.last_para is not None and is_successor(self.last_para, cand))
        # Headings and paragraphs may be numbered in two schemes (`1. Purpose` then `1. This report`):
        # the first paragraph number of a paper is free, later ones must follow one of the two.
        # A paper's numbering starts where the paper does: at 1, or (an extract, a supplementary agenda) with its
        # first page; a small number first met further in (`4 Primary Care Networks` on a slide) is a figure.
        fits = self.last_para is None and (is_restart(cand) or line.page == self.lines[self.start].page
                                           or cand.parts[0] >= FIRST_NUMBER_ANYWHERE) \
            or self.last_para is not None and is_successor(self.last_para, cand, 2) \
            or (self.last_head is not None and is_successor(self.last_head, cand, 1))
        if at_start and not fits and cand.depth == 1 and self.restarts_in_scope(line, cand):
            return False
        if at_start and self.inner is not None and cand.depth == 1 and is_successor(self.inner, cand) \
                and not (self.last_para is not None and is_successor(self.last_para, cand)
                         and not self._inner_goes_on(i, cand)):
            self.inner_item(line, cand)
            return False
        if not at_start or not plausible_number(line.num) or not fits:
            if at_start and is_restart(cand) and self.numbered_seen and not (self.pending and self.part):
                return True
            self._as_text(line)
            return False
        if at_start and is_restart(cand) and self.tables_seen and not self.numbered_seen and self.pending and not self.part:
            return True  # a paper that was only a table (an action tracker), then a titled report
            self._as_text(line)
            return False
        rest = line.rest
        if not rest and i + 1 < self.end and self.lines[i + 1].kind in ("text", "short"):
            rest = ""  # number on a line of its own: the text follows on the next lines
        nxt = _next_numbered(self.lines, i, self.end)
        has_children = nxt is not None and children_of(cand, Label.parse(nxt.num))
        # `7 Motion` / `8 Elections` / `8.1 Chair`: in a list of one-line entries, an entry with entries under it
        entries = has_children and _one_line_entries(self.lines, i, nxt, self.end) \
            and prev is not None and prev.kind == "numbered" and is_short(prev.rest)
        child_next = has_children and not entries
        title_like = bool(rest) and is_short(rest) and not rest.endswith(":")
        # A short numbered line with no prose after it is a heading (`1. Purpose`), unless it is one
        # item of a numbered list of short entries (`9.1 Police Reform Act 2011`, `9.2 ...`).
        deeper_next = nxt is not None and Label.parse(nxt.num).depth > cand.depth
        sibling_next = nxt is not None and is_successor(cand, Label.parse(nxt.num)) \
            and Label.parse(nxt.num).depth == cand.depth and _adjacent(self.lines, i, nxt)
        heading = child_next or (title_like and not entries and not _body_follows(self.lines, i, self.end)
                                 and not _last_entry(self.lines, i, self.end)
                                 and (deeper_next or (cand.depth == 1 and not sibling_next)))
        self._row_cells()
        self.resolve_pending()
        self.close()
        self.numbered_seen = True
        if heading:
            self.unit, self.nesting, self.inner = line.num, Nesting(), None
            self.section = self.top = self.heading = f"{line.num}{'.' if line.text.lstrip('-–• *').startswith(line.num + '.') else ''} {rest}".strip()
            self.last_head = cand
            return False
        kind = "titled" if title_like else "numbered"
        label = f"{self.scope} ¶{line.num}" if self.scope else line.num
        self.unit, self.nesting, self.table_caption, self.inner = label, Nesting(), "", None
        self.open = Draft(label=label, kind=kind, section=self.section, part=self.part, row=not line.rest)
        self.open.add(line, text=rest)
        self.last_para = cand
        return False

    def _as_text(self, line: Line) -> None:
        if self.open is not None:
            self.resolve_pending() if not self.pending else None
            self.open.add(line)
        else:
            self.resolve_pending()
            self.block(line)

    def table(self, i: int) -> int:
        """Consecutive tab-separated rows (blank lines between groups allowed) as one table."""
        self.close()
        self.tables_seen = True
        rows: list[Line] = []
        j = i
        while j < self.end:
            line = self.lines[j]
            if line.kind == "table":
                rows.append(line)
            elif rows and line.kind in ("short", "text") and j + 1 < self.end and self.lines[j + 1].kind == "table":
                # a cell that ran over a page break: it belongs to the row above
                last = rows[-1]
                rows[-1] = Line(text=f"{last.text} {line.text}", page=last.page, gap=last.gap, kind="table", index=last.index)
            else:
                break
            j += 1
        label = self.caption
        captions = [c for c in self.caption_lines if c.rest]
        if not label and j < self.end and self.lines[j].kind == "caption" and self.lines[j].num.lower().startswith("table"):
            label = self.lines[j].num
            captions.append(self.lines[j]) if self.lines[j].rest else None
            j += 1
        self.caption_lines = []
        label = label or self.heading or self.part or self.title_label or "Table"
        self.caption = ""
        keyed = self._keyed_rows(rows)
        if keyed:
            title = " ".join(c.text for c in captions) if captions else label
            header = next((r for r in rows if not _ROW_KEY.match(next((c for c in r.text.split("\t") if c.strip()), ""))
                           and r is not keyed[0][1] and rows.index(r) < rows.index(keyed[0][1])), None)
            for key, row in keyed:
                # Each numbered row is a paragraph; the header row says what its columns mean.
                item = Draft(label=key, kind="row", section=title, part=self.part)
                if header is not None:
                    item.add(header, joiner="\n")
                item.add(row, joiner="\n")
                self.items.append(item)
        else:
            item = Draft(label=label, kind="table", section=self.section, part=self.part)
            last = self.items[-1] if self.items else None
            if last is not None and last.kind == "block" and last.label == label and last.part == self.part:
                item = self.items.pop()  # the sentence introducing the table, under the same heading
                item.kind = "table"
            for row in captions + rows:
                item.add(row, joiner="\n")
            self.items.append(item)
        return j

    @staticmethod
    def _keyed_rows(rows: list[Line]) -> list[tuple[str, Line]]:
        """Rows that carry their own unique numbers (agenda items, commitments) are paragraphs."""
        keyed, keys, header = [], set(), None
        for row in rows:
            cells = [c for c in row.text.split("\t") if c.strip()]
            m = next((m for m in map(_ROW_KEY.match, cells[:2]) if m), None)
            if not m:
                if header is None or row.text == header:
                    header = row.text  # a header row, perhaps repeated on a new page
                    continue
                return []
            prefix = " ".join(m.group("prefix").replace(":", " ").split()).title().replace("Ref", "ref") if m.group("prefix") else ""
            key = f"{prefix} {m.group('key').strip()}".strip()
            if key in keys:
                return []
            keys.add(key)
            keyed.append((key, row))
        return keyed if len(keyed) >= 2 else []
