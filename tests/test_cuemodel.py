"""The learned cue model (quotes/extraction/cuemodel.py, quotes/extraction/data/cue_model.json) on stored parses of
invented sentences (tests/fixtures/rules): cues beyond the lexicon rules, the scope it keeps to
(speech, not thought), the sources it accepts, and the bundled model's card."""
from __future__ import annotations

from pathlib import Path

import pytest

from quotes.extraction import cuemodel
from quotes.extraction.analyse import analyse
from quotes.extraction.syntax import sentences_from_doc
from quotes.parse import from_conllu

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)

RULES_DIR = Path(__file__).resolve().parent / "fixtures" / "rules"


def load(name: str):
    text = (RULES_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return text, from_conllu((RULES_DIR / f"{name}.conllu").read_text(encoding="utf-8"), text)


def test_the_bundled_model_loads_with_its_card():
    model = cuemodel.load()
    assert model is not None
    assert 0 < model.threshold < 1
    card = model.card
    # its dev figures are recorded, and they beat the rules alone on F1 at a precision of at least 0.8
    assert card["dev_with_model"]["f1"] > card["dev_rules_only"]["f1"]
    assert card["dev_with_model"]["precision"] >= 0.8
    assert "held out" in card["trained_on"]


def test_object_of_a_speech_act_is_a_statement_with_the_models_confidence():
    text, doc = load("learned_object")
    (occ,) = analyse(text, doc)
    assert (occ.type, occ.text, occ.speaker_mention, occ.cue_lemma, occ.rule) == (
        "indirect", "the governor for the long delays in the state budget", "The senator", "criticize", "learned")
    model = cuemodel.load()
    sent = sentences_from_doc(doc)[0]
    (cand,) = [c for c in cuemodel.candidates(sent) if c.cue.lemma == "criticize"]
    assert cand.link == "obj"
    p = model.probability(cand)
    assert p >= model.threshold
    assert occ.confidence == pytest.approx(p, abs=0.005)  # stored to two places


def test_a_phrase_hung_on_the_cue_after_its_object_joins_the_content():
    """"criticized [the governor] [for the long delays ...]" with "for ..." hung on the verb."""
    text, doc = load("fixed_learned_tail")
    sent = sentences_from_doc(doc)[0]
    (cand,) = [c for c in cuemodel.candidates(sent) if c.cue.lemma == "criticize"]
    assert [t.text for t in cand.tail] == ["delays"]
    assert "tail" in cuemodel.features(cand)
    (occ,) = analyse(text, doc)
    assert occ.text == "the governor for the long delays in the state budget"


def test_rules_alone_miss_what_the_model_finds():
    """Above 1 the threshold turns the model off: the rules alone find nothing in the sentence."""
    text, doc = load("learned_object")
    assert analyse(text, doc, cue_threshold=1.01) == []


def test_a_negated_cue_reports_nothing_said():
    """"The senator never criticized the governor ...": the same pair as in learned_object, negated."""
    text, doc = load("learned_negated")
    sent = sentences_from_doc(doc)[0]
    (cand,) = [c for c in cuemodel.candidates(sent) if c.cue.lemma == "criticize"]
    assert cuemodel.is_negated(cand.cue) and "negated" in cuemodel.features(cand)
    assert analyse(text, doc) == []


def test_a_belief_is_not_speech():
    text, doc = load("learned_thought")
    occs = analyse(text, doc)
    assert [(o.speaker_mention, o.cue_lemma, o.text) for o in occs] == [
        ("The governor", "insist", "it would pass on time")]
    sent = sentences_from_doc(doc)[0]
    assert not [c for c in cuemodel.candidates(sent) if c.cue.lemma == "believe"]  # never a candidate


def test_a_source_must_be_able_to_speak():
    """"The new figures highlight ...": the model may score the pair, but figures say nothing."""
    text, doc = load("learned_mute_subject")
    occs = analyse(text, doc)
    assert [(o.speaker_mention, o.cue_lemma, o.text, o.rule) for o in occs] == [
        ("The mayor", "announce", "a review of the ferry contracts", "learned")]


@pytest.mark.parametrize("lemma, speaks", [("say", True), ("criticize", True), ("believe", False), ("want", False)])
def test_thought_verbs_are_outside_the_candidates(lemma, speaks):
    assert (lemma not in cuemodel.THOUGHT_VERBS) is speaks


def test_features_name_the_cue_and_how_the_clause_hangs_on_it():
    text, doc = load("learned_object")
    sent = sentences_from_doc(doc)[0]
    sent.quoted = []
    (cand,) = [c for c in cuemodel.candidates(sent) if c.cue.lemma == "criticize"]
    f = cuemodel.features(cand)
    assert {"bias", "lemma=criticize", "link=obj", "subject=title", "lexicon=verb", "after=True"} <= set(f)
    assert "tail" not in f and "passive" not in f
