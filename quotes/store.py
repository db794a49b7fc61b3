"""Stage 6 of the pipeline: store one analysed article, its speakers and its quotes, in one transaction.

A failure part-way leaves nothing of the article behind. Variant grouping is the next stage and
runs in a transaction of its own (``variants.group_article``), so a grouping problem never loses
an article and grouping can be redone without re-parsing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from .analyse import Analysed, extractor_version
from .models_db import Article, Quote, QuoteVector
from .outlet import infer_outlet
from .read import RawArticle
from .speakers import resolve_speakers
from .variants import EMBEDDING_MODEL, index_terms


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
    )
    s.add(article)
    try:
        s.flush()
    except IntegrityError as e:  # the unique text key: a concurrent run got there first
        raise AlreadyStored(raw.source) from e
    speakers = resolve_speakers(s, analysed.occurrences, analysed.acronyms)
    add_quotes(s, article, analysed.occurrences, speakers, analysed.vectors)
    return article.id


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
