"""In-article coreference: one entity per person or organisation of an article, mention by mention.

Stage 4 of the pipeline (``attribute.py``) hands each speaker phrase it finds to ``ArticleSpeakers``,
in text order, and gets back the article's ``Entity`` for it:

- names: a surname alone joins the full name seen earlier, an acronym joins the expansion the
  article defines ("the Security Service of Ukraine (SBU)"), spelling variants fold together
  (the matching itself is ``names.py``'s);
- pronouns ("he", "they") resolve to the nearest compatible earlier speaker or named subject;
  definite descriptions ("the agency", "the official") to the nearest earlier speaker of the same
  kind; unnamed sources ("a doctor interviewed in the SBU video") stay as written.

Across articles, ``speakers.py`` then resolves these local entities to canonical speakers.

Not handled: cataphora ("He said ... , Zelensky added" with no earlier mention), and "she"/"he"
gender agreement (no gender lexicon: the nearest person wins).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import names
from .extract import close_name, speaker_words, trim
from .syntax import Sentence, Word, span_of


@dataclass(eq=False)
class Entity:
    """A speaker within one article."""

    name: str
    kind: str
    mentions: list[str] = field(default_factory=list)
    description: str | None = None
    acronyms: set[str] = field(default_factory=set)


def _mention_text(words: list[Word], text: str) -> str | None:
    if not words:
        return None
    s, e = span_of(words)
    return " ".join(text[s:e].split())


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
