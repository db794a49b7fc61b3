#!/usr/bin/env python3
"""Learn the cue model (issue 16): which (word, clause) pairs of a parse are a reporting cue and its
reported content, beyond the lexicon rules.

Usage (scikit-learn is needed to train, not to run: ``pip install -e ".[train]"``):

    python training/train_cue_model.py ../shared/data/quotes-dev/polnear-train.jsonl \\
        ../shared/data/quotes-dev/polnear-dev.jsonl [--out quotes/extraction/data/cue_model.json]

Parses come from the bundled models, cached as CoNLL-U (``eval/score_cached.py``'s cache; the first
run parses 924 articles, about 8 minutes on 2 cores).

- Rows: every ``cuemodel.candidates`` pair of every PolNeAR train article, labelled positive when a
  gold attribution's cue covers the word and its content matches the clause (word Dice >= 0.5, the
  scorer's own matching). A tenth of train, chosen by a hash of the document id
  (``heldout``), is never trained on nor tuned on: it is the check against overfitting to dev.
- Learner: L2 logistic regression over the binary features of ``cuemodel.features``; its weights
  ship as plain numbers in JSON (no pickle, no learner at run time).
- Threshold: PolNeAR dev, end to end (rules + model, the scorer's matching): the highest threshold
  within 0.003 of the best F1 among those keeping precision at least ``--min-precision`` (a false
  hit costs a reader more than a miss). Dev is for this choice only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Indel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from quotes.extraction import cuemodel  # noqa: E402
from quotes.extraction.phrases import trim  # noqa: E402
from quotes.extraction.quotemarks import find_quote_spans  # noqa: E402
from quotes.extraction.syntax import sentences_from_conllu  # noqa: E402


def heldout(doc_id: str) -> bool:
    """The tenth of PolNeAR train set aside before training: never trained on, never tuned on."""
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 10 == 0


def offset_map(original: str, cleaned: str):
    """Character offsets of the original text -> offsets in the cleaned text the parser saw."""
    if original == cleaned:
        return lambda i: i
    ops = [tuple(op) for op in Indel.opcodes(original, cleaned)]  # rapidfuzz: bit-parallel, unlike difflib

    def to_clean(i: int) -> int:
        for tag, a0, a1, b0, b1 in ops:
            if a0 <= i < a1 or (i == a1 and tag == "equal"):
                return b0 + min(i - a0, b1 - b0) if tag != "delete" else b0
        return len(cleaned)

    return to_clean


def parsed(docs: list[dict], cache: Path) -> list[tuple[dict, str, list]]:
    """Each article's cleaned text and its parse (CoNLL-U), parsed once by the bundled models (worker
    processes, ``quotes.workers.Analyser``) and cached as CoNLL-U, a folder per model set and corpus
    (the layout of ``eval/score_cached.py``)."""
    from quotes.extraction.analyse import Analysed
    from quotes.parse import find_models, models_dir
    from quotes.workers import PARSE_BATCH_ARTICLES, Analyser, cpu_count

    version = hashlib.sha1(find_models(models_dir()).version.encode()).hexdigest()[:10]
    folder = cache / version / docs[0]["_corpus"]
    folder.mkdir(parents=True, exist_ok=True)
    path = {d["doc_id"]: folder / (d["doc_id"].replace("/", "__") + ".conllu") for d in docs}
    missing = [d for d in docs if not path[d["doc_id"]].exists()]
    if missing:
        print(f"parsing {len(missing)} articles into {folder}", flush=True)
        batches = [missing[i : i + PARSE_BATCH_ARTICLES] for i in range(0, len(missing), PARSE_BATCH_ARTICLES)]
        with Analyser(workers=cpu_count()) as analyser:
            for batch, results in zip(batches, analyser.map([[d["_clean"] for d in b] for b in batches])):
                for d, r in zip(batch, results):
                    if isinstance(r, Analysed):
                        path[d["doc_id"]].write_text(r.conllu)
    return [(d, d["_clean"], path[d["doc_id"]].read_text()) for d in docs if path[d["doc_id"]].exists()]


@lru_cache(maxsize=1)
def scorer():
    """../shared/tools/score_quotes.py, loaded once: its word-token Dice is the labels' matching."""
    from score_cached import load_scorer

    return load_scorer()


def rows_of(doc: dict, text: str, conllu: str) -> list[tuple[list[str], bool]]:
    dice = scorer().dice
    to_clean = offset_map(doc["text"], text)
    golds = []
    for g in doc["quotes"]:
        if not g.get("text") or not g.get("cue_span"):
            continue
        golds.append((to_clean(g["cue_span"][0]), to_clean(g["cue_span"][1]), g["text"]))
    spans = find_quote_spans(text)
    rows = []
    for sent in sentences_from_conllu(conllu, [(q.start, q.end) for q in spans]):
        for cand in cuemodel.candidates(sent):
            words = trim(cand.words())
            if not words:
                continue
            content = text[words[0].start : words[-1].end]
            label = any(s < cand.cue.end and cand.cue.start < e and dice(g, content) >= 0.5 for s, e, g in golds)
            rows.append((cuemodel.features(cand), label))
    return rows


def end_to_end(parses, threshold: float) -> dict:
    from score_cached import match

    from quotes.extraction.analyse import analyse

    sc = scorer()
    tp = fp = fn = 0
    per_type, per_hit = Counter(), Counter()
    for d, text, conllu in parses:
        preds = analyse(text, conllu, cue_threshold=threshold)
        golds = [q for q in d["quotes"] if q.get("text")]
        gm = match([g["text"] for g in golds], [p.text for p in preds], sc.dice)
        used = set(gm.values())
        for gi, g in enumerate(golds):
            per_type[g["type"]] += 1
            per_hit[g["type"]] += gi in gm
        tp += len(gm)
        fn += len(golds) - len(gm)
        fp += len(preds) - len(used)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"threshold": threshold, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "recall_by_type": {k: round(per_hit[k] / v, 3) for k, v in sorted(per_type.items())}}


def load(path: Path) -> list[dict]:
    from quotes.clean import clean_article
    from quotes.read import normalise

    docs = [json.loads(line) for line in path.open()]
    for d in docs:
        d["_corpus"] = path.stem
        d["_clean"] = clean_article(normalise(d["text"])).text
    return docs


def main() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("dev", type=Path)
    ap.add_argument("--out", type=Path, default=cuemodel.MODEL_FILE)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/quotes-parse-cache"))
    ap.add_argument("--C", type=float, default=0.5, help="inverse L2 strength")
    ap.add_argument("--min-count", type=int, default=2, help="features seen fewer times are dropped")
    ap.add_argument("--min-precision", type=float, default=0.80)
    a = ap.parse_args()

    t0 = time.time()
    train_all = load(a.train)
    train = [d for d in train_all if not heldout(d["doc_id"])]
    dev = load(a.dev)
    print(f"train {len(train)} articles ({len(train_all) - len(train)} held out), dev {len(dev)}", flush=True)
    train_parses, dev_parses = parsed(train, a.cache), parsed(dev, a.cache)

    def table(parses):
        rows = [r for d, text, sents in parses for r in rows_of(d, text, sents)]
        return [f for f, _ in rows], [y for _, y in rows]

    Ftr, ytr = table(train_parses)
    Fdv, ydv = table(dev_parses)
    counts = Counter(f for fs in Ftr for f in fs)
    keep = {f for f, n in counts.items() if n >= a.min_count}
    vec = DictVectorizer()
    Xtr = vec.fit_transform([{f: 1 for f in fs if f in keep} for fs in Ftr])
    Xdv = vec.transform([{f: 1 for f in fs} for fs in Fdv])
    print(f"rows: train {len(ytr)} ({sum(ytr)} positive), dev {len(ydv)} ({sum(ydv)} positive); "
          f"{Xtr.shape[1]} features", flush=True)
    clf = LogisticRegression(C=a.C, max_iter=2000)
    clf.fit(Xtr, ytr)
    ap_dev = average_precision_score(ydv, clf.predict_proba(Xdv)[:, 1])
    print(f"candidate average precision on dev: {ap_dev:.3f}", flush=True)

    names = vec.get_feature_names_out()
    weights = {"bias": float(clf.intercept_[0])}  # "bias" is also a feature of every row: the two add up
    for name, w in zip(names, clf.coef_[0]):
        if abs(w) >= 1e-4:
            weights[name] = weights.get(name, 0.0) + float(w)
    weights = {n: round(w, 6) for n, w in weights.items()}
    model = {"weights": weights, "threshold": 1.01, "card": {}}
    a.out.write_text(json.dumps(model))
    cuemodel.MODEL_FILE = a.out  # the extraction below reads the model just written
    cuemodel.load.cache_clear()

    rules_only = end_to_end(dev_parses, 1.01)
    print("dev, rules only:", json.dumps(rules_only), flush=True)
    sweep = [end_to_end(dev_parses, t) for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)]
    for s in sweep:
        print("dev:", json.dumps(s), flush=True)
    ok = [s for s in sweep if s["precision"] >= a.min_precision] or [max(sweep, key=lambda s: s["precision"])]
    top_f1 = max(s["f1"] for s in ok)
    best = max((s for s in ok if s["f1"] >= top_f1 - 0.003), key=lambda s: s["threshold"])  # precision first
    top = sorted(((w, n) for n, w in weights.items() if n.startswith("lemma=")), reverse=True)
    model = {
        "weights": weights,
        "threshold": best["threshold"],
        "card": {
            "task": "is this (word, clause) pair of the parse a reporting cue and its reported content?",
            "learner": f"logistic regression (scikit-learn, L2, C={a.C}), binary features of quotes.extraction.cuemodel.features "
                       f"seen at least {a.min_count} times; the intercept is the weight of 'bias'",
            "trained_on": f"PolNeAR train, {len(train)} articles (a tenth, chosen by a hash of the document id, held out), "
                          f"{len(ytr)} candidates, {sum(ytr)} positive; parses by the bundled models",
            "labels": "positive when a gold attribution's cue covers the word and its content matches the clause "
                      "(word Dice >= 0.5)",
            "threshold": f"the highest within 0.003 of the best PolNeAR dev F1 end to end (rules + model) with "
                         f"precision >= {a.min_precision}: precision first",
            "dev_candidate_average_precision": round(ap_dev, 3),
            "dev_rules_only": rules_only,
            "dev_with_model": best,
            "strongest_cue_lemmas": [n[len("lemma="):] for _, n in top[:25]],
            "made_with": "training/train_cue_model.py",
        },
    }
    a.out.write_text(json.dumps(model, indent=1) + "\n")
    print(f"wrote {a.out} (threshold {best['threshold']}) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
