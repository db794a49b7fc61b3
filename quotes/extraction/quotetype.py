"""Stage 3b: the type of each statement, from the quotation marks around its content.

Content inside quotation marks is direct, content holding a quoted fragment is mixed, the rest is
indirect. A quotation that resumes right after its cue ("“A,” Mr. Biden said. “B.”") is one
statement with two pieces. Quoted spans no attribution claims are returned for ``attribute.py``.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .quotemarks import QuoteSpan
from .records import Attribution

MAX_UNQUOTED_LETTERS = 2


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def classify(atts: list[Attribution], spans: list[QuoteSpan], text: str) -> tuple[list[Attribution], list[QuoteSpan]]:
    """Each attribution typed by the quotation marks (new records, in the same order), and the quoted
    spans no cue claims.

    Innermost attributions claim the quoted spans they overlap first. Content that is all quoted
    (but for a stray letter or two the parser put outside the marks) is direct and becomes exactly the quoted pieces (a quotation may run over several
    sentences, or be split by its cue: "“A,” he said, “B.”"); content holding a quoted fragment is mixed.
    """
    typed = list(atts)
    claimed: set[int] = set()
    for i in sorted(range(len(typed)), key=lambda i: typed[i].end - typed[i].start):
        att = typed[i]
        qs = [
            (k, q) for k, q in enumerate(spans)
            if k not in claimed and _overlap(att.start, att.end, q.start, q.end) > 0
            and not (att.cue is not None and q.start <= att.cue.start < q.end)
        ]
        if not qs:
            continue
        claimed.update(k for k, _ in qs)
        quoted = sum(_letters(text[max(att.start, q.start) : min(att.end, q.end)]) for _, q in qs)
        if quoted >= _letters(text[att.start : att.end]) - MAX_UNQUOTED_LETTERS:
            typed[i] = replace(att, type="direct", pieces=tuple((q.start, q.end) for _, q in qs),
                               start=qs[0][1].start, end=qs[-1][1].end)
        else:
            typed[i] = replace(att, type="mixed")
    _join_split_quotes(typed, spans, claimed, text)
    return typed, [q for k, q in enumerate(spans) if k not in claimed]


MAX_SPLIT_GAP_WORDS = 6


def _join_split_quotes(typed: list[Attribution], spans: list[QuoteSpan], claimed: set[int], text: str) -> None:
    """“A,” Mr. Biden said. “B.”: the quotation resumes right after its cue, so B is part of the same
    statement (one occurrence with two pieces), unless B has a cue of its own (“B,” she added).
    Replaces the records of ``typed`` that take a resumed piece, and claims the piece."""
    for i in sorted(range(len(typed)), key=lambda i: typed[i].start):
        att = typed[i]
        if att.type != "direct" or att.cue is None or att.cue.start < att.end:
            continue
        nxt = next((k for k, q in enumerate(spans) if q.start > att.cue.end), None)
        if nxt is None or nxt in claimed:
            continue
        q = spans[nxt]
        gap = text[att.cue.end : q.start]
        sent_end = att.cue.sent.end
        # the cue's sentence ends and the next one opens with the quotation (“A,” said X, an economist at Y. “B.”)
        opens_next = sent_end <= q.start and not re.search(r"\w", text[sent_end : q.start])
        if "\n" in gap or (len(re.findall(r"\w+", gap)) > MAX_SPLIT_GAP_WORDS and not opens_next):
            continue
        after = text[q.end : q.end + 3].lstrip("”\"'’» ")
        if text[q.start : q.end].rstrip().endswith(",") or after.startswith((",", "—", "–")):
            continue  # “B,” she added: its own cue follows
        claimed.add(nxt)
        typed[i] = replace(att, pieces=(*att.pieces, (q.start, q.end)), end=q.end)
