#!/usr/bin/env python3
"""Benchmark: pipeline load time, parse throughput, ingest throughput and peak memory.

Usage: python bench/bench_pipeline.py [--models DIR] [--repeat N] [--corpus FILE.jsonl] [--limit N]

- load: seconds to build the Stanza pipeline (tokenize, mwt, pos, lemma, depparse) once;
- parse: words per second over the seed articles (or a JSONL corpus with a "text" field), batched
  as ``quotes ingest`` batches them, after one warm-up pass;
- ingest: seconds for `quotes ingest` of the same texts into a fresh SQLite database, end to end
  (reading, cleaning, parsing, extraction, attribution, speakers, embeddings and variant grouping);
- peak memory: the process's maximum resident set size.
Run on an otherwise idle machine; torch uses every core unless OMP_NUM_THREADS says otherwise.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def texts_from(corpus: Path | None, limit: int | None) -> list[str]:
    from quotes.clean import clean_article
    from quotes.read import read_path

    if corpus:
        texts = [json.loads(line)["text"] for line in corpus.open() if line.strip()]
    else:
        texts = [a.text for p in sorted((ROOT / "seeds").glob("*.txt")) for a in read_path(str(p))]
    return [clean_article(t).text for t in texts[:limit]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--limit", type=int)
    a = ap.parse_args()

    import torch

    from quotes.db import Database
    from quotes.ingest import ingest_paths
    from quotes.parse import get_pipeline, parse_texts

    texts = texts_from(a.corpus, a.limit)
    t0 = time.perf_counter()
    get_pipeline(a.models)
    load_s = time.perf_counter() - t0

    parse_texts(texts[:1], models=a.models)  # warm-up
    n_words, best = 0, float("inf")
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        docs = parse_texts(texts, models=a.models)
        best = min(best, time.perf_counter() - t0)
        n_words = sum(d.num_words for d in docs)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i, t in enumerate(texts):
            (folder / f"{i:04d}.txt").write_text(t)
        db = Database(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        report = ingest_paths(db, [str(folder)], models=a.models)
        ingest_s = time.perf_counter() - t0
        db.close()

    result = {
        "threads": torch.get_num_threads(),
        "articles": len(texts),
        "words": n_words,
        "pipeline_load_s": round(load_s, 2),
        "parse_words_per_s": round(n_words / best, 1),
        "ingest_s": round(ingest_s, 2),
        "ingest_articles_per_s": round(len(texts) / ingest_s, 2),
        "quotes": report.quotes,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
