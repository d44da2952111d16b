"""The officer's draft reply to a public question: courteous prose built from a cited answer, papers listed."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from qa.contract import REFUSAL, Answer
from qa.question import analyse

_LABELLED = re.compile(r"^(?P<label>[^:\n\[\]\d]{1,80}): (?P<text>.+)$")


@dataclass(frozen=True)
class Reply:
    """A draft reply in parts, so text, Markdown and Word renderings say the same thing."""

    greeting: str
    asked: str
    body: tuple[str, ...]
    closing: tuple[str, ...]
    cited_heading: str
    cited: tuple[str, ...]
    quotes: tuple[str, ...]
    signature: tuple[str, ...]


def _topic(question: str) -> str:
    """What the question is about, from the names the reader recognises ("homicides and knife crime"):
    the board-paper topics its words map to, and the names it mentions (none with digits, so the letter
    states no number the papers cited do not); `` when it names neither."""
    names = []
    for part in analyse(question).parts:
        for c in part.concepts:
            if (c.literal or c.specific) and not c.numeric and not re.search(r"\d", c.name):
                names.append(c.name if c.specific or c.name[:2].isupper() else c.name[:1].lower() + c.name[1:])
    names = list(dict.fromkeys(names))[:3]
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _prose(answer: Answer) -> list[str]:
    """The answer's lines as paragraphs of a letter, each keeping its `[n]` references verbatim."""
    out = []
    for line in answer.answer.splitlines():
        line = line.strip()
        if not line:
            continue
        m = _LABELLED.match(line)
        if m and len(answer.answer.splitlines()) > 1:
            label = m.group("label").strip()
            label = label if label[:2].isupper() else label[:1].lower() + label[1:]
            out.append(f"On {label}: {m.group('text')}")
        else:
            out.append(line)
    return out


def _missing(answer: Answer) -> str:
    text = answer.answer.strip()
    return text[len(REFUSAL):].strip() if text.startswith(REFUSAL) else ""


def reply_parts(question: str, answer: Answer, *, body_name: str = "the Panel") -> Reply:
    """The parts of the officer's reply to `question` built from `answer` (see `draft_reply`)."""
    topic = _topic(question)
    greeting = f"Thank you for your question about {topic}." if topic else "Thank you for your question."
    asked = f"You asked: “{question.strip()}”"
    signature = ("Yours sincerely,", "[Name]", f"[Job title], on behalf of {body_name}")
    if answer.abstained:
        body = [f"I have looked carefully at the papers published for {body_name}, and I am sorry to say "
                "that they do not answer this question."]
        if _missing(answer):
            body[0] += " " + _missing(answer)
        body.append(f"The scrutiny officer for {body_name} may be able to help further. You could also contact "
                    "the Office of the Police and Crime Commissioner, or make a request to the relevant "
                    "organisation's Freedom of Information (FOI) team.")
        see = [c for c in answer.citations if c.role == "see_also"]
        return Reply(greeting, asked, tuple(body), ("I hope this is helpful.",),
                     "You may find these papers relevant:" if see else "",
                     tuple(c.reference for c in see), tuple(c.quote for c in see), signature)
    body = [f"I have looked at the papers published for {body_name}. According to those papers:"] + _prose(answer)
    closing = ("Each statement above is followed by a reference number; the papers it comes from are "
               "listed below, so that you can read them in full.", "I hope this is helpful.")
    cited = tuple(f"[{c.n}] {c.reference}" for c in answer.support)
    return Reply(greeting, asked, tuple(body), closing, "Papers cited:" if cited else "", cited,
                 tuple(c.quote for c in answer.support), signature)


def draft_reply(question: str, answer: Answer, *, body_name: str = "the Panel") -> str:
    """A draft reply, in plain courteous British English, to a member of the public who asked `question`.

    Every number and `[n]` reference of `answer` is kept verbatim; the papers cited follow under
    "Papers cited:". An abstention becomes a polite "the published papers do not answer this",
    with who might help and the see-also papers "you may find relevant".

    Args:
        question: the question as the member of the public asked it.
        answer: the checked answer (`qa.contract.Answer`) to build the reply from.
        body_name: who the officer writes for, e.g. "the West Midlands Police and Crime Panel".
    """
    r = reply_parts(question, answer, body_name=body_name)
    blocks = ["Dear [name],", r.greeting, r.asked, *r.body, *r.closing]
    if r.cited:
        bullet = "" if not answer.abstained else "- "
        blocks.append(r.cited_heading + "\n" + "\n".join(bullet + c for c in r.cited))
    blocks.append("\n".join(r.signature))
    return "\n\n".join(blocks) + "\n"


def reply_markdown(question: str, answer: Answer, *, body_name: str = "the Panel") -> str:
    """The draft reply as Markdown, each cited paper followed by the words quoted from it."""
    r = reply_parts(question, answer, body_name=body_name)
    blocks = ["Dear [name],", r.greeting, f"*{r.asked}*", *r.body, *r.closing]
    if r.cited:
        items = []
        for ref, quote in zip(r.cited, r.quotes):
            item = f"- {ref}"
            if quote:
                item += "\n\n  > " + re.sub(r"\s+", " ", quote).strip()
            items.append(item)
        blocks.append(f"**{r.cited_heading}**\n\n" + "\n".join(items))
    blocks.append("  \n".join(r.signature))
    return "\n\n".join(blocks) + "\n"


def reply_docx_bytes(question: str, answer: Answer, *, body_name: str = "the Panel") -> bytes:
    """The draft reply as a Word document (.docx bytes), for the officer to edit and send."""
    from docx import Document  # python-docx: only needed for this download

    r = reply_parts(question, answer, body_name=body_name)
    doc = Document()
    doc.core_properties.title = "Draft reply"
    doc.add_heading("Draft reply", level=1)
    for text in ["Dear [name],", r.greeting]:
        doc.add_paragraph(text)
    doc.add_paragraph().add_run(r.asked).italic = True
    for text in [*r.body, *r.closing]:
        doc.add_paragraph(text)
    if r.cited:
        doc.add_paragraph().add_run(r.cited_heading).bold = True
        for ref, quote in zip(r.cited, r.quotes):
            doc.add_paragraph(ref, style="List Bullet")
            if quote:
                doc.add_paragraph(re.sub(r"\s+", " ", quote).strip(), style="Quote")
    for text in r.signature:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
