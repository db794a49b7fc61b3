#!/usr/bin/env python3
"""Train the mention typer (``quotes/extraction/nametype.py``) on GUM's entity annotation (issue 29).

Input: ``/tmp/gum-coref/{train,dev}.jsonl`` written by ``training/gum_coref.py`` from the UD release in
../shared/data/ud (never copied into the repository). Every mention that is not a pronoun is an
example; GUM's types map to four labels: person, organization (-> organisation), place, and the rest
(abstract, event, object, time, substance, animal, plant -> other). Features are those the package
computes at run time (``nametype.features``), over GUM's gold parse here and Stanza's parse there.

Multinomial logistic regression (scikit-learn, L2); C is chosen on GUM dev, then the model is refit on
train and dev together and written with its card to ``quotes/extraction/data/name_types.json``, with
weights rounded to 3 decimals and those under ``--prune`` in absolute value dropped.

Run (about a minute on 2 cores)::

    python training/gum_coref.py            # once: /tmp/gum-coref/{train,dev}.jsonl
    .venv/bin/python training/train_name_types.py
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.extraction import nametype  # noqa: E402

TYPES = {"person": "person", "organization": "organisation", "place": "place"}


@dataclass
class Tok:
    text: str
    lemma: str
    upos: str
    deprel: str
    head: int


def examples(path: Path):
    """(features, label, genre, mention kind) for every non-pronoun mention of a split."""
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        sents = [[Tok(t["form"], t["lemma"], t["upos"], t["deprel"], t["head"]) for t in s["tokens"]] for s in doc["sentences"]]
        where: dict[str, list] = {}  # capitalised word -> (sentence, index) of each occurrence
        for si, toks in enumerate(sents):
            for i, t in enumerate(toks):
                if t.text[:1].isupper():
                    where.setdefault(t.text, []).append((si, i))
        for m in doc["mentions"]:
            if m["kind"] == "pronoun" or m.get("parts"):
                continue
            toks = sents[m["sent"]]
            head = toks[m["head"]]
            elsewhere = [f for si, i in where.get(head.text, ()) if (si, i) != (m["sent"], m["head"])
                         for f in nametype.context(sents[si], i)]
            feats = nametype.features(toks, m["start"], m["end"], m["head"], elsewhere)
            yield feats, TYPES.get(m["etype"], "other"), doc["genre"], m["kind"]


def fit(data, c: float, prune: float):
    """Weights and biases in ``nametype.LABELS`` order, with small weights dropped, as the package reads them."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f, *_ in data])
    model = LogisticRegression(C=c, max_iter=2000).fit(x, [label for _, label, *_ in data])
    order = [list(model.classes_).index(label) for label in nametype.LABELS]
    weights = {}
    for j, name in enumerate(vec.feature_names_):
        w = [round(float(model.coef_[i, j]), 3) for i in order]
        if max(abs(v) for v in w) >= prune:
            weights[name] = w
    return {"labels": list(nametype.LABELS), "bias": [round(float(model.intercept_[i]), 3) for i in order], "weights": weights}


def report(name, model_json, data):
    """Scores of the pruned model, computed as the package computes them."""
    pred = []
    for feats, *_ in data:
        p = nametype.probabilities(feats, model_json)
        pred.append(max(p, key=p.get))
    gold = [label for _, label, *_ in data]
    out = {"accuracy": round(sum(p == g for p, g in zip(pred, gold)) / len(gold), 3), "n": len(gold)}
    speak = [(g in nametype.SPEAKING) == (p in nametype.SPEAKING) for g, p in zip(gold, pred)]
    out["speaking_accuracy"] = round(sum(speak) / len(speak), 3)
    for kind in ("proper", "definite", "other"):
        idx = [i for i, (*_, k) in enumerate(data) if k == kind]
        if idx:
            out[f"accuracy_{kind}"] = round(sum(pred[i] == gold[i] for i in idx) / len(idx), 3)
    news = [i for i, (_, _, g, _) in enumerate(data) if g in ("news", "interview", "bio")]
    if news:
        out["accuracy_news_interview_bio"] = round(sum(pred[i] == gold[i] for i in news) / len(news), 3)
    out["features"] = len(model_json["weights"])
    print(name, json.dumps(out))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/gum-coref"))
    ap.add_argument("--out", type=Path, default=nametype.MODEL_FILE)
    ap.add_argument("--prune", type=float, default=0.2)
    args = ap.parse_args()
    t0 = time.time()
    train = list(examples(args.data / "train.jsonl"))
    dev = list(examples(args.data / "dev.jsonl"))
    print(f"train {len(train)} dev {len(dev)}", Counter(label for _, label, *_ in train))
    best = None
    for c in (0.3, 1.0, 3.0):
        scores = report(f"C={c} dev", fit(train, c, args.prune), dev)
        if best is None or scores["accuracy"] > best[0]["accuracy"]:
            best = (scores, c)
    dev_scores, c = best
    model_json = fit(train + dev, c, args.prune)
    weights = model_json["weights"]
    card = {
        "task": "type of a non-pronoun mention: person, organisation, place or other (a speaker must be a person or an organisation)",
        "data": "GUM (UD_English-GUM, amir-zeldes/gum commit 72ce5ac, reddit left out) entity annotation, train split for choosing C on dev, "
                "then train + dev; annotations CC BY 4.0, texts under GUM's per-genre licences (news and interviews: Wikinews, CC BY 2.5)",
        "examples": {"train": len(train), "dev": len(dev)},
        "model": f"multinomial logistic regression, L2, C={c}, {len(weights)} features kept (|w| >= {args.prune})",
        "dev_scores": dev_scores,
        "cost": f"trained in {time.time() - t0:.0f} s on 2 cores; a sum of weights per mention at run time",
        "script": "training/train_name_types.py",
    }
    model_json["card"] = card
    args.out.write_text(json.dumps(model_json, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", args.out, f"{args.out.stat().st_size // 1024} KiB", json.dumps(card["dev_scores"]))


if __name__ == "__main__":
    main()
