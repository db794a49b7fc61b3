"""Related statements: another speaker confirming, repeating or answering a statement
(``related_quotes``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

A variant group holds one speaker's one statement as the outlets reported it. When a different
named speaker says the same thing (South Korea's intelligence service confirming Zelensky's
announcement, a spokesman repeating his minister), the two are related, not one statement: grouping
records the pair here instead of merging it. ``quote_id`` is the quote grouped later, ``other_id``
the stored quote it relates to; ``strength`` is the learned pair decision's probability had both
been the same speaker's. Rows go with either quote.

The rows are decisions of variant grouping (the package's learned pair model), made as quotes are
stored: no migration can compute them, and a downgrade below this revision drops them. They are
declared derived (``DERIVED_TABLES``): the package recomputes the related statements of the stored
quotes after an upgrade that created this table while quotes were stored.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Tables whose rows this revision's downgrade drops and that the package, not a migration, rebuilds
# after an upgrade (tests/test_migrations.py reads this).
DERIVED_TABLES = ("related_quotes",)


def upgrade() -> None:
    op.create_table(
        "related_quotes",
        sa.Column("quote_id", sa.Integer, sa.ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("strength", sa.Float, nullable=False),
    )
    op.create_index("ix_related_quotes_other_id", "related_quotes", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_related_quotes_other_id", "related_quotes")
    op.drop_table("related_quotes")
