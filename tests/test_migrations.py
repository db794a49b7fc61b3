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


TABLES = ("articles", "speakers", "speaker_aliases", "quotes", "variant_groups", "quote_vectors", "speaker_keys")


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
    assert counts(seeds_copy) == before


def speaker_keys(db) -> set:
    return set(sqlite3.connect(db).execute("select speaker_id, key from speaker_keys"))


def test_upgrade_to_0004_computes_the_keys_of_stored_speakers(seeds_copy):
    """speaker_keys is the newest revision's table: an upgraded database gets the keys of the speakers it
    already holds (else new mentions would no longer find them), exactly those ingest maintains."""
    from quotes.speakers import keys_of

    before = speaker_keys(seeds_copy)
    con = sqlite3.connect(seeds_copy)
    aliases = {}
    for sid, alias in con.execute("select speaker_id, alias from speaker_aliases order by id"):
        aliases.setdefault(sid, []).append(alias)
    expected = {(sid, k) for sid, name, kind in con.execute("select id, name, kind from speakers")
                for k in keys_of(name, kind, aliases.get(sid, []))}
    con.close()
    assert len(before) > 40 and before == expected
    for step in (["db", "downgrade", "0003"], ["db", "upgrade", "head"]):
        r = CliRunner().invoke(cli, ["--db", str(seeds_copy), *step])
        assert r.exit_code == 0, r.output
    assert speaker_keys(seeds_copy) == before


def test_fts_survives_downgrade_to_0002_and_back(seeds_copy):
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "0002"])
    assert r.exit_code == 0, r.output
    assert "quote_vectors" not in {t for (t,) in sqlite3.connect(seeds_copy).execute("select name from sqlite_master")}
    r = runner.invoke(cli, ["--db", str(seeds_copy), "db", "upgrade"])
    assert r.exit_code == 0, r.output
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
    assert r.stdout.strip() == "0008"
    r = runner.invoke(cli, ["db", "history"])
    assert [l.split()[0] for l in r.stdout.splitlines()] == ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"]


def test_downgrade_to_base_asks_first(seeds_copy):
    before = counts(seeds_copy)
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "base"], input="n\n")
    assert r.exit_code == 1 and "drops every table" in r.output
    assert counts(seeds_copy) == before
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "-8"], input="\n")  # also base
    assert r.exit_code == 1 and counts(seeds_copy) == before
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "bogus"])
    assert r.exit_code == 1 and "no schema revision 'bogus'" in r.output and counts(seeds_copy) == before
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "--yes", "base"])
    assert r.exit_code == 0, r.output
    tables = {t for (t,) in sqlite3.connect(seeds_copy).execute("select name from sqlite_master where type = 'table'")}
    assert tables <= {"alembic_version", "sqlite_sequence"}  # SQLite's own, which it never drops
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "who-said", "Geneva"])  # a read command does not recreate it
    assert r.exit_code == 1 and "run `quotes db upgrade`" in r.output
