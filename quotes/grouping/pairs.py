"""Whether two occurrences report the same statement: pure scoring of one pair (or a matrix).

Lexical similarity (rapidfuzz's ratio of the word sequences; containment in runs of
``MIN_RUN`` words), semantic similarity (the cosine of the stored MiniLM vectors), the figures and
proper-name anchors both carry, and how their speakers relate (``speaker_relation``) make the
features of a learned pair decision (``pair_model``: logistic regression, ``data/variant_pairs.json``
with its card, trained by ``training/train_variant_pairs.py``) beside named rules
(``clears_rules``). No database access here: ``groups.py`` reads the candidates and decides.
"""
from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from ..extraction.lexicon import FUNCTION_WORDS, NUMBER_WORDS, TIME_WORDS

# the named rules: a pair whose similarity clears these is linked whatever the learned model says
LEXICAL_SAME_SPEAKER = 75.0  # lexical score, 0-100


LEXICAL_OTHER_SPEAKER = 88.0


SEMANTIC_SAME_SPEAKER = 0.72  # cosine of MiniLM embeddings


SEMANTIC_OTHER_SPEAKER = 0.86


SEMANTIC_OTHER_SPEAKER_ANCHORED = 0.62  # different named speakers, but a shared proper-name anchor


FLOOR_LEXICAL = 60.0  # pairs below both floors are never compared (0-100)


FLOOR_SEMANTIC = 0.40  # cosine; no pair the model links on the dev set is below 0.45


ANCHOR_MAX_SHARE = 0.05  # a name in more than 5% of stored quotes is too common to anchor a match


VERBATIM = 95.0  # lexical score at and above which two named speakers may share a statement (a conflict)


NAME_SPELLING = 85.0  # rapidfuzz ratio at which two names inside statements are one name spelled two ways


MIN_CONTAINED_WORDS = 6  # shorter texts cannot match by containment


MIN_RUN = 3  # words in a row that count towards containment


MIN_CONTENT_WORDS = 5  # content words a text needs before its words alone (in any order) can match


MIN_WORDS = 4  # shorter statements ("bloody mess") are grouped only when verbatim


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w’']+", text.lower()))


def lexical(a: str, b: str) -> float:
    """0-100: the plain similarity of the two word sequences, or, when both have at least
    ``MIN_CONTAINED_WORDS`` words, how much of the shorter one the longer contains (``contained``)."""
    from rapidfuzz import fuzz

    wa, wb = words(a), words(b)
    plain = fuzz.ratio(" ".join(wa), " ".join(wb))
    if min(len(wa), len(wb)) >= MIN_CONTAINED_WORDS:
        return max(plain, contained(wa, wb))
    return plain


def contained(wa: list[str], wb: list[str]) -> float:
    """0-100: the share of the shorter word sequence found in the longer in runs of at least
    ``MIN_RUN`` words (a trimmed version, or one with an ellipsis, is covered by long runs). Shared
    words alone do not count: "it is bad, we have to do this" shares every word with many a long
    quote, and rapidfuzz's token-set ratio scored such pairs 75 to 100 (issue 12 note)."""
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if not short:
        return 0.0
    return max(_run_share(short, long_), _content_share(short, long_))


def _run_share(short, long_) -> float:
    """0-100: the share of the shorter word sequence found in the longer in runs of at least ``MIN_RUN`` words."""
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    return 100.0 * sum(b.size for b in blocks if b.size >= min(MIN_RUN, len(short))) / len(short)


def verbatim(a: str, b: str) -> bool:
    """The same words in the same order: the two texts alike as wholes (``VERBATIM``), or the shorter
    (at least ``MIN_CONTAINED_WORDS`` words) found in the longer in runs of words, an outlet quoting
    part of the same words. Unlike ``lexical``, shared content words in another order do not count:
    "Ukraine has captured 2 North Korean soldiers" is in no sense the words of "the first instance
    where Ukrainian officials have reported capturing North Korean soldiers"."""
    from rapidfuzz import fuzz

    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    if fuzz.ratio(" ".join(wa), " ".join(wb)) >= VERBATIM:
        return True
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(short) >= MIN_CONTAINED_WORDS and _run_share(short, long_) >= VERBATIM


def _content_share(short, long_) -> float:
    """0-100: the share of the shorter text's content words (function words dropped, compared by
    their first five letters, so "captured" meets "capture") found in the longer, in any order: a
    paraphrase that keeps the words ("Russian forces often kill their wounded North Korean comrades"
    / "...executing wounded comrades..."); 0 when the shorter has fewer than ``MIN_CONTENT_WORDS``."""
    a, b = _stems(short), _stems(long_)
    if len(a) < MIN_CONTENT_WORDS or len(b) < len(a):
        return 0.0
    return 100.0 * len(a & b) / len(a)


@lru_cache(maxsize=65536)
def figures(text: str) -> frozenset[str]:
    """The numbers a statement asserts ("1,000", "hundreds", "40%")."""
    toks = re.findall(r"\d[\d,.]*|[a-z]+", text.lower())
    digits = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
    return frozenset(digits.get(t, t.replace(",", "").rstrip(".")) for t in toks if t[0].isdigit() or t in NUMBER_WORDS)


@lru_cache(maxsize=65536)
def anchors(text: str) -> frozenset[str]:
    """Proper names inside a statement (capitalised words not opening a sentence)."""
    found = re.findall(r"(?<![.!?“\"]\s)(?<!^)\b([A-Z][a-z]{2,})", text)
    return frozenset(w.lower() for w in found)


SPEAKER_RELATIONS = ("same", "unknown", "unresolved", "different")


def speaker_relation(a: int | None, b: int | None, kinds: dict) -> str:
    """How the speakers two occurrences credit relate: "same" canonical speaker, "different" named
    speakers, "unresolved" (either one credited to nobody the extractor could resolve), or
    "unknown" (either one an unnamed source: it may be the same source)."""
    if a is not None and a == b:
        return "same"
    if a is None or b is None:
        return "unresolved"
    if kinds.get(a) == "anonymous" or kinds.get(b) == "anonymous":
        return "unknown"
    return "different"


def names_differ(a: str, b: str, common: frozenset = frozenset()) -> bool:
    """Both statements name something (``anchors``, the story's ``common`` names aside) and nothing
    they name is the same, allowing for spelling ("Zelensky" / "Zelenskyy"): "captured in Kursk" and
    "captured in Belgorod" are two statements, however alike their words."""
    na, nb = anchors(a) - common - TIME_WORDS, anchors(b) - common - TIME_WORDS  # "Thursday" names no thing
    if not na or not nb:
        return False
    return not any(x == y or fuzz.ratio(x, y) >= NAME_SPELLING for x in na for y in nb)


@lru_cache(maxsize=65536)
def content_stems(text: str) -> frozenset[str]:
    """Content words (function words and digits dropped), by their first five letters."""
    return _stems(words(text))


def _stems(ws) -> frozenset[str]:
    ws = (w.replace("’", "'") for w in ws)
    return frozenset(w[:5] for w in ws if len(w) > 2 and w not in FUNCTION_WORDS and not w.isdigit())


PAIR_FEATURES = ("bias", "sem", "sem_sq", "lex", "content_short", "content_jaccard", "rare_shared",
                 "rare_jaccard", "same_speaker", "different_speakers", "figures_clash", "figures_one_side",
                 "figures_shared", "anchor_shared", "anchor_only_one", "log_min_words", "length_ratio",
                 "sem_x_different", "lex_x_different")


class WordWeights(dict):
    """Word -> inverse document frequency over the ``total`` stored quotes, from the ``w:`` counts
    of ``term_stats``: a shared rare word ("Curiel", "abolish") says more than a shared common one.
    A word not counted yet is as rare as a word can be; with nothing stored, every word weighs 1."""

    def __init__(self, counts: dict[str, int] | None = None, total: int = 0):
        super().__init__((t[2:], float(np.log((total + 1) / (n + 1)))) for t, n in (counts or {}).items()
                         if t.startswith("w:"))
        self.unseen = float(np.log(total + 1)) if total else 1.0

    def __missing__(self, word: str) -> float:
        return self.unseen


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in fts_words(text) if len(w) > 2 and w not in FUNCTION_WORDS and not w.isdigit())


def pair_features(a: str, b: str, sem: float, lex: float, relation: str, common: frozenset = frozenset(),
                  weights: WordWeights | None = None) -> np.ndarray:
    """The features of one pair of occurrences for the learned variant decision, in
    ``PAIR_FEATURES`` order: similarities (MiniLM cosine, lexical 0-1, shared content words, shared
    rare words weighted by ``weights``, a ``WordWeights``), speaker agreement (``speaker_relation``),
    the figures and the proper names each asserts (``common`` names excluded), and the lengths.
    Computed the same way at ingest and by eval/variant_pairs.py, which makes the training rows."""
    ca, cb = content_stems(a), content_stems(b)
    short = min(len(ca), len(cb))
    shared = len(ca & cb)
    weights = WordWeights() if weights is None else weights
    ra, rb = content_words(a), content_words(b)
    wa_, wb_, wab = (sum(weights[w] for w in ws) for ws in (ra, rb, ra & rb))
    fa, fb = figures(a), figures(b)
    na, nb = anchors(a) - common, anchors(b) - common
    wa, wb = len(words(a)), len(words(b))
    different = float(relation == "different")
    return np.array([
        1.0, sem, sem * sem, lex / 100, shared / short if short else 0.0,
        shared / len(ca | cb) if ca or cb else 0.0,
        wab / min(wa_, wb_) if min(wa_, wb_) > 0 else 0.0,
        wab / (wa_ + wb_ - wab) if wa_ + wb_ - wab > 0 else 0.0,
        float(relation == "same"), different,
        float(bool(fa and fb and not fa & fb)), float(bool(fa) != bool(fb)), float(bool(fa & fb)),
        float(bool(na & nb)), float(bool(na) != bool(nb)),
        np.log1p(min(wa, wb)), min(wa, wb) / max(wa, wb, 1),
        sem * different, lex / 100 * different,
    ])


PAIR_MODEL = Path(__file__).resolve().parent / "data" / "variant_pairs.json"  # written by training/train_variant_pairs.py


@lru_cache(maxsize=1)
def pair_model() -> dict:
    """The learned pair decision: logistic regression weights over ``PAIR_FEATURES`` and the
    probability a pair needs to be linked (``data/variant_pairs.json``, with its card)."""

    model = json.loads(PAIR_MODEL.read_text())
    if tuple(model["features"]) != PAIR_FEATURES:
        raise RuntimeError(f"{PAIR_MODEL.name} was trained on other features; run training/train_variant_pairs.py")
    model["weights"] = np.array(model["weights"], dtype=np.float64)
    return model


def link_probability(features: np.ndarray) -> np.ndarray | float:
    """The probability that pairs (rows of ``features``) are one statement."""
    z = features @ pair_model()["weights"]
    return 1.0 / (1.0 + np.exp(-z))


def thresholds(same_speaker: bool) -> tuple[float, float]:
    if same_speaker:
        return LEXICAL_SAME_SPEAKER, SEMANTIC_SAME_SPEAKER
    return LEXICAL_OTHER_SPEAKER, SEMANTIC_OTHER_SPEAKER


def clears_rules(a: str, b: str, sem: float, lex: float, relation: str, common: frozenset = frozenset()) -> bool:
    """The named rules: a similarity above the threshold for the pair's speakers, higher when two
    different named speakers are credited unless the texts share a proper-name anchor ("Geneva":
    one statement credited to two speakers, a conflicting attribution), and higher when only one
    side gives a figure ("a few hundred troops ... killed" and "capturing the first soldiers" share
    names and a topic, not a claim)."""
    same = relation != "different"
    lex_min, sem_min = thresholds(same)
    fa, fb = figures(a), figures(b)
    if bool(fa) != bool(fb):
        sem_min = max(sem_min, SEMANTIC_OTHER_SPEAKER)
    elif not same and anchors(a) & anchors(b) - common:
        sem_min = SEMANTIC_OTHER_SPEAKER_ANCHORED
    return lex >= lex_min or sem >= sem_min


def may_share_group(a: str, b: str, relation: str, common: frozenset = frozenset()) -> bool:
    """What a group may hold, for any two of its members: one source's one statement. Two figures
    ("a thousand" / "three thousand") or two named things (``names_differ``) are two statements; two
    different named speakers share a statement only in the same words (``verbatim``: a conflicting
    attribution), another source confirming or repeating it in other words being a related
    statement; and an occurrence credited to nobody resolved shares one only in the same words.
    Enforced on every pair a quote joins or a merge joins (``groups``), and checked over a whole
    database by ``groups.violations``."""
    fa, fb = figures(a), figures(b)
    if fa and fb and not fa & fb:
        return False
    if names_differ(a, b, common):
        return False
    return relation not in ("different", "unresolved") or verbatim(a, b)


def pair_score(a: str, b: str, sem: float, lex: float, relation: str, *, common: frozenset = frozenset(),
               weights: WordWeights | None = None) -> float:
    """How strongly two occurrences in different articles are one statement: at least the pair
    model's threshold when they are (``is_variant``), else the learned probability that they are
    (below the threshold), and 0 when a rule of what a group may hold rules it out.

    What a group may hold is one source's one statement, so, whatever else the scores say:
    - two figures ("hundreds" / "a thousand" killed) or two named things (``names_differ``) are two
      statements, even in otherwise identical words;
    - a pair credited to two different named speakers is one statement only in the same words
      (``verbatim``): that is the conflict a group flags; otherwise another source confirming,
      repeating or relaying it is related, never a member (``groups`` records it so). A pair where
      either occurrence has no resolved speaker also needs the same words;
    - near-verbatim texts (lexical >= ``VERBATIM``) are one statement: 1 + lexical/100; below that,
      short texts (under ``MIN_WORDS`` words) are not;
    - every other pair scores the learned pair decision's probability (``pair_model`` over
      ``pair_features``), raised to the threshold when the named rules (``clears_rules``) link it."""
    n_words = min(len(words(a)), len(words(b)))
    if not may_share_group(a, b, relation, common):
        return 0.0
    if lex >= VERBATIM:
        return 1.0 + lex / 100 if n_words >= MIN_WORDS or lex >= 99.0 else 0.0
    if n_words < MIN_WORDS:
        return 0.0
    p = float(link_probability(pair_features(a, b, sem, lex, relation, common, weights)))
    threshold = pair_model()["threshold"]
    if p < threshold and clears_rules(a, b, sem, lex, relation, common):
        return threshold
    return p


def related_score(a: str, b: str, sem: float, lex: float, *, common: frozenset = frozenset(),
                  weights: WordWeights | None = None) -> float:
    """How strongly another named speaker's statement relates to one (a confirmation, a repetition,
    an answer): the link strength the pair would have were one source credited with both, where a
    shared proper-name anchor ("Geneva") also links it (``clears_rules`` for different speakers); 0
    when it is not related, or asserts other figures or names."""
    fa, fb = figures(a), figures(b)
    if (fa and fb and not fa & fb) or names_differ(a, b, common) or min(len(words(a)), len(words(b))) < MIN_WORDS:
        return 0.0
    threshold = pair_model()["threshold"]
    p = float(link_probability(pair_features(a, b, sem, lex, "unknown", common, weights)))
    if p < threshold and (clears_rules(a, b, sem, lex, "unknown", common) or clears_rules(a, b, sem, lex, "different", common)):
        p = threshold
    return min(p, 1.0) if p >= threshold else 0.0


def is_variant(a: str, b: str, sem: float, lex: float, relation: str, *, common: frozenset = frozenset(),
               weights: WordWeights | None = None) -> float:
    """The link strength of two occurrences that are one statement (``pair_score`` at or above the
    pair model's threshold), 0 when they are not."""
    score = pair_score(a, b, sem, lex, relation, common=common, weights=weights)
    return score if score >= pair_model()["threshold"] else 0.0


def fts_words(text: str) -> list[str]:
    """Words as the full-text index splits them (letters and digits; apostrophes split)."""
    return re.findall(r"\w+", text.lower())


def lexical_matrix(texts_a: list[str], texts_b: list[str]) -> np.ndarray:
    """``lexical`` for every pair, in two vectorised rapidfuzz calls instead of a Python loop."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    wa, wb = [words(t) for t in texts_a], [words(t) for t in texts_b]
    ja, jb = [" ".join(w) for w in wa], [" ".join(w) for w in wb]
    token_set = cdist(ja, jb, scorer=fuzz.token_set_ratio, dtype=np.float64)
    plain = cdist(ja, jb, scorer=fuzz.ratio, dtype=np.float64)
    short = np.minimum(np.array([len(w) for w in wa])[:, None], np.array([len(w) for w in wb])[None, :]) < MIN_CONTAINED_WORDS
    out = np.where(short, plain, token_set)
    # the token-set ratio bounds containment from above: refine only the pairs it lets through
    floor = FLOOR_LEXICAL
    for i, k in zip(*np.nonzero(~short & (token_set >= floor) & (plain < token_set))):
        out[i, k] = max(plain[i, k], contained(wa[i], wb[k]))
    return out


def word_diff(canonical: str, other: str) -> list[tuple[str, str]]:
    """Word-level diff of ``other`` against ``canonical``: (op, text) with op in equal/delete/insert."""
    a, b = canonical.split(), other.split()
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", " ".join(b[j1:j2])))
    return out
