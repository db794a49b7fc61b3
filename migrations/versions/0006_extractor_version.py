"""Which extractor made each article's quotes (``articles.extractor_version``), for ``quotes db
status`` and ``quotes reextract --behind``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Articles stored before this revision get NULL: which extractor made them is not known, so they
count as behind the installed one.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("extractor_version", sa.Text))


def downgrade() -> None:
    op.drop_column("articles", "extractor_version")  # SQLite 3.35+ drops a column in place
