"""What indexed variant grouping needs: word and anchor counts, and a narrow index on the vectors.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

``term_stats`` is filled here from the stored quotes, counted by ``_terms_of``: a frozen copy of
``quotes.variants.terms_of`` (``fts_words`` and ``anchors``, unchanged from this revision's commit
50edee8 to 52ee7c0), so a later change of the package cannot change what this upgrade counts. When
the package changes how terms are made, a new migration recounts with its own frozen copy. The index
on ``quote_vectors.model`` lets the package's nearest-neighbour index count and list the stored
vectors without reading them.

Quotes stored before revision 0003 have no vector. They are not embedded here: a vector is a cache
of the live sentence encoder, keyed by its model name, not schema, and an upgrade that ran the
encoder would depend on whatever encoder the installed package ships. The package embeds the quotes
that have no vector for its current model after an upgrade.
"""
import re
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_stats",
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("quotes", sa.Integer, nullable=False),
    )
    op.create_index("ix_quote_vectors_model", "quote_vectors", ["model"])
    _count_terms(op.get_bind())


def _count_terms(conn) -> None:
    counts: Counter = Counter()
    for (text,) in conn.execute(sa.text("SELECT text FROM quotes")):
        counts.update(_terms_of(text))
        counts[_TOTAL] += 1
    rows = [{"t": t, "n": n} for t, n in sorted(counts.items())]
    if rows:
        conn.execute(sa.text("INSERT INTO term_stats (term, quotes) VALUES (:t, :n)"), rows)


def downgrade() -> None:
    op.drop_index("ix_quote_vectors_model", table_name="quote_vectors")
    op.drop_table("term_stats")


# -- frozen: the terms of a quote, as the package counts them (see the module docstring) -----------
_TOTAL = "*"  # the row counting every quote


def _terms_of(text: str) -> set[str]:
    """The ``term_stats`` keys one quote adds to: ``w:`` each word, ``a:`` each anchor."""
    return {"w:" + w for w in _fts_words(text)} | {"a:" + a for a in _anchors(text)}


def _fts_words(text: str) -> list[str]:
    """Words as the full-text index splits them (letters and digits; apostrophes split)."""
    return re.findall(r"\w+", text.lower())


def _anchors(text: str) -> frozenset[str]:
    """Proper names inside a statement (capitalised words not opening a sentence)."""
    found = re.findall(r"(?<![.!?“\"]\s)(?<!^)\b([A-Z][a-z]{2,})", text)
    return frozenset(w.lower() for w in found)
