"""What the extractive answerer may quote: units of retrieved paragraphs, the facts they carry, what they cover."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from corpus.meta import MONTHS
from corpus.records import Paragraph
from index.results import Hit
from qa.fact_patterns import facts_in, has_name
from qa.question import BODY_WORDS, Concept, QuestionPart
from qa.sentences import Sentence, display, paragraph_sentences
from qa.vocabulary import MONTHS as CALENDAR, STOPWORDS, fold, tokens

# what kind of body a name names: one body's papers call it "Association" where a question says "Board"
_KINDS_OF_BODY = frozenset(fold(w) for w in """association society group trust authority council board committee
    panel partnership forum commission agency institute foundation company corporation club network alliance
    federation union""".split())
# words of a date or time that say when, not what: "Thursday 17th October 2013, 11am"
_WHEN_WORDS = frozenset(fold(w) for w in [*CALENDAR, "am", "pm", "st", "nd", "rd", "th", "hrs"])
# A sentence that leans on the one before: "This represents...", "In 2024/25, these offences...".
# "It was agreed that ..." is the minutes' own formula for a decision: its "it" refers back to nothing
# a decision recorded in a word or two is a statement ("Supported.", "NO OBJECTION", "Agreed.")
_VERDICT = re.compile(r"\b(?:no|not|yes|objections?|objected|supported|agreed|approved|refused|rejected|resolved"
                      r"|carried|deferred|declined|adopted|accepted|passed|noted|complete[d]?|ongoing|new)\b", re.I)
ANAPHOR = re.compile(r"^(?:[^,.;:]{1,25},\s*)?(?:this|these|that|those|it(?!\s+(?:was|is|has been|had been)\s+\w+ed\s+that\b)"
                     r"|they|of these|of which|such|similarly"
                     r"|however|in contrast|by contrast|in comparison|despite this|while this|overall)\b", re.I)
_LIST_MAX = 700
_BULLET_GLYPH = re.compile(r"(?m)^[ \t]*[-–•▪●◦*][ \t]+")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]+")
ROW_JOIN = " — "  # a table's row shown after its header row
@dataclass(frozen=True)
class Unit:
    """What the answer may quote: a sentence of one retrieved paragraph with what it leans on (the
    sentence before an anaphoric "This ...", a list's lead-in "RESOLVED - That:", a table's header
    row), or a whole short list under its lead-in. `before` holds the tokens of the sentence just
    before the unit, where a name it refers back to is often given."""

    rank: int
    spans: tuple[tuple[int, int], ...]
    text: str
    tokens: frozenset[str]
    facts: frozenset[str]
    before: frozenset[str] = frozenset()
    row: bool = False  # a table's row (under its header): another row's names and numbers are not its own

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    @property
    def sentences(self) -> int:
        return min(len(self.spans), 2)

    def overlaps(self, other: "Unit") -> bool:
        if self.row and other.row:  # two rows of one table share only their header row (which overlaps both)
            return self.rank == other.rank and (self.spans[-1] == other.spans[-1] or len(self.spans) == 1
                                                or len(other.spans) == 1)
        return self.rank == other.rank and self.start < other.end and other.start < self.end


@dataclass
class Evidence:
    """The retrieved paragraphs, tokenised once, and the units they offer."""

    hits: list[Hit]
    para_tokens: list[frozenset[str]]
    meta_tokens: list[frozenset[str]]
    sentences: list[list[Sentence]]
    units: list[Unit]
    front_tokens: list[frozenset[str]] = field(default_factory=list)

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset().union(*self.para_tokens, *self.meta_tokens)

    @classmethod
    def of(cls, hits: list[Hit], fronts: Mapping[str, str] | None = None) -> "Evidence":
        """`fronts`: the text of each document's front sheet, by doc id (where its papers are from)."""
        para_tokens, meta_tokens, sentences, units, front_tokens = [], [], [], [], []
        cache: dict[str, frozenset[str]] = {}
        for rank, hit in enumerate(hits):
            p = hit.paragraph
            para_tokens.append(frozenset(tokens(p.text)))
            meta_tokens.append(frozenset(tokens(_metadata(p))))
            sentences.append(paragraph_sentences(p))
            units.extend(_units(rank, p, sentences[-1]))
            if p.doc_id not in cache:
                cache[p.doc_id] = frozenset(tokens((fronts or {}).get(p.doc_id, "")))
            front_tokens.append(cache[p.doc_id])
        # two capitalised words the papers also print in lower case ("Online Approved") name no one
        lower = frozenset(w for h in hits for w in _LOWER_WORD.findall(h.paragraph.text))
        units = [replace(u, facts=u.facts - {"name"}) if "name" in u.facts and not has_name(u.text, lower) else u
                 for u in units]
        return cls(hits, para_tokens, meta_tokens, sentences, units, front_tokens)

    def paragraph(self, rank: int) -> Paragraph:
        return self.hits[rank].paragraph

    def haystack(self, rank: int) -> frozenset[str]:
        return self.para_tokens[rank] | self.meta_tokens[rank]

    def names(self, c: Concept, rank: int) -> bool:
        """Whether paragraph `rank` says `c` (in its text or its paper's title, label or meeting) or is from it."""
        return c.found_in(self.haystack(rank)) or self.where_from(c, rank)

    def where_from(self, c: Concept, rank: int) -> bool:
        """Whether paragraph `rank`'s paper names `c` as where it is from: in its title, body, meeting or date,
        its document's front sheet, or by the last words of its name ("Transparency Board" for the "Public
        Sector Transparency Board"), when those are not words every body uses, or by its name's own words
        with another kind of body ("Falls Creek Ranch Association" for the "Falls Creek Ranch Board")."""
        meta = self.meta_tokens[rank] | (self.front_tokens[rank] if self.front_tokens else frozenset())
        if c.found_in(meta):
            return True
        for alt in c.alternatives:
            tail = alt[-2:]
            if len(alt) > 2 and any(t not in BODY_WORDS for t in tail) and all(t in meta for t in tail) \
                    and not self._other_head(rank, alt):
                return True
            # "Falls Creek Ranch Association" for the "Falls Creek Ranch Board": the kind of body may differ
            own = [t for t in alt if t not in _KINDS_OF_BODY]
            if len(own) >= 2 and len(own) < len(alt) and all(t in meta for t in own):
                return True
        return False

    def _other_head(self, rank: int, alt: tuple[str, ...]) -> bool:
        """Whether paragraph `rank`'s paper names a body with the same last words as `alt` but another word before
        them (`Tintern Community Council` for `Ayton Community Council`): another body of that kind, not this one."""
        p = self.hits[rank].paragraph
        tail = list(alt[-2:])
        for name in (p.body, p.committee, p.meeting):
            words = tokens(name)
            for i in range(1, len(words) - 1):
                if words[i:i + 2] == tail and words[i - 1] not in alt and words[i - 1] not in STOPWORDS:
                    return True
        return False

    def says_something(self, u: Unit) -> bool:
        """Whether `u` states anything beyond where it is from: not a lead-in waiting for its list
        ("As Vice-Chair:"), and not only its paper's own title, body, meeting and date ("Open Data User
        Group 13th meeting 14 May 2013, 14:00-17:00"), which every paragraph of the paper carries."""
        if len(u.spans) == 1 and leads_in(u.text):
            return False
        words = re.findall(r"[A-Za-z]+", u.text)
        if len(words) <= 2 and not re.search(r"\d", u.text) and not _VERDICT.search(u.text):
            return False  # "Vice-Chair", "Old Business": a heading or a label, not a statement
        content = {t for t in u.tokens if t.isalpha() and t not in STOPWORDS and t not in _WHEN_WORDS}
        return bool(content - self.meta_tokens[u.rank])


def file_words(doc: str) -> str:
    """A file's name as words (`transparency-board_2011-03-02_action-log.pdf` -> `transparency board 2011 03 02
    action log`): the name its owner gave it says what it is from."""
    return re.sub(r"[_\-.]+", " ", doc.rsplit("/", 1)[-1].rsplit(".", 1)[0])


def _metadata(p: Paragraph) -> str:
    """Label, paper, body, committee, meeting and date words, the month spelt out ("2026-01-05" -> "5 January 2026"),
    and the words of the file's name: the name its owner gave the file says what it is from as a front sheet does
    ("transparency-board_2011-03-02_action-log.pdf" for a log whose page names no body)."""
    date = p.date
    parts = date.split("-") if date else []
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        date = " ".join([parts[2] if len(parts) > 2 else "", MONTHS[int(parts[1]) - 1], parts[0]])
    section = re.sub(r"^[\s\d.]+", "", p.section)  # "8. An Equal and Fair..." must not offer an "8"
    name = file_words(p.doc)
    # a label the reader made up from the record's first words (an unnumbered entry's heading) is content
    label = p.label if p.printed else ""
    return " ".join([label, p.paper, p.doc_title, section, p.part, p.meeting, p.meeting_short, p.body, p.committee,
                     date, name])


# A sentence's tokens and kinds of fact depend on its text alone, and the same paragraphs come back question after
# question: read once (a few thousand sentences, some megabytes), they cost a dictionary lookup after.
FEATURES_CACHED = 8192


@lru_cache(maxsize=FEATURES_CACHED)
def _features(text: str) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(tokens(text)), facts_in(text)


@lru_cache(maxsize=FEATURES_CACHED)
def _token_set(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def clear_caches() -> None:
    """Forget the sentences read (benchmarks time an answer from a cold start with this)."""
    _features.cache_clear()
    _token_set.cache_clear()


def _unit(rank: int, para: Paragraph, parts: list[Sentence], before: Sentence | None, row: bool,
          text_only: bool = False) -> Unit:
    raw = [para.text[s.start:s.end] for s in parts]
    text = (ROW_JOIN if row else " ").join(display(r) for r in raw)
    if text_only:  # what `semantic_texts` needs, without the costly tokens and facts
        return Unit(rank, tuple((s.start, s.end) for s in parts), text, frozenset(), frozenset())
    said, facts = _features(" ".join(raw))
    prev = _token_set(para.text[before.start:before.end]) if before is not None else frozenset()
    return Unit(rank, tuple((s.start, s.end) for s in parts), text, said, facts, prev, row=parts[-1].row)


def _units(rank: int, para: Paragraph, sentences: list[Sentence], text_only: bool = False) -> list[Unit]:
    out = []
    lead: Sentence | None = None
    header: Sentence | None = None
    items: list[Sentence] = []
    for i, s in enumerate(sentences):
        prev = sentences[i - 1] if i else None
        context: Sentence | None = None
        if s.row:
            header = s if prev is None or not prev.row else header
            context = header if header is not s else None
        elif prev is not None and not prev.row and ANAPHOR.match(display(s.text)):
            context = prev  # "This represents a reduction..." needs its subject
        elif s.item:
            context = lead
        if s.item and leads_in(s.text):
            # an entry that leads in to the entries after it ("RESOLVED – that" over "i. ...", "ii. ...")
            out.extend(_whole_list(rank, para, lead, items, text_only))
            lead, items, context = s, [], None
        elif s.item and lead is not None:
            items.append(s)
        if not s.item and not s.row:
            out.extend(_whole_list(rank, para, lead, items, text_only))
            lead, items = (s if leads_in(s.text) else None), []
        parts = [context, s] if context is not None else [s]
        if (not s.row and context is not None and context is prev and i >= 2 and not sentences[i - 2].row
                and ANAPHOR.match(display(prev.text))):
            parts = [sentences[i - 2], prev, s]  # "Of these, 83.0 percent ... This represents ..."
        before = sentences[i - len(parts)] if i - len(parts) >= 0 else None
        if before is not None and before.row and s.row:
            before = None  # the row above is another record, not what this one leans on
        unit = _unit(rank, para, parts, before, s.row, text_only)
        if re.search(r"[A-Za-z0-9]", unit.text):
            out.append(unit)
    out.extend(_whole_list(rank, para, lead, items, text_only))
    return out


# a sentence cut off before what it introduces: "RESOLVED – that", "The Panel agreed to", "as follows"
_OPEN_END = re.compile(r"(?:[:–—-]|\b(?:that|to|the|of|and|which|namely|as follows|following))\s*$", re.I)


def leads_in(text: str) -> bool:
    """Whether a sentence introduces what follows it (a colon, or a last word no sentence ends with)."""
    return bool(_OPEN_END.search(text.rstrip()))


def _whole_list(rank: int, para: Paragraph, lead: Sentence | None, items: list[Sentence],
                text_only: bool = False) -> list[Unit]:
    """A short list under its lead-in, as one unit: "RESOLVED - That: i. ... ii. ... iii. ..."."""
    if lead is None or len(items) < 2 or items[-1].end - lead.start > _LIST_MAX:
        return []
    unit = _unit(rank, para, [lead, *items], None, False, text_only)
    # shown as printed, each entry with its own number or letter ("i. ... ii. ..."), bullet glyphs left out
    return [replace(unit, text=display(_BULLET_GLYPH.sub("", para.text[lead.start:items[-1].end])))]


def _near(word: str, token: str) -> bool:
    """Two stems of one word that the crude stemmer left apart: `racist`/`racism`, `injur`/`injury`,
    `offend`/`offenc`: a shared start of at least five letters, missing at most one letter of the shorter."""
    if token == word or not token.isalpha() or len(token) < 5:
        return False
    shared = 0
    for a, b in zip(word, token):
        if a != b:
            break
        shared += 1
    return shared >= max(5, min(len(word), len(token)) - 1)


# "Do they get paid?" is answered by "membership is unpaid": a negating prefix, and the shortest word it negates
# (`in` before a short word is mostly no negation: `inform`, `intend`, `income`)
_NEGATED = (("un", 4), ("non", 4), ("in", 6))


def near_part(part: QuestionPart, vocabulary: frozenset[str]) -> QuestionPart:
    """`part` with each one-word alternative also matching its near forms in `vocabulary` (as synonyms), and
    its negation by a prefix (`paid`: `unpaid`), which answers a question about it just as well."""
    out = []
    for c in part.concepts:
        extra = []
        if not c.specific:
            for alt in c.alternatives:
                if len(alt) == 1 and len(alt[0]) >= 5 and alt[0].isalpha() and alt[0] not in vocabulary:
                    extra += [(t,) for t in vocabulary if _near(alt[0], t)]
                if len(alt) == 1 and alt[0].isalpha():
                    extra += [(p + alt[0],) for p, shortest in _NEGATED
                              if len(alt[0]) >= shortest and p + alt[0] in vocabulary]
        if extra:
            c = replace(c, alternatives=c.alternatives + tuple(sorted(set(extra))), literal=c.literal or c.alternatives)
        out.append(c)
    return replace(part, concepts=tuple(out))


def weights(part: QuestionPart, ev: Evidence) -> dict[Concept, float]:
    """How much each concept decides the answer: its idf within the retrieved paragraphs (rare there
    means decisive), a small fixed weight for vague words; scene-setting words do not count.

    A word no paragraph contains weighs as much as the most decisive word that is found (at least
    1): enough to refuse when the question's subject is missing, not so much that one unmatched
    verb ("completed", "met") outweighs every word that does match.
    """
    n = len(ev.hits)
    dfs = {c: sum(c.found_in(ev.haystack(r)) for r in range(n)) for c in part.concepts if not c.context}
    out = {c: 0.15 if c.generic else max(math.log((n + 1) / (df + 0.5)), 0.2)
           for c, df in dfs.items() if df and not c.generic}
    absent = max([1.0, *out.values()])
    for c, df in dfs.items():
        if c.generic:
            out[c] = 0.15
        elif not df and not c.optional:
            out[c] = absent
        if c in out and c.numeric:
            out[c] *= 0.5  # a year or a reference qualifies the topic; it must be found, but is not the topic
    return out


def match(c: Concept, u: Unit, ev: Evidence) -> float:
    """How well unit `u` states concept `c`: 1 in its own words, 0.9 through a synonym; a name or
    year given just before it or in its paper's title counts almost fully, anywhere else in the
    paragraph only in part; any other word counts in part where the paper's title or the paragraph
    gives it."""
    strength = c.strength(u.tokens)
    if strength:
        return strength
    if c.specific or c.dated:
        if c.found_in(u.before):
            return 1.0
        if c.found_in(ev.meta_tokens[u.rank]):
            return 0.9
        if c.found_in(ev.para_tokens[u.rank]) and not u.row:
            return 0.8 if c.numeric or c.dated else 0.5
        return 0.0
    if c.found_in(ev.meta_tokens[u.rank]):
        return 0.6  # the paper's title or section names it: "the agenda", "the work programme"
    return 0.4 if c.found_in(ev.para_tokens[u.rank]) else 0.0


def coverage(units: list[Unit], weighted: dict[Concept, float], ev: Evidence) -> float:
    """Weighted share of the question's concepts that `units` state (each concept at its best)."""
    total = sum(weighted.values())
    if not units or total <= 0:
        return 0.0
    got = sum(w * max(match(c, u, ev) for u in units) for c, w in weighted.items())
    return got / total


def dense_norm(value: float) -> float:
    """all-MiniLM cosine to [0, 1]: about 0.25 is unrelated text, 0.65 and above a close match."""
    return min(1.0, max(0.0, (value - 0.25) / 0.4))


SEMANTIC_PARAGRAPHS = 3  # units of the first paragraphs are embedded if need be (~3-5 ms each on 2 shared cores)
SEMANTIC_UNITS = 6  # per paragraph (at most 19 texts a question): a long table's later rows rarely answer
SEMANTIC_CHARS = 240


def semantic_texts(p: Paragraph) -> list[str]:
    """What `similarities` embeds for a paragraph: the index embeds these at ingest and stores them."""
    units = _units(0, p, paragraph_sentences(p), text_only=True)
    return [u.text[:SEMANTIC_CHARS] for u in units[:SEMANTIC_UNITS]]


# paragraphs of every shape the answerer splits (prose, an anaphor, a list under its lead-in, a table, a long run)
_PROBES = (
    ("3.7", "In 2024/25, there were 31 homicides recorded, a reduction of 14 (e.g. fewer stabbings). This "
            "represents a fall of 31.1 percent. Cllr. J. Smith asked why; No. 5 was noted."),
    ("921", "RESOLVED - That:\ni. the report be noted;\nii. the Chair writes to the PCC.\n- a bullet item\n(a) lettered"),
    ("Table 1", "Module\tBaseline\tCurrent\nEthics Module 1\t96.0%\t98.0%\nEthics Module 7\t49.0%\t66.0%"),
    ("Notes", "Heading\nA line broken mid\nsentence goes on. " + "A long run of cells 12 34 56 " * 12),
)


@lru_cache(maxsize=1)
def sentence_format() -> str:
    """A fingerprint of how `semantic_texts` reads paragraphs: recorded with the index's stored sentence vectors,
    so that an index written by a version that split sentences differently has them stored again at the next
    ingest (`index.update`), instead of answering from vectors of sentences the answerer no longer forms."""
    from corpus.records import Paragraph as Record

    digest = hashlib.sha256(f"{SEMANTIC_UNITS}:{SEMANTIC_CHARS}".encode())
    for label, text in _PROBES:
        record = Record(doc_id="probe@0", doc="probe.txt", doc_title="Probe", paper="Probe", label=label, text=text)
        for t in semantic_texts(record):
            digest.update(t.encode() + b"\0")
    return digest.hexdigest()[:16]


def similarities(queries: list[str], ev: Evidence, embed) -> list[dict[Unit, float]]:
    """Cosine of each of `queries` with each unit of the first paragraphs, in one call to `embed`
    (a sentence-transformers `encode`: texts -> (n, d) array), and with the units of later paragraphs whose
    vectors are stored, where `embed.stored(texts)` says which are. Units not embedded are absent."""
    import numpy as np

    chosen: list[Unit] = []
    later: list[Unit] = []
    per_rank: dict[int, int] = {}
    for u in ev.units:
        if per_rank.get(u.rank, 0) < SEMANTIC_UNITS:
            per_rank[u.rank] = per_rank.get(u.rank, 0) + 1
            (chosen if u.rank < SEMANTIC_PARAGRAPHS else later).append(u)
    stored = getattr(embed, "stored", None)
    if later and stored is not None:
        # the later paragraphs' sentences the index stored at ingest cost a lookup, not a model run
        found = stored([u.text[:SEMANTIC_CHARS] for u in later])
        chosen += [u for u, ok in zip(later, found) if ok]
    if not chosen or not queries:
        return [{} for _ in queries]
    vectors = np.asarray(embed([*queries, *(u.text[:SEMANTIC_CHARS] for u in chosen)]), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    sims = vectors[: len(queries)] @ vectors[len(queries):].T
    return [{u: float(row[i]) for i, u in enumerate(chosen)} for row in sims]


def best_quote(rank: int, ev: Evidence, part: QuestionPart) -> str:
    """The sentence of paragraph `rank` closest to `part` (what a see-also citation quotes)."""
    units = [u for u in ev.units if u.rank == rank and len(u.spans) == 1]
    if not units:
        return ""
    w = weights(part, ev)
    best = max(units, key=lambda u: (coverage([u], w, ev), -u.start))
    return ev.paragraph(rank).text[best.start:best.end]
