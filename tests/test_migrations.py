"""Migrations: every revision walks up and down (pytest-alembic), rows survive a downgrade/upgrade
round trip, FTS triggers survive, and the schema matches the ORM models."""
import sqlite3

import pytest
from click.testing import CliRunner
from pytest_alembic.tests import (  # noqa: F401  (collected as tests)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from quotes.cli import cli
from quotes.db import make_engine, migrations_dir


@pytest.fixture
def alembic_engine(tmp_path):
    return make_engine(f"sqlite:///{tmp_path / 'walk.db'}", foreign_keys=False)


@pytest.fixture
def alembic_config():
    """pytest-alembic walks the installed migrations folder, as `quotes db` does."""
    from pytest_alembic.config import Config

    return Config(config_options={"script_location": str(migrations_dir())})


TABLES = ("articles", "speakers", "speaker_aliases", "quotes", "variant_groups", "quote_vectors")


def counts(db):
    con = sqlite3.connect(db)
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def test_downgrade_and_upgrade_keep_every_row(seeds_copy):
    before = counts(seeds_copy)
    assert before["quotes"] > 20
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "-1"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "upgrade", "head"])
    assert r.exit_code == 0, r.output
    after = counts(seeds_copy)
    # quote_vectors is the newest revision's own table: it is dropped on the way down and recomputed on ingest
    assert {k: v for k, v in after.items() if k != "quote_vectors"} == {k: v for k, v in before.items() if k != "quote_vectors"}


def test_fts_survives_downgrade_to_0002_and_back(seeds_copy):
    runner = CliRunner()
    runner.invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "0002"])
    runner.invoke(cli, ["--db", str(seeds_copy), "db", "upgrade"])
    con = sqlite3.connect(seeds_copy)
    n = con.execute("select count(*) from quotes_fts where quotes_fts match 'Geneva'").fetchone()[0]
    assert n >= 2
    triggers = {r[0] for r in con.execute("select name from sqlite_master where type = 'trigger'")}
    assert {"quotes_fts_ai", "quotes_fts_ad", "quotes_fts_au"} <= triggers


def test_integrity_and_foreign_keys(seeds_db):
    con = sqlite3.connect(seeds_db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("pragma foreign_key_check").fetchall() == []
    con.execute("insert into quotes_fts(quotes_fts) values('integrity-check')")


def test_datasette_detects_fts_for_quotes(seeds_db):
    # the query Datasette runs to find a table's FTS table
    con = sqlite3.connect(seeds_db)
    sql = """select name from sqlite_master where rootpage = 0 and (
               sql like '%VIRTUAL TABLE%USING FTS%content="quotes"%' or sql like '%VIRTUAL TABLE%USING FTS%content=[quotes]%'
               or (tbl_name = 'quotes' and sql like '%VIRTUAL TABLE%USING FTS%'))"""
    assert con.execute(sql).fetchall() == [("quotes_fts",)]


def test_every_view_answers(seeds_db):
    con = sqlite3.connect(seeds_db)
    views = [r[0] for r in con.execute("select name from sqlite_master where type = 'view'")]
    assert {"quote_view", "variant_comparison", "speaker_alias_articles"} <= set(views)
    for v in views:
        assert con.execute(f"select count(*) from {v}").fetchone()[0] > 0, v


def test_db_commands(runner, temp_db):
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    r = runner.invoke(cli, ["db", "current"])
    assert r.stdout.strip() == "0003"
    r = runner.invoke(cli, ["db", "history"])
    assert [l.split()[0] for l in r.stdout.splitlines()] == ["0001", "0002", "0003"]
