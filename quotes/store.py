"""Stage 6 of the pipeline: store one analysed article, its speakers and its quotes, in one transaction.

A failure part-way leaves nothing of the article behind. Variant grouping is the next stage and
runs in a transaction of its own (``grouping.groups.group_articles``), so a grouping problem never loses
an article and grouping can be redone without re-parsing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .db import Database
from .extraction.analyse import Analysed, extractor_version
from .grouping.groups import EMBEDDING_MODEL
from .grouping.terms import index_terms
from .models_db import Article, Quote, QuoteVector
from .outlet import infer_outlet, wire_credit
from .read import RawArticle
from .speakers import resolve_speakers


@dataclass
class Overrides:
    """Metadata given on the command line, for every article of a run."""

    outlet: str | None = None
    url: str | None = None
    published: str | None = None


class AlreadyStored(Exception):
    """Another run stored the same text first."""


def store_article(s, raw: RawArticle, analysed: Analysed, overrides: Overrides, *, parser_version: str | None = None) -> int:
    """Add the article, its resolved speakers and its quotes (with their vectors) to session ``s``;
    returns the new article's id. The caller owns the transaction."""
    article = Article(
        key=raw.key, source=raw.source, title=raw.title, text=analysed.text,
        outlet=overrides.outlet or raw.outlet or infer_outlet(raw.text, raw.url),
        url=overrides.url or raw.url, published=overrides.published or raw.published,
        parse_conllu=analysed.conllu, parser_version=parser_version, extractor_version=extractor_version(),
        wire=wire_credit(raw.text),  # before cleaning, which drops bylines ("By Tasnim News Agency")
    )
    s.add(article)
    try:
        s.flush()
    except IntegrityError as e:  # the unique text key: a concurrent run got there first
        raise AlreadyStored(raw.source) from e
    speakers = resolve_speakers(s, analysed.occurrences, analysed.acronyms)
    add_quotes(s, article, analysed.occurrences, speakers, analysed.vectors)
    return article.id


EMBED_CHUNK = 1000  # quotes embedded, and committed, at a time by ``embed_missing``


def embed_missing(db: Database) -> int:
    """Embed the stored quotes that have no vector, with the package's encoder; returns how many.

    Quotes stored before schema revision 0003 have none, and a downgrade below it drops them all:
    a vector is derived data (a cache of the encoder's output, keyed by model), so the migrations
    leave it to the package, and ``quotes db upgrade`` and ingest call this. Committed a chunk at a
    time: an interrupted run leaves what it did, and the next one goes on. A cheap count first, so
    an up-to-date database costs two counts."""
    with db.read() as s:
        if (s.scalar(select(func.count(Quote.id))) or 0) <= (s.scalar(select(func.count(QuoteVector.quote_id))) or 0):
            return 0
        missing = s.execute(select(Quote.id, Quote.text).outerjoin(QuoteVector, QuoteVector.quote_id == Quote.id)
                            .where(QuoteVector.quote_id.is_(None)).order_by(Quote.id)).all()
    if not missing:
        return 0
    from .parse import sentence_vectors

    for start in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[start : start + EMBED_CHUNK]
        vectors = sentence_vectors([text for _, text in chunk])
        with db.session() as s:
            s.add_all(QuoteVector(quote_id=qid, model=EMBEDDING_MODEL, vector=v.tobytes()) for (qid, _), v in zip(chunk, vectors))
    return len(missing)


def add_quotes(s, article: Article, occurrences, speakers, vectors) -> list[Quote]:
    """Add an article's occurrences as quotes, with their speakers and vectors, and count their
    words for grouping (``term_stats``); the caller owns the transaction."""
    quotes = [Quote(article=article, speaker=speaker, type=occ.type, text=occ.text, start=occ.start, end=occ.end,
                    cue_lemma=occ.cue_lemma, cue_text=occ.cue_text, speaker_mention=occ.speaker_mention,
                    sentence=occ.sentence, confidence=occ.confidence, rule=occ.rule)
              for occ, speaker in zip(occurrences, speakers)]
    s.add_all(quotes)
    s.flush()
    s.add_all(QuoteVector(quote_id=q.id, model=EMBEDDING_MODEL, vector=v) for q, v in zip(quotes, vectors))
    s.flush()
    index_terms(s, [q.text for q in quotes])
    return quotes
