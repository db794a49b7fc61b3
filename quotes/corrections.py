"""User corrections of speakers: merge, split, rename.

Each correction changes the rows and is logged in the ``corrections`` table. They survive
re-ingest because resolution looks up exact aliases first: after ``merge A B`` every alias of A
belongs to B, after ``split NAME ALIAS`` that alias belongs to the new speaker, and a renamed
speaker is locked so later mentions never rename it back.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .models_db import Correction, Quote, Speaker, SpeakerAlias
from .speakers import alias_key


class CorrectionError(ValueError):
    """A correction that cannot be applied; the message says why."""


def find_speaker(s: Session, ref: str) -> Speaker:
    """A speaker by id, exact name, or unique alias (case-insensitive)."""
    if ref.isdigit():
        sp = s.get(Speaker, int(ref))
        if sp:
            return sp
    hits = list(s.scalars(select(Speaker).where(func.lower(Speaker.name) == ref.lower())))
    if not hits:
        ids = set(s.scalars(select(SpeakerAlias.speaker_id).where(func.lower(SpeakerAlias.alias) == ref.lower())))
        hits = [s.get(Speaker, i) for i in sorted(ids)]
    if not hits:
        key = alias_key(ref)
        hits = [sp for sp in s.scalars(select(Speaker)) if alias_key(sp.name) == key]
    if not hits:
        raise CorrectionError(f"no speaker called {ref!r}; see `quotes speakers`")
    if len(hits) > 1:
        raise CorrectionError(f"{ref!r} names {len(hits)} speakers (ids {', '.join(str(h.id) for h in hits)}); use an id")
    return hits[0]


def merge(s: Session, source: str, target: str) -> Speaker:
    """Move every occurrence and alias of ``source`` onto ``target`` and delete ``source``."""
    a, b = find_speaker(s, source), find_speaker(s, target)
    if a.id == b.id:
        raise CorrectionError("both names are the same speaker already")
    s.execute(update(Quote).where(Quote.speaker_id == a.id).values(speaker_id=b.id))
    existing = {al.alias: al for al in b.aliases}
    for al in list(a.aliases):
        if al.alias in existing:
            existing[al.alias].count += al.count
        else:
            b.aliases.append(SpeakerAlias(alias=al.alias, count=al.count))
    if a.name not in existing and all(al.alias != a.name for al in b.aliases):
        b.aliases.append(SpeakerAlias(alias=a.name, count=0))
    s.add(Correction(action="merge", args={"source": a.name, "source_id": a.id, "target": b.name, "target_id": b.id}))
    s.delete(a)
    return b


def split(s: Session, ref: str, alias: str, new_name: str | None = None) -> Speaker:
    """Give the occurrences written as ``alias`` their own new speaker."""
    sp = find_speaker(s, ref)
    moved = [al for al in sp.aliases if al.alias.lower() == alias.lower()]
    if not moved:
        raise CorrectionError(f"{sp.name!r} has no alias {alias!r}; see `quotes speakers show {sp.name}`")
    new = Speaker(name=new_name or alias, kind=sp.kind, match_key=None, locked=True)
    s.add(new)
    s.flush()
    s.execute(update(Quote).where(Quote.speaker_id == sp.id, func.lower(Quote.speaker_mention) == alias.lower()).values(speaker_id=new.id))
    for al in moved:
        sp.aliases.remove(al)
        new.aliases.append(SpeakerAlias(alias=al.alias, count=al.count))
    s.add(Correction(action="split", args={"speaker": sp.name, "speaker_id": sp.id, "alias": alias, "new_id": new.id}))
    return new


def rename(s: Session, ref: str, new_name: str) -> Speaker:
    """Rename a speaker and lock the name; the old name stays as an alias. A blank name, or one
    another speaker has, is refused (two speakers of one name could no longer be told apart by it:
    `merge` makes them one)."""
    sp = find_speaker(s, ref)
    new_name = " ".join(new_name.split())
    if not new_name:
        raise CorrectionError("a speaker's name cannot be empty")
    other = s.scalar(select(Speaker).where(func.lower(Speaker.name) == new_name.lower(), Speaker.id != sp.id))
    if other is not None:
        raise CorrectionError(f"speaker {other.id} is called {other.name!r} already: "
                              f"`quotes speakers merge {sp.id} {other.id}` makes them one")
    old = sp.name
    if all(al.alias != old for al in sp.aliases):
        sp.aliases.append(SpeakerAlias(alias=old, count=0))
    sp.name, sp.locked = new_name, True
    s.add(Correction(action="rename", args={"speaker_id": sp.id, "old": old, "new": new_name}))
    return sp


def list_speakers(s: Session, *, kind: str | None = None, search: str | None = None) -> list[dict]:
    counts = dict(s.execute(select(Quote.speaker_id, func.count(Quote.id)).group_by(Quote.speaker_id)).all())
    stmt = select(Speaker).order_by(Speaker.id)
    if kind:
        stmt = stmt.where(Speaker.kind == kind)
    if search:
        stmt = stmt.where(or_(Speaker.name.ilike(f"%{search}%"), Speaker.aliases.any(SpeakerAlias.alias.ilike(f"%{search}%"))))
    rows = []
    for sp in s.scalars(stmt):
        aliases = sorted(sp.aliases, key=lambda a: (-a.count, a.alias))
        rows.append({"id": sp.id, "name": sp.name, "kind": sp.kind, "quotes": counts.get(sp.id, 0),
                     "aliases": "; ".join(f"{a.alias} ({a.count})" for a in aliases), "description": sp.description})
    return sorted(rows, key=lambda r: (-r["quotes"], r["id"]))
