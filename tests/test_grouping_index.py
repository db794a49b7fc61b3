"""Variant grouping by index (issue 12): the vector index beside the database stays true to the
table, the term counts match the quotes, grouping by candidates equals grouping against every
stored quote, and an upgraded database groups new quotes with its old ones."""
import re
import shutil
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import SEEDS
from sqlalchemy import text

from quotes.cli import cli
from quotes.db import Database
from quotes.grouping import neighbours


def partition(db_path) -> set[frozenset]:
    groups: dict = {}
    for gid, qid in sqlite3.connect(db_path).execute("select variant_id, id from quotes where variant_id is not null"):
        groups.setdefault(gid, set()).add(qid)
    return {frozenset(g) for g in groups.values()}


def regroup(db_path, **kwargs) -> set[frozenset]:
    """Group every article again, in id order, as ingest did."""
    from quotes.grouping import groups

    db = Database(f"sqlite:///{db_path}")
    with db.session() as s:
        s.execute(text("UPDATE quotes SET variant_id = NULL"))
        s.execute(text("DELETE FROM variant_groups"))
        s.execute(text("UPDATE articles SET grouped_at = NULL"))
    with db.read() as s:
        articles = s.execute(text("SELECT id FROM articles ORDER BY id")).scalars().all()
    for article_id in articles:
        with db.session() as s:
            groups.group_article(s, article_id, **kwargs)
    db.close()
    return partition(db_path)


def test_grouping_by_candidates_equals_grouping_against_everything(seeds_copy, monkeypatch):
    from quotes.grouping import groups, terms

    by_index = regroup(seeds_copy)
    assert len(by_index) >= 5 and any(len(g) >= 3 for g in by_index)
    assert regroup(seeds_copy) == by_index  # deterministic
    monkeypatch.setattr(groups, "NEIGHBOURS", 100_000)
    monkeypatch.setattr(terms, "LEXICAL_CANDIDATES", 100_000)
    assert regroup(seeds_copy, exact=True) == by_index


def test_term_counts_match_the_quotes(seeds_db):
    con = sqlite3.connect(seeds_db)
    counts = dict(con.execute("select term, quotes from term_stats"))
    texts = [t for (t,) in con.execute("select text from quotes")]
    assert counts["*"] == len(texts) > 20
    for word in ("soldiers", "geneva", "korean"):
        held = sum(word in re.findall(r"\w+", t.lower()) for t in texts)
        assert held and counts[f"w:{word}"] == held, word


def test_index_file_is_written_beside_the_database_and_reused(seeds_db):
    path = seeds_db.with_name(seeds_db.name + ".vectors")
    assert path.exists()
    n = sqlite3.connect(seeds_db).execute("select count(*) from quote_vectors").fetchone()[0]
    index = neighbours.VectorIndex(path)  # loads the file
    assert len(index) == n and not index.dirty


def _vectors(n, seed):
    v = np.random.default_rng(seed).normal(size=(n, neighbours.DIMENSIONS)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _fill(db, vectors):
    with db.session() as s:
        s.execute(text("INSERT INTO articles (id, key, source, text) VALUES (1, 'k', 'a.txt', 'x')"))
        s.execute(text("INSERT INTO quotes (id, article_id, type, text, start, \"end\", confidence) "
                       "VALUES (:i, 1, 'direct', 'q', 0, 1, 1.0)"), [{"i": i + 1} for i in range(len(vectors))])
        s.execute(text("INSERT INTO quote_vectors (quote_id, model, vector) VALUES (:i, 'm', :v)"),
                  [{"i": i + 1, "v": v.tobytes()} for i, v in enumerate(vectors)])


def _nearest(db, vector) -> int:
    with db.engine.connect() as conn:
        return int(neighbours.index_for(conn).search(vector[None, :], 1)[0][0])


def test_index_follows_a_replaced_database_deleted_quotes_and_a_damaged_file(tmp_path):
    path = tmp_path / "v.db"
    first = _vectors(50, 0)
    db = Database(f"sqlite:///{path}")
    _fill(db, first)
    assert _nearest(db, first[7]) == 8
    neighbours.save_all()
    db.close()
    assert path.with_name("v.db.vectors").exists()

    # the database is deleted and built again with other quotes under the same ids
    path.unlink()
    second = _vectors(50, 1)
    db = Database(f"sqlite:///{path}")
    _fill(db, second)
    assert _nearest(db, second[7]) == 8 and _nearest(db, second[30]) == 31
    neighbours.save_all()
    db.close()

    # quotes deleted while no index was open: their keys leave the index
    with sqlite3.connect(path) as con:
        con.execute("pragma foreign_keys = on")
        con.execute("delete from quotes where id > 25")
    db = Database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        index = neighbours.index_for(conn)
        assert len(index) == 25
        assert _nearest(db, second[30]) <= 25
    db.close()

    # a damaged file is rebuilt from the table
    path.with_name("v.db.vectors").write_bytes(b"not an index")
    db = Database(f"sqlite:///{path}")
    assert _nearest(db, second[12]) == 13
    db.close()


@pytest.mark.parametrize("revision", ["0001", "0002", "0003", "0004"])
def test_upgraded_database_groups_new_quotes_with_old_ones(seeds_copy, tmp_path, revision):
    """Take the seeds database down to an earlier revision (below 0003 its vectors are gone), back
    up to head, then ingest an article again: its Telegram statement joins the stored versions."""
    article = SEEDS / "000_4104acffb22e89e7.txt"
    with sqlite3.connect(seeds_copy) as con:
        con.execute("pragma foreign_keys = on")
        con.execute("delete from articles where source like ?", (f"%{article.name}",))
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "--yes", revision])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["--db", str(seeds_copy), "db", "upgrade"])
    assert r.exit_code == 0, r.output
    con = sqlite3.connect(seeds_copy)
    assert con.execute("select count(*) from quotes q left join quote_vectors v on v.quote_id = q.id "
                       "where v.quote_id is null").fetchone()[0] == 0
    single = tmp_path / "in"
    single.mkdir()
    shutil.copy(article, single / article.name)
    r = runner.invoke(cli, ["--db", str(seeds_copy), "ingest", "--silent", str(single)])
    assert r.exit_code == 0, r.output
    rows = con.execute("select a.source, q.variant_id from quotes q join articles a on a.id = q.article_id "
                       "where q.variant_id in (select variant_id from quotes where text like 'Our soldiers have%')").fetchall()
    assert any(article.name in src for src, _ in rows), rows
    assert len({src for src, _ in rows}) >= 3, rows


def test_upgrade_to_0005_counts_terms_as_ingest_does(seeds_copy):
    before = dict(sqlite3.connect(seeds_copy).execute("select term, quotes from term_stats"))
    assert before["*"] > 20 and len(before) > 200
    for step in (["db", "downgrade", "0004"], ["db", "upgrade"]):
        r = CliRunner().invoke(cli, ["--db", str(seeds_copy), *step])
        assert r.exit_code == 0, r.output
    assert dict(sqlite3.connect(seeds_copy).execute("select term, quotes from term_stats")) == before


def test_an_index_that_cannot_be_saved_fails_nothing_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Issue 31, item 15: no room to save the vector-index cache failed the whole run, hid its
    per-article report and left a .tmp file. The index is a cache of the table: the run goes on, says
    why in one line, leaves nothing half-written, and the next open rebuilds it from the table."""
    db = Database(str(tmp_path / "q.db"))
    vectors = _vectors(50, 3)
    _fill(db, vectors)
    with db.engine.connect() as conn:
        index = neighbours.index_for(conn)
    assert index.dirty

    def no_room(path):
        with open(path, "wb") as f:
            f.write(b"half an index")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index.index, "save", no_room)
    (why,) = neighbours.save_all()
    assert "could not be saved" in why and "No space left on device" in why and "\n" not in why
    assert not list(tmp_path.glob("*.tmp")) and not (tmp_path / "q.db.vectors").exists()
    monkeypatch.undo()
    assert _nearest(db, vectors[7]) == 8  # still searchable; rebuilt from the table when next opened
    db.close()
