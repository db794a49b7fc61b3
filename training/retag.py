#!/usr/bin/env python3
"""Replace the gold tags and lemmas of a CoNLL-U file with the bundled tagger's predictions.

Usage: python training/retag.py IN.conllu OUT.conllu [--models DIR] [--pos PATH] [--lemma PATH]

The parser learns how far to trust UPOS/XPOS/FEATS and lemmas. Trained on gold tags it trusts them
completely and loses 11-13 LAS points end to end, where the tags come from our tagger. Training it
(and selecting it on dev) with the tags it will see at run time - predicted, then repaired by
``quotes.tagfix`` exactly as ``quotes.parse`` does - is Stanza's own "retag" practice.
Words keep their gold form, head and relation; only columns 3, 4, 5 and 6 change.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import stanza
from stanza.utils.conll import CoNLL

from quotes.parse import find_models, models_dir
from quotes.tagfix import repair_proper_nouns


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("infile")
    ap.add_argument("outfile")
    ap.add_argument("--models", default=None, help="model folder for tokenize/mwt (default: bundled)")
    ap.add_argument("--pos", default=None, help="tagger to use (default: the bundled one)")
    ap.add_argument("--lemma", default=None, help="lemmatizer to use (default: the bundled one)")
    args = ap.parse_args()

    logging.getLogger("stanza").setLevel(logging.WARNING)
    models = find_models(models_dir(args.models))
    gold = CoNLL.conll2doc(args.infile)
    words = [[w.text for w in s.words] for s in gold.sentences]
    nlp = stanza.Pipeline(
        "en", dir=str(models.directory), allow_unknown_language=True, download_method=None,
        processors="tokenize,pos,lemma", tokenize_pretokenized=True, use_gpu=False, logging_level="ERROR",
        tokenize_model_path=models.paths["tokenize"],
        pos_model_path=args.pos or models.paths["pos"], lemma_model_path=args.lemma or models.paths["lemma"],
        pos_batch_size=5000,
    )
    pred = nlp(words)
    repair_proper_nouns(pred)
    assert len(pred.sentences) == len(gold.sentences)
    changed = total = 0
    for gs, ps in zip(gold.sentences, pred.sentences):
        for gw, pw in zip(gs.words, ps.words):
            total += 1
            changed += gw.upos != pw.upos
            gw.upos, gw.xpos, gw.feats, gw.lemma = pw.upos, pw.xpos, pw.feats, pw.lemma
    Path(args.outfile).write_text("{:C}\n\n".format(gold), encoding="utf-8")
    print(f"{args.outfile}: {total} words, UPOS changed on {changed} ({100 * (1 - changed / total):.2f}% kept)")


if __name__ == "__main__":
    main()
