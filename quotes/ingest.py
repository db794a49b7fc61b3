"""The pipeline, top to bottom: read -> clean -> parse -> extract/attribute -> resolve speakers -> store -> group variants.

``ingest_paths`` is the library entry point behind ``quotes ingest``. It streams: inputs are read
one file at a time, parsed in batches of ``PARSE_BATCH_ARTICLES`` (in worker processes when asked,
see ``workers.py``), and each article is stored as soon as its batch is parsed, so memory does not
grow with the size of the input and the first article is in the database seconds after start.

Each article is stored in one transaction (article, speakers, quotes); variant grouping follows
in transactions of its own, every ``groups.REGROUP_ARTICLES`` stored articles and at the end of
the run, over all the articles stored and not grouped yet (so the groups do not depend on the order
of the inputs). An article whose text is already stored is skipped, also
when another run stores it concurrently. ``IngestReport.seconds`` says where the time went, stage
by stage (the parse, analysis and embedding seconds are summed over worker processes).
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import func, select

from .clean import clean_article
from .db import Database
from .extraction.analyse import Analysed, Failed
from .grouping import neighbours
from .grouping.groups import REGROUP_ARTICLES, group_unfinished, rebuild_after_upgrade
from .models_db import Article, Speaker
from .read import RawArticle, ReadFailure, iter_paths, read_items
from .store import AlreadyStored, Overrides, embed_missing, store_article
from .workers import PARSE_BATCH_ARTICLES, Analyser, first_line

__all__ = ["IngestReport", "Overrides", "ingest_paths"]


@dataclass
class IngestReport:
    new: int = 0
    skipped: int = 0
    resumed: int = 0  # articles an interrupted run stored, grouped by this one
    quotes: int = 0
    speakers: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # read, but changed on the way (bytes replaced, ...)
    seconds: Counter = field(default_factory=Counter)  # stage -> seconds


def ingest_paths(db: Database, paths: list[str], *, overrides: Overrides | None = None, models: str | None = None,
                 progress: Callable[[], object] | None = None, stdin=None, workers: int | None = 1,
                 device: str | None = None, ray_address: str | None = None,
                 columns: dict[str, str] | None = None) -> IngestReport:
    """Ingest files, folders and ``-`` (stdin) into the database; returns counts, failures and timings.

    ``progress``, when given, is called with no arguments and returns an object with ``update(n)``
    and ``close()`` (a tqdm bar, say); it advances once per article stored or skipped.

    ``workers`` parse in parallel (None: one per core). With ``ray_address`` the articles are read,
    cleaned and parsed on Ray instead (``distributed.py``; ``local`` starts a Ray on this machine,
    ``auto`` or ``ray://HOST:PORT`` joins a cluster, a process already connected to Ray stays on it),
    ``workers`` actors (None: one per CPU of the cluster); this process stores the results.
    ``columns`` names a CSV or TSV file's columns (``read.CSV_COLUMNS``: field -> column name)."""
    report = IngestReport()
    overrides = overrides or Overrides()
    speakers_before = _count_speakers(db)
    embed_missing(db)  # quotes stored before vectors were (an upgraded database) are grouping's candidates too
    rebuild_after_upgrade(db, db.upgraded_from)  # related statements, which a migration leaves to grouping
    db.upgraded_from = None
    report.resumed = _group(db, report)  # articles an interrupted run stored but did not group
    bar = progress() if progress else None
    if bar is not None:
        _describe(bar, "loading models")  # the first batch waits for the parser: a minute on a busy machine
        total = count_articles(paths)
        if total:
            bar.total = total  # tqdm then shows the share done, the rate and the time left
            bar.refresh()
    version = None
    analysed = _analysed_on_ray(ray_address) if ray_address else _analysed_here
    try:
        with closing(analysed(db, paths, report, models=models, workers=workers, device=device, stdin=stdin,
                              bar=bar, columns=columns)) as pairs:
            waiting = 0  # stored, not grouped yet
            for raw, result in pairs:
                version = version or _models_version(models)
                waiting += _store(db, raw, result, overrides, version, report)
                if waiting >= REGROUP_ARTICLES:
                    _describe(bar, "grouping statements")
                    _group(db, report)
                    waiting = 0
                _describe(bar, "ingesting")
                if bar is not None:
                    bar.update(1)
        _describe(bar, "grouping statements")
        _group(db, report)
    finally:
        if bar is not None:
            bar.close()
    report.warnings.extend(("vector index", why) for why in neighbours.save_all())  # beside the database, for the next run
    report.speakers = _count_speakers(db) - speakers_before
    return report


def count_articles(paths: list[str]) -> int | None:
    """How many articles ``paths`` hold, when that is known before reading them: each file one
    article (a folder listed, not read). None when an input may hold several or an unknown number
    (standard input, .jsonl, .json, .csv, .tsv and WARC files)."""
    from .read import CSV_SUFFIXES, JSON_SUFFIXES, JSONL_SUFFIXES, is_warc

    n = 0
    for path in iter_paths(paths, []):
        if path == "-" or Path(path).suffix.lower() in JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES or is_warc(path):
            return None
        n += 1
    return n


def _describe(bar, what: str) -> None:
    """Say on the progress bar what the run is doing (a tqdm bar's description)."""
    if bar is not None and getattr(bar, "desc", None) != what and hasattr(bar, "set_description_str"):
        bar.set_description_str(what)


def default_workers() -> int:
    """One worker process per core this process may use (on 2 cores, 2 workers ingest 1.3 times as
    fast as 1, for 1.6 times the memory: bench/README.md)."""
    from .workers import cpu_count

    return cpu_count()


def _analysed_here(db: Database, paths: list[str], report: IngestReport, *, models: str | None, workers: int | None,
                   device: str | None, stdin, bar, columns=None) -> Iterator[tuple[RawArticle, Analysed | Failed]]:
    """Every new article of ``paths`` with its analysis, in input order: read and cleaned here,
    parsed here or in worker processes."""
    fresh = _skip_known(db, _read(paths, report, stdin, columns), report, bar)
    with Analyser(models, workers=workers or default_workers(), device=device) as analyser:
        for batch, results in _zip_batches(_batched(fresh, PARSE_BATCH_ARTICLES), analyser):
            for (raw, _), result in zip(batch, results):
                yield raw, result


def _analysed_on_ray(address: str) -> Callable[..., Iterator[tuple[RawArticle, Analysed | Failed]]]:
    """``_analysed_here``'s twin on Ray, at ``address`` (see ``distributed.analyse_on_ray``)."""
    from .distributed import analyse_on_ray

    return partial(analyse_on_ray, address=address)


def _zip_batches(batches: Iterator[list[tuple[RawArticle, str]]], analyser: Analyser):
    """Each batch of (article, cleaned text) with its analyses; batches stream through the analyser."""
    held: list = []

    def texts():
        for batch in batches:
            held.append(batch)
            yield [text for _, text in batch]

    for results in analyser.map(texts()):
        yield held.pop(0), results


def _store(db: Database, raw: RawArticle, result, overrides: Overrides, version: str | None,
           report: IngestReport) -> bool:
    """Stage 6 for one article: store it (one transaction); whether it was stored."""
    for stage, seconds in getattr(result, "seconds", {}).items():
        report.seconds[stage] += seconds
    if isinstance(result, Failed):
        report.failed.append((raw.source, result.error))
        return False
    t0 = time.perf_counter()
    try:
        with db.session() as s:
            store_article(s, raw, result, overrides, parser_version=version)
    except AlreadyStored:
        report.skipped += 1
        return False
    except Exception as e:  # one bad article must not stop the others
        report.failed.append((raw.source, f"could not store it: {first_line(e)}"))
        return False
    finally:
        report.seconds["store"] += time.perf_counter() - t0
    report.new += 1
    report.quotes += len(result.occurrences)
    return True


def _group(db: Database, report: IngestReport) -> int:
    """Stage 7 for the articles stored and not grouped yet; returns how many. An article whose
    grouping fails keeps its quotes, ungrouped (the next run tries again), and is named in the
    report once."""
    t0 = time.perf_counter()
    failed: list = []
    n = group_unfinished(db, failed=failed)
    named = {source for source, _ in report.failed}
    report.failed.extend((source, f"stored, but variant grouping failed: {first_line(e)}") for source, e in failed
                         if source not in named)
    report.seconds["variants"] += time.perf_counter() - t0
    return n


def _read(paths: list[str], report: IngestReport, stdin=None, columns=None) -> Iterator[tuple[RawArticle, str]]:
    """Every readable article with its cleaned text, one input at a time; unreadable inputs (and
    unlistable folders, special files, bad JSONL lines) are recorded in the report with their reason."""
    walk_failures: list[ReadFailure] = []
    for path in iter_paths(paths, walk_failures):
        _note_failures(walk_failures, report)
        items = read_items(path, stdin=stdin, columns=columns)  # lazy: a JSONL file of any size is read a block at a time
        while True:
            t0 = time.perf_counter()
            item = next(items, None)
            report.seconds["read"] += time.perf_counter() - t0
            if item is None:
                break
            if isinstance(item, ReadFailure):
                report.failed.append((item.source, item.reason))
                continue
            report.warnings.extend((item.source, w) for w in item.warnings)
            t0 = time.perf_counter()
            text = clean_article(item.text).text
            report.seconds["clean"] += time.perf_counter() - t0
            yield item, text
    _note_failures(walk_failures, report)


def _note_failures(failures: list[ReadFailure], report: IngestReport) -> None:
    report.failed.extend((f.source, f.reason) for f in failures)
    failures.clear()


def _skip_known(db: Database, articles: Iterable[tuple[RawArticle, str]], report: IngestReport, bar) -> Iterator:
    """Articles whose text is not stored yet (nor seen earlier in this run)."""
    seen: set[str] = set()
    for raw, text in articles:
        key = raw.key
        if key in seen or _is_stored(db, key):
            report.skipped += 1
            if bar is not None:
                bar.update(1)
            continue
        seen.add(key)
        yield raw, text


def _is_stored(db: Database, key: str) -> bool:
    with db.read() as s:  # a short read each time: a long-lived one would pin SQLite's WAL
        return s.scalar(select(Article.id).where(Article.key == key)) is not None


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count_speakers(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(Speaker.id))) or 0


def _models_version(models: str | None) -> str:
    from .parse import find_models, models_dir

    return find_models(models_dir(models)).version
