"""Sentence embeddings of quotes, for grouping variants by meaning.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

A vector is a cache of the package's sentence encoder, keyed by its model name: no migration
computes one. The package embeds every quote that has no vector for its current model, so the rows
a downgrade below this revision drops come back after the next upgrade (``DERIVED_TABLES``).
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Tables whose rows this revision's downgrade drops and that the package, not a migration, rebuilds
# after an upgrade (tests/test_migrations.py reads this).
DERIVED_TABLES = ("quote_vectors",)


def upgrade() -> None:
    op.create_table(
        "quote_vectors",
        sa.Column("quote_id", sa.Integer, sa.ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quote_vectors")
