"""The learned mention typer the speaker stages read: is this noun phrase a person, an organisation,
a place or something else?

A speaker has to be able to speak. Word lists and titles settle most speaker phrases ("President Joe
Biden", "the Foreign Ministry", "a spokesperson"), but a capitalised name with no title is a guess:
"Marrakesh", "the South Pole", "Chandrayaan-3" and "Pragyan Rover" are names as much as "Remy Mossu"
is, and a pronoun resolved to one of them credits a place or a spacecraft with a statement. The
typer weighs what the parse says of the mention: its words and their endings, its shape, its
determiner and the word it hangs on ("in Marrakesh", "landed on the South Pole", "Mossu told").

Multinomial logistic regression over binary features, trained on GUM's entity annotation (every
non-pronoun mention of the train split, typed person, organization, place and the rest;
``training/train_name_types.py``); the weights and the model card live in ``data/name_types.json``.
Scoring is a sum of weights: no learner is needed at run time.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

MODEL_FILE = Path(__file__).resolve().parent / "data" / "name_types.json"
LABELS = ("person", "organisation", "place", "other")
SPEAKING = ("person", "organisation")


class Token(Protocol):
    """What a feature needs of a word: the parse view's ``Word`` and the trainer's GUM tokens both have it."""

    text: str
    lemma: str
    upos: str
    deprel: str
    head: int  # 1-based index of the syntactic head in the sentence, 0 for the root


def _shape(text: str) -> str:
    shape = re.sub(r"[A-Z]", "X", text)
    shape = re.sub(r"[a-z]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1\1", shape)[:8]


def _attachment(tokens: Sequence[Token], i: int) -> list[str]:
    """How a word hangs in its sentence: its relation, the word it hangs on, its preposition."""
    t = tokens[i]
    rel = t.deprel.split(":")[0]
    out = [f"rel={rel}"]
    if t.head:
        out.append(f"gov={tokens[t.head - 1].lemma.lower()}|{rel}")
    out += [f"case={c.lemma.lower()}" for c in tokens if c.head == i + 1 and c.deprel.split(":")[0] == "case"]
    return out


def context(tokens: Sequence[Token], i: int) -> list[str]:
    """What the sentence says around one word: the word before it, what it hangs on and how, and its
    preposition ("in Marrakesh", "Mossu told")."""
    return [f"prev={tokens[i - 1].text.lower() if i > 0 else '<s>'}", *_attachment(tokens, i)]


def features(tokens: Sequence[Token], start: int, end: int, head: int, elsewhere: Sequence[str] = ()) -> list[str]:
    """Binary features of the mention ``tokens[start:end]`` whose syntactic head is ``tokens[head]``
    (indices 0-based into the sentence); ``elsewhere``: the ``context`` of the head word's other
    occurrences in the article, which name the same thing more often than not."""
    h = tokens[head]
    low = h.text.lower()
    out = [f"h={h.lemma.lower()}", f"hu={h.upos}", f"hs={_shape(h.text)}", *_attachment(tokens, head)]
    out += [f"s3={low[-3:]}", f"s4={low[-4:]}", f"p3={low[:3]}"]
    if any(c.isdigit() for c in h.text):
        out.append("digit")
    words = [t for t in tokens[start:end] if t.upos not in ("DET", "PUNCT")]
    out.append(f"n={min(len(words), 4)}")
    for t in words:
        out.append(f"w={t.text.lower()}")
    if words:
        out += [f"first={words[0].text.lower()}", f"last={words[-1].text.lower()}"]
        if len(words) > 1 and words[0] is not h:
            out.append(f"firsts={_shape(words[0].text)}")
    det = next((t.lemma.lower() for t in tokens[start:end] if t.upos == "DET" and t.head == head + 1), None)
    out.append(f"det={det}")
    if h.head and h.deprel.split(":")[0] in ("nmod", "obl", "compound"):
        out.append(f"govu={tokens[h.head - 1].upos}|{h.deprel.split(':')[0]}")
    out.append(f"prev={tokens[start - 1].text.lower() if start > 0 else '<s>'}")
    out.append(f"next={tokens[end].text.lower() if end < len(tokens) else '</s>'}")
    out += sorted({f"d:{f}" for f in elsewhere})
    return out


@lru_cache(maxsize=1)
def load() -> dict:
    with open(MODEL_FILE, encoding="utf-8") as f:
        model = json.load(f)
    model["index"] = {label: i for i, label in enumerate(model["labels"])}
    return model


def probabilities(feats: Sequence[str], model: dict | None = None) -> dict[str, float]:
    """The model's probability of each label for a mention's features (the bundled model by default)."""
    model = model or load()
    weights = model["weights"]
    scores = list(model["bias"])
    for f in set(feats):
        w = weights.get(f)
        if w is not None:
            for i, x in enumerate(w):
                scores[i] += x
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {label: e / total for label, e in zip(model["labels"], exps)}


def can_speak(feats: Sequence[str], floor: float = 0.5) -> bool:
    """Whether the mention is more likely than ``1 - floor`` to be a person or an organisation."""
    p = probabilities(feats)
    return sum(p[k] for k in SPEAKING) >= 1 - floor
