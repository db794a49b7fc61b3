"""Alembic migrations for the quotes database (installed with the package)."""
