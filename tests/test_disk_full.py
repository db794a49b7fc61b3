"""A full disk during a migration (issue 31, item 2), on a small tmpfs mounted for the test: the
database is left at a schema revision it really has, with nothing half made, and the same command
works once there is room. Skipped where this machine does not let the test mount a tmpfs."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs at tmp_path/disk; ``resize(kib)`` changes its size."""
    where = tmp_path / "disk"
    where.mkdir()

    def mount(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(where)],
                              capture_output=True, text=True)

    if shutil.which("mount") is None or mount("size=64k").returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root, or a container that allows mounts)")

    def resize(kib: int) -> None:
        r = mount("remount", f"size={kib}k")
        assert r.returncode == 0, r.stderr

    yield where, resize
    subprocess.run(["umount", "--lazy", str(where)], capture_output=True)  # lazy: a file still open must not keep it


def quotes(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quotes.cli", *args], capture_output=True, text=True, timeout=600)


def state(db: Path) -> tuple:
    con = sqlite3.connect(db)
    try:
        leftovers = con.execute("select name from sqlite_master where name like '\\_alembic%' escape '\\'").fetchall()
        has_version = con.execute("select 1 from sqlite_master where name = 'alembic_version'").fetchone()
        revision = con.execute("select version_num from alembic_version").fetchone() if has_version else None
        return leftovers, revision
    finally:
        con.close()


def count_quotes(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from quotes").fetchone()[0]
    finally:
        con.close()


def test_an_upgrade_cut_short_by_a_full_disk_leaves_nothing_behind(seeds_copy, small_disk):
    where, resize = small_disk
    assert quotes("--db", str(seeds_copy), "db", "downgrade", "0006").returncode == 0
    n_quotes = sqlite3.connect(seeds_copy).execute("select count(*) from quotes").fetchone()[0]
    size_kib = seeds_copy.stat().st_size // 1024
    failed = 0
    for extra in (100, 200, 300, 400, 500):  # room to begin the upgrade, not always to end it
        resize(size_kib + extra)
        db = where / "q.db"
        for f in where.iterdir():
            f.unlink()
        try:
            shutil.copy(seeds_copy, db)
        except OSError:
            continue  # not even room for the database itself
        r = quotes("--db", str(db), "db", "upgrade")
        leftovers, revision = state(db)
        assert not leftovers, (extra, leftovers)
        assert revision[0] in ("0006", "0007", "0008", "0009", "0010")
        if r.returncode:
            failed += 1
            assert "disk holding" in r.stderr and "is full" in r.stderr and len(r.stderr.strip().splitlines()) == 1
            resize(size_kib * 4 + 1024)
            r = quotes("--db", str(db), "db", "upgrade")
            assert r.returncode == 0, r.stderr
        assert state(db)[1] == ("0010",)
        assert count_quotes(db) == n_quotes
    assert failed, "no size was small enough to interrupt the upgrade: the test did not test it"


def test_a_new_database_on_a_full_disk_is_not_taken_for_another_programs(small_disk):
    where, resize = small_disk
    db = where / "new.db"
    seed = sorted(SEEDS.glob("*.txt"))[0]
    r = quotes("--db", str(db), "ingest", "--silent", "--workers", "1", str(seed))
    assert r.returncode == 1 and "is full" in r.stderr
    if db.exists():
        assert not state(db)[0]
    resize(16 * 1024)
    r = quotes("--db", str(db), "ingest", "--silent", "--workers", "1", str(seed))
    assert r.returncode == 0, r.stderr
    assert count_quotes(db) > 0


def test_a_database_on_read_only_media_can_be_read(seeds_copy, small_disk):
    """Issue 31, item 8: a WAL-mode database copied to read-only media (a DVD, a read-only mount)
    could not be read at all (SQLite must create its -shm file); read commands now open it
    immutable, and a command that writes says it cannot, in one line."""
    where, resize = small_disk
    resize(4096)
    db = where / "q.db"
    con = sqlite3.connect(seeds_copy)
    con.execute("pragma wal_checkpoint(truncate)")
    con.close()
    shutil.copy(seeds_copy, db)
    r = subprocess.run(["mount", "-o", "remount,ro", "tmpfs", str(where)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    found = quotes("--db", str(db), "who-said", "--json", "Geneva")
    assert found.returncode == 0 and "Geneva" in found.stdout, found.stderr
    assert quotes("--db", str(db), "variants", "--json").returncode == 0
    refused = quotes("--db", str(db), "ingest", "--silent", str(SEEDS))
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1
    assert "Read-only file system" in refused.stderr
