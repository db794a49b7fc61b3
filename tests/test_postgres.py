"""The same code and migrations on a real PostgreSQL server, started on loopback by this test.

Skipped, with the reason, where no server can be started (no initdb/pg_ctl, or no unprivileged
user to run it as root)."""
import json
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes.cli import cli

pytestmark = pytest.mark.postgres
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd, user):
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory):
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[postgres]')")
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
            user = "postgres"
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
    import tempfile

    # outside pytest's root-only temporary tree, so the server's own user can reach it
    base = Path(tempfile.mkdtemp(prefix="quotes-pg-"))
    data = base / "data"
    data.mkdir()
    if user:
        shutil.chown(base, user)
        shutil.chown(data, user)
    port = _free_port()
    r = subprocess.run(_as_user([initdb, "-D", str(data), "-U", "quotes", "--auth=trust", "-E", "UTF8"], user),
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"initdb failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    log = data / "server.log"
    r = subprocess.run(_as_user([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-o",
                                 f"-h 127.0.0.1 -p {port} -k {data}", "start"], user), capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"PostgreSQL did not start: {r.stderr.strip()[-200:]}")
    try:
        yield f"postgresql://quotes@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", str(data), "-m", "fast", "stop"], user), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_ingest_search_export_and_migrations_on_postgresql(pg_url):
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", pg_url, "ingest", "--silent", str(SEEDS / "004_6082e137c817fc36.txt"),
                            str(SEEDS / "000_4104acffb22e89e7.txt"), str(SEEDS / "001_f39154436813124e.txt")],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    # grouping on PostgreSQL: candidates from the vector index (kept under QUOTES_INDEX_DIR) and the
    # full-text GIN index; the Telegram statement groups across the two articles that carry it
    groups = json.loads(runner.invoke(cli, ["--db", pg_url, "variants", "--format", "json"]).stdout)
    telegram = [g for g in groups if "soldiers have" in g["canonical_text"].lower() or "soldiers" in g["canonical_text"].lower()]
    assert any(g["n_articles"] >= 2 for g in telegram), groups
    assert list((Path(os.environ["QUOTES_INDEX_DIR"])).glob("postgresql-*.vectors"))
    hits = json.loads(runner.invoke(cli, ["--db", pg_url, "who-said", "--format", "json", "Geneva"]).stdout)
    assert hits and all("geneva" in h["text"].lower() for h in hits)
    assert "000_4104acffb22e89e7.txt" in {h["article"] for h in hits} and "004_6082e137c817fc36.txt" not in {h["article"] for h in hits}
    rows = json.loads(runner.invoke(cli, ["--db", pg_url, "export", "--format", "json"]).stdout)
    assert len(rows) > 5
    assert runner.invoke(cli, ["--db", pg_url, "db", "current"]).stdout.strip() == "0006"
    r = runner.invoke(cli, ["--db", pg_url, "db", "downgrade", "-1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["--db", pg_url, "db", "upgrade"])
    assert r.exit_code == 0, r.output
    again = json.loads(runner.invoke(cli, ["--db", pg_url, "export", "--format", "json"]).stdout)
    assert len(again) == len(rows)
    r = runner.invoke(cli, ["--db", pg_url, "variants", "--format", "json"])
    assert r.exit_code == 0, r.output
