#!/usr/bin/env python3
"""`quotes reextract` against `quotes ingest` on the same PolNeAR articles (issue 18).

Usage:
  python bench/bench_reextract.py [--articles 200] [--seed 0] [--workers 2] [--json OUT]

Ingests a seeded sample (as bench_ingest.py picks it) into a fresh database with `quotes ingest`,
then marks every article as made by an older extractor and runs `quotes reextract --behind` on it
(and checks that the export, ids included, is the same before and after):
every article is extracted again from its stored parse, its speakers resolved, its quotes compared
and kept or replaced, its new quotes grouped. Each is a fresh process (start-up counted, as a user
sees it); prints wall seconds, words/s, peak memory and the ratio of the two speeds.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import run_measured, sample, write_folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = sample(args.articles, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        words = write_folder(rows, tmp / "articles")
        db = tmp / "bench.db"
        quotes = [sys.executable, "-m", "quotes.cli", "--db", str(db)]
        ingest = run_measured([*quotes, "ingest", "--silent", "--workers", str(args.workers), str(tmp / "articles")])
        if ingest["rc"] != 0:
            sys.exit(f"ingest failed:\n{ingest['stderr'][-3000:]}")
        with sqlite3.connect(db) as con:
            con.execute("UPDATE articles SET extractor_version = 'older'")
        before = run_measured([*quotes, "export", "--format", "json"])["stdout"]
        again = run_measured([*quotes, "reextract", "--behind"])
        if again["rc"] != 0:
            sys.exit(f"reextract failed:\n{again['stderr'][-3000:]}")
        after = run_measured([*quotes, "export", "--format", "json"])["stdout"]
        result = {"articles": len(rows), "words": words, "quotes": len(json.loads(before)),
                  "export_unchanged": before == after}
        for name, r in (("ingest", ingest), ("reextract", again)):
            result[name] = {"wall_s": r["wall_s"], "words_per_s": round(words / r["wall_s"], 1),
                            "peak_rss_mb": r["peak_rss_mb"], "peak_rss_tree_mb": r["peak_rss_tree_mb"],
                            "summary": r["stderr"].strip().splitlines()[-1:] }
        result["speed_ratio"] = round(ingest["wall_s"] / again["wall_s"], 2)
    print(f"{len(rows)} articles, {words} words, {result['quotes']} quotes; export after reextract identical "
          f"(ids, speakers, groups): {result['export_unchanged']}")
    for name in ("ingest", "reextract"):
        r = result[name]
        print(f"{name}: {r['wall_s']} s, {r['words_per_s']} words/s, peak {r['peak_rss_tree_mb']} MB {r['summary']}")
    print(f"reextract is {result['speed_ratio']} times as fast as ingest")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
