"""Stages 3-4 on one parsed article: extract statements, type them, then attribute them.

Pure: a parse view in (``syntax.Sentence`` records, read from a Stanza document or from a stored
CoNLL-U parse), frozen ``Occurrence`` records out. ``extract_article`` is the stage function that
ingest (``workers.py``) and ``reextract.py`` both call; ``Analysed`` is what ingest hands the store.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import names
from .attribute import attribute
from .quotemarks import find_quote_spans
from .quotetype import classify
from .records import Occurrence
from .rules import find_attributions
from .syntax import Sentence, sentences_from_conllu, sentences_from_doc


@dataclass(frozen=True)
class Extraction:
    """The statements of one article, attributed within it, and the acronyms it defines."""

    occurrences: list[Occurrence]
    acronyms: dict[str, str]


@dataclass(frozen=True)
class Analysed:
    """One parsed and analysed article, ready to store."""

    text: str
    conllu: str
    occurrences: list[Occurrence]
    acronyms: dict[str, str]
    vectors: list  # one float32 vector (bytes) per occurrence, in order
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """A text the parser or the rules could not handle; the message is one line."""

    error: str


PACKAGE = Path(__file__).resolve().parent.parent
# the code and data whose behaviour decides what is extracted and who it is credited to
EXTRACTOR_SOURCES = ("extraction", "tagfix.py", "speakers.py", "data/aliases.json")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """``quotes`` version + a hash of the extraction, attribution and speaker-resolution code and
    data: stored with each article, so that ``quotes db status`` knows which articles an upgrade
    would extract differently (``quotes reextract --behind`` brings them up to date)."""
    from .. import __version__

    digest = hashlib.sha256()
    for name in EXTRACTOR_SOURCES:
        path = PACKAGE / name
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if f.is_file() and f.suffix in (".py", ".json", ".txt", ".tsv"):
                digest.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def analyse(text: str, parse, *, cue_threshold: float | None = None) -> list[Occurrence]:
    """All statements of an article, attributed within the article, in text order. ``parse`` is the
    article's parse: a stored one as CoNLL-U text, or a Stanza Document. The view the rules read
    (``syntax.Sentence``) is built here, once, with the article's quotations in it.
    ``cue_threshold``: see ``rules.find_attributions``."""
    spans = find_quote_spans(text)
    sentences = parse_view(parse, [(q.start, q.end) for q in spans])
    atts = find_attributions(sentences, spans, text, cue_threshold=cue_threshold)
    typed, unclaimed = classify(atts, spans, text)
    return attribute(text, sentences, typed, unclaimed)


def parse_view(parse, quoted: list[tuple[int, int]]) -> list[Sentence]:
    """The rules' view of a parse (CoNLL-U text or a Stanza Document), with the quotations."""
    return sentences_from_conllu(parse, quoted) if isinstance(parse, str) else sentences_from_doc(parse, quoted)


def extract_article(text: str, parse) -> Extraction:
    """Stages 3-4 for one article (``analyse``), with the acronyms it defines ("the Security Service
    of Ukraine (SBU)"), which speaker resolution reads."""
    return Extraction(analyse(text, parse), names.learn_acronyms(text))


__all__ = ["Analysed", "Extraction", "Failed", "analyse", "extract_article", "extractor_version", "Occurrence"]
