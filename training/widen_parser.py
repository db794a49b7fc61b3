#!/usr/bin/env python3
"""Give a trained Stanza parser frozen transformer features without starting over.

Usage: python training/widen_parser.py OLD_PARSER.pt NEW_PARSER.pt --bert_model PATH

Stanza appends the transformer's features to the end of the parser's input vector. This builds the
parser Stanza would build with ``--bert_model``, copies every weight of the trained parser into it,
and gives the input weights of the new feature columns zeros, so the widened parser starts out
making exactly the old parser's predictions and training only has to learn what the transformer
adds. Training then continues with ``training/continue_parser.py --continue_from NEW_PARSER.pt``
(history and optimizer state are cleared). On 2 cores this is far cheaper than training a
transformer parser from scratch.
"""
from __future__ import annotations

import argparse

import torch


def widen(old: dict, new: dict) -> tuple[dict, list[str]]:
    """Old weights inside new shapes; returns the merged state and the names that were widened."""
    merged, widened = {}, []
    for name, target in new.items():
        if name.startswith("bert_model."):
            continue
        source = old.get(name)
        if source is None:
            raise SystemExit(f"widen_parser.py: {name} has no counterpart in the old parser")
        source = source.to(target.dtype)
        if source.shape == target.shape:
            merged[name] = source
            continue
        if source.dim() != target.dim() or any(s > t for s, t in zip(source.shape, target.shape)):
            raise SystemExit(f"widen_parser.py: cannot fit {name} {tuple(source.shape)} into {tuple(target.shape)}")
        if name.endswith("drop_replacement"):
            grown = target.clone()  # the new features' stand-in for dropped words: Stanza's own random init
        else:
            grown = torch.zeros_like(target)  # the new input columns start silent
        grown[tuple(slice(0, s) for s in source.shape)] = source
        merged[name] = grown
        widened.append(name)
    return merged, widened


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--bert_model", required=True)
    a = ap.parse_args()

    from stanza.models.common.bert_embedding import load_bert
    from stanza.models.depparse.trainer import GraphTrainer
    from stanza.models.pos.vocab import MultiVocab

    ckpt = torch.load(a.old, map_location="cpu", weights_only=False)
    config = dict(ckpt["config"], bert_model=a.bert_model, bert_finetune=False, bert_hidden_layers=None)
    vocab = MultiVocab.load_state_dict(ckpt["vocab"])
    bert_model, bert_tokenizer = load_bert(a.bert_model, local_files_only=True)
    model = GraphTrainer.build_model(config, vocab, bert_model=bert_model, bert_tokenizer=bert_tokenizer)
    merged, widened = widen(ckpt["model"], model.get_params(skip_modules=True))
    model.load_params(merged)  # checks that every merged weight fits
    ckpt.update(model=merged, config=config, global_step=0, last_best_step=0, dev_score_history=[])
    for key in ("optimizer_state_dict", "scheduler_state_dict"):
        ckpt.pop(key, None)
    torch.save(ckpt, a.new)
    print(f"{a.new}: input {model.input_size} wide (was {model.input_size - bert_model.config.hidden_size}); widened {', '.join(widened)}")


if __name__ == "__main__":
    main()
