#!/usr/bin/env python3
"""Continue training a Stanza parser from a saved model on different training data.

Usage: python training/continue_parser.py <the stanza.models.parser training arguments, with --continue_from>

Stanza's ``--continue_from`` assumes the same training file: it builds a fresh vocabulary from the
data, which no longer matches the saved model once the tags change (predicted instead of gold tags).
This runs ``stanza.models.parser`` unchanged except that its data loaders use the saved model's
vocabulary; unseen tags map to <UNK> as they would at run time. Frozen transformer features (a
parser widened by training/widen_parser.py) are computed once per sentence, as in
training/cached_transformer.py.
"""
import sys
from pathlib import Path

import stanza.models.common.bert_embedding as bert_embedding
import stanza.models.depparse.model as parser_model
import stanza.models.parser as parser
import torch
from stanza.models.pos.vocab import MultiVocab

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cached_transformer import cached  # noqa: E402


def main() -> None:
    argv = sys.argv[1:]
    saved = argv[argv.index("--continue_from") + 1]
    vocab = MultiVocab.load_state_dict(torch.load(saved, map_location="cpu", weights_only=False)["vocab"])
    loader = parser.DataLoader

    def with_saved_vocab(*args, **kwargs):
        kwargs["vocab"] = vocab
        return loader(*args, **kwargs)

    parser.DataLoader = with_saved_vocab
    parser_model.extract_bert_embeddings = cached(bert_embedding.extract_bert_embeddings)
    parser.main(argv)


if __name__ == "__main__":
    main()
