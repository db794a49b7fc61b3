"""Stages 3-4 on one parsed article: extract statements, type them, then attribute them.

Pure: a parsed document in, ``Occurrence`` records out. ``Analysed`` is what this stage hands the
store (``workers.py`` fills it, in this process or a worker process; ``store.py`` stores it).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .attribute import Occurrence, attribute
from .coref import ArticleSpeakers
from .extract import find_attributions
from .quotetype import classify
from .quotemarks import find_quote_spans
from .syntax import sentences_from_doc


@dataclass
class Analysed:
    """One parsed and analysed article, ready to store."""

    text: str
    conllu: str
    occurrences: list[Occurrence]
    acronyms: dict[str, str]
    vectors: list  # one float32 vector (bytes) per occurrence, in order
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Failed:
    """A text the parser or the rules could not handle; the message is one line."""

    error: str


# the modules and data whose behaviour decides what is extracted and who it is credited to
EXTRACTOR_SOURCES = ("analyse.py", "syntax.py", "tagfix.py", "quotemarks.py", "extract.py", "cuemodel.py", "quotetype.py",
                     "attribute.py", "coref.py", "lexicon.py", "names.py", "speakers.py", "data")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """``quotes`` version + a hash of the extraction, attribution and speaker-resolution code and
    data: stored with each article, so that ``quotes db status`` knows which articles an upgrade
    would extract differently (``quotes reextract --behind`` brings them up to date)."""
    from . import __version__

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in EXTRACTOR_SOURCES:
        path = root / name
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if f.is_file() and f.suffix in (".py", ".json", ".txt", ".tsv"):
                digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def analyse(text: str, doc, *, cue_threshold: float | None = None) -> list[Occurrence]:
    """All statements of an article, attributed within the article, in text order. ``doc`` is a
    Stanza Document, or the article's sentences as ``syntax.sentences_from_conllu`` reads them
    from a stored parse (re-extraction). ``cue_threshold``: see ``extract.find_attributions``."""
    sentences = doc if isinstance(doc, list) else sentences_from_doc(doc)
    spans = find_quote_spans(text)
    atts = find_attributions(sentences, spans, text, cue_threshold=cue_threshold)
    unclaimed = classify(atts, spans, text)
    return attribute(text, sentences, atts, unclaimed)


def analyse_text(text: str, *, models: str | None = None) -> list[Occurrence]:
    """Parse and analyse raw text (for tests and `quotes extract`)."""
    from .parse import parse_text

    return analyse(text, parse_text(text, models=models))


__all__ = ["Analysed", "Failed", "analyse", "analyse_text", "extractor_version", "ArticleSpeakers", "Occurrence"]
