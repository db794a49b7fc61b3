"""Shared fixtures. Every test gets its own database (QUOTES_DB points into tmp_path); the seed
articles are ingested once per session with the bundled models, as a user would."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def temp_db(tmp_path, monkeypatch):
    db = tmp_path / "test.db"
    monkeypatch.setenv("QUOTES_DB", str(db))
    monkeypatch.setenv("QUOTES_INDEX_DIR", str(tmp_path / "indexes"))  # vector indexes of server databases
    monkeypatch.delenv("QUOTES_MODELS", raising=False)
    monkeypatch.setenv("COLUMNS", "160")  # tables fit the terminal's width: the same one for every test, wherever it runs
    return db


@pytest.fixture(autouse=True)
def no_models_in_fast_tests(request, monkeypatch):
    """A test marked ``fast`` (``pytest -m fast``) may not load the parser or the sentence encoder:
    if it tries, it fails and says so, rather than quietly making the quick subset slow."""
    if request.node.get_closest_marker("fast") is None:
        return

    def refuse(*_args, **_kwargs):
        raise AssertionError("a test marked fast loaded a model: mark it otherwise, or use a stored parse")

    import quotes.parse

    monkeypatch.setattr(quotes.parse, "get_pipeline", refuse)
    monkeypatch.setattr(quotes.parse, "transformer", refuse)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory):
    """A database built from seeds/ by `quotes ingest seeds/` (the README's main job)."""
    from quotes.cli import cli

    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "ingest", "--silent", str(SEEDS)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def seeds_copy(seeds_db, tmp_path):
    """A private copy of the seeds database, for tests that change it."""
    dst = tmp_path / "seeds-copy.db"
    shutil.copy(seeds_db, dst)
    return dst


def quotes_of(db_path) -> list[dict]:
    import json

    from quotes.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(db_path), "export", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
