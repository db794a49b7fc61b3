#!/usr/bin/env python3
"""Copy the best trained models into quotes/models/en/ and record them in models.json.

Usage: python training/bundle_models.py [--work ../train] [--scores SCORES.json]

Each processor's best dev checkpoint (as saved by Stanza's trainers) is copied under a fixed name
(tokenize.pt, mwt.pt, pos.pt, lemma.pt, depparse.pt); optimizer state is dropped and weights are
stored as float16 to keep them small.
``--scores`` takes the JSON written by training/evaluate.py (end-to-end dev scores).
"""
from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "quotes" / "models" / "en"
SOURCES = {
    "tokenize": "tokenize/en_mix_nocharlm_tokenizer.pt",
    "mwt": "mwt/en_mix_mwt_expander.pt",
    "pos": "pos/en_mix_nopretrain_tagger.pt",
    "lemma": "lemma/en_mix_nocharlm_lemmatizer.pt",
    # the parser continued on the tagger's predicted tags (stage depparse_retag) when present
    "depparse": "depparse/en_mix_retag_parser.pt",
}
FALLBACK = {"depparse": "depparse/en_mix_nopretrain_parser.pt"}


METRICS_BY_PROCESSOR = {
    "tokenize": ("Tokens", "Sentences"),
    "mwt": ("Words",),
    "pos": ("UPOS", "XPOS", "UFeats"),
    "lemma": ("Lemmas",),
    "depparse": ("UAS", "LAS"),
}


def compact(src: Path, dst: Path) -> None:
    """Drop optimizer state and store float weights as float16 (half the size; Stanza's
    load_state_dict copies them back into its float32 parameters, so results barely move)."""
    import torch

    state = torch.load(src, map_location="cpu", weights_only=False)
    if isinstance(state, dict):
        for key in ("optimizer", "optimizer_state_dict", "scheduler"):
            state.pop(key, None)
        model = state.get("model")
        if isinstance(model, dict):
            state["model"] = {k: v.half() if torch.is_tensor(v) and v.is_floating_point() else v for k, v in model.items()}
    torch.save(state, dst)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=ROOT.parent / "train")
    ap.add_argument("--scores", type=Path)
    a = ap.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)
    card = {"date": datetime.date.today().isoformat(), "stanza": __import__("stanza").__version__,
            "training_data": "UD_English-EWT train + UD_English-GUM train (reddit excluded); selection on both dev sets",
            "processors": {}}
    for proc, rel in SOURCES.items():
        src = a.work / "saved_models" / rel
        if not src.exists() and proc in FALLBACK:
            src = a.work / "saved_models" / FALLBACK[proc]
        dst = TARGET / f"{proc}.pt"
        compact(src, dst)
        card["processors"][proc] = {"file": dst.name, "size_mb": round(dst.stat().st_size / 1e6, 1), "trained_as": src.name}
    (TARGET / "resources.json").write_text("{}\n")
    if a.scores and a.scores.exists():
        scores = json.loads(a.scores.read_text())
        card["end_to_end_dev"] = scores
        for proc, metrics in METRICS_BY_PROCESSOR.items():
            card["processors"][proc]["dev"] = {
                f"{name.split('-')[0]} {m}": sc[m] for name, sc in sorted(scores.items()) for m in metrics if m in sc
            }
    (TARGET / "models.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
