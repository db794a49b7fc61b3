"""Migrations: every revision walks up and down (pytest-alembic); a downgrade keeps every row of the
tables that remain, and a round trip every row of every table of the schema, but for the tables a
migration declares derived (``DERIVED_TABLES``: rebuilt by the package, not by a migration); the
migrations stand alone (frozen copies of the functions they need, checked here against values
written by hand, and no import of the package); FTS triggers survive; the schema matches the ORM
models."""
import ast
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from pytest_alembic.tests import (  # noqa: F401  (collected as tests)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine, inspect

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


# -- helpers --------------------------------------------------------------------------------------
def quotes_db(db, *args, input=None):
    """Run `quotes --db DB ARGS...`; it must succeed."""
    r = CliRunner().invoke(cli, ["--db", str(db), *args], input=input)
    assert r.exit_code == 0, r.output
    return r


def scripts() -> list:
    """The revisions of the installed migrations folder, oldest first."""
    from alembic.script import ScriptDirectory

    return list(reversed(list(ScriptDirectory(str(migrations_dir())).walk_revisions())))


REVISIONS = [s.revision for s in scripts()]


def derived_tables(above: str | None = None) -> dict[str, str]:
    """Table -> revision, for the tables the revisions above ``above`` (all of them when None)
    declare derived: their rows a downgrade drops and the package, not a migration, rebuilds."""
    start = 0 if above is None else REVISIONS.index(above) + 1
    return {t: s.revision for s in scripts()[start:] for t in getattr(s.module, "DERIVED_TABLES", ())}


def table_rows(db) -> dict[str, int]:
    """Rows of every table of the database, the tables as the database itself lists them (SQLAlchemy
    inspection), not a hand-kept list: a table a migration adds is counted without touching this
    file. Alembic's bookkeeping and the FTS5 index (``quotes_fts`` and its shadow tables) are left
    out; the index is checked by its integrity-check."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        names = [t for t in inspect(engine).get_table_names() if t != "alembic_version" and not t.startswith("quotes_fts")]
        with engine.connect() as conn:
            return {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in names}
    finally:
        engine.dispose()


def table_contents(db, tables) -> dict[str, list]:
    con = sqlite3.connect(db)
    try:
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def fts_intact(db) -> None:
    con = sqlite3.connect(db)
    con.execute("insert into quotes_fts(quotes_fts) values('integrity-check')")  # raises if damaged
    con.close()


# -- round trips: every table of the schema ----------------------------------------------------------
def test_the_counted_tables_are_the_schema(seeds_db):
    """``table_rows`` counts exactly the tables of the ORM models: the round trips below cover the
    whole schema."""
    from quotes.models_db import Base

    assert set(table_rows(seeds_db)) == {t.name for t in Base.metadata.sorted_tables}


@pytest.mark.parametrize("target", REVISIONS[-2::-1])
def test_downgrade_and_upgrade_keep_every_row(seeds_copy, target):
    """Down to each older revision and back to head. At the older revision every table that remains
    keeps every row. Back at head every table of the schema has its rows again: those the upgrade
    recomputes (speaker keys, term counts) the very same rows; a table whose rows do not come back
    must be declared derived by the revision that drops it (and is rebuilt by the package:
    test_upgrade_embeds_the_quotes_without_a_vector, test_upgrade_recomputes_related_quotes)."""
    before = table_rows(seeds_copy)
    assert before["quotes"] > 20 and before["related_quotes"] > 0 and before["quote_vectors"] > 20
    contents = table_contents(seeds_copy, before)
    quotes_db(seeds_copy, "db", "downgrade", target)
    during = table_rows(seeds_copy)
    assert during == {t: before[t] for t in during}, "a downgrade lost rows of a table it keeps"
    dropped = set(before) - set(during)
    derived = derived_tables(above=target)
    assert set(derived) <= dropped
    quotes_db(seeds_copy, "db", "upgrade", "head")
    after = table_rows(seeds_copy)
    assert set(after) == set(before)
    lost = {t: (before[t], after[t]) for t in before if after[t] != before[t] and t not in derived}
    assert not lost, f"rows lost in a round trip through {target}, in tables no migration declares derived: {lost}"
    restored = sorted(dropped - set(derived))
    assert table_contents(seeds_copy, restored) == {t: contents[t] for t in restored}
    fts_intact(seeds_copy)


@pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)
def test_every_derived_table_has_a_rebuild_test():
    """A table declared derived is one the package must rebuild: each has its test below."""
    assert derived_tables() == {"quote_vectors": "0003", "related_quotes": "0008"}


def vectors_of(db) -> dict[int, tuple[str, bytes]]:
    return {q: (m, v) for q, m, v in sqlite3.connect(db).execute("select quote_id, model, vector from quote_vectors")}


def _upgrade_by_cli(db):
    quotes_db(db, "db", "upgrade")


def _upgrade_by_ingest(db):
    seed = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))[0]
    quotes_db(db, "ingest", "--silent", str(seed))  # stored already: the run migrates, embeds, stores nothing


@pytest.mark.parametrize("upgrade", [_upgrade_by_cli, _upgrade_by_ingest], ids=["db-upgrade", "ingest"])
def test_upgrade_embeds_the_quotes_without_a_vector(seeds_copy, upgrade):
    """Quotes stored before revision 0003 have no vector (a downgrade to 0002 drops them all), and
    grouping finds candidates by vector: after an upgrade, by `quotes db upgrade` or by opening the
    database to write, every quote has a vector of the package's current model (the one ingest
    wrote), the same vector ingest computed."""
    before = vectors_of(seeds_copy)
    models = {m for m, _ in before.values()}
    assert len(models) == 1 and len(before) == table_rows(seeds_copy)["quotes"]
    quotes_db(seeds_copy, "db", "downgrade", "0002")
    upgrade(seeds_copy)
    after = vectors_of(seeds_copy)
    assert set(after) == set(before)
    for qid, (model, vector) in after.items():
        assert model in models
        a, b = np.frombuffer(vector, dtype=np.float32), np.frombuffer(before[qid][1], dtype=np.float32)
        assert a.shape == b.shape and float(a @ b) / float(np.linalg.norm(a) * np.linalg.norm(b)) > 0.99, qid


def related_of(db) -> dict[tuple[int, int], float]:
    return {(q, o): s for q, o, s in sqlite3.connect(db).execute("select quote_id, other_id, strength from related_quotes")}


def _upgrade_by_reextract(db):
    quotes_db(db, "reextract", "--behind", "--silent")


@pytest.mark.parametrize("upgrade", [_upgrade_by_cli, _upgrade_by_ingest, _upgrade_by_reextract],
                         ids=["db-upgrade", "ingest", "reextract-behind"])
def test_upgrade_recomputes_related_quotes(seeds_copy, upgrade):
    """`quotes db downgrade 0007` drops related_quotes (declared derived by 0008): after `quotes db
    upgrade`, or an ingest that migrates, the package has recomputed the related statements of the
    stored quotes by regrouping them, the same pairs ingest recorded (one run stored the seeds: a
    regroup gives what it gave)."""
    before = related_of(seeds_copy)
    assert before
    quotes_db(seeds_copy, "db", "downgrade", "0007")
    assert not sqlite3.connect(seeds_copy).execute(
        "select count(*) from sqlite_master where name = 'related_quotes'").fetchone()[0]
    upgrade(seeds_copy)
    after = related_of(seeds_copy)
    assert set(after) == set(before)
    assert all(abs(after[k] - before[k]) <= 0.05 for k in before)


# -- the migrations stand alone: frozen copies, checked against values written here ----------------
@pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)
def test_migrations_import_nothing_from_the_package():
    """A migration carries the functions it needs, as they were when it was written: importing them
    from the package would let a later change of the package change an old upgrade (and pull the
    sentence encoder into a schema change)."""
    for path in sorted((migrations_dir() / "versions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not [n for n in names if n == "quotes" or n.startswith("quotes.")], f"{path.name} imports {names}"


def at_revision(tmp_path, revision: str):
    db = tmp_path / f"at-{revision}.db"
    quotes_db(db, "db", "upgrade", revision)
    return db


@pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)
def test_upgrade_to_0004_keys_the_stored_speakers(tmp_path):
    """0004 computes the keys of the speakers stored before it: ``a:`` every form (case, accents,
    possessive and a leading "the" dropped), ``p:`` a person's transliteration-folded surname
    ("X Says Y" is X's), ``oh:``/``oc:`` an organisation's head word and core words (country words
    and acronyms left out), nothing for an unnamed source. Keys worked out by hand."""
    db = at_revision(tmp_path, "0003")
    con = sqlite3.connect(db)
    con.executemany("insert into speakers (id, name, kind) values (?, ?, ?)", [
        (1, "Volodymyr Zelenskyy", "person"),
        (2, "Francois Hollande Says Donald Trump", "person"),
        (3, "Andriy Sybiha", "person"),
        (4, "José Ángel Gurría", "person"),
        (5, "Peskov", "person"),
        (6, "Mikhail Khodorkovsky", "person"),
        (7, "Vitali Klitschko", "person"),
        (8, "Lech Wałęsa", "person"),
        (9, "the Security Service of Ukraine", "organisation"),
        (10, "South Korea's National Intelligence Service", "organisation"),
        (11, "Russia", "group"),
        (12, "a senior official", "anonymous"),
    ])
    con.executemany("insert into speaker_aliases (speaker_id, alias, count) values (?, ?, 1)", [
        (1, "Zelensky"), (1, "Ukrainian President Volodymyr Zelensky"),
        (3, "Sybiga"),
        (9, "SBU"), (9, "Ukraine’s security service"),
        (12, "a senior official"),
    ])
    con.commit()
    con.close()
    quotes_db(db, "db", "upgrade", "0004")
    expected = {
        (1, "a:volodymyr zelenskyy"), (1, "a:zelensky"), (1, "a:ukrainian president volodymyr zelensky"),
        (1, "p:zelenski"),  # zelenskyy: yy folds to y, then a final y to i
        (2, "a:francois hollande says donald trump"),
        (2, "p:gollande"),  # Hollande (who says), not Trump; h folds to g
        (3, "a:andriy sybiha"), (3, "a:sybiga"), (3, "p:sybiga"),
        (4, "a:jose angel gurria"), (4, "p:gurria"),  # accents dropped
        (5, "a:peskov"), (5, "p:peskov"),  # a single name is a surname
        (6, "a:mikhail khodorkovsky"), (6, "p:godorkovski"),  # kh -> h -> g, final y -> i
        (7, "a:vitali klitschko"), (7, "p:kliccgko"),  # h -> g, then ts -> c
        (8, "a:lech wałesa"),  # ę loses its accent; ł has none to lose, and stays in the form
        (8, "p:vaesa"),  # but a surname keeps only a-z and digits; w -> v
        (9, "a:security service of ukraine"), (9, "a:sbu"), (9, "a:ukraine security service"),
        (9, "oh:ukraine"), (9, "oh:service"), (9, "oc:security service"),  # SBU: an acronym, no org keys
        (10, "a:south korea national intelligence service"), (10, "oh:service"),
        (10, "oc:intelligence service"),  # the country ("south korea") and "national" are no core words
        (11, "a:russia"), (11, "oh:russia"),  # a country word is no core word
    }
    assert set(sqlite3.connect(db).execute("select speaker_id, key from speaker_keys")) == expected


@pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)
def test_upgrade_to_0005_counts_the_terms_of_stored_quotes(tmp_path):
    """0005 counts, over the quotes stored before it, how many hold each word (``w:``, as FTS5
    splits words: "it’s" is "it" and "s") and each anchor (``a:``, a capitalised word of three
    letters or more that does not open a sentence), and ``*`` every quote; it embeds nothing.
    Counts worked out by hand."""
    db = at_revision(tmp_path, "0004")
    con = sqlite3.connect(db)
    con.execute("insert into articles (id, key, source, text) values (1, 'k1', 'a.txt', '...')")
    texts = ["We will not give up Geneva.",
             "Geneva talks failed. Kyiv said it’s over.",
             "President Zelensky met Zelensky’s team in Geneva.",
             "Not so, Ed Miliband told the BBC in 2024."]
    con.executemany("insert into quotes (article_id, type, text, start, \"end\", confidence) values (1, 'direct', ?, 0, 1, 1.0)",
                    [(t,) for t in texts])
    con.commit()
    con.close()
    quotes_db(db, "db", "upgrade", "0005")
    expected = {
        "*": 4,
        "w:geneva": 3, "w:s": 2, "w:not": 2, "w:in": 2,
        "w:we": 1, "w:will": 1, "w:give": 1, "w:up": 1,
        "w:talks": 1, "w:failed": 1, "w:kyiv": 1, "w:said": 1, "w:it": 1, "w:over": 1,
        "w:president": 1, "w:zelensky": 1, "w:met": 1, "w:team": 1,
        "w:so": 1, "w:ed": 1, "w:miliband": 1, "w:told": 1, "w:the": 1, "w:bbc": 1, "w:2024": 1,
        # no anchors: "Geneva", "President" and "Not" opening a quote, "Kyiv" a sentence; "We" and
        # "Ed" are too short, "BBC" is not a capitalised word
        "a:geneva": 2, "a:zelensky": 1, "a:miliband": 1,
    }
    con = sqlite3.connect(db)
    assert dict(con.execute("select term, quotes from term_stats")) == expected
    assert con.execute("select count(*) from quote_vectors").fetchone()[0] == 0


# -- search, views and the commands --------------------------------------------------------------------
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
    assert r.stdout.strip() == "0010"
    r = runner.invoke(cli, ["db", "history"])
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010"]


def test_downgrade_to_base_asks_first(seeds_copy):
    before = table_rows(seeds_copy)
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "base"], input="n\n")
    assert r.exit_code == 1 and "drops every table" in r.output
    assert table_rows(seeds_copy) == before
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "-10"], input="\n")  # also base
    assert r.exit_code == 1 and table_rows(seeds_copy) == before
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "bogus"])
    assert r.exit_code == 1 and "no schema revision 'bogus'" in r.output and table_rows(seeds_copy) == before
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "--yes", "base"])
    assert r.exit_code == 0, r.output
    tables = {t for (t,) in sqlite3.connect(seeds_copy).execute("select name from sqlite_master where type = 'table'")}
    assert tables <= {"alembic_version", "sqlite_sequence"}  # SQLite's own, which it never drops
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "who-said", "Geneva"])  # a read command does not recreate it
    assert r.exit_code == 1 and "run `quotes db upgrade`" in r.output


def test_db_upgrade_leaves_another_programs_database_alone(tmp_path):
    """Issue 31, item 9: `db upgrade` added the quotes schema to any SQLite file (and ingest then
    took it); now it refuses in one line and the file keeps only its own tables."""
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("create table stuff (x)")
    con.commit()
    con.close()
    r = CliRunner().invoke(cli, ["--db", str(other), "db", "upgrade"])
    assert r.exit_code == 1 and "did not create" in r.output
    assert [n for (n,) in sqlite3.connect(other).execute("select name from sqlite_master")] == ["stuff"]


@pytest.mark.parametrize("command", [["who-said", "Geneva"], ["db", "upgrade"], ["speakers"]])
def test_a_database_from_a_newer_quotes_says_so(seeds_copy, command):
    """A revision this code does not know is a newer quotes' schema: the advice is to upgrade quotes,
    not the database (`db upgrade` would fail)."""
    con = sqlite3.connect(seeds_copy)
    con.execute("update alembic_version set version_num = '0099'")
    con.commit()
    con.close()
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), *command])
    assert r.exit_code == 1 and "a newer quotes made it" in r.output and "db upgrade" not in r.output


def test_upgrade_to_0010_reads_the_wire_credits_of_stored_articles(seeds_copy):
    """Revision 0010 reads each stored article's agency credit with its own frozen patterns, and counts
    the original reports of every group."""
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "0009"]).exit_code == 0
    con = sqlite3.connect(seeds_copy)
    con.execute("UPDATE articles SET text = 'KYIV (Reuters) - ' || text WHERE id IN (1, 2)")
    con.commit()
    assert runner.invoke(cli, ["--db", str(seeds_copy), "db", "upgrade"]).exit_code == 0
    assert [w for (w,) in con.execute("SELECT wire FROM articles ORDER BY id")] == ["Reuters", "Reuters", None, None, None]
    both = con.execute("""SELECT g.n_articles, g.n_reports FROM variant_groups g WHERE EXISTS
                          (SELECT 1 FROM quotes q WHERE q.variant_id = g.id AND q.article_id = 1) AND EXISTS
                          (SELECT 1 FROM quotes q WHERE q.variant_id = g.id AND q.article_id = 2)""").fetchall()
    assert both and all(n_reports == n_articles - 1 for n_articles, n_reports in both)
