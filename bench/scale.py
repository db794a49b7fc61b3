#!/usr/bin/env python3
"""How per-article costs hold up as the database grows to a million quotes (issue 12).

Usage:
  python bench/scale.py [--sizes 10000 100000 1000000] [--work /tmp/quotes-scale] [--articles 3]
                        [--rounds 5] [--keep] [--json OUT]

(a) One database per size (``--keep`` reuses those of an earlier run). Real articles (PolNeAR dev,
    parsed once and cached) are stored and grouped as ingest does (``store_article``, then
    ``group_article``, each timed), then rolled back so every size sees the same articles. After a
    warm-up pass, ``--rounds`` rounds time every article on every size, the sizes interleaved in
    each round so that the noise of a shared machine hits them alike; reported: the median seconds
    per article and size, their ratio largest/smallest, resident memory, the vector index's size.
(b) At the largest size: who-said (the library call behind ``quotes who-said``, warm, ``limit=20``)
    p50 and p95 over 50 runs for rare and common words.

The stored quotes are synthetic but built from real text, through the real schema (FTS triggers,
``term_stats``, vectors, variant groups): sentences of PolNeAR train articles, embedded once with the
encoder ingest uses; each stored quote is one of those sentences with one word dropped, its vector
the sentence's plus noise (cosine about 0.97), and the copies of one sentence form a variant group,
as wire copy repeated across outlets does. For (c), ingest of the 924 PolNeAR articles in chunks of
100, see ``bench_ingest.py --all --chunks 100``.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("QUOTES_DEV_DATA", ROOT.parent / "shared" / "data" / "quotes-dev"))
POOL = 20_000  # distinct real sentences the synthetic quotes are variants of
ARTICLE_QUOTES = 12  # synthetic quotes per synthetic article
SPEAKERS = 5_000


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def base_pool(work: Path) -> tuple[list[str], np.ndarray]:
    """Sentences of PolNeAR train (6 to 60 words) and their vectors, computed once and cached."""
    cache = work / "pool.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from quotes.parse import sentence_vectors

    seen, texts = set(), []
    for line in (DATA / "polnear-train.jsonl").open(encoding="utf-8"):
        for sent in re.split(r"(?<=[.!?”])\s+", json.loads(line)["text"]):
            sent = sent.strip()
            if 6 <= len(sent.split()) <= 60 and sent not in seen:
                seen.add(sent)
                texts.append(sent)
    texts = random.Random(0).sample(texts, min(POOL, len(texts)))
    t0 = time.perf_counter()
    vectors = np.vstack([sentence_vectors(texts[i : i + 2000]) for i in range(0, len(texts), 2000)])
    print(f"embedded {len(texts)} pool sentences in {time.perf_counter() - t0:.0f} s", flush=True)
    cache.write_bytes(pickle.dumps((texts, vectors)))
    return texts, vectors


def query_articles(work: Path, n: int) -> list:
    """(RawArticle, Analysed) of the first ``n`` usable PolNeAR dev articles, parsed once and cached."""
    cache = work / f"articles-{n}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from quotes.clean import clean_article
    from quotes.extraction.analyse import Analysed
    from quotes.read import RawArticle
    from quotes.workers import analyse_batch

    out = []
    for line in (DATA / "polnear-dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        raw = RawArticle(source=row["doc_id"], text=row["text"])
        (result,) = analyse_batch([clean_article(raw.text).text], None)
        if isinstance(result, Analysed) and len(result.occurrences) >= 8:
            out.append((raw, result))
        if len(out) == n:
            break
    cache.write_bytes(pickle.dumps(out))
    return out


def grow(db, texts: list[str], vectors: np.ndarray, start: int, stop: int, rng: np.random.Generator) -> None:
    """Add synthetic quotes ``start``..``stop`` (ids are 1-based and dense), with their articles,
    speakers, vectors, variant groups and term counts, in bulk through the real schema."""
    from sqlalchemy import text as sql

    from quotes.grouping.terms import TOTAL, terms_of

    chunk = 50_000
    for lo in range(start, stop, chunk):
        hi = min(stop, lo + chunk)
        ids = np.arange(lo + 1, hi + 1)
        base = (ids - 1) % len(texts)
        quotes, vecs, counts = [], [], Counter()
        noise = rng.normal(size=(len(ids), vectors.shape[1])).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        v = vectors[base] + 0.25 * noise
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        for k, (qid, b) in enumerate(zip(ids.tolist(), base.tolist())):
            ws = texts[b].split()
            drop = int(rng.integers(len(ws)))
            text = " ".join(ws[:drop] + ws[drop + 1 :])
            article = (qid - 1) // ARTICLE_QUOTES + 1
            quotes.append({"id": qid, "a": article, "sp": (qid * 7919) % SPEAKERS + 1, "v": b + 1, "t": text})
            vecs.append({"q": qid, "v": v[k].tobytes()})
            counts.update(terms_of(text))
        counts[TOTAL] += len(ids)
        articles = sorted({q["a"] for q in quotes})
        with db.session() as s:
            s.execute(sql("INSERT OR IGNORE INTO articles (id, key, source, text, outlet) VALUES (:id, :k, :s, '', :o)"),
                      [{"id": a, "k": f"synthetic-{a}", "s": f"synthetic/{a}.txt", "o": f"outlet{a % 50}"} for a in articles])
            s.execute(sql("INSERT INTO quotes (id, article_id, speaker_id, variant_id, type, text, start, \"end\", confidence) "
                          "VALUES (:id, :a, :sp, :v, 'direct', :t, 0, 1, 0.9)"), quotes)
            s.execute(sql("INSERT INTO quote_vectors (quote_id, model, vector) VALUES (:q, 'all-MiniLM-L6-v2', :v)"), vecs)
            s.execute(sql("INSERT INTO term_stats (term, quotes) VALUES (:t, :n) ON CONFLICT (term) DO UPDATE "
                          "SET quotes = term_stats.quotes + excluded.quotes"),
                      [{"t": t, "n": n} for t, n in counts.items()])
        print(f"  {hi:,} quotes stored", flush=True)


def setup_db(path: Path, texts: list[str]):
    """A new database (schema by the migrations) with the speakers and one variant group per pool sentence."""
    from sqlalchemy import text as sql

    from quotes.db import Database

    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    db = Database(f"sqlite:///{path}")  # creates the schema with the migrations
    with db.session() as s:
        s.execute(sql("INSERT INTO speakers (id, name, kind, locked) VALUES (:id, :n, 'person', 0)"),
                  [{"id": i, "n": f"Speaker {i}"} for i in range(1, SPEAKERS + 1)])
        s.execute(sql("INSERT INTO variant_groups (id, canonical_text, n_articles, n_outlets) VALUES (:id, :t, 2, 2)"),
                  [{"id": i + 1, "t": t} for i, t in enumerate(texts)])
    return db


_probe_key = [10**12]  # keys of the vectors added to time index inserts; never a quote id


def time_articles(db, articles: list, *, warm: bool = True) -> dict:
    """Median seconds to store, to add to the vector index and to group each article, the article
    rolled back after each; with ``warm``, after one unmeasured pass (as in a running ingest:
    statements compiled, pages cached).

    The rolled-back quote ids come back with the same vectors when the article is stored again, so
    the index keeps them (removing them would time usearch's slow re-use of removed slots, which
    ingest never meets) and grouping finds them already added; the insert is timed apart, with the
    article's vectors under new keys, as ingest adds them."""
    if warm:
        time_articles(db, articles, warm=False)
    from quotes.db import QuotesSession
    from quotes.grouping import neighbours
    from quotes.grouping.groups import group_article
    from quotes.store import Overrides, store_article

    store_s, group_s, add_s = [], [], []
    for raw, analysed in articles:
        with db.engine.connect() as conn:
            trans = conn.begin()
            s = QuotesSession(bind=conn)
            t0 = time.perf_counter()
            article_id = store_article(s, raw, analysed, Overrides(), parser_version="bench")
            t1 = time.perf_counter()
            group_article(s, article_id)
            t2 = time.perf_counter()
            s.close()
            trans.rollback()
        index = neighbours.index_for_engine(db.engine)
        vectors = np.frombuffer(b"".join(analysed.vectors), dtype=np.float32).reshape(len(analysed.vectors), -1)
        keys = np.arange(_probe_key[0], _probe_key[0] + len(vectors), dtype=np.uint64)
        _probe_key[0] += len(vectors)
        t3 = time.perf_counter()
        index.index.add(keys, vectors, threads=1)
        add_s.append(time.perf_counter() - t3)
        store_s.append(t1 - t0)
        group_s.append(t2 - t1)
    return {"store_s": statistics.median(store_s), "group_s": statistics.median(group_s),
            "group_s_all": group_s, "store_all": store_s, "add_all": add_s}


def who_said_latency(db, words: dict[str, str], runs: int = 50) -> dict:
    from quotes.search import who_said

    out = {}
    with db.engine.connect() as conn:
        for label, word in words.items():
            who_said(conn, word, limit=20)  # warm
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                hits = who_said(conn, word, limit=20)
                times.append(time.perf_counter() - t0)
            times.sort()
            out[label] = {"word": word, "hits": len(hits), "p50_ms": 1000 * times[len(times) // 2],
                          "p95_ms": 1000 * times[int(len(times) * 0.95) - 1]}
    return out


def open_or_build(work: Path, size: int, texts: list[str], vectors: np.ndarray, keep: bool):
    """The database of ``size`` synthetic quotes (built, or reused with ``--keep``), its vector index open."""
    from sqlalchemy import text as sql

    from quotes.db import Database
    from quotes.grouping import neighbours

    path = work / f"scale-{size}.db"
    info = {"quotes": size}
    if keep and path.exists():
        db = Database(f"sqlite:///{path}")
        with db.read() as s:
            assert s.execute(sql("SELECT count(*) FROM quotes")).scalar() == size, f"{path} is not complete"
    else:
        t0 = time.perf_counter()
        db = setup_db(path, texts)
        grow(db, texts, vectors, 0, size, np.random.default_rng(0))
        info["build_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    with db.engine.connect() as conn:
        index = neighbours.index_for(conn)
    info["index_open_s"] = round(time.perf_counter() - t0, 1)
    info["index_mb"] = round(index.memory_mb())
    neighbours.save_all()
    return db, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/quotes-scale"))
    ap.add_argument("--articles", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5, help="measurement rounds, the sizes interleaved in each")
    ap.add_argument("--keep", action="store_true", help="reuse the databases of an earlier run")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    texts, vectors = base_pool(args.work)
    articles = query_articles(args.work, args.articles)
    print(f"{len(articles)} articles to group, quotes each: {[len(a.occurrences) for _, a in articles]}", flush=True)
    sizes = sorted(args.sizes)
    dbs, infos = {}, {}
    for size in sizes:
        dbs[size], infos[size] = open_or_build(args.work, size, texts, vectors, args.keep)
        print(json.dumps(infos[size]), flush=True)
    for size in sizes:  # warm: statements compiled, pages cached, as in a running ingest
        time_articles(dbs[size], articles, warm=False)
    store = {n: [[] for _ in articles] for n in sizes}
    group = {n: [[] for _ in articles] for n in sizes}
    add = {n: [[] for _ in articles] for n in sizes}
    for _ in range(args.rounds):  # interleaved, so that noise on this shared machine hits every size alike
        for size in sizes:
            r = time_articles(dbs[size], articles, warm=False)
            for k in range(len(articles)):
                store[size][k].append(r["store_all"][k])
                group[size][k].append(r["group_s_all"][k])
                add[size][k].append(r["add_all"][k])
    results = []
    for size in sizes:
        # grouping as ingest pays it: the article's vectors added to the index, then the grouping
        per_article = [statistics.median(g) + statistics.median(a) for g, a in zip(group[size], add[size])]
        row = {**infos[size], "group_s_median_article": round(statistics.median(per_article), 3),
               "index_add_s_per_article": [round(statistics.median(a), 4) for a in add[size]],
               "group_s_per_article": [round(x, 3) for x in per_article],
               "store_s_per_article": [round(statistics.median(x), 3) for x in store[size]],
               "rss_mb": round(rss_mb())}
        print(json.dumps(row), flush=True)
        results.append(row)
    largest = sizes[-1]
    lat = who_said_latency(dbs[largest], {"rare": "Benghazi", "rare2": "superdelegates", "common": "people",
                                          "common2": "said", "two words": "the president", "stop word": "the"})
    for label, r in lat.items():
        print(f"who-said at {largest:,} {label} {r['word']!r}: {r['hits']} hits, p50 {r['p50_ms']:.1f} ms, "
              f"p95 {r['p95_ms']:.1f} ms")
    first, last = results[0], results[-1]
    for k in range(len(articles)):
        print(f"article {k} ({len(articles[k][1].occurrences)} quotes): grouping at {last['quotes']:,} / at "
              f"{first['quotes']:,} = {last['group_s_per_article'][k] / first['group_s_per_article'][k]:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "who_said": lat}, indent=1))


if __name__ == "__main__":
    main()
