"""The records that pass between the extraction stages, frozen once made.

``Attribution``: a statement the cue rules found (``rules.py``), typed by its quotation marks
(``quotetype.py``), before its speaker is resolved. ``Occurrence``: a statement as stored, with its
speaker as written and as resolved within the article (``attribute.py``). A stage that changes a
record makes a new one (``dataclasses.replace``); none rewrites what an earlier stage handed on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .syntax import Sentence, Word

if TYPE_CHECKING:
    from .coref import Entity


@dataclass(frozen=True, eq=False)
class Attribution:
    """One statement found in an article, before speakers are resolved."""

    start: int
    end: int
    cue: Word | None
    speaker: list[Word] = field(default_factory=list)
    description: str | None = None
    rule: str = ""
    confidence: float = 0.9
    type: str = "indirect"
    sentence: Sentence | None = None
    pieces: tuple = ()  # quoted (start, end) pieces of a direct quotation, or of a statement split by its cue

    def text(self, article: str) -> str:
        if self.pieces:
            return " ".join(article[s:e].strip() for s, e in self.pieces)
        return article[self.start : self.end]

    @property
    def cue_lemma(self) -> str | None:
        return self.cue.lemma if self.cue is not None else None


@dataclass(frozen=True)
class Occurrence:
    """One statement as stored: text, offsets, type, cue, speaker as written and as resolved.
    Frozen: a quotation resumed after its cue is a new record made with ``dataclasses.replace``."""

    type: str
    text: str
    start: int
    end: int
    cue_lemma: str | None
    cue_text: str | None
    speaker_mention: str | None
    entity: Entity | None
    sentence: str
    confidence: float
    rule: str
    cue_start: int | None = None  # article offset of the cue word, when there is one
