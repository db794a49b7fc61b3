"""A thin, read-only view of a Stanza parse that the extraction rules walk.

Words carry article character offsets, children lists and subtree helpers; nothing here knows
about quotations. Built from a live Stanza Document or one rebuilt from cached CoNLL-U.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Word:
    id: int
    text: str
    lemma: str
    upos: str
    feats: str
    head: int
    deprel: str
    start: int
    end: int
    sent: "Sentence" = field(repr=False, default=None)
    xpos: str = ""

    @property
    def lower_text(self) -> str:
        return self.text.lower()

    @property
    def children(self) -> list["Word"]:
        return self.sent.children.get(self.id, [])

    @property
    def parent(self) -> "Word | None":
        return self.sent.words[self.head - 1] if self.head else None

    @property
    def rel(self) -> str:
        """The universal relation without its subtype (nsubj:pass -> nsubj)."""
        return self.deprel.split(":")[0]

    def kids(self, *rels: str) -> list["Word"]:
        """Children whose full or universal relation is one of ``rels``."""
        return [c for c in self.children if c.deprel in rels or c.rel in rels]

    def subtree(self, *, skip=()) -> list["Word"]:
        """This word and its descendants in word order, leaving out the subtrees of ``skip`` words."""
        out, stack = [], [self]
        skip_ids = {id(w) for w in skip}
        while stack:
            w = stack.pop()
            if id(w) in skip_ids:
                continue
            out.append(w)
            stack.extend(w.children)
        return sorted(out, key=lambda w: w.id)

    def ancestors(self):
        w = self.parent
        while w is not None:
            yield w
            w = w.parent


@dataclass(eq=False)
class Sentence:
    index: int
    words: list[Word]
    children: dict = field(default_factory=dict)
    quoted: list = field(default_factory=list)  # (start, end) of quotations overlapping the sentence

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end

    @property
    def root(self) -> Word:
        return next(w for w in self.words if w.head == 0)


def _offset(word, attr):
    value = getattr(word, attr, None)
    if value is None and getattr(word, "parent", None) is not None:
        value = getattr(word.parent, attr, None)
    return value


def sentences_from_doc(doc) -> list[Sentence]:
    """Wrap a Stanza Document's sentences (words with article offsets, children indexed)."""
    out = []
    for i, s in enumerate(doc.sentences):
        sent = Sentence(i, [])
        for w in s.words:
            start, end = _offset(w, "start_char"), _offset(w, "end_char")
            upos = w.upos or "X"
            if upos == "NOUN" and (w.lemma or "")[:1].isupper():
                upos = "PROPN"  # the lemmatizer keeps a name's capital where the tagger missed it
            word = Word(w.id, w.text, (w.lemma or w.text).lower(), upos, w.feats or "",
                        w.head or 0, w.deprel or "dep", start if start is not None else -1,
                        end if end is not None else -1, sent, w.xpos or "")
            sent.words.append(word)
        _fill_missing_offsets(sent.words)
        for w in sent.words:
            sent.children.setdefault(w.head, []).append(w)
        out.append(sent)
    return out


def _fill_missing_offsets(words: list[Word]) -> None:
    for i, w in enumerate(words):
        if w.start < 0:
            w.start = words[i - 1].end if i else 0
        if w.end < 0:
            w.end = w.start


def span_of(words: list[Word]) -> tuple[int, int]:
    return min(w.start for w in words), max(w.end for w in words)
