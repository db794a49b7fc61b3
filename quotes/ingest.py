"""The pipeline, top to bottom: read -> clean -> parse -> extract/attribute -> resolve speakers -> store -> group variants.

``ingest_paths`` is the library entry point behind ``quotes ingest``. Each article is stored in one
transaction (article, speakers, quotes and its variant grouping together), so a failure part-way
leaves nothing half-written, and an article whose text was ingested before is skipped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import func, select

from . import names
from .analyse import analyse
from .clean import clean_article
from .db import Database
from .models_db import Article, Quote, Speaker
from .outlet import infer_outlet
from .read import RawArticle, ReadError, iter_paths, read_path
from .speakers import SpeakerIndex, count_alias

PARSE_BATCH_ARTICLES = 8


@dataclass
class IngestReport:
    new: int = 0
    skipped: int = 0
    quotes: int = 0
    speakers: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Overrides:
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


def read_all(paths: list[str], report: IngestReport, stdin=None) -> list[RawArticle]:
    """Every readable article; unreadable inputs are recorded in the report with their reason."""
    out = []
    for path in iter_paths(paths):
        try:
            out.extend(read_path(path, stdin=stdin))
        except ReadError as e:
            report.failed.append((path, str(e)))
    return out


def ingest_paths(db: Database, paths: list[str], *, overrides: Overrides | None = None, models: str | None = None,
                 progress: Callable[[Iterable], Iterable] | None = None, stdin=None) -> IngestReport:
    """Ingest files, folders and ``-`` (stdin) into the database; returns counts and failures."""
    report = IngestReport()
    articles = read_all(paths, report, stdin=stdin)
    todo = _new_articles(db, articles, report)
    speakers_before = _count_speakers(db)
    batches = [todo[i : i + PARSE_BATCH_ARTICLES] for i in range(0, len(todo), PARSE_BATCH_ARTICLES)]
    bar = progress(range(len(todo))) if progress else None
    version = _models_version(models) if todo else None
    for batch in batches:
        docs = _parse([clean_article(a.text).text for a in batch], models)
        for raw, doc in zip(batch, docs):
            try:
                report.quotes += store_article(db, raw, doc, overrides or Overrides(), parser_version=version)
                report.new += 1
            except Exception as e:  # one bad article must not stop the others
                report.failed.append((raw.source, f"{type(e).__name__}: {e}"))
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    report.speakers = _count_speakers(db) - speakers_before
    return report


def _parse(texts: list[str], models: str | None):
    from .parse import parse_texts

    return parse_texts(texts, models=models)


def _new_articles(db: Database, articles: list[RawArticle], report: IngestReport) -> list[RawArticle]:
    with db.read() as s:
        known = set(s.scalars(select(Article.key).where(Article.key.in_([a.key for a in articles])))) if articles else set()
    todo, seen = [], set()
    for a in articles:
        if a.key in known or a.key in seen:
            report.skipped += 1
            continue
        seen.add(a.key)
        todo.append(a)
    return todo


def _count_speakers(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(Speaker.id))) or 0


def _models_version(models: str | None) -> str:
    from .parse import find_models, models_dir

    return find_models(models_dir(models)).version


def store_article(db: Database, raw: RawArticle, doc, overrides: Overrides, *, parser_version: str | None = None) -> int:
    """Analyse one parsed article and store it with its quotes, speakers and variants; returns the quote count."""
    from .parse import to_conllu
    from .variants import group_article

    text = doc.text
    occurrences = analyse(text, doc)
    acronyms = names.learn_acronyms(text)
    with db.session() as s:
        article = Article(
            key=raw.key, source=raw.source, title=raw.title, text=text,
            outlet=overrides.outlet or raw.outlet or infer_outlet(raw.text, raw.url),
            url=overrides.url or raw.url, published=overrides.published or raw.published,
            parse_conllu=to_conllu(doc), parser_version=parser_version,
        )
        s.add(article)
        index = SpeakerIndex(s)
        resolved = {}
        for occ in occurrences:
            speaker = None
            if occ.entity is not None:
                if id(occ.entity) not in resolved:
                    resolved[id(occ.entity)] = index.resolve(occ.entity, acronyms)
                speaker = resolved[id(occ.entity)]
                if occ.speaker_mention and names.kind_of(occ.speaker_mention) != "pronoun":
                    count_alias(s, speaker, occ.speaker_mention)
            s.add(Quote(article=article, speaker=speaker, type=occ.type, text=occ.text, start=occ.start, end=occ.end,
                        cue_lemma=occ.cue_lemma, cue_text=occ.cue_text, speaker_mention=occ.speaker_mention,
                        sentence=occ.sentence, confidence=occ.confidence, rule=occ.rule))
        s.flush()
        group_article(s, article)
    return len(occurrences)
