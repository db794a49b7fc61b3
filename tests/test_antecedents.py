"""Antecedents of pronoun speakers (``quotes/extraction/antecedents.py``): the order, and the
constraints nothing may override."""
from __future__ import annotations

import pytest

from quotes.extraction import antecedents
from quotes.extraction.antecedents import Mention, choose, compatible

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)


def mention(sent, pos, rel="nsubj", etype="person", plural=False, gender=None, lemma="x"):
    return Mention(sent, pos, rel, lemma, etype, plural, gender)


HE = mention(3, 300, lemma="he", etype="")
SHE = mention(3, 300, lemma="she", etype="")
IT = mention(3, 300, lemma="it", etype="")
THEY = mention(3, 300, lemma="they", etype="")


def test_the_latest_sentence_wins_and_its_subject_before_a_nearer_object():
    older = mention(1, 100)
    subject = mention(2, 200)
    obj = mention(2, 250, rel="obj")
    assert choose(HE, [older, subject, obj]) == 1
    assert choose(HE, [older, obj]) == 1  # the object of the latest sentence beats an older subject


@pytest.mark.parametrize("anaphor,clash", [
    (SHE, mention(2, 200, gender="m")),  # "Mr. Hale met Mrs. Lopez. She said"
    (HE, mention(2, 200, gender="f")),
    (HE, mention(2, 200, etype="organisation")),  # "he" is no company
    (IT, mention(2, 200, etype="person")),  # "it" is no person
    (HE, mention(2, 200, plural=True)),  # "he" is not "the officials"
    (THEY, mention(2, 200)),  # "they" is not one person
])
def test_a_clash_is_never_taken_however_near_and_prominent(anaphor, clash):
    fitting = mention(0, 10, rel="obl", etype="organisation" if anaphor is IT else "person", plural=anaphor is THEY)
    assert not compatible(anaphor, clash)
    assert choose(anaphor, [fitting, clash]) == 0
    assert choose(anaphor, [clash]) is None


def test_they_may_be_an_organisation_and_only_earlier_mentions_count():
    company = mention(2, 200, etype="organisation")
    later = mention(3, 320, etype="organisation")
    assert choose(THEY, [company, later]) == 0


def test_past_the_window_only_when_nothing_nearer_fits():
    far = mention(3 - antecedents.WINDOW - 1, 5)
    near_clash = mention(2, 200, gender="f")
    near = mention(3 - antecedents.WINDOW, 50, rel="obl")
    assert choose(HE, [far, near_clash]) == 0
    assert choose(HE, [far, near, near_clash]) == 1


def test_gender_is_read_from_pronouns_titles_and_gendered_nouns_only():
    assert antecedents.gender_of("Mrs. Clinton") == "f"
    assert antecedents.gender_of("the spokesman") == "m"
    assert antecedents.gender_of("she") == "f"
    assert antecedents.gender_of("Hillary Clinton") is None  # no first-name lexicon
