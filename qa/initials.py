"""People named by their initials or their office: an action's owner `NO` is the `Nick Oakhill (NO)` the same paper
names, and "the Commissioning Lead" who prepared a presentation is the `Emma Joyeux – Commissioning Lead, Primary
Care` its title slide names.

Minutes and action logs give owners as initials ("Bushcraft Group - NO to invite Tom and Kev ... NO",
"HS/BB"), defined once, often far away, where the person is first named ("Apologies had been received from
Nick Oakhill (NO) and Rob Large(RL)"). A question asking who wants the name: the answer quotes the row and
the sentence that defines its initials, both cited, so the reader can check each.
"""

from __future__ import annotations

import re

from index.results import Hit
from qa.evidence import Evidence, Unit
from qa.fact_patterns import has_name as _has_name

__all__ = ["INITIALS_HITS", "NamedInitials", "asked_offices", "definition_unit", "definitions", "holder_unit", "named",
           "offices", "undefined_initials", "unnamed"]

INITIALS_HITS = 3  # the first results whose initials are looked up in their document

_INITIALS = re.compile(r"(?<![A-Za-z0-9'’])([A-Z]{2,3})(?![A-Za-z0-9'’])")
# "Nick Oakhill (NO)", "Rob Large(RL)", "Sandra Cartwright (SC)": a name, then its initials in brackets
_DEFINED = re.compile(r"\b((?:[A-Z][a-z'’-]+|[A-Z]\.?)(?:[ \t]+(?:[A-Z][a-z'’-]+|[A-Z]\.)){1,3})\s*\(([A-Z]{2,3})\)")


# "Emma Joyeux – Commissioning Lead, Primary Care", "Jonathan Jardine – Chief Executive, Office of ...": a name, a
# dash, then the office the person holds
_NAME_DASH_ROLE = re.compile(r"\b([A-Z][a-z'’-]+(?: [A-Z]\.?)? [A-Z][a-z'’-]+)(?:,(?: [A-Z]{2,5},?)+)?"  # "Cllr X Y, LLB"
                             r"(?:\s+[–-]\s+([^\n]{3,120})"
                             r"|\s*\(([^()\n]{3,120})\))")  # or "Emma Joyeux (NENC ICB: Commissioning Lead)"
# an office: a capitalised phrase ending in an office's noun ("Chief Executive", "Link Officer", "Commissioning Lead")
_OFFICE = re.compile(r"\b(?:[A-Z][a-z]+ ){1,2}(?:Executive|Director|Officer|Lead|Manager|Commissioner|Secretary|Treasurer"
                     r"|Clerk|Chair|Headteacher|Adviser|Advisor|Co-?ordinator|Controller|Inspector|Superintendent)\b")


# the office of a meeting's own officers, printed alone after a dash or in brackets ("(Walsall Council – Chair)")
_MEETING_OFFICE = re.compile(r"(?:^|[–(,:-]\s*)((?:Vice[- ])?Chair(?:man|person)?|Treasurer|Secretary|Clerk)\b")
# "Who is the Chair?", "Who chaired the meeting?": the office a question asks the holder of
_ASKED_OFFICE = re.compile(r"\b(vice[- ]chair|chair|treasurer|secretary|clerk)(?:ed|man|person|s)?\b", re.I)


def offices(text: str) -> list[str]:
    """The offices `text` names, lower case (`chief executive`, `link officer`, `chair`)."""
    found = [m.group(0).lower() for m in _OFFICE.finditer(text)]
    found += [m.group(1).lower().replace("-", " ") for m in _MEETING_OFFICE.finditer(text)]
    return list(dict.fromkeys(found))


# "Who attended the meeting as Chief Executive of ...?": any office the question says someone was there as
_AS_OFFICE = re.compile(r"^\s*(?i:who)\b.*?\bas\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")


def asked_offices(question: str) -> list[str]:
    """The meeting offices a question names (`chaired` asks for the chair), and any office a "who" question says
    someone acted as (`as Chief Executive`)."""
    asked = [m.group(1).lower().replace("-", " ") for m in _ASKED_OFFICE.finditer(question)]
    m = _AS_OFFICE.search(question)
    return list(dict.fromkeys(asked + (offices(m.group(1)) if m else [])))


# "for the post of Chair of the Association, Mark Littlewood was duly elected": an election to an office
_NAME = r"((?:[A-Z][a-z'’-]+ ){1,3}[A-Z][a-z'’-]+)"
_ELECTED = r"(?:was|has been|is|were) (?:duly |unanimously |formally |re-?)*(?:elected|appointed|co-?opted)"
_OFFICE_WORDS = r"((?:Vice[- ])?[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2})"
_ELECTED_FOR = re.compile(r"\bfor the (?:post|office|position|role) of (?:the )?" + _OFFICE_WORDS
                          + r"(?: of [^,;]{1,60})?,\s*" + _NAME + r" " + _ELECTED)
# "Mark Littlewood was elected Chair", "Jo Bloggs was appointed as the Treasurer"
_ELECTED_AS = re.compile(_NAME + r" " + _ELECTED + r"(?: as)? (?:the )?" + _OFFICE_WORDS)
# "Chair: Dr Kieron O'Hara", "Clerk: Mrs J Smith": a front sheet's field, the office then its holder, ending a line
_ROLE_FIELD = re.compile(r"(?m)(?:^|(?<=\s))((?:Vice[- ])?Chair(?:man|person|woman)?|Treasurer|Secretary|Clerk)[ \t]*:[ \t]*"
                         r"((?:(?:Cllr|Councillor|Dr|Prof(?:essor)?|Mr|Mrs|Ms|Miss|Sir|Dame|Rev(?:d)?)\.?[ \t]+)*"
                         r"(?:[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)+|[A-Z][a-z]+|[A-Z]\.?)"
                         r"(?:[ \t]+(?:[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)+|[A-Z][a-z]+|[A-Z]\.?)){1,3})[ \t]*$")


def _holders(text: str) -> dict[str, str]:
    """Office -> the person `text` names as holding it ("Emma Joyeux – Commissioning Lead, Primary Care", "for the
    post of Chair ..., Mark Littlewood was duly elected", "Chair: Dr Kieron O'Hara")."""
    out: dict[str, str] = {}
    for m in _NAME_DASH_ROLE.finditer(text):
        if _has_name(m.group(1)):
            for office in offices(m.group(2) or m.group(3)):
                out.setdefault(office, m.group(1))
    for m in _ELECTED_FOR.finditer(text):
        for office in offices(m.group(1)):
            out.setdefault(office, m.group(2))
    for m in _ELECTED_AS.finditer(text):
        for office in offices(m.group(2)):
            out.setdefault(office, m.group(1))
    for m in _ROLE_FIELD.finditer(text):
        out.setdefault(m.group(1).lower().replace("-", " ").replace("chairman", "chair").replace("chairperson", "chair")
                       .replace("chairwoman", "chair"), m.group(2))
    return out


def _fits(name: str, initials: str) -> bool:
    """Whether `initials` are the name's: every word's first letter, or the first and last names'."""
    letters = [w[0] for w in re.findall(r"[A-Z][a-z'’-]*\.?", name)]
    return initials in ("".join(letters), letters[0] + letters[-1]) if letters else False


def definitions(text: str) -> dict[str, str]:
    """Initials -> the person's name, for each person `text` names with their initials in brackets."""
    out: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        name, initials = m.group(1), m.group(2)
        words = name.split()
        for k in range(len(words) - 1):  # "from Nick Oakhill (NO)": the name is the words the initials fit
            candidate = " ".join(words[k:])
            if _fits(candidate, initials) and _has_name(candidate):
                out.setdefault(initials, candidate)
                break
    return out


def undefined_initials(text: str) -> list[str]:
    """Initials standing alone in `text` (`NO`, `HS/BB`) that it does not define itself."""
    defined = definitions(text)
    return list(dict.fromkeys(m.group(1) for m in _INITIALS.finditer(text) if m.group(1) not in defined))


def named(text: str) -> dict[str, str]:
    """Initials and offices -> the person `text` names for them."""
    return {**_holders(text), **definitions(text)}


def unnamed(text: str) -> list[str]:
    """Initials standing alone in `text`, and the offices it names without their holder's name beside them."""
    return undefined_initials(text) + [o for o in offices(text) if o not in _holders(text)]


def definition_unit(ev: Evidence, chosen: list[Unit]) -> Unit | None:
    """The sentence of the evidence that names the person the chosen units give only by initials or office."""
    said = " ".join(u.text for u in chosen)
    for key in unnamed(said):
        for u in ev.units:
            if key in named(u.text) and not any(u.overlaps(c) for c in chosen):
                return u
    return None


def holder_unit(question: str, ev: Evidence) -> Unit | None:
    """For a question asking who holds a meeting's office ("Who chaired the meeting?"), the first unit naming the
    holder of that office ("Cllr Suky Samra, LLB (Walsall Metropolitan Borough Council – Chair)")."""
    asked = asked_offices(question)
    if not asked:
        return None
    def entry(u: Unit) -> str:  # the line itself, without a lead-in it is quoted under ("ALSO PRESENT: -")
        a, b = u.spans[-1]
        return ev.paragraph(u.rank).text[a:b]

    return next((u for u in sorted(ev.units, key=lambda u: (u.rank, u.start)) if len(u.spans) <= 2
                 and any(o in named(entry(u)) for o in asked)), None)


class NamedInitials:
    """Who initials stand for in each document of an index: initials -> the position of the first paragraph naming
    them, read once per document (the last 64 documents asked about are kept)."""

    def __init__(self, index) -> None:
        self.index = index
        self._docs: dict[str, dict[str, int]] = {}

    def with_definitions(self, question: str, hits: list[Hit]) -> list[Hit]:
        """For a question asking who, `hits` plus the paragraphs naming the people the first hits give only by
        initials (`NO` -> "Nick Oakhill (NO)"), from the same document."""
        from qa.fact_kinds import fact_types

        if "person" not in fact_types(question) or not hits:
            return hits
        known = {i for h in hits for i in named(h.paragraph.text)}
        taken = {h.paragraph.key for h in hits}
        extra: list[Hit] = []
        for h in hits[:INITIALS_HITS]:
            names = self.of(h.paragraph.doc_id)
            # initials and offices the paragraph leaves unnamed, and the office the question asks the holder of
            for initials in unnamed(h.paragraph.text) + asked_offices(question):
                pos = names.get(initials)
                if initials in known or pos is None or self.index.paragraphs[pos].key in taken:
                    continue
                p = self.index.paragraphs[pos]
                extra.append(Hit(p, min(x.score for x in hits) / 2, 0.0, 0.0))
                known.update(named(p.text))
                taken.add(p.key)
        return hits + extra

    def of(self, doc_id: str) -> dict[str, int]:
        """Initials -> the position of the first paragraph of document `doc_id` naming whose they are."""
        if doc_id not in self._docs:
            found: dict[str, int] = {}
            for pos in self.index.positions_where(doc=doc_id):
                for key in named(self.index.paragraphs[int(pos)].text):
                    found.setdefault(key, int(pos))
            while len(self._docs) >= 64:
                self._docs.pop(next(iter(self._docs)))
            self._docs[doc_id] = found
        return self._docs[doc_id]
