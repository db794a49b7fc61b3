#!/usr/bin/env python3
"""Score predictions against PolNeAR-style gold in both scopes: all gold, and its speech part.

    python eval/speech_scope/score_speech.py GOLD.jsonl --preds PREDS.jsonl
    (PREDS: what ../shared/tools/score_quotes.py GOLD --save PREDS stored, i.e. `quotes export` lines)

The matching is the official scorer's (word-token Dice >= 0.5, one to one, best first, over all gold
of an article; attribution: the predicted speaker or mention shares a name word with the gold
source), done once. Then:

- ``all``: every gold statement counts, as ../shared/tools/score_quotes.py reports it;
- ``speech``: gold outside the speech scope (``speech_scope.classify``: neither a direct quotation
  nor a cue from the lexicon) is set aside, and so is a prediction matched to it: it is neither a
  hit nor a false hit, since the extractor is not asked for it (and some of it is speech the
  lexicon misses: "threatened", "vowed").
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCORER = HERE.parents[2] / "shared" / "tools" / "score_quotes.py"
sys.path.insert(0, str(HERE.parent))

from score_cached import match  # noqa: E402  (the official scorer's one-to-one matching, written once)


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(docs: list[dict], preds: list[dict], in_scope) -> dict:
    sc = _load("score_quotes", SCORER)
    by = defaultdict(list)
    for p in preds:
        by[Path(str(p.get("article") or p.get("source") or "")).stem].append(p)
    counts = {scope: Counter() for scope in ("all", "speech")}
    for d in docs:
        golds = [q for q in d["quotes"] if q.get("text")]
        ps = by.get(sc.safe(d["doc_id"]), [])
        gm = match([g["text"] for g in golds], [p.get("text", "") for p in ps], sc.dice)
        used = set(gm.values())
        for gi, g in enumerate(golds):
            speech = in_scope(g)
            for scope in ("all", "speech") if speech else ("all",):
                c = counts[scope]
                c["gold"] += 1
                c[f"gold_{g.get('type')}"] += 1
                if gi in gm:
                    p = ps[gm[gi]]
                    c["tp"] += 1
                    c[f"hit_{g.get('type')}"] += 1
                    c["att"] += bool(sc.names(p.get("speaker"), p.get("speaker_mention")) & sc.names(g.get("speaker"), g.get("speaker_mention")))
        unmatched = len(ps) - len(used)
        counts["all"]["fp"] += unmatched
        counts["speech"]["fp"] += unmatched
    return {scope: _figures(c) for scope, c in counts.items()}


def _figures(c: Counter) -> dict:
    tp, fp, gold = c["tp"], c["fp"], c["gold"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / gold if gold else 0.0
    return {"gold": gold, "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "attribution": round(c["att"] / tp, 3) if tp else 0.0,
            "recall_by_type": {t: round(c[f"hit_{t}"] / c[f"gold_{t}"], 3) for t in ("direct", "mixed", "indirect") if c[f"gold_{t}"]}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--preds", type=Path, required=True)
    a = ap.parse_args()
    ss = _load("speech_scope", HERE / "speech_scope.py")
    lex = ss.Lexicon(str(HERE / "lexicon.tsv"), str(HERE / "forms.tsv"))
    docs = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    preds = [json.loads(line) for line in a.preds.open(encoding="utf-8") if line.strip()]
    print(json.dumps(score(docs, preds, lambda g: ss.classify(g, lex)[0])))


if __name__ == "__main__":
    main()
