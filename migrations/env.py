"""Alembic environment for quotes.

- Each migration runs in one transaction that holds its DDL too (``make_engine(transactional_ddl=True)``):
  one that fails half-way (a full disk) leaves the database as it was before it.
- SQLite runs in batch mode (ALTER TABLE by table rebuild). Foreign keys are switched off for the
  duration of a migration, so rebuilding a parent table cannot cascade-delete child rows, and a
  foreign-key check runs before they are switched back on; a violation aborts the migration.
- Autogenerate ignores the FTS5 table, its shadow tables and the views, which migrations manage by hand.
"""
from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Engine

from quotes.db import make_engine
from quotes.models_db import Base

config = context.config
target_metadata = Base.metadata
HAND_MANAGED_PREFIXES = ("quotes_fts", "quote_view", "variant_comparison", "speaker_alias_articles", "speaker_quote_counts")


def include_object(obj, name, type_, reflected, compare_to):
    return not (name or "").startswith(HAND_MANAGED_PREFIXES)


def url() -> str:
    return config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or "sqlite:///quotes.db"


def run_offline() -> None:
    context.configure(url=url(), target_metadata=target_metadata, render_as_batch=True,
                      include_object=include_object, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Engine):  # pytest-alembic hands over an engine
        with connection.connect() as conn:
            _run(conn)
        return
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url(), foreign_keys=False, transactional_ddl=True)  # a failed migration leaves nothing
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite,
                      include_object=include_object, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        bad = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if bad:
            raise RuntimeError(f"foreign-key check failed after migration: {bad[:5]}")
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_offline()
else:
    run_online()
