"""Group maintenance: what a statement group says of its members, recomputed whenever they change
(its reference version, counts, and flags), for grouping, corrections and regrouping alike."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..models_db import Article, Quote, Speaker, VariantGroup
from .pairs import words

FULL_SHARE = 0.8  # a version at least this share of the longest one's length is a full version


def reference_version(members: list):
    """The version of a group every other is diffed against: the source's own words. The source is
    the named speaker most members credit (an unnamed one when none is named); among that source's
    versions, the longest direct quotation where any outlet quotes it directly, else the earliest full
    version (published first, then stored first, among those at least ``FULL_SHARE`` as long as the
    longest). ``members``: rows with id, type, text, speaker_id, kind and published."""
    named = Counter(m.speaker_id for m in members if m.speaker_id is not None and m.kind != "anonymous")
    credited = named or Counter(m.speaker_id for m in members if m.speaker_id is not None)
    if credited:
        top = max(credited.values())
        source = min(sp for sp, n in credited.items() if n == top)
        own = [m for m in members if m.speaker_id == source] or members
    else:
        own = members
    direct = [m for m in own if m.type == "direct"]
    if direct:
        return max(direct, key=lambda m: (len(m.text), -m.id))
    longest = max(len(m.text) for m in own)
    full = [m for m in own if len(m.text) >= FULL_SHARE * longest]
    return min(full, key=lambda m: (m.published is None, m.published or "", m.id))


def report_key(member) -> str:
    """Which original report a member's version comes from: the article its article copies
    (``copy_of``), else its own article; and that original's agency, when it credits one (two outlets
    crediting one agency carry one report). ``member``: a row with article_id, wire, copy_of and
    original_wire (the copied article's)."""
    if member.copy_of:
        wire, root = member.original_wire, member.copy_of
    else:
        wire, root = member.wire, member.article_id
    return f"wire:{wire}" if wire else f"article:{root}"


def refresh_group(s: Session, group: VariantGroup) -> None:
    """Recompute a group's canonical form (``reference_version``) and its flags."""
    original = aliased(Article)
    members = s.execute(select(Quote.id, Quote.type, Quote.text, Quote.article_id, Quote.cue_lemma, Quote.speaker_id,
                               Article.outlet, Article.published, Article.wire, Article.copy_of,
                               original.wire.label("original_wire"), Speaker.kind)
                        .join(Article, Article.id == Quote.article_id)
                        .outerjoin(original, original.id == Article.copy_of)
                        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
                        .where(Quote.variant_id == group.id).order_by(Quote.id)).all()
    if not members:
        s.delete(group)
        return
    canonical = reference_version(members)
    group.canonical_quote_id = canonical.id
    group.canonical_text = canonical.text
    group.n_articles = len({q.article_id for q in members})
    group.n_outlets = len({(q.outlet or f"article:{q.article_id}") for q in members})
    group.n_reports = len({report_key(q) for q in members})
    group.wording_differs = len({" ".join(words(q.text)) for q in members}) > 1
    group.framing_differs = len({q.cue_lemma for q in members if q.cue_lemma}) > 1
    # a conflict is two named speakers credited with one statement; an unnamed source ("officials",
    # "one soldier") beside a named one may be the same source, as the grouping itself assumes
    group.speakers_differ = len({q.speaker_id for q in members if q.speaker_id is not None and q.kind != "anonymous"}) > 1
