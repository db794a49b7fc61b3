"""Quote ids that are never handed out twice, and where a re-extracted quote went
(``quote_successors``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

``quotes reextract`` deletes the quotes that are no longer the same statement and adds new ones. A
quote id someone saved must then lead to the quote that took its place, never to another quote:

- ``quote_successors`` maps each deleted quote id to the quote of the same article that replaced
  it (the one whose span overlaps it most, at least half of the two spans together), or to NULL
  when nothing did. Chains are kept one step long: when a successor is itself replaced, the rows
  that pointed at it move on to its own successor.
- On SQLite, ``quotes`` becomes an AUTOINCREMENT table. A plain rowid table hands the largest id
  out again once its row is deleted, so a saved id could come to name an unrelated quote. The table
  is rebuilt with its rows and ids; the full-text triggers and the views, which name it, are
  dropped and made again around the rebuild. PostgreSQL sequences never reuse ids.
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _search_and_views():
    """Revision 0002's trigger and view definitions, the single place they are written."""
    path = Path(__file__).with_name("0002_search_and_views.py")
    spec = importlib.util.spec_from_file_location("quotes_migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rebuild_quotes(autoincrement: bool) -> None:
    m = _search_and_views()
    for name in reversed(list(m.VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for trigger in ("quotes_fts_ai", "quotes_fts_ad", "quotes_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    # the rows keep their ids, so the external-content FTS index stays valid as it is
    with op.batch_alter_table("quotes", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass
    for trigger in m.FTS_TRIGGERS:
        op.execute(trigger)
    for name, sql in m.VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_quotes(autoincrement=True)
    op.create_table(
        "quote_successors",
        sa.Column("old_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("new_id", sa.Integer, sa.ForeignKey("quotes.id", ondelete="SET NULL"), nullable=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("replaced_at", sa.DateTime, server_default=sa.func.current_timestamp(), nullable=False),
    )
    op.create_index("ix_quote_successors_new_id", "quote_successors", ["new_id"])


def downgrade() -> None:
    op.drop_index("ix_quote_successors_new_id", "quote_successors")
    op.drop_table("quote_successors")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_quotes(autoincrement=False)
