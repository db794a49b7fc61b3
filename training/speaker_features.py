"""Mentions of a document and the features of a (pronoun or description, earlier mention) pair, for
the mention-ranking experiment of ``train_speaker_resolver.py`` (issue 29; not used by the package yet).

``mention_heads`` finds the mentions from the parse view alone: the head of every nominal phrase
(a noun, a name, a personal pronoun). ``pair_features`` describes one (anaphor, candidate) pair by
binary features over what the extraction stage has at inference (``quotes.extraction.syntax``).
"""
from __future__ import annotations

from quotes.extraction import names
from quotes.extraction.coref import is_person_noun
from quotes.extraction.lexicon import ORG_WORDS, REPORTING_VERBS, ROLE_NOUNS
from quotes.extraction.syntax import Sentence, Word

NOMINAL = ("NOUN", "PROPN", "PRON")
NOT_MENTIONS = frozenset({"it", "this", "that", "what", "which", "who", "whom", "there", "these", "those"})
WINDOW_SENTENCES = 6  # candidates come from the anaphor's sentence and the six before it
MAX_CANDIDATES = 40  # and are at most the 40 mentions nearest it


def mention_heads(sentences: list[Sentence]) -> list[Word]:
    """Heads of nominal phrases, in text order: nouns, names and personal pronouns that are not part
    of a longer name or compound."""
    return [w for s in sentences for w in s.words
            if w.upos in NOMINAL and w.rel not in ("compound", "flat", "flat:name", "fixed", "goeswith")
            and not (w.upos == "PRON" and w.lemma in NOT_MENTIONS)]


def kind(w: Word) -> str:
    """pron:<lemma>, name, definite (a noun with a demonstrative or "the") or noun."""
    if w.upos == "PRON":
        return "pron:" + w.lemma
    if w.upos == "PROPN":
        return "name"
    dets = [c.lemma for c in w.kids("det", "det:poss", "nmod:poss")]
    return "definite" if any(d in ("the", "this", "that", "these", "those") for d in dets) else "noun"


def number(w: Word) -> str:
    if "Number=Plur" in w.feats or w.lemma in ("they", "we", "them", "us"):
        return "plur"
    if "Number=Sing" in w.feats or w.lemma in ("he", "she", "i", "him", "her", "me"):
        return "sing"
    return "?"


def speaks(w: Word) -> str:
    """What kind of source the word could be: a name, a pronoun, a person noun, an organisation
    noun, or something else (that cannot speak)."""
    lemma = w.lemma.lower()
    if w.upos == "PROPN":
        return "name"
    if w.upos == "PRON":
        return "pron"
    if lemma in ROLE_NOUNS or is_person_noun(lemma):
        return "person-noun"
    if lemma in ORG_WORDS:
        return "org-noun"
    return "other"


def _role(w: Word) -> str:
    rel = w.rel.split(":")[0]
    return rel if rel in ("nsubj", "obj", "iobj", "obl", "nmod", "appos", "conj", "root") else "other"


def _reporting_subject(w: Word) -> bool:
    return w.rel.startswith("nsubj") and w.parent is not None and w.parent.lemma in REPORTING_VERBS


def _bucket(n: int, edges=(0, 1, 2, 3, 5, 10)) -> str:
    return next((f"<={e}" for e in edges if n <= e), f">{edges[-1]}")


def pair_features(ana: Word, cand: Word, rank: int, same_text_before: int) -> list[str]:
    """Binary features of (anaphor, candidate), by name. ``rank``: how many candidates lie between
    them, plus one; ``same_text_before``: earlier mentions with the anaphor's head word."""
    ka, kc = kind(ana), kind(cand)
    gap = ana.sent.index - cand.sent.index
    na, nc = number(ana), number(cand)
    same_head = cand.lemma.lower() == ana.lemma.lower()
    same_name = ana.upos == "PROPN" and cand.upos == "PROPN" and names.same_person(_name(ana), _name(cand))
    return [
        "bias", f"ana={ka}", f"cand={kc}", f"ana+cand={ka}|{kc}",
        f"gap={_bucket(gap)}", f"rank={_bucket(rank)}", f"ana+gap={ka}|{_bucket(gap)}", f"ana+rank={ka}|{_bucket(rank)}",
        f"cand_role={_role(cand)}", f"ana_role+cand_role={_role(ana)}|{_role(cand)}",
        f"number={'agree' if na == nc else 'clash' if '?' not in (na, nc) else 'unknown'}",
        f"ana+speaks={ka}|{speaks(cand)}", f"speaks={speaks(cand)}",
        f"same_head={same_head}", f"ana+same_head={ka}|{same_head}", f"same_name={same_name}",
        f"reporting_subject={_reporting_subject(cand)}", f"ana+reporting_subject={ka}|{_reporting_subject(cand)}",
        f"seen_before={_bucket(same_text_before, (0, 1, 2, 4))}",
    ]


def _name(w: Word) -> str:
    ids = [w.id] + [c.id for c in w.children if c.rel in ("flat", "flat:name", "compound") and c.upos == "PROPN"]
    return " ".join(w.sent.words[i - 1].text for i in sorted(ids))


def candidates(heads: list[Word], i: int) -> list[Word]:
    """The mentions before ``heads[i]`` it may refer to, nearest last."""
    ana = heads[i]
    return [c for c in heads[max(0, i - MAX_CANDIDATES) : i] if ana.sent.index - c.sent.index <= WINDOW_SENTENCES]
