"""User corrections of speakers persist and survive re-ingest."""
import json
import sqlite3

import pytest
from click.testing import CliRunner

from quotes.cli import cli

A1 = ("Bridge to reopen\n\nCity engineer Maria Lopez said that the bridge would reopen in May. "
      "“The repairs are nearly done,” Lopez said on Tuesday.")
A2 = ("Bridge delay\n\nLopez told reporters that the bridge would now reopen in June because of the weather.")


def speakers(db):
    return json.loads(CliRunner().invoke(cli, ["--db", str(db), "speakers", "--format", "json"]).stdout)


def test_surname_joins_full_name_within_and_across_articles(tmp_path):
    db = tmp_path / "c.db"
    for i, text in enumerate((A1, A2)):
        p = tmp_path / f"{i}.txt"
        p.write_text(text)
        assert CliRunner().invoke(cli, ["--db", str(db), "ingest", "--silent", str(p)]).exit_code == 0
    people = [s for s in speakers(db) if s["kind"] == "person"]
    assert [p["name"] for p in people] == ["Maria Lopez"]
    assert people[0]["quotes"] == 3


def test_rename_merge_split_persist(tmp_path):
    db = tmp_path / "c.db"
    run = lambda *args: CliRunner().invoke(cli, ["--db", str(db), *args])  # noqa: E731
    p1 = tmp_path / "1.txt"
    p1.write_text(A1)
    run("ingest", "--silent", str(p1))
    r = run("speakers", "rename", "Maria Lopez", "María López")
    assert r.exit_code == 0, r.output
    p2 = tmp_path / "2.txt"
    p2.write_text(A2)
    run("ingest", "--silent", str(p2))
    names = [s["name"] for s in speakers(db) if s["kind"] == "person"]
    assert names == ["María López"]
    r = run("speakers", "split", "María López", "Lopez", "--as", "Luis Lopez")
    assert r.exit_code == 0, r.output
    by_name = {s["name"]: s["quotes"] for s in speakers(db)}
    assert by_name["Luis Lopez"] >= 2 and by_name["María López"] >= 1
    r = run("speakers", "merge", "Luis Lopez", "María López")
    assert r.exit_code == 0, r.output
    assert [s["name"] for s in speakers(db) if s["kind"] == "person"] == ["María López"]
    log = sqlite3.connect(db).execute("select action from corrections order by id").fetchall()
    assert log == [("rename",), ("split",), ("merge",)]
    r = run("speakers", "show", "María López")
    assert r.exit_code == 0 and "alias: Lopez" in r.stdout


def test_unknown_speaker_is_a_one_line_error(tmp_path):
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), "speakers", "merge", "Nobody", "Somebody"])
    assert r.exit_code == 1 and "no speaker called 'Nobody'" in r.output


def test_a_split_is_replayed_on_new_articles(tmp_path):
    """After `split`, a new article's occurrence written as the split-off form goes to the new speaker,
    even where the article's own coreference joins that form to the old one."""
    db = tmp_path / "c.db"
    run = lambda *args: CliRunner().invoke(cli, ["--db", str(db), *args])  # noqa: E731
    p1 = tmp_path / "1.txt"
    p1.write_text(A1)
    assert run("ingest", "--silent", str(p1)).exit_code == 0
    assert run("speakers", "split", "Maria Lopez", "Lopez", "--as", "Luis Lopez").exit_code == 0
    p3 = tmp_path / "3.txt"
    p3.write_text("Tunnel to close\n\nCity engineer Maria Lopez said that the tunnel would close in July. "
                  "“The work cannot wait,” Lopez said on Wednesday.")
    assert run("ingest", "--silent", str(p3)).exit_code == 0
    rows = json.loads(run("export", "--format", "json").stdout)
    new = {q["speaker_mention"]: q["speaker"] for q in rows if q["article"] == "3.txt"}
    assert new == {"City engineer Maria Lopez": "Maria Lopez", "Lopez": "Luis Lopez"}


def test_merge_of_an_unnamed_source_into_a_person_is_replayed(seeds_copy, tmp_path):
    """Article 002 quotes "a high-ranking U.S. military official", an unnamed source. A reader who
    knows who it is merges it by hand into a named person (here John Kirby, of the same article):
    re-ingested, the same form goes to him, not to a new unnamed speaker."""
    import shutil

    from conftest import SEEDS

    form = "a high-ranking U.S. military official"
    con = sqlite3.connect(seeds_copy)
    (anon,) = con.execute("select id from speakers where kind = 'anonymous' and name = ?", (form,)).fetchone()
    (kirby,) = con.execute("select id from speakers where name = 'John Kirby' and kind = 'person'").fetchone()
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "speakers", "merge", str(anon), str(kirby)])
    assert r.exit_code == 0, r.output
    with con:
        con.execute("pragma foreign_keys = on")
        con.execute("delete from articles where source like '%002_d1759d5647a01103.txt'")
    folder = tmp_path / "again"
    folder.mkdir()
    shutil.copy(SEEDS / "002_d1759d5647a01103.txt", folder)
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "ingest", "--silent", str(folder)])
    assert r.exit_code == 0, r.output
    rows = con.execute("select s.id, s.kind from quotes q join speakers s on s.id = q.speaker_id "
                       "where q.speaker_mention = ?", (form,)).fetchall()
    assert rows and set(rows) == {(kirby, "person")}
    assert not con.execute("select 1 from speakers where kind = 'anonymous' and name = ?", (form,)).fetchall()


def test_titled_name_is_a_person(seeds_db):
    """"White House National Security Advisor John Kirby": a title before a person's name, whose head
    noun ("Advisor") once made the whole mention an unnamed source apart from "Kirby"."""
    con = sqlite3.connect(seeds_db)
    rows = con.execute("select distinct s.name, s.kind from quotes q join speakers s on s.id = q.speaker_id "
                       "where q.speaker_mention like '%Kirby%'").fetchall()
    assert rows == [("John Kirby", "person")]


@pytest.mark.parametrize("new_name,says", [("", "cannot be empty"), ("   ", "cannot be empty"),
                                           ("john kirby", "is called 'John Kirby' already")])
def test_rename_refuses_a_blank_name_or_another_speakers(seeds_copy, new_name, says):
    """Issue 31, item 15: `speakers rename` took "", blanks and a name another speaker has; now it
    says why in one line, and nothing changes."""
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "speakers", "rename", "Trump", new_name])
    assert r.exit_code == 1 and says in r.output and len(r.output.strip().splitlines()) == 1
    con = sqlite3.connect(seeds_copy)
    assert con.execute("select count(*) from speakers where name = 'Trump'").fetchone() == (1,)
    assert con.execute("select count(*) from corrections").fetchone() == (0,)


def test_the_loser_of_two_racing_merges_gets_a_one_line_answer(seeds_copy):
    """Issue 31, item 15: two runs merge the same speakers at once. The one that read the speakers
    before the other committed wrote on that stale view (here: "merged" a speaker already gone, with
    a warning; with other rows, an integrity error and a traceback). A correction now holds the
    write lock from its first read: the second waits, reads what the first left, and says in one
    line why the merge no longer applies."""
    import threading
    import time

    from quotes.corrections import merge
    from quotes.db import Database

    db = Database(str(seeds_copy))
    first = db.sessions()
    merge(first, "South Korea", "National Intelligence Service (South Korea)")
    first.flush()  # holds the write lock, not committed yet
    result = {}

    def second():
        result["r"] = CliRunner().invoke(cli, ["--db", str(seeds_copy), "speakers", "merge", "South Korea",
                                               "National Intelligence Service (South Korea)"])

    t = threading.Thread(target=second)
    t.start()
    time.sleep(1.5)  # the second reads both speakers, then waits for the write lock
    first.commit()
    first.close()
    t.join(timeout=60)
    db.close()
    r = result["r"]
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert r.output.strip() == "Error: both names are the same speaker already"  # it read what the first left
    names = [n for (n,) in sqlite3.connect(seeds_copy).execute("select name from speakers where name = 'South Korea'")]
    assert names == []  # merged once
