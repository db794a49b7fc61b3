"""Stage 4 of the pipeline: give every statement of one article its speaker.

Input: the cue-based attributions from ``rules.py``, the quoted spans no cue claimed, and the
transcript turns it found. Output: ``Occurrence`` records, frozen once made, whose speaker is an
entity of the article (``coref.ArticleSpeakers``: pronouns, surnames, acronyms and descriptions
resolved within the article).

- Quotations with no cue of their own take the nearest cue in their sentence ("“…,” Zelenskyy
  stated in a message"), or one from a sentence ending in a colon just before; a quoted paragraph
  or sentence with no cue continues the speaker of the quotation just before it, and one that
  resumes a quotation broken off with a comma around its cue joins it. Quoted fragments inside the
  cue's clause ("called the senator a “nasty guy,” an “anchor baby”") make one mixed statement; a
  quotation signed with a dash ("“...” ― Azucena Gonzàlez") is the signer's. Finding those cues,
  signatures and continuations is ``quotations.py``'s; this module makes the statements.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .coref import ArticleSpeakers
from .phrases import speaker_words
from .quotations import (
    DASH_SIGNATURE,
    MIN_UNATTRIBUTED_WORDS,
    clause_end,
    cue_for_quote,
    introducer,
    is_title,
    near,
    outside,
    qa_turns,
    sentence_of,
    someone_else_between,
    transcript_turns,
)
from .quotemarks import QuoteSpan
from .records import Attribution, Occurrence
from .syntax import Sentence, Word

__all__ = ["Occurrence", "attribute"]


def attribute(text: str, sentences: list[Sentence], atts: list[Attribution], unclaimed: list[QuoteSpan]) -> list[Occurrence]:
    """Speakers for all statements of one article, in text order: ``atts`` typed by ``quotetype.classify``,
    ``unclaimed`` the quotations no attribution holds."""
    speakers = ArticleSpeakers(text, sentences)
    turns = transcript_turns(text)
    qa = [] if turns else qa_turns(text, sentences)
    spans = [(start, end) for start, end, _ in turns] + [(start, end) for start, end, _, _ in qa]
    unclaimed = [q for q in unclaimed if not any(q.start < end and q.end > start for start, end in spans)]
    asked = [(start, end) for start, end, _, question in qa if question]
    atts = [a for a in atts if not any(start <= a.start < end for start, end in asked)]  # a question reports nothing
    items = [("att", a.start, a) for a in atts] + [("quote", q.start, q) for q in unclaimed]
    items += [("turn", start, (start, end, label)) for start, end, label in turns]
    items += [("qa", turn[0], turn) for turn in qa]
    out: list[Occurrence] = []
    for kind, _, item in sorted(items, key=lambda x: x[1]):
        if kind == "turn":
            occ = _from_turn(item, speakers)
        elif kind == "qa":
            occ = _from_qa(item, speakers)
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
    holders = speakers.title_holders()
    if holders:
        out = [replace(o, entity=holders[id(o.entity)]) if id(o.entity) in holders else o for o in out]
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


def _from_qa(turn: tuple[int, int, str | None, bool], speakers: ArticleSpeakers) -> Occurrence:
    """A question or an answer of a Q&A interview: the interviewer's or the interviewee's words,
    named as the introduction names them, else an unnamed interviewer (or no one)."""
    start, end, who, question = turn
    if who is not None:
        entity = speakers.labelled(who, start)
    elif question:
        entity = speakers.unnamed("the interviewer", start)
    else:
        entity = None
    body = speakers.text[start:end]
    return Occurrence("direct", body, start, end, None, None, who, entity, body[:500], 0.7, "interview")


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
    sent = sentence_of(sentences, q.start)
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
        lead = [w for w in outside(sent.words, q) if cue.end <= w.start < q.start and any(ch.isalnum() for ch in w.text)] if sent else []
        prev = before[-1] if before else None
        if lead and prev is not None and prev.rule == "quote-fragment" and prev.cue_start == cue.start:
            # a further fragment of the same clause: “nasty guy,” an “anchor baby,” “unstable” and “sick.”
            return replace(prev, end=q.end, text=text[prev.start : q.end])
        words = speaker_words(subj)
        mention, entity = speakers.resolve(subj, words, None)
        if lead and cue.sent is sent:
            # a fragment inside the cue's clause ("called the senator a “nasty guy”"): the clause is a mixed quote
            start = lead[1].start if lead[0].lower_text == "that" and len(lead) > 1 else lead[0].start
            end = clause_end(cue, q)
            return Occurrence("mixed", text[start:end], start, end, cue.lemma, cue.text, mention, entity,
                              sent_text, 0.7, "quote-fragment", cue_start=cue.start)
        return Occurrence("direct", q.text(text), q.start, q.end, cue.lemma, cue.text, mention, entity, sent_text, 0.75,
                          "quote-cue", cue_start=cue.start)
    prev = next((o for o in reversed(before) if o.type in ("direct", "mixed") and o.entity is not None), None)
    starts_unit = sent is None or not [w for w in outside(sent.words, q) if w.upos != "PUNCT"]
    follows = prev is not None and starts_unit and near(text, prev.end, q.start)
    if follows and not someone_else_between(sentences, prev, q):
        return Occurrence("direct", q.text(text), q.start, q.end, None, None, None, prev.entity, sent_text, 0.6, "continuation")
    if not follows and (n_words < MIN_UNATTRIBUTED_WORDS or not starts_unit):
        return None
    # the person the sentence before introduced, in the quotation's paragraph; not when the last
    # quotation is in that paragraph too (“...,” said Weil. The mayor visited. “...”: either may speak)
    subj = introducer(text, sentences, q) if not follows or "\n" in text[prev.end : q.start] else None
    if subj is not None:
        mention, entity = speakers.resolve(subj, speaker_words(subj), None)
        if entity is not None and entity.kind == "person":
            return Occurrence("direct", q.text(text), q.start, q.end, None, None, mention, entity, sent_text, 0.5, "introduced")
    return Occurrence("direct", q.text(text), q.start, q.end, None, None, None, None, sent_text, 0.3, "unattributed")


