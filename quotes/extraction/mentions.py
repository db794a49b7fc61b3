"""What a mention can be: a person, an organisation, a place or a thing (issue 29).

Word lists settle most speaker phrases (a title, a role noun, an organisation's word, a country);
a bare name or description is the learned typer's call (``nametype.py``), read with what the article
says around the head word's other occurrences; a name the article introduces with an organisation's
word or a company's title is an organisation's. ``MentionTypes`` holds this for one article and is
mixed into ``coref.ArticleSpeakers``, whose ``_match`` (the article's people by name) it reads.
"""
from __future__ import annotations

import re

from . import names, nametype
from .lexicon import (
    ABBREVIATED_TITLES,
    COMPANY_TITLES,
    ORG_WORDS,
    PERSON_SUFFIXES,
    ROLE_NOUNS,
    ROLE_SYNONYMS,
    TITLE_QUALIFIERS,
    TITLES,
)
from .syntax import Sentence, Word


def word_key(word: str) -> str:
    """A word as roles compare it: lower case, without dots ("U.S." is "us")."""
    return word.lower().replace(".", "")


def is_person_noun(lemma: str) -> bool:
    """Whether a noun can name a person: a title or role word, or a noun with a person's ending."""
    if lemma in TITLE_QUALIFIERS:
        return False
    return lemma in TITLES or lemma in ROLE_NOUNS or lemma in ABBREVIATED_TITLES or any(lemma in g for g in ROLE_SYNONYMS) \
        or (len(lemma) > 4 and lemma.endswith(PERSON_SUFFIXES))


class MentionTypes:
    """The typing of one article's mentions, cached per mention (``ArticleSpeakers`` sets ``text``,
    ``sentences`` and the caches in its ``__init__``)."""

    sentences: list[Sentence]
    _types: dict
    _capitalised: dict | None
    _org_named: set | None

    # -- what a mention can be ------------------------------------------------------------
    def types(self, head: Word, words: list[Word]) -> dict[str, float]:
        """The learned typer's probabilities (person, organisation, place, other) for a mention, with
        what the article says around the other occurrences of its head word."""
        ids = [w.id for w in words if w.sent is head.sent] or [head.id]
        key = (head.start, min(ids))
        if key not in self._types:
            elsewhere = [f for sent, i in self.occurrences(head.text) if sent.words[i] is not head
                         for f in nametype.context(sent.words, i)]
            feats = nametype.features(head.sent.words, min(ids) - 1, max(ids), head.id - 1, elsewhere)
            self._types[key] = nametype.probabilities(feats)
        return self._types[key]

    def occurrences(self, word: str) -> list[tuple[Sentence, int]]:
        """(sentence, index) of each occurrence of a capitalised word in the article (index made once)."""
        if self._capitalised is None:
            self._capitalised = {}
            for sent in self.sentences:
                for i, w in enumerate(sent.words):
                    if w.text[:1].isupper():
                        self._capitalised.setdefault(w.text, []).append((sent, i))
        return self._capitalised.get(word, [])

    def can_speak(self, head: Word, words: list[Word], kind: str, mention: str, *, strict: bool = False) -> bool:
        """Whether a phrase names someone who can speak. A title, a role noun, an organisation's word
        or a country settles it; a bare name or description is the typer's call. ``strict`` (an
        antecedent a pronoun may take): a person or an organisation more likely than not ("the South
        Pole", "Chandrayaan-3" are not); otherwise (the subject of a speech verb) only what is almost
        surely a thing or an event is refused ("the outcome", "Early Friday"): a place says things
        by metonymy ("Seoul said", "the palace said")."""
        if kind == "person" and names.titled_person(mention):
            return True
        if kind in ("organisation", "group", "pronoun") or is_person_noun(head.lemma.lower()) or head.lemma.lower() in ORG_WORDS:
            return True
        p = self.types(head, words)
        if strict:
            return p["person"] + p["organisation"] >= 0.5
        return p["other"] < 0.9

    def org_named(self) -> set[str]:
        """First words of the names the article introduces with an organisation's word right before
        them, joined by the parse ("his club Juventus Turin", "the carmaker Tesla", "news agency
        Reuters"; not "the company Elon Musk founded", where the name is the clause's subject), or
        gives a company's title right after ("CrowdStrike CEO George Kurtz")."""
        if self._org_named is None:
            self._org_named = set()
            for sent in self.sentences:
                for w in sent.words[1:]:
                    before = sent.words[w.id - 2]
                    if w.upos == "PROPN" and before.upos == "NOUN" and before.text.islower() \
                            and before.lemma.lower() in ORG_WORDS and (before.parent is w or w.parent is before) \
                            and word_key(w.text) not in TITLES:
                        self._org_named.add(w.text)
                for w in sent.words[:-1]:
                    after = sent.words[w.id]
                    if w.upos == "PROPN" and word_key(after.text) in COMPANY_TITLES and not names.titled_person(w.text):
                        # "CrowdStrike CEO George Kurtz", "FTX founder Sam Bankman-Fried": whose title it is
                        first = w
                        while first.id > 1 and sent.words[first.id - 2].upos == "PROPN" and sent.words[first.id - 2].text[:1].isupper():
                            first = sent.words[first.id - 2]
                        self._org_named.update({w.text, first.text})
        return self._org_named

    def refine(self, head: Word, words: list[Word], kind: str, mention: str) -> str:
        """A name the word lists took for a person by default ("The France international", a club's
        name with no title) is an organisation when the article introduces it with an organisation's
        word ("his club Juventus"), or when the typer is sure it is not a person and the article knows
        no person of that name."""
        if kind != "person" or self._match(names.display_name(mention, kind), "person"):
            return kind
        if not names.titled_person(mention) and names.display_name(mention, kind).split()[0] in self.org_named():
            return "organisation"
        article = re.match(r"(?:the|The)\s+([A-Z][\w.’'-]*)", mention)
        if article and article.group(1).lower().rstrip(".") not in TITLES:
            return "organisation"  # "the U.S. Geological Survey": a person's name takes no article ("the Rev. X" does)
        if names.titled_person(mention):
            return kind
        p = self.types(head, words)
        return "organisation" if p["person"] < 0.3 and p["organisation"] > p["person"] else kind
