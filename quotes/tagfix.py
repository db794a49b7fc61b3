"""Proper-noun repair between tagging and parsing.

News text is dense with names the compact tagger has never seen ("Zelenskyy", "Sybiha", "Kursk"),
and a name tagged ADV or VERB derails the parse around it (a speaker lost, a cue misattached).
A capitalised word inside a sentence is a name far more often than anything else, so words that are
capitalised, not sentence-initial, and tagged as a part of speech a name cannot have are re-tagged
PROPN/NNP before the parser runs. A sentence-initial word is re-tagged only when the lemmatizer kept
its capital (it lower-cases common words). The pronoun "I", adjectives (demonyms: "Korean",
"Ukrainian") and numbers are left alone.

In a title-cased headline ("Francois Hollande Says Donald Trump ‘Makes You Want To Retch’") every word
is capitalised, so the capital says nothing: there every word is treated as sentence-initial. Re-tagged
by its capital alone, "Says" became part of one long name and the speaker of the headline swallowed the
person it speaks about.

A reporting verb in the third person after a name is tagged as a plural noun when the tagger
reads the two as one noun phrase ("McKinley notes that we're at a rare economic moment": "McKinley
notes", the notes of McKinley). When such a word follows a name or a personal pronoun and opens a
"that" clause with a subject of its own, it is re-tagged as the verb (``repair_reporting_verbs``),
so the parser makes it the root and the cue is found; "Trump claims that were debunked" (a relative
clause: a verb straight after "that") keeps its noun.

Measured on UD English dev (EWT+GUM), end to end: see docs/models.md.
"""
from __future__ import annotations

from .extraction.lexicon import SUBJECT_PRONOUNS, TITLE_CASE_SMALL

NAME_CANNOT_BE = {"ADV", "VERB", "NOUN", "X", "INTJ", "SCONJ", "AUX", "PART", "SYM"}


def looks_like_name(text: str) -> bool:
    return text[:1].isupper() and any(ch.islower() for ch in text[1:]) and text.isalpha() is not False


TITLE_CASE_MIN_WORDS = 3


def title_cased(words) -> bool:
    """A headline in title case: every word after the first is capitalised but for small function
    words, and at least three are ("President Volodymyr Zelensky met ..." has a lower-case verb)."""
    rest = [w.text for w in words[1:] if w.text.isalpha() and w.text.lower() not in TITLE_CASE_SMALL]
    return len(rest) >= TITLE_CASE_MIN_WORDS and all(t[:1].isupper() for t in rest)


def repair_proper_nouns(doc) -> int:
    """Re-tag mid-sentence capitalised words as PROPN in place, then reporting verbs taken for
    plural nouns as verbs (``repair_reporting_verbs``); returns how many words were changed."""
    return _repair_names(doc) + repair_reporting_verbs(doc)


def repair_reporting_verbs(doc) -> int:
    """Re-tag "notes" in "McKinley notes that we ..." as a verb (VBZ) in place: a plural noun whose
    lemma is a reporting verb, right after a name or a subject pronoun, right before "that", and
    followed by a word that can open a clause's subject (not a verb: "claims that were debunked")."""
    from .extraction.lexicon import REPORTING_VERBS

    changed = 0
    for sent in doc.sentences:
        ws = sent.words
        for i in range(1, len(ws) - 2):
            w, prev, nxt, after = ws[i], ws[i - 1], ws[i + 1], ws[i + 2]
            if w.upos != "NOUN" or not w.text.endswith("s") or w.lemma not in REPORTING_VERBS:
                continue
            if not (prev.upos == "PROPN" or prev.text.lower() in SUBJECT_PRONOUNS):
                continue
            if nxt.text.lower() != "that" or after.upos in ("VERB", "AUX", "PUNCT"):
                continue
            w.upos, w.xpos, w.feats = "VERB", "VBZ", "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin"
            nxt.upos, nxt.xpos = "SCONJ", "IN"
            changed += 1
    return changed


def _repair_names(doc) -> int:
    changed = 0
    for sent in doc.sentences:
        headline = title_cased(sent.words)
        for i, w in enumerate(sent.words):
            if w.text == "I" or w.upos not in NAME_CANNOT_BE:
                continue
            if i == 0 or headline:
                # sentence-initial: trust the lemmatizer, which keeps a known name's capital
                if (w.lemma or "")[:1].isupper() and w.upos != "NOUN" or (w.upos == "NOUN" and (w.lemma or "")[:1].isupper()):
                    w.upos, w.xpos, w.feats = "PROPN", "NNP", "Number=Sing"
                    changed += 1
                continue
            prev = sent.words[i - 1].text
            if prev in (".", "“", '"', ":", "‘", "(", "—", "-", "?", "!"):
                continue  # a quotation or clause opening mid-sentence is capitalised anyway
            if w.text[:1].isupper() and any(ch.islower() for ch in w.text[1:]):
                w.upos, w.xpos, w.feats = "PROPN", "NNP", "Number=Sing"
                changed += 1
    return changed
