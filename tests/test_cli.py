"""The command line as a user meets it: help everywhere, errors in one line, data on stdout."""
import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import click
import pytest

from quotes.cli import cli

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ("Bridge to reopen in May\n\n“We are confident the work will finish on time,” the mayor said on Tuesday. "
           "The city council said that the repairs had cost more than expected.")


def all_commands(group=cli, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path,cmd", list(all_commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner, path, cmd):
    r = runner.invoke(cli, [*path, "--help"])
    assert r.exit_code == 0
    if not isinstance(cmd, click.Group) or cmd.invoke_without_command:
        assert "Example:" in (cmd.help or ""), f"`quotes {' '.join(path)}` has no example in its help"
    readme = (ROOT / "README.md").read_text()
    assert f"quotes {' '.join(path)}" in readme, f"`quotes {' '.join(path)}` is missing from the README tour"


def test_ingest_stores_and_skips_repeats(runner, tmp_path, temp_db):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE)
    r = runner.invoke(cli, ["ingest", str(p)])
    assert r.exit_code == 0, r.output
    assert "1 new" in r.stderr
    r = runner.invoke(cli, ["ingest", str(p)])
    assert "0 new, 1 already stored" in r.stderr
    con = sqlite3.connect(temp_db)
    assert con.execute("select count(*) from articles").fetchone()[0] == 1
    n_quotes = con.execute("select count(*) from quotes").fetchone()[0]
    assert n_quotes >= 2


def test_ingest_from_stdin_with_overrides(runner, temp_db):
    r = runner.invoke(cli, ["ingest", "--outlet", "Gazette", "--published", "2025-01-11", "-"], input=ARTICLE)
    assert r.exit_code == 0, r.output
    rows = json.loads(runner.invoke(cli, ["export", "--format", "json"]).stdout)
    assert rows and all(row["outlet"] == "Gazette" and row["published"] == "2025-01-11" for row in rows)
    assert rows[0]["article"] == "<stdin>"


def test_bad_file_is_named_others_still_stored(runner, tmp_path, temp_db):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(ARTICLE)
    bad.write_bytes(b"\x00\x01\x02binary" * 10)
    r = runner.invoke(cli, ["ingest", str(bad), str(good)])
    assert r.exit_code == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {bad}: binary data, not text"]
    con = sqlite3.connect(temp_db)
    assert con.execute("select source from articles").fetchall() == [("good.txt",)]


def test_failed_ingest_keeps_what_was_stored(runner, tmp_path, temp_db):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    runner.invoke(cli, ["ingest", str(good)])
    before = sqlite3.connect(temp_db).execute("select count(*) from quotes").fetchone()[0]
    r = runner.invoke(cli, ["ingest", str(tmp_path / "missing.txt")])
    assert r.exit_code == 1 and "no such file" in r.stderr
    assert sqlite3.connect(temp_db).execute("select count(*) from quotes").fetchone()[0] == before


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR NOT", "mayor*", "(", "NEAR(a b)", "col:value", "'"])
def test_who_said_never_crashes_on_search_syntax(runner, tmp_path, query):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE)
    runner.invoke(cli, ["ingest", str(p)])
    r = runner.invoke(cli, ["who-said", "--format", "json", query])
    assert r.exit_code == 0, r.output
    assert isinstance(json.loads(r.stdout), list)


def test_who_said_formats(runner, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE)
    runner.invoke(cli, ["ingest", str(p)])
    hits = json.loads(runner.invoke(cli, ["who-said", "--format", "json", "repairs"]).stdout)
    assert len(hits) == 1 and "council" in hits[0]["speaker"].lower()
    csv_out = runner.invoke(cli, ["who-said", "--format", "csv", "repairs"]).stdout
    assert csv_out.splitlines()[0].startswith("quote_id,type,text")
    table = runner.invoke(cli, ["who-said", "repairs"]).stdout
    assert "city council" in table.lower()
    assert json.loads(runner.invoke(cli, ["who-said", "--format", "json", "zebra"]).stdout) == []


def test_export_has_the_documented_fields(runner, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE)
    runner.invoke(cli, ["ingest", str(p)])
    rows = [json.loads(line) for line in runner.invoke(cli, ["export"]).stdout.splitlines()]
    need = {"article", "outlet", "url", "published", "type", "text", "speaker", "speaker_mention", "cue", "start", "end",
            "variant", "confidence"}
    assert rows and need <= set(rows[0])
    text = sqlite3.connect(str(Path(p).parent / "test.db")).execute("select text from articles").fetchone()[0]
    for row in rows:
        assert row["article"] == "a.txt"
        assert re.sub(r"\W", "", text[row["start"] : row["end"]]).startswith(re.sub(r"\W", "", row["text"])[:20])


def test_database_that_is_not_ours_is_refused(runner, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("create table stuff (x)")
    con.commit()
    r = runner.invoke(cli, ["--db", str(other), "who-said", "x"])
    assert r.exit_code == 1 and "did not create" in r.output


def test_database_passwords_never_reach_a_message():
    """An unreachable PostgreSQL URL is named without its password, by a real `quotes` process."""
    import subprocess
    import sys

    url = "postgresql://reader:s3cret-pw@127.0.0.1:9/nowhere"
    for args in (["who-said", "Geneva"], ["db", "current"], ["db", "upgrade"]):
        r = subprocess.run([sys.executable, "-m", "quotes.cli", "--db", url, *args], capture_output=True, text=True, timeout=120)
        assert r.returncode != 0
        assert "s3cret-pw" not in r.stdout + r.stderr, args
        assert "Traceback" not in r.stderr, args
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.mark.parametrize("password", ["pa ss word", "p@ss@word"])
def test_a_password_with_a_space_or_an_at_sign_is_never_printed(password):
    """Issue 31, item 3: such a password was printed whole (a space), or its tail named as the host
    (an "@"): the URL is refused in one line that holds no part of it, from --db and from QUOTES_DB."""
    import os
    import subprocess
    import sys

    url = f"postgresql://reader:{password}@127.0.0.1:9/nowhere"
    runs = [([sys.executable, "-m", "quotes.cli", "--db", url, "who-said", "x"], None),
            ([sys.executable, "-m", "quotes.cli", "db", "upgrade"], dict(os.environ, QUOTES_DB=url))]
    for cmd, env in runs:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        assert r.returncode == 1
        assert not {"pa", "ss", "word"} & set(re.findall(r"\w+", r.stdout + r.stderr)), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "percent-encode" in r.stderr


def test_mask_secrets():
    from quotes.db import mask_secrets

    assert mask_secrets("cannot open postgresql+psycopg://u:p%40ss@h:5432/db: refused") == \
        "cannot open postgresql+psycopg://u:***@h:5432/db: refused"
    assert mask_secrets("host=h user=u password='x y' dbname=d") == "host=h user=u password=*** dbname=d"
    assert mask_secrets("sqlite:///tmp/quotes.db") == "sqlite:///tmp/quotes.db"
    assert mask_secrets("postgresql://u:pa ss@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert mask_secrets("postgresql://u:p@ss@h/db, and u@example.com") == "postgresql://u:***@h/db, and u@example.com"


def test_read_commands_never_create_a_database(runner, tmp_path):
    db = tmp_path / "missing.db"
    for args in (["who-said", "Geneva"], ["export"], ["speakers"], ["variants"], ["compare", "1"]):
        r = runner.invoke(cli, ["--db", str(db), *args])
        assert r.exit_code == 1, args
        assert r.output.strip().splitlines() == [f"Error: no database at {db}: `quotes ingest PATH` creates it (or pass --db / QUOTES_DB)"]
    assert not db.exists()


def test_read_commands_never_migrate(runner, seeds_copy):
    import sqlite3

    assert runner.invoke(cli, ["--db", str(seeds_copy), "db", "downgrade", "0003"]).exit_code == 0
    r = runner.invoke(cli, ["--db", str(seeds_copy), "who-said", "Geneva"])
    assert r.exit_code == 1
    assert "the database is at schema 0003, this version of quotes reads 0010: run `quotes db upgrade`" in r.output
    assert sqlite3.connect(seeds_copy).execute("select version_num from alembic_version").fetchone() == ("0003",)
    assert runner.invoke(cli, ["--db", str(seeds_copy), "db", "upgrade"]).exit_code == 0
    r = runner.invoke(cli, ["--db", str(seeds_copy), "who-said", "Geneva"])
    assert r.exit_code == 0 and "Geneva" in r.output


def test_database_errors_are_one_line_that_names_the_fix(tmp_path):
    """A missing folder, a file that is not a database and an unreachable server: one line on stderr
    saying what to do, exit 1, for the db commands, a read command and ingest alike (real processes)."""
    import subprocess
    import sys

    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(bytes(range(256)) * 20)
    article = Path(__file__).resolve().parents[1] / "seeds" / "000_4104acffb22e89e7.txt"
    cases = [
        (["--db", str(tmp_path / "no" / "such" / "x.db"), "db", "current"], "the folder"),
        (["--db", str(tmp_path / "no" / "such" / "x.db"), "db", "upgrade"], "create it, or pass another --db"),
        (["--db", str(tmp_path / "no" / "such" / "x.db"), "ingest", str(article)], "create it, or pass another --db"),
        (["--db", str(corrupt), "db", "current"], "is not a SQLite database, or is damaged"),
        (["--db", str(corrupt), "who-said", "Geneva"], ".recover"),
        (["--db", str(corrupt), "ingest", str(article)], "restore it from a backup"),
        (["--db", "postgresql://u:hunter2@127.0.0.1:1/x", "db", "current"], "is it running, and is the URL right?"),
    ]
    for args, expected in cases:
        r = subprocess.run([sys.executable, "-m", "quotes.cli", *args], capture_output=True, text=True, timeout=120)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 1 and len(lines) == 1 and expected in lines[0], (args, r.stderr)
        assert "hunter2" not in r.stderr and "Traceback" not in r.stderr
    assert corrupt.read_bytes() == bytes(range(256)) * 20  # left as it was


# -- the shared output vocabulary --------------------------------------------------------------------
# Every command is one of these; a new command fails test_every_command_is_classified until it is
# added here, and a record printer fails the tests below until it has the shared output options.
RECORD_PRINTERS = {  # command: the arguments that make it print records on the seeds database
    ("who-said",): ["Geneva"],
    ("export",): [],
    ("speakers",): [],
    ("speakers", "show"): ["Zelensky"],
    ("variants",): [],
    ("compare",): ["1"],
    ("articles",): [],
    ("articles", "show"): ["1"],
    ("models", "info"): [],
    ("db", "status"): [],
    ("db", "history"): [],
}
NOT_RECORD_PRINTERS = {  # command: what it prints instead
    ("ingest",): "a progress bar and a summary",
    ("reextract",): "a progress bar and a summary",
    ("parse",): "one parse, as CoNLL-U or its JSON (--format conllu|json)",
    ("models",): "nothing: a group",
    ("models", "download"): "Stanza's progress bars and a summary",
    ("speakers", "merge"): "a summary",
    ("speakers", "split"): "a summary",
    ("speakers", "rename"): "a summary",
    ("variants", "merge"): "a summary",
    ("variants", "split"): "a summary",
    ("variants", "detach"): "a summary",
    ("variants", "regroup"): "a summary",
    ("db",): "nothing: a group",
    ("db", "upgrade"): "a summary",
    ("db", "downgrade"): "a summary",
    ("db", "current"): "one revision",
    ("serve",): "a web server (quotes serve: Datasette pages)",
}
SILENCEABLE = {path for path, what in NOT_RECORD_PRINTERS.items() if "summary" in what} | {("models", "info")}
OUTPUTS = [["--json"], ["--nl"], ["--csv"], ["--tsv"], ["--format", "json"], ["--format", "jsonl"], ["--format", "nl"],
           ["--format", "csv"], ["--format", "tsv"]]
LEGACY_JSON = {("compare",)}  # `--format json` keeps the one object it printed before --json existed


def options_of(cmd) -> set[str]:
    return {opt for p in cmd.params for opt in p.opts}


def records(output: str, args: list[str]) -> list[dict]:
    """Parse what a command printed with the output options ``args``; fail if it is not valid."""
    kind = args[-1].lstrip("-")
    if kind == "json":
        data = json.loads(output)
        assert isinstance(data, list) and all(isinstance(r, dict) for r in data)
        return data
    if kind in ("nl", "jsonl"):
        rows = [json.loads(line) for line in output.splitlines()]
        assert all(isinstance(r, dict) for r in rows)
        return rows
    reader = csv.DictReader(io.StringIO(output), delimiter="\t" if kind == "tsv" else ",")
    rows = list(reader)
    assert reader.fieldnames and all(None not in r for r in rows), output[:300]  # every row fits the header
    return rows


@pytest.mark.parametrize("path,cmd", list(all_commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_is_classified(path, cmd):
    assert (path in RECORD_PRINTERS) != (path in NOT_RECORD_PRINTERS), \
        f"`quotes {' '.join(path)}`: add it to RECORD_PRINTERS (and give it @output_options) or to NOT_RECORD_PRINTERS"
    opts = options_of(cmd)
    if path in RECORD_PRINTERS:
        assert {"--json", "--nl", "--csv", "--tsv", "--format"} <= opts, f"`quotes {' '.join(path)}` lacks @output_options"
    else:
        assert not opts & {"--json", "--nl", "--csv", "--tsv"}
    if path in SILENCEABLE:
        assert "--silent" in opts, f"`quotes {' '.join(path)}` prints a summary or progress but has no --silent"


@pytest.mark.parametrize("path", list(RECORD_PRINTERS), ids=" ".join)
def test_record_printers_speak_every_output_format(runner, seeds_db, path):
    counts = {}
    for args in OUTPUTS:
        r = runner.invoke(cli, ["--db", str(seeds_db), *path, *RECORD_PRINTERS[path], *args])
        assert r.exit_code == 0, (args, r.output)
        if path in LEGACY_JSON and args == ["--format", "json"]:
            assert isinstance(json.loads(r.stdout), dict)
            continue
        counts[" ".join(args)] = len(records(r.stdout, args))
    assert len(set(counts.values())) == 1 and counts["--json"] > 0, counts  # the same records in every format
    r = runner.invoke(cli, ["--db", str(seeds_db), *path, *RECORD_PRINTERS[path], "--json", "--csv"])
    assert r.exit_code == 2 and "--json and --csv are mutually exclusive" in r.output
    r = runner.invoke(cli, ["--db", str(seeds_db), *path, *RECORD_PRINTERS[path], "--nl", "--format", "jsonl"])
    assert r.exit_code == 0  # the same format twice is no conflict


def test_the_same_records_in_json_nl_and_csv(runner, seeds_db):
    def run(*args):
        return runner.invoke(cli, ["--db", str(seeds_db), "who-said", "Geneva", *args]).stdout

    as_json = json.loads(run("--json"))
    assert as_json == [json.loads(line) for line in run("--nl").splitlines()] == json.loads(run("--format", "json"))
    as_csv = list(csv.DictReader(io.StringIO(run("--csv"))))
    assert [r["quote_id"] for r in as_csv] == [str(r["quote_id"]) for r in as_json]
    assert run() == run("--table") == run("--format", "table")


@pytest.mark.parametrize("path,args", [(("who-said",), ["Geneva"]), (("export",), []), (("speakers",), []),
                                       (("variants",), [])], ids=lambda x: " ".join(x))
def test_empty_results(runner, seeds_db, path, args):
    """Nothing found: `[]` for --json, nothing for --nl, the header alone for --csv and --tsv (the
    header a full result has)."""
    assert runner.invoke(cli, ["db", "upgrade", "--silent"]).exit_code == 0  # an empty database at QUOTES_DB

    def run(*flags, db=()):
        r = runner.invoke(cli, [*db, *path, *args, *flags])
        assert r.exit_code == 0, r.output
        return r.stdout

    assert run("--json") == "[]\n"
    assert run("--nl") == ""
    for flag in ("--csv", "--tsv"):
        full = run(flag, db=("--db", str(seeds_db))).splitlines()
        assert len(full) > 1 and run(flag) == full[0] + "\n"


def test_export_streams_its_rows(runner, seeds_db, monkeypatch):
    """export hands the renderer a generator, never a list: a large database has millions of rows."""
    import quotes.cli

    seen = []
    monkeypatch.setattr(quotes.cli, "render", lambda rows, fmt, **kw: seen.append((type(rows).__name__, fmt)))
    for flag in ("--json", "--nl", "--csv", "--tsv"):
        assert runner.invoke(cli, ["--db", str(seeds_db), "export", flag]).exit_code == 0
    assert seen == [("generator", f) for f in ("json", "nl", "csv", "tsv")]


def test_silent_leaves_stderr_empty(runner, seeds_copy):
    """Each pair: the first run says what it did on stderr, the second (which undoes or redoes it)
    says nothing with --silent."""
    SBU = "Security Service of Ukraine"
    pairs = [(["db", "downgrade", "-1"], ["db", "upgrade"]),
             (["db", "upgrade"], ["db", "downgrade", "-1"]),
             (["speakers", "rename", "Zelensky", "V. Zelensky"], ["speakers", "rename", "V. Zelensky", "Zelensky"]),
             (["speakers", "split", SBU, "The SBU"], ["speakers", "split", SBU, "the SSU"]),
             (["speakers", "merge", "The SBU", SBU], ["speakers", "merge", "the SSU", SBU]),
             (["models", "info", "--json"], ["models", "info", "--json"])]
    for loud, quiet in pairs:
        r = runner.invoke(cli, ["--db", str(seeds_copy), *loud])
        assert r.exit_code == 0 and r.stderr, (loud, r.output)
        r = runner.invoke(cli, ["--db", str(seeds_copy), *quiet, "--silent"])
        assert r.exit_code == 0 and r.stderr == "", (quiet, r.output)


@pytest.mark.fast
@pytest.mark.parametrize("name", ["a%b.db", "a?b.db", "a#b.db", "a b.db", "a%3Fb.db"])
def test_a_database_path_is_the_file_it_names(tmp_path, name, runner):
    """Issue 31, item 8: "?", "#" and "%" in a --db path started a URL query or fragment, or an
    escape: the database was written under another name, or written and never read back (the failed
    read leaving a stray file)."""
    db = tmp_path / name
    assert runner.invoke(cli, ["--db", str(db), "db", "upgrade"]).exit_code == 0
    r = runner.invoke(cli, ["--db", str(db), "who-said", "--json", "Geneva"])
    assert r.exit_code == 0 and r.stdout.strip() == "[]", r.output
    made = {p.name for p in tmp_path.iterdir() if not p.name.endswith((".lock", "-wal", "-shm"))}
    assert made == {name}


# -- issue 32, item 2: the filters every read command shares -----------------------------------------
READ_COMMANDS = [("who-said", "Kursk"), ("export",), ("speakers", "show", "Zelensky"), ("variants",), ("compare", "1"),
                 ("articles",)]


@pytest.mark.parametrize("path", READ_COMMANDS, ids=lambda p: " ".join(p[:2]))
def test_every_read_command_has_the_shared_filters(path):
    cmd = cli
    for name in path:
        if not isinstance(cmd, click.Group):
            break
        cmd = cmd.commands[name]
    wanted = {"--outlet", "--since", "--until", "--type", "--limit"} | ({"--speaker"} if path[0] != "speakers" else set())
    assert wanted <= options_of(cmd)


def test_filters_narrow_every_read_command(seeds_copy, runner):
    """Outlets and dates set on two seed articles; each filter keeps exactly what it names."""
    import sqlite3

    con = sqlite3.connect(seeds_copy)
    con.execute("UPDATE articles SET outlet = 'Kyiv Gazette', published = '2025-01-11T10:00:00+00:00' WHERE source LIKE '000%'")
    con.execute("UPDATE articles SET outlet = 'Seoul Daily', published = '2025-01-13' WHERE source LIKE '001%'")
    con.commit()

    def records(*args):
        r = runner.invoke(cli, ["--db", str(seeds_copy), *args, "--json"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    everything = records("export")
    gazette = records("export", "--outlet", "gazette")
    assert gazette and {q["outlet"] for q in gazette} == {"Kyiv Gazette"} and len(gazette) < len(everything)
    assert {q["outlet"] for q in records("export", "--since", "2025-01-12")} == {"Seoul Daily"}
    assert {q["outlet"] for q in records("export", "--until", "2025-01-12")} == {"Kyiv Gazette"}
    assert {q["outlet"] for q in records("export", "--since", "2025-01-11", "--until", "2025-01-13")} == {"Kyiv Gazette", "Seoul Daily"}
    direct = records("export", "--type", "direct")
    assert direct and {q["type"] for q in direct} == {"direct"}
    assert len(records("export", "--limit", "3")) == 3
    hits = records("who-said", "soldiers", "--speaker", "zelensk", "--type", "indirect")
    assert hits and {(h["speaker"], h["type"]) for h in hits} == {("Volodymyr Zelenskyy", "indirect")}
    assert len(records("who-said", "soldiers", "--limit", "2", "--outlet", "seoul")) == 2
    said = records("speakers", "show", "Zelensky", "--outlet", "seoul daily")
    assert said and {q["outlet"] for q in said} == {"Seoul Daily"} and all(q["quote_id"] for q in said)
    groups = records("variants", "--outlet", "Kyiv Gazette")
    assert groups and len(groups) < len(records("variants"))
    (gid,) = {g["variant_id"] for g in groups[:1]}
    members = records("compare", str(gid), "--outlet", "gazette")
    assert members and {m["outlet"] for m in members if m.get("relation") != "related"} <= {"Kyiv Gazette"}
    r = runner.invoke(cli, ["--db", str(seeds_copy), "export", "--since", "11/01/2025"])
    assert r.exit_code == 2 and "is not a date (YYYY-MM-DD)" in r.output


def test_who_said_syntax_is_words_of_the_quote_or_its_speaker(seeds_db, runner):
    """The search syntax the help documents: every word, any order and case, in the quote or in the
    speaker's name as written; operators are words."""
    def hits(*words):
        r = runner.invoke(cli, ["--db", str(seeds_db), "who-said", *words, "--json"], catch_exceptions=False)
        return {h["quote_id"] for h in json.loads(r.stdout)}

    assert hits("Geneva") == hits("GENEVA") == hits("geneva conventions") == hits("conventions Geneva")
    assert hits("Zelensky") and hits("Zelensky") - hits("soldiers")  # the speaker as written, not only the text
    assert hits('"north korean"') == hits("north korean") and hits("north OR nonexistentword") == set()


# -- issue 32, item 3: the stored articles, and one with its statements marked -----------------------
def test_articles_lists_what_is_stored_with_its_counts(seeds_db, runner):
    import sqlite3

    r = runner.invoke(cli, ["--db", str(seeds_db), "articles", "--json"], catch_exceptions=False)
    rows = json.loads(r.stdout)
    con = sqlite3.connect(seeds_db)
    counts = dict(con.execute("select article_id, count(*) from quotes group by article_id"))
    assert len(rows) == 5 and {a["article_id"]: a["n_quotes"] for a in rows} == counts
    assert all(a["article"].endswith(".txt") and a["n_speakers"] >= 1 for a in rows)
    with_zelensky = json.loads(runner.invoke(cli, ["--db", str(seeds_db), "articles", "--speaker", "zelensk", "--json"]).stdout)
    quoted = {a for (a,) in con.execute("select distinct q.article_id from quotes q join speakers s on s.id = q.speaker_id "
                                         "where s.name like '%Zelensk%'")}
    assert {a["article_id"] for a in with_zelensky} == quoted and 0 < len(quoted) <= 5
    table = runner.invoke(cli, ["--db", str(seeds_db), "articles"]).output
    assert "n_quotes" in table and "004_6082e" in table


def test_articles_show_marks_every_statement_and_says_who(seeds_db, runner):
    import re
    import sqlite3

    con = sqlite3.connect(seeds_db)
    (article,) = con.execute("select id from articles where source like '002%'").fetchone()
    statements = con.execute("select id, text from quotes where article_id = ? order by start, \"end\", id", (article,)).fetchall()
    r = runner.invoke(cli, ["--db", str(seeds_db), "articles", "show", str(article), "--no-color"], catch_exceptions=False)
    assert r.exit_code == 0
    body, _, legend = r.output.rpartition("\n\n[1] ")
    legend = ("[1] " + legend).strip().splitlines()
    assert len(legend) == len(statements)
    for n, (qid, text) in enumerate(statements, 1):
        assert f"[{n} " in body and f"(quote {qid}" in legend[n - 1]
        marked = re.sub(r"\[\d+ |\]", "", body.split(f"[{n} ", 1)[1])  # the text from its mark on, marks removed
        assert marked.startswith(text[:40]), (n, text)
    assert "Volodymyr Zelenskyy" in "\n".join(legend)
    records = json.loads(runner.invoke(cli, ["--db", str(seeds_db), "articles", "show", str(article), "--json"]).stdout)
    assert [q["quote_id"] for q in records] == [q for q, _ in statements]
    missing = runner.invoke(cli, ["--db", str(seeds_db), "articles", "show", "999"])
    assert missing.exit_code == 1 and missing.output.strip() == "Error: no article 999; see `quotes articles`"


def test_one_field_vocabulary_across_the_commands(seeds_db, runner):
    """Issue 32, item 4: one name for one field in every command and format (`variant` / `variant_id`
    and `cue` / `cue_lemma` differed). Every record of a quote carries quote_view's names; export also
    keeps its two older names, for scripts."""
    from quotes.search import COLUMNS

    view = {c.strip('"') for c in COLUMNS}

    def keys(*args):
        out = runner.invoke(cli, ["--db", str(seeds_db), *args, "--json"], catch_exceptions=False).stdout
        return set().union(*(set(r) for r in json.loads(out)))

    shared = {"quote_id", "article", "article_id", "speaker", "speaker_id", "type", "text", "outlet", "published", "cue_text"}
    extra = {"export": {"cue", "variant"}, "compare": {"diff", "relation"}}
    for args in (["who-said", "Kursk"], ["export"], ["compare", "1"], ["articles", "show", "1"],
                 ["speakers", "show", "Zelensky"]):
        got = keys(*args)
        assert shared <= got, (args, shared - got)
        assert got - view <= extra.get(args[0], set()), (args, got - view)
    assert {"cue_lemma", "variant_id"} <= keys("export") and {"variant_id"} <= keys("variants")
    assert {"article_id", "article", "outlet", "published"} <= keys("articles")
