#!/usr/bin/env python3
"""Count the false hits and misses of an extraction run by kind (issue 16, item 2).

Usage:
    python ../shared/tools/score_quotes.py ../shared/data/quotes-dev/polnear-dev.jsonl --save /tmp/preds.jsonl
    python eval/false_hits.py ../shared/data/quotes-dev/polnear-dev.jsonl /tmp/preds.jsonl [--show N]

Predictions are matched to gold as the scorer matches them (Dice >= 0.5 over word tokens, one to
one, best first, per article). Each unmatched prediction is then one of:

- ``shorter``: it overlaps a gold span but covers less of it. Flagged ``multi-piece`` when that gold
  span joins pieces with "..." (PolNeAR's "A," X said. "B." as one attribution) and ``nested``
  when the prediction lies inside another prediction (a report within a statement);
- ``longer``: it overlaps a gold span and covers more;
- ``no gold``: no gold span overlaps it (unannotated speech, non-speech verbs, titles).

Missed indirect gold attributions are split by whether their cue is a reporting verb of
``quotes.extraction.lexicon`` (a crude test on the cue's last word): PolNeAR annotates beliefs, plans, polls
and findings too, outside the speech this project extracts.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "tools"))
import score_quotes as sq  # noqa: E402  (the scorer's own tokens, Dice and file names)

from quotes.extraction.lexicon import REPORTING_VERBS  # noqa: E402

IRREGULAR = {"said": "say", "says": "say", "told": "tell", "wrote": "write", "thought": "think"}


def cue_lemma(cue: str) -> str:
    word = (cue or "").lower().split()[-1:] or [""]
    w = IRREGULAR.get(word[0], word[0])
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and w[: -len(suffix)] + repl in REPORTING_VERBS:
            return w[: -len(suffix)] + repl
    return w


def match(gold: list[dict], preds: list[dict]) -> tuple[set[int], set[int]]:
    pairs = sorted(((sq.dice(g["text"], p.get("text") or ""), gi, pi) for gi, g in enumerate(gold)
                    for pi, p in enumerate(preds)), reverse=True)
    used_g, used_p = set(), set()
    for s, gi, pi in pairs:
        if s < 0.5:
            break
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return used_g, used_p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("preds", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print this many examples of each kind")
    a = ap.parse_args()

    docs = [json.loads(line) for line in a.gold.open()]
    by_article = defaultdict(list)
    for line in a.preds.open():
        if line.strip():
            p = json.loads(line)
            by_article[re.sub(r"\.txt$", "", Path(str(p.get("article") or "")).name)].append(p)
    kinds, cues, missed = Counter(), Counter(), Counter()
    examples = defaultdict(list)
    for d in docs:
        gold, preds = d["quotes"], by_article.get(sq.safe(d["doc_id"]), [])
        hit_g, hit_p = match(gold, preds)
        for gi, g in enumerate(gold):
            if g["type"] == "indirect" and gi not in hit_g:
                missed["lexicon speech verb" if cue_lemma(g.get("cue")) in REPORTING_VERBS else "other cue"] += 1
        for pi, p in enumerate(preds):
            if pi in hit_p:
                continue
            over = [g for g in gold if g["start"] < p["end"] and p["start"] < g["end"]]
            if not over:
                kind = "no gold"
            else:
                g = max(over, key=lambda g: min(g["end"], p["end"]) - max(g["start"], p["start"]))
                kind = "longer" if len(p["text"]) > len(g["text"]) else "shorter"
                flags = [f for f, on in (("multi-piece", " ... " in g["text"]),
                                         ("nested", any(q is not p and q["start"] <= p["start"] and p["end"] <= q["end"]
                                                        and q["end"] - q["start"] > p["end"] - p["start"] for q in preds))) if on]
                kind = " + ".join([kind, *flags])
            kinds[kind] += 1
            cues[p.get("cue") or "(no cue)"] += 1
            examples[kind].append((d["doc_id"], p))
    total = sum(len(v) for v in by_article.values())
    print(json.dumps({"predictions": total, "unmatched": sum(kinds.values()), "unmatched_by_kind": dict(kinds.most_common()),
                      "unmatched_by_cue": dict(cues.most_common(15)), "missed_indirect_by_cue": dict(missed)}, indent=1))
    rng = random.Random(0)
    for kind, rows in examples.items():
        for doc_id, p in rng.sample(rows, min(a.show, len(rows))):
            print(f"[{kind}] {doc_id} | {p.get('speaker')} | {p.get('cue')} | {p['text'][:120]}")


if __name__ == "__main__":
    main()
