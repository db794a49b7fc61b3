"""Stage 5 of the pipeline: land every article's speakers on canonical speakers in the database.

Order of evidence, strongest first:
1. an exact alias already on a speaker (this is how user merges, splits and renames persist);
2. the curated alias file (``quotes/data/aliases.json`` plus QUOTES_ALIASES), e.g. SBU = SSU =
   Security Service of Ukraine;
3. people: same folded surname and compatible first names (Zelensky/Zelenskyy, Andrii/Andriy);
   a surname alone joins a full name only when exactly one person with that surname is known;
4. organisations: acronyms the article defines, then (country, core words) matching.

Anonymous sources ("a senior official") are never merged across articles or with named speakers.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .db import QuotesSession
from .extraction import names
from .extraction.names import NAMED_KINDS, same_org
from .models_db import Correction, Speaker, SpeakerAlias, SpeakerKey

if TYPE_CHECKING:
    from .extraction.coref import Entity

ALIASES_FILE = Path(__file__).parent / "data" / "aliases.json"


def alias_key(text: str) -> str:
    """Case-, accent-, article- and possessive-insensitive form of a name."""
    t = names.strip_accents(text).lower().replace("’", "'")
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"[^\w\s]", " ", t)
    t = re.sub(r"^\s*the\s+", "", t)
    return " ".join(t.split())


@lru_cache(maxsize=2)
def curated_aliases(extra: str | None = None) -> dict[str, tuple[str, str]]:
    """alias key -> (canonical name, kind), from the shipped file and QUOTES_ALIASES."""
    table: dict[str, tuple[str, str]] = {}
    for path in [ALIASES_FILE, *([Path(extra)] if extra else [])]:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for entry in data.get("speakers", []):
            canon = (entry["name"], entry.get("kind", "organisation"))
            for form in [entry["name"], *entry.get("aliases", [])]:
                table[alias_key(form)] = canon
    return table


def match_key(name: str, kind: str) -> str:
    if kind == "person":
        return "person:" + names.person_key(name)[1]
    if kind in ("organisation", "group"):
        country, core = names.org_key(name)
        return f"org:{country or ''}:{' '.join(sorted(core))}"
    return f"{kind}:{alias_key(name)}"


def keys_of(name: str, kind: str, aliases: list[str]) -> set[str]:
    """The index keys of a speaker (see ``models_db.SpeakerKey``); none for unnamed sources.

    Every speaker a resolution rule below can return carries a key the rule looks up: an exact form
    (``a:``), a person's surname (``p:``; near-spellings are found by a range scan over the surnames
    with the same first letter), an organisation's head word or core words (``oh:``, ``oc:``;
    ``same_org`` needs one or the other to agree)."""
    if kind not in NAMED_KINDS:
        return set()
    forms = [name, *aliases]
    keys = {"a:" + alias_key(f) for f in forms}
    if kind == "person":
        last = names.person_key(name)[1]
        if last:
            keys.add("p:" + last)
    else:
        for f in forms:
            if names.is_acronym(f):
                continue
            keys |= _org_keys(f)
    return keys


def _org_keys(form: str) -> set[str]:
    toks = names.tokens(form)
    core = names.org_key(form)[1]
    return ({"oh:" + toks[-1].lower()} if toks else set()) | ({"oc:" + " ".join(sorted(core))} if core else set())


@event.listens_for(QuotesSession, "before_flush")
def _keep_keys(session: Session, _context, _instances) -> None:
    """Recompute the keys of every speaker whose name, kind or aliases change, whichever code path
    changes them (resolution, merge, split, rename), in the same flush of a ``Database``'s session."""
    touched = {o for o in list(session.new) + list(session.dirty) if isinstance(o, Speaker)}
    touched |= {o.speaker for o in list(session.new) + list(session.dirty)
                if isinstance(o, SpeakerAlias) and o.speaker is not None}
    with session.no_autoflush:
        for sp in touched:
            if sp in session.deleted:
                continue
            want = keys_of(sp.name, sp.kind, [a.alias for a in sp.aliases])
            have = {k.key: k for k in sp.keys}
            for key in have.keys() - want:
                sp.keys.remove(have[key])
            sp.keys.extend(SpeakerKey(key=key) for key in sorted(want - have.keys()))


class SpeakerIndex:
    """Resolves one article's entities to the canonical speakers of the database by indexed keys
    (``speaker_keys``): the cost of a lookup does not grow with the number of speakers stored."""

    def __init__(self, session: Session, credited: dict[str, Speaker] | None = None):
        self.session = session
        self.credited = credited or {}  # alias key -> who this article credited before (re-extraction)
        self.curated = curated_aliases(os.environ.get("QUOTES_ALIASES"))
        self.local: dict[str, Speaker] = {}  # forms resolved in this article, after the stored aliases

    def _holding(self, key: str, kinds=NAMED_KINDS) -> list[Speaker]:
        """Named speakers holding an index key, oldest first."""
        return list(self.session.scalars(
            select(Speaker).join(SpeakerKey).where(SpeakerKey.key == key, Speaker.kind.in_(kinds)).order_by(Speaker.id)))

    def resolve(self, entity: Entity, acronyms: dict[str, str]) -> Speaker:
        """The canonical speaker for an article's entity (created when none matches)."""
        if entity.kind not in NAMED_KINDS:
            return (self._merged_form(entity.name) or self._credited_unnamed(entity.name)
                    or self._create(entity.name, "anonymous", entity.description))
        before = self._credited_before([entity.name, *entity.mentions])
        forms = [entity.name, *entity.mentions, *entity.acronyms]
        sp = before or self._by_alias(forms) or self._by_curated(forms + [acronyms[a] for a in entity.acronyms if a in acronyms])
        if sp is None:
            sp = self._person(entity) if entity.kind == "person" else self._organisation(entity, acronyms)
        if sp is None:
            sp = self._create(entity.name, entity.kind, entity.description)
        if entity.description and not sp.description and not names.is_acronym(entity.description):
            sp.description = entity.description
        if entity.kind == "person" and not sp.locked and names.better_name(sp.name, entity.name):
            sp.name = entity.name
            sp.match_key = match_key(sp.name, sp.kind)
        for form in forms:
            self.local.setdefault(alias_key(form), sp)
        return sp

    def _credited_unnamed(self, name: str) -> Speaker | None:
        waiting = self.credited.get(("unnamed", alias_key(name)))
        return waiting.pop(0) if waiting else None

    def _credited_before(self, forms) -> Speaker | None:
        for f in forms:
            sp = self.credited.get(alias_key(f))
            if sp is not None:
                return sp
        return None

    def _merged_form(self, name: str) -> Speaker | None:
        """The named speaker a user merged this exact unnamed form into (``speakers merge``), when the
        form names someone ("White House National Security Advisor John Kirby", misread as unnamed):
        the merge is replayed for the next article that writes it so. Generic forms ("a senior
        official", "the agency") stay unnamed and per article whatever a merge said: in another
        article they are likely someone else."""
        if not re.search(r"\s[A-Z]", name.strip()):
            return None
        stored = self._holding("a:" + alias_key(name))
        return stored[0] if stored else None

    def _by_name(self, name: str) -> Speaker | None:
        key = alias_key(name)
        stored = self._holding("a:" + key)
        return stored[0] if stored else self.local.get(key)

    def _by_alias(self, forms) -> Speaker | None:
        for f in forms:
            sp = self._by_name(f)
            if sp is not None:
                return sp
        return None

    def _by_curated(self, forms) -> Speaker | None:
        for f in forms:
            hit = self.curated.get(alias_key(f))
            if hit:
                name, kind = hit
                return self._by_name(name) or self._create(name, kind, None)
        return None

    def _person(self, entity: Entity) -> Speaker | None:
        first, last = names.person_key(entity.name)
        if not last:
            return None
        same_last = self._holding("p:" + last, ("person",))
        if not same_last and len(last) >= 6:
            same_last = self._near_surnames(last)
        if first:
            exact = [sp for sp in same_last if names.person_key(sp.name)[0] == first]
            if exact:
                return exact[0]
            bare = [sp for sp in same_last if not names.person_key(sp.name)[0]]
            others = [sp for sp in same_last if names.person_key(sp.name)[0]]
            return bare[0] if len(bare) == 1 and not others else None
        full = [sp for sp in same_last if names.person_key(sp.name)[0]]
        if len({names.person_key(sp.name)[0] for sp in full}) == 1:
            return full[0]
        bare = [sp for sp in same_last if not names.person_key(sp.name)[0]]
        return bare[0] if bare and not full else None

    def _near_surnames(self, last: str) -> list[Speaker]:
        """People whose surname Jaro-Winkler puts at ``names.SAME_SURNAME_STORED`` or more from ``last`` (Zelensky, Zelenskyy;
        Kuleba, Kouleba), among the surnames that share its first letter: an index range, not a scan."""
        from rapidfuzz.distance import JaroWinkler

        low = "p:" + last[0]
        rows = self.session.execute(
            select(SpeakerKey.key, SpeakerKey.speaker_id).join(Speaker)
            .where(SpeakerKey.key >= low, SpeakerKey.key < low + "\U0010ffff", Speaker.kind == "person")).all()
        ids = sorted({sid for key, sid in rows if JaroWinkler.similarity(key[2:], last) >= names.SAME_SURNAME_STORED})
        return [self.session.get(Speaker, i) for i in ids]

    def _organisation(self, entity: Entity, acronyms: dict[str, str]) -> Speaker | None:
        forms = [f for f in [entity.name, *entity.mentions] if not names.is_acronym(f)]
        forms += [acronyms[a] for a in entity.acronyms if a in acronyms]
        keys = sorted({k for f in forms for k in _org_keys(f)})
        candidates = {sp.id: sp for k in keys for sp in self._holding(k, ("organisation", "group"))}
        for _, sp in sorted(candidates.items()):
            known = [sp.name, *(a.alias for a in sp.aliases)]
            if any(same_org(f, k) for f in forms for k in known if not names.is_acronym(k)):
                return sp
        return None

    def _create(self, name: str, kind: str, description: str | None) -> Speaker:
        sp = Speaker(name=name, kind=kind, description=description, match_key=match_key(name, kind))
        self.session.add(sp)
        if kind in NAMED_KINDS:
            self.local.setdefault(alias_key(name), sp)
        return sp


def count_alias(session: Session, speaker: Speaker, alias: str | None) -> None:
    """Record one more sighting of a surface form for a speaker."""
    if not alias:
        return
    for a in speaker.aliases:
        if a.alias == alias:
            a.count += 1
            return
    speaker.aliases.append(SpeakerAlias(alias=alias, count=1))


def resolve_speakers(session: Session, occurrences, acronyms: dict[str, str],
                     credited: dict[str, Speaker] | None = None) -> list[Speaker | None]:
    """The canonical speaker of each occurrence (None where the article names none), with every
    surface form counted as an alias; one article's entity resolves once. A user's ``speakers split``
    is replayed: an occurrence written as the split-off form goes to the speaker split off.
    ``credited``: who the article credited before, by alias key of the mention (re-extraction):
    those mentions go to the same speakers again."""
    index = SpeakerIndex(session, credited)
    splits = split_corrections(session)
    resolved: dict[int, Speaker] = {}
    out = []
    for occ in occurrences:
        if occ.entity is None:
            out.append(None)
            continue
        if id(occ.entity) not in resolved:
            resolved[id(occ.entity)] = _credited_here(credited, occ) or index.resolve(occ.entity, acronyms)
        speaker = resolved[id(occ.entity)]
        moved = splits.get((speaker.id, (occ.speaker_mention or "").lower())) if speaker.id else None
        speaker = session.get(Speaker, moved) or speaker if moved else speaker
        if occ.speaker_mention and names.kind_of(occ.speaker_mention) != "pronoun":
            count_alias(session, speaker, occ.speaker_mention)
        out.append(speaker)
    return out


def _credited_here(credited: dict | None, occ) -> Speaker | None:
    """Re-extraction: the speaker of the quote stored at the same place, credited to the same words
    (attribution did not change there, so resolution is not decided again; an entity met only as
    "she" has no name of its own to be looked up by)."""
    if not credited:
        return None
    return credited.get(("span", occ.start, occ.end, occ.text, (occ.speaker_mention or "").lower()))


def split_corrections(session: Session) -> dict[tuple[int, str], int]:
    """(speaker id, lower-cased alias) -> id of the speaker that alias was split off to."""
    out = {}
    for args in session.scalars(select(Correction.args).where(Correction.action == "split").order_by(Correction.id)):
        if {"speaker_id", "alias", "new_id"} <= set(args or {}):
            out[(args["speaker_id"], str(args["alias"]).lower())] = args["new_id"]
    return out
