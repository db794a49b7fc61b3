"""A person's corrections of statement groups: merge two groups, split quotes off into a group of
their own, detach a quote from its group (issue 30).

Each correction changes the rows and is logged in the ``corrections`` table (``action`` starting
``variants-``), naming quotes by what outlives their ids: the article's key and the quote's span in
it (``QuoteRef``). They are replayed after every grouping (``replay``, called by
``groups.group_articles``, so at ingest, reextract and regroup), in the order they were made: a re-ingested
or re-extracted article whose quotes come back gets the same groups the person made, and a quote a
later article would pull back into a group it was detached from leaves it again.

What the person decides stands over the automatic rules of what a group may hold:
``groups.violations`` leaves the groups a merge made alone.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models_db import Article, Correction, Quote, VariantGroup
from .refresh import refresh_group

ACTIONS = ("variants-merge", "variants-split", "variants-detach")


class GroupCorrectionError(ValueError):
    """A group correction that cannot be applied; the message says why."""


def quote_ref(s: Session, quote: Quote) -> dict:
    """What names a quote across re-ingest and re-extraction: its article's key and its span."""
    key = s.scalar(select(Article.key).where(Article.id == quote.article_id))
    return {"article": key, "start": quote.start, "end": quote.end, "text": quote.text[:200]}


def find_ref(s: Session, ref: dict) -> Quote | None:
    """The stored quote a ``quote_ref`` names: of that article, the one whose span is most the same
    (overlap over union: a longer quote holding the span is another quote)."""
    rows = s.scalars(select(Quote).join(Article, Article.id == Quote.article_id)
                     .where(Article.key == ref["article"], Quote.start < ref["end"], Quote.end > ref["start"]))
    return max(rows, key=lambda q: (_span_share(q.start, q.end, ref), -q.id), default=None)


def _span_share(start: int, end: int, ref: dict) -> float:
    """How much two spans are one: their overlap over their union (1 for the same span)."""
    overlap = min(end, ref["end"]) - max(start, ref["start"])
    return overlap / (max(end, ref["end"]) - min(start, ref["start"]))


def _quote(s: Session, quote_id: int) -> Quote:
    q = s.get(Quote, quote_id)
    if q is None:
        raise GroupCorrectionError(f"no quote {quote_id}; see `quotes export`")
    return q


def _group(s: Session, group_id: int) -> VariantGroup:
    g = s.get(VariantGroup, group_id)
    if g is None:
        raise GroupCorrectionError(f"no group {group_id}; see `quotes variants`")
    return g


def _refresh(s: Session, group_ids) -> None:
    s.flush()
    for gid in sorted({g for g in group_ids if g is not None}):
        group = s.get(VariantGroup, gid)
        if group is not None:
            refresh_group(s, group)


def merge(s: Session, target_id: int, source_id: int) -> VariantGroup:
    """Move every quote of group ``source_id`` into group ``target_id``."""
    if target_id == source_id:
        raise GroupCorrectionError("both are the same group already")
    target, source = _group(s, target_id), _group(s, source_id)
    args = {"into": quote_ref(s, _quote(s, target.canonical_quote_id)), "from": quote_ref(s, _quote(s, source.canonical_quote_id))}
    _apply_merge(s, target.id, source.id)
    s.add(Correction(action="variants-merge", args=args))
    return target


def split(s: Session, quote_ids: list[int]) -> VariantGroup:
    """Move quotes out of their group(s) into a new group of their own."""
    quotes = [_quote(s, i) for i in quote_ids]
    if not any(q.variant_id for q in quotes):
        raise GroupCorrectionError("none of these quotes is in a group; `quotes variants` lists the groups")
    group = _apply_split(s, quotes)
    s.add(Correction(action="variants-split", args={"quotes": [quote_ref(s, q) for q in quotes]}))
    return group


def detach(s: Session, quote_id: int) -> int:
    """Take one quote out of its group; returns the group it left."""
    q = _quote(s, quote_id)
    if q.variant_id is None:
        raise GroupCorrectionError(f"quote {quote_id} is in no group")
    left = q.variant_id
    stays = s.scalar(select(Quote.id).where(Quote.variant_id == left, Quote.id != q.id).order_by(Quote.id).limit(1))
    args = {"quote": quote_ref(s, q)}
    if stays is not None:
        args["group_of"] = quote_ref(s, _quote(s, stays))  # a quote of the group it left, to show it there
    _apply_detach(s, q)
    s.add(Correction(action="variants-detach", args=args))
    return left


def _apply_merge(s: Session, target_id: int, source_id: int) -> None:
    s.execute(update(Quote).where(Quote.variant_id == source_id).values(variant_id=target_id)
              .execution_options(synchronize_session="evaluate"))
    _refresh(s, [target_id, source_id])


def _apply_split(s: Session, quotes: list[Quote]) -> VariantGroup:
    before = {q.variant_id for q in quotes}
    if len(before) == 1 and None not in before:
        (gid,) = before
        others = s.scalar(select(Quote.id).where(Quote.variant_id == gid, Quote.id.not_in([q.id for q in quotes])).limit(1))
        if others is None:
            return s.get(VariantGroup, gid)  # already a group of their own
    group = VariantGroup(canonical_text=quotes[0].text)
    s.add(group)
    s.flush()
    for q in quotes:
        q.variant_id = group.id
    _refresh(s, [*before, group.id])
    return group


def _apply_detach(s: Session, q: Quote) -> None:
    left = q.variant_id
    q.variant_id = None
    _refresh(s, [left])


def replay(s: Session) -> int:
    """Apply every recorded group correction again, oldest first, where the quotes it names are
    stored and the groups are not already as the person left them; returns how many changed
    something."""
    changed = 0
    for c in s.scalars(select(Correction).where(Correction.action.in_(ACTIONS)).order_by(Correction.id)):
        if c.action == "variants-detach":
            q = find_ref(s, c.args["quote"])
            if q is not None and q.variant_id is not None:
                _apply_detach(s, q)
                changed += 1
        elif c.action == "variants-split":
            quotes = [q for q in (find_ref(s, r) for r in c.args["quotes"]) if q is not None]
            if quotes and any(q.variant_id for q in quotes):
                gids = {q.variant_id for q in quotes}
                alone = len(gids) == 1 and None not in gids and s.scalar(
                    select(Quote.id).where(Quote.variant_id == next(iter(gids)), Quote.id.not_in([q.id for q in quotes])).limit(1)) is None
                if not alone:
                    _apply_split(s, quotes)
                    changed += 1
        elif c.action == "variants-merge":
            a, b = find_ref(s, c.args["into"]), find_ref(s, c.args["from"])
            if a is not None and b is not None and a.variant_id and b.variant_id and a.variant_id != b.variant_id:
                _apply_merge(s, a.variant_id, b.variant_id)
                changed += 1
    return changed


def merged_by_hand(s: Session) -> set[int]:
    """The groups that hold a quote a merge correction names."""
    found = set()
    for c in s.scalars(select(Correction).where(Correction.action == "variants-merge")):
        for ref in (c.args["into"], c.args["from"]):
            q = find_ref(s, ref)
            if q is not None and q.variant_id is not None:
                found.add(q.variant_id)
    return found


def corrections_of(conn, quote_ids: set[int]) -> list[dict]:
    """The group corrections that concern a group whose members are ``quote_ids``, oldest first, for
    the group page: ``action`` (merge, split, detach), ``created_at``, and the quotes named
    (``members``: those in the group; ``detached``: a quote detached from it). ``conn`` is a
    SQLAlchemy connection (the web view reads without a session)."""
    import json

    from sqlalchemy import text as sql

    def resolve(ref: dict) -> int | None:
        hits = conn.execute(sql("SELECT q.id, q.start, q.\"end\" FROM quotes q JOIN articles a ON a.id = q.article_id "
                                "WHERE a.key = :k AND q.start < :e AND q.\"end\" > :s"),
                            {"k": ref["article"], "s": ref["start"], "e": ref["end"]}).all()
        best = max(hits, key=lambda h: (_span_share(h[1], h[2], ref), -h[0]), default=None)
        return best[0] if best else None

    found = []
    rows = conn.execute(sql("SELECT id, action, args, created_at FROM corrections WHERE action LIKE 'variants-%' ORDER BY id"))
    for _cid, action, args, created in rows.all():
        args = json.loads(args) if isinstance(args, str) else args
        if action == "variants-detach":
            here = args.get("group_of") and resolve(args["group_of"]) in quote_ids
            quote = resolve(args["quote"])
            if here and quote is not None:
                found.append({"action": "detach", "created_at": str(created)[:16], "members": [], "detached": [quote]})
            continue
        refs = args.get("quotes") or [args["into"], args["from"]]
        named = {q for q in map(resolve, refs) if q is not None} & quote_ids
        if named:
            found.append({"action": action.removeprefix("variants-"), "created_at": str(created)[:16],
                          "members": sorted(named), "detached": []})
    return found
