#!/usr/bin/env python3
"""How far two labellings of statement groups agree: the ceiling a grouping can be held to.

Usage: python eval/label_agreement.py GROUPS.jsonl OTHER.jsonl

Both files hold labelled occurrences (``doc_id``, ``start``, ``end``, ``group``), as in
eval/variants/. Only the occurrences labelled in both are compared (OTHER usually covers one
split); ``not_speech`` ones are left out, as the scorer leaves them out. Over every pair of those in
different articles, with the first file as the reference, it prints the pairwise precision,
recall and F1 of the second: the measure eval/score_variants.py gives the extractor's grouping.
Pairs where one occurrence lists the other's group under ``also`` count neither way.
"""
from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path


def load(path: Path) -> dict[tuple, dict]:
    return {(o["doc_id"], o["start"], o["end"]): o for o in map(json.loads, path.open()) if o.get("kind") != "not_speech"}


def agreement(first: dict[tuple, dict], second: dict[tuple, dict]) -> dict:
    keys = sorted(first.keys() & second.keys())
    tp = fp = fn = 0
    for a, b in combinations(keys, 2):
        if a[0] == b[0]:
            continue
        x, y = first[a], first[b]
        if y["group"] in x.get("also", ()) or x["group"] in y.get("also", ()):
            continue
        same_first = x["group"] == y["group"]
        same_second = second[a]["group"] == second[b]["group"]
        tp += same_first and same_second
        fp += same_second and not same_first
        fn += same_first and not same_second
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"occurrences": len(keys), "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    first, second = load(Path(sys.argv[1])), load(Path(sys.argv[2]))
    stories = sorted({o["story"] for k, o in second.items() if k in first})
    for story in stories:
        part = {k: o for k, o in first.items() if o["story"] == story}
        print(json.dumps({"story": story, **agreement(part, second)}))
    print(json.dumps({"story": "all", **agreement(first, second)}))


if __name__ == "__main__":
    main()
