"""The learned cue model the extraction stage reads: is this word, in this sentence, a reporting cue
whose clause is its reported content?

The rules in ``rules.py`` know a lexicon of reporting verbs and the parses that go with them. News
reports speech in more ways than they cover: the object of a speech act ("the senator criticized the
governor for the delays", "she cited the report"), a clause after a verb outside the lexicon. The
model scores every (word, clause) pair of the parse that could be a cue and its content
(``candidates``) from the features of ``features``: the cue's lemma, tags and relation, how the
clause hangs on it and opens, its subject, negation and modality. Only speech is in scope: cues of
thought and intention are never candidates, and a statement needs a source that can speak.

Logistic regression over binary features, trained on PolNeAR train attributions
(``training/train_cue_model.py``); the weights and the model card live in ``data/cue_model.json``.
Scoring is a sum of weights: no learner is needed at run time.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .lexicon import (
    MODALS,
    NEGATIONS,
    ORG_WORDS,
    PERSONAL,
    REPORTING_NOUNS,
    REPORTING_VERBS,
    ROLE_NOUNS,
    THOUGHT_VERBS,
    TIME_WORDS,
    TITLES,
)
from .syntax import Sentence, Word

MODEL_FILE = Path(__file__).resolve().parent / "data" / "cue_model.json"
CUE_TAGS = ("VERB", "NOUN", "ADJ")


@dataclass(frozen=True)
class Candidate:
    """A word that may be a reporting cue, and the clause it may report."""

    cue: Word
    clause: Word  # head of the reported clause (or noun phrase)
    link: str  # how it hangs on the cue: ccomp, acl-that, obj
    tail: tuple = ()  # more phrases of the content: "criticized [Obama] [for not doing so]"
    inside_quotes: bool = False  # the cue word lies inside a quotation

    def words(self) -> list[Word]:
        """The content: the clause's words on its side of the cue (and the tail's), in order."""
        heads = (self.clause, *self.tail)
        words = {x for h in heads for x in h.subtree() if (x.id > self.cue.id) == (self.clause.id > self.cue.id)}
        return sorted(words, key=lambda x: x.id)


def candidates(sent: Sentence) -> Iterator[Candidate]:
    """Every (word, clause) pair that could be a cue of speech and its content: a clausal complement
    of a verb, noun or adjective; a "that" clause on a noun ("the claim that ..."); the object of a
    reporting verb ("praised the proposals", "criticized Obama for ..."). Cues of thought, desire and
    intention (``lexicon.THOUGHT_VERBS``) are not speech and never candidates; infinitives ("urged
    Congress to act", "plans to") are left to the rules, which know the reporting verbs that take one."""
    for w in sent.words:
        if w.upos not in CUE_TAGS or w.lemma.lower() in THOUGHT_VERBS:
            continue
        inside = any(w.start >= s and w.end <= e for s, e in sent.quoted)
        for c in w.children:
            if c.rel == "ccomp":
                yield Candidate(w, c, "ccomp", inside_quotes=inside)
            elif c.rel == "acl" and w.upos == "NOUN" and any(m.lemma == "that" for m in c.kids("mark")):
                yield Candidate(w, c, "acl-that", inside_quotes=inside)
            elif c.deprel == "obj" and c.id > w.id and w.upos == "VERB" and w.lemma.lower() in REPORTING_VERBS \
                    and c.upos in ("NOUN", "PROPN", "PRON") and not _labels(w):
                # a speech act's object: "criticized Obama for ...", "denied the allegations"
                tail = tuple(o for o in w.kids("obl", "advcl") if o.id > c.id
                             and any(k.lower_text in ("for", "over") for k in o.kids("case", "mark")))
                yield Candidate(w, c, "obj", tail, inside)


def is_negated(w: Word) -> bool:
    """"has never publicly acknowledged", "did not confirm": the cue reports what was not said."""
    return any(x.lower_text in NEGATIONS for x in w.kids("advmod", "det"))


def _labels(w: Word) -> bool:
    """"called the senator a “nasty guy”": a verb with a second complement names what its object is
    (the labelling rule and the quotations' own take it); its object alone is no statement."""
    return bool(w.kids("xcomp", "iobj")) or len(w.kids("obj")) > 1 or any(
        k.lower_text == "as" for o in w.kids("obl", "advcl") for k in o.kids("case", "mark"))


def _subject(w: Word) -> Word | None:
    for x in [w, *w.ancestors()]:
        subj = x.kids("nsubj", "nsubj:pass", "csubj")
        if subj:
            return subj[0]
        if x.rel not in ("xcomp", "conj"):
            return None
    return None


def _subject_kind(s: Word | None) -> str:
    if s is None:
        return "none"
    if s.lower_text in PERSONAL:
        return "personal"
    if s.lower_text in ("it", "this", "that", "there"):
        return "it"
    if s.upos == "PROPN":
        return "name"
    if s.lemma in ROLE_NOUNS:
        return "role"
    if s.lemma in TITLES:
        return "title"
    if s.lemma in ORG_WORDS:
        return "organisation"
    if s.lemma in TIME_WORDS:
        return "time"
    return s.upos.lower()


def features(c: Candidate) -> list[str]:
    """Binary features of a candidate, as names (weights are looked up by name)."""
    w, clause = c.cue, c.clause
    lemma = w.lemma.lower()
    marks = [m.lower_text for m in clause.kids("mark")]
    mark = marks[0] if marks else ("wh" if any(x.xpos.startswith("W") for x in clause.subtree()[:1]) else "none")
    subj = _subject(w)
    skind = _subject_kind(subj)
    passive = bool(w.kids("aux:pass")) or w.deprel == "nsubj:pass"
    negated = is_negated(w)
    modal = any(x.lower_text in MODALS for x in w.kids("aux"))
    after = clause.id > w.id
    n = len([x for x in c.words() if x.upos != "PUNCT"])
    size = "1-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+"
    lexicon = "verb" if lemma in REPORTING_VERBS else "noun" if lemma in REPORTING_NOUNS else "no"
    own_subject = bool(clause.kids("nsubj", "nsubj:pass", "expl"))
    f = [
        "bias",
        f"lemma={lemma}",
        f"lemma+link={lemma}|{c.link}",
        f"upos={w.upos}",
        f"xpos={w.xpos}",
        f"deprel={w.deprel}",
        f"link={c.link}",
        f"mark={mark}",
        f"link+mark={c.link}|{mark}",
        f"subject={skind}",
        f"lexicon={lexicon}",
        f"lexicon+link={lexicon}|{c.link}",
        f"lexicon+subject={lexicon}|{skind}",
        f"size={size}",
        f"clause_subject={own_subject}",
        f"clause_upos={clause.upos}",
        f"lemma+clause_upos={lemma}|{clause.upos}",
        f"after={after}",
    ]
    if c.tail:
        f.append("tail")
    if passive:
        f += ["passive", f"passive+lemma={lemma}"]
    if negated:
        f.append("negated")
    if modal:
        f.append("modal")
    if w.deprel in ("acl", "acl:relcl", "amod"):
        f.append("modifier")
    if c.inside_quotes:
        f.append("inside_quotes")
    return f


def can_speak(head: Word) -> bool:
    """A subject that can be a source of speech: a name, a personal pronoun, a role ("officials"), a
    title ("the senator") or an organisation ("the administration"); not "a stunning development"
    or "the data"."""
    return (head.upos == "PROPN" or head.lower_text in PERSONAL or head.lemma.lower() in ROLE_NOUNS
            or head.lemma.lower() in ORG_WORDS or head.lemma.lower() in TITLES)


@dataclass(frozen=True)
class CueModel:
    weights: dict
    threshold: float
    card: dict

    def probability(self, c: Candidate) -> float:
        z = sum(self.weights.get(name, 0.0) for name in features(c))
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def load() -> CueModel | None:
    """The bundled model, or None when it has not been trained (the rules then work alone)."""
    if not MODEL_FILE.exists():
        return None
    data = json.loads(MODEL_FILE.read_text())
    return CueModel(data["weights"], data["threshold"], data["card"])
