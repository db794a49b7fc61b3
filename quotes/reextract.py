"""``quotes reextract``: run extract -> attribute -> resolve speakers -> store -> group again on stored
articles, from their stored parses, without loading the parser.

Each article is replaced in one transaction (a reader sees its old quotes or its new ones, never
none; a killed run leaves every article either done or untouched, and the next run with
``--behind`` finishes the job), then its new quotes are grouped in a transaction of their own, as
at ingest. A quote that is still the same statement (same span, type and text) keeps its id, its
vector and its variant group, and is updated in place (speaker, cue, confidence...); the others
are deleted or added, and ``quote_successors`` maps each deleted id to the quote that replaced it
(largest span overlap), so links to quote ids keep working. Ids are never handed out twice. Speakers are resolved again, with the
corrections people made replayed as at ingest (aliases moved by ``merge``, ``split`` forms,
``rename`` locks); speakers left with no quote and no correction are removed afterwards.

Articles whose stored parse came from other parser models are re-parsed only with
``reparse=True`` (the parser is loaded then); without a stored parse an article can only be
re-parsed.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select, update

from .db import Database
from .extraction.analyse import extract_article, extractor_version
from .grouping import neighbours
from .grouping.groups import EMBEDDING_MODEL, group_article, group_unfinished, rebuild_after_upgrade
from .grouping.refresh import refresh_group
from .grouping.terms import index_terms
from .models_db import Article, Correction, Quote, QuoteSuccessor, QuoteVector, Speaker, SpeakerAlias, VariantGroup
from .speakers import alias_key, resolve_speakers
from .store import add_quotes, embed_missing
from .workers import first_line


@dataclass
class ReextractReport:
    articles: int = 0  # re-extracted
    changed: int = 0  # whose quotes or speakers changed
    kept: int = 0  # quotes kept (same id), updated in place
    added: int = 0
    removed: int = 0
    reparsed: int = 0
    resumed: int = 0  # articles an interrupted run left ungrouped, grouped first
    speakers_removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)


def select_articles(db: Database, *, ids: list[int] | None = None, outlet: str | None = None,
                    since: str | None = None, until: str | None = None, behind: bool = False) -> list[int]:
    """Ids of the stored articles matching every criterion given, in id order. ``since`` and
    ``until`` compare with ``published`` (ISO dates compare as text); ``behind``: those not made by
    the installed extractor."""
    stmt = select(Article.id).order_by(Article.id)
    if ids:
        stmt = stmt.where(Article.id.in_(ids))
    if outlet:
        stmt = stmt.where(func.lower(Article.outlet) == outlet.lower())
    if since:
        stmt = stmt.where(Article.published >= since)
    if until:
        stmt = stmt.where(Article.published <= until + "\uffff")  # the whole day of a date
    if behind:
        stmt = stmt.where(or_(Article.extractor_version.is_(None), Article.extractor_version != extractor_version()))
    with db.read() as s:
        return list(s.scalars(stmt))


def reextract(db: Database, article_ids: list[int], *, reparse: bool = False, models: str | None = None,
              progress: Callable[[], object] | None = None) -> ReextractReport:
    """Re-extract the given articles (see the module docstring); returns what changed."""
    report = ReextractReport()
    embed_missing(db)  # an upgraded database's old quotes are candidates of the new ones' grouping
    rebuild_after_upgrade(db, db.upgraded_from)  # related statements, which a migration leaves to grouping
    db.upgraded_from = None
    report.resumed = group_unfinished(db)  # articles an interrupted run left ungrouped
    parser_version = _parser_version(models)
    with db.engine.connect() as conn:  # open, so that the ids of deleted quotes leave it at once
        neighbours.index_for(conn)
    bar = progress() if progress else None
    try:
        for article_id in article_ids:
            source = str(article_id)
            try:
                t0 = time.perf_counter()
                with db.session() as s:
                    source = s.get(Article, article_id).source
                    changed, added = _replace(s, article_id, report, reparse=reparse, models=models,
                                              parser_version=parser_version)
                report.seconds["replace"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                if added:  # the article's groups are made again with its new quotes (``_replace`` marked it)
                    with db.session() as s:
                        group_article(s, article_id)
                report.seconds["variants"] += time.perf_counter() - t0
                report.articles += 1
                report.changed += changed
            except Exception as e:  # one article must not stop the others; it is left as it was
                report.failed.append((source, first_line(e)))
            if bar is not None:
                bar.update(1)
        with db.session() as s:
            report.speakers_removed = remove_orphan_speakers(s)
    finally:
        if bar is not None:
            bar.close()
        neighbours.save_all()
    return report


def _parser_version(models: str | None) -> str:
    from .parse import find_models, models_dir

    return find_models(models_dir(models)).version


def _replace(s, article_id: int, report: ReextractReport, *, reparse: bool, models: str | None,
             parser_version: str) -> tuple[bool, list[int]]:
    """Extract one article again and replace its quotes in session ``s``: whether anything changed,
    and the ids of the quotes added."""
    article = s.get(Article, article_id)
    parse = _parse(article, report, reparse=reparse, models=models, parser_version=parser_version)
    t0 = time.perf_counter()
    extraction = extract_article(article.text, parse)
    occurrences = extraction.occurrences
    report.seconds["analyse"] += time.perf_counter() - t0

    old = list(s.scalars(select(Quote).where(Quote.article_id == article_id).order_by(Quote.id)))
    before = [_fingerprint(q) for q in old]
    for q in old:  # their sightings of speaker forms are counted again below, as for a fresh ingest
        if q.speaker_id is not None and q.speaker_mention:
            _uncount_alias(s, q.speaker_id, q.speaker_mention)
    speakers = resolve_speakers(s, occurrences, extraction.acronyms, _credited(old))

    by_span = {(q.start, q.end, q.type, q.text): q for q in old}
    keep, fresh = {}, []
    for occ, speaker in zip(occurrences, speakers):
        q = by_span.pop((occ.start, occ.end, occ.type, occ.text), None)
        if q is None:
            fresh.append((occ, speaker))
        else:
            keep[q.id] = (q, occ, speaker)
    gone = list(by_span.values())
    touched_groups = {q.variant_id for q in gone if q.variant_id is not None}
    for q, occ, speaker in keep.values():
        if q.speaker_id != (speaker.id if speaker else None) and q.variant_id is not None:
            touched_groups.add(q.variant_id)  # who is credited changed: the group's flags may change
        q.speaker = speaker
        q.cue_lemma, q.cue_text, q.speaker_mention = occ.cue_lemma, occ.cue_text, occ.speaker_mention
        q.sentence, q.confidence, q.rule = occ.sentence, occ.confidence, occ.rule
    new_quotes = []
    if fresh:
        article.grouped_at = None  # until the added quotes are grouped, in the next transaction
        vectors = _vectors(s, [occ.text for occ, _ in fresh])
        new_quotes = add_quotes(s, article, [occ for occ, _ in fresh], [sp for _, sp in fresh], vectors)
    if gone:
        _record_successors(s, article_id, gone, [q for q, _, _ in keep.values()] + new_quotes)
        index_terms(s, [q.text for q in gone], sign=-1)
        ids = [q.id for q in gone]
        s.execute(delete(QuoteVector).where(QuoteVector.quote_id.in_(ids)))
        for q in gone:
            s.delete(q)
        s.flush()
        opened = neighbours.index_for_engine(s.get_bind().engine)
        if opened is not None:
            opened.forget(ids)
    article.extractor_version = extractor_version()
    s.flush()
    for gid in sorted(touched_groups):
        group = s.get(VariantGroup, gid)
        if group is not None:
            refresh_group(s, group)
    report.kept += len(keep)
    report.added += len(fresh)
    report.removed += len(gone)
    after = [_fingerprint(q) for q in s.scalars(select(Quote).where(Quote.article_id == article_id).order_by(Quote.id))]
    return sorted(before, key=str) != sorted(after, key=str), [q.id for q in new_quotes]


def _parse(article: Article, report: ReextractReport, *, reparse: bool, models: str | None, parser_version: str):
    """The article's parse for the extraction stage: its stored parse (CoNLL-U, which extraction
    reads without Stanza), or, with ``reparse``, when there is none or other parser models made it, a
    new one (stored in its place)."""
    if article.parse_conllu and not (reparse and article.parser_version != parser_version):
        return article.parse_conllu
    if not reparse:
        raise ValueError("no stored parse: run with --reparse")
    from .parse import parse_texts, to_conllu

    doc = parse_texts([article.text], models=models)[0]
    article.parse_conllu, article.parser_version = to_conllu(doc), parser_version
    report.reparsed += 1
    return doc


def _credited(old: list[Quote]) -> dict:
    """Who the article's quotes credited, by alias key of each mention and of each speaker's name:
    a mention the article had before goes to the same speaker again (corrections included, since
    they moved the quotes), so re-extraction does not re-decide what the database already settled,
    and resolving against speakers stored after this article cannot change it. New mentions are
    resolved afresh. Unnamed sources are listed in order of appearance under their name (an article
    can hold two unnamed sources written alike: each gets its own back); a quote at the same place
    credited to the same words keeps its speaker (``speakers._credited_here``)."""
    from .extraction import names

    out: dict = {}
    seen: set[int] = set()
    for q in old:
        sp = q.speaker
        if sp is None:
            continue
        if sp.kind == "anonymous":
            if sp.id not in seen:
                out.setdefault(("unnamed", alias_key(sp.name)), []).append(sp)
        else:
            out.setdefault(alias_key(sp.name), sp)
        seen.add(sp.id)
        if q.speaker_mention and names.kind_of(q.speaker_mention) != "pronoun" and sp.kind != "anonymous":
            out.setdefault(alias_key(q.speaker_mention), sp)
        out[("span", q.start, q.end, q.text, (q.speaker_mention or "").lower())] = sp
    return out


SUCCESSOR_MIN_OVERLAP = 0.5  # shared characters over the two spans together


def successor(gone: Quote, now: list[Quote]) -> Quote | None:
    """The quote of ``now`` that took the place of ``gone``: the largest overlap of character spans
    (intersection over union, at least ``SUCCESSOR_MIN_OVERLAP``), the same type first."""
    def overlap(q: Quote) -> float:
        shared = min(q.end, gone.end) - max(q.start, gone.start)
        return shared / (max(q.end, gone.end) - min(q.start, gone.start)) if shared > 0 else 0.0

    scored = [(overlap(q), q.type == gone.type, -q.id, q) for q in now]
    best = max((t for t in scored if t[0] >= SUCCESSOR_MIN_OVERLAP), default=None, key=lambda t: t[:3])
    return best[3] if best else None


def _record_successors(s, article_id: int, gone: list[Quote], now: list[Quote]) -> None:
    """Rows of ``quote_successors`` for the quotes about to be deleted, so a saved id leads to the
    quote that replaced it; rows that pointed at a deleted quote move on to its successor."""
    s.flush()  # the quotes added have their ids
    for q in gone:
        nxt = successor(q, now)
        new_id = nxt.id if nxt is not None else None
        s.execute(update(QuoteSuccessor).where(QuoteSuccessor.new_id == q.id).values(new_id=new_id))
        s.add(QuoteSuccessor(old_id=q.id, new_id=new_id, article_id=article_id))
    s.flush()


def _fingerprint(q: Quote) -> tuple:
    return (q.start, q.end, q.type, q.text, q.speaker_id, q.cue_lemma, q.cue_text, q.speaker_mention, q.rule)


def _uncount_alias(s, speaker_id: int, alias: str) -> None:
    row = s.scalar(select(SpeakerAlias).where(SpeakerAlias.speaker_id == speaker_id, SpeakerAlias.alias == alias))
    if row is not None and row.count > 0:
        row.count -= 1


def _vectors(s, texts: list[str]) -> list[bytes]:
    """Sentence vectors of ``texts``: the stored vector of a quote with the same text where there is
    one (the encoder is loaded only for texts never seen)."""
    stored = dict(s.execute(select(Quote.text, QuoteVector.vector).join(QuoteVector, QuoteVector.quote_id == Quote.id)
                            .where(Quote.text.in_(set(texts)), QuoteVector.model == EMBEDDING_MODEL)).all())
    missing = sorted({t for t in texts if t not in stored})
    if missing:
        from .parse import sentence_vectors

        stored.update((t, v.tobytes()) for t, v in zip(missing, sentence_vectors(missing)))
    return [stored[t] for t in texts]


def remove_orphan_speakers(s) -> int:
    """Delete the speakers no quote credits any more, unless a person touched them (locked by a
    rename or split, or named in a correction): they would otherwise attract new mentions that a
    fresh ingest would resolve differently."""
    named = set()
    for args in s.scalars(select(Correction.args)):
        named.update(v for k, v in (args or {}).items() if k.endswith("_id") and isinstance(v, int))
    orphans = [sid for sid in s.scalars(
        select(Speaker.id).where(~Speaker.locked, ~select(Quote.id).where(Quote.speaker_id == Speaker.id).exists()))
        if sid not in named]
    for start in range(0, len(orphans), 500):
        for sp in s.scalars(select(Speaker).where(Speaker.id.in_(orphans[start : start + 500]))):
            s.delete(sp)
    return len(orphans)
