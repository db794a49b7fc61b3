"""Which occurrences form one statement group: the clustering of a set of quotes, in one order
that does not depend on the order they were stored in (issue 30, item 3).

Pure: no database access. ``groups.py`` reads the quotes a regroup takes in (a ``Member`` each),
hands them here with the pairs its index searches found (``Pairs``), and writes the groups back.

The decision is the one grouping has made since issue 14, run over the quotes in their
``Member.order`` (publication date, then the article's content key, then the span), each quote
seeing only those before it:

- a quote joins a group when the pair decision (``pairs.pair_score``) links it to more than half
  of the group's members in other articles (``MIN_LINKAGE``). Single-link grouping would let
  statements chain (deployment -> front-line role -> troop numbers) into one; exactly half with the
  mean score at the threshold (issue 14's rule for a group of two, one link and a near miss) let a
  claim about executions of the wounded join the capture once the order no longer came from arrival;
- when it qualifies for several groups, it joins the one holding its strongest link (its nearest
  version, not the group it links to the largest share of: a lone quote linked at 0.58 would
  outrank a group whose members it links to at 0.98 and 0.65), and the others merge into it where
  their members mostly link to each other (``links_most``): the direct and the reported versions
  of one statement, first grouped apart;
- what a group may hold is checked on every pair a join or a merge brings together
  (``pairs.may_share_group``), and a text already grouped goes to that group or to none;
- an article crediting one group's statement to two named speakers keeps only one of them in it
  (``one_speaker_per_article``); the others become related statements.

Ties go to the earlier quote in that order, never to a quote id: ids follow the order of arrival.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .pairs import (
    FLOOR_LEXICAL,
    FLOOR_SEMANTIC,
    WordWeights,
    lexical_matrix,
    may_share_group,
    pair_model,
    pair_score,
    related_score,
    speaker_relation,
    words,
)

MIN_LINKAGE = 0.5  # a quote joins a group when it is a variant of more than half its members
MAX_GROUP_MEMBERS = 200  # members of one group compared before a quote joins it (evenly spread)
MERGE_SAMPLE = 20  # members of each side compared before two groups become one


@dataclass(eq=False)
class Member:
    """A stored quote as grouping reads it."""

    id: int
    text: str
    speaker_id: int | None
    variant_id: int | None  # its group before this regroup
    article_id: int
    vector: np.ndarray
    order: tuple  # (published, article key, start, end, text): its place in every regroup


@dataclass
class Pairs:
    """The pair decisions among the quotes of one regroup, each similarity computed once: those the
    index searches found above a floor (``keep``), others as a join or a merge asks for them. What
    scoring reads besides the texts (the speakers' kinds, the story's common names, the word
    weights) is global to the database, so a pair scores the same whichever side found it."""

    kinds: dict = field(default_factory=dict)  # speaker id -> kind
    common: frozenset = frozenset()  # names too common to anchor a match
    weights: WordWeights = field(default_factory=WordWeights)
    found: dict = field(default_factory=dict)  # quote id -> ids of the quotes found with it above a floor
    _sims: dict = field(default_factory=dict)  # (id, id), smaller first -> (semantic, lexical)
    _scores: dict = field(default_factory=dict)

    def __post_init__(self):
        self.threshold = pair_model()["threshold"]

    @staticmethod
    def _key(a: Member, b: Member) -> tuple[int, int]:
        return (a.id, b.id) if a.id < b.id else (b.id, a.id)

    def keep(self, a: Member, b: Member, sem: float, lex: float) -> None:
        """Record a pair found by search (``sem`` rounded: a matrix product and a dot product differ
        in the last bits, and which side searched first must not matter)."""
        self._sims.setdefault(self._key(a, b), (round(sem, 5), lex))
        self.found.setdefault(a.id, set()).add(b.id)
        self.found.setdefault(b.id, set()).add(a.id)

    def similarity(self, a: Member, b: Member) -> tuple[float, float]:
        key = self._key(a, b)
        got = self._sims.get(key)
        if got is None:
            got = self._sims[key] = (round(float(a.vector @ b.vector), 5), float(lexical_matrix([a.text], [b.text])[0, 0]))
        return got

    def relation(self, a: Member, b: Member) -> str:
        return speaker_relation(a.speaker_id, b.speaker_id, self.kinds)

    def score(self, a: Member, b: Member) -> float:
        """``pairs.pair_score`` of two quotes of different articles; 0 below both floors."""
        key = self._key(a, b)
        got = self._scores.get(key)
        if got is None:
            sem, lex = self.similarity(a, b)
            got = 0.0
            if lex >= FLOOR_LEXICAL or sem >= FLOOR_SEMANTIC:
                got = pair_score(a.text, b.text, sem, lex, self.relation(a, b), common=self.common, weights=self.weights)
            self._scores[key] = got
        return got

    def related(self, a: Member, b: Member) -> float:
        sem, lex = self.similarity(a, b)
        return related_score(a.text, b.text, sem, lex, common=self.common, weights=self.weights)

    def fits(self, a: Member, ms: list[Member]) -> bool:
        """``a`` may share a group with every one of ``ms`` (``pairs.may_share_group``)."""
        return all(may_share_group(a.text, m.text, self.relation(a, m), self.common) for m in ms)


@dataclass
class Clustering:
    groups: list[list[Member]]  # two members or more, each in placement order; the groups in order of their first
    related: dict[tuple[int, int], float]  # (quote id, other id) -> strength: another speaker's statement it relates to


def cluster(members: dict[int, Member], pairs: Pairs, outside: dict[int, Member] | None = None) -> Clustering:
    """Group ``members`` (id -> ``Member``) in their ``order``. ``outside``: quotes the searches found
    that stay out of this regroup (linked to none of ``members``), read only for related statements."""
    outside = outside or {}
    order = sorted(members.values(), key=lambda m: m.order)
    rank = {m.id: r for r, m in enumerate(order)}
    clusters: dict[int, list[Member]] = {}  # key (the rank of its first member) -> members in placement order
    cluster_of: dict[int, int] = {}
    by_text: dict[tuple, int] = {}  # a grouped text's words -> its cluster: the same text is never in two groups
    strength_of: dict[int, float] = {}  # a quote's strongest link into the group it joined
    related: dict[tuple[int, int], float] = {}
    threshold = pairs.threshold

    def put(q: Member, key: int) -> None:
        clusters.setdefault(key, []).append(q)
        cluster_of[q.id] = key
        if len(clusters[key]) > 1:
            for m in clusters[key]:
                by_text[words(m.text)] = key

    for q in order:
        found = pairs.found.get(q.id, set())
        earlier = sorted((members[i] for i in found if i in members and rank[i] < rank[q.id]), key=lambda m: rank[m.id])
        hits = {}
        for o in earlier:
            score = pairs.score(q, o)
            if score >= threshold:
                hits[o.id] = score
            elif pairs.relation(q, o) == "different" and (strength := pairs.related(q, o)):
                related[(q.id, o.id)] = strength
        for i in sorted(found - members.keys()):
            o = outside.get(i)
            if o is not None and pairs.relation(q, o) == "different" and (strength := pairs.related(q, o)):
                related[(q.id, o.id)] = strength
        text = words(q.text)
        same_text = by_text.get(text) if text else None
        if same_text is not None:
            # the same words as a grouped quote: that group, whatever its other members' links; unless
            # another source's words would then share its group: then it stays out of every group
            if pairs.fits(q, clusters[same_text]):
                strength_of[q.id] = 1.0
                put(q, same_text)
            else:
                put(q, rank[q.id])
            continue
        scored = []
        for key in sorted({cluster_of[h] for h in hits}):
            everyone = clusters[key]
            ms = _spread([m for m in everyone if m.article_id != q.article_id], MAX_GROUP_MEMBERS)
            if not ms or not pairs.fits(q, everyone):
                continue  # another source's statement, another figure or another name among them
            share = sum(pairs.score(q, m) >= threshold for m in ms) / len(ms)
            if share > MIN_LINKAGE:
                best = max(pairs.score(q, m) for m in ms)
                scored.append((best, share, -key, key))
        if not scored:
            put(q, rank[q.id])
            continue
        scored.sort(reverse=True)
        target = scored[0][3]
        for *_, key in scored[1:]:
            ms, tm = clusters[key], clusters[target]
            if all(pairs.fits(m, tm) for m in ms) and links_most(ms, tm, pairs):
                for m in clusters.pop(key):
                    put(m, target)
        strength_of[q.id] = min(scored[0][1], 1.0)
        put(q, target)

    groups = [ms for _, ms in sorted(clusters.items()) if len(ms) > 1]
    groups = one_speaker_per_article(groups, pairs.kinds, strength_of, related)
    return Clustering(groups, related)


def one_speaker_per_article(groups: list[list[Member]], kinds: dict, strength_of: dict, related: dict) -> list[list[Member]]:
    """An article that credits one statement to two named speakers tells two statements apart: one
    speaker's, and another's confirming or repeating it ("Zelensky said ... South Korea's
    intelligence service confirmed ..."). Where a group holds quotes of one article credited to two
    named speakers, those of the speaker the group's other articles credit most stay members; the
    others leave the group and are linked to it as related statements (added to ``related``).
    (Different outlets crediting one statement to different speakers, each its own, is the conflict a
    group flags: not this.)"""
    out = []
    for ms in groups:
        by_article: dict[int, list[Member]] = {}
        for m in ms:
            if m.speaker_id is not None and kinds.get(m.speaker_id) != "anonymous":
                by_article.setdefault(m.article_id, []).append(m)
        leave: set[int] = set()
        for article, named_ms in sorted(by_article.items(), key=lambda kv: kv[1][0].order):
            named = {m.speaker_id for m in named_ms}
            if len(named) < 2:
                continue
            credited = Counter(m.speaker_id for m in ms if m.article_id != article)
            first = {sp: next(m for m in named_ms if m.speaker_id == sp) for sp in named}  # in placement order
            keep = max(named, key=lambda sp: (credited[sp], [-x for x in first[sp].order[2:4]]))
            for m in named_ms:
                if m.speaker_id != keep:
                    leave.add(m.id)
                    related[(m.id, first[keep].id)] = round(strength_of.get(m.id, 1.0), 4)
        kept = [m for m in ms if m.id not in leave]
        if len(kept) > 1:
            out.append(kept)
    return out


def links_most(ms: list[Member], tm: list[Member], pairs: Pairs) -> bool:
    """Whether the cross-article pairs of two clusters are mostly variants: the link strengths of
    the pairs that link, summed, exceed ``MIN_LINKAGE`` of the number of pairs (a pair linked at
    the threshold counts about half, a verbatim one up to two: merging two groups asks for more than
    a quote joining one), judged on at most ``MERGE_SAMPLE`` members of each, evenly spread."""
    ms, tm = _spread(ms, MERGE_SAMPLE), _spread(tm, MERGE_SAMPLE)
    n = agree = 0
    for a in ms:
        for b in tm:
            if a.article_id != b.article_id:
                n += 1
                score = pairs.score(a, b)
                agree += score if score >= pairs.threshold else 0.0
    return n > 0 and agree / n > MIN_LINKAGE


def _spread(items: list, n: int) -> list:
    """At most ``n`` of ``items``, evenly spread (all of them when there are few)."""
    if len(items) <= n:
        return items
    return [items[round(k * (len(items) - 1) / (n - 1))] for k in range(n)]
