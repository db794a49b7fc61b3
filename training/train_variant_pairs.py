#!/usr/bin/env python3
"""Learn the variant pair decision (issue 14): when two occurrences in different articles report
one statement.

Usage (scikit-learn is needed to train, not to run: ``pip install scikit-learn``):

    python eval/variant_pairs.py eval/variants/polnear-groups.jsonl /tmp/v.db /tmp/pairs.jsonl
    python training/train_variant_pairs.py /tmp/pairs.jsonl [--out quotes/grouping/data/variant_pairs.json]

(the first ingests the labelled articles into /tmp/v.db when it does not exist yet).

The learner is an L2-regularised logistic regression over ``quotes.grouping.pairs.PAIR_FEATURES``,
fitted on the dev split's pairs only (the held-out split's stories are never seen), chosen over
gradient boosting by leave-one-story-out cross-validation on dev (average precision 0.43 against
0.35 on 51 positive pairs: with so few positives the linear model generalises better, and its
weights ship as plain numbers in JSON, readable and free of pickles). The link threshold is the
probability above which out-of-fold precision on dev stays at least ``--min-precision``: a false
link misleads a reader more than a missed one.
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
    ap.add_argument("pairs", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "quotes" / "data" / "variant_pairs.json")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--min-precision", type=float, default=0.85)
    a = ap.parse_args()

    rows = [json.loads(line) for line in a.pairs.open()]
    if any(len(r["features"]) != len(PAIR_FEATURES) for r in rows):
        sys.exit("pairs were made with other features: run eval/variant_pairs.py again")
    X = np.array([r["features"] for r in rows])
    y = np.array([r["label"] for r in rows], dtype=bool)
    dev = np.array([r["split"] == "dev" for r in rows])
    story = np.array([r["story"] for r in rows])

    class Fitted:  # the intercept (not penalised) becomes the weight of the constant "bias" feature
        def __init__(self, mask):
            m = LogisticRegression(C=a.C, max_iter=10_000).fit(X[mask][:, 1:], y[mask])
            self.weights = np.concatenate([m.intercept_, m.coef_[0]])

        def predict(self, rows):
            return 1 / (1 + np.exp(-(rows @ self.weights)))

    fit = Fitted

    oof = np.zeros(len(rows))
    for s in sorted(set(story[dev])):
        held = dev & (story == s)
        oof[held] = fit(dev & ~held).predict(X[held])
    # the lowest threshold whose out-of-fold precision on dev stays at or above the floor
    threshold = 0.5
    for t in np.arange(0.2, 0.96, 0.05):
        if prf(y[dev], oof[dev] >= t)["precision"] >= a.min_precision:
            threshold = round(float(t), 2)
            break
    model = fit(dev)
    held_p = model.predict(X[~dev])
    card = {
        "learner": f"logistic regression (scikit-learn, L2, C={a.C}), its intercept as the weight of the bias feature",
        "trained_on": "eval/variants/polnear-groups.jsonl, split dev: pairs of matched occurrences in "
                      "different articles of one story",
        "pairs": {"dev": int(dev.sum()), "dev_positive": int(y[dev].sum()),
                  "heldout": int((~dev).sum()), "heldout_positive": int(y[~dev].sum())},
        "dev_leave_one_story_out": {"average_precision": round(float(average_precision_score(y[dev], oof[dev])), 3),
                                    **prf(y[dev], oof[dev] >= threshold)},
        "heldout": {"average_precision": round(float(average_precision_score(y[~dev], held_p)), 3),
                    **prf(y[~dev], held_p >= threshold)},
        "note": "pair scores over matched occurrences; the grouping's own scores (with linkage) come from "
                "eval/score_variants.py",
    }
    out = {"features": list(PAIR_FEATURES), "weights": [round(float(w), 6) for w in model.weights],
           "threshold": threshold, "card": card}
    a.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({"threshold": threshold, **card}, indent=1))
    for name, w in sorted(zip(PAIR_FEATURES, model.weights), key=lambda t: -abs(t[1])):
        print(f"  {name:18s} {w:+.3f}")


if __name__ == "__main__":
    main()
