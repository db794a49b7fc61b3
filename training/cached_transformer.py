#!/usr/bin/env python3
"""Train a Stanza tagger or parser with frozen transformer features computed once per sentence.

Usage: python training/cached_transformer.py tagger|parser <the stanza.models.tagger/parser arguments>

With ``--bert_model`` and no fine-tuning, Stanza runs the transformer forward on every batch of
every epoch although its output for a sentence never changes. On a 2-core machine that forward
costs twice the rest of a tagger step. This wrapper memoises the features per sentence (keyed by
its words) so each training and dev sentence goes through the transformer once; the model, the
optimiser and the saved files are Stanza's own and identical to an uncached run.
"""
import sys

import stanza.models.common.bert_embedding as bert_embedding


def cached(extract):
    memo: dict = {}

    def extract_cached(model_name, tokenizer, model, data, device, keep_endpoints, detach=True, bert_layer_mix=None, **kwargs):
        if not detach or bert_layer_mix is not None:
            return extract(model_name, tokenizer, model, data, device, keep_endpoints, detach, bert_layer_mix, **kwargs)
        keys = [(keep_endpoints, tuple(sentence)) for sentence in data]
        missing = list(dict.fromkeys(key for key in keys if key not in memo))
        if missing:
            fresh = extract(model_name, tokenizer, model, [list(key[1]) for key in missing], device, keep_endpoints, detach, bert_layer_mix, **kwargs)
            for key, feature in zip(missing, fresh):
                memo[key] = feature.detach().clone()
        return [memo[key] for key in keys]

    return extract_cached


def main() -> None:
    which, argv = sys.argv[1], sys.argv[2:]
    if which == "tagger":
        import stanza.models.pos.model as model_module
        import stanza.models.tagger as entry
    elif which == "parser":
        import stanza.models.depparse.model as model_module
        import stanza.models.parser as entry
    else:
        sys.exit(f"cached_transformer.py: expected 'tagger' or 'parser', got {which!r}")
    model_module.extract_bert_embeddings = cached(bert_embedding.extract_bert_embeddings)
    entry.main(argv)


if __name__ == "__main__":
    main()
