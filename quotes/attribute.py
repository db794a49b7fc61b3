"""Stage 4 of the pipeline: give every statement of one article its speaker.

Input: the cue-based attributions from ``extract.py``, the quoted spans no cue claimed, and the
transcript turns it found. Output: ``Occurrence`` records, frozen once made, whose speaker is an
entity of the article (``coref.ArticleSpeakers``: pronouns, surnames, acronyms and descriptions
resolved within the article).

- Quotations with no cue of their own take the nearest cue in their sentence ("“…,” Zelenskyy
  stated in a message"), or one from a sentence ending in a colon just before; a quoted paragraph
  or sentence with no cue continues the speaker of the quotation just before it, and one that
  resumes a quotation broken off with a comma around its cue joins it. Quoted fragments inside the
  cue's clause ("called the senator a “nasty guy,” an “anchor baby”") make one mixed statement; a
  quotation signed with a dash ("“...” ― Azucena Gonzàlez") is the signer's.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, replace

from .coref import ArticleSpeakers, Entity
from .extract import (Attribution, inverted_subject, is_cue_verb, is_title, participle_holder, speaker_words, subject_of,
                      transcript_turns, wh_opened)
from .lexicon import REPORTING_VERBS, TIME_WORDS
from .quotemarks import QuoteSpan
from .syntax import Sentence, Word

DASH_SIGNATURE = re.compile(r"[”\"’»]?[ \t\u00a0]*[―—–][ \t\u00a0]*((?:[A-Z][\w.'’-]*)(?:[ \t][A-Z][\w.'’-]*){0,4})[ \t\u00a0,.]*(?=\n|$)")
MIN_UNATTRIBUTED_WORDS = 5  # shorter cue-less quotations are titles, terms or scare quotes

__all__ = ["Occurrence", "attribute"]


@dataclass(frozen=True)
class Occurrence:
    """One statement as stored: text, offsets, type, cue, speaker as written and as resolved.
    Frozen: a quotation resumed after its cue is a new record made with ``dataclasses.replace``."""

    type: str
    text: str
    start: int
    end: int
    cue_lemma: str | None
    cue_text: str | None
    speaker_mention: str | None
    entity: Entity | None
    sentence: str
    confidence: float
    rule: str
    cue_start: int | None = None  # article offset of the cue word, when there is one


def _sentence_of(sentences: list[Sentence], pos: int) -> Sentence | None:
    for s in sentences:
        if s.start <= pos < s.end + 1:
            return s
    return None


def _outside(words: list[Word], q: QuoteSpan) -> list[Word]:
    return [w for w in words if not (q.start <= w.start < q.end + 1)]


def _nominal_between(sent: Sentence, start: int, cue: Word) -> Word | None:
    """The first name (else noun) between a quotation's end and its cue, as the head of its phrase."""
    span = [x for x in sent.words if start <= x.start < cue.start]
    pick = next((x for x in span if x.upos == "PROPN"), None) or next(
        (x for x in span if x.upos == "NOUN" and x.lemma not in TIME_WORDS), None)
    if pick is None:
        return None
    ids = {x.id for x in span}
    while pick.parent is not None and pick.parent.id in ids and pick.parent.upos in ("PROPN", "NOUN") \
            and pick.rel in ("compound", "flat", "flat:name", "amod", "nmod:poss"):
        pick = pick.parent
    return pick


def _introduced(sent: Sentence, q: QuoteSpan) -> bool:
    """The quotation follows a comma or a colon, as direct speech after its cue does ("saying, “...”")."""
    before = [w for w in sent.words if w.end <= q.start and w.text not in ("“", '"', "‘", "'", "«")]
    return bool(before) and before[-1].text in (",", ":")


def cue_for_quote(q: QuoteSpan, sentences: list[Sentence]) -> tuple[Word, Word] | None:
    """A reporting verb outside the quotation, in the sentences it spans or ending the sentence before."""
    sent = _sentence_of(sentences, q.start)
    if sent is None:
        return None
    last = _sentence_of(sentences, max(q.start, q.end - 1)) or sent
    found = []
    for s in sentences[sent.index : last.index + 1]:
        for w in _outside(s.words, q):
            # (“That makes me smart,” when Clinton blasted him: a clause saying when is not the quotation's cue)
            if is_cue_verb(w) and not (q.end <= w.start and wh_opened(w)):
                subj = subject_of(w) or (inverted_subject(w, [x for x in s.words if x.start >= q.start]) if q.start < w.start else None)
                if subj is None and w.end <= q.start and _introduced(s, q):
                    subj = participle_holder(w)  # footage of Trump saying, “That makes me smart”
                if subj is None and q.end <= w.start:
                    subj = _nominal_between(s, q.end, w)  # “...,” Douglas Holtz-Eakin, an economist, told me: misparsed
                if subj is not None:
                    found.append((w, subj))
    if found:
        # the cue nearest the quotation ("when my mother mentioned ..., I laughed and said, “...”")
        return min(found, key=lambda ws: q.start - ws[0].end if ws[0].end <= q.start else ws[0].start - q.end)
    prev = sentences[sent.index - 1] if sent.index > 0 else None
    if prev is not None and prev.words[-1].text == ":" and not _outside(sent.words, q)[:-1]:
        for w in prev.words:
            # "The New York Times reports:" - a lone reporting word before the colon is the cue even
            # when the tagger called it a plural noun
            if is_cue_verb(w) or (w.lemma in REPORTING_VERBS and w.rel == "root"):
                subj = subject_of(w) or _nominal_between(prev, prev.start, w)
                if subj is not None:
                    return w, subj
    return None


def attribute(text: str, sentences: list[Sentence], atts: list[Attribution], unclaimed: list[QuoteSpan]) -> list[Occurrence]:
    """Speakers for all statements of one article, in text order."""
    speakers = ArticleSpeakers(text, sentences)
    turns = transcript_turns(text)
    unclaimed = [q for q in unclaimed if not any(q.start < end and q.end > start for start, end, _ in turns)]
    items = [("att", a.start, a) for a in atts] + [("quote", q.start, q) for q in unclaimed]
    items += [("turn", start, (start, end, label)) for start, end, label in turns]
    out: list[Occurrence] = []
    for kind, _, item in sorted(items, key=lambda x: x[1]):
        if kind == "turn":
            occ = _from_turn(item, speakers)
        else:
            occ = _from_attribution(item, speakers) if kind == "att" else _from_quote(item, speakers, sentences, out)
        if occ is None:
            continue
        if out and occ.rule == out[-1].rule == "quote-fragment" and occ.start == out[-1].start:
            out[-1] = occ  # a further fragment of the same clause, extending it
            continue
        if out and _resumes(out[-1], occ, text):
            prev = out[-1]  # “My hope,” he said, “is that ...”: one quotation around its cue
            # a mixed quotation keeps the comma and closing mark its quoted end broke off with
            closing = re.match(r"[,’”\"']*", text[prev.end :]).group(0) if prev.type == "mixed" else ""
            out[-1] = replace(prev, text=f"{prev.text}{closing} {occ.text}", end=occ.end)
            continue
        out.append(occ)
    speakers.complete_surnames()
    return _one_per_cue(out)


def _one_per_cue(occs: list[Occurrence]) -> list[Occurrence]:
    """A statement found twice from one cue word, once inside the other (the clause by the parse,
    the clause with its quoted end by the quotation marks; or a clause the parse hung on the cue of
    a quotation that runs around it), is kept once: the longer."""
    def inside(a: Occurrence, b: Occurrence) -> bool:
        return a is not b and a.cue_start is not None and a.cue_start == b.cue_start \
            and b.start <= a.start and a.end <= b.end and b.end - b.start > a.end - a.start
    return [a for a in occs if not any(inside(a, b) for b in occs)]


def _from_turn(turn: tuple[int, int, str], speakers: ArticleSpeakers) -> Occurrence:
    start, end, label = turn
    name = " ".join(w.capitalize() for w in label.split())  # "PENCE" joins "Gov. Mike Pence" in the article
    entity = speakers.labelled(name, start)
    body = speakers.text[start:end]
    return Occurrence("direct", body, start, end, None, None, label, entity, body[:500], 0.8, "transcript")


def _resumes(prev: Occurrence, occ: Occurrence, text: str) -> bool:
    """The cue-less quotation continues the sentence the previous one broke off with a comma: a
    direct quotation (“My hope,” he said, “is that ...”) or a mixed one whose quoted end does
    (The summit accomplished “too little,” Renzi said. “Without changing policies ...”)."""
    same_cue = occ.type == "direct" and occ.cue_start is not None and occ.cue_start == prev.cue_start
    if not (occ.rule == "continuation" or same_cue) or prev.type not in ("direct", "mixed") or occ.entity is not prev.entity:
        return False
    gap = text[prev.end : occ.start]
    broke_off = prev.text.rstrip().endswith(",") or (prev.type == "mixed" and gap.lstrip()[:1] == ",")
    return broke_off and "\n" not in gap and len(re.findall(r"\w+", gap)) <= 8


def _from_attribution(att: Attribution, speakers: ArticleSpeakers) -> Occurrence:
    head = _head(att.speaker)
    mention, entity = speakers.resolve(head, att.speaker, att.description)
    sent_text = speakers.text[att.sentence.start : att.sentence.end] if att.sentence else ""
    conf = att.confidence if entity is not None else att.confidence * 0.6
    cue_text = att.cue.text if att.cue is not None else None
    if att.rule == "according-to" and att.cue is not None:
        cue_text, cue_lemma = "according to", "according to"
    else:
        cue_lemma = att.cue_lemma
    return Occurrence(att.type, att.text(speakers.text), att.start, att.end, cue_lemma, cue_text, mention,
                      entity, sent_text, round(conf, 2), att.rule,
                      cue_start=att.cue.start if att.cue is not None else None)


def _head(words: list[Word]) -> Word | None:
    if not words:
        return None
    ids = {w.id for w in words}
    roots = [w for w in words if w.head not in ids]
    return roots[-1] if roots else words[-1]  # a name's last word heads it


def _from_quote(q: QuoteSpan, speakers: ArticleSpeakers, sentences: list[Sentence], before: list[Occurrence]) -> Occurrence | None:
    text = speakers.text
    sent = _sentence_of(sentences, q.start)
    sent_text = text[sent.start : sent.end] if sent else ""
    n_words = len(q.text(text).split())
    if sent is not None and is_title(q, text, sent):
        return None
    signed = DASH_SIGNATURE.match(text, q.end)
    if signed:
        # “...” ― Azucena Gonzàlez: a quotation signed with a dash (reader voices, pull quotes, epigraphs)
        mention = signed.group(1)
        entity = speakers.labelled(mention, signed.start(1))
        return Occurrence("direct", q.text(text), q.start, q.end, None, None, mention, entity, sent_text, 0.7, "signed")
    found = cue_for_quote(q, sentences)
    if found is not None:
        cue, subj = found
        lead = [w for w in _outside(sent.words, q) if cue.end <= w.start < q.start and any(ch.isalnum() for ch in w.text)] if sent else []
        prev = before[-1] if before else None
        if lead and prev is not None and prev.rule == "quote-fragment" and prev.cue_start == cue.start:
            # a further fragment of the same clause: “nasty guy,” an “anchor baby,” “unstable” and “sick.”
            return replace(prev, end=q.end, text=text[prev.start : q.end])
        words = speaker_words(subj)
        mention, entity = speakers.resolve(subj, words, None)
        if lead and cue.sent is sent:
            # a fragment inside the cue's clause ("called the senator a “nasty guy”"): the clause is a mixed quote
            start = lead[1].start if lead[0].lower_text == "that" and len(lead) > 1 else lead[0].start
            end = _clause_end(cue, q)
            return Occurrence("mixed", text[start:end], start, end, cue.lemma, cue.text, mention, entity,
                              sent_text, 0.7, "quote-fragment", cue_start=cue.start)
        return Occurrence("direct", q.text(text), q.start, q.end, cue.lemma, cue.text, mention, entity, sent_text, 0.75,
                          "quote-cue", cue_start=cue.start)
    prev = next((o for o in reversed(before) if o.type in ("direct", "mixed") and o.entity is not None), None)
    starts_unit = sent is None or not [w for w in _outside(sent.words, q) if w.upos != "PUNCT"]
    if prev is not None and starts_unit and _near(text, prev.end, q.start):
        if _someone_else_between(sentences, prev, q):
            return Occurrence("direct", q.text(text), q.start, q.end, None, None, None, None, sent_text, 0.3, "unattributed")
        return Occurrence("direct", q.text(text), q.start, q.end, None, None, None, prev.entity, sent_text, 0.6, "continuation")
    if n_words < MIN_UNATTRIBUTED_WORDS or not starts_unit:
        return None
    return Occurrence("direct", q.text(text), q.start, q.end, None, None, None, None, sent_text, 0.3, "unattributed")


def _clause_end(cue: Word, q: QuoteSpan) -> int:
    """Where a mixed quotation's statement ends: with the clause of the cue's that holds the quoted
    words, when it runs on past them ("said ... and “we're going to get away from” that if he's
    elected"), else at the closing mark."""
    for c in cue.children:
        sub = [w for w in c.subtree() if w.upos != "PUNCT"]
        if c.id > cue.id and sub and any(q.start <= w.start < q.end for w in sub):
            return max(q.end, max(w.end for w in sub))
    return q.end


def _someone_else_between(sentences: list[Sentence], prev: Occurrence, q: QuoteSpan) -> bool:
    """Narrative between two quotations names another person or group as a subject (a new actor
    enters: the next quotation is no longer safely the previous speaker's)."""
    for sent in sentences:
        if sent.end <= prev.end or sent.start >= q.start:
            continue
        for w in sent.words:
            if prev.end <= w.start < q.start and w.rel in ("nsubj", "nsubj:pass") and w.upos == "PROPN" \
                    and not any(a <= w.start < b for a, b in sent.quoted):
                mention = w.text
                if prev.entity is None or mention not in " ".join([prev.entity.name, *prev.entity.mentions]):
                    return True
    return False


def _near(text: str, prev_end: int, start: int) -> bool:
    """The quotation follows the previous one in the same paragraph or the next."""
    return text.count("\n\n", prev_end, start) <= 1
