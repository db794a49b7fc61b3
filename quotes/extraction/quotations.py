"""Quotations without a cue of their own, and statements found without any cue.

A quoted span that no cue rule claimed (``quotetype.classify`` hands them over) may still have a
cue nearby: a reporting verb elsewhere in its sentence ("“…,” Zelenskyy stated in a message") or a
sentence ending in a colon just before (``cue_for_quote``); a dash may sign it ("“...” ― Azucena
Gonzàlez", ``DASH_SIGNATURE``); a quoted paragraph may continue the quotation before it
(``near``, unless ``someone_else_between``). Short title-cased quotations are names of things,
not speech (``is_title``). Interview and debate transcripts are read as turns
(``transcript_turns``), and Q&A interviews as questions and answers (``qa_turns``). ``attribute.py`` turns what is found here into statements.
"""
from __future__ import annotations

import re

from .lexicon import DISCLOSE_VERBS, DOCUMENT_NOUNS, QUOTED_TITLE_SMALL, REPORTING_VERBS, TIME_WORDS
from .phrases import inverted_subject, is_cue_verb, participle_holder, subject_of, wh_opened
from .quotemarks import QuoteSpan
from .records import Occurrence
from .syntax import Sentence, Word

TRANSCRIPT_LABEL = re.compile(r"^[ \t]*[\"“]?([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):[ \t]+(\S.*)$", re.M)
NOT_SPEAKER_LABELS = frozenset({"UPDATE", "WATCH", "READ", "RELATED", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE",
                                "CORRECTION", "BREAKING", "PHOTO", "PHOTOS", "VIDEO", "ADVERTISEMENT", "SOURCE",
                                "SOURCES", "CLICK", "LISTEN", "MORE", "SEE", "ALSO", "FILE", "AP", "CNN", "WASHINGTON"})


def transcript_turns(text: str) -> list[tuple[int, int, str]]:
    """Turns of an interview or debate transcript: paragraphs opening with a speaker label in
    capitals ("PENCE: Well, look, ..."), as (start, end, label). An article needs two such turns
    before any counts, so a lone "UPDATE:" or dateline never does."""
    turns = []
    for m in TRANSCRIPT_LABEL.finditer(text):
        label = m.group(1)
        if label.rstrip(".") in NOT_SPEAKER_LABELS or sum(ch.isalpha() for ch in label) < 2:
            continue
        start, end = m.start(2), m.end(2)
        while end > start and text[end - 1] in "\"” \t":
            end -= 1
        turns.append((start, end, label))
    return turns if len(turns) >= 2 else []


QA_QUESTION = re.compile(r"^[ \t]*(?:\*\*)?(?:Q|Question)[ \t]*[:.)][ \t]*(\S.*)$", re.M)
QA_ANSWER = re.compile(r"^[ \t]*(?:\*\*)?(?:A|Answer)[ \t]*[:.)][ \t]*(\S.*)$", re.M)
# a question standing as its own paragraph, bare or set between dashes: "– Was the quake a surprise? –"
QA_BARE_QUESTION = re.compile(r"^[ \t]*([–—-][ \t]*)?([^\n“”\"]{8,300}\?)[ \t]*([–—-][ \t]*)?$", re.M)
# words of an introduction saying that an interview follows
INTERVIEW_WORDS = re.compile(r"\b(?:interview(?:s|ed)?|spoke (?:to|with)|speaks (?:to|with)|talk(?:s|ed)? (?:to|with)|"
                             r"sat down with|Q&A|answer(?:s|ed)? (?:our |\w+’s |\w+'s )?questions|questions? (?:to|for))\b", re.I)
# an answer labelled with the interviewee's full name: "Florent Brenguier: It's rare to have ..."
NAME_LABEL = re.compile(r"^[ \t]*([A-Z][\w’'.-]+(?:[ \t][A-Z][\w’'.-]+){1,3}):[ \t]+(\S.*)$", re.M)
ISSUE_VERBS = DISCLOSE_VERBS | {"issue", "post", "write", "tweet", "put", "send"}
INTERVIEW_VERBS = frozenset({"interview", "speak", "talk", "answer", "ask", "sit", "tell"})


def qa_turns(text: str, sentences: list[Sentence]) -> list[tuple[int, int, str | None, bool]]:
    """Paragraphs of a Q&A interview as (start, end, who, is_question): questions labelled "Q:" or
    "Question:"; paragraphs that are a question alone between dashes; or, after an introduction that
    announces an interview ("FRANCE 24 talks with seismologist Florent Brenguier"), bare ones;
    every paragraph up to the next question is an answer. ``who`` is the interviewee for answers
    and the interviewer for questions, as the introduction names them (``interview_parties``), or
    None. Empty unless the article holds two questions, or a labelled question and answer."""
    named = [m for m in NAME_LABEL.finditer(text) if m.group(1) in text[: m.start()]]
    if named:
        return _named_answers(text, sentences, named)
    labelled = list(QA_QUESTION.finditer(text))
    # questions as (start, end) of their words and where their paragraph ends
    if labelled and QA_ANSWER.search(text):
        questions = [(m.start(1), m.end(1), m.end()) for m in labelled]
    else:
        # a question paragraph is one sentence ("The outline seems clear: ... But what if ...?" is a writer's)
        bare = [m for m in QA_BARE_QUESTION.finditer(text) if not re.search(r"[.!?][ \t]+[A-Z]", m.group(2))]
        dashed = all(m.group(1) and m.group(3) for m in bare)  # "– Was the quake a surprise? –": a Q&A's own mark
        # bare questions only right after an introduction announcing the interview
        if len(bare) < 2 or not (dashed or INTERVIEW_WORDS.search(text, max(0, bare[0].start() - 400), bare[0].start())):
            return []
        questions = [(m.start(2), m.end(2), m.end()) for m in bare]
    interviewer, interviewee = interview_parties(text, sentences, questions[0][0])
    turns: list[tuple[int, int, str | None, bool]] = []
    bounds = [q[0] for q in questions[1:]] + [len(text)]
    for (q_start, q_end, after), limit in zip(questions, bounds):
        turns.append((q_start, q_end, interviewer, True))
        for m in re.finditer(r"[^\n]+", text[after:limit]):
            start = after + m.start()
            answer = QA_ANSWER.match(text, start)
            start = answer.start(1) if answer else start
            end = after + m.end()
            if len(text[start:end].split()) >= 3:
                turns.append((start, end, interviewee, False))
    return turns


def _named_answers(text: str, sentences: list[Sentence], named: list[re.Match]) -> list[tuple[int, int, str | None, bool]]:
    """Answers labelled with the full name the introduction gave ("Florent Brenguier: It's rare ...")
    and the question paragraph before each, when it ends in a question mark."""
    interviewer, _ = interview_parties(text, sentences, named[0].start())
    turns: list[tuple[int, int, str | None, bool]] = []
    for m in named:
        before = text.rfind("\n", 0, max(m.start() - 1, 0))
        question = text[before + 1 : m.start()].rstrip()
        if question.endswith("?") and not NAME_LABEL.match(question):
            # the whole paragraph: an interviewer sets the scene before asking
            start = before + 1 + len(question) - len(question.lstrip())
            turns.append((start, before + 1 + len(question), interviewer, True))
        end = m.end(2)
        while end > m.start(2) and text[end - 1] in " \t":
            end -= 1
        turns.append((m.start(2), end, m.group(1), False))
    return turns


def interview_parties(text: str, sentences: list[Sentence], first_question: int) -> tuple[str | None, str | None]:
    """(interviewer, interviewee) as the introduction before the first question names them: the
    subject and the person talked to of "X spoke to Y", "X talks with Y", "X interviewed Y"; else
    the last person's name the introduction gives as the interviewee."""
    names: list[str] = []
    for sent in sentences:
        if sent.start >= first_question:
            break
        for w in sent.words:
            if w.upos == "PROPN" and w.rel not in ("flat", "compound"):
                phrase = [x for x in w.subtree() if x.upos == "PROPN" and x.rel in ("flat", "compound") or x is w]
                names.append(text[phrase[0].start : phrase[-1].end])
            if w.lemma in INTERVIEW_VERBS and w.upos == "VERB":
                subj = [c for c in w.kids("nsubj") if any(x.upos == "PROPN" for x in c.subtree())]
                other = [c for c in w.kids("obj", "obl") if c.upos == "PROPN" and (c.rel == "obj" or any(
                    k.lemma in ("to", "with") for k in c.kids("case")))]
                if other:
                    name = [x for x in other[0].subtree() if x.upos == "PROPN"]
                    by = [x for x in subj[0].subtree() if x.upos != "PUNCT"] if subj else []
                    return (text[by[0].start : by[-1].end] if by else None,
                            text[name[0].start : name[-1].end])
    people = [n for n in names if len(n.split()) >= 2]
    return None, (people[-1] if people else None)


def is_title(q: QuoteSpan, text: str, sent: Sentence) -> bool:
    """A short quoted name inside a sentence - a programme, book or slogan (“Fox News Sunday”) -
    rather than speech: every word capitalised, at most five, and not opening its sentence."""
    words = re.findall(r"[\w’'-]+", q.text(text))
    if not words or len(words) > 5 or q.start <= sent.start + 1:
        return False
    return all(w[:1].isupper() or w.lower() in QUOTED_TITLE_SMALL for w in words) and words[0][:1].isupper()


DASH_SIGNATURE = re.compile(r"[”\"’»]?[ \t\u00a0]*[―—–][ \t\u00a0]*((?:[A-Z][\w.'’-]*)(?:[ \t][A-Z][\w.'’-]*){0,4})[ \t\u00a0,.]*(?=\n|$)")
MIN_UNATTRIBUTED_WORDS = 5  # shorter cue-less quotations are titles, terms or scare quotes


def sentence_of(sentences: list[Sentence], pos: int) -> Sentence | None:
    for s in sentences:
        if s.start <= pos < s.end + 1:
            return s
    return None


def outside(words: list[Word], q: QuoteSpan) -> list[Word]:
    return [w for w in words if not (q.start <= w.start < q.end + 1)]


def _nominal_between(sent: Sentence, start: int, cue: Word) -> Word | None:
    """The first name (else noun) between a quotation's end and its cue, as the head of its phrase."""
    span = [x for x in sent.words if start <= x.start < cue.start]
    pick = next((x for x in span if x.upos == "PROPN"), None) or next(
        (x for x in span if x.upos == "NOUN" and x.lemma.lower() not in TIME_WORDS), None)
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
    sent = sentence_of(sentences, q.start)
    if sent is None:
        return None
    last = sentence_of(sentences, max(q.start, q.end - 1)) or sent
    found = []
    for s in sentences[sent.index : last.index + 1]:
        for w in outside(s.words, q):
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
    if prev is not None and prev.words[-1].text == ":" and not outside(sent.words, q)[:-1]:
        for w in prev.words:
            # "The New York Times reports:" - a lone reporting word before the colon is the cue even
            # when the tagger called it a plural noun
            if is_cue_verb(w) or (w.lemma in REPORTING_VERBS and w.rel == "root"):
                subj = subject_of(w) or _nominal_between(prev, prev.start, w)
                if subj is not None:
                    return w, subj
    if prev is not None and not outside(sent.words, q)[:-1]:
        # "Paul Pogba releases a statement after the ban.\n“I've just been notified ...”": a quotation
        # standing alone right after a sentence saying someone issued the document it comes from
        for w in prev.words:
            if w.lemma in ISSUE_VERBS and any(o.lemma.lower() in DOCUMENT_NOUNS for o in w.kids("obj")):
                subj = subject_of(w)
                if subj is not None:
                    return w, subj
    return None


def clause_end(cue: Word, q: QuoteSpan) -> int:
    """Where a mixed quotation's statement ends: with the clause of the cue's that holds the quoted
    words, when it runs on past them ("said ... and “we're going to get away from” that if he's
    elected"), else at the closing mark."""
    for c in cue.children:
        sub = [w for w in c.subtree() if w.upos != "PUNCT"]
        if c.id > cue.id and sub and any(q.start <= w.start < q.end for w in sub):
            return max(q.end, max(w.end for w in sub))
    return q.end


def someone_else_between(sentences: list[Sentence], prev: Occurrence, q: QuoteSpan) -> bool:
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


def introducer(text: str, sentences: list[Sentence], q: QuoteSpan) -> Word | None:
    """The person a quotation with no cue follows on from: the one named subject of the sentence just
    before it in the same paragraph ("Prime Minister Narendra Modi also joined from South Africa.
    “We are witness to the new flight of new India.”"). None when that sentence names several, or
    none, or the quotation opens a paragraph of its own."""
    sent = sentence_of(sentences, q.start)
    if sent is None or sent.index == 0:
        return None
    prev = sentences[sent.index - 1]
    if "\n" in text[prev.end : q.start]:
        return None
    subjects = [w for w in prev.words if w.rel == "nsubj" and w.upos == "PROPN"
                and not any(a <= w.start < b for a, b in prev.quoted)]
    return subjects[0] if len(subjects) == 1 else None


def near(text: str, prev_end: int, start: int) -> bool:
    """The quotation follows the previous one in the same paragraph or the next."""
    return text.count("\n\n", prev_end, start) <= 1
