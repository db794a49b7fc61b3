"""Which earlier mention a pronoun speaker may take, and which it takes (issue 29).

"He said", "she added", "it said in a statement", "they said": each earlier mention the article has
recorded (speakers, named subjects, described people, pronoun subjects already resolved, and for
"he"/"she" names in other roles) is a candidate. What may never be overridden is compatibility
(``compatible``): gender where the article states it, "he"/"she" a single person, "it" an
organisation, "they" an organisation or several. Among the compatible candidates the order is the
latest sentence, a subject there first, then the nearest (``rule_order``).

A learned mention-ranking model over the same candidates, trained on GUM's coreference
(``training/train_speaker_ranker.py``), was measured against this order and is not used: on GUM dev it
ties (top-1 0.916 against 0.911) and on the unseen-outlet news dev it loses (attribution 0.824
against 0.859), preferring the entity a story keeps returning to over the one who spoke last
(docs/models.md, "Antecedents of pronoun speakers").
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 5  # sentences back a candidate may be before only the latest one further back counts
RESOLVED = frozenset({"he", "she", "it", "they"})  # the subject pronouns resolved here
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves", "we", "us", "our"})
ORGANISATION_PRONOUNS = frozenset({"it", "its", "itself"})
# words that state a person's gender in a mention of them ("Mrs. Clinton", "the woman", "the spokeswoman")
GENDERED = {"mr.": "m", "mr": "m", "mrs.": "f", "mrs": "f", "ms.": "f", "ms": "f", "man": "m", "woman": "f",
            "father": "m", "mother": "f", "son": "m", "daughter": "f", "brother": "m", "sister": "f",
            "husband": "m", "wife": "f", "king": "m", "queen": "f", "boy": "m", "girl": "f",
            "businessman": "m", "businesswoman": "f", "chairman": "m", "chairwoman": "f", "spokesman": "m",
            "spokeswoman": "f", "congressman": "m", "congresswoman": "f", "actress": "f", "grandmother": "f",
            "grandfather": "m", "widow": "f", "uncle": "m", "aunt": "f", "sir": "m", "lady": "f"}


@dataclass(frozen=True)
class Mention:
    """What is known of one mention: where it is, its relation, and its entity's kind so far."""

    sent: int  # sentence index in the article
    pos: int  # character offset of the head word (orders mentions)
    rel: str  # the head's relation ("nsubj", "obj", ...)
    lemma: str  # the head's lemma, lowercased
    etype: str  # person, organisation or other (the entity's, as far as known)
    plural: bool = False
    gender: str | None = None  # "m" or "f", where the article states it


def gender_of(mention: str) -> str | None:
    """The gender a mention states: a gendered pronoun, title or noun ("he", "Mrs. Clinton", "the
    spokeswoman"); None for a name alone (first names are not read for gender)."""
    words = mention.lower().split()
    if len(words) == 1 and words[0] in PRONOUN_GENDER:
        return PRONOUN_GENDER[words[0]]
    return next((GENDERED[w] for w in words if w in GENDERED), None)


def compatible(anaphor: Mention, cand: Mention) -> bool:
    """Hard constraints that nothing overrides: gender where it is known, a person pronoun ("he",
    "she") a single person and never an organisation, "it" never a person, and a plural pronoun never
    a single person ("they" may be an organisation: "the company said they")."""
    want = PRONOUN_GENDER.get(anaphor.lemma)
    if want:
        return cand.etype == "person" and cand.gender in (None, want) and not cand.plural
    if anaphor.lemma in ORGANISATION_PRONOUNS:
        return cand.etype == "organisation"
    if anaphor.lemma in PLURAL_PRONOUNS:
        return cand.etype == "organisation" or cand.plural
    return True


def rule_order(cand: Mention) -> tuple:
    """The latest sentence, a subject there first, then the nearest."""
    return cand.sent, cand.rel in ("nsubj", "nsubj:pass"), cand.pos


def choose(anaphor: Mention, candidates: Sequence[Mention]) -> int | None:
    """The index of the candidate the pronoun refers to: the first compatible one in ``rule_order``
    among those before it within ``WINDOW`` sentences, else the first compatible one further back;
    None when none fits."""
    fitting = [i for i, c in enumerate(candidates) if c.pos < anaphor.pos and compatible(anaphor, c)]
    near = [i for i in fitting if anaphor.sent - candidates[i].sent <= WINDOW]
    pool = near or fitting
    return max(pool, key=lambda i: rule_order(candidates[i])) if pool else None
