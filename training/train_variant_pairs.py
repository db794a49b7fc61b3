#!/usr/bin/env python3
"""Learn the variant pair decision (issues 14 and 30): when two occurrences report one statement.

Usage (scikit-learn is needed to train, not to run: ``pip install scikit-learn``):

    python eval/variant_pairs.py eval/variants/polnear-groups.jsonl /tmp/v.db /tmp/pn.jsonl --within
    python eval/variant_pairs.py WIRE-GROUPS.jsonl /tmp/w.db /tmp/wire.jsonl --texts WIRE-TEXTS --within
    python training/train_variant_pairs.py /tmp/pn.jsonl /tmp/wire.jsonl [--out quotes/grouping/data/variant_pairs.json]

(the first two ingest the labelled articles into the databases when they do not exist yet).

The learner is an L2-regularised logistic regression over ``quotes.grouping.pairs.PAIR_FEATURES``,
fitted on the dev split's pairs only: the held-out split's rows are dropped unread (the held-out
stories are scored once, by eval/score_variants.py, on the groups). Chosen over gradient boosting
by leave-one-story-out cross-validation (issue 14: with so few positives the linear model
generalises better, and its weights ship as plain numbers in JSON, readable and free of pickles).

Rows come from pairs of labelled occurrences in different articles and, with ``--within`` at
export, in the same article: a headline or a paraphrase and the quotation it reports are positives,
two statements of one speaker in one article the hardest negatives (issue 30, item 4: the pairs the
labels already hold, twice as many positives). ``--within-weight`` weighs those (0 leaves them
out). Only pairs across articles are scored: the link threshold is the probability above which
their out-of-fold precision stays at least ``--min-precision`` (a false link misleads a reader more
than a missed one). ``--exclude-story`` leaves stories out entirely, to measure on them.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from quotes.grouping.pairs import PAIR_FEATURES  # noqa: E402


def prf(y, pred) -> dict:
    tp, fp, fn = int((y & pred).sum()), int((~y & pred).sum()), int((y & ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pairs", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, default=ROOT / "quotes" / "grouping" / "data" / "variant_pairs.json")
    ap.add_argument("--C", type=float, default=0.3, help="inverse L2 strength")
    ap.add_argument("--within-weight", type=float, default=1.0, help="weight of the pairs of one article (0: none)")
    ap.add_argument("--exclude-story", action="append", default=[], help="a story left out of training")
    ap.add_argument("--min-precision", type=float, default=0.85)
    a = ap.parse_args()

    rows = [json.loads(line) for path in a.pairs for line in path.open()]
    if any(len(r["features"]) != len(PAIR_FEATURES) for r in rows):
        sys.exit("pairs were made with other features: run eval/variant_pairs.py again")
    held_out = sum(r["split"] != "dev" for r in rows)
    rows = [r for r in rows if r["split"] == "dev" and r["story"] not in a.exclude_story
            and (a.within_weight > 0 or not r.get("within"))]
    X = np.array([r["features"] for r in rows])
    y = np.array([r["label"] for r in rows], dtype=bool)
    story = np.array([r["story"] for r in rows])
    within = np.array([bool(r.get("within")) for r in rows])
    weight = np.where(within, a.within_weight, 1.0)
    if len(set(story)) < 2:
        sys.exit("leave-one-story-out needs two stories or more")

    class Fitted:  # the intercept (not penalised) becomes the weight of the constant "bias" feature
        def __init__(self, mask):
            m = LogisticRegression(C=a.C, max_iter=10_000).fit(X[mask][:, 1:], y[mask], sample_weight=weight[mask])
            self.weights = np.concatenate([m.intercept_, m.coef_[0]])

        def predict(self, rows):
            return 1 / (1 + np.exp(-(rows @ self.weights)))

    oof = np.zeros(len(rows))
    for s in sorted(set(story)):
        held = story == s
        oof[held] = Fitted(~held).predict(X[held])
    cross = ~within
    # the lowest threshold whose out-of-fold precision across articles stays at or above the floor
    threshold = 0.5
    for t in np.arange(0.2, 0.96, 0.025):
        if prf(y[cross], oof[cross] >= t)["precision"] >= a.min_precision:
            threshold = round(float(t), 3)
            break
    model = Fitted(np.ones(len(rows), dtype=bool))
    by_story = {s: round(float(average_precision_score(y[cross & (story == s)], oof[cross & (story == s)])), 3)
                for s in sorted(set(story[cross])) if y[cross & (story == s)].any()}
    card = {
        "learner": f"logistic regression (scikit-learn, L2, C={a.C}), its intercept as the weight of the bias feature",
        "trained_on": [str(p) for p in a.pairs],
        "stories": sorted(set(story)),
        "pairs": {"across_articles": int(cross.sum()), "across_positive": int(y[cross].sum()),
                  "within_articles": int(within.sum()), "within_positive": int(y[within].sum()),
                  "within_weight": a.within_weight, "held_out_rows_dropped_unread": held_out},
        "leave_one_story_out_across_articles": {
            "average_precision": round(float(average_precision_score(y[cross], oof[cross])), 3),
            "average_precision_by_story": by_story, **prf(y[cross], oof[cross] >= threshold)},
        "note": "pair scores over matched occurrences; the grouping's own scores (majority linkage, what a group "
                "may hold) come from eval/score_variants.py",
    }
    out = {"features": list(PAIR_FEATURES), "weights": [round(float(w), 6) for w in model.weights],
           "threshold": threshold, "card": card}
    a.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({"threshold": threshold, **card}, indent=1))
    for name, w in sorted(zip(PAIR_FEATURES, model.weights), key=lambda t: -abs(t[1])):
        print(f"  {name:18s} {w:+.3f}")


if __name__ == "__main__":
    main()
