"""Stage 4 of the pipeline: give every statement of one article its speaker.

Input: the cue-based attributions from ``extract.py`` and the quoted spans no cue claimed.
Output: ``Occurrence`` records whose speaker is a local entity of the article.

- Quotations with no cue of their own take the nearest cue in their sentence ("“…,” Zelenskyy
  stated in a message"), or one from a sentence ending in a colon just before; a quoted paragraph
  or sentence with no cue continues the speaker of the quotation just before it. Quoted fragments
  inside the cue's clause ("called the senator a “nasty guy,” an “anchor baby”") make one mixed
  statement; a quotation signed with a dash ("“...” ― Azucena Gonzàlez") is the signer's; short
  all-capitalised quoted names ("Fox News Sunday") are titles, not speech.
- Pronouns ("he", "they") resolve to the nearest compatible earlier speaker or named subject;
  definite descriptions ("the agency", "the official") to the nearest earlier speaker of the same
  kind; unnamed sources ("a doctor interviewed in the SBU video") stay as written.
- One entity per person or organisation in the article: a surname alone joins the full name seen
  earlier, an acronym joins the expansion the article defines, spelling variants fold together.

Not handled: cataphora ("He said ... , Zelensky added" with no earlier mention), and "she"/"he"
gender agreement (no gender lexicon: the nearest person wins).
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from . import names
from .lexicon import REPORTING_VERBS, TIME_WORDS
from .extract import (Attribution, close_name, inverted_subject, is_cue_verb, participle_holder, speaker_words, subject_of,
                      trim, wh_opened)
from .quotemarks import QuoteSpan
from .syntax import Sentence, Word, span_of

DASH_SIGNATURE = re.compile(r"[”\"’»]?[ \t\u00a0]*[―—–][ \t\u00a0]*((?:[A-Z][\w.'’-]*)(?:[ \t][A-Z][\w.'’-]*){0,4})[ \t\u00a0,.]*(?=\n|$)")
MIN_UNATTRIBUTED_WORDS = 5  # shorter cue-less quotations are titles, terms or scare quotes


@dataclass(eq=False)
class Entity:
    """A speaker within one article."""

    name: str
    kind: str
    mentions: list[str] = field(default_factory=list)
    description: str | None = None
    acronyms: set[str] = field(default_factory=set)


@dataclass
class Occurrence:
    """One statement as stored: text, offsets, type, cue, speaker as written and as resolved."""

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


def _mention_text(words: list[Word], text: str) -> str | None:
    if not words:
        return None
    s, e = span_of(words)
    return " ".join(text[s:e].split())


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


class ArticleSpeakers:
    """Entities of one article, resolved mention by mention in text order."""

    def __init__(self, text: str, sentences: list[Sentence]):
        self.text = text
        self.sentences = sentences
        self.entities: list[Entity] = []
        self.history: list[tuple[int, Entity]] = []  # (position, entity) of every resolved mention
        self.acronyms = names.learn_acronyms(text)
        self._scanned = 0  # sentences already searched for named subjects

    # -- named mentions -------------------------------------------------------------------
    def named(self, mention: str, kind: str, description: str | None, pos: int) -> Entity:
        name = names.display_name(mention, kind)
        entity = self._match(name, kind) or self._new(name, kind)
        if mention not in entity.mentions:
            entity.mentions.append(mention)
        if description and not entity.description:
            entity.description = description
        if description and names.is_acronym(description):
            entity.acronyms.add(description)
        if kind == "person" and names.better_name(entity.name, name):
            entity.name = name  # the fullest form names the entity
        self.history.append((pos, entity))
        return entity

    def labelled(self, name: str, pos: int) -> Entity:
        """A speaker named by a label rather than a parse (a transcript turn, a dash signature)."""
        kind = names.kind_of(name, head_upos="PROPN")
        return self.named(name, kind if kind in ("person", "organisation", "group") else "person", None, pos)

    def _new(self, name: str, kind: str) -> Entity:
        e = Entity(name, kind)
        if kind == "organisation" and names.is_acronym(name) and name in self.acronyms:
            e.acronyms.add(name)
            e.name = names.display_name(self.acronyms[name], kind)
        self.entities.append(e)
        return e

    def _match(self, name: str, kind: str) -> Entity | None:
        for e in reversed(self.entities):
            if e.kind != kind and not {e.kind, kind} <= {"organisation", "group"}:
                continue
            if kind == "person" and names.same_person(name, e.name):
                return e
            if kind in ("organisation", "group") and self._same_org(name, e):
                return e
        return None

    def _same_org(self, name: str, e: Entity) -> bool:
        if name in e.acronyms or name == e.name:
            return True
        expansion = self.acronyms.get(name)
        if expansion and names.same_org(expansion, e.name):
            return True
        return any(names.same_org(name, m) for m in [e.name, *e.mentions] if not names.is_acronym(m)) or any(
            self.acronyms.get(a) and names.same_org(name, self.acronyms[a]) for a in e.acronyms
        )

    def complete_surnames(self) -> None:
        """A person known only by surname takes the full name the article gives elsewhere, even where
        that person is not quoted ("... a scheme that Andrii Yusov, spokesperson for Ukraine's military
        intelligence agency, says ..." then "..., Yusov said."), and the apposition as description."""
        for e in self.entities:
            if e.kind != "person" or len(e.name.split()) != 1:
                continue
            # (a name never runs across a line break: "... Harbour Board\n\nSolberg told ...")
            pattern = r"((?:[A-Z][\w’'.-]+[^\S\n]+){1,4})" + re.escape(e.name) + r"\b(?:,\s+((?:a |an |the )?[a-z][^,.;“”\"]{3,90}),)?"
            full = {}
            for m in re.finditer(pattern, self.text):
                # "Francois Hollande Says Donald Trump": only the name next to the surname is its
                written = names.reported_parts(m.group(1) + e.name)[-1]
                name, _title = names.strip_titles(written)
                first, _last = names.person_key(name)
                if first and len(name.split()) > 1:
                    full.setdefault(first, (name, written, m))
            if len(full) != 1:
                continue  # none, or two people sharing the surname (Hillary and Bill Clinton): leave it
            name, written, m = next(iter(full.values()))
            e.mentions.append(written)
            e.name = name
            if m.group(2) and not e.description:
                e.description = m.group(2)

    # -- pronouns and definite descriptions ------------------------------------------------
    def antecedent(self, want: str, pos: int, head_lemma: str | None = None) -> Entity | None:
        """Nearest earlier entity of the wanted kind ("person", "organisation", "any", or a role noun)."""
        self._add_subject_mentions(pos)
        for p, e in sorted(self.history, key=lambda pe: pe[0], reverse=True):
            if p >= pos:
                continue
            if want == "any" or e.kind == want or (want == "organisation" and e.kind == "group"):
                return e
            if want == "role" and head_lemma and head_lemma in " ".join(e.mentions).lower():
                return e
        return None

    def _add_subject_mentions(self, pos: int) -> None:
        """Named subjects of earlier sentences are antecedents too, even when they said nothing."""
        seen = {p for p, _ in self.history}
        while self._scanned < len(self.sentences) and self.sentences[self._scanned].start < pos:
            sent = self.sentences[self._scanned]
            self._scanned += 1
            for w in sent.words:
                if w.rel == "nsubj" and w.upos == "PROPN" and w.start not in seen:
                    words = trim(speaker_words(w))
                    mention = _mention_text(words, self.text)
                    kind = names.kind_of(mention or "", head_upos=w.upos, head_lemma=w.lemma)
                    if mention and kind in ("person", "organisation", "group"):
                        self.named(mention, kind, None, w.start)
                        seen.add(w.start)

    def resolve(self, head: Word | None, words: list[Word], description: str | None) -> tuple[str | None, Entity | None]:
        """The mention as written and the entity it refers to (None for no speaker)."""
        mention = _mention_text(words, self.text)
        if head is None or not mention:
            return None, None
        det = next((c.lemma for c in head.kids("det")), None)
        first = words[0]
        if det is None and first.id > 1 and first.sent.words[first.id - 2].upos == "DET":
            det = first.sent.words[first.id - 2].lemma  # a determiner the parser attached elsewhere
            words = [first.sent.words[first.id - 2], *words]
            mention = _mention_text(words, self.text)
        upos = head.upos
        if upos == "NOUN" and head.text[:1].isupper() and head.id > 1 and not det:
            upos = "PROPN"  # a capitalised noun inside a sentence is a name the tagger missed
        head_lemma = head.lemma
        # (an apposition only when close_name keeps it in the mention; set off by a comma it is a description)
        named = [c for c in head.kids("flat", "appos") if c.upos == "PROPN" and c.id > head.id and c.text[:1].isupper()
                 and (c.rel == "flat" or close_name(head, c))]
        if upos == "NOUN" and not det and named:
            # "City engineer Maria Lopez": a role noun the parser made the head, the name hung on it
            upos, head_lemma = "PROPN", named[-1].lemma
        kind = names.kind_of(mention, head_upos=upos, head_lemma=head_lemma, determiner=det)
        ids = {w.id for w in words}
        if kind != "pronoun" and any(c.id in ids and c.kids("cc") for c in head.kids("conj")):
            kind = "group"  # "Ukraine and its allies", "the White House and the Pentagon": several sources speaking as one
        if head.upos == "PRON" or kind == "pronoun":
            want = {"person": "person", "organisation": "organisation"}.get(names.PRONOUNS.get(head.lemma, "any"), "any")
            if head.lemma in ("they", "we") and not any(w.upos == "PROPN" for w in words):
                want = "organisation"
            ent = self.antecedent(want, head.start)
            if ent is not None:
                self.history.append((head.start, ent))
            return mention, ent
        lowercase = all(not w.text[:1].isupper() for w in words[1:]) and upos != "PROPN"
        if det in ("the", "this", "that") and head.upos in ("NOUN", "ADJ", "X") and lowercase:
            want = "organisation" if kind == "organisation" else "role"
            ent = self.antecedent(want, head.start, head.lemma)
            if ent is not None:
                self.history.append((head.start, ent))
                return mention, ent
        if kind in ("anonymous",):
            ent = self._new(mention[0].lower() + mention[1:] if not names.is_acronym(mention.split()[0]) else mention, "anonymous")
            ent.mentions.append(mention)
            self.history.append((head.start, ent))
            return mention, ent
        return mention, self.named(mention, kind, description, head.start)


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
        if out and _resumes(out[-1], occ, text):
            prev = out[-1]  # “My hope,” he said, “is that ...”: one quotation around its cue
            # a mixed quotation keeps the comma and closing mark its quoted end broke off with
            closing = re.match(r"[,’”\"']*", text[prev.end :]).group(0) if prev.type == "mixed" else ""
            prev.text = f"{prev.text}{closing} {occ.text}"
            prev.end = occ.end
            continue
        out.append(occ)
    speakers.complete_surnames()
    return out


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
            prev.end = q.end
            prev.text = text[prev.start : prev.end]
            return None
        words = speaker_words(subj)
        mention, entity = speakers.resolve(subj, words, None)
        if lead and cue.sent is sent:
            # a fragment inside the cue's clause ("called the senator a “nasty guy”"): the clause is a mixed quote
            start = lead[1].start if lead[0].lower_text == "that" and len(lead) > 1 else lead[0].start
            return Occurrence("mixed", text[start : q.end], start, q.end, cue.lemma, cue.text, mention, entity,
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


def is_title(q: QuoteSpan, text: str, sent: Sentence) -> bool:
    """A short quoted name inside a sentence - a programme, book or slogan (“Fox News Sunday”) -
    rather than speech: every word capitalised, at most five, and not opening its sentence."""
    words = re.findall(r"[\w’'-]+", q.text(text))
    if not words or len(words) > 5 or q.start <= sent.start + 1:
        return False
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "with", "at", "by"}
    return all(w[:1].isupper() or w.lower() in small for w in words) and words[0][:1].isupper()


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
