#!/usr/bin/env python3
"""Score variant grouping against hand-labelled statement groups (eval/variants/polnear-groups.jsonl).

Usage: python eval/score_variants.py GROUPS.jsonl [--split dev|heldout|all] [--quotes EXE] [--project DIR] [--texts DIR]
                                     [--data FILE ...] [--show N] [--save FILE | --preds FILE]

The labels hold ids and character offsets only; the texts come from the PolNeAR conversion (--data,
default ../shared/data/quotes-dev/polnear-{train,dev}.jsonl). The chosen split's articles are written
to a temporary folder as <doc_id>.txt, ingested with `EXE --db TMP.db ingest FOLDER` and read back
with `EXE --db TMP.db export --format json`. Each stored occurrence is matched to a labelled one in
the same article by the Dice overlap of their word tokens (>= 0.5, one to one, best first, as in
../shared/tools/score_quotes.py); occurrences labelled `not_speech` take part in the matching (so
they do not capture a neighbour's prediction) but not in the scores.

Scores are pairwise, over pairs of matched speech occurrences in different articles: a pair is
positive when both carry the same labelled `group`, predicted positive when both were stored in the
same variant group. A pair where one occurrence lists the other's group under `also` (a quotation
spanning two statements) counts neither way. Also reported: how many labelled occurrences were
matched at all, recall over every labelled cross-article pair (matched or not), how often pairs of
*related* groups (another speaker confirming or answering a statement) were merged, and whether
groups flagged `conflict` came out as one group with `speakers_differ` set.
--save FILE keeps the export; --preds FILE scores a saved export without ingesting again; --db FILE
keeps the database, and scores it as it is when it exists.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "quotes-dev"
DEFAULT_DATA = [DATA_DIR / "polnear-train.jsonl", DATA_DIR / "polnear-dev.jsonl"]
WORD = re.compile(r"[\w$]+(?:[.,'’][\w]+)*", re.U)


def toks(s: str | None) -> list[str]:
    return WORD.findall((s or "").replace("’", "'").lower())


def dice(a: str, b: str) -> float:
    ca, cb = Counter(toks(a)), Counter(toks(b))
    n = sum(ca.values()) + sum(cb.values())
    return 2 * sum((ca & cb).values()) / n if n else 0.0


def safe(doc_id: str) -> str:
    return re.sub(r"[^\w.-]+", "_", doc_id)


def read_texts(folder: Path, doc_ids: set[str]) -> dict[str, str]:
    """Articles kept as files, ``FOLDER/<doc_id>.txt`` (the news set of eval/variants/README.md)."""
    texts = {d: (folder / f"{d}.txt").read_text(encoding="utf-8") for d in doc_ids if (folder / f"{d}.txt").exists()}
    missing = doc_ids - texts.keys()
    if missing:
        sys.exit(f"articles not found in --texts: {sorted(missing)[:3]} ...")
    return texts


def load_labels(path: Path, split: str) -> list[dict]:
    labels = [json.loads(line) for line in path.open() if line.strip()]
    return [o for o in labels if split == "all" or o["split"] == split]


def load_texts(files: list[Path], doc_ids: set[str]) -> dict[str, str]:
    texts = {}
    for f in files:
        for line in f.open():
            d = json.loads(line)
            if d["doc_id"] in doc_ids:
                texts[d["doc_id"]] = d["text"]
    missing = doc_ids - texts.keys()
    if missing:
        sys.exit(f"articles not found in --data: {sorted(missing)[:3]} ...")
    return texts


def run_quotes(texts: dict[str, str], exe: str, project: Path, keep: Path | None = None) -> tuple[list[dict], dict[int, bool]]:
    """Ingest the articles into a fresh database (or ``keep``, ingested only when it does not exist
    yet); return its export and each variant's speakers_differ."""
    tmp = Path(tempfile.mkdtemp(prefix="qvariants"))
    try:
        (tmp / "in").mkdir()
        for doc_id, text in texts.items():
            (tmp / "in" / (safe(doc_id) + ".txt")).write_text(text)
        db = keep or tmp / "q.db"
        env = dict(os.environ, QUOTES_DB=str(db))
        steps = [["export", "--format", "json"]]
        if not db.exists():
            steps.insert(0, ["ingest", str(tmp / "in")])
        for args in steps:
            r = subprocess.run([exe, "--db", str(db), *args], env=env, cwd=project, capture_output=True, text=True)
            if r.returncode:
                sys.exit(f"quotes {args[0]} failed: " + r.stderr[-1500:])
        preds = json.loads(r.stdout or "[]")
        with sqlite3.connect(db) as conn:
            differ = dict(conn.execute("SELECT id, speakers_differ FROM variant_groups"))
            related = conn.execute("SELECT quote_id, other_id FROM related_quotes").fetchall()
        for p in preds:
            p["related"] = sorted({b for a, b in related if a == p["quote_id"]} | {a for a, b in related if b == p["quote_id"]})
        return preds, {int(k): bool(v) for k, v in differ.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def match(labels: list[dict], texts: dict[str, str], preds: list[dict]) -> dict[int, dict]:
    """Labelled index -> matched prediction, per article, one to one, best Dice first."""
    by_article = defaultdict(list)
    for p in preds:
        by_article[Path(str(p.get("article") or "")).stem].append(p)
    matched = {}
    labelled = defaultdict(list)
    for i, o in enumerate(labels):
        labelled[o["doc_id"]].append(i)
    for doc_id, idx in labelled.items():
        ps = by_article.get(safe(doc_id), [])
        text = texts[doc_id]
        pairs = sorted(((dice(text[labels[i]["start"]:labels[i]["end"]], p.get("text") or ""), -i, -j)
                        for i in idx for j, p in enumerate(ps)), reverse=True)
        used = set()
        for s, i, j in pairs:
            if s < 0.5:
                break
            if -i in matched or -j in used:
                continue
            matched[-i] = ps[-j]
            used.add(-j)
    return matched


def gold_relation(a: dict, b: dict) -> str | None:
    """'same', 'different', or None when the pair is not scored (an `also` overlap)."""
    if a["group"] == b["group"]:
        return "same"
    if a["group"] in b.get("also", ()) or b["group"] in a.get("also", ()):
        return None
    return "different"


def variant(p: dict | None):
    return p.get("variant") if p else None


def cross_pairs(labels: list[dict], *, within: bool = False):
    """Pairs of labelled speech occurrences in different articles (``within``: in the same one too)
    with their gold relation (same / different), those the labels leave open aside."""
    speech = [i for i, o in enumerate(labels) if o["kind"] != "not_speech"]
    for i, j in combinations(speech, 2):
        if within or labels[i]["doc_id"] != labels[j]["doc_id"]:
            rel = gold_relation(labels[i], labels[j])
            if rel:
                yield i, j, rel


def pair_kind(a: dict, b: dict) -> str:
    return "~".join(sorted((a["kind"], b["kind"])))


def link_kind(a: dict, b: dict) -> str:
    if a["speaker"] == b["speaker"]:
        return "same speaker, different statement"
    related = b["group"] in a.get("related", ()) or a["group"] in b.get("related", ())
    return "different speakers, related statements" if related else "different speakers, unrelated"


def score(labels: list[dict], matched: dict[int, dict]) -> dict:
    tp = fp = fn = gold_all = 0
    misses, false_links, miss_kinds, link_kinds = [], [], Counter(), Counter()
    for i, j, rel in cross_pairs(labels):
        a, b = labels[i], labels[j]
        gold_all += rel == "same"
        if i not in matched or j not in matched:
            continue
        va, vb = variant(matched[i]), variant(matched[j])
        linked = va is not None and va == vb
        if rel == "same" and linked:
            tp += 1
        elif rel == "same":
            fn += 1
            misses.append((i, j))
            miss_kinds[pair_kind(a, b)] += 1
        elif linked:
            fp += 1
            false_links.append((i, j))
            link_kinds[link_kind(a, b)] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "recall_all_labelled_pairs": round(tp / gold_all, 3) if gold_all else 0.0, "labelled_positive_pairs": gold_all,
            "misses_by_kind": dict(miss_kinds), "false_links_by_kind": dict(link_kinds),
            "_misses": misses, "_false_links": false_links}


def coverage(labels: list[dict], matched: dict[int, dict]) -> dict:
    docs_per_group = defaultdict(set)
    for o in labels:
        docs_per_group[o["group"]].add(o["doc_id"])
    speech = [i for i, o in enumerate(labels) if o["kind"] != "not_speech"]
    in_cross = [i for i in speech if len(docs_per_group[labels[i]["group"]]) > 1]
    return {"articles": len({o["doc_id"] for o in labels}), "labelled_speech": len(speech),
            "matched_speech": sum(i in matched for i in speech),
            "cross_article_groups": sum(len(d) > 1 for g, d in docs_per_group.items()),
            "in_cross_groups": len(in_cross), "matched_in_cross_groups": sum(i in matched for i in in_cross)}


def related_merges(labels: list[dict], matched: dict[int, dict], preds: list[dict]) -> dict:
    """Pairs across articles whose groups are linked as `related` (different speakers): how many were
    merged, and how many were linked as related (a `related_quotes` row between the two
    occurrences' groups, or the occurrences themselves when ungrouped)."""
    cluster = {p["quote_id"]: ("v", p["variant"]) if p.get("variant") is not None else ("q", p["quote_id"]) for p in preds}
    links = {frozenset((cluster[p["quote_id"]], cluster[o])) for p in preds for o in p.get("related", ()) if o in cluster}
    n = merged = linked = 0
    examples = []
    for i, j, rel in cross_pairs(labels):
        a, b = labels[i], labels[j]
        if rel != "different" or b["group"] not in a.get("related", ()) or i not in matched or j not in matched:
            continue
        n += 1
        if variant(matched[i]) is not None and variant(matched[i]) == variant(matched[j]):
            merged += 1
            examples.append((i, j))
        elif frozenset((cluster[matched[i]["quote_id"]], cluster[matched[j]["quote_id"]])) in links:
            linked += 1
    return {"related_pairs_matched": n, "related_pairs_merged": merged, "related_pairs_linked": linked,
            "_examples": examples}


def conflicts(labels: list[dict], matched: dict[int, dict], differ: dict[int, bool]) -> dict:
    groups = defaultdict(list)
    for i, o in enumerate(labels):
        if o.get("conflict") and i in matched:
            groups[o["group"]].append(variant(matched[i]))
    one = [g for g, vs in groups.items() if len(set(vs)) == 1 and vs[0] is not None]
    return {"conflict_groups_matched": len(groups), "grouped_as_one": len(one),
            "flagged_speakers_differ": sum(differ.get(groups[g][0], False) for g in one)}


def describe(o: dict, texts: dict[str, str], p: dict | None) -> str:
    snippet = " ".join(texts[o["doc_id"]][o["start"]:o["end"]].split())[:90]
    var = f" variant={variant(p)}" if p else ""
    return f"  {o['doc_id'].split('/')[-1]} [{o['start']}:{o['end']}] {o['speaker']} ({o['kind']}, {o['group']}){var}\n      {snippet}"


def show(title: str, pairs: list, labels: list[dict], texts: dict, matched: dict, n: int) -> None:
    """The pairs of the largest labelled groups (misses) or predicted variants (false links) first."""
    size = Counter()
    for i, j in pairs:
        size[labels[i]["group"] if title.startswith("MISS") else variant(matched[i])] += 1
    key = (lambda ij: -size[labels[ij[0]]["group"]]) if title.startswith("MISS") else (lambda ij: -size[variant(matched[ij[0]])])
    for i, j in sorted(pairs, key=key)[:n]:
        print(title)
        print(describe(labels[i], texts, matched.get(i)))
        print(describe(labels[j], texts, matched.get(j)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("groups", type=Path)
    ap.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    ap.add_argument("--quotes", default=str(ROOT / ".venv" / "bin" / "quotes"))
    ap.add_argument("--project", type=Path, default=ROOT)
    ap.add_argument("--data", type=Path, nargs="+", default=DEFAULT_DATA)
    ap.add_argument("--texts", type=Path, help="a folder of <doc_id>.txt files (instead of --data)")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--save", type=Path, help="write the export here (JSON) for --preds")
    ap.add_argument("--preds", type=Path, help="score a saved export instead of ingesting")
    ap.add_argument("--db", type=Path, help="keep the database here; when it exists, score it as it is (after, say, "
                                             "`quotes variants regroup` with other code) without ingesting again")
    a = ap.parse_args()

    labels = load_labels(a.groups, a.split)
    doc_ids = {o["doc_id"] for o in labels}
    texts = read_texts(a.texts, doc_ids) if a.texts else load_texts(a.data, doc_ids)
    if a.preds:
        saved = json.loads(a.preds.read_text())
        preds, differ = saved["preds"], {int(k): v for k, v in saved["speakers_differ"].items()}
    else:
        preds, differ = run_quotes(texts, a.quotes, a.project, a.db)
    if a.save:
        a.save.write_text(json.dumps({"preds": preds, "speakers_differ": differ}))
    matched = match(labels, texts, preds)
    s = score(labels, matched)
    rel = related_merges(labels, matched, preds)
    if a.show:
        show("MISS (same labelled group, not linked)", s["_misses"], labels, texts, matched, a.show)
        show("FALSE LINK (different labelled groups, one variant)", s["_false_links"], labels, texts, matched, a.show)
        show("RELATED MERGED (different speakers, linked as related)", rel["_examples"], labels, texts, matched, a.show)
    result = {"split": a.split, "predicted_occurrences": len(preds),
              "predicted_variant_groups": len({variant(p) for p in preds if variant(p) is not None}),
              **coverage(labels, matched), **{k: v for k, v in s.items() if not k.startswith("_")},
              **{k: v for k, v in rel.items() if not k.startswith("_")}, **conflicts(labels, matched, differ)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
