#!/usr/bin/env python3
"""Copy the best trained models into quotes/models/en/ and record them in models.json.

Usage: python training/bundle_models.py [--work ../train] [--scores SCORES.json]

Each processor's best dev checkpoint (as saved by Stanza's trainers) is copied under a fixed name
(tokenize.pt, mwt.pt, pos.pt, lemma.pt, depparse.pt); optimizer state is dropped to keep them small.
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
    "depparse": "depparse/en_mix_nopretrain_parser.pt",
}


def strip_optimizer(src: Path, dst: Path) -> None:
    import torch

    state = torch.load(src, map_location="cpu", weights_only=False)
    if isinstance(state, dict):
        for key in ("optimizer", "optimizer_state_dict", "scheduler"):
            state.pop(key, None)
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
        dst = TARGET / f"{proc}.pt"
        strip_optimizer(src, dst)
        card["processors"][proc] = {"file": dst.name, "size_mb": round(dst.stat().st_size / 1e6, 1)}
    (TARGET / "resources.json").write_text("{}\n")
    if a.scores and a.scores.exists():
        card["end_to_end_dev"] = json.loads(a.scores.read_text())
    (TARGET / "models.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
