"""The learned mention typer (``quotes/extraction/nametype.py``): what it says of phrases hand-parsed
the way the bundled parser parses them, and that it carries its card."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from quotes.extraction import nametype

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)


@dataclass
class T:
    text: str
    lemma: str
    upos: str
    deprel: str
    head: int


def typed(tokens, start, end, head):
    return nametype.probabilities(nametype.features(tokens, start, end, head))


def test_a_place_after_a_preposition_is_a_place_and_cannot_speak():
    # "Residents fled in Marrakesh ."
    toks = [T("Residents", "resident", "NOUN", "nsubj", 2), T("fled", "flee", "VERB", "root", 0),
            T("in", "in", "ADP", "case", 4), T("Marrakesh", "Marrakesh", "PROPN", "obl", 2), T(".", ".", "PUNCT", "punct", 2)]
    p = typed(toks, 3, 4, 3)
    assert max(p, key=p.get) == "place"
    assert not nametype.can_speak(nametype.features(toks, 3, 4, 3))


def test_a_titled_name_that_speaks_is_a_person():
    # "Mr. Okafor said ..."
    toks = [T("Mr.", "Mr.", "PROPN", "compound", 2), T("Okafor", "Okafor", "PROPN", "nsubj", 3), T("said", "say", "VERB", "root", 0)]
    p = typed(toks, 0, 2, 1)
    assert max(p, key=p.get) == "person"


def test_an_event_is_not_a_speaker():
    # "The earthquake struck ..."
    toks = [T("The", "the", "DET", "det", 2), T("earthquake", "earthquake", "NOUN", "nsubj", 3), T("struck", "strike", "VERB", "root", 0)]
    assert typed(toks, 0, 2, 1)["other"] > 0.9


def test_the_model_carries_its_card():
    card = nametype.load()["card"]
    assert card["script"] == "training/train_name_types.py"
    assert "GUM" in card["data"] and card["dev_scores"]["accuracy"] > 0.8
