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
    assert runner.invoke(cli, ["--db", pg_url, "db", "current"]).stdout.strip() == "0010"
    r = runner.invoke(cli, ["--db", pg_url, "db", "downgrade", "-1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["--db", pg_url, "db", "upgrade"])
    assert r.exit_code == 0, r.output
    again = json.loads(runner.invoke(cli, ["--db", pg_url, "export", "--format", "json"]).stdout)
    assert len(again) == len(rows)
    r = runner.invoke(cli, ["--db", pg_url, "variants", "--format", "json"])
    assert r.exit_code == 0, r.output


def test_every_database_command_on_postgresql(pg_url):
    """Every command that reads or writes the database, on the server (after the ingest above)."""
    runner = CliRunner()

    def ok(*args):
        r = runner.invoke(cli, ["--db", pg_url, *args], catch_exceptions=False)
        assert r.exit_code == 0, (args, r.output)
        return r

    ok("ingest", "--silent", *(str(SEEDS / n) for n in ("004_6082e137c817fc36.txt", "000_4104acffb22e89e7.txt",
                                                          "001_f39154436813124e.txt")))  # stored already: skipped
    speakers = json.loads(ok("speakers", "--format", "json").stdout)
    assert any(s["name"] == "Volodymyr Zelenskyy" for s in speakers)
    shown = ok("speakers", "show", "Zelenskyy").stdout
    assert "alias: Zelenskyy" in shown and "000_4104acffb22e89e7.txt" in shown
    person = next(s for s in speakers if s["kind"] == "person" and s["name"] != "Volodymyr Zelenskyy")
    ok("speakers", "rename", str(person["id"]), person["name"] + " (renamed)")
    ok("speakers", "split", "Security Service of Ukraine", "The SBU", "--as", "SBU (as written)")
    ok("speakers", "merge", "SBU (as written)", "Security Service of Ukraine")
    groups = json.loads(ok("variants", "--format", "json").stdout)
    assert groups
    compared = json.loads(ok("compare", "--format", "json", str(groups[0]["variant_id"])).stdout)
    assert compared["occurrences"]
    before = json.loads(ok("export", "--format", "json").stdout)
    ok("db", "downgrade", "-5")  # drops the wire columns, articles.grouped_at, related_quotes, quote_successors and articles.extractor_version: every article is then behind
    ok("db", "upgrade")
    status = json.loads(ok("db", "status", "--format", "json").stdout)
    assert [(s["what"], s["current"]) for s in status] == [("parser", 3), ("extractor", 0)]
    assert "3 re-extracted, 0 changed" in ok("reextract", "--behind").output
    assert json.loads(ok("export", "--format", "json").stdout) == before
    status = json.loads(ok("db", "status", "--format", "json").stdout)
    assert [(s["what"], s["current"]) for s in status] == [("parser", 3), ("extractor", 3)]
    assert "0010" in ok("db", "history").stdout
    assert ok("who-said", "--limit", "1", "--format", "json", "soldiers").stdout.count('"quote_id"') == 1
