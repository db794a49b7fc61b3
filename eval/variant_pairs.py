#!/usr/bin/env python3
"""Labelled pairs of stored occurrences with the variant decision's features (issue 14).

Usage: python eval/variant_pairs.py GROUPS.jsonl DB OUT.jsonl [--data FILE ... | --texts DIR]

DB is a database into which the labelled articles were ingested as <doc_id>.txt (as
eval/score_variants.py does); when DB does not exist, the articles are written to a temporary
folder and ingested into it first (``--quotes EXE``, default the project's .venv/bin/quotes). Each labelled speech occurrence is matched to a stored one (the
scorer's ``match``); every pair of matched occurrences in different articles of one story becomes
a row: its features (``quotes.pairs.pair_features``, the very function ingest uses), the gold
relation (same / different), its split and its story. training/train_variant_pairs.py learns the
pair decision from the dev split's rows.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score_variants as sv  # noqa: E402

from quotes.grouping import pairs, terms  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("groups", type=Path)
    ap.add_argument("db", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, nargs="+", default=sv.DEFAULT_DATA)
    ap.add_argument("--texts", type=Path, help="a folder of <doc_id>.txt files (instead of --data)")
    ap.add_argument("--quotes", default=str(sv.ROOT / ".venv" / "bin" / "quotes"))
    ap.add_argument("--within", action="store_true",
                    help="also the pairs of one article (a headline or paraphrase and the quotation it reports, or "
                         "two statements of one speaker), marked \"within\": labelled by the same groups")
    a = ap.parse_args()

    labels = sv.load_labels(a.groups, "all")
    doc_ids = {o["doc_id"] for o in labels}
    texts = sv.read_texts(a.texts, doc_ids) if a.texts else sv.load_texts(a.data, doc_ids)
    if not a.db.exists():
        with tempfile.TemporaryDirectory() as tmp:
            for doc_id, text in texts.items():
                (Path(tmp) / (sv.safe(doc_id) + ".txt")).write_text(text)
            subprocess.run([a.quotes, "--db", str(a.db), "ingest", "--silent", tmp], check=True)
    conn = sqlite3.connect(a.db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(
        "SELECT q.id AS quote_id, q.text, q.type, q.speaker_id, q.cue_lemma, q.variant_id AS variant, "
        "a.source AS article, v.vector FROM quotes q JOIN articles a ON a.id = q.article_id "
        "LEFT JOIN quote_vectors v ON v.quote_id = q.id")]
    kinds = dict(conn.execute("SELECT id, kind FROM speakers"))
    # word weights and common names from the database's term statistics, as ingest reads them
    counts = dict(conn.execute("SELECT term, quotes FROM term_stats"))
    total = counts.get(terms.TOTAL, 0)
    weights = pairs.WordWeights(counts, total)
    limit = max(3, pairs.ANCHOR_MAX_SHARE * total)
    common = frozenset(t[2:] for t, n in counts.items() if t.startswith("a:") and n > limit)
    matched = sv.match(labels, texts, rows)
    n = 0
    with a.out.open("w") as out:
        for i, j, rel in sv.cross_pairs(labels, within=a.within):
            if i not in matched or j not in matched or labels[i]["story"] != labels[j]["story"]:
                continue
            p, q = matched[i], matched[j]
            if p["vector"] is None or q["vector"] is None:
                continue
            sem = float(np.frombuffer(p["vector"], np.float32) @ np.frombuffer(q["vector"], np.float32))
            lex = float(pairs.lexical_matrix([p["text"]], [q["text"]])[0, 0])
            relation = pairs.speaker_relation(p["speaker_id"], q["speaker_id"], kinds)
            feats = pairs.pair_features(p["text"], q["text"], sem, lex, relation, common, weights)
            out.write(json.dumps({"i": i, "j": j, "quote_ids": [p["quote_id"], q["quote_id"]],
                                  "label": int(rel == "same"), "split": labels[i]["split"],
                                  "story": labels[i]["story"], "within": labels[i]["doc_id"] == labels[j]["doc_id"], "sem": sem, "lex": lex, "relation": relation,
                                  "linked_now": p["variant"] is not None and p["variant"] == q["variant"],
                                  "features": [round(float(x), 5) for x in feats]}) + "\n")
            n += 1
    print(f"{n} pairs -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
