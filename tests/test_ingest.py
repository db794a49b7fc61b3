"""Ingest as a pipeline: worker processes give exactly the in-process result, in input order, and the
report says where the time went."""
from __future__ import annotations

from pathlib import Path

from conftest import SEEDS, quotes_of

from quotes.db import Database
from quotes.ingest import PARSE_BATCH_ARTICLES, ingest_paths


def halves(folder: Path) -> int:
    """The seed articles cut in two at a line break: more articles than one parse batch."""
    folder.mkdir()
    n = 0
    for path in sorted(SEEDS.glob("*.txt")):
        paragraphs = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        mid = len(paragraphs) // 2
        for part, chunk in enumerate((paragraphs[:mid], paragraphs[mid:])):
            (folder / f"{path.stem}-{part}.txt").write_text("\n\n".join(chunk), encoding="utf-8")
            n += 1
    return n


def test_two_workers_store_exactly_what_one_process_stores(tmp_path, monkeypatch):
    import quotes.ingest
    import quotes.workers

    n = halves(tmp_path / "in")
    assert n > PARSE_BATCH_ARTICLES  # at least two batches, so the worker pool is used
    results = {}
    for run, workers in (("one", 1), ("two", 2), ("recycled", 2)):
        if run == "recycled":  # batches of 2 articles, and each worker replaced after every batch
            monkeypatch.setattr(quotes.ingest, "PARSE_BATCH_ARTICLES", 2)
            monkeypatch.setattr(quotes.workers, "WORKER_BATCHES", 1)
        db_path = tmp_path / f"{run}.db"
        db = Database(str(db_path))
        report = ingest_paths(db, [str(tmp_path / "in")], workers=workers)
        db.close()
        assert report.new == n and not report.failed
        assert report.seconds["parse"] > 0 and report.seconds["store"] > 0 and report.seconds["variants"] > 0
        results[run] = quotes_of(db_path)
    assert len(results["one"]) > 40
    assert results["one"] == results["two"] == results["recycled"]


def test_the_same_text_twice_in_one_run_is_stored_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text.replace("\n\n", "\n\n\n"), encoding="utf-8")  # same words, other spacing
    db = Database(str(tmp_path / "d.db"))
    report = ingest_paths(db, [str(folder)], workers=1)
    db.close()
    assert (report.new, report.skipped) == (1, 1)
    assert report.quotes > 5


def test_an_article_stored_meanwhile_by_another_run_counts_as_already_stored(tmp_path, monkeypatch):
    """Two runs racing on one article: the one that loses the unique key skips it, without an error."""
    import quotes.ingest as ingest

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text((SEEDS / "003_682c6d583df0239a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    db = Database(str(tmp_path / "race.db"))
    first = ingest_paths(db, [str(folder)], workers=1)
    monkeypatch.setattr(ingest, "_is_stored", lambda db, key: False)  # as if checked before the other run committed
    second = ingest_paths(db, [str(folder)], workers=1)
    db.close()
    assert (first.new, first.skipped) == (1, 0) and first.quotes > 5
    assert (second.new, second.skipped, second.failed) == (0, 1, [])
    assert len(quotes_of(tmp_path / "race.db")) == first.quotes


def test_two_first_ingests_into_one_new_database(tmp_path):
    """Two real processes create the same new database at once: migrations are serialised, each
    article is stored once, and both runs end well (the later one finds the articles stored)."""
    import subprocess
    import sys

    db = tmp_path / "new.db"
    cmd = [sys.executable, "-m", "quotes.cli", "--db", str(db), "ingest", "--silent", "--workers", "1", str(SEEDS)]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in runs]
    for code, err in results:
        assert code == 0, err
    con = __import__("sqlite3").connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == 5
    assert con.execute("select count(distinct key) from articles").fetchone()[0] == 5
    assert con.execute("select count(*) from quotes").fetchone()[0] > 50
    # the vector index both saved beside it holds every stored vector once it is opened
    from quotes.grouping import neighbours

    vectors = con.execute("select count(*) from quote_vectors").fetchone()[0]
    opened = Database(str(db))
    with opened.engine.connect() as conn:
        assert len(neighbours.index_for(conn)) == vectors > 50
    opened.close()


def test_a_parser_failure_is_one_article_failed_not_a_crashed_run(tmp_path, monkeypatch):
    import quotes.parse as parse

    real = parse.parse_texts

    def flaky(texts, **kw):
        if any("POISON" in t for t in texts):
            raise RuntimeError("")  # an empty message too
        return real(texts, **kw)

    monkeypatch.setattr(parse, "parse_texts", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text((SEEDS / "003_682c6d583df0239a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text("POISON. The mayor said on Monday that the bridge would reopen in May.", encoding="utf-8")
    db = Database(str(tmp_path / "p.db"))
    report = ingest_paths(db, [str(folder)], workers=1)
    db.close()
    assert report.new == 1 and report.quotes > 5
    assert report.failed == [("b.txt", "the parser failed: RuntimeError")]
    db = Database(str(tmp_path / "p2.db"))
    only = ingest_paths(db, [str(folder / "b.txt")], workers=1)  # a batch of one fails the same way
    db.close()
    assert only.failed == [("b.txt", "the parser failed: RuntimeError")] and only.new == 0


def _partition(db_path) -> set[frozenset]:
    import sqlite3

    groups: dict = {}
    for gid, text in sqlite3.connect(db_path).execute("select variant_id, text from quotes where variant_id is not null"):
        groups.setdefault(gid, set()).add(text)
    return {frozenset(g) for g in groups.values()}


def _interrupted_between_store_and_grouping(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """Two seed articles that share statements; the run is killed (KeyboardInterrupt) right after
    storing them, as it starts to group them."""
    import quotes.ingest

    folder = tmp_path / "two"
    folder.mkdir()
    for src in sorted(SEEDS.glob("*.txt"))[:2]:
        (folder / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    real, calls = quotes.ingest.group_unfinished, []

    def killed_when_grouping(db, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first call resumes an earlier run's articles (none)
            raise KeyboardInterrupt
        return real(db, **kwargs)

    monkeypatch.setattr(quotes.ingest, "group_unfinished", killed_when_grouping)
    db_path = tmp_path / "q.db"
    db = Database(str(db_path))
    try:
        ingest_paths(db, [str(folder)], workers=1)
    except KeyboardInterrupt:
        pass
    db.close()
    monkeypatch.setattr(quotes.ingest, "group_unfinished", real)
    return folder, db_path


def test_a_run_killed_between_storing_and_grouping_is_finished_by_the_next(tmp_path, monkeypatch):
    """Issue 31, item 5: the quotes of an article stored but not grouped stayed ungrouped for ever;
    the next ingest groups it first, and the groups are those of a run never interrupted."""
    import sqlite3

    folder, db_path = _interrupted_between_store_and_grouping(tmp_path, monkeypatch)
    con = sqlite3.connect(db_path)
    assert con.execute("select count(*) from articles where grouped_at is null").fetchone() == (2,)
    assert not _partition(db_path)  # nothing grouped yet
    db = Database(str(db_path))
    report = ingest_paths(db, [str(folder)], workers=1)  # both stored already
    db.close()
    assert (report.new, report.skipped, report.resumed) == (0, 2, 2)
    assert con.execute("select count(*) from articles where grouped_at is null").fetchone() == (0,)
    whole = tmp_path / "whole.db"
    db = Database(str(whole))
    ingest_paths(db, [str(folder)], workers=1)
    db.close()
    assert _partition(db_path) == _partition(whole) and _partition(whole)


def test_reextract_finishes_an_interrupted_grouping(tmp_path, monkeypatch):
    from quotes.reextract import reextract

    _, db_path = _interrupted_between_store_and_grouping(tmp_path, monkeypatch)
    db = Database(str(db_path))
    report = reextract(db, [])
    db.close()
    assert report.resumed == 2 and _partition(db_path)


def test_an_article_grouped_by_another_run_is_not_grouped_twice(seeds_copy):
    """Two runs: one resumes an article the other stored but has not grouped yet. The second to come
    finds it recorded as grouped and leaves it as the first grouped it (its row is locked first)."""
    import sqlite3

    from quotes.grouping.groups import group_article

    con = sqlite3.connect(seeds_copy)
    grouped = "select count(*) from quotes where article_id = 2 and variant_id is not null"
    assert con.execute(grouped).fetchone()[0] > 0
    con.execute("update quotes set variant_id = null where article_id = 2")  # stands for "grouped otherwise"
    con.commit()
    db = Database(str(seeds_copy))
    with db.session() as s:
        group_article(s, 2)  # its grouped_at is set: another run grouped it, so this call changes nothing
    db.close()
    assert con.execute(grouped).fetchone()[0] == 0


def test_progress_says_what_the_run_does_and_how_much_is_left(tmp_path):
    """Issue 32, item 5: on a busy machine the bar showed "0article" for minutes, with no total and no
    word that models were loading. It now says "loading models" until the first article is in, then
    "ingesting" with the total (so tqdm gives the share done, the rate and the time left), then
    "grouping statements"."""
    from quotes.ingest import count_articles

    folder = tmp_path / "two"
    folder.mkdir()
    for src in sorted(SEEDS.glob("*.txt"))[:2]:
        (folder / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text('{"text": "x"}\n')
    assert count_articles([str(folder)]) == 2 and count_articles([str(folder), str(SEEDS / "000_4104acffb22e89e7.txt")]) == 3
    assert count_articles([str(folder), str(tmp_path / "feed.jsonl")]) is None and count_articles(["-"]) is None

    class Bar:
        def __init__(self):
            self.said, self.total, self.n, self.desc = [], None, 0, None

        def set_description_str(self, what):
            self.desc = what
            self.said.append((what, self.total, self.n))

        def refresh(self):
            pass

        def update(self, n):
            self.n += n

        def close(self):
            pass

    bar = Bar()
    db = Database(str(tmp_path / "q.db"))
    ingest_paths(db, [str(folder)], progress=lambda: bar, workers=1)
    db.close()
    assert bar.said == [("loading models", None, 0), ("ingesting", 2, 0), ("grouping statements", 2, 2)]
    assert bar.total == 2 and bar.n == 2


def test_a_csv_export_ingests_with_each_rows_outlet_and_date(tmp_path, runner):
    """Issue 32, item 1: a spreadsheet export (Media Cloud's columns, the seeds as its rows) gives
    every stored article its own outlet and date (UTC), read by name; `--column` names others."""
    import csv
    import sqlite3

    from quotes.cli import cli

    p = tmp_path / "export.csv"
    outlets = ["Kyiv Post", "Yonhap", "Fox News", "The Guardian", "Le Monde"]
    with p.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stories_id", "publish_date", "title", "url", "media_name", "story"])
        for n, src in enumerate(sorted(SEEDS.glob("*.txt"))):
            w.writerow([500 + n, f"2025-01-1{n} 0{n}:30:00", "", "", outlets[n], src.read_text(encoding="utf-8")])
    r = runner.invoke(cli, ["--db", str(tmp_path / "q.db"), "ingest", "--silent", str(p)])
    assert r.exit_code == 1 and "no text column" in r.output and "story" in r.output  # says which columns there are
    r = runner.invoke(cli, ["--db", str(tmp_path / "q.db"), "ingest", "--silent", "--column", "text=story", str(p)],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    stored = sqlite3.connect(tmp_path / "q.db").execute("select source, outlet, published from articles order by source").fetchall()
    assert stored == [(str(500 + n), outlets[n], f"2025-01-1{n}T0{n}:30:00+00:00") for n in range(5)]
    bad = runner.invoke(cli, ["--db", str(tmp_path / "q.db"), "ingest", "--column", "body", str(p)])
    assert bad.exit_code == 2 and "FIELD=NAME" in bad.output
    bad = runner.invoke(cli, ["--db", str(tmp_path / "q.db"), "ingest", "--published", "someday", str(p)])
    assert bad.exit_code == 2 and "not a date" in bad.output
