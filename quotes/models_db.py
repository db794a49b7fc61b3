"""The database schema as SQLAlchemy 2.x typed ORM classes.

The tables are created only by the Alembic migrations in ``migrations/``; a test keeps the two and
docs/schema.md in step. Full-text search (FTS5 on SQLite) and the views are created there too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One ingested article, keyed by a hash of its normalised text."""

    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    parse_conllu: Mapped[str | None] = mapped_column(Text)
    parser_version: Mapped[str | None] = mapped_column(Text)
    extractor_version: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    grouped_at: Mapped[datetime | None] = mapped_column(DateTime)  # NULL until variant grouping has done it
    wire: Mapped[str | None] = mapped_column(Text)  # the news agency whose copy it carries, by its credit (outlet.wire_credit)
    copy_of: Mapped[int | None] = mapped_column(Integer)  # the id of the earlier article it is near-identical to
    quotes: Mapped[list["Quote"]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Speaker(Base):
    """A canonical speaker: a person, an organisation, a group, or an unnamed (anonymous) source."""

    __tablename__ = "speakers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    match_key: Mapped[str | None] = mapped_column(Text, index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    aliases: Mapped[list["SpeakerAlias"]] = relationship(back_populates="speaker", cascade="all, delete-orphan")
    keys: Mapped[list["SpeakerKey"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class SpeakerAlias(Base):
    """A surface form seen for a speaker, with how often it was seen."""

    __tablename__ = "speaker_aliases"
    __table_args__ = (UniqueConstraint("speaker_id", "alias"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    speaker: Mapped[Speaker] = relationship(back_populates="aliases")


class SpeakerKey(Base):
    """A key under which speaker resolution finds a named speaker by index instead of by scanning:
    ``a:`` an alias or name form, ``p:`` a person's folded surname, ``oh:`` an organisation's head
    word, ``oc:`` its core words. Kept in step by quotes/speakers.py."""

    __tablename__ = "speaker_keys"
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class VariantGroup(Base):
    """Occurrences across articles that report the same statement."""

    __tablename__ = "variant_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", ondelete="SET NULL", use_alter=True))
    canonical_text: Mapped[str] = mapped_column(Text)
    n_articles: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    n_outlets: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    n_reports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # original reports: one agency's copies count once
    wording_differs: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    framing_differs: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    speakers_differ: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Quote(Base):
    """One occurrence of a statement in one article (direct, indirect or mixed)."""

    __tablename__ = "quotes"
    # AUTOINCREMENT on SQLite: an id, once deleted, is never handed out again (migration 0007)
    __table_args__ = (Index("ix_quotes_article_start", "article_id", "start"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id", ondelete="SET NULL"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant_groups.id", ondelete="SET NULL"), index=True)
    type: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    cue_lemma: Mapped[str | None] = mapped_column(Text)
    cue_text: Mapped[str | None] = mapped_column(Text)
    speaker_mention: Mapped[str | None] = mapped_column(Text)
    sentence: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    rule: Mapped[str | None] = mapped_column(Text)
    article: Mapped[Article] = relationship(back_populates="quotes")
    speaker: Mapped[Speaker | None] = relationship()


class QuoteSuccessor(Base):
    """Where a quote deleted by ``quotes reextract`` went: the quote of the same article that
    replaced it (the largest span overlap, at least half), or NULL when none did. One step: when a
    successor is replaced in turn, the rows pointing at it move on."""

    __tablename__ = "quote_successors"
    old_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    new_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", ondelete="SET NULL"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    replaced_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class RelatedQuote(Base):
    """Two statements by different named speakers, one confirming, repeating or answering the
    other: linked, never one variant group. ``quote_id`` was grouped after ``other_id``;
    ``strength`` is the pair decision's probability had one speaker said both."""

    __tablename__ = "related_quotes"
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True, index=True)
    strength: Mapped[float] = mapped_column(Float)


class Correction(Base):
    """A user's correction of speakers (merge, split, rename), replayed after every ingest."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    args: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class QuoteVector(Base):
    """A quote's sentence embedding (float32), used to group paraphrases and translations."""

    __tablename__ = "quote_vectors"
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(Text)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    __table_args__ = (Index("ix_quote_vectors_model", "model"),)


class TermStat(Base):
    """How many stored quotes hold a word (``w:word``) or a proper-name anchor (``a:name``), and
    ``*`` how many quotes there are: variant grouping searches by a quote's rarest words and ignores
    names too common to anchor a match, without counting over the quotes. Kept by store.py."""

    __tablename__ = "term_stats"
    term: Mapped[str] = mapped_column(Text, primary_key=True)
    quotes: Mapped[int] = mapped_column(Integer)
