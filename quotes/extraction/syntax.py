"""A thin, read-only view of a Stanza parse that the extraction rules walk.

Words carry article character offsets, children lists and subtree helpers; nothing here knows
about quotations. Built from a live Stanza Document or one rebuilt from cached CoNLL-U.
"""
from __future__ import annotations

from collections.abc import Sequence
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
    quoted: tuple = ()  # (start, end) of the article's quotations overlapping the sentence, set when the view is built

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


def sentences_from_doc(doc, quoted: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """Wrap a Stanza Document's sentences (words with article offsets, children indexed); ``quoted``:
    the (start, end) spans of the article's quotations, which each sentence keeps those of."""
    return [_sentence(i, [(w.id, w.text, w.lemma, w.upos, w.feats, w.head, w.deprel, w.xpos,
                           _offset(w, "start_char"), _offset(w, "end_char")) for w in s.words], quoted)
            for i, s in enumerate(doc.sentences)]


def sentences_from_conllu(conllu: str, quoted: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """The same view read straight from CoNLL-U as ``parse.to_conllu`` writes it (offsets in MISC,
    on the token line of a multi-word token), without building a Stanza Document: re-extraction
    reads every stored parse this way, and need not import Stanza and torch at all. Equal, word
    for word, to ``sentences_from_doc(parse.from_conllu(conllu, text))`` (a test checks)."""
    import conllu as reader  # the CoNLL-U parser of the conllu package, as UD tooling uses it

    def offsets(misc) -> tuple:
        misc = misc or {}
        return tuple(int(misc[k]) if misc.get(k) not in (None, "") else None for k in ("start_char", "end_char"))

    out = []
    for i, tokens in enumerate(reader.parse(conllu)):
        rows, token_span, token_end = [], (None, None), 0
        for t in tokens:
            if isinstance(t["id"], tuple):
                if t["id"][1] == "-":  # a multi-word token: its words take its offsets
                    token_span, token_end = offsets(t["misc"]), t["id"][2]
                continue  # an empty node ("8.1") is no word of the tree
            own = offsets(t["misc"])
            span = own if t["id"] > token_end or own != (None, None) else token_span
            feats = "|".join(f"{k}={v}" for k, v in t["feats"].items()) if t["feats"] else None
            rows.append((t["id"], t["form"], t["lemma"], t["upos"], feats, t["head"], t["deprel"], t["xpos"], *span))
        out.append(_sentence(i, rows, quoted))
    return out


def _sentence(index: int, rows: list[tuple], quoted: Sequence[tuple[int, int]] = ()) -> Sentence:
    sent = Sentence(index, [])
    for wid, text, lemma, upos, feats, head, deprel, xpos, start, end in rows:
        upos = upos or "X"
        if upos == "NOUN" and (lemma or "")[:1].isupper():
            upos = "PROPN"  # the lemmatizer keeps a name's capital where the tagger missed it
        sent.words.append(Word(wid, text, (lemma or text).lower(), upos, feats or "", head or 0, deprel or "dep",
                               start if start is not None else -1, end if end is not None else -1, sent, xpos or ""))
    _fill_missing_offsets(sent.words)
    for w in sent.words:
        sent.children.setdefault(w.head, []).append(w)
    if sent.words:
        sent.quoted = tuple((s, e) for s, e in quoted if s < sent.end and e > sent.start)
    return sent


def _fill_missing_offsets(words: list[Word]) -> None:
    for i, w in enumerate(words):
        if w.start < 0:
            w.start = words[i - 1].end if i else 0
        if w.end < 0:
            w.end = w.start


def span_of(words: list[Word]) -> tuple[int, int]:
    return min(w.start for w in words), max(w.end for w in words)
