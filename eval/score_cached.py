#!/usr/bin/env python3
"""Score the extractor on annotated news quickly, parsing each article once.

Usage: python eval/score_cached.py GOLD.jsonl [--cache DIR] [--show N] [--limit N]

Same matching as ../shared/tools/score_quotes.py (word-token Dice >= 0.5, one to one; attribution
correct when the predicted speaker or mention shares a name word with the gold source), but the
Stanza parses are cached as CoNLL-U under --cache, so extraction rules can be changed and re-scored
in seconds. The official numbers come from score_quotes.py, which runs `quotes ingest` end to end.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCORER = ROOT.parent / "shared" / "tools" / "score_quotes.py"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_quotes", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def match(golds: list[str], preds: list[str], dice) -> dict[int, int]:
    """Gold index -> prediction index: pairs of word-token Dice >= 0.5, one to one, best first (the
    matching of ../shared/tools/score_quotes.py)."""
    pairs = sorted(((dice(g, p), gi, pi) for gi, g in enumerate(golds) for pi, p in enumerate(preds)), reverse=True)
    gm, used = {}, set()
    for s, gi, pi in pairs:
        if s < 0.5:
            break
        if gi in gm or pi in used:
            continue
        gm[gi] = pi
        used.add(pi)
    return gm


def cached_docs(docs, cache: Path):
    from quotes.clean import clean_article
    from quotes.parse import from_conllu, parse_texts, to_conllu
    from quotes.read import normalise

    cache.mkdir(parents=True, exist_ok=True)
    texts = [clean_article(normalise(d["text"])).text for d in docs]
    path = {d["doc_id"]: cache / (d["doc_id"].replace("/", "__") + ".conllu") for d in docs}
    todo = [i for i, d in enumerate(docs) if not path[d["doc_id"]].exists()]
    for start in range(0, len(todo), 8):
        batch = todo[start : start + 8]
        for i, doc in zip(batch, parse_texts([texts[i] for i in batch])):
            path[docs[i]["doc_id"]].write_text(to_conllu(doc))
    return [(texts[i], from_conllu(path[d["doc_id"]].read_text(), texts[i])) for i, d in enumerate(docs)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", type=Path)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/quotes-parse-cache"))
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--limit", type=int)
    a = ap.parse_args()
    sc = load_scorer()
    from quotes.extraction.analyse import analyse

    docs = [json.loads(line) for line in a.gold.open()][: a.limit]
    tp = fp = fn = att = shown = 0
    per_type, per_hit, fp_rules = Counter(), Counter(), Counter()
    import hashlib

    from quotes.parse import find_models, models_dir

    # parses are only valid for the models that made them: one cache folder per model set
    version = hashlib.sha1(find_models(models_dir()).version.encode()).hexdigest()[:10]
    for d, (text, doc) in zip(docs, cached_docs(docs, a.cache / version / a.gold.stem)):
        preds = analyse(text, doc)
        golds = [q for q in d["quotes"] if q.get("text")]
        gm = match([g["text"] for g in golds], [p.text for p in preds], sc.dice)
        used = set(gm.values())
        for gi, g in enumerate(golds):
            per_type[g.get("type")] += 1
            if gi in gm:
                per_hit[g.get("type")] += 1
                p = preds[gm[gi]]
                name = p.entity.name if p.entity else None
                ok = bool(sc.names(name, p.speaker_mention) & sc.names(g.get("speaker"), g.get("speaker_mention")))
                att += ok
                if not ok and shown < a.show:
                    print("WRONG |", g.get("speaker"), "| pred:", name, "/", p.speaker_mention, "|", p.rule, "|", g["text"][:70])
                    shown += 1
            elif shown < a.show:
                print("MISS |", g.get("type"), "|", g.get("speaker"), "| cue:", g.get("cue"), "|", g["text"][:90])
                shown += 1
        for pi, p in enumerate(preds):
            if pi not in used:
                fp_rules[p.rule] += 1
                if shown < a.show:
                    near = max((sc.dice(g["text"], p.text) for g in golds), default=0)
                    print("FALSE |", p.rule, "|", p.cue_text, "|", p.speaker_mention, "|", f"best dice {near:.2f}", "|", p.text[:90])
                    shown += 1
        tp += len(gm)
        fn += len(golds) - len(gm)
        fp += len(preds) - len(used)
    P = tp / (tp + fp) if tp + fp else 0
    R = tp / (tp + fn) if tp + fn else 0
    print(json.dumps({"docs": len(docs), "precision": round(P, 3), "recall": round(R, 3),
                      "f1": round(2 * P * R / (P + R), 3) if P + R else 0, "attribution": round(att / tp, 3) if tp else 0,
                      "recall_by_type": {k: round(per_hit[k] / v, 3) for k, v in per_type.items() if k},
                      "false_positives_by_rule": dict(fp_rules)}))


if __name__ == "__main__":
    main()
