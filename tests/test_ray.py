"""Ingest on Ray (``--ray``, the ray extra): on a local Ray of 2 CPUs on loopback, the seeds give the
same quotes, speakers and variant groups as a plain ingest; stored articles are never parsed again;
unreadable inputs are named and the others stored."""
from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from quotes.cli import cli  # noqa: E402
from quotes.db import Database  # noqa: E402
from quotes.ingest import ingest_paths  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")  # Ray's own, on copying its context


@pytest.fixture(scope="module")
def local_ray():
    """One Ray for the module: 2 CPUs, servers on loopback, no dashboard."""
    from quotes.distributed import start_local

    start_local(2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def ray_db(local_ray, tmp_path_factory):
    """The seeds ingested through Ray into a new database."""
    path = tmp_path_factory.mktemp("ray") / "ray.db"
    db = Database(str(path))
    report = ingest_paths(db, [str(SEEDS)], ray_address="local")  # this process is on the local Ray already
    db.close()
    return path, report


def snapshot(path: Path) -> dict:
    """What a user sees of a database: quotes, speakers and variant groups, independent of row ids."""
    con = sqlite3.connect(path)
    try:
        quotes = sorted(con.execute(
            "SELECT a.source, q.text, q.type, s.name FROM quotes q JOIN articles a ON a.id = q.article_id "
            "LEFT JOIN speakers s ON s.id = q.speaker_id").fetchall(), key=repr)
        speakers = sorted(con.execute("SELECT name, kind FROM speakers").fetchall())
        groups: dict = {}
        for variant, text in con.execute("SELECT variant_id, text FROM quotes WHERE variant_id IS NOT NULL"):
            groups.setdefault(variant, set()).add(text)
    finally:
        con.close()
    return {"quotes": quotes, "speakers": speakers, "groups": {frozenset(g) for g in groups.values()}}


def test_ray_ingest_equals_a_plain_ingest_of_the_seeds(ray_db, seeds_db):
    path, report = ray_db
    assert (report.new, report.skipped, report.failed) == (5, 0, [])
    assert report.seconds["parse"] > 0 and report.seconds["read"] > 0 and report.seconds["variants"] > 0
    on_ray, plain = snapshot(path), snapshot(seeds_db)
    assert len(plain["quotes"]) > 50 and len(plain["speakers"]) > 10
    assert any(len(g) > 1 for g in plain["groups"])  # the seeds do share statements
    assert on_ray["quotes"] == plain["quotes"]
    assert on_ray["speakers"] == plain["speakers"]
    assert on_ray["groups"] == plain["groups"]
    assert report.quotes == len(plain["quotes"])


def test_a_second_ray_ingest_skips_every_stored_article_without_parsing_it(ray_db, tmp_path):
    path, _ = ray_db
    copy = tmp_path / "again.db"
    shutil.copy(path, copy)
    db = Database(str(copy))
    report = ingest_paths(db, [str(SEEDS)], ray_address="local")
    db.close()
    assert (report.new, report.skipped, report.quotes, report.failed) == (0, 5, 0, [])
    assert "parse" not in report.seconds and "clean" not in report.seconds
    assert snapshot(copy) == snapshot(path)


def test_the_cli_flag_runs_on_ray(ray_db, tmp_path, runner):
    path, _ = ray_db
    copy = tmp_path / "cli.db"
    shutil.copy(path, copy)
    result = runner.invoke(cli, ["--db", str(copy), "ingest", str(SEEDS), "--ray"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "articles: 0 new, 5 already stored" in result.stderr


def test_unreadable_inputs_fail_alone_and_copies_in_one_run_are_stored_once(local_ray, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    shutil.copy(first, folder / "a.txt")
    shutil.copy(second, folder / "b.txt")
    (folder / "c-empty.txt").write_bytes(b"")
    (folder / "d-binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "e-copy.txt").write_text(first.read_text(encoding="utf-8").replace("\n\n", "\n\n\n"), encoding="utf-8")
    db = Database(str(tmp_path / "mixed.db"))
    report = ingest_paths(db, [str(folder)], ray_address="local", workers=2)
    db.close()
    assert (report.new, report.skipped) == (2, 1)
    assert sorted(report.failed) == [(str(folder / "c-empty.txt"), "empty file"),
                                     (str(folder / "d-binary.txt"), "binary data, not text")]
    stored = sqlite3.connect(tmp_path / "mixed.db").execute("SELECT source FROM articles ORDER BY id").fetchall()
    assert stored == [("a.txt",), ("b.txt",)]


def test_without_the_ray_extra_the_flag_says_how_to_get_it(runner, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed: `import ray` raises ImportError
    result = runner.invoke(cli, ["--db", str(tmp_path / "x.db"), "ingest", "--ray-address", "local", str(SEEDS)])
    assert result.exit_code != 0
    assert result.stderr.strip() == "Error: --ray needs the ray extra: pip install 'quotes[ray]'"
    assert not (tmp_path / "x.db").exists()
    result = runner.invoke(cli, ["--db", str(tmp_path / "x.db"), "ingest", "--ray", str(SEEDS)])  # a flag: before the paths too
    assert result.exit_code != 0 and "needs the ray extra" in result.stderr
