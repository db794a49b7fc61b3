#!/usr/bin/env python3
"""Read GUM's entity, coreference and attribution annotation (issue 29): mention-ranking training data.

GUM (UD_English-GUM, ../shared/data/ud, never copied into this repository) carries in CoNLL-U MISC:

- ``Entity=``: CoNLL-2012 style brackets, one per mention, fields declared per document in
  ``# global.Entity = GRP-etype-infstat-salience-centering-minspan-link-identity``.
  ``(12-person-giv:act-sssss-cf1*-1-ana)`` opens and closes a one-word mention of entity 12;
  ``(8-place-new-nnnnn-cf3-1,2-sgl`` opens a longer one that ``8)`` closes on its last word. A closer ends the latest open mention of its
  entity (mentions nest, several per word). ``minspan`` numbers the mention's head words from 1; ``link``
  is the mention's link to its antecedent (coref, ana, appos, cata, pred, disc; sgl = singleton).
  CorefUD's discontinuous parts, ``(5[1/2]-...`` ... ``5[1/2])`` then ``(5[2/2]`` ... ``5[2/2])``, are
  read as one mention with ``parts``; the GUM release here has none.
- ``Discourse=``: RST dependencies, on the first word of each discourse unit (EDU):
  ``relation:unit->parent:depth:signals`` (``;`` adds secondary edges ``relation:unit->parent:d1:d2:sig``).
  ``attribution-positive`` / ``attribution-negative`` join the unit stating a source ("KCNA said") to the
  reported content; signals ``sem-atsrc-<words>`` mark the source words and ``lex-indwd`` / ``lex-indph``
  the cue, numbered from 1 over the document's words. The content is the target unit plus the units
  attached below it (depth lower than the attribution's), as in RST.
- ``XML=<q>`` ... ``</q>`` and ``<quote>`` (also ``# newpar_block = quote (N s)``): quotation markup;
  ``# speaker`` / ``# addressee``: the turn holder of each sentence in interviews and conversations.

Output, one JSON object a line per document (``/tmp/gum-coref/{train,dev}.jsonl``):

- ``doc_id``, ``genre`` (from the id: GUM_news_korea -> news), ``split``, ``text`` (SpaceAfter=No
  honoured, ``\\n\\n`` before each ``# newpar``; each sentence's slice equals its ``# text``);
- ``sentences``: ``sent_id``, ``newpar``, ``speaker``, ``addressee``, ``tokens`` (id, form, lemma, upos,
  xpos, feats, head, deprel, and start/end character offsets into ``text``; the words of a multi-word
  token get their own offsets, empty nodes are left out);
- ``mentions``, in document order (start, longer first): ``id`` (= index), ``entity``, ``etype``,
  ``infstat``, ``link``, ``identity``, ``salience``, ``centering``, ``sent``, ``start``, ``end`` (token
  indices into that sentence's ``tokens``, end exclusive), ``char_start``, ``char_end``, ``text``,
  ``minspan`` and ``head`` (token indices; ``head`` is the word whose syntactic head lies outside the
  mention), ``kind`` (pronoun / proper / definite / other, from the head and its determiners);
  ``parts`` for a discontinuous mention;
- ``chains``: entity -> its mention ids in order, singletons included;
- ``instances``, one per anaphor (a mention after the first of its chain): ``anaphor``, ``candidates``
  (the earlier mentions within ``--max-sentences`` sentences, at most ``--max-mentions``, nearest last;
  mentions containing the anaphor are kept, the trainer may drop them) and ``gold`` (those of its entity);
- ``attributions``: ``relation``, ``unit`` / ``target`` (discourse units), ``source`` (spans, as for
  ``parts``), ``source_mention`` / ``source_entity`` / ``source_match`` (exact, part, overlap, unmatched),
  ``cue``, ``content`` (spans of the attributed units), ``unit_text``, ``source_text``, ``cue_text``,
  ``content_text`` (`` ... `` where words are left out);
- ``quotes``: ``kind`` (q, quote, quote-block), ``char_start``, ``char_end``, ``text``.

Run (reading and writing both splits takes about 10 s)::

    python training/gum_coref.py                        # writes /tmp/gum-coref/{train,dev}.jsonl, prints statistics
    python training/gum_coref.py --show GUM_news_korea  # a document's mentions next to its Entity column
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote

GUM_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ud" / "UD_English-GUM"
OUT_DIR = Path("/tmp/gum-coref")
SPLITS = ("train", "dev")
ENTITY_FIELDS = "GRP-etype-infstat-salience-centering-minspan-link-identity"  # unless # global.Entity says otherwise
BRACKET = re.compile(r"\((?P<open>[^()]+)(?P<close>\))?|(?P<closer>[^()]+)\)")
PART = re.compile(r"^(?P<eid>[^\[\]]+)(?:\[(?P<part>\d+)/(?P<total>\d+)\])?$")
XML_TAG = re.compile(r"<(?P<close>/?)(?P<tag>\w+)(?P<attrs>[^>]*)>")
BLOCK = re.compile(r"(?P<tag>\w+)(?P<attrs>.*?)\((?P<n>\d+) s\)")
SIGNAL = re.compile(r"^(?P<type>[a-z]+)-(?P<sub>.+?)-(?P<words>[\d,\-]+|_)-(?P<gold>gold|_)$")
DEFINITE = {"the", "this", "that", "these", "those"}
SPEECH_GENRES = ("news", "interview")


@dataclass
class Token:
    id: int
    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int
    deprel: str
    misc: dict[str, str]
    start: int = -1
    end: int = -1


@dataclass
class Sentence:
    sent_id: str
    tokens: list[Token]
    units: list[tuple[str, list[Token], bool]]  # surface form, its words, SpaceAfter
    newpar: bool
    blocks: list[tuple[str, str, int]]  # newpar_block elements: tag, attributes, sentences spanned
    speaker: str | None = None
    addressee: str | None = None


@dataclass
class Mention:
    entity: str
    fields: dict[str, str]
    sent: int
    start: int
    end: int  # exclusive, in sentence ``sent`` (mentions never cross sentences in this release; checked)
    parts: list[tuple[int, int, int]] = field(default_factory=list)  # (sent, start, end) if discontinuous
    id: int = -1
    head: int = -1
    kind: str = ""
    char_start: int = -1
    char_end: int = -1


@dataclass
class Document:
    doc_id: str
    split: str
    sentences: list[Sentence]
    text: str = ""
    mentions: list[Mention] = field(default_factory=list)
    chains: dict[str, list[int]] = field(default_factory=dict)
    attributions: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)

    @property
    def genre(self) -> str:
        return self.doc_id.split("_")[1]

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        """(sentence, token index) of each word, in order: GUM's Discourse signals number these from 1."""
        return [(s, t) for s, sent in enumerate(self.sentences) for t in range(len(sent.tokens))]

    @cached_property
    def sentence_offsets(self) -> list[int]:
        """The position of each sentence's first word among the document's words."""
        starts = [0]
        for sent in self.sentences:
            starts.append(starts[-1] + len(sent.tokens))
        return starts


# ---------------------------------------------------------------- CoNLL-U

def misc_dict(misc: str) -> dict[str, str]:
    if misc == "_":
        return {}
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in misc.split("|"))


def document_blocks(path: Path):
    """(doc id, [(comment lines, word lines)] per sentence) for each ``# newdoc id`` of a CoNLL-U file."""
    doc_id, sentences, comments, rows = None, [], [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# newdoc id = "):
            if doc_id is not None:
                yield doc_id, sentences
            doc_id, sentences = line.split("=", 1)[1].strip(), []
        if line.startswith("#"):
            comments.append(line)
        elif line.strip():
            rows.append(line.split("\t"))
        elif rows:
            sentences.append((comments, rows))
            comments, rows = [], []
    if doc_id is not None:
        yield doc_id, sentences


def comment_value(comments: list[str], key: str) -> str | None:
    prefix = f"# {key} = "
    return next((c[len(prefix):] for c in comments if c.startswith(prefix)), None)


def newpar_blocks(value: str | None) -> list[tuple[str, str, int]]:
    """``# newpar_block = quote (3 s) | p (1 s)`` -> [("quote", "", 3), ("p", "", 1)]."""
    if not value:
        return []
    found = (BLOCK.search(part) for part in value.split(" | "))
    return [(m["tag"], m["attrs"].strip(), int(m["n"])) for m in found if m]


def read_sentence(comments: list[str], rows: list[list[str]]) -> Sentence:
    tokens, units, mwt_end, mwt = [], [], 0, None
    for row in rows:
        if "." in row[0]:  # empty node of the enhanced graph: not a word of the text
            continue
        if "-" in row[0]:
            mwt, mwt_end = (row[1], [], misc_dict(row[9]).get("SpaceAfter") != "No"), int(row[0].split("-")[1])
            continue
        tok = Token(int(row[0]), row[1], row[2], row[3], row[4], row[5], int(row[6]), row[7], misc_dict(row[9]))
        tokens.append(tok)
        if mwt and tok.id <= mwt_end:
            mwt[1].append(tok)
            if tok.id == mwt_end:
                units.append(mwt)
                mwt = None
        else:
            units.append((tok.form, [tok], tok.misc.get("SpaceAfter") != "No"))
    return Sentence(comment_value(comments, "sent_id") or "", tokens, units, any(c == "# newpar" for c in comments),
                    newpar_blocks(comment_value(comments, "newpar_block")),
                    comment_value(comments, "speaker"), comment_value(comments, "addressee"))


# ---------------------------------------------------------------- text and offsets

def place_unit(form: str, words: list[Token], start: int) -> None:
    """Character offsets of the words of one surface token; a multi-word token's words share it unless
    their forms spell it (``participants’`` = ``participants`` + ``’``)."""
    if len(words) > 1 and "".join(w.form for w in words) == form:
        for w in words:
            w.start, w.end = start, start + len(w.form)
            start = w.end
        return
    for w in words:
        w.start, w.end = start, start + len(form)


def build_text(sentences: list[Sentence]) -> str:
    """The document text, SpaceAfter=No honoured, ``\\n\\n`` before each new paragraph."""
    out, pos, space = [], 0, ""
    for sent in sentences:
        sep = ("\n\n" if sent.newpar else space) if out else ""
        for form, words, space_after in sent.units:
            out.append(sep)
            pos += len(sep)
            place_unit(form, words, pos)
            out.append(form)
            pos += len(form)
            sep = space = " " if space_after else ""
    return "".join(out)


# ---------------------------------------------------------------- entities

def bracket_events(value: str, names: list[str]):
    """('open', eid, fields, closes_here) and ('close', eid) in the order written in one Entity value."""
    for m in BRACKET.finditer(value):
        if m["open"]:
            parts = m["open"].split("-", len(names) - 1)
            fields = dict(zip(names, parts))
            if "identity" in fields:
                fields["identity"] = unquote(fields["identity"])  # Kim_Jong%2Dun
            yield "open", parts[0], fields, bool(m["close"])
        else:
            yield "close", m["closer"].split("-")[0], None, True  # CorefUD may write ``e1-person)``


def read_entities(doc: Document, global_entity: str) -> list[Mention]:
    """Mentions from the Entity brackets; a closer ends the latest open mention with its id (and part)."""
    names = ["eid" if n in ("GRP", "eid") else n for n in global_entity.split("-")]
    stacks: dict[str, list[tuple[int, int, dict]]] = defaultdict(list)
    pieces: dict[tuple[str, int], list[tuple[int, int, int, dict]]] = defaultdict(list)
    mentions = []
    for s, t in doc.words:
        value = doc.sentences[s].tokens[t].misc.get("Entity", "")
        for kind, key, fields, closes in bracket_events(value, names):
            if kind == "open":
                stacks[key].append((s, t, fields))
            if closes:
                if not stacks[key]:
                    raise ValueError(f"{doc.doc_id} {doc.sentences[s].sent_id}: unopened {key})")
                s0, t0, fields0 = stacks[key].pop()
                mentions += close_mention(key, s0, t0, s, t, fields0, pieces)
    left = [k for k, v in stacks.items() if v] + [k for k, v in pieces.items() if v]
    if left:
        raise ValueError(f"{doc.doc_id}: mentions never closed: {left}")
    return mentions


def close_mention(key: str, s0: int, t0: int, s: int, t: int, fields: dict, pieces: dict) -> list[Mention]:
    """A closed bracket: a whole mention, or one part of a discontinuous one (kept until all are read)."""
    if s0 != s:
        raise ValueError(f"mention {key} runs across sentences {s0}-{s}")
    m = PART.match(key)
    eid, total = m["eid"], int(m["total"] or 1)
    if total == 1:
        return [Mention(eid, fields, s, t0, t + 1)]
    pieces[(eid, total)].append((s, t0, t + 1, fields))
    if len(pieces[(eid, total)]) < total:
        return []
    parts = sorted(pieces.pop((eid, total)))
    attrs = next(p[3] for p in parts if len(p[3]) > 1)  # the first part carries the attributes
    first, last = parts[0], parts[-1]
    if first[0] != last[0]:
        raise ValueError(f"discontinuous mention {key} runs across sentences")
    return [Mention(eid, attrs, first[0], first[1], last[2], [p[:3] for p in parts])]


def mention_tokens(m: Mention) -> list[int]:
    spans = [(m.start, m.end)] if not m.parts else [(a, b) for _, a, b in m.parts]
    return [i for a, b in spans for i in range(a, b)]


def minspan(m: Mention) -> list[int]:
    """The annotated minimal (head) words, as token indices of the sentence (``minspan`` counts from 1)."""
    toks = mention_tokens(m)
    nums = [int(n) for n in m.fields.get("minspan", "").split(",") if n.isdigit()]
    return [toks[n - 1] for n in nums if 0 < n <= len(toks)]


def syntactic_head(sent: Sentence, m: Mention) -> int:
    """The mention's word whose syntactic head lies outside it (the annotated minspan breaks ties)."""
    inside = set(mention_tokens(m))
    tops = [i for i in sorted(inside) if sent.tokens[i].head - 1 not in inside]
    if len(tops) > 1:
        preferred = [i for i in tops if i in minspan(m)] or [i for i in tops if sent.tokens[i].upos != "PUNCT"]
        tops = preferred or tops
    return tops[0] if tops else m.start


def mention_kind(sent: Sentence, m: Mention) -> str:
    """pronoun / proper (name) / definite (the, this, that, these, those or a possessor) / other."""
    head = sent.tokens[m.head]
    if head.upos == "PRON":
        return "pronoun"
    if head.upos == "PROPN":
        return "proper"
    words = [sent.tokens[i] for i in mention_tokens(m)]
    definite = any(w.head == head.id and w.deprel == "det" and w.lemma.lower() in DEFINITE for w in words)
    possessed = any(w.head == head.id and w.deprel == "nmod:poss" for w in words)
    return "definite" if head.upos in ("NOUN", "NUM", "ADJ") and (definite or possessed) else "other"


def finish_mentions(doc: Document) -> None:
    """Document order (start, longest first), ids, heads, kinds, offsets and chains."""
    doc.mentions.sort(key=lambda m: (m.sent, m.start, -m.end))
    for i, m in enumerate(doc.mentions):
        sent = doc.sentences[m.sent]
        m.id, m.head = i, syntactic_head(sent, m)
        m.kind = mention_kind(sent, m)
        m.char_start, m.char_end = sent.tokens[m.start].start, sent.tokens[m.end - 1].end
        doc.chains.setdefault(m.entity, []).append(i)


# ---------------------------------------------------------------- quotations (XML) and attribution (RST)

def read_quotes(doc: Document) -> list[dict]:
    """``<q>`` / ``<quote>`` word-level elements and ``quote`` paragraph blocks, as character spans."""
    spans, open_tags = [], defaultdict(list)
    for s, t in doc.words:
        tok = doc.sentences[s].tokens[t]
        for m in XML_TAG.finditer(tok.misc.get("XML", "")):
            if m["tag"] not in ("q", "quote"):
                continue
            if not m["close"]:
                open_tags[m["tag"]].append(tok.start)
            elif open_tags[m["tag"]]:
                spans.append((m["tag"], open_tags[m["tag"]].pop(), tok.end))
    for s, sent in enumerate(doc.sentences):
        for tag, _, n in sent.blocks:
            if tag == "quote":
                last = doc.sentences[min(s + n, len(doc.sentences)) - 1]
                spans.append(("quote-block", sent.tokens[0].start, last.tokens[-1].end))
    return [{"kind": k, "char_start": a, "char_end": b, "text": doc.text[a:b]} for k, a, b in sorted(spans, key=lambda x: x[1])]


def parse_relations(value: str) -> list[dict]:
    """``rel:unit->parent:depth:signals`` (primary) and ``;rel:unit->parent:d1:d2:signals`` (secondary)."""
    out = []
    for i, item in enumerate(value.split(";")):
        f = item.split(":")
        if f[0] == "ROOT":
            out.append({"relation": "ROOT", "unit": int(f[1]), "parent": 0, "depth": 0, "signals": [], "secondary": False})
            continue
        unit, parent = map(int, f[1].split("->"))
        depth = int(f[3]) if len(f) == 5 else int(f[2])
        out.append({"relation": f[0], "unit": unit, "parent": parent, "depth": depth,
                    "signals": parse_signals(f[-1]), "secondary": i > 0})
    return out


def parse_signals(value: str) -> list[tuple[str, list[int]]]:
    """``sem-atsrc-600,603-606-gold`` -> ("sem-atsrc", [600, 603, 604, 605, 606]) (document word numbers)."""
    out = []
    for sig in value.split("+"):
        m = SIGNAL.match(sig)
        if not m:
            continue
        words = [] if m["words"] == "_" else [w for r in m["words"].split(",") for w in word_range(r)]
        out.append((f"{m['type']}-{m['sub']}", words))
    return out


def word_range(r: str) -> range:
    a, _, b = r.partition("-")
    return range(int(a), int(b or a) + 1)


def discourse_units(doc: Document) -> tuple[dict[int, list[int]], list[dict]]:
    """Words (0-based document positions) of each discourse unit, and every relation, in order."""
    units: dict[int, list[int]] = {}
    relations, current = [], None
    for w, (s, t) in enumerate(doc.words):
        value = doc.sentences[s].tokens[t].misc.get("Discourse")
        if value:
            rels = parse_relations(value)
            current = rels[0]["unit"]
            relations += rels
        if current is not None:
            units.setdefault(current, []).append(w)
    return units, relations


def nucleus_units(target: int, depth: int, children: dict[int, list[dict]], exclude: int) -> list[int]:
    """The target unit and the units attached below the attribution (depth lower than its own), with
    their whole subtrees; same-unit continuations always belong to it."""
    keep, todo = [target], [r["unit"] for r in children[target]
                            if r["unit"] != exclude and (r["depth"] < depth or r["relation"].startswith("same-unit"))]
    while todo:
        unit = todo.pop()
        keep.append(unit)
        todo += [r["unit"] for r in children[unit]]
    return sorted(keep)


def word_spans(doc: Document, words: list[int]) -> list[dict]:
    """Contiguous runs of document words (0-based) as sentence token spans and character spans."""
    spans, positions = [], doc.words
    for w in sorted(set(words)):
        s, t = positions[w]
        if spans and spans[-1]["sent"] == s and spans[-1]["end"] == t:
            spans[-1]["end"] = t + 1
        else:
            spans.append({"sent": s, "start": t, "end": t + 1})
    for sp in spans:
        toks = doc.sentences[sp["sent"]].tokens
        sp["char_start"], sp["char_end"] = toks[sp["start"]].start, toks[sp["end"] - 1].end
    return spans


def span_text(doc: Document, spans: list[dict]) -> str:
    """The spans' text, `` ... `` where words are left out (a sentence break is no gap)."""
    runs: list[list[int]] = []
    for sp in spans:
        first = doc.sentence_offsets[sp["sent"]] + sp["start"]
        if runs and runs[-1][2] == first:
            runs[-1][1:] = [sp["char_end"], first + sp["end"] - sp["start"]]
        else:
            runs.append([sp["char_start"], sp["char_end"], first + sp["end"] - sp["start"]])
    return " ... ".join(doc.text[a:b] for a, b, _ in runs)


def source_mention(doc: Document, source: list[dict], cue: list[dict]) -> tuple[Mention | None, str]:
    """The mention the source words name: ``exact`` (all of them); ``part``, when the source is marked in
    pieces ("Devocht ... who", "Rick Santorum himself ... he"), a piece that is a mention, nearest the cue;
    ``overlap``, the mention sharing most words with the source (Dice >= 0.5); else ``unmatched``."""
    if not source:
        return None, "none"
    by_span = {(m.sent, m.start, m.end): m for m in reversed(doc.mentions) if not m.parts}
    pieces = [(sp["sent"], sp["start"], sp["end"]) for sp in source]
    if len(pieces) == 1 and pieces[0] in by_span:
        return by_span[pieces[0]], "exact"
    anchor = (cue[0]["sent"], cue[0]["start"]) if cue else pieces[-1][:2]
    nearest = sorted((p for p in pieces if p in by_span), key=lambda p: (abs(p[0] - anchor[0]), abs(p[1] - anchor[1])))
    if nearest:
        return by_span[nearest[0]], "part"
    return best_overlap(doc, {(s, i) for s, a, b in pieces for i in range(a, b)})


def best_overlap(doc: Document, target: set[tuple[int, int]]) -> tuple[Mention | None, str]:
    best, best_score = None, 0.0
    for m in doc.mentions:
        toks = {(m.sent, i) for i in mention_tokens(m)}
        score = 2 * len(toks & target) / (len(toks) + len(target))
        if score > best_score:
            best, best_score = m, score
    return (best, "overlap") if best_score >= 0.5 else (None, "unmatched")


def read_attributions(doc: Document) -> list[dict]:
    """Each attribution relation: its source words and mention, cue words, and the content it attributes."""
    units, relations = discourse_units(doc)
    children: dict[int, list[dict]] = defaultdict(list)
    for r in relations:
        if not r["secondary"] and r["relation"] != "ROOT":
            children[r["parent"]].append(r)
    return [attribution_record(doc, r, units, children) for r in relations if r["relation"].startswith("attribution")]


def attribution_record(doc: Document, r: dict, units: dict, children: dict) -> dict:
    signals = defaultdict(list)
    for name, words in r["signals"]:
        signals[name] += words
    content_units = nucleus_units(r["parent"], r["depth"], children, r["unit"])
    content = word_spans(doc, [w for u in content_units for w in units[u]])
    source = word_spans(doc, [w - 1 for w in signals["sem-atsrc"] if 0 < w <= len(doc.words)])
    cue = word_spans(doc, [w - 1 for w in signals["lex-indwd"] + signals["lex-indph"] if 0 < w <= len(doc.words)])
    mention, match = source_mention(doc, source, cue)
    unit = word_spans(doc, units[r["unit"]])
    return {"relation": r["relation"], "secondary": r["secondary"], "unit": r["unit"], "target": r["parent"],
            "depth": r["depth"], "unit_spans": unit, "unit_text": span_text(doc, unit),
            "source": source, "source_text": span_text(doc, source), "source_mention": mention.id if mention else None,
            "source_entity": mention.entity if mention else None, "source_match": match,
            "cue": cue, "cue_text": span_text(doc, cue), "content_units": content_units,
            "content": content, "content_text": span_text(doc, content),
            "signals": sorted(signals)}


# ---------------------------------------------------------------- documents

def read_document(doc_id: str, blocks, split: str) -> Document:
    doc = Document(doc_id, split, [read_sentence(c, r) for c, r in blocks])
    doc.text = build_text(doc.sentences)
    doc.mentions = read_entities(doc, comment_value(blocks[0][0], "global.Entity") or ENTITY_FIELDS)
    finish_mentions(doc)
    doc.quotes = read_quotes(doc)
    doc.attributions = read_attributions(doc)
    return doc


def read_split(gum_dir: Path, split: str) -> list[Document]:
    path = gum_dir / f"en_gum-ud-{split}.conllu"
    return [read_document(doc_id, blocks, split) for doc_id, blocks in document_blocks(path)]


# ---------------------------------------------------------------- mention ranking

def ranking_instances(doc: Document, max_sentences: int, max_mentions: int) -> list[dict]:
    """For each anaphor (a mention after the first of its chain): the earlier mentions within the last
    ``max_sentences`` sentences, at most ``max_mentions`` of them, nearest last; gold = same entity."""
    instances = []
    for m in doc.mentions:
        if doc.chains[m.entity][0] == m.id:
            continue
        window = [c for c in doc.mentions[max(0, m.id - max_mentions):m.id] if m.sent - c.sent <= max_sentences]
        instances.append({"anaphor": m.id, "candidates": [c.id for c in window],
                          "gold": [c.id for c in window if c.entity == m.entity]})
    return instances


def contains(outer: Mention, inner: Mention) -> bool:
    return outer.sent == inner.sent and outer.start <= inner.start and inner.end <= outer.end


def nearest(doc: Document, inst: dict, same_type: bool) -> int | None:
    """The nearest candidate not containing the anaphor ("[[his] wife]"), of its entity type if ``same_type``."""
    anaphor = doc.mentions[inst["anaphor"]]
    for c in reversed(inst["candidates"]):
        cand = doc.mentions[c]
        if not contains(cand, anaphor) and (not same_type or cand.fields["etype"] == anaphor.fields["etype"]):
            return c
    return None


# ---------------------------------------------------------------- output

def token_record(t: Token) -> dict:
    return {"id": t.id, "form": t.form, "lemma": t.lemma, "upos": t.upos, "xpos": t.xpos, "feats": t.feats,
            "head": t.head, "deprel": t.deprel, "start": t.start, "end": t.end}


def mention_record(doc: Document, m: Mention) -> dict:
    f = m.fields
    rec = {"id": m.id, "entity": m.entity, "etype": f.get("etype"), "infstat": f.get("infstat"),
           "link": f.get("link"), "identity": f.get("identity"), "salience": f.get("salience"),
           "centering": f.get("centering"), "sent": m.sent, "start": m.start, "end": m.end,
           "minspan": minspan(m), "head": m.head, "kind": m.kind, "char_start": m.char_start,
           "char_end": m.char_end, "text": doc.text[m.char_start:m.char_end]}
    if m.parts:
        rec["parts"] = word_spans(doc, [doc.sentence_offsets[s] + i for s, a, b in m.parts for i in range(a, b)])
        rec["text"] = span_text(doc, rec["parts"])
    return rec


def document_record(doc: Document, instances: list[dict]) -> dict:
    sentences = [{"sent_id": s.sent_id, "newpar": s.newpar, "speaker": s.speaker, "addressee": s.addressee,
                  "tokens": [token_record(t) for t in s.tokens]} for s in doc.sentences]
    return {"doc_id": doc.doc_id, "genre": doc.genre, "split": doc.split, "text": doc.text,
            "sentences": sentences, "mentions": [mention_record(doc, m) for m in doc.mentions],
            "chains": doc.chains, "instances": instances, "attributions": doc.attributions, "quotes": doc.quotes}


def write_split(docs: list[Document], instances: dict[str, list[dict]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(document_record(doc, instances[doc.doc_id]), ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- statistics

def pct(n: int, d: int) -> str:
    return f"{n / d:6.1%}" if d else "   n/a"


def print_counts(title: str, counts: Counter, total: int | None = None) -> None:
    total = total or sum(counts.values())
    print(f"{title}: " + ", ".join(f"{k} {v} ({pct(v, total).strip()})" for k, v in counts.most_common()))


def corpus_stats(split: str, docs: list[Document], instances: dict[str, list[dict]]) -> None:
    mentions = [m for d in docs for m in d.mentions]
    chains = [c for d in docs for c in d.chains.values()]
    anaphors = [d.mentions[i["anaphor"]] for d in docs for i in instances[d.doc_id]]
    print(f"\n== {split}: {len(docs)} documents, {sum(len(d.words) for d in docs)} words, {len(mentions)} mentions, "
          f"{len(chains)} entities ({sum(len(c) == 1 for c in chains)} singletons), {len(anaphors)} anaphors")
    print_counts("documents per genre", Counter(d.genre for d in docs))
    print_counts("mention entity types", Counter(m.fields["etype"] for m in mentions))
    print_counts("mention kinds", Counter(m.kind for m in mentions))
    print_counts("anaphor kinds", Counter(m.kind for m in anaphors))
    print_counts("anaphor links", Counter(m.fields["link"] for m in anaphors))
    print(f"nested mentions {sum(nested_count(d) for d in docs)}, in multi-word tokens "
          f"{sum(mwt_count(d) for d in docs)}, discontinuous {sum(bool(m.parts) for m in mentions)}")


def nested_count(doc: Document) -> int:
    """Mentions lying inside another mention of the same sentence."""
    by_sent = defaultdict(list)
    for m in doc.mentions:
        by_sent[m.sent].append(m)
    return sum(any(o is not m and contains(o, m) for o in ms) for ms in by_sent.values() for m in ms)


def mwt_count(doc: Document) -> int:
    """Mentions that begin or end inside a multi-word token (``participants’`` -> participants + ’)."""
    count = 0
    for m in doc.mentions:
        sent = doc.sentences[m.sent]
        inner = {id(w) for _, words, _ in sent.units if len(words) > 1 for w in words[1:]}
        starts_inside = id(sent.tokens[m.start]) in inner
        ends_inside = m.end < len(sent.tokens) and id(sent.tokens[m.end]) in inner
        count += starts_inside or ends_inside
    return count


def baseline_stats(docs: list[Document], instances: dict[str, list[dict]]) -> None:
    """How often the nearest earlier mention of the anaphor's own (gold) entity type is of its entity."""
    right, any_type, seen, in_window = Counter(), Counter(), Counter(), Counter()
    for doc in docs:
        for inst in instances[doc.doc_id]:
            anaphor = doc.mentions[inst["anaphor"]]
            speakerlike = ["person/org"] if anaphor.fields["etype"] in ("person", "organization") else []
            for key in [anaphor.kind, "all", *speakerlike]:
                seen[key] += 1
                in_window[key] += bool(inst["gold"])
                right[key] += nearest(doc, inst, same_type=True) in inst["gold"]
                any_type[key] += nearest(doc, inst, same_type=False) in inst["gold"]
    print("baseline, the nearest earlier mention (not containing the anaphor) of the same entity type (gold type) "
          "is an antecedent:")
    for key in ("all", "pronoun", "proper", "definite", "other", "person/org"):
        print(f"  {key:10s} {pct(right[key], seen[key])} of {seen[key]:6d} anaphors (nearest of any type "
              f"{pct(any_type[key], seen[key]).strip()}, gold within window {pct(in_window[key], seen[key]).strip()})")


def attribution_stats(docs: list[Document]) -> None:
    atts = [(d, a) for d in docs for a in d.attributions]
    print_counts("attribution relations per genre", Counter(d.genre for d, _ in atts))
    speech = [a for d, a in atts if d.genre in SPEECH_GENRES]
    print_counts(f"{'/'.join(SPEECH_GENRES)} attributions: source match", Counter(a["source_match"] for a in speech))
    sources = [d.mentions[a["source_mention"]] for d, a in atts if d.genre in SPEECH_GENRES and a["source_mention"] is not None]
    print_counts("  their source entity types", Counter(m.fields["etype"] for m in sources))
    print_counts("  their source mention kinds", Counter(m.kind for m in sources))
    print(f"  with a cue word: {sum(bool(a['cue']) for a in speech)} of {len(speech)}; "
          f"quotations (<q>, <quote>) in these genres: {sum(len(d.quotes) for d in docs if d.genre in SPEECH_GENRES)}; "
          f"their sentences with a # speaker: {sum(s.speaker is not None for d in docs if d.genre in SPEECH_GENRES for s in d.sentences)}")


# ---------------------------------------------------------------- CLI

def show(doc: Document, limit: int) -> None:
    """Each sentence with its mentions bracketed, and the raw Entity column, for checking by eye."""
    for s, sent in enumerate(doc.sentences[:limit]):
        print(f"\n# {sent.sent_id}  {doc.text[sent.tokens[0].start:sent.tokens[-1].end]}")
        for t, tok in enumerate(sent.tokens):
            print(f"   {tok.id:3d} {tok.form:18s} {tok.misc.get('Entity', '')}")
        for m in (m for m in doc.mentions if m.sent == s):
            print(f"   m{m.id:<4d} [{m.start},{m.end}) e{m.entity:<4s} {m.fields['etype']:12s} {m.kind:9s} "
                  f"head={sent.tokens[m.head].form!r:14s} {doc.text[m.char_start:m.char_end]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gum-dir", type=Path, default=GUM_DIR)
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    ap.add_argument("--max-sentences", type=int, default=30, help="candidate antecedents: this many sentences back")
    ap.add_argument("--max-mentions", type=int, default=150, help="candidate antecedents: at most this many "
                    "(50 would leave 8%% of anaphors, 14%% of names, without their antecedent)")
    ap.add_argument("--show", metavar="DOC_ID", help="print one document's mentions next to the raw column, no output")
    ap.add_argument("--sentences", type=int, default=12, help="with --show: sentences to print")
    a = ap.parse_args()
    splits = {split: read_split(a.gum_dir, split) for split in SPLITS}
    if a.show:
        show(next(d for docs in splits.values() for d in docs if d.doc_id == a.show), a.sentences)
        return
    for split, docs in splits.items():
        instances = {d.doc_id: ranking_instances(d, a.max_sentences, a.max_mentions) for d in docs}
        write_split(docs, instances, a.out_dir / f"{split}.jsonl")
        corpus_stats(split, docs, instances)
        baseline_stats(docs, instances)
        attribution_stats(docs)
    print(f"\nwritten: {', '.join(str(a.out_dir / f'{s}.jsonl') for s in SPLITS)}")


if __name__ == "__main__":
    main()
