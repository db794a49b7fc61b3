"""Which articles variant grouping has done (``articles.grouped_at``), so that an interrupted run's
articles are grouped by the next one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

An article is stored in one transaction and its quotes are grouped in another; a run killed between
the two left the quotes ungrouped for ever, since nothing said which articles were done. Grouping now
sets ``grouped_at`` in its own transaction, and ingest and reextract first group the stored
articles that have none. Articles stored before this revision were grouped when they were stored
(or their run was killed then, which cannot be told now): they get the time of the upgrade.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("grouped_at", sa.DateTime))
    op.execute("UPDATE articles SET grouped_at = CURRENT_TIMESTAMP")


def downgrade() -> None:
    op.drop_column("articles", "grouped_at")  # SQLite 3.35+ drops a column in place
