#!/usr/bin/env python3
"""End-to-end evaluation of a Stanza model folder on UD treebanks, from raw text.

Usage: python training/evaluate.py GOLD.conllu [GOLD.conllu ...] [--models DIR] [--json OUT]

The raw text is rebuilt from each gold file's ``# text`` lines (paragraphs at ``# newpar`` /
``# newdoc``), run through the whole pipeline (tokenize, mwt, pos, lemma, depparse) and scored with
the CoNLL 2018 shared-task evaluation (udtools' udeval, as shipped with Stanza): Tokens, Sentences,
Words, UPOS, XPOS, UFeats, Lemmas, UAS, LAS, CLAS, MLAS, BLEX F1.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

METRICS = ["Tokens", "Sentences", "Words", "UPOS", "XPOS", "UFeats", "Lemmas", "UAS", "LAS", "CLAS", "MLAS", "BLEX"]


def raw_text(conllu: Path) -> str:
    """Paragraphs of the gold file's sentence texts, blank-line separated."""
    paras, current = [], []
    for line in conllu.read_text(encoding="utf-8").splitlines():
        if line.startswith(("# newdoc", "# newpar")) and current:
            paras.append(" ".join(current))
            current = []
        elif line.startswith("# text = "):
            current.append(line[len("# text = "):].strip())
    if current:
        paras.append(" ".join(current))
    return "\n\n".join(paras)


def evaluate(gold: Path, models: str | None) -> dict:
    from stanza.models.common.utils import ud_scores

    from quotes.parse import parse_text, to_conllu

    text = raw_text(gold)
    t0 = time.time()
    doc = parse_text(text, models=models)
    seconds = time.time() - t0
    with tempfile.NamedTemporaryFile("w", suffix=".conllu", delete=False, encoding="utf-8") as f:
        f.write(to_conllu(doc))
    scores = ud_scores(str(gold), f.name)
    out = {m: round(100 * scores[m].f1, 2) for m in METRICS if m in scores}
    out["words_per_second"] = round(doc.num_words / seconds, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--models")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    results = {}
    for g in a.gold:
        results[g.name] = evaluate(g, a.models)
        print(g.name, json.dumps(results[g.name]), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
