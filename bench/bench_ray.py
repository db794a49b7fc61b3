#!/usr/bin/env python3
"""Ray against plain ingest on PolNeAR news: the same quotes, speakers and variant groups? How long?

Usage:
  python bench/bench_ray.py [--articles 50] [--seed 0] [--workers N] [--jsonl] [--json OUT]

Takes a seeded random sample of PolNeAR dev articles (../shared/data/quotes-dev/polnear-dev.jsonl,
or QUOTES_DEV_DATA), writes them out as .txt files (``--jsonl``: as one JSONL file, which Ray has to
spread over its actors), and ingests them twice, each time with the CLI in a fresh process into a
fresh SQLite database: plainly (``--workers N`` processes) and with ``--ray`` (a local Ray of this
machine's cores, N actors). Prints the wall time and peak memory (all processes) of each, then
whether the two databases hold the same quotes (article, text, type, speaker), speakers and variant
groups (as sets of quote texts), and the first differences if not. Exits 1 when they differ.
Requires the ray extra (pip install 'quotes[ray]').
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import DATA, run_measured, write_folder  # noqa: E402


def snapshot(path: Path) -> dict:
    """What a user sees of a database: quotes, speakers and variant groups, independent of row ids."""
    con = sqlite3.connect(path)
    try:
        quotes = sorted(con.execute(
            "SELECT a.source, q.text, q.type, s.name FROM quotes q JOIN articles a ON a.id = q.article_id "
            "LEFT JOIN speakers s ON s.id = q.speaker_id").fetchall(), key=repr)
        speakers = sorted(con.execute("SELECT name, kind FROM speakers").fetchall())
        groups: dict = {}
        for variant, text in con.execute("SELECT variant_id, text FROM quotes WHERE variant_id IS NOT NULL"):
            groups.setdefault(variant, set()).add(text)
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    return {"articles": articles, "quotes": quotes, "speakers": speakers,
            "groups": {frozenset(g) for g in groups.values()}}


def differences(a: list | set, b: list | set, limit: int = 5) -> dict:
    only_a = [x for x in a if x not in b] if isinstance(a, list) else list(a - b)
    only_b = [x for x in b if x not in a] if isinstance(b, list) else list(b - a)
    show = lambda xs: [sorted(x) if isinstance(x, frozenset) else list(x) for x in xs[:limit]]  # noqa: E731
    return {"only_plain": len(only_a), "only_ray": len(only_b), "first_only_plain": show(only_a),
            "first_only_ray": show(only_b)}


def ingest(db: Path, inputs: Path, workers: int, ray: bool) -> dict:
    quotes = Path(sys.executable).with_name("quotes")
    cmd = [str(quotes), "--db", str(db), "ingest", "--silent", "--workers", str(workers), str(inputs)]
    r = run_measured(cmd + (["--ray-address", "local"] if ray else []))
    if r["rc"] != 0:
        sys.exit(f"{'ray' if ray else 'plain'} ingest failed:\n{r['stderr'][-3000:]}")
    return {"wall_s": r["wall_s"], "peak_rss_tree_mb": r["peak_rss_tree_mb"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2,
                    help="worker processes of the plain run, actors of the Ray run (default: the cores)")
    ap.add_argument("--jsonl", action="store_true", help="feed the sample as one JSONL file instead of .txt files")
    ap.add_argument("--json", type=Path, help="also write the results here")
    a = ap.parse_args()

    rows = [json.loads(line) for line in (DATA / "polnear-dev.jsonl").open(encoding="utf-8") if line.strip()]
    rows = random.Random(a.seed).sample(rows, min(a.articles, len(rows)))
    result: dict = {"articles": len(rows), "workers": a.workers, "input": "one JSONL file" if a.jsonl else ".txt files"}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if a.jsonl:
            inputs = tmp / "articles.jsonl"
            inputs.write_text("".join(json.dumps({"id": r["doc_id"], "text": r["text"]}) + "\n" for r in rows),
                              encoding="utf-8")
            result["words"] = sum(len(r["text"].split()) for r in rows)
        else:
            inputs = tmp / "articles"
            result["words"] = write_folder(rows, inputs)
        snaps = {}
        for name, ray in (("plain", False), ("ray", True)):  # one after the other: never two at once
            result[name] = ingest(tmp / f"{name}.db", inputs, a.workers, ray)
            snaps[name] = snapshot(tmp / f"{name}.db")
            print(f"{name}: {result[name]['wall_s']} s, peak {result[name]['peak_rss_tree_mb']} MB (all processes); "
                  f"{snaps[name]['articles']} articles, {len(snaps[name]['quotes'])} quotes, "
                  f"{len(snaps[name]['speakers'])} speakers, {len(snaps[name]['groups'])} groups", file=sys.stderr)
    plain, ray = snaps["plain"], snaps["ray"]
    result["counts"] = {k: (len(plain[k]) if k != "articles" else plain[k]) for k in ("articles", "quotes", "speakers", "groups")}
    result["equal"] = {k: plain[k] == ray[k] for k in ("articles", "quotes", "speakers", "groups")}
    diffs = {k: differences(plain[k], ray[k]) for k in ("quotes", "speakers", "groups") if plain[k] != ray[k]}
    if diffs:
        result["differences"] = diffs
    result["ray_over_plain_wall"] = round(result["ray"]["wall_s"] / result["plain"]["wall_s"], 2)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    sys.exit(0 if all(result["equal"].values()) else 1)


if __name__ == "__main__":
    main()
